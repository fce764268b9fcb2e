#include "journal.h"
#include "secure.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define JOURNAL_MAGIC "p2vprep journal 1"

void journal_state_dir(const wchar_t *systemroot, wchar_t *dir, size_t cch)
{
    wfmt(dir, cch, L"%ls\\p2vprep", systemroot);
}

static BOOL new_dir_in(const wchar_t *parent, const wchar_t *what, wchar_t *dir, size_t cch)
{
    for (int n = 0; n < 100; n++) {
        wfmt(dir, cch, L"%ls\\%ls-%lu-%d", parent, what, (unsigned long)GetCurrentProcessId(), n);
        if (secure_dir_create(dir))
            return TRUE;   /* made now, by us: nobody placed anything in it */
        if (GetLastError() != ERROR_ALREADY_EXISTS)
            return FALSE;
    }
    return FALSE;
}

static wchar_t scratch_windir[MAX_PATH];

void scratch_root_set(const wchar_t *windir)
{
    wcopy(scratch_windir, COUNTOF(scratch_windir), windir ? windir : L"");
}

BOOL scratch_dir_create(const wchar_t *what, wchar_t *dir, size_t cch)
{
    wchar_t root[MAX_PATH], state[MAX_PATH], tmp[MAX_PATH];
    if (scratch_windir[0])
        wcopy(root, COUNTOF(root), scratch_windir);
    if (scratch_windir[0] || GetSystemWindowsDirectoryW(root, COUNTOF(root))) {
        journal_state_dir(root, state, COUNTOF(state));
        secure_dir_create(state);
        if (new_dir_in(state, what, dir, cch))
            return TRUE;
        if (scratch_windir[0])
            return FALSE;   /* an offline Windows' run never falls back to the helper's %TEMP% */
    }
    DWORD n = GetTempPathW(COUNTOF(tmp), tmp);
    if (n == 0 || n >= COUNTOF(tmp))
        return FALSE;
    if (n && tmp[n - 1] == L'\\')
        tmp[n - 1] = 0;
    return new_dir_in(tmp, what, dir, cch);
}

void scratch_dir_remove(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH], child[MAX_PATH];
    WIN32_FIND_DATAW fd;
    if (!dir || !dir[0])
        return;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            wfmt(child, COUNTOF(child), L"%ls\\%ls", dir, fd.cFileName);
            /* a junction or link placed inside is removed itself, never followed */
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
                if (!RemoveDirectoryW(child))
                    DeleteFileW(child);
            } else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
                scratch_dir_remove(child);
            } else {
                DeleteFileW(child);
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

static DWORD write_line(struct journal *j, const wchar_t *line)
{
    int len;
    char *s = utf8_from_wide(line, &len);
    char *rec = s ? realloc(s, (size_t)len + 1) : NULL;
    if (!rec) {
        free(s);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    /* Record and newline in one write, flushed before the change it describes is made:
     * a line without its newline was cut by a crash and is not a record (journal_load). */
    rec[len] = '\n';
    DWORD e = j->b->append(j->b->ctx, j->file, rec, (DWORD)len + 1);
    free(rec);
    return e;
}

#define SYSTEMROOT_VAR L"%SystemRoot%"

/* path, or %SystemRoot%\rest when it lies under the journal's Windows folder, or
 * %BootIni% for the offline boot.ini */
static const wchar_t *portable(const struct journal *j, const wchar_t *path, wchar_t *buf, size_t cch)
{
    if (j->boot_ini[0] && _wcsicmp(path, j->boot_ini) == 0)
        return wcopy(buf, cch, L"%BootIni%") ? buf : path;
    size_t n = wcslen(j->systemroot);
    if (n && _wcsnicmp(path, j->systemroot, n) == 0 && path[n] == L'\\')
        return wfmt(buf, cch, L"%ls%ls", SYSTEMROOT_VAR, path + n);
    return path;
}

static void resolve_one(wchar_t *path, size_t cch, const wchar_t *systemroot)
{
    size_t n = wcslen(SYSTEMROOT_VAR);
    wchar_t rest[MAX_PATH];
    if (_wcsnicmp(path, SYSTEMROOT_VAR, n) != 0 || path[n] != L'\\' || !wcopy(rest, COUNTOF(rest), path + n))
        return;
    wfmt(path, cch, L"%ls%ls", systemroot, rest);
}

static BOOL rebase_one(wchar_t *path, size_t cch, const wchar_t *windir)
{
    size_t n = wcslen(windir);
    const wchar_t *name = wcsrchr(windir, L'\\');
    wchar_t rest[MAX_PATH];
    if (!path[0] || !name || (_wcsnicmp(path, windir, n) == 0 && path[n] == L'\\'))
        return FALSE;
    name++;
    size_t len = wcslen(name);
    if (path[1] != L':' || path[2] != L'\\' || _wcsnicmp(path + 3, name, len) != 0 ||
        path[3 + len] != L'\\' || !wcopy(rest, COUNTOF(rest), path + 3 + len))
        return FALSE;
    wfmt(path, cch, L"%ls%ls", windir, rest);
    return TRUE;
}

int journal_rebase(struct jentry *entries, size_t n, const wchar_t *windir)
{
    int moved = 0;
    for (size_t i = 0; i < n; i++)
        if (entries[i].kind == J_FILE) {
            moved += rebase_one(entries[i].key, COUNTOF(entries[i].key), windir);
            moved += rebase_one(entries[i].backup, COUNTOF(entries[i].backup), windir);
        }
    return moved;
}

void journal_resolve(struct jentry *entries, size_t n, const wchar_t *systemroot, const wchar_t *boot_ini)
{
    for (size_t i = 0; i < n; i++)
        if (entries[i].kind == J_FILE) {
            if (boot_ini && boot_ini[0] && !_wcsicmp(entries[i].key, L"%BootIni%"))
                wcopy(entries[i].key, COUNTOF(entries[i].key), boot_ini);
            resolve_one(entries[i].key, COUNTOF(entries[i].key), systemroot);
            resolve_one(entries[i].backup, COUNTOF(entries[i].backup), systemroot);
        }
}

static int journal_number(const wchar_t *name)
{
    int n = 0;
    wchar_t rest[32] = L"";
    if (swscanf(name, L"apply-%d.%31ls", &n, rest) != 2 || _wcsicmp(rest, L"journal") != 0)
        return -1;
    return n;
}

/* The highest NNNN of the apply-NNNN.journal files in dir, 0 when there is none. */
static int highest_number(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    int best = 0;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\apply-*.journal", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do {
        int n = journal_number(fd.cFileName);
        if (n > best)
            best = n;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return best;
}

DWORD journal_begin(struct journal *j, const struct backend *b, const wchar_t *dir,
                    const wchar_t *systemroot, const wchar_t *header)
{
    memset(j, 0, sizeof *j);
    j->b = b;
    j->file = INVALID_HANDLE_VALUE;
    wcopy(j->systemroot, COUNTOF(j->systemroot), systemroot ? systemroot : L"");
    DWORD e = b->make_dir(b->ctx, dir);
    if (e != ERROR_SUCCESS && e != ERROR_ALREADY_EXISTS)
        return e;
    int n = highest_number(dir) + 1;
    wfmt(j->path, COUNTOF(j->path), L"%ls\\apply-%04d.journal", dir, n);
    wfmt(j->files_dir, COUNTOF(j->files_dir), L"%ls\\apply-%04d", dir, n);
    e = b->append_open(b->ctx, j->path, TRUE, &j->file);
    if (e != ERROR_SUCCESS) {
        j->file = INVALID_HANDLE_VALUE;
        return e;
    }
    wchar_t line[1024];
    e = write_line(j, L"" JOURNAL_MAGIC);
    if (e == ERROR_SUCCESS)
        e = write_line(j, wfmt(line, COUNTOF(line), L"started\t%ls", header));
    return e;
}

static char *read_all(const wchar_t *path, DWORD *size, DWORD *err);
static BOOL parse_record(wchar_t *line, struct jentry *e, wchar_t *status, size_t cch);

/* Bytes of text up to the end of its last whole record: the header, then lines that parse,
 * each with its newline. What follows (a torn record, zeros a power cut left) is not
 * part of the journal. */
static DWORD whole_records(const char *text, DWORD size)
{
    DWORD good = 0, start = 0;
    BOOL first = TRUE;
    for (DWORD i = 0; i < size; i++) {
        if (text[i] == 0)
            break;
        if (text[i] != '\n')
            continue;
        wchar_t *line = wide_from_utf8(text + start, (int)(i - start));
        struct jentry e;
        wchar_t status[32];
        BOOL ok = line && (first ? !wcscmp(line, L"" JOURNAL_MAGIC) : !line[0] || parse_record(line, &e, status, 32));
        free(line);
        if (!ok)
            break;
        first = FALSE;
        good = start = i + 1;
    }
    return good;
}

DWORD journal_reopen(struct journal *j, const struct backend *b, const wchar_t *path)
{
    DWORD size = 0, e = ERROR_SUCCESS;
    memset(j, 0, sizeof *j);
    j->b = b;
    wcopy(j->path, COUNTOF(j->path), path);
    char *text = read_all(path, &size, &e);
    if (!text)
        return e;
    DWORD keep = whole_records(text, size);
    free(text);
    e = b->append_open(b->ctx, path, FALSE, &j->file);
    if (e != ERROR_SUCCESS) {
        j->file = INVALID_HANDLE_VALUE;
        return e;
    }
    /* the final status must land right after the last whole record, or it would be
     * hidden behind the garbage and the journal read as never finished */
    if (keep < size && (e = b->cut(b->ctx, j->file, keep)) != ERROR_SUCCESS) {
        journal_close(j);
        return e;
    }
    /* nothing whole was there: the status follows a first line of its own */
    if (keep == 0 && (e = write_line(j, L"" JOURNAL_MAGIC)) != ERROR_SUCCESS) {
        journal_close(j);
        return e;
    }
    return ERROR_SUCCESS;
}

DWORD journal_keep_copy(struct journal *j, const wchar_t *name, const BYTE *data, DWORD size,
                        wchar_t *path, size_t cch)
{
    const struct backend *b = j->b;
    HANDLE h;
    DWORD e = b->make_dir(b->ctx, j->files_dir);
    if (e != ERROR_SUCCESS && e != ERROR_ALREADY_EXISTS)
        return e;
    wfmt(path, cch, L"%ls\\%ls", j->files_dir, name);
    if ((e = b->append_open(b->ctx, path, TRUE, &h)) != ERROR_SUCCESS)
        return e;
    e = b->append(b->ctx, h, data, size);
    b->append_close(b->ctx, h);
    return e;
}

DWORD journal_add(struct journal *j, const struct jentry *e)
{
    struct wbuf b = { 0 };
    switch (e->kind) {
    case J_KEY:
        wbuf_addf(&b, L"key\t%ls", e->key);
        break;
    case J_VALUE:
        wbuf_addf(&b, L"value\t%ls\t%ls\t", e->key, e->name);
        if (!e->old.present) {
            wbuf_add(&b, L"absent");
        } else {
            char hex[2 * REGVAL_MAX + 1];
            wchar_t whex[2 * REGVAL_MAX + 1];
            hex_encode(e->old.data, e->old.size, hex);
            for (size_t i = 0; i <= strlen(hex); i++)
                whex[i] = (wchar_t)hex[i];
            wbuf_addf(&b, L"%lu\t", (unsigned long)e->old.type);
            wbuf_add(&b, whex);
        }
        break;
    case J_FILE: {
        wchar_t file[MAX_PATH + 16], backup[MAX_PATH + 16];
        wbuf_addf(&b, L"file\t%ls\t%ls", portable(j, e->key, file, COUNTOF(file)),
                  e->backup[0] ? portable(j, e->backup, backup, COUNTOF(backup)) : L"absent");
        break;
    }
    case J_KEY_DELETED:
        wbuf_addf(&b, L"keydeleted\t%ls", e->key);
        break;
    case J_STAGED:
        wbuf_addf(&b, L"staged\t%ls\t%ls", e->name, e->key);
        break;
    case J_STAGING:
        wbuf_addf(&b, L"staging\t%ls", e->key);
        break;
    }
    DWORD err = b.ok ? write_line(j, b.s) : ERROR_NOT_ENOUGH_MEMORY;
    wbuf_free(&b);
    return err;
}

DWORD journal_end(struct journal *j, const wchar_t *status)
{
    wchar_t line[64];
    DWORD e = write_line(j, wfmt(line, COUNTOF(line), L"end\t%ls", status));
    journal_close(j);
    return e;
}

void journal_close(struct journal *j)
{
    if (j->b && j->file != INVALID_HANDLE_VALUE && j->file != NULL)
        j->b->append_close(j->b->ctx, j->file);
    j->file = INVALID_HANDLE_VALUE;
}

static char *read_all(const wchar_t *path, DWORD *size, DWORD *err)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        *err = GetLastError();
        return NULL;
    }
    DWORD n = GetFileSize(f, NULL), got = 0;
    if (n == INVALID_FILE_SIZE || n > (64u << 20)) {
        *err = n == INVALID_FILE_SIZE ? GetLastError() : ERROR_FILE_TOO_LARGE;
        CloseHandle(f);
        return NULL;
    }
    char *s = malloc(n + 1);
    if (!s || !ReadFile(f, s, n, &got, NULL) || got != n) {
        *err = s ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        free(s);
        CloseHandle(f);
        return NULL;
    }
    CloseHandle(f);
    s[n] = 0;
    *size = n;
    return s;
}

/* Splits a line at tabs in place. */
static int split_tabs(wchar_t *line, wchar_t **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    for (wchar_t *p = line; *p && n < max; p++)
        if (*p == L'\t') {
            *p = 0;
            fields[n++] = p + 1;
        }
    return n;
}

static BOOL parse_record(wchar_t *line, struct jentry *e, wchar_t *status, size_t cch)
{
    wchar_t *f[6];
    int n = split_tabs(line, f, 6);
    memset(e, 0, sizeof *e);
    if (n == 2 && wcscmp(f[0], L"key") == 0) {
        e->kind = J_KEY;
        return wcopy(e->key, COUNTOF(e->key), f[1]);
    }
    if (n == 2 && wcscmp(f[0], L"keydeleted") == 0) {
        e->kind = J_KEY_DELETED;
        return wcopy(e->key, COUNTOF(e->key), f[1]);
    }
    if (n == 2 && wcscmp(f[0], L"staging") == 0) {
        e->kind = J_STAGING;
        return wcopy(e->key, COUNTOF(e->key), f[1]);
    }
    if (n == 3 && wcscmp(f[0], L"staged") == 0) {
        e->kind = J_STAGED;
        wcopy(e->name, COUNTOF(e->name), f[1]);
        return wcopy(e->key, COUNTOF(e->key), f[2]);
    }
    if (n == 3 && wcscmp(f[0], L"file") == 0) {
        e->kind = J_FILE;
        wcopy(e->key, COUNTOF(e->key), f[1]);
        if (wcscmp(f[2], L"absent") != 0)
            wcopy(e->backup, COUNTOF(e->backup), f[2]);
        return TRUE;
    }
    if ((n == 4 || n == 5) && wcscmp(f[0], L"value") == 0) {
        e->kind = J_VALUE;
        wcopy(e->key, COUNTOF(e->key), f[1]);
        wcopy(e->name, COUNTOF(e->name), f[2]);
        if (n == 4)
            return wcscmp(f[3], L"absent") == 0;
        char hex[2 * REGVAL_MAX + 1];
        size_t len = wcslen(f[4]);
        if (len >= sizeof hex)
            return FALSE;
        for (size_t i = 0; i <= len; i++)
            hex[i] = (char)f[4][i];
        e->old.present = TRUE;
        e->old.type = (DWORD)wcstoul(f[3], NULL, 10);
        return hex_decode(hex, e->old.data, REGVAL_MAX, &e->old.size);
    }
    if (n == 2 && wcscmp(f[0], L"end") == 0) {
        wcopy(status, cch, f[1]);
        e->kind = 0;
        return TRUE;
    }
    if (wcscmp(f[0], L"started") == 0) {
        e->kind = 0;
        return TRUE;
    }
    return FALSE;
}

/* Empty, zeros, or the first line cut short (and zeros): a journal created by an apply
 * that ended before it wrote a single whole line. */
static BOOL nothing_recorded(const char *t, DWORD size)
{
    static const char magic[] = JOURNAL_MAGIC "\n";
    DWORD i = 0;
    while (i < size && i < sizeof magic - 1 && t[i] == magic[i])
        i++;
    if (i == sizeof magic - 1)
        return FALSE;   /* a whole first line: a journal */
    for (; i < size; i++)
        if (t[i] != 0)
            return FALSE;
    return TRUE;
}

DWORD journal_load(const wchar_t *path, struct jentry **entries, size_t *n, wchar_t *status, size_t cch)
{
    DWORD size, err = ERROR_SUCCESS;
    *entries = NULL;
    *n = 0;
    wcopy(status, cch, L"incomplete");
    char *text = read_all(path, &size, &err);
    if (!text)
        return err;
    BOOL blank = nothing_recorded(text, size);
    wchar_t *w = wide_from_utf8(text, (int)size);
    free(text);
    if (!w)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t lines = 1;
    for (wchar_t *p = w; *p; p++)
        lines += *p == L'\n';
    struct jentry *list = calloc(lines, sizeof *list);
    if (!list) {
        free(w);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    size_t count = 0;
    BOOL first = TRUE;
    err = ERROR_SUCCESS;
    for (wchar_t *line = w; line && *line;) {
        wchar_t *next = wcschr(line, L'\n');
        if (!next)
            break;   /* torn by a crash: the change it would describe was never made */
        *next++ = 0;
        if (first) {
            if (wcscmp(line, L"" JOURNAL_MAGIC) != 0)
                err = ERROR_INVALID_DATA;
            first = FALSE;
        } else if (*line) {
            struct jentry e;
            if (!parse_record(line, &e, status, cch))
                err = ERROR_INVALID_DATA;
            else if (e.kind) {
                list[count++] = e;
            }
        }
        if (err != ERROR_SUCCESS)
            break;
        line = next;
    }
    free(w);
    /* Not even the first line made it: a crash right after the file was created (empty,
     * or the zeros a power cut leaves) recorded nothing and so changed nothing; anything
     * else there is not a journal. */
    if (err == ERROR_SUCCESS && first && !blank)
        err = ERROR_INVALID_DATA;
    if (err != ERROR_SUCCESS) {
        free(list);
        return err;
    }
    *entries = list;
    *n = count;
    return ERROR_SUCCESS;
}

DWORD journal_find_last(const wchar_t *dir, wchar_t *path, size_t cch)
{
    for (int n = highest_number(dir); n > 0; n--) {
        wchar_t p[MAX_PATH], status[32];
        struct jentry *e;
        size_t count;
        wfmt(p, COUNTOF(p), L"%ls\\apply-%04d.journal", dir, n);
        /* A missing number (a journal deleted by hand) is a gap, not a stop. A journal that
         * cannot be read is returned: rollback must say so rather than quietly undo an
         * older apply instead. */
        DWORD le = journal_load(p, &e, &count, status, COUNTOF(status));
        if (le == ERROR_FILE_NOT_FOUND || le == ERROR_PATH_NOT_FOUND)
            continue;
        if (le != ERROR_SUCCESS) {
            wcopy(path, cch, p);
            return ERROR_SUCCESS;
        }
        free(e);
        if (wcscmp(status, L"rolled-back") != 0) {
            wcopy(path, cch, p);
            return ERROR_SUCCESS;
        }
    }
    return ERROR_FILE_NOT_FOUND;
}
