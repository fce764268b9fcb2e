/* Network identity across the move (netid.h): capture, the record's text, decide, writes.
 * Where each setting lives (all in one ControlSetNNN): Microsoft KB 314053 (TCP/IP and NBT
 * configuration parameters for Windows XP); Windows 2000's second copy: KB 120642. */
#include "netid.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* netcfgx.h: the class key's Characteristics. */
#define NCF_VIRTUAL 0x1
#define NCF_SOFTWARE_ENUMERATED 0x2
#define NCF_PHYSICAL 0x4
#define NCF_HIDDEN 0x8

/* Team (virtual) adapters, matched as a prefix of ComponentId or MatchingDeviceId, or of
 * their last part after a backslash ("compositebus\ms_implat_mp"). The table to extend when
 * a vendor's team shows up under another id:
 *   cpqteam       HP Network Configuration Utility (NCU) team miniport
 *   ians          Intel Advanced Network Services (iansminiport: the team's virtual adapter)
 *   blfp, basp    Broadcom Advanced Server Program (BASP/BACS) virtual adapter
 *   ms_implat     Windows LBFO team ("Microsoft Network Adapter Multiplexor Driver")
 *   ms_lbfo       Windows LBFO, as some builds name it */
static const wchar_t *const team_ids[] = {
    L"cpqteam", L"ians", L"blfp", L"basp", L"ms_implat", L"ms_lbfo",
};

/* ---- reading the snapshot ---- */

static const struct regval *get(const struct net_snapshot *s, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < s->n_values; i++)
        if (s->values[i].v.present && _wcsicmp(s->values[i].key, key) == 0 &&
            _wcsicmp(s->values[i].name, name) == 0)
            return &s->values[i].v;
    return NULL;
}

static int count_values(const struct net_snapshot *s, const wchar_t *key)
{
    int n = 0;
    for (size_t i = 0; i < s->n_values; i++)
        if (s->values[i].v.present && _wcsicmp(s->values[i].key, key) == 0)
            n++;
    return n;
}

static BOOL get_dword(const struct net_snapshot *s, const wchar_t *key, const wchar_t *name, DWORD *out)
{
    const struct regval *v = get(s, key, name);
    if (!v || v->truncated || v->type != REG_DWORD || v->size != sizeof(DWORD))
        return FALSE;
    memcpy(out, v->data, sizeof(DWORD));
    return TRUE;
}

static void get_sz(const struct net_snapshot *s, const wchar_t *key, const wchar_t *name, wchar_t *out,
                   size_t cch)
{
    regval_string(get(s, key, name), out, cch);
}

/* "SYSTEM\<set>\<fmt...>" */
static wchar_t *set_key(wchar_t *buf, const struct net_snapshot *s, const wchar_t *rel, const wchar_t *guid)
{
    wchar_t tail[P2V_KEY_MAX];
    wfmt(tail, COUNTOF(tail), rel, guid ? guid : L"");
    return wfmt(buf, P2V_KEY_MAX, L"SYSTEM\\%ls\\%ls", s->set, tail);
}

#define KEY_TCPIP L"Services\\Tcpip\\Parameters"
#define KEY_IFACE L"Services\\Tcpip\\Parameters\\Interfaces\\%ls"
#define KEY_NETBT L"Services\\NetBT\\Parameters\\Interfaces\\Tcpip_%ls"
#define KEY_W2K L"Services\\%ls\\Parameters\\Tcpip"
#define KEY_TCPIP6 L"Services\\Tcpip6\\Parameters\\Interfaces\\%ls"
#define KEY_CONN L"Control\\Network\\" NET_CLASS_GUID L"\\%ls\\Connection"
#define KEY_CLASS L"Control\\Class\\" NET_CLASS_GUID L"\\"

/* The one subkey name right below prefix ("SYSTEM\...\Interfaces\" + "{GUID}"), or NULL. */
static const wchar_t *child_of(const wchar_t *key, const wchar_t *prefix)
{
    size_t n = wcslen(prefix);
    if (_wcsnicmp(key, prefix, n) != 0 || !key[n] || wcschr(key + n, L'\\'))
        return NULL;
    return key + n;
}

/* The items of a REG_MULTI_SZ, or of a REG_SZ list separated by commas or spaces
 * (NameServer: both separators are seen). Empty items are skipped; one too long to be an
 * address, or beyond max, sets *cut. */
static int list_items(const struct regval *v, wchar_t (*items)[NET_ADDR_CCH], int max, BOOL *cut)
{
    int n = 0;
    if (!v)
        return 0;
    if (v->truncated || (v->type != REG_MULTI_SZ && v->type != REG_SZ && v->type != REG_EXPAND_SZ)) {
        *cut = TRUE;
        return 0;
    }
    const wchar_t *w = (const wchar_t *)v->data;
    size_t cch = v->size / sizeof(wchar_t), i = 0;
    BOOL multi = v->type == REG_MULTI_SZ;
    while (i < cch) {
        size_t start = i;
        while (i < cch && w[i] && (multi || (w[i] != L',' && w[i] != L' ')))
            i++;
        size_t len = i - start;
        if (multi && !len)
            break;   /* the empty string that ends a REG_MULTI_SZ */
        if (len) {
            if (n >= max || len >= NET_ADDR_CCH) {
                *cut = TRUE;
            } else {
                memcpy(items[n], w + start, len * sizeof(wchar_t));
                items[n][len] = 0;
                n++;
            }
        }
        if (!multi && (i >= cch || !w[i]))
            break;   /* the end of a REG_SZ */
        i++;
    }
    return n;
}

static BOOL is_unset_address(const wchar_t *a) { return !a[0] || wcscmp(a, L"0.0.0.0") == 0; }

/* A real address in IPAddress (EnableDHCP=0 with 0.0.0.0 is an adapter never configured). */
static BOOL has_real_address(const struct regval *v)
{
    wchar_t items[NET_LIST_MAX][NET_ADDR_CCH];
    BOOL cut = FALSE;
    int n = list_items(v, items, NET_LIST_MAX, &cut);
    for (int i = 0; i < n; i++)
        if (!is_unset_address(items[i]))
            return TRUE;
    return cut;   /* more than fits: certainly not empty */
}

static int hex_digit(wchar_t c)
{
    if (c >= L'0' && c <= L'9') return c - L'0';
    if (c >= L'a' && c <= L'f') return c - L'a' + 10;
    if (c >= L'A' && c <= L'F') return c - L'A' + 10;
    return -1;
}

/* NetworkAddress: 12 hex digits, no separators (the form the drivers' Advanced tab writes). */
static BOOL mac_from_network_address(const wchar_t *s, BYTE *mac)
{
    if (wcslen(s) != 12)
        return FALSE;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        mac[i] = (BYTE)(hi << 4 | lo);
    }
    return TRUE;
}

wchar_t *net_mac_text(const BYTE *mac, DWORD len, wchar_t *buf, size_t cch)
{
    static const wchar_t digits[] = L"0123456789ABCDEF";
    size_t at = 0;
    for (DWORD i = 0; i < len && i < 8 && at + 3 < cch; i++) {
        if (i)
            buf[at++] = L'-';
        buf[at++] = digits[mac[i] >> 4];
        buf[at++] = digits[mac[i] & 15];
    }
    if (cch)
        buf[at < cch ? at : cch - 1] = 0;
    return buf;
}

static BOOL id_is_team(const wchar_t *id)
{
    const wchar_t *tail = wcsrchr(id, L'\\');
    for (size_t i = 0; i < COUNTOF(team_ids); i++) {
        size_t n = wcslen(team_ids[i]);
        if (_wcsnicmp(id, team_ids[i], n) == 0 || (tail && _wcsnicmp(tail + 1, team_ids[i], n) == 0))
            return TRUE;
    }
    return FALSE;
}

static const struct net_live *live_adapter(const struct net_snapshot *s, const wchar_t *guid)
{
    for (int i = 0; s->live_known && i < s->n_live; i++)
        if (_wcsicmp(s->live[i].guid, guid) == 0)
            return &s->live[i];
    return NULL;
}

/* The class subkey (Control\Class\{4D36E972...}\NNNN) whose NetCfgInstanceId is guid. */
static const wchar_t *class_key_of(const struct net_snapshot *s, const wchar_t *guid)
{
    wchar_t prefix[P2V_KEY_MAX], id[NET_GUID_CCH];
    set_key(prefix, s, KEY_CLASS, NULL);
    for (size_t i = 0; i < s->n_values; i++) {
        const struct machine_value *mv = &s->values[i];
        if (_wcsicmp(mv->name, L"NetCfgInstanceId") == 0 && child_of(mv->key, prefix) &&
            regval_string(&mv->v, id, COUNTOF(id)) && _wcsicmp(id, guid) == 0)
            return mv->key;
    }
    return NULL;
}

static enum net_kind class_kind(const struct net_snapshot *s, const wchar_t *ckey, DWORD *chars)
{
    wchar_t id[96];
    *chars = 0;
    get_sz(s, ckey, L"ComponentId", id, COUNTOF(id));
    if (id_is_team(id))
        return NET_KIND_TEAM;
    get_sz(s, ckey, L"MatchingDeviceId", id, COUNTOF(id));
    if (id[0] && id_is_team(id))
        return NET_KIND_TEAM;
    if (!get_dword(s, ckey, L"Characteristics", chars))
        return NET_KIND_PHYSICAL;
    if (*chars & NCF_HIDDEN)
        return NET_KIND_HIDDEN;
    if (!(*chars & NCF_PHYSICAL) && (*chars & (NCF_VIRTUAL | NCF_SOFTWARE_ENUMERATED)))
        return NET_KIND_VIRTUAL;
    return NET_KIND_PHYSICAL;
}

static struct net_adapter *adapter_add(struct net_capture *c, const wchar_t *guid)
{
    for (int i = 0; i < c->n_adapters; i++)
        if (_wcsicmp(c->adapters[i].guid, guid) == 0)
            return &c->adapters[i];
    c->n_found++;
    if (c->n_adapters >= NET_ADAPTERS_MAX)
        return NULL;
    struct net_adapter *a = &c->adapters[c->n_adapters++];
    memset(a, 0, sizeof *a);
    wcopy(a->guid, COUNTOF(a->guid), guid);
    a->kind = NET_KIND_INTERFACE;
    a->registration = a->netbios = -1;
    return a;
}

static void capture_tcpip(const struct net_snapshot *s, struct net_adapter *a)
{
    wchar_t key[P2V_KEY_MAX], masks[NET_LIST_MAX][NET_ADDR_CCH], ips[NET_LIST_MAX][NET_ADDR_CCH];
    wchar_t metrics[NET_LIST_MAX][NET_ADDR_CCH];
    DWORD d;
    set_key(key, s, KEY_IFACE, a->guid);
    a->has_tcpip = count_values(s, key) > 0;
    a->dhcp = get_dword(s, key, L"EnableDHCP", &d) && d != 0;
    if (!a->dhcp) {
        int n = list_items(get(s, key, L"IPAddress"), ips, NET_LIST_MAX, &a->lists_cut);
        int nm = list_items(get(s, key, L"SubnetMask"), masks, NET_LIST_MAX, &a->lists_cut);
        for (int i = 0; i < n; i++) {
            if (is_unset_address(ips[i]))
                continue;
            wcopy(a->ip[a->n_ip], NET_ADDR_CCH, ips[i]);
            wcopy(a->mask[a->n_ip], NET_ADDR_CCH, i < nm ? masks[i] : L"");
            a->n_ip++;
        }
        a->n_gw = list_items(get(s, key, L"DefaultGateway"), a->gw, NET_LIST_MAX, &a->lists_cut);
        int nmet = list_items(get(s, key, L"DefaultGatewayMetric"), metrics, NET_LIST_MAX, &a->lists_cut);
        for (int i = 0; i < a->n_gw; i++)
            a->gw_metric[i] = i < nmet ? (DWORD)wcstoul(metrics[i], NULL, 10) : 0;
    }
    a->is_static = !a->dhcp && a->n_ip > 0;
    a->n_dns = list_items(get(s, key, L"NameServer"), a->dns, NET_LIST_MAX, &a->lists_cut);
    get_sz(s, key, L"Domain", a->suffix, COUNTOF(a->suffix));
    if (get_dword(s, key, L"RegistrationEnabled", &d))
        a->registration = d != 0;
    if (get_dword(s, key, L"MTU", &d))
        a->mtu = d;

    set_key(key, s, KEY_NETBT, a->guid);
    a->n_wins = list_items(get(s, key, L"NameServerList"), a->wins, NET_LIST_MAX, &a->lists_cut);
    if (get_dword(s, key, L"NetbiosOptions", &d))
        a->netbios = (int)d;

    set_key(key, s, KEY_W2K, a->guid);
    a->w2k_copy = count_values(s, key) > 0;

    /* Vista+: the Tcpip6 key holds DHCPv6 state and hand-set IPv6 DNS servers; static IPv6
     * addresses and routes live in the NSI store (Control\Nsi), which is not read here. */
    set_key(key, s, KEY_TCPIP6, a->guid);
    a->v6_values = count_values(s, key);
    a->v6_key = a->v6_values > 0;
    a->n_v6_dns = list_items(get(s, key, L"NameServer"), a->v6_dns, NET_LIST_MAX, &a->lists_cut);
}

static void capture_class(const struct net_snapshot *s, struct net_adapter *a, const wchar_t *ckey)
{
    wchar_t key[P2V_KEY_MAX], addr[32];
    a->kind = class_kind(s, ckey, &a->characteristics);
    get_sz(s, ckey, L"DriverDesc", a->desc, COUNTOF(a->desc));
    get_sz(s, ckey, L"ComponentId", a->component, COUNTOF(a->component));
    get_dword(s, ckey, L"*IfType", &a->iftype);
    get_sz(s, ckey, L"NetworkAddress", addr, COUNTOF(addr));
    if (mac_from_network_address(addr, a->mac)) {
        a->mac_len = 6;
        a->mac_override = TRUE;
    }
    set_key(key, s, KEY_CONN, a->guid);
    get_sz(s, key, L"Name", a->name, COUNTOF(a->name));
    get_sz(s, key, L"PnpInstanceID", a->pnp, COUNTOF(a->pnp));
}

static void capture_routes(const struct net_snapshot *s, struct net_capture *c)
{
    wchar_t key[P2V_KEY_MAX];
    set_key(key, s, KEY_TCPIP L"\\PersistentRoutes", NULL);
    for (size_t i = 0; i < s->n_values; i++) {
        const struct machine_value *mv = &s->values[i];
        if (!mv->v.present || _wcsicmp(mv->key, key) != 0)
            continue;
        c->n_routes_found++;
        /* the value name is "destination,mask,gateway,metric"; the data is empty */
        wchar_t f[4][NET_ADDR_CCH];
        const wchar_t *p = mv->name;
        int n = 0;
        while (n < 4) {
            const wchar_t *e = wcschr(p, L',');
            size_t len = e ? (size_t)(e - p) : wcslen(p);
            if (!len || len >= NET_ADDR_CCH)
                break;
            memcpy(f[n], p, len * sizeof(wchar_t));
            f[n++][len] = 0;
            if (!e)
                break;
            p = e + 1;
        }
        wchar_t *end;
        long metric = n == 4 ? wcstol(f[3], &end, 10) : 0;
        if (n != 4 || *end || c->n_routes >= NET_ROUTES_MAX)
            continue;
        struct net_route *r = &c->routes[c->n_routes++];
        wcopy(r->dest, NET_ADDR_CCH, f[0]);
        wcopy(r->mask, NET_ADDR_CCH, f[1]);
        wcopy(r->gateway, NET_ADDR_CCH, f[2]);
        r->metric = metric;
    }
}

BOOL net_capture(const struct net_snapshot *s, struct net_capture *c)
{
    wchar_t prefix[P2V_KEY_MAX], guid[NET_GUID_CCH], key[P2V_KEY_MAX];
    memset(c, 0, sizeof *c);
    /* adapters of the class key: hidden ones (WAN miniports, tunnels) only with TCP/IP values */
    set_key(prefix, s, KEY_CLASS, NULL);
    for (size_t i = 0; i < s->n_values; i++) {
        const struct machine_value *mv = &s->values[i];
        DWORD chars;
        if (_wcsicmp(mv->name, L"NetCfgInstanceId") != 0 || !child_of(mv->key, prefix) ||
            !regval_string(&mv->v, guid, COUNTOF(guid)) || !guid_text(guid, wcslen(guid)))
            continue;
        if (class_kind(s, mv->key, &chars) == NET_KIND_HIDDEN &&
            !count_values(s, set_key(key, s, KEY_IFACE, guid)))
            continue;
        struct net_adapter *a = adapter_add(c, guid);
        if (a)
            capture_class(s, a, mv->key);
    }
    /* every TCP/IP interface holding values, adapter or not (XP's NdisWanIp interfaces) */
    set_key(prefix, s, L"Services\\Tcpip\\Parameters\\Interfaces\\", NULL);
    for (size_t i = 0; i < s->n_values; i++) {
        const wchar_t *g = child_of(s->values[i].key, prefix);
        if (g && s->values[i].v.present && guid_text(g, wcslen(g)))
            adapter_add(c, g);
    }
    for (int i = 0; i < c->n_adapters; i++) {
        struct net_adapter *a = &c->adapters[i];
        capture_tcpip(s, a);
        const struct net_live *l = live_adapter(s, a->guid);
        a->presence = !s->live_known ? NET_PRESENCE_UNKNOWN : l ? NET_PRESENT : NET_ABSENT;
        if (l && l->mac_len && l->mac_len <= sizeof a->mac) {
            memcpy(a->mac, l->mac, l->mac_len);
            a->mac_len = l->mac_len;
        }
    }
    set_key(key, s, KEY_TCPIP, NULL);
    get_sz(s, key, L"SearchList", c->search_list, COUNTOF(c->search_list));
    capture_routes(s, c);
    return c->n_found <= NET_ADAPTERS_MAX;
}

const wchar_t *net_kind_name(enum net_kind k)
{
    switch (k) {
    case NET_KIND_PHYSICAL: return L"physical";
    case NET_KIND_TEAM: return L"team";
    case NET_KIND_VIRTUAL: return L"virtual";
    case NET_KIND_HIDDEN: return L"hidden";
    case NET_KIND_INTERFACE: return L"interface";
    }
    return L"?";
}

static const wchar_t *presence_name(enum net_presence p)
{
    return p == NET_PRESENT ? L"present" : p == NET_ABSENT ? L"absent" : L"unknown";
}

/* ---- the capture as JSON ---- */

static void json_list(struct wbuf *b, const wchar_t *key, const wchar_t (*items)[NET_ADDR_CCH], int n)
{
    wbuf_addf(b, L", \"%ls\": [", key);
    for (int i = 0; i < n; i++) {
        if (i)
            wbuf_add(b, L", ");
        wbuf_json_str(b, items[i]);
    }
    wbuf_add(b, L"]");
}

static void json_member(struct wbuf *b, const wchar_t *key, const wchar_t *value)
{
    wbuf_addf(b, L", \"%ls\": ", key);
    wbuf_json_str(b, value);
}

static void json_adapter(struct wbuf *b, const struct net_adapter *a)
{
    wchar_t mac[32];
    wbuf_add(b, L"{\"guid\": ");
    wbuf_json_str(b, a->guid);
    json_member(b, L"connection", a->name);
    json_member(b, L"description", a->desc);
    json_member(b, L"component_id", a->component);
    json_member(b, L"pnp_instance", a->pnp);
    wbuf_add(b, L", \"mac\": ");
    if (a->mac_len)
        wbuf_json_str(b, net_mac_text(a->mac, a->mac_len, mac, COUNTOF(mac)));
    else
        wbuf_add(b, L"null");
    wbuf_addf(b, L", \"mac_override\": %ls, \"kind\": \"%ls\", \"presence\": \"%ls\"",
              a->mac_override ? L"true" : L"false", net_kind_name(a->kind), presence_name(a->presence));
    wbuf_addf(b, L", \"dhcp\": %ls, \"static\": %ls", a->dhcp ? L"true" : L"false",
              a->is_static ? L"true" : L"false");
    wbuf_add(b, L", \"ipv4\": [");
    for (int i = 0; i < a->n_ip; i++) {
        wbuf_add(b, i ? L", {\"address\": " : L"{\"address\": ");
        wbuf_json_str(b, a->ip[i]);
        wbuf_add(b, L", \"mask\": ");
        wbuf_json_str(b, a->mask[i]);
        wbuf_add(b, L"}");
    }
    wbuf_add(b, L"], \"gateways\": [");
    for (int i = 0; i < a->n_gw; i++) {
        wbuf_add(b, i ? L", {\"address\": " : L"{\"address\": ");
        wbuf_json_str(b, a->gw[i]);
        wbuf_addf(b, L", \"metric\": %lu}", (unsigned long)a->gw_metric[i]);
    }
    wbuf_add(b, L"]");
    json_list(b, L"dns", a->dns, a->n_dns);
    json_member(b, L"suffix", a->suffix);
    if (a->registration >= 0)
        wbuf_addf(b, L", \"register_in_dns\": %ls", a->registration ? L"true" : L"false");
    json_list(b, L"wins", a->wins, a->n_wins);
    if (a->netbios >= 0)
        wbuf_addf(b, L", \"netbios_options\": %d", a->netbios);
    if (a->mtu)
        wbuf_addf(b, L", \"mtu\": %lu", (unsigned long)a->mtu);
    wbuf_addf(b, L", \"windows2000_copy\": %ls, \"ipv6_key\": %ls, \"ipv6_values\": %d",
              a->w2k_copy ? L"true" : L"false", a->v6_key ? L"true" : L"false", a->v6_values);
    json_list(b, L"ipv6_dns", a->v6_dns, a->n_v6_dns);
    wbuf_addf(b, L", \"lists_cut\": %ls}", a->lists_cut ? L"true" : L"false");
}

void net_capture_json(const struct net_capture *c, struct wbuf *b)
{
    wbuf_add(b, L"{\"adapters\": [");
    for (int i = 0; i < c->n_adapters; i++) {
        if (i)
            wbuf_add(b, L", ");
        json_adapter(b, &c->adapters[i]);
    }
    wbuf_addf(b, L"], \"adapters_found\": %d, \"search_list\": ", c->n_found);
    wbuf_json_str(b, c->search_list);
    wbuf_add(b, L", \"persistent_routes\": [");
    for (int i = 0; i < c->n_routes; i++) {
        const struct net_route *r = &c->routes[i];
        wbuf_add(b, i ? L", {\"destination\": " : L"{\"destination\": ");
        wbuf_json_str(b, r->dest);
        wbuf_add(b, L", \"mask\": ");
        wbuf_json_str(b, r->mask);
        wbuf_add(b, L", \"gateway\": ");
        wbuf_json_str(b, r->gateway);
        wbuf_addf(b, L", \"metric\": %ld}", r->metric);
    }
    wbuf_addf(b, L"], \"persistent_routes_found\": %d}", c->n_routes_found);
}

/* ---- the record: what the first-boot pass reads back ----
 *
 *   p2vprep-network 1
 *   adapter {GUID} 00-0C-29-7E-7E-D3 static physical present "Local Area Connection"
 *   adapter {GUID} - none interface unknown ""
 *   map 00-0C-29-7E-7E-D3 00-15-5D-01-02-03
 *   end 2 1
 *
 * One record per line, fields separated by one space, each line ending in \n. The MAC is "-"
 * when not known; "static" or "none"; the kind (net_kind_name); the presence at capture. The
 * connection name is quoted, with %, " and control characters written as %XXXX (the UTF-16
 * code unit in hex). A map line names the old adapter by MAC or GUID. "end" repeats the counts,
 * so a text cut anywhere is refused. */

#define NET_RECORD_HEADER L"p2vprep-network 1"
#define NET_LINE_MAX 1024

void net_record_from_capture(const struct net_capture *c, const struct net_map *maps, int n_maps,
                             struct net_record *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < c->n_adapters && out->n_ids < NET_ADAPTERS_MAX; i++) {
        const struct net_adapter *a = &c->adapters[i];
        struct net_ident *id = &out->ids[out->n_ids++];
        wcopy(id->guid, COUNTOF(id->guid), a->guid);
        memcpy(id->mac, a->mac, sizeof id->mac);
        id->mac_len = a->mac_len;
        id->is_static = a->is_static;
        id->kind = a->kind;
        id->presence = a->presence;
        wcopy(id->name, COUNTOF(id->name), a->name);
    }
    for (int i = 0; i < n_maps && i < NET_MAPS_MAX; i++)
        out->maps[out->n_maps++] = maps[i];
}

static void add_mac(struct wbuf *b, const BYTE *mac, DWORD len)
{
    wchar_t t[32];
    wbuf_add(b, len ? net_mac_text(mac, len, t, COUNTOF(t)) : L"-");
}

void net_record_format(const struct net_record *r, struct wbuf *b)
{
    wchar_t one[8];
    wbuf_add(b, NET_RECORD_HEADER L"\n");
    for (int i = 0; i < r->n_ids; i++) {
        const struct net_ident *id = &r->ids[i];
        wbuf_addf(b, L"adapter %ls ", id->guid);
        add_mac(b, id->mac, id->mac_len);
        wbuf_addf(b, L" %ls %ls %ls \"", id->is_static ? L"static" : L"none", net_kind_name(id->kind),
                  presence_name(id->presence));
        for (const wchar_t *p = id->name; *p; p++) {
            if (*p == L'%' || *p == L'"' || *p < 0x20 || *p == 0x7F)
                wfmt(one, COUNTOF(one), L"%%%04X", (unsigned)*p);
            else
                one[0] = *p, one[1] = 0;
            wbuf_add(b, one);
        }
        wbuf_add(b, L"\"\n");
    }
    for (int i = 0; i < r->n_maps; i++) {
        const struct net_map *m = &r->maps[i];
        wbuf_add(b, L"map ");
        if (m->old_mac_len)
            add_mac(b, m->old_mac, m->old_mac_len);
        else
            wbuf_add(b, m->old_guid);
        wbuf_add(b, L" ");
        add_mac(b, m->new_mac, m->new_mac_len);
        wbuf_add(b, L"\n");
    }
    wbuf_addf(b, L"end %d %d\n", r->n_ids, r->n_maps);
}

/* One field of a line: up to the next space or the end; p moves past one space. */
struct cursor { const wchar_t *p, *end; };

static BOOL field(struct cursor *c, const wchar_t **start, size_t *len)
{
    const wchar_t *s = c->p;
    while (c->p < c->end && *c->p != L' ')
        c->p++;
    *start = s;
    *len = (size_t)(c->p - s);
    if (c->p < c->end)
        c->p++;   /* the separator: a field after it must follow */
    return *len > 0 && !(c->p == c->end && c->p[-1] == L' ');
}

static BOOL field_is(const wchar_t *s, size_t len, const wchar_t *word)
{
    return wcslen(word) == len && wcsncmp(s, word, len) == 0;
}

/* "00-0C-29-7E-7E-D3": 1 to 8 bytes, two hex digits each, separated by '-'. */
static BOOL parse_mac(const wchar_t *s, size_t len, BYTE *mac, DWORD *mac_len)
{
    if (len < 2 || (len + 1) % 3 || (len + 1) / 3 > 8)
        return FALSE;
    for (size_t i = 0; i < (len + 1) / 3; i++) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (3 * i + 2 < len && s[3 * i + 2] != L'-'))
            return FALSE;
        mac[i] = (BYTE)(hi << 4 | lo);
    }
    *mac_len = (DWORD)((len + 1) / 3);
    return TRUE;
}

static BOOL parse_number(const wchar_t *s, size_t len, int max, int *out)
{
    int v = 0;
    if (!len || len > 3 || (len > 1 && s[0] == L'0'))
        return FALSE;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < L'0' || s[i] > L'9')
            return FALSE;
        v = v * 10 + (s[i] - L'0');
    }
    *out = v;
    return v <= max;
}

/* The quoted, %-escaped connection name that ends an adapter line. */
static BOOL parse_name(const wchar_t *s, size_t len, wchar_t *out, size_t cch)
{
    size_t n = 0;
    if (len < 2 || s[0] != L'"' || s[len - 1] != L'"')
        return FALSE;
    for (size_t i = 1; i < len - 1; i++) {
        wchar_t c = s[i];
        if (c == L'"' || c < 0x20 || c == 0x7F)
            return FALSE;
        if (c == L'%') {
            unsigned v = 0;
            if (i + 4 >= len - 1)
                return FALSE;
            for (int k = 1; k <= 4; k++) {
                int d = hex_digit(s[i + k]);
                if (d < 0 || (s[i + k] >= L'a' && s[i + k] <= L'f'))
                    return FALSE;
                v = v << 4 | (unsigned)d;
            }
            if (v != L'%' && v != L'"' && v >= 0x20 && v != 0x7F)
                return FALSE;   /* escaped where the writer would not have: not its text */
            if (!v)
                return FALSE;
            c = (wchar_t)v;
            i += 4;
        }
        if (n + 1 >= cch)
            return FALSE;
        out[n++] = c;
    }
    out[n] = 0;
    return TRUE;
}

static BOOL parse_adapter(struct cursor *c, struct net_ident *id)
{
    const wchar_t *f;
    size_t len;
    static const enum net_kind kinds[] = { NET_KIND_PHYSICAL, NET_KIND_TEAM, NET_KIND_VIRTUAL,
                                           NET_KIND_HIDDEN, NET_KIND_INTERFACE };
    static const enum net_presence presences[] = { NET_PRESENCE_UNKNOWN, NET_PRESENT, NET_ABSENT };
    memset(id, 0, sizeof *id);
    if (!field(c, &f, &len) || !guid_text(f, len))
        return FALSE;
    memcpy(id->guid, f, len * sizeof(wchar_t));
    if (!field(c, &f, &len) || (!field_is(f, len, L"-") && !parse_mac(f, len, id->mac, &id->mac_len)))
        return FALSE;
    if (!field(c, &f, &len) || (!field_is(f, len, L"static") && !field_is(f, len, L"none")))
        return FALSE;
    id->is_static = field_is(f, len, L"static");
    if (!field(c, &f, &len))
        return FALSE;
    size_t k = 0;
    while (k < COUNTOF(kinds) && !field_is(f, len, net_kind_name(kinds[k])))
        k++;
    if (k == COUNTOF(kinds))
        return FALSE;
    id->kind = kinds[k];
    if (!field(c, &f, &len))
        return FALSE;
    for (k = 0; k < COUNTOF(presences) && !field_is(f, len, presence_name(presences[k])); k++)
        ;
    if (k == COUNTOF(presences))
        return FALSE;
    id->presence = presences[k];
    /* the rest of the line is the name, spaces included */
    BOOL ok = c->p < c->end && parse_name(c->p, (size_t)(c->end - c->p), id->name, COUNTOF(id->name));
    c->p = c->end;
    return ok;
}

static BOOL parse_map_fields(struct cursor *c, struct net_map *m)
{
    const wchar_t *f;
    size_t len;
    memset(m, 0, sizeof *m);
    if (!field(c, &f, &len))
        return FALSE;
    if (guid_text(f, len))
        memcpy(m->old_guid, f, len * sizeof(wchar_t));
    else if (!parse_mac(f, len, m->old_mac, &m->old_mac_len))
        return FALSE;
    return field(c, &f, &len) && parse_mac(f, len, m->new_mac, &m->new_mac_len) && c->p == c->end;
}

BOOL net_map_parse(const wchar_t *text, struct net_map *out, wchar_t *why, size_t cch)
{
    const wchar_t *eq = wcschr(text, L'=');
    wchar_t line[NET_GUID_CCH + 32];
    if (!eq || wcslen(text) >= COUNTOF(line) || wcschr(eq + 1, L'=')) {
        wcopy_cut(why, cch, L"a map entry is OLD=NEW: the old adapter's MAC or {GUID}, the new MAC");
        return FALSE;
    }
    wcopy(line, COUNTOF(line), text);
    line[eq - text] = L' ';
    struct cursor c = { line, line + wcslen(line) };
    if (!parse_map_fields(&c, out)) {
        wfmt(why, cch, L"not a map entry: \"%ls\" (OLD=NEW, MACs as 00-15-5D-01-02-03)", text);
        return FALSE;
    }
    return TRUE;
}

static BOOL record_fail(wchar_t *why, size_t cch, int line, const wchar_t *what)
{
    wfmt(why, cch, L"network record, line %d: %ls", line, what);
    return FALSE;
}

BOOL net_record_parse(const wchar_t *text, size_t len, struct net_record *out, wchar_t *why, size_t cch)
{
    memset(out, 0, sizeof *out);
    if (len > NET_TEXT_MAX)
        return record_fail(why, cch, 0, L"longer than any record p2vprep writes");
    if (!len || text[len - 1] != L'\n')
        return record_fail(why, cch, 0, L"cut short (no final line end)");
    const wchar_t *p = text, *end = text + len;
    BOOL ended = FALSE;
    for (int line = 1; p < end; line++) {
        const wchar_t *nl = p;
        while (*nl != L'\n') {
            if (!*nl || *nl == L'\r')
                return record_fail(why, cch, line, L"a NUL or carriage return");
            nl++;
        }
        struct cursor c = { p, nl };
        const wchar_t *f;
        size_t flen;
        p = nl + 1;
        if (nl - c.p > NET_LINE_MAX)
            return record_fail(why, cch, line, L"too long");
        if (ended)
            return record_fail(why, cch, line, L"text after the end line");
        if (line == 1) {
            if (!field_is(c.p, (size_t)(nl - c.p), NET_RECORD_HEADER))
                return record_fail(why, cch, line, L"not \"" NET_RECORD_HEADER L"\"");
            continue;
        }
        if (!field(&c, &f, &flen))
            return record_fail(why, cch, line, L"empty or malformed");
        if (field_is(f, flen, L"adapter")) {
            if (out->n_maps)
                return record_fail(why, cch, line, L"an adapter after a map");
            if (out->n_ids >= NET_ADAPTERS_MAX)
                return record_fail(why, cch, line, L"more adapters than p2vprep records");
            struct net_ident *id = &out->ids[out->n_ids];
            if (!parse_adapter(&c, id))
                return record_fail(why, cch, line, L"a malformed adapter");
            for (int i = 0; i < out->n_ids; i++)
                if (_wcsicmp(out->ids[i].guid, id->guid) == 0)
                    return record_fail(why, cch, line, L"the same adapter twice");
            out->n_ids++;
        } else if (field_is(f, flen, L"map")) {
            if (out->n_maps >= NET_MAPS_MAX)
                return record_fail(why, cch, line, L"more map entries than p2vprep records");
            if (!parse_map_fields(&c, &out->maps[out->n_maps]))
                return record_fail(why, cch, line, L"a malformed map entry");
            out->n_maps++;
        } else if (field_is(f, flen, L"end")) {
            int ni, nm;
            if (!field(&c, &f, &flen) || !parse_number(f, flen, NET_ADAPTERS_MAX, &ni) ||
                !field(&c, &f, &flen) || !parse_number(f, flen, NET_MAPS_MAX, &nm) || c.p != c.end)
                return record_fail(why, cch, line, L"a malformed end line");
            if (ni != out->n_ids || nm != out->n_maps)
                return record_fail(why, cch, line, L"the counts do not match: lines are missing");
            ended = TRUE;
        } else {
            return record_fail(why, cch, line, L"an unknown line");
        }
    }
    if (!ended)
        return record_fail(why, cch, 0, L"no end line: cut short");
    return TRUE;
}

/* ---- decide: which new adapter takes which old adapter's settings ---- */

const wchar_t *net_verdict_name(enum net_verdict v)
{
    switch (v) {
    case NET_STILL_HERE: return L"still here";
    case NET_MAP: return L"map";
    case NET_AMBIGUOUS: return L"ambiguous";
    case NET_NOTHING_NEW: return L"nothing new";
    }
    return L"?";
}

static BOOL same_mac(const BYTE *a, DWORD na, const BYTE *b, DWORD nb)
{
    return na && na == nb && memcmp(a, b, na) == 0;
}

static BOOL in_record(const struct net_record *r, const wchar_t *guid)
{
    for (int i = 0; i < r->n_ids; i++)
        if (_wcsicmp(r->ids[i].guid, guid) == 0)
            return TRUE;
    return FALSE;
}

/* A new adapter: present now, not in the record, and not one that never carries an address
 * of its own (hidden: tunnels and WAN miniports; a team: its own address is set by hand). */
static BOOL is_new_adapter(const struct net_record *r, const struct net_snapshot *s, const struct net_live *l)
{
    DWORD chars;
    if (in_record(r, l->guid))
        return FALSE;
    const wchar_t *ckey = class_key_of(s, l->guid);
    if (!ckey)
        return TRUE;
    enum net_kind k = class_kind(s, ckey, &chars);
    return k != NET_KIND_HIDDEN && k != NET_KIND_TEAM;
}

static void describe_ident(const struct net_ident *id, wchar_t *buf, size_t cch)
{
    wchar_t mac[32];
    wfmt(buf, cch, L"\"%ls\" %ls (MAC %ls)", id->name, id->guid,
         id->mac_len ? net_mac_text(id->mac, id->mac_len, mac, COUNTOF(mac)) : L"unknown");
}

static void set_map(struct net_decision *d, enum net_rule rule, const struct net_live *l, const wchar_t *why)
{
    wchar_t mac[32];
    d->verdict = NET_MAP;
    d->rule = rule;
    wcopy(d->new_guid, COUNTOF(d->new_guid), l->guid);
    memcpy(d->new_mac, l->mac, sizeof d->new_mac);
    d->new_mac_len = l->mac_len;
    wfmt(d->why, COUNTOF(d->why), L"%ls: %ls \"%ls\" (MAC %ls)", why, l->guid, l->desc,
         net_mac_text(l->mac, l->mac_len, mac, COUNTOF(mac)));
}

/* The new adapters whose MAC is mac: how many, and the first. */
static int new_with_mac(const struct net_live **news, int n_new, const BYTE *mac, DWORD len,
                        const struct net_live **found)
{
    int n = 0;
    for (int i = 0; i < n_new; i++)
        if (same_mac(news[i]->mac, news[i]->mac_len, mac, len) && !n++)
            *found = news[i];
    return n;
}

static const struct net_map *map_for(const struct net_record *r, const struct net_ident *id)
{
    for (int i = 0; i < r->n_maps; i++) {
        const struct net_map *m = &r->maps[i];
        if (m->old_mac_len ? same_mac(m->old_mac, m->old_mac_len, id->mac, id->mac_len)
                           : _wcsicmp(m->old_guid, id->guid) == 0)
            return m;
    }
    return NULL;
}

/* What was seen, for an adapter left alone: the static adapters waiting and the new ones. */
static void describe_seen(const struct net_record *r, const BOOL *waiting, const struct net_live **news,
                          int n_new, wchar_t *why, size_t cch)
{
    wchar_t one[256], mac[32];
    struct wbuf b = { 0 };
    wbuf_add(&b, L"static adapters without their device:");
    for (int i = 0; i < r->n_ids; i++)
        if (waiting[i]) {
            describe_ident(&r->ids[i], one, COUNTOF(one));
            wbuf_addf(&b, L" %ls;", one);
        }
    wbuf_addf(&b, L" new adapters: %d", n_new);
    for (int i = 0; i < n_new; i++)
        wbuf_addf(&b, L"%ls %ls \"%ls\" (MAC %ls)", i ? L"," : L":", news[i]->guid, news[i]->desc,
                  net_mac_text(news[i]->mac, news[i]->mac_len, mac, COUNTOF(mac)));
    wbuf_add(&b, L"; no MAC in common and no map entry: give one with --nic-map");
    wcopy_cut(why, cch, b.ok && b.s ? b.s : L"(out of memory)");
    wbuf_free(&b);
}

enum net_pass net_decide(const struct net_record *r, const struct net_snapshot *s, struct net_decisions *out)
{
    const struct net_live *news[NET_ADAPTERS_MAX];
    BOOL waiting[NET_ADAPTERS_MAX] = { FALSE };
    int n_new = 0, n_waiting = 0;
    wchar_t one[256];
    memset(out, 0, sizeof *out);

    /* The source is recognised by its devices: a physical adapter of the capture that is
     * present. Virtual adapters are root-enumerated and come along to the VM unchanged. */
    const struct net_ident *source = NULL;
    for (int i = 0; i < r->n_ids && !source; i++)
        if (r->ids[i].kind == NET_KIND_PHYSICAL && r->ids[i].presence != NET_ABSENT &&
            live_adapter(s, r->ids[i].guid))
            source = &r->ids[i];

    for (int i = 0; s->live_known && i < s->n_live && n_new < NET_ADAPTERS_MAX; i++)
        if (is_new_adapter(r, s, &s->live[i]))
            news[n_new++] = &s->live[i];
    /* A static adapter absent at capture (a ghost already) had no settings in force. */
    for (int i = 0; i < r->n_ids; i++) {
        const struct net_ident *id = &r->ids[i];
        if (id->is_static && id->presence != NET_ABSENT && !live_adapter(s, id->guid)) {
            waiting[i] = TRUE;
            n_waiting++;
        }
    }

    for (int i = 0; i < r->n_ids; i++) {
        const struct net_ident *id = &r->ids[i];
        if (!id->is_static || id->presence == NET_ABSENT)
            continue;
        struct net_decision *d = &out->d[out->n++];
        const struct net_live *l = NULL;
        d->id = i;
        if (source) {
            d->verdict = NET_STILL_HERE;
            describe_ident(source, one, COUNTOF(one));
            wfmt(d->why, COUNTOF(d->why), L"the source's adapter %ls is present: still the source machine",
                 one);
            continue;
        }
        if (live_adapter(s, id->guid)) {
            d->verdict = id->kind == NET_KIND_TEAM ? NET_AMBIGUOUS : NET_STILL_HERE;
            wcopy(d->why, COUNTOF(d->why), id->kind == NET_KIND_TEAM
                  ? L"the team adapter is present but none of the source's devices is: its members are "
                    L"gone; left alone (remove the team, then run again)"
                  : L"present: its settings are in force");
            continue;
        }
        const struct net_map *m = map_for(r, id);
        if (m) {
            /* the operator's word comes first */
            int n = new_with_mac(news, n_new, m->new_mac, m->new_mac_len, &l);
            if (n == 1) {
                set_map(d, NET_RULE_EXPLICIT, l, L"the map entry names");
            } else {
                d->verdict = n ? NET_AMBIGUOUS : NET_NOTHING_NEW;
                wfmt(d->why, COUNTOF(d->why), L"the map entry names MAC %ls: %ls",
                     net_mac_text(m->new_mac, m->new_mac_len, one, COUNTOF(one)),
                     n ? L"several new adapters have it" : L"no new adapter has it yet");
            }
            continue;
        }
        int n = id->mac_len ? new_with_mac(news, n_new, id->mac, id->mac_len, &l) : 0;
        if (n == 1) {
            set_map(d, NET_RULE_SAME_MAC, l, L"the hypervisor kept its MAC");
        } else if (n > 1) {
            d->verdict = NET_AMBIGUOUS;
            wcopy(d->why, COUNTOF(d->why), L"several new adapters have its MAC");
        } else if (n_waiting == 1 && n_new == 1) {
            set_map(d, NET_RULE_ONE_TO_ONE, news[0], L"the one static adapter, the one new adapter");
        } else if (!n_new) {
            d->verdict = NET_NOTHING_NEW;
            wcopy(d->why, COUNTOF(d->why), L"no new adapter is present yet");
        } else {
            d->verdict = NET_AMBIGUOUS;
            describe_seen(r, waiting, news, n_new, d->why, COUNTOF(d->why));
        }
    }
    /* one new adapter takes at most one old adapter's settings */
    BOOL clash[NET_ADAPTERS_MAX] = { FALSE };
    for (int i = 0; i < out->n; i++)
        for (int j = 0; j < out->n; j++)
            if (i != j && out->d[i].verdict == NET_MAP && out->d[j].verdict == NET_MAP &&
                _wcsicmp(out->d[i].new_guid, out->d[j].new_guid) == 0)
                clash[i] = TRUE;
    for (int i = 0; i < out->n; i++)
        if (clash[i]) {
            out->d[i].verdict = NET_AMBIGUOUS;
            wfmt(out->d[i].why, COUNTOF(out->d[i].why),
                 L"another static adapter would also take %ls: left alone (give --nic-map)",
                 out->d[i].new_guid);
        }
    out->pass = source ? NET_PASS_SOURCE : out->n ? NET_PASS_ACT : NET_PASS_NOTHING;
    return out->pass;
}

/* ---- writes: move the settings, clear the ghost ---- */

/* The characters a string value holds: a REG_SZ up to its terminator, a REG_MULTI_SZ up to the
 * end of its last item (so "a\0\0" and "a\0" are the same list). */
static size_t content_len(const struct regval *v)
{
    const wchar_t *w = (const wchar_t *)v->data;
    size_t cch = v->size / sizeof(wchar_t), i = 0, end = 0;
    if (v->type != REG_MULTI_SZ) {
        while (i < cch && w[i])
            i++;
        return i;
    }
    while (i < cch && w[i]) {
        while (i < cch && w[i])
            i++;
        end = i++;
    }
    return end;
}

static BOOL value_same(const struct regval *a, const struct regval *b)
{
    BOOL pa = a && a->present, pb = b && b->present;
    if (!pa || !pb)
        return pa == pb;
    if (a->truncated || b->truncated || a->type != b->type)
        return FALSE;
    if (a->type == REG_SZ || a->type == REG_EXPAND_SZ || a->type == REG_MULTI_SZ) {
        size_t na = content_len(a), nb = content_len(b);
        return na == nb && memcmp(a->data, b->data, na * sizeof(wchar_t)) == 0;
    }
    return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

/* A REG_MULTI_SZ of one item, or empty (one terminator), as Windows writes them. */
static void regval_multi1(struct regval *v, const wchar_t *item)
{
    size_t n = wcslen(item);
    memset(v, 0, sizeof *v);
    v->present = TRUE;
    v->type = REG_MULTI_SZ;
    memcpy(v->data, item, n * sizeof(wchar_t));
    v->size = (DWORD)((n ? n + 2 : 1) * sizeof(wchar_t));
}

struct writes { struct net_write *w; int n, cap; BOOL full; };

/* Want `want` (NULL: the value deleted) at key\name, unless it already is so. */
static void want_value(struct writes *ws, const struct net_snapshot *s, const wchar_t *key,
                       const wchar_t *name, const struct regval *want)
{
    const struct regval *now = get(s, key, name);
    if (value_same(want, now))
        return;
    if (ws->n >= ws->cap) {
        ws->full = TRUE;
        return;
    }
    struct net_write *w = &ws->w[ws->n++];
    memset(w, 0, sizeof *w);
    wcopy(w->key, COUNTOF(w->key), key);
    wcopy(w->name, COUNTOF(w->name), name);
    w->del = !want;
    if (want)
        w->want = *want;
    if (now)
        w->old = *now;
}

/* The static configuration of an adapter: what moves. "exact" values are removed from the new
 * adapter when the old one had none (a gateway or DNS server it never had must not stay);
 * the tunables are left as they are. EnableDHCP comes last: the new adapter turns static
 * only once its addresses are written. */
struct copy_rule { const wchar_t *name; BOOL exact; };
static const struct copy_rule tcpip_values[] = {
    { L"IPAddress", TRUE }, { L"SubnetMask", TRUE }, { L"DefaultGateway", TRUE },
    { L"DefaultGatewayMetric", TRUE }, { L"NameServer", TRUE }, { L"Domain", TRUE },
    { L"RegistrationEnabled", FALSE }, { L"RegisterAdapterName", FALSE }, { L"MTU", FALSE },
    { L"InterfaceMetric", FALSE }, { L"EnableDHCP", TRUE },
};
static const struct copy_rule netbt_values[] = { { L"NameServerList", TRUE }, { L"NetbiosOptions", FALSE } };

static void copy_values(struct writes *ws, const struct net_snapshot *s, const wchar_t *from,
                        const wchar_t *to, const struct copy_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct regval *v = get(s, from, rules[i].name);
        if (v || (rules[i].exact && get(s, to, rules[i].name)))
            want_value(ws, s, to, rules[i].name, v);
    }
}

/* The ghost's static address cleared the way Windows leaves an adapter set to DHCP (the XP SP3
 * hive's DHCP adapter: EnableDHCP 1, IPAddress and SubnetMask "0.0.0.0", DefaultGateway and
 * DefaultGatewayMetric empty REG_MULTI_SZ), so Windows stops reporting the address as assigned
 * to another adapter. EnableDHCP first: from then on the ghost is no source to copy from, and
 * a pass cut short resumes with the rest of the clearing. DNS and WINS servers stay: they
 * conflict with nothing, and rollback has less to undo. */
static void clear_static(struct writes *ws, const struct net_snapshot *s, const wchar_t *key)
{
    struct regval v;
    regval_dword(&v, 1);
    want_value(ws, s, key, L"EnableDHCP", &v);
    regval_multi1(&v, L"0.0.0.0");
    want_value(ws, s, key, L"IPAddress", &v);
    want_value(ws, s, key, L"SubnetMask", &v);
    regval_multi1(&v, L"");
    want_value(ws, s, key, L"DefaultGateway", &v);
    if (get(s, key, L"DefaultGatewayMetric"))
        want_value(ws, s, key, L"DefaultGatewayMetric", &v);
}

int net_writes(const struct net_snapshot *s, const wchar_t *old_guid, const wchar_t *new_guid,
               struct net_write *out, int cap)
{
    struct writes ws = { out, 0, cap, FALSE };
    wchar_t from[P2V_KEY_MAX], to[P2V_KEY_MAX], from2k[P2V_KEY_MAX], to2k[P2V_KEY_MAX];
    DWORD dhcp;
    set_key(from, s, KEY_IFACE, old_guid);
    set_key(to, s, KEY_IFACE, new_guid);
    set_key(from2k, s, KEY_W2K, old_guid);
    set_key(to2k, s, KEY_W2K, new_guid);
    BOOL has_dhcp = get_dword(s, from, L"EnableDHCP", &dhcp);
    BOOL ghost_static = !(has_dhcp && dhcp) && has_real_address(get(s, from, L"IPAddress"));
    BOOL old2k = count_values(s, from2k) > 0;
    if (ghost_static) {
        copy_values(&ws, s, from, to, tcpip_values, COUNTOF(tcpip_values));
        wchar_t nfrom[P2V_KEY_MAX], nto[P2V_KEY_MAX];
        set_key(nfrom, s, KEY_NETBT, old_guid);
        set_key(nto, s, KEY_NETBT, new_guid);
        if (count_values(s, nfrom))
            copy_values(&ws, s, nfrom, nto, netbt_values, COUNTOF(netbt_values));
        if (old2k && count_values(s, to2k))
            copy_values(&ws, s, from2k, to2k, tcpip_values, COUNTOF(tcpip_values));
    }
    if (ghost_static || (has_dhcp && dhcp)) {
        clear_static(&ws, s, from);
        if (old2k)
            clear_static(&ws, s, from2k);
    }
    return ws.full ? -1 : ws.n;
}
