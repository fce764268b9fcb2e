/* The journal's text (journal.h): its records parsed from a buffer, and the paths in
 * them resolved. Pure, no Win32 calls: it also builds natively for the fuzz target
 * tests/fuzz/fuzz_journal.c. journal.c reads and writes the files. */
#include "jrecord.h"
#include "marker.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
    if ((n == 3 || n == 4) && wcscmp(f[0], L"staged") == 0) {
        e->kind = J_STAGED;
        wcopy(e->name, COUNTOF(e->name), f[1]);
        if (n == 4 && (wcslen(f[3]) != SHA256_HEX_LEN || wcsspn(f[3], L"0123456789abcdef") != SHA256_HEX_LEN))
            return FALSE;
        if (n == 4)
            wcopy(e->hash, COUNTOF(e->hash), f[3]);
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
static BOOL nothing_recorded(const char *t, size_t size)
{
    static const char magic[] = JOURNAL_MAGIC "\n";
    size_t i = 0;
    while (i < size && i < sizeof magic - 1 && t[i] == magic[i])
        i++;
    if (i == sizeof magic - 1)
        return FALSE;   /* a whole first line: a journal */
    for (; i < size; i++)
        if (t[i] != 0)
            return FALSE;
    return TRUE;
}

size_t journal_whole_length(const char *text, size_t size)
{
    size_t good = 0, start = 0;
    BOOL first = TRUE;
    for (size_t i = 0; i < size; i++) {
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

DWORD journal_parse(const char *text, size_t size, struct jentry **entries, size_t *n,
                    wchar_t *status, size_t cch)
{
    DWORD err = ERROR_SUCCESS;
    *entries = NULL;
    *n = 0;
    wcopy(status, cch, L"incomplete");
    if (size > JOURNAL_MAX_SIZE)
        return ERROR_FILE_TOO_LARGE;
    BOOL blank = nothing_recorded(text, size);
    wchar_t *w = wide_from_utf8(text, (int)size);
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

BOOL journal_written_on(const char *text, size_t size, wchar_t *computer, size_t cch)
{
    static const char started[] = "\nstarted\t";
    size_t k = sizeof started - 1;
    if (cch)
        computer[0] = 0;
    /* the line after the magic: "started<TAB>computer<TAB>command" */
    for (size_t i = 0; i + k <= size && i < 4096; i++) {
        if (memcmp(text + i, started, k) != 0)
            continue;
        size_t from = i + k, to = from;
        while (to < size && text[to] != '\t' && text[to] != '\n' && text[to] != 0 && to - from < 256)
            to++;
        if (to == from || to >= size || (text[to] != '\t' && text[to] != '\n'))
            return FALSE;
        wchar_t *name = wide_from_utf8(text + from, (int)(to - from));
        BOOL ok = name && wcopy(computer, cch, name);
        free(name);
        return ok;
    }
    return FALSE;
}

/* ---- records as data ---- */

/* One path component p2vprep could have written: not empty, no separator, no "." or
 * "..", no control character, at most max characters. */
static BOOL plain_name(const wchar_t *s, size_t len, size_t max)
{
    if (len == 0 || len > max || (len <= 2 && s[0] == L'.' && (len == 1 || s[1] == L'.')))
        return FALSE;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] == L'\\' || s[i] == L'/' || s[i] == L':')
            return FALSE;
    return TRUE;
}

/* key starts with SYSTEM\ControlSetNNN\; *rest gets what follows. */
static BOOL in_control_set(const wchar_t *key, const wchar_t **rest)
{
    static const wchar_t prefix[] = L"SYSTEM\\ControlSet";
    size_t n = COUNTOF(prefix) - 1;
    if (_wcsnicmp(key, prefix, n))
        return FALSE;
    for (int i = 0; i < 3; i++)
        if (key[n + i] < L'0' || key[n + i] > L'9')
            return FALSE;
    if (key[n + 3] != L'\\')
        return FALSE;
    *rest = key + n + 4;
    return TRUE;
}

/* Splits rest at backslashes into at most max components; FALSE when it has more or an
 * empty one. */
static int components(const wchar_t *rest, const wchar_t **start, size_t *len, int max)
{
    int n = 0;
    for (const wchar_t *p = rest;; ) {
        const wchar_t *end = wcschr(p, L'\\');
        size_t l = end ? (size_t)(end - p) : wcslen(p);
        if (n == max || l == 0)
            return -1;
        start[n] = p;
        len[n++] = l;
        if (!end)
            return n;
        p = end + 1;
    }
}

static BOOL is(const wchar_t *s, size_t len, const wchar_t *word)
{
    return wcslen(word) == len && !_wcsnicmp(s, word, len);
}

/* Keys under a control set that apply writes: Services\<name>[\Parameters[\PnpInterface]],
 * Services\<name>\StartOverride, Control\CriticalDeviceDatabase[\<id>], Control\CrashControl. */
/* Control\Class\{GUID}: a device class, whose filter lists --retire rewrites. */
static BOOL class_key(const wchar_t *const *c, const size_t *l, int n)
{
    return n == 3 && is(c[1], l[1], L"Class") && guid_text(c[2], l[2]);
}

/* An adapter's TCP/IP settings, which the first-boot pass (--keep-network) moves:
 * Services\Tcpip\Parameters\Interfaces\{GUID}, Services\NetBT\Parameters\Interfaces\Tcpip_{GUID}
 * and Windows 2000's copy Services\{GUID}\Parameters\Tcpip. */
static BOOL network_key(const wchar_t *const *c, const size_t *l, int n)
{
    if (n == 5 && is(c[2], l[2], L"Parameters") && is(c[3], l[3], L"Interfaces")) {
        if (is(c[1], l[1], L"Tcpip"))
            return guid_text(c[4], l[4]);
        if (is(c[1], l[1], L"NetBT"))
            return l[4] == 44 && !_wcsnicmp(c[4], L"Tcpip_", 6) && guid_text(c[4] + 6, 38);
    }
    return n == 4 && guid_text(c[1], l[1]) && is(c[2], l[2], L"Parameters") && is(c[3], l[3], L"Tcpip");
}

static BOOL in_class_key(const wchar_t *key)
{
    const wchar_t *rest, *c[4];
    size_t l[4];
    return in_control_set(key, &rest) && class_key(c, l, components(rest, c, l, 4)) &&
           is(c[0], l[0], L"Control");
}

static BOOL owned_key(const wchar_t *key)
{
    const wchar_t *rest, *c[5];
    size_t l[5];
    if (!_wcsicmp(key, MARKER_KEY))
        return TRUE;   /* the detection marker (marker.h) */
    if (!in_control_set(key, &rest))
        return FALSE;
    int n = components(rest, c, l, 5);
    if (n < 2)
        return FALSE;
    for (int i = 0; i < n; i++)
        if (!plain_name(c[i], l[i], 200))
            return FALSE;
    if (is(c[0], l[0], L"Services") && network_key(c, l, n))
        return TRUE;
    if (is(c[0], l[0], L"Services"))
        return n == 2 || (n == 3 && (is(c[2], l[2], L"Parameters") || is(c[2], l[2], L"StartOverride"))) ||
               (n == 4 && is(c[2], l[2], L"Parameters") && is(c[3], l[3], L"PnpInterface"));
    if (is(c[0], l[0], L"Control"))
        return (n <= 3 && is(c[1], l[1], L"CriticalDeviceDatabase")) ||
               (n == 2 && is(c[1], l[1], L"CrashControl")) || class_key(c, l, n);
    return FALSE;
}

/* path is folder\<one plain name>. */
static BOOL file_in(const wchar_t *path, const wchar_t *folder)
{
    size_t n = wcslen(folder);
    while (n && folder[n - 1] == L'\\')
        n--;
    if (!n || _wcsnicmp(path, folder, n) || path[n] != L'\\')
        return FALSE;
    return plain_name(path + n + 1, wcslen(path + n + 1), 255);
}

const wchar_t *journal_record_problem(const struct jentry *e, const struct journal_scope *s)
{
    wchar_t drivers[MAX_PATH];
    switch (e->kind) {
    case J_KEY:
    case J_KEY_DELETED:
    case J_VALUE:
        if (!owned_key(e->key))
            return L"a registry key outside the control sets' Services, CriticalDeviceDatabase "
                   L"and CrashControl keys p2vprep writes";
        if (e->kind == J_KEY_DELETED && !wcsstr(e->key, L"\\StartOverride"))
            return L"a deleted key that is not a StartOverride";
        /* in a class key only its filter lists, and never a class key made or removed */
        if (in_class_key(e->key) &&
            (e->kind != J_VALUE || (_wcsicmp(e->name, L"UpperFilters") && _wcsicmp(e->name, L"LowerFilters"))))
            return L"a device class's value other than its UpperFilters and LowerFilters";
        return NULL;
    case J_FILE:
        wfmt(drivers, COUNTOF(drivers), L"%ls\\system32\\drivers", s->systemroot);
        if (!file_in(e->key, drivers) && !(s->boot_ini && s->boot_ini[0] && !_wcsicmp(e->key, s->boot_ini)))
            return L"a file outside the Windows folder's system32\\drivers";
        if (e->backup[0] && !(s->files_dir && file_in(e->backup, s->files_dir)))
            return L"an old copy outside the journal's own folder";
        return NULL;
    case J_STAGED:
        /* Windows publishes a package as oemNN.inf (an inbox INF keeps its own name): a
         * plain *.inf name of letters, digits, '-', '_' and '.', nothing a command line
         * could read as another argument */
        if (e->name[0]) {
            size_t n = wcslen(e->name);
            if (n < 5 || n > 64 || _wcsicmp(e->name + n - 4, L".inf") || e->name[0] == L'.' ||
                wcsspn(e->name, L"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
                return L"a driver package name that is not a plain *.inf name (oemNN.inf)";
        }
        return NULL;
    case J_STAGING:
        return NULL;
    }
    return L"a record of an unknown kind";
}

int journal_number(const wchar_t *name)
{
    static const wchar_t head[] = L"apply-", tail[] = L".journal";
    size_t n = wcslen(name), nh = COUNTOF(head) - 1, nt = COUNTOF(tail) - 1;
    if (n <= nh + nt || _wcsnicmp(name, head, nh) || _wcsicmp(name + n - nt, tail))
        return -1;
    size_t digits = n - nh - nt;
    if (digits > 9 || wcsspn(name + nh, L"0123456789") != digits)
        return -1;
    int v = 0;
    for (size_t i = 0; i < digits; i++)
        v = v * 10 + (name[nh + i] - L'0');
    return v > 0 ? v : -1;
}

static int descending(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

size_t journal_numbers(const wchar_t *const *names, size_t n_names, int *numbers, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < n_names; i++) {
        int v = journal_number(names[i]);
        if (v > 0 && n < max)
            numbers[n++] = v;
    }
    qsort(numbers, n, sizeof *numbers, descending);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || numbers[k - 1] != numbers[i])
            numbers[k++] = numbers[i];
    return k;
}
