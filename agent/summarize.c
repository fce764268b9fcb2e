/* `summarize DIR`: the folder of reports (summarize.h). The reader is summarize_json.c,
 * the table, CSV and HTML summarize_out.c. */
#include "summarize.h"
#include "winerr.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---------------------------------------------------------------------------------------
 * The folder. */

static void format_time(const FILETIME *ft, wchar_t *out, size_t cch)
{
    SYSTEMTIME st;
    if (FileTimeToSystemTime(ft, &st))
        wfmt(out, cch, L"%04u-%02u-%02u %02u:%02u", st.wYear, st.wMonth, st.wDay, st.wHour,
             st.wMinute);
    else
        out[0] = 0;
}

static BOOL is_report_name(const wchar_t *name)
{
    size_t n = wcslen(name);
    return n > 5 && !_wcsicmp(name + n - 5, L".json");
}

/* A report names the computer that wrote it; --report DIR\ names the file after it. A
 * file under another computer's name was renamed, copied, or written with an explicit
 * --report file name, and must not pass for that computer's report unseen. Case is
 * ignored as Windows ignores it in file names (CharUpperW, the same in every locale). */
static void flag_name(struct host_row *row)
{
    wchar_t stem[MAX_PATH], host[COUNTOF(row->host)];
    if (!row->valid)
        return;
    wcopy(stem, COUNTOF(stem), row->file);
    size_t n = wcslen(stem);
    if (n > 5 && !_wcsicmp(stem + n - 5, L".json"))
        stem[n - 5] = 0;
    wcopy(host, COUNTOF(host), row->host);
    CharUpperW(stem);
    CharUpperW(host);
    if (wcscmp(stem, host) == 0)
        return;
    row->name_differs = TRUE;
    wfmt(row->reason, COUNTOF(row->reason), L"computer \"%ls\" differs from the file name %ls",
         row->host, row->file);
}

/* Reads one file into row (file and last_run included); buf is reused between files.
 * Time and size come from the folder listing: under Wine each GetFileTime/GetFileSize
 * is a server round trip (a third of the time for 500 files), and reading to the end
 * copes with a file that changed since it was listed. */
static void read_one(const wchar_t *path, const WIN32_FIND_DATAW *fd, struct host_row *row,
                     char **buf, size_t *cap)
{
    wchar_t err[160];
    memset(row, 0, sizeof *row);
    wcopy(row->file, COUNTOF(row->file), fd->cFileName);
    format_time(&fd->ftLastWriteTime, row->last_run, COUNTOF(row->last_run));
    if (fd->nFileSizeHigh || fd->nFileSizeLow > SUMMARIZE_MAX_FILE) {
        summarize_invalid(row, L"too big for a report (over %u MB)", SUMMARIZE_MAX_FILE >> 20);
        return;
    }

    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        summarize_invalid(row, L"cannot open: %ls", win_error_text(GetLastError(), err, COUNTOF(err)));
        return;
    }
    size_t got = 0, want = (size_t)fd->nFileSizeLow + 1;   /* +1: the read that sees the end */
    for (;;) {
        DWORD done;
        if (got == SUMMARIZE_MAX_FILE + 1) {
            summarize_invalid(row, L"too big for a report (over %u MB)", SUMMARIZE_MAX_FILE >> 20);
            break;
        }
        if (want < got + 1)
            want = got + 4096 > SUMMARIZE_MAX_FILE + 1 ? SUMMARIZE_MAX_FILE + 1 : got + 4096;
        if (want > *cap) {
            char *b = realloc(*buf, want);
            if (!b) {
                summarize_invalid(row, L"out of memory");
                break;
            }
            *buf = b;
            *cap = want;
        }
        if (!ReadFile(h, *buf + got, (DWORD)(want - got), &done, NULL)) {
            summarize_invalid(row, L"cannot read: %ls", win_error_text(GetLastError(), err, COUNTOF(err)));
            break;
        }
        if (done == 0) {
            summarize_parse(*buf, got, row);
            flag_name(row);
            break;
        }
        got += done;
    }
    CloseHandle(h);
}

struct sort_item { wchar_t key[MAX_PATH]; size_t idx; const struct host_row *row; };

static int compare_items(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = wcscmp(x->key, y->key);
    if (c == 0)
        c = _wcsicmp(x->row->file, y->row->file);
    if (c == 0)
        c = wcscmp(x->row->file, y->row->file);
    return c;
}

/* By host name ignoring case (an invalid report by its file name without ".json"). The
 * key is uppercased with CharUpperW, the same in every locale. */
static DWORD sort_rows(struct summary *s)
{
    if (s->n < 2)
        return ERROR_SUCCESS;
    struct sort_item *items = malloc(s->n * sizeof *items);
    struct host_row *rows = malloc(s->n * sizeof *rows);
    if (!items || !rows) {
        free(items);
        free(rows);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        items[i].idx = i;
        items[i].row = r;
        if (r->valid) {
            wcopy(items[i].key, COUNTOF(items[i].key), r->host);
        } else {
            wcopy(items[i].key, COUNTOF(items[i].key), r->file);
            size_t n = wcslen(items[i].key);
            if (n > 5 && !_wcsicmp(items[i].key + n - 5, L".json"))
                items[i].key[n - 5] = 0;
        }
        CharUpperW(items[i].key);
    }
    qsort(items, s->n, sizeof *items, compare_items);
    for (size_t i = 0; i < s->n; i++)
        rows[i] = s->rows[items[i].idx];
    free(items);
    free(s->rows);
    s->rows = rows;
    s->cap = s->n;
    return ERROR_SUCCESS;
}

DWORD summarize_dir(const wchar_t *dir, struct summary *out)
{
    wchar_t pattern[2 * MAX_PATH], path[2 * MAX_PATH];
    WIN32_FIND_DATAW fd;
    DWORD err = ERROR_SUCCESS;
    char *buf = NULL;
    size_t cap = 0;

    memset(out, 0, sizeof *out);
    size_t dlen = wcslen(dir);
    while (dlen > 1 && (dir[dlen - 1] == L'\\' || dir[dlen - 1] == L'/') && dir[dlen - 2] != L':')
        dlen--;
    if (dlen == 0)
        return ERROR_PATH_NOT_FOUND;
    const wchar_t *sep = (dir[dlen - 1] == L'\\' || dir[dlen - 1] == L'/') ? L"" : L"\\";
    if (dlen + 8 >= MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    wfmt(pattern, COUNTOF(pattern), L"%.*ls%ls*.json", (int)dlen, dir, sep);

    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_NO_MORE_FILES)
            return err;
        /* No report, or no folder: the trailing backslash also works for a share's root. */
        DWORD attr = GetFileAttributesW(wfmt(path, COUNTOF(path), L"%.*ls%ls", (int)dlen, dir, sep[0] ? L"\\" : L""));
        if (attr == INVALID_FILE_ATTRIBUTES)
            return GetLastError();
        return attr & FILE_ATTRIBUTE_DIRECTORY ? ERROR_SUCCESS : ERROR_DIRECTORY;
    }
    do {
        /* Windows also matches the pattern against 8.3 names: check the long name. */
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_report_name(fd.cFileName))
            continue;
        if (out->n == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 64;
            struct host_row *rows = realloc(out->rows, ncap * sizeof *rows);
            if (!rows) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            out->rows = rows;
            out->cap = ncap;
        }
        wfmt(path, COUNTOF(path), L"%.*ls%ls%ls", (int)dlen, dir, sep, fd.cFileName);
        read_one(path, &fd, &out->rows[out->n++], &buf, &cap);
    } while (FindNextFileW(h, &fd));
    if (err == ERROR_SUCCESS && GetLastError() != ERROR_NO_MORE_FILES)
        err = GetLastError();
    FindClose(h);
    free(buf);

    DWORD serr = sort_rows(out);
    if (err == ERROR_SUCCESS)
        err = serr;
    for (size_t i = 0; i < out->n; i++) {
        const struct host_row *r = &out->rows[i];
        if (!r->valid)
            out->invalid++;
        else if (r->ready == 1)
            out->ready++;
        else
            out->not_ready++;
        out->name_differs += r->valid && r->name_differs;
    }
    return err;
}

void summary_free(struct summary *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}

DWORD summarize_save(const wchar_t *path, const struct wbuf *text)
{
    if (text->s && !text->ok)
        return ERROR_NOT_ENOUGH_MEMORY;
    return text_save_utf8(path, text->s ? text->s : L"");
}
