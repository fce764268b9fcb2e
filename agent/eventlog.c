#include "eventlog.h"
#include "messages.h"
#include "text.h"
#include <stdarg.h>
#include <wchar.h>

#define SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\p2vprep"

static HANDLE source;

DWORD eventlog_register(const wchar_t *exe_path)
{
    HKEY h;
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    DWORD e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SOURCE_KEY, 0, NULL, 0, KEY_SET_VALUE, NULL, &h, NULL);
    if (e != ERROR_SUCCESS)
        return e;
    e = RegSetValueExW(h, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe_path,
                       (DWORD)((wcslen(exe_path) + 1) * sizeof(wchar_t)));
    if (e == ERROR_SUCCESS)
        e = RegSetValueExW(h, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
    RegCloseKey(h);
    return e;
}

DWORD eventlog_unregister(void)
{
    DWORD e = RegDeleteKeyW(HKEY_LOCAL_MACHINE, SOURCE_KEY);
    return e == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : e;
}

void eventlog_write(enum event_kind kind, const wchar_t *fmt, ...)
{
    static const WORD types[] = { EVENTLOG_INFORMATION_TYPE, EVENTLOG_WARNING_TYPE, EVENTLOG_ERROR_TYPE };
    static const DWORD ids[] = { MSG_INFO, MSG_WARNING, MSG_ERROR };
    wchar_t text[2048];
    va_list ap;
    if (!source)
        source = RegisterEventSourceW(NULL, L"p2vprep");
    if (!source)
        return;
    va_start(ap, fmt);
    wfmtv(text, COUNTOF(text), fmt, ap);
    va_end(ap);
    const wchar_t *inserts[1] = { text };
    ReportEventW(source, types[kind], 0, ids[kind], NULL, 1, 0, inserts, NULL);
}

void eventlog_close(void)
{
    if (source)
        DeregisterEventSource(source);
    source = NULL;
}
