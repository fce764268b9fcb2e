#include "machine.h"
#include "targets.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

const wchar_t *const select_names[SEL_COUNT] = { L"Current", L"Default", L"LastKnownGood", L"Failed" };

struct machine *machine_new(void)
{
    struct machine *m = calloc(1, sizeof *m);
    if (m && !(m->values = calloc(P2V_ITEMS_MAX, sizeof *m->values))) {
        free(m);
        return NULL;
    }
    return m;
}

void machine_free(struct machine *m)
{
    if (m) {
        free(m->values);
        free(m);
    }
}

const struct regval *machine_value(const struct machine *m, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < m->n_values; i++)
        if (_wcsicmp(m->values[i].key, key) == 0 && _wcsicmp(m->values[i].name, name) == 0)
            return m->values[i].v.present ? &m->values[i].v : NULL;
    return NULL;
}

struct machine_value *machine_add_value(struct machine *m, const wchar_t *key, const wchar_t *name)
{
    if (m->n_values >= P2V_ITEMS_MAX)
        return NULL;
    struct machine_value *mv = &m->values[m->n_values++];
    memset(mv, 0, sizeof *mv);
    wcopy(mv->key, COUNTOF(mv->key), key);
    wcopy(mv->name, COUNTOF(mv->name), name);
    return mv;
}

struct machine_file *machine_file(const struct machine *m, const wchar_t *name)
{
    for (int i = 0; i < m->n_files; i++)
        if (_wcsicmp(m->files[i].name, name) == 0)
            return (struct machine_file *)&m->files[i];
    return NULL;
}

struct machine_package *machine_package(const struct machine *m, const wchar_t *name)
{
    for (int i = 0; i < m->n_packages; i++)
        if (_wcsicmp(m->packages[i].name, name) == 0)
            return (struct machine_package *)&m->packages[i];
    return NULL;
}

const struct machine_key *machine_key(const struct machine *m, const wchar_t *key)
{
    for (int i = 0; i < m->n_keys; i++)
        if (_wcsicmp(m->keys[i].key, key) == 0)
            return &m->keys[i];
    return NULL;
}

unsigned machine_gen(const struct os_info *os)
{
    if (os->major == 5)
        return GEN_NT5;
    if (os->major == 6 && os->minor <= 1)
        return GEN_NT6;
    if (os->major > 6 || (os->major == 6 && os->minor >= 2))
        return GEN_NT62;
    return 0;
}

static BOOL is_string_type(DWORD t) { return t == REG_SZ || t == REG_EXPAND_SZ; }

/* Strings compare without case: service names, group names, GUIDs and paths are all
 * case-insensitive to Windows, and rewriting "System32" as "system32" is churn. */
BOOL regval_equal(const struct regval *a, const struct regval *b)
{
    if (a->present != b->present)
        return FALSE;
    if (!a->present)
        return TRUE;
    if (a->truncated || b->truncated || a->type != b->type)
        return FALSE;
    if (is_string_type(a->type)) {
        wchar_t sa[REGVAL_MAX / 2 + 1], sb[REGVAL_MAX / 2 + 1];
        memcpy(sa, a->data, a->size);
        sa[a->size / 2] = 0;
        memcpy(sb, b->data, b->size);
        sb[b->size / 2] = 0;
        return _wcsicmp(sa, sb) == 0;
    }
    return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

void regval_dword(struct regval *v, DWORD d)
{
    memset(v, 0, sizeof *v);
    v->present = TRUE;
    v->type = REG_DWORD;
    v->size = sizeof d;
    memcpy(v->data, &d, sizeof d);
}

void regval_sz(struct regval *v, DWORD type, const wchar_t *s)
{
    memset(v, 0, sizeof *v);
    v->present = TRUE;
    v->type = type;
    size_t n = wcslen(s);
    if ((n + 1) * sizeof(wchar_t) > REGVAL_MAX)
        n = REGVAL_MAX / sizeof(wchar_t) - 1;
    memcpy(v->data, s, n * sizeof(wchar_t));
    v->size = (DWORD)((n + 1) * sizeof(wchar_t));
}

const wchar_t *regtype_name(DWORD type)
{
    switch (type) {
    case REG_NONE: return L"REG_NONE";
    case REG_SZ: return L"REG_SZ";
    case REG_EXPAND_SZ: return L"REG_EXPAND_SZ";
    case REG_BINARY: return L"REG_BINARY";
    case REG_DWORD: return L"REG_DWORD";
    case REG_MULTI_SZ: return L"REG_MULTI_SZ";
    case REG_QWORD: return L"REG_QWORD";
    default: return L"REG_?";
    }
}

void regval_describe(const struct regval *v, wchar_t *buf, size_t cch)
{
    if (!v->present) {
        wcopy(buf, cch, L"absent");
        return;
    }
    if (v->type == REG_DWORD && v->size == 4) {
        DWORD d;
        memcpy(&d, v->data, 4);
        wfmt(buf, cch, L"%lu (REG_DWORD)", (unsigned long)d);
    } else if (is_string_type(v->type) && !v->truncated) {
        wchar_t s[REGVAL_MAX / 2 + 1];
        memcpy(s, v->data, v->size);
        s[v->size / 2] = 0;
        wfmt(buf, cch, L"\"%ls\" (%ls)", s, regtype_name(v->type));
    } else if (v->type == REG_MULTI_SZ && !v->truncated && v->size % 2 == 0) {
        /* [a, b]: each string of the list, up to the empty one that ends it */
        wchar_t s[REGVAL_MAX / 2 + 1], list[REGVAL_MAX / 2 + 16] = L"[";
        memcpy(s, v->data, v->size);
        s[v->size / 2] = 0;
        size_t n = v->size / 2;
        for (size_t at = 0; at < n && s[at]; at += wcslen(s + at) + 1) {
            if (at)
                wcsncat(list, L", ", COUNTOF(list) - wcslen(list) - 1);
            wcsncat(list, s + at, COUNTOF(list) - wcslen(list) - 1);
        }
        wfmt(buf, cch, L"%ls] (REG_MULTI_SZ)", list);
    } else {
        wfmt(buf, cch, L"%lu bytes (%ls)", (unsigned long)v->size, regtype_name(v->type));
    }
}

BOOL regval_string(const struct regval *v, wchar_t *out, size_t cch)
{
    if (!cch)
        return FALSE;
    out[0] = 0;
    if (!v || !v->present || v->truncated || (v->type != REG_SZ && v->type != REG_EXPAND_SZ))
        return FALSE;
    size_t n = v->size / sizeof(wchar_t);
    if (n >= cch)
        n = cch - 1;
    memcpy(out, v->data, n * sizeof(wchar_t));
    out[n] = 0;
    return TRUE;
}
