#include "journal.h"
#include "scratch.h"
#include "secure.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>


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

/* The apply-NNNN numbers of the journals in dir, highest first (malloc'ed; NULL and 0 when
 * there is none). Listed, never counted up to: the numbers come from the names there. */
static int *journal_list(const struct backend *b, const wchar_t *dir, size_t *count)
{
    wchar_t pattern[MAX_PATH];
    struct wbuf names = { 0 };
    size_t n = 0;
    *count = 0;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\apply-*.journal", dir);
    if (b->list_files(b->ctx, pattern, &names) != ERROR_SUCCESS || !names.ok || !names.len) {
        wbuf_free(&names);
        return NULL;
    }
    for (wchar_t *p = names.s; *p; p++)
        if (*p == L'\n')
            n++;
    const wchar_t **list = n ? malloc(n * sizeof *list) : NULL;
    int *numbers = n ? malloc(n * sizeof *numbers) : NULL;
    if (list && numbers && names.ok) {
        size_t i = 0;
        for (wchar_t *p = names.s; i < n; i++) {
            list[i] = p;
            p = wcschr(p, L'\n');
            *p++ = 0;
        }
        *count = journal_numbers(list, n, numbers, n);
    }
    free(list);
    wbuf_free(&names);
    if (!*count) {
        free(numbers);
        return NULL;
    }
    return numbers;
}

/* The highest NNNN of the apply-NNNN.journal files in dir, 0 when there is none. */
static int highest_number(const struct backend *b, const wchar_t *dir)
{
    size_t n;
    int *numbers = journal_list(b, dir, &n);
    int best = n ? numbers[0] : 0;
    free(numbers);
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
    int n = highest_number(b, dir) + 1;
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

static char *read_all(const struct backend *b, const wchar_t *path, DWORD *size, DWORD *err);

DWORD journal_reopen(struct journal *j, const struct backend *b, const wchar_t *path)
{
    DWORD size = 0, e = ERROR_SUCCESS;
    memset(j, 0, sizeof *j);
    j->b = b;
    wcopy(j->path, COUNTOF(j->path), path);
    char *text = read_all(b, path, &size, &e);
    if (!text)
        return e;
    DWORD keep = (DWORD)journal_whole_length(text, size);
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

/* One record's text, without its newline, added to b. */
static void entry_text(const struct journal *j, const struct jentry *e, struct wbuf *out)
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
        if (e->hash[0])
            wbuf_addf(&b, L"\t%ls", e->hash);
        break;
    case J_STAGING:
        wbuf_addf(&b, L"staging\t%ls", e->key);
        break;
    }
    if (b.ok)
        wbuf_add(out, b.s);
    else
        out->ok = FALSE;
    wbuf_free(&b);
}

DWORD journal_add(struct journal *j, const struct jentry *e)
{
    return journal_add_all(j, e, 1);
}

DWORD journal_add_all(struct journal *j, const struct jentry *e, size_t n)
{
    struct wbuf b = { 0 };
    wbuf_add(&b, L"");
    for (size_t i = 0; i < n; i++) {
        if (i)
            wbuf_add(&b, L"\n");
        entry_text(j, &e[i], &b);
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

/* A journal's text, read through the backend (on an offline disk, through its door). */
static char *read_all(const struct backend *b, const wchar_t *path, DWORD *size, DWORD *err)
{
    BYTE *data;
    DWORD n;
    *err = b->read_file(b->ctx, path, &data, &n);
    if (*err != ERROR_SUCCESS)
        return NULL;
    if (n > JOURNAL_MAX_SIZE) {
        free(data);
        *err = ERROR_FILE_TOO_LARGE;
        return NULL;
    }
    char *s = realloc(data, n + 1);
    if (!s) {
        free(data);
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    s[n] = 0;
    *size = n;
    return s;
}

DWORD journal_load(const struct backend *b, const wchar_t *path, struct jentry **entries, size_t *n, wchar_t *status, size_t cch)
{
    DWORD size, err = ERROR_SUCCESS;
    *entries = NULL;
    *n = 0;
    wcopy(status, cch, L"incomplete");
    char *text = read_all(b, path, &size, &err);
    if (!text)
        return err;
    err = journal_parse(text, size, entries, n, status, cch);
    free(text);
    return err;
}

DWORD journal_computer(const struct backend *b, const wchar_t *path, wchar_t *computer, size_t cch)
{
    DWORD size, err = ERROR_SUCCESS;
    char *text = read_all(b, path, &size, &err);
    if (!text)
        return err;
    journal_written_on(text, size, computer, cch);
    free(text);
    return ERROR_SUCCESS;
}

DWORD journal_find_last(const struct backend *b, const wchar_t *dir, wchar_t *path, size_t cch)
{
    size_t count;
    int *numbers = journal_list(b, dir, &count);
    DWORD result = ERROR_FILE_NOT_FOUND;
    for (size_t i = 0; i < count; i++) {
        wchar_t p[MAX_PATH], status[32];
        struct jentry *e;
        size_t n;
        wfmt(p, COUNTOF(p), L"%ls\\apply-%04d.journal", dir, numbers[i]);
        /* A journal that cannot be read is returned: rollback must say so rather than
         * quietly undo an older apply instead. */
        DWORD le = journal_load(b, p, &e, &n, status, COUNTOF(status));
        if (le == ERROR_FILE_NOT_FOUND || le == ERROR_PATH_NOT_FOUND)
            continue;   /* apply-7.journal is listed, apply-0007.journal is what p2vprep writes */
        if (le == ERROR_SUCCESS) {
            free(e);
            if (!wcscmp(status, L"rolled-back"))
                continue;
        }
        wcopy(path, cch, p);
        result = ERROR_SUCCESS;
        break;
    }
    free(numbers);
    return result;
}
