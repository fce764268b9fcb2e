#include "netprobe.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Every value of key, appended. */
static DWORD read_values(const struct backend *b, struct net_probe *np, const wchar_t *key)
{
    for (DWORD i = 0;; i++) {
        wchar_t name[P2V_NAME_MAX];
        struct regval v;
        DWORD e = b->enum_value(b->ctx, key, i, name, COUNTOF(name), &v);
        if (e == ERROR_NO_MORE_ITEMS || e == ERROR_FILE_NOT_FOUND)
            return ERROR_SUCCESS;
        if (e == ERROR_MORE_DATA)
            continue;   /* a name longer than any TCP/IP value's */
        if (e != ERROR_SUCCESS)
            return e;
        if (np->n_values >= NETPROBE_VALUES_MAX) {
            np->values_cut = TRUE;
            return ERROR_SUCCESS;
        }
        struct machine_value *mv = &np->values[np->n_values++];
        wcopy(mv->key, COUNTOF(mv->key), key);
        wcopy(mv->name, COUNTOF(mv->name), name);
        mv->v = v;
    }
}

/* The values of every subkey of parent (one level), each key as parent\<sub>\suffix. */
static DWORD read_subkeys(const struct backend *b, struct net_probe *np, const wchar_t *parent,
                          const wchar_t *suffix)
{
    for (DWORD i = 0;; i++) {
        wchar_t sub[128], key[P2V_KEY_MAX];
        DWORD e = b->enum_subkey(b->ctx, parent, i, sub, COUNTOF(sub));
        if (e == ERROR_NO_MORE_ITEMS || e == ERROR_FILE_NOT_FOUND)
            return ERROR_SUCCESS;
        if (e == ERROR_MORE_DATA)
            continue;
        if (e != ERROR_SUCCESS)
            return e;
        wfmt(key, COUNTOF(key), L"%ls\\%ls%ls", parent, sub, suffix);
        if ((e = read_values(b, np, key)) != ERROR_SUCCESS)
            return e;
    }
}

DWORD net_probe_read(const struct backend *b, const struct machine *m, struct net_probe *np)
{
    net_probe_free(np);   /* what an earlier read left: a pass reads again after waiting and writing */
    if (!(np->values = calloc(NETPROBE_VALUES_MAX, sizeof *np->values)))
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD current = m->select_present[SEL_CURRENT] ? m->select[SEL_CURRENT] : 0;
    wfmt(np->set, COUNTOF(np->set), L"ControlSet%03lu", (unsigned long)(current ? current : 1));
    wchar_t base[64], key[P2V_KEY_MAX];
    wfmt(base, COUNTOF(base), L"SYSTEM\\%ls", np->set);
    struct { const wchar_t *parent, *suffix; BOOL subkeys; } where[] = {
        { L"Control\\Class\\" NET_CLASS_GUID, L"", TRUE },
        { L"Control\\Network\\" NET_CLASS_GUID, L"\\Connection", TRUE },
        { L"Services\\Tcpip\\Parameters", L"", FALSE },
        { L"Services\\Tcpip\\Parameters\\Interfaces", L"", TRUE },
        { L"Services\\Tcpip\\Parameters\\PersistentRoutes", L"", FALSE },
        { L"Services\\Tcpip6\\Parameters\\Interfaces", L"", TRUE },
        { L"Services\\NetBT\\Parameters\\Interfaces", L"", TRUE },
    };
    DWORD e = ERROR_SUCCESS;
    for (size_t i = 0; i < COUNTOF(where) && e == ERROR_SUCCESS; i++) {
        wfmt(key, COUNTOF(key), L"%ls\\%ls", base, where[i].parent);
        e = where[i].subkeys ? read_subkeys(b, np, key, where[i].suffix) : read_values(b, np, key);
    }
    /* Windows 2000's second copy: Services\{GUID}\Parameters\Tcpip of each adapter */
    size_t n = np->n_values;
    for (size_t i = 0; i < n && e == ERROR_SUCCESS; i++) {
        const struct machine_value *mv = &np->values[i];
        wchar_t guid[NET_GUID_CCH];
        if (_wcsicmp(mv->name, L"NetCfgInstanceId") || !regval_string(&mv->v, guid, COUNTOF(guid)) ||
            guid[0] != L'{' || wcschr(guid, L'\\'))
            continue;
        wfmt(key, COUNTOF(key), L"%ls\\Services\\%ls\\Parameters\\Tcpip", base, guid);
        e = read_values(b, np, key);
    }
    if (e != ERROR_SUCCESS)
        return e;
    DWORD le = b->list_adapters(b->ctx, np->live, NET_ADAPTERS_MAX, &np->n_live);
    np->live_known = le == ERROR_SUCCESS;
    if (!np->live_known)
        np->n_live = 0;
    return ERROR_SUCCESS;
}

void net_probe_snapshot(const struct net_probe *np, struct net_snapshot *s)
{
    s->set = np->set;
    s->values = np->values;
    s->n_values = np->n_values;
    s->live = np->live;
    s->n_live = np->n_live;
    s->live_known = np->live_known;
}

BOOL net_probe_capture(struct net_probe *np)
{
    struct net_snapshot s;
    if (!np->capture && !(np->capture = calloc(1, sizeof *np->capture)))
        return FALSE;
    net_probe_snapshot(np, &s);
    np->capture_complete = net_capture(&s, np->capture) && !np->values_cut;
    return np->capture_complete;
}

void net_probe_free(struct net_probe *np)
{
    free(np->values);
    free(np->capture);
    memset(np, 0, sizeof *np);
}
