/* `summarize DIR`: the folder of reports (summarize.h). The reader is summarize_json.c,
 * the table, CSV and HTML summarize_out.c. */
#include "textfile.h"
#include "summarize.h"
#include "dynapi.h"
#include <stdint.h>
#include "winerr.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---------------------------------------------------------------------------------------
 * The folder. */

/* CharUpperBuffW from user32, loaded on first use: imported, user32 (and gdi32 behind it)
 * would be loaded at the start of every run, for the rare non-ASCII host name. */
static void upper_char(wchar_t *c)
{
    static DWORD (WINAPI *upper)(LPWSTR, DWORD);
    static BOOL looked;
    if (!looked) {
        HMODULE m = system_dll(L"user32.dll");
        upper = m ? (DWORD (WINAPI *)(LPWSTR, DWORD))(void *)GetProcAddress(m, "CharUpperBuffW") : NULL;
        looked = TRUE;
    }
    if (upper)
        upper(c, 1);
}

/* Uppercases s in place as CharUpperW does (the same in every locale): ASCII here, each
 * other character through CharUpperBuffW. Host names are ASCII nearly always, and a call
 * per name costs more than the whole comparison on some systems. */
static void upper_key(wchar_t *s)
{
    for (; *s; s++) {
        if (*s < 0x80) {
            if (*s >= L'a' && *s <= L'z')
                *s = (wchar_t)(*s - L'a' + L'A');
        } else {
            upper_char(s);
        }
    }
}

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
    upper_key(stem);
    upper_key(host);
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
        got += done;
        /* A file read returns less than asked only at its end: no second read (a server
         * round trip per report) to see 0 bytes. */
        if (done < want - (got - done)) {
            summarize_parse(*buf, got, row);
            flag_name(row);
            break;
        }
    }
    CloseHandle(h);
}

/* The name a row sorts and joins by, uppercased with CharUpperW (the same in every
 * locale): the host, or for an invalid report its file name without ".json", which is
 * the host name by convention. */
static void row_key(const struct host_row *r, wchar_t *key, size_t cch)
{
    if (r->valid || r->missing) {
        wcopy(key, cch, r->host);
    } else {
        wcopy(key, cch, r->file);
        size_t n = wcslen(key);
        if (n > 5 && !_wcsicmp(key + n - 5, L".json"))
            key[n - 5] = 0;
    }
    upper_key(key);
}

/* Items point at their keys: qsort moves 3 words per swap, not a MAX_PATH key. */
struct sort_item { const wchar_t *key; size_t idx; const struct host_row *row; };

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

/* By row_key, then by file name. The rows are a few kilobytes each: they are put in order
 * in place, each moved once along its cycle of the permutation, not copied into a second
 * array as large as the first. */
static DWORD sort_rows(struct summary *s)
{
    if (s->n < 2)
        return ERROR_SUCCESS;
    struct sort_item *items = malloc(s->n * sizeof *items);
    wchar_t (*keys)[MAX_PATH] = malloc(s->n * sizeof *keys);
    struct host_row *spare = malloc(sizeof *spare);
    if (!items || !keys || !spare) {
        free(items);
        free(keys);
        free(spare);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < s->n; i++) {
        items[i].idx = i;
        items[i].row = &s->rows[i];
        items[i].key = keys[i];
        row_key(&s->rows[i], keys[i], COUNTOF(keys[i]));
    }
    qsort(items, s->n, sizeof *items, compare_items);
    /* row i is to be the one now at items[i].idx; a placed row's item gets idx = SIZE_MAX */
    for (size_t i = 0; i < s->n; i++) {
        if (items[i].idx == SIZE_MAX || items[i].idx == i)
            continue;
        *spare = s->rows[i];
        size_t j = i;
        while (items[j].idx != i) {
            size_t from = items[j].idx;
            s->rows[j] = s->rows[from];
            items[j].idx = SIZE_MAX;
            j = from;
        }
        s->rows[j] = *spare;
        items[j].idx = SIZE_MAX;
    }
    free(items);
    free(keys);
    free(spare);
    return ERROR_SUCCESS;
}

static void count_rows(struct summary *s)
{
    size_t n[ROW_STATES] = { 0 };
    s->name_differs = 0;
    for (size_t i = 0; i < s->n; i++) {
        n[summarize_state(&s->rows[i])]++;
        s->name_differs += s->rows[i].valid && s->rows[i].name_differs;
    }
    s->ready = n[ROW_READY];
    s->not_ready = n[ROW_NOT_READY];
    s->invalid = n[ROW_INVALID];
    s->missing = n[ROW_MISSING];
}

/* The listed reports of one folder, read into their rows. */
struct reading {
    WIN32_FIND_DATAW *found; size_t n, cap;
    struct host_row *rows;
    const wchar_t *dir, *sep; size_t dlen;
};

static void read_all_reports(struct reading *rd)
{
    wchar_t path[2 * MAX_PATH];
    char *buf = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < rd->n; i++) {
        wfmt(path, COUNTOF(path), L"%.*ls%ls%ls", (int)rd->dlen, rd->dir, rd->sep, rd->found[i].cFileName);
        read_one(path, &rd->found[i], &rd->rows[i], &buf, &cap);
    }
    free(buf);
}

DWORD summarize_dir(const wchar_t *dir, struct summary *out)
{
    return summarize_dir_max(dir, out, SUMMARIZE_MAX_REPORTS);
}

DWORD summarize_dir_max(const wchar_t *dir, struct summary *out, size_t max)
{
    wchar_t pattern[2 * MAX_PATH], path[2 * MAX_PATH];
    WIN32_FIND_DATAW fd;
    DWORD err = ERROR_SUCCESS;

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
    /* the listing first, then the files: the rows are made once, at their final size */
    struct reading rd = { 0 };
    do {
        /* Windows also matches the pattern against 8.3 names: check the long name. */
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_report_name(fd.cFileName))
            continue;
        if (rd.n == max) {   /* a folder of any size costs a bounded amount of memory */
            out->not_read++;
            continue;
        }
        if (rd.n == rd.cap) {
            size_t ncap = rd.cap ? rd.cap * 2 : 256;
            WIN32_FIND_DATAW *found = realloc(rd.found, ncap * sizeof *found);
            if (!found) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            rd.found = found;
            rd.cap = ncap;
        }
        rd.found[rd.n++] = fd;
    } while (FindNextFileW(h, &fd));
    if (err == ERROR_SUCCESS && GetLastError() != ERROR_NO_MORE_FILES)
        err = GetLastError();
    FindClose(h);
    /* a listing cut short still has its rows read */
    if (rd.n && !(out->rows = calloc(rd.n, sizeof *out->rows)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    if (out->rows) {
        out->cap = rd.n;
        rd.rows = out->rows;
        rd.dir = dir;
        rd.dlen = dlen;
        rd.sep = sep;
        read_all_reports(&rd);
        out->n = rd.n;
    }
    free(rd.found);

    DWORD serr = sort_rows(out);
    if (err == ERROR_SUCCESS)
        err = serr;
    count_rows(out);
    return err;
}

/* ---------------------------------------------------------------------------------------
 * The host list and push-results, joined by name. Both lists and the rows are sorted by
 * the same uppercased key, so the join is a binary search per name: 10,000 hosts take
 * milliseconds, not the minutes a pairwise comparison would. */

struct join_item { const wchar_t *key; const struct wave_host *h; int from_push; };

static int compare_join(const void *a, const void *b)
{
    const struct join_item *x = a, *y = b;
    int c = wcscmp(x->key, y->key);
    if (c == 0)
        c = x->from_push - y->from_push;
    if (c == 0)
        c = x->h->line < y->h->line ? -1 : x->h->line > y->h->line;
    return c;
}

static struct host_row *add_row(struct summary *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct host_row *rows = realloc(s->rows, cap * sizeof *rows);
        if (!rows)
            return NULL;
        s->rows = rows;
        s->cap = cap;
    }
    struct host_row *r = &s->rows[s->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static void set_push(struct host_row *r, const struct wave_host *p)
{
    r->pushed = TRUE;
    r->push_exit = p->exit_code;
    wcopy(r->push_meaning, COUNTOF(r->push_meaning), p->meaning);
}

/* The rows whose key is key: [*first, *last). keys is sorted. */
static void find_rows(wchar_t (*keys)[MAX_PATH], size_t n, const wchar_t *key, size_t *first, size_t *last)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wcscmp(keys[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < n && !wcscmp(keys[lo], key))
        lo++;
    *last = lo;
}

/* One name (its items [a, b) of the sorted list): the push result it carries, on its
 * rows or on a new missing row. */
static BOOL join_one(struct summary *s, wchar_t (*keys)[MAX_PATH], size_t n_keys,
                     const struct join_item *a, const struct join_item *b, const wchar_t *push_what,
                     struct summarize_log *log)
{
    const struct wave_host *push = NULL;
    for (const struct join_item *it = a; it < b; it++) {
        if (!it->from_push)
            continue;
        if (push)
            summarize_log_add(log, L"%ls line %u: %ls again (line %u before); the later line counts",
                              push_what, it->h->line, it->h->host, push->line);
        push = it->h;
    }
    size_t first, last;
    find_rows(keys, n_keys, a->key, &first, &last);
    for (size_t i = first; i < last && push; i++)
        set_push(&s->rows[i], push);
    if (first < last)
        return TRUE;
    struct host_row *r = add_row(s);
    if (!r)
        return FALSE;
    wcopy(r->host, COUNTOF(r->host), (push ? push : a->h)->host);
    wcopy(r->reason, COUNTOF(r->reason), L"no report");
    r->missing = TRUE;
    r->ready = r->exit_code = r->service_pack = -1;
    if (push)
        set_push(r, push);
    return TRUE;
}

/* The rows' keys, in order; rows from summarize_dir are sorted already. */
static DWORD row_keys(struct summary *s, wchar_t (*keys)[MAX_PATH])
{
    for (int pass = 0; pass < 2; pass++) {
        BOOL sorted = TRUE;
        for (size_t i = 0; i < s->n; i++) {
            row_key(&s->rows[i], keys[i], COUNTOF(keys[i]));
            sorted &= i == 0 || wcscmp(keys[i - 1], keys[i]) <= 0;
        }
        if (sorted)
            return ERROR_SUCCESS;
        DWORD err = sort_rows(s);
        if (err != ERROR_SUCCESS)
            return err;
    }
    return ERROR_SUCCESS;
}

DWORD summarize_join(struct summary *s, const struct wave_hosts *hosts, const struct wave_hosts *pushed,
                     const wchar_t *push_what, struct summarize_log *log)
{
    size_t n_items = (hosts ? hosts->n : 0) + (pushed ? pushed->n : 0), n_keys = s->n, k = 0;
    if (n_items == 0)
        return ERROR_SUCCESS;
    /* the keys in one block, each as long as its name (up to 253 characters): a fixed
     * size per item would cost 100 MB for 200,000 names */
    size_t pool_len = 0;
    for (int from_push = 0; from_push < 2; from_push++) {
        const struct wave_hosts *list = from_push ? pushed : hosts;
        for (size_t i = 0; list && i < list->n; i++)
            pool_len += wcslen(list->v[i].host) + 1;
    }
    struct join_item *items = malloc(n_items * sizeof *items);
    wchar_t (*keys)[MAX_PATH] = malloc((n_keys ? n_keys : 1) * sizeof *keys);
    wchar_t *pool = malloc(pool_len * sizeof *pool), *at = pool;
    DWORD err = items && keys && pool ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
    for (int from_push = 0; err == ERROR_SUCCESS && from_push < 2; from_push++) {
        const struct wave_hosts *list = from_push ? pushed : hosts;
        for (size_t i = 0; list && i < list->n; i++, k++) {
            size_t len = wcslen(list->v[i].host) + 1;
            items[k].h = &list->v[i];
            items[k].from_push = from_push;
            items[k].key = at;
            wmemcpy(at, list->v[i].host, len);
            upper_key(at);
            at += len;
        }
    }
    if (err == ERROR_SUCCESS) {
        qsort(items, n_items, sizeof *items, compare_join);
        err = row_keys(s, keys);
        /* room for every missing row at once: growing a few-kilobyte-per-row array by
         * doubling would copy it again and again */
        size_t missing = 0;
        for (size_t a = 0, b, first, last; a < n_items && err == ERROR_SUCCESS; a = b) {
            for (b = a + 1; b < n_items && !wcscmp(items[b].key, items[a].key); b++)
                ;
            find_rows(keys, n_keys, items[a].key, &first, &last);
            missing += first == last;
        }
        if (err == ERROR_SUCCESS && s->n + missing > s->cap) {
            struct host_row *rows = realloc(s->rows, (s->n + missing) * sizeof *rows);
            if (rows) {
                s->rows = rows;
                s->cap = s->n + missing;
            } else {
                err = ERROR_NOT_ENOUGH_MEMORY;
            }
        }
        for (size_t a = 0, b; a < n_items && err == ERROR_SUCCESS; a = b) {
            for (b = a + 1; b < n_items && !wcscmp(items[b].key, items[a].key); b++)
                ;
            if (!join_one(s, keys, n_keys, &items[a], &items[b], push_what, log))
                err = ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    free(items);
    free(keys);
    free(pool);
    DWORD serr = sort_rows(s);
    count_rows(s);
    return err == ERROR_SUCCESS ? serr : err;
}

DWORD summarize_read_file(const wchar_t *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD high = 0, size = GetFileSize(h, &high), err = ERROR_SUCCESS;
    if (size == INVALID_FILE_SIZE && GetLastError() != NO_ERROR)
        err = GetLastError();
    else if (high || size > SUMMARIZE_MAX_FILE)
        err = ERROR_FILE_TOO_LARGE;
    else if (!(*buf = malloc(size ? size : 1)))
        err = ERROR_NOT_ENOUGH_MEMORY;
    while (err == ERROR_SUCCESS && *len < size) {
        DWORD done;
        if (!ReadFile(h, *buf + *len, size - (DWORD)*len, &done, NULL))
            err = GetLastError();
        else if (done == 0)
            break;                      /* cut short since GetFileSize: what is there */
        else
            *len += done;
    }
    CloseHandle(h);
    if (err != ERROR_SUCCESS) {
        free(*buf);
        *buf = NULL;
        *len = 0;
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
