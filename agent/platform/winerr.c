#include "winerr.h"
#include "secure.h"
#include "text.h"
#include <wchar.h>

const wchar_t *win_error_text(DWORD code, wchar_t *buf, size_t cch)
{
    wchar_t msg[512];
    DWORD flags = FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                  FORMAT_MESSAGE_MAX_WIDTH_MASK;
    /* English first so that reports from a mixed-language fleet read alike;
     * fall back to the system's language when English text is not installed. */
    DWORD n = FormatMessageW(flags, NULL, code, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
                             msg, COUNTOF(msg), NULL);
    if (n == 0)
        n = FormatMessageW(flags, NULL, code, 0, msg, COUNTOF(msg), NULL);
    /* p2vprep's own refusals, where a Windows (or Wine) has no text for them */
    if (n == 0 && code == ERROR_UNTRUSTED_MOUNT_POINT)
        n = (DWORD)wcslen(wcscpy(msg, L"The path goes through a link p2vprep does not follow."));
    if (n == 0)
        wcopy(msg, COUNTOF(msg), L"Unknown error");
    size_t len = wcslen(msg);
    while (len > 0 && (msg[len - 1] == L' ' || msg[len - 1] == L'\r' || msg[len - 1] == L'\n'))
        msg[--len] = 0;
    return wfmt(buf, cch, L"%ls (0x%lx)", msg, (unsigned long)code);
}
