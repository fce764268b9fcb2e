/* A machine in memory (mem_backend.h). */
#include "mem_backend.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define M ((struct mem_machine *)ctx)

static void *grow(void *p, int *cap, int need, size_t each)
{
    if (need <= *cap)
        return p;
    int c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(p, (size_t)c * each);
    if (!q)
        abort();   /* a test machine that cannot grow is a broken test */
    *cap = c;
    return q;
}

static int key_at(const struct mem_machine *m, const wchar_t *k)
{
    for (int i = 0; i < m->n_keys; i++)
        if (!_wcsicmp(m->keys[i], k))
            return i;
    return -1;
}

static int val_at(const struct mem_machine *m, const wchar_t *k, const wchar_t *n)
{
    for (int i = 0; i < m->n_vals; i++)
        if (!_wcsicmp(m->vals[i].key, k) && !_wcsicmp(m->vals[i].name, n))
            return i;
    return -1;
}

static int file_at(const struct mem_machine *m, const wchar_t *p)
{
    for (int i = 0; i < m->n_files; i++)
        if (!_wcsicmp(m->files[i].path, p))
            return i;
    return -1;
}

void mem_key(struct mem_machine *m, const wchar_t *key)
{
    wchar_t k[P2V_KEY_MAX];
    wcopy(k, COUNTOF(k), key);
    for (size_t i = 0;; i++) {   /* each level, parents first */
        if (k[i] != L'\\' && k[i] != 0)
            continue;
        wchar_t keep = k[i];
        k[i] = 0;
        if (key_at(m, k) < 0) {
            m->keys = grow(m->keys, &m->cap_keys, m->n_keys + 1, sizeof *m->keys);
            wcopy(m->keys[m->n_keys++], P2V_KEY_MAX, k);
        }
        k[i] = keep;
        if (!keep)
            break;
    }
}

static void put(struct mem_machine *m, const wchar_t *key, const wchar_t *name, const struct regval *v)
{
    mem_key(m, key);
    int i = val_at(m, key, name);
    if (i < 0) {
        m->vals = grow(m->vals, &m->cap_vals, m->n_vals + 1, sizeof *m->vals);
        i = m->n_vals++;
        wcopy(m->vals[i].key, P2V_KEY_MAX, key);
        wcopy(m->vals[i].name, P2V_NAME_MAX, name);
    }
    m->vals[i].v = *v;
}

void mem_dword(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD d)
{
    struct regval v;
    regval_dword(&v, d);
    put(m, key, name, &v);
}

void mem_sz(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s)
{
    struct regval v;
    regval_sz(&v, type, s);
    put(m, key, name, &v);
}

void mem_raw(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD type, const void *data,
             DWORD size)
{
    struct regval v;
    memset(&v, 0, sizeof v);
    v.present = TRUE;
    v.type = type;
    v.size = size < sizeof v.data ? size : (DWORD)sizeof v.data;
    memcpy(v.data, data, v.size);
    put(m, key, name, &v);
}

void mem_file(struct mem_machine *m, const wchar_t *path, const void *data, DWORD size)
{
    int i = file_at(m, path);
    if (i < 0) {
        m->files = grow(m->files, &m->cap_files, m->n_files + 1, sizeof *m->files);
        i = m->n_files++;
        wcopy(m->files[i].path, MAX_PATH, path);
        m->files[i].data = NULL;
    }
    free(m->files[i].data);
    m->files[i].data = malloc(size ? size : 1);
    memcpy(m->files[i].data, data, size);
    m->files[i].size = size;
}

void mem_free(struct mem_machine *m)
{
    for (int i = 0; i < m->n_files; i++)
        free(m->files[i].data);
    free(m->keys);
    free(m->vals);
    free(m->files);
    memset(m, 0, sizeof *m);
}

/* ---- the table ---- */

static DWORD m_describe_os(void *ctx, struct os_info *os) { *os = M->os; return ERROR_SUCCESS; }
static DWORD m_describe_disk(void *ctx, struct disk_info *d)
{
    memset(d, 0, sizeof *d);
    d->actual_partition = -1;
    return ERROR_SUCCESS;
}
static DWORD m_list_adapters(void *ctx, struct net_live *out, int cap, int *n)
{
    *n = 0;
    for (int i = 0; i < M->n_live && *n < cap; i++)
        out[(*n)++] = M->live[i];
    return M->live_unknown ? ERROR_NOT_SUPPORTED : ERROR_SUCCESS;
}
static DWORD m_key_exists(void *ctx, const wchar_t *k) { return key_at(M, k) >= 0 ? 0 : ERROR_FILE_NOT_FOUND; }

/* The direct subkeys of key, in creation order. */
static DWORD m_enum_subkey(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch)
{
    size_t n = wcslen(key);
    DWORD seen = 0;
    if (key_at(M, key) < 0)
        return ERROR_FILE_NOT_FOUND;
    for (int i = 0; i < M->n_keys; i++) {
        const wchar_t *k = M->keys[i];
        if (_wcsnicmp(k, key, n) || k[n] != L'\\' || wcschr(k + n + 1, L'\\'))
            continue;
        if (seen++ == index)
            return wcopy(name, cch, k + n + 1) ? ERROR_SUCCESS : ERROR_MORE_DATA;
    }
    return ERROR_NO_MORE_ITEMS;
}

static DWORD m_read_value(void *ctx, const wchar_t *k, const wchar_t *n, struct regval *out)
{
    int i = val_at(M, k, n);
    memset(out, 0, sizeof *out);
    if (i >= 0)
        *out = M->vals[i].v;
    return ERROR_SUCCESS;   /* absent: present = FALSE */
}

static DWORD m_enum_value(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch, struct regval *out)
{
    DWORD seen = 0;
    if (key_at(M, key) < 0)
        return ERROR_FILE_NOT_FOUND;
    for (int i = 0; i < M->n_vals; i++)
        if (!_wcsicmp(M->vals[i].key, key) && seen++ == index) {
            *out = M->vals[i].v;
            return wcopy(name, cch, M->vals[i].name) ? ERROR_SUCCESS : ERROR_MORE_DATA;
        }
    return ERROR_NO_MORE_ITEMS;
}

static DWORD m_read_file(void *ctx, const wchar_t *p, BYTE **data, DWORD *size)
{
    int i = file_at(M, p);
    *data = NULL;
    *size = 0;
    if (i < 0)
        return ERROR_FILE_NOT_FOUND;
    *data = malloc(M->files[i].size + 1);
    memcpy(*data, M->files[i].data, M->files[i].size);
    *size = M->files[i].size;
    return ERROR_SUCCESS;
}

static DWORD m_find_staged(void *ctx, const wchar_t *windir, const wchar_t *inf, wchar_t *name, DWORD cch)
{
    return ERROR_NOT_FOUND;   /* no package is staged in memory */
}

static DWORD m_read_cab_file(void *ctx, const wchar_t *cab, const wchar_t *name, BYTE **data, DWORD *size)
{
    *data = NULL;
    *size = 0;
    return ERROR_FILE_NOT_FOUND;
}

static DWORD m_key_plain(void *ctx, const wchar_t *key) { return ERROR_SUCCESS; }
static DWORD m_path_plain(void *ctx, const wchar_t *path, wchar_t *why, DWORD cch)
{
    if (cch)
        why[0] = 0;
    return ERROR_SUCCESS;   /* no links in memory */
}

/* pattern: folder\prefix*suffix */
static DWORD m_list_files(void *ctx, const wchar_t *pattern, struct wbuf *names)
{
    const wchar_t *slash = wcsrchr(pattern, L'\\'), *star = slash ? wcschr(slash, L'*') : NULL;
    if (!slash || !star)
        return ERROR_INVALID_PARAMETER;
    size_t dir = (size_t)(slash - pattern), pre = (size_t)(star - slash - 1), suf = wcslen(star + 1);
    for (int i = 0; i < M->n_files; i++) {
        const wchar_t *p = M->files[i].path;
        size_t n = wcslen(p);
        if (n <= dir + 1 || _wcsnicmp(p, pattern, dir + 1) || wcschr(p + dir + 1, L'\\'))
            continue;
        const wchar_t *base = p + dir + 1;
        size_t bn = wcslen(base);
        if (bn < pre + suf || _wcsnicmp(base, slash + 1, pre) || _wcsicmp(base + bn - suf, star + 1))
            continue;
        wbuf_add(names, base);
        wbuf_add(names, L"\n");
    }
    return names->ok ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

static DWORD m_create_key(void *ctx, const wchar_t *k) { mem_key(M, k); return ERROR_SUCCESS; }

static DWORD m_delete_key(void *ctx, const wchar_t *k)
{
    struct mem_machine *m = M;
    int i = key_at(m, k);
    if (m->fail_delete_key > 0) {
        m->fail_delete_key--;
        return ERROR_ACCESS_DENIED;
    }
    if (i < 0)
        return ERROR_FILE_NOT_FOUND;
    size_t n = wcslen(k);
    for (int s = 0; s < m->n_keys; s++)   /* only an empty key, as the table says */
        if (!_wcsnicmp(m->keys[s], k, n) && m->keys[s][n] == L'\\')
            return ERROR_ACCESS_DENIED;
    for (int v = m->n_vals - 1; v >= 0; v--)   /* a key goes with its values */
        if (!_wcsicmp(m->vals[v].key, k))
            m->vals[v] = m->vals[--m->n_vals];
    memmove(m->keys[i], m->keys[i + 1], (size_t)(m->n_keys - i - 1) * sizeof *m->keys);
    m->n_keys--;
    return ERROR_SUCCESS;
}

static DWORD m_set_value(void *ctx, const wchar_t *k, const wchar_t *n, const struct regval *v)
{
    if (key_at(M, k) < 0)
        return ERROR_FILE_NOT_FOUND;
    put(M, k, n, v);
    return ERROR_SUCCESS;
}

static DWORD m_delete_value(void *ctx, const wchar_t *k, const wchar_t *n)
{
    int i = val_at(M, k, n);
    if (i < 0)
        return ERROR_FILE_NOT_FOUND;
    M->vals[i] = M->vals[--M->n_vals];
    return ERROR_SUCCESS;
}

static DWORD m_write_file(void *ctx, const wchar_t *p, const BYTE *d, DWORD s)
{
    mem_file(M, p, d, s);
    return ERROR_SUCCESS;
}

static DWORD m_delete_file(void *ctx, const wchar_t *p)
{
    int i = file_at(M, p);
    if (i < 0)
        return ERROR_FILE_NOT_FOUND;
    free(M->files[i].data);
    M->files[i] = M->files[--M->n_files];
    return ERROR_SUCCESS;
}

static DWORD m_stage_inf(void *ctx, const wchar_t *inf, wchar_t *oem, DWORD cch)
{
    return ERROR_NOT_SUPPORTED;   /* no driver store in memory */
}
static DWORD m_unstage_inf(void *ctx, const wchar_t *oem) { return ERROR_SUCCESS; }
static DWORD m_flush_key(void *ctx, const wchar_t *k) { return ERROR_SUCCESS; }

static DWORD m_make_dir(void *ctx, const wchar_t *dir)
{
    wchar_t path[MAX_PATH];
    wfmt(path, COUNTOF(path), L"%ls\\", dir);
    if (file_at(M, path) >= 0)
        return ERROR_ALREADY_EXISTS;
    mem_file(M, path, "", 0);
    return ERROR_SUCCESS;
}

/* A handle is the file's index + 1; appends go to its end. */
static DWORD m_append_open(void *ctx, const wchar_t *p, BOOL create_new, HANDLE *h)
{
    int i = file_at(M, p);
    *h = INVALID_HANDLE_VALUE;
    if (create_new && i >= 0)
        return ERROR_FILE_EXISTS;
    if (!create_new && i < 0)
        return ERROR_FILE_NOT_FOUND;
    if (i < 0) {
        mem_file(M, p, "", 0);
        i = file_at(M, p);
    }
    *h = (HANDLE)(INT_PTR)(i + 1);
    return ERROR_SUCCESS;
}

static DWORD m_append(void *ctx, HANDLE h, const void *data, DWORD size)
{
    struct mem_file *f = &M->files[(INT_PTR)h - 1];
    BYTE *d = realloc(f->data, f->size + size + 1);
    if (!d)
        return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(d + f->size, data, size);
    f->data = d;
    f->size += size;
    return ERROR_SUCCESS;
}

static void m_append_close(void *ctx, HANDLE h) { }

static DWORD m_cut(void *ctx, HANDLE h, DWORD size)
{
    struct mem_file *f = &M->files[(INT_PTR)h - 1];
    if (size < f->size)
        f->size = size;
    return ERROR_SUCCESS;
}

struct backend mem_backend(struct mem_machine *m)
{
    return (struct backend){
        .ctx = m,
        .describe_os = m_describe_os, .describe_disk = m_describe_disk, .list_adapters = m_list_adapters, .key_exists = m_key_exists,
        .enum_subkey = m_enum_subkey, .read_value = m_read_value, .enum_value = m_enum_value,
        .read_file = m_read_file, .find_staged = m_find_staged, .read_cab_file = m_read_cab_file,
        .key_plain = m_key_plain, .path_plain = m_path_plain, .list_files = m_list_files,
        .create_key = m_create_key, .delete_key = m_delete_key, .set_value = m_set_value,
        .delete_value = m_delete_value, .write_file = m_write_file, .delete_file = m_delete_file,
        .stage_inf = m_stage_inf, .unstage_inf = m_unstage_inf, .flush_key = m_flush_key,
        .make_dir = m_make_dir, .append_open = m_append_open, .append = m_append,
        .append_close = m_append_close, .cut = m_cut,
    };
}

static int cmp_w(const void *a, const void *b) { return wcscmp(*(wchar_t *const *)a, *(wchar_t *const *)b); }

wchar_t *mem_picture(const struct mem_machine *m)
{
    int total = m->n_keys + m->n_vals + m->n_files, n = 0;
    wchar_t **lines = malloc((size_t)(total ? total : 1) * sizeof *lines);
    for (int i = 0; i < m->n_keys; i++) {
        lines[n] = malloc(2 * P2V_KEY_MAX * sizeof(wchar_t));
        wfmt(lines[n++], 2 * P2V_KEY_MAX, L"K %ls", m->keys[i]);
    }
    for (int i = 0; i < m->n_vals; i++) {
        wchar_t d[300];
        regval_describe(&m->vals[i].v, d, 300);
        lines[n] = malloc(1024 * sizeof(wchar_t));
        wfmt(lines[n++], 1024, L"V %ls\\%ls=%ls", m->vals[i].key, m->vals[i].name, d);
    }
    for (int i = 0; i < m->n_files; i++) {
        lines[n] = malloc(1024 * sizeof(wchar_t));
        wfmt(lines[n++], 1024, L"F %ls %lu %.*hs", m->files[i].path, (unsigned long)m->files[i].size,
             (int)(m->files[i].size < 200 ? m->files[i].size : 200), (const char *)m->files[i].data);
    }
    qsort(lines, (size_t)n, sizeof lines[0], cmp_w);
    struct wbuf b = { 0 };
    wbuf_add(&b, L"");
    for (int i = 0; i < n; i++) {
        wbuf_add(&b, lines[i]);
        wbuf_add(&b, L"\n");
        free(lines[i]);
    }
    free(lines);
    return b.s;
}
