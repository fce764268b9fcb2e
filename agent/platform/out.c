#include "out.h"
#include "secure.h"
#include "text.h"
#include <stdarg.h>
#include <stdlib.h>
#include <wchar.h>

static BOOL quiet, json;
static HANDLE log_file = INVALID_HANDLE_VALUE;
static wchar_t last_error[1024];

void out_set_quiet(BOOL q) { quiet = q; }
void out_set_json(BOOL j) { json = j; }
const wchar_t *out_last_error(void) { return last_error; }

/* The log is appended to as whoever runs p2vprep, SYSTEM included: never through a link
 * someone placed at its name (a reparse point, or a second name of another file: exit 2,
 * ERROR_UNTRUSTED_MOUNT_POINT or ERROR_TOO_MANY_LINKS), and a missing folder is made
 * admin-only. */
BOOL out_open_log(const wchar_t *path)
{
    DWORD e = secure_target_check(path);
    if (e != ERROR_SUCCESS) {
        SetLastError(e);
        return FALSE;
    }
    log_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (log_file == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND) {
        /* e.g. %SystemRoot%\p2vprep\startup.log before the first apply made the folder */
        wchar_t dir[MAX_PATH];
        wchar_t *slash;
        if (wcopy(dir, COUNTOF(dir), path) && (slash = wcsrchr(dir, L'\\')) != NULL) {
            *slash = 0;
            if (secure_dirs_create(dir) == ERROR_SUCCESS)
                log_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                       NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
        }
    }
    if (log_file == INVALID_HANDLE_VALUE)
        return FALSE;
    /* what was opened is the name itself: one name, not a link made meanwhile */
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(log_file, &info) || info.nNumberOfLinks > 1 ||
        (info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
        CloseHandle(log_file);
        log_file = INVALID_HANDLE_VALUE;
        SetLastError(ERROR_TOO_MANY_LINKS);
        return FALSE;
    }
    return TRUE;
}

void out_close_log(void)
{
    if (log_file != INVALID_HANDLE_VALUE)
        CloseHandle(log_file);
    log_file = INVALID_HANDLE_VALUE;
}

/* A console gets UTF-16 through WriteConsoleW; a pipe or file gets UTF-8. */
static void write_to(HANDLE h, const wchar_t *text)
{
    DWORD mode, done;
    if (h == INVALID_HANDLE_VALUE || h == NULL)
        return;
    if (GetConsoleMode(h, &mode)) {
        WriteConsoleW(h, text, (DWORD)wcslen(text), &done, NULL);
        return;
    }
    int len;
    char *s = utf8_from_wide(text, &len);
    if (s) {
        WriteFile(h, s, (DWORD)len, &done, NULL);
        free(s);
    }
}

static void emit(BOOL is_error, const wchar_t *fmt, va_list ap)
{
    wchar_t line[4096];
    size_t n;
    wfmtv(line, COUNTOF(line) - 2, fmt, ap);
    n = wcslen(line);
    line[n] = L'\n';
    line[n + 1] = 0;
    if (is_error) {
        const wchar_t *m = line;
        if (!wcsncmp(m, L"p2vprep: ", 9))
            m += 9;
        if (!wcsncmp(m, L"error: ", 7))
            m += 7;
        wcopy(last_error, COUNTOF(last_error), m);
        size_t k = wcslen(last_error);
        if (k && last_error[k - 1] == L'\n')
            last_error[k - 1] = 0;
        write_to(GetStdHandle(STD_ERROR_HANDLE), line);
    } else if (!quiet) {
        write_to(GetStdHandle(json ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE), line);
    }
    if (log_file != INVALID_HANDLE_VALUE) {
        line[n] = L'\r';
        line[n + 1] = L'\n';
        line[n + 2] = 0;
        write_to(log_file, line);
    }
}

void out_info(const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(FALSE, fmt, ap);
    va_end(ap);
}

void out_info_lines(const wchar_t *prefix, wchar_t *text)
{
    for (wchar_t *line = text, *next; line && *line; line = next) {
        next = wcschr(line, L'\n');
        if (next)
            *next++ = 0;
        size_t n = wcslen(line);
        if (n && line[n - 1] == L'\r')
            line[n - 1] = 0;
        out_info(L"%ls%ls", prefix, line);
    }
}

void out_result(const wchar_t *text)
{
    write_to(GetStdHandle(STD_OUTPUT_HANDLE), text);
}

void out_error(const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(TRUE, fmt, ap);
    va_end(ap);
}
