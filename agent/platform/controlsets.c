/* The control sets of a SYSTEM hive (controlsets.h). */
#include "controlsets.h"
#include "text.h"
#include <string.h>
#include <wchar.h>

static BOOL is_control_set_name(const wchar_t *s)
{
    if (_wcsnicmp(s, L"ControlSet", 10) != 0 || wcslen(s) != 13)
        return FALSE;
    for (int i = 10; i < 13; i++)
        if (s[i] < L'0' || s[i] > L'9')
            return FALSE;
    return TRUE;
}

DWORD probe_control_sets(const struct backend *b, struct machine *m)
{
    wchar_t name[256];
    DWORD e;
    m->n_sets = m->n_sets_found = 0;
    for (DWORD i = 0;; i++) {
        e = b->enum_subkey(b->ctx, L"SYSTEM", i, name, COUNTOF(name));
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e == ERROR_MORE_DATA)
            continue;
        if (e != ERROR_SUCCESS)
            return e;
        if (!is_control_set_name(name))
            continue;
        m->n_sets_found++;
        if (m->n_sets < P2V_SETS_MAX)
            wcopy(m->sets[m->n_sets++], COUNTOF(m->sets[0]), name);
    }
    for (int s = 0; s < SEL_COUNT; s++) {
        struct regval v;
        e = b->read_value(b->ctx, L"SYSTEM\\Select", select_names[s], &v);
        if (e != ERROR_SUCCESS)
            return e;
        m->select_present[s] = v.present && v.type == REG_DWORD && v.size == 4;
        if (m->select_present[s])
            memcpy(&m->select[s], v.data, 4);
    }
    return ERROR_SUCCESS;
}
