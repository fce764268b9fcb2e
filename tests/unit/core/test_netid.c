/* Network identity across the move, on hand-made snapshots and on values taken from real
 * SYSTEM hives: capture, the record's text, the old-to-new decision, the registry writes.
 * Built twice: cross-built under Wine, and natively with the sanitizers (tests/native). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "netid.h"
#include "text.h"
#include "wassert.h"

/* ---- building snapshots ---- */

struct snap {
    struct machine *m;
    struct net_live live[8];
    int n_live;
    BOOL live_known;
    struct net_snapshot s;
};

static struct snap *snap_new(BOOL live_known)
{
    struct snap *n = calloc(1, sizeof *n);
    assert_non_null(n);
    n->m = machine_new();
    assert_non_null(n->m);
    n->live_known = live_known;
    return n;
}

static void snap_free(struct snap *n)
{
    machine_free(n->m);
    free(n);
}

static const struct net_snapshot *snapshot(struct snap *n)
{
    n->s.set = L"ControlSet001";
    n->s.values = n->m->values;
    n->s.n_values = n->m->n_values;
    n->s.live = n->live;
    n->s.n_live = n->n_live;
    n->s.live_known = n->live_known;
    return &n->s;
}

/* "SYSTEM\ControlSet001\" + rel, with guid for its %ls */
static const wchar_t *key(const wchar_t *rel, const wchar_t *guid)
{
    static wchar_t bufs[4][P2V_KEY_MAX];
    static int next;
    wchar_t tail[P2V_KEY_MAX];
    wchar_t *b = bufs[next++ % 4];
    wfmt(tail, COUNTOF(tail), rel, guid ? guid : L"");
    return wfmt(b, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\%ls", tail);
}

#define IFACE L"Services\\Tcpip\\Parameters\\Interfaces\\%ls"
#define NETBT L"Services\\NetBT\\Parameters\\Interfaces\\Tcpip_%ls"
#define TCPIP6 L"Services\\Tcpip6\\Parameters\\Interfaces\\%ls"
#define W2K L"Services\\%ls\\Parameters\\Tcpip"
#define CONN L"Control\\Network\\{4D36E972-E325-11CE-BFC1-08002BE10318}\\%ls\\Connection"
#define CLASS L"Control\\Class\\{4D36E972-E325-11CE-BFC1-08002BE10318}\\%ls"

static struct regval *val(struct snap *n, const wchar_t *k, const wchar_t *name)
{
    for (size_t i = 0; i < n->m->n_values; i++)
        if (!_wcsicmp(n->m->values[i].key, k) && !_wcsicmp(n->m->values[i].name, name))
            return &n->m->values[i].v;
    struct machine_value *mv = machine_add_value(n->m, k, name);
    assert_non_null(mv);
    return &mv->v;
}

static void sz(struct snap *n, const wchar_t *k, const wchar_t *name, const wchar_t *s)
{
    regval_sz(val(n, k, name), REG_SZ, s);
}

static void dword(struct snap *n, const wchar_t *k, const wchar_t *name, DWORD d)
{
    regval_dword(val(n, k, name), d);
}

/* A REG_MULTI_SZ from items separated by '|'; "" is the empty list (one terminator). */
static void multi(struct snap *n, const wchar_t *k, const wchar_t *name, const wchar_t *items)
{
    struct regval *v = val(n, k, name);
    wchar_t *w = (wchar_t *)v->data;
    size_t len = wcslen(items);
    memset(v, 0, sizeof *v);
    v->present = TRUE;
    v->type = REG_MULTI_SZ;
    for (size_t i = 0; i < len; i++)
        w[i] = items[i] == L'|' ? 0 : items[i];
    v->size = (DWORD)((len ? len + 2 : 1) * sizeof(wchar_t));
}

static void class_entry(struct snap *n, const wchar_t *nnnn, const wchar_t *guid, const wchar_t *desc,
                        const wchar_t *component, DWORD chars)
{
    const wchar_t *k = key(CLASS, nnnn);
    sz(n, k, L"NetCfgInstanceId", guid);
    sz(n, k, L"DriverDesc", desc);
    sz(n, k, L"ComponentId", component);
    sz(n, k, L"MatchingDeviceId", component);
    dword(n, k, L"Characteristics", chars);
}

static void connection(struct snap *n, const wchar_t *guid, const wchar_t *name, const wchar_t *pnp)
{
    sz(n, key(CONN, guid), L"Name", name);
    if (pnp)
        sz(n, key(CONN, guid), L"PnpInstanceID", pnp);
}

/* A PCI adapter of the class key, with its connection. */
static void nic(struct snap *n, const wchar_t *nnnn, const wchar_t *guid, const wchar_t *name)
{
    class_entry(n, nnnn, guid, L"Intel(R) PRO/1000 MT Network Connection", L"pci\\ven_8086&dev_100f", 0x84);
    connection(n, guid, name, L"PCI\\VEN_8086&DEV_100F&SUBSYS_075015AD&REV_01\\4&B70F118&0&0888");
}

static void tcpip_static(struct snap *n, const wchar_t *guid, const wchar_t *ip, const wchar_t *mask,
                         const wchar_t *gw, const wchar_t *dns)
{
    const wchar_t *k = key(IFACE, guid);
    dword(n, k, L"EnableDHCP", 0);
    multi(n, k, L"IPAddress", ip);
    multi(n, k, L"SubnetMask", mask);
    multi(n, k, L"DefaultGateway", gw);
    multi(n, k, L"DefaultGatewayMetric", gw[0] ? L"0" : L"");
    sz(n, k, L"NameServer", dns);
    sz(n, k, L"Domain", L"");
    dword(n, k, L"RegistrationEnabled", 1);
    multi(n, key(NETBT, guid), L"NameServerList", L"");
    dword(n, key(NETBT, guid), L"NetbiosOptions", 0);
}

/* What Windows holds for an adapter set to DHCP (the XP SP3 hive's DHCP adapter). */
static void tcpip_dhcp(struct snap *n, const wchar_t *guid)
{
    const wchar_t *k = key(IFACE, guid);
    dword(n, k, L"EnableDHCP", 1);
    multi(n, k, L"IPAddress", L"0.0.0.0");
    multi(n, k, L"SubnetMask", L"0.0.0.0");
    multi(n, k, L"DefaultGateway", L"");
    sz(n, k, L"NameServer", L"");
}

static void live(struct snap *n, const wchar_t *guid, BYTE last, const wchar_t *desc)
{
    struct net_live *l = &n->live[n->n_live++];
    static const BYTE oui[] = { 0x00, 0x0C, 0x29, 0x7E, 0x7E };
    memset(l, 0, sizeof *l);
    wcscpy(l->guid, guid);
    memcpy(l->mac, oui, sizeof oui);
    l->mac[5] = last;
    l->mac_len = 6;
    wcscpy(l->desc, desc);
}

/* The writes carried out on the snapshot, as the first-boot pass would. */
static void apply(struct snap *n, const struct net_write *w, int count)
{
    for (int i = 0; i < count; i++) {
        struct regval *v = val(n, w[i].key, w[i].name);
        if (w[i].del)
            memset(v, 0, sizeof *v);
        else
            *v = w[i].want;
    }
}

static const struct net_adapter *find(const struct net_capture *c, const wchar_t *guid)
{
    for (int i = 0; i < c->n_adapters; i++)
        if (!_wcsicmp(c->adapters[i].guid, guid))
            return &c->adapters[i];
    fail_msg("no adapter %ls", guid);
    return NULL;
}

static const struct net_write *find_write(const struct net_write *w, int n, const wchar_t *k, const wchar_t *name)
{
    for (int i = 0; i < n; i++)
        if (!_wcsicmp(w[i].key, k) && !_wcsicmp(w[i].name, name))
            return &w[i];
    return NULL;
}

static const wchar_t *sz_of(const struct regval *v)
{
    static wchar_t buf[REGVAL_MAX / sizeof(wchar_t) + 1];
    memcpy(buf, v->data, v->size);
    buf[v->size / sizeof(wchar_t)] = 0;
    return buf;
}

static struct net_capture *capture(struct snap *n)
{
    struct net_capture *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_true(net_capture(snapshot(n), c));
    return c;
}

static struct net_record *record_of(const struct net_capture *c, const struct net_map *maps, int n_maps)
{
    struct net_record *r = malloc(sizeof *r);
    assert_non_null(r);
    net_record_from_capture(c, maps, n_maps, r);
    return r;
}

#define G1 L"{6AAFC9A9-0542-4DB2-8760-CCFFA953737C}"
#define G2 L"{698E50A9-4F58-4D86-B61D-F42E58DCACF6}"
#define G3 L"{58094C24-B1BD-4961-8C68-7C13F7A6213C}"
#define NEW1 L"{11111111-2222-3333-4444-555555555555}"
#define NEW2 L"{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}"
#define TEAM L"{7EA70000-0000-4000-8000-00000000BEEF}"

/* The source: one static adapter, present, with everything it can hold. */
static struct snap *source_one_static(void)
{
    struct snap *n = snap_new(TRUE);
    nic(n, L"0007", G1, L"Local Area Connection");
    tcpip_static(n, G1, L"192.168.1.123|192.168.1.124", L"255.255.255.0|255.255.0.0", L"192.168.1.1|192.168.1.2",
                 L"192.168.1.112,192.168.1.113");
    multi(n, key(IFACE, G1), L"DefaultGatewayMetric", L"0|20");
    sz(n, key(IFACE, G1), L"Domain", L"corp.example");
    dword(n, key(IFACE, G1), L"MTU", 1400);
    multi(n, key(NETBT, G1), L"NameServerList", L"192.168.1.5|192.168.1.6");
    dword(n, key(NETBT, G1), L"NetbiosOptions", 2);
    sz(n, key(L"Services\\Tcpip\\Parameters", NULL), L"SearchList", L"corp.example,example");
    sz(n, key(L"Services\\Tcpip\\Parameters\\PersistentRoutes", NULL), L"10.0.0.0,255.0.0.0,192.168.1.254,1", L"");
    live(n, G1, 0xD3, L"Intel(R) PRO/1000 MT Network Connection");
    return n;
}

/* ---- capture ---- */

static void single_static_adapter_captured_whole(void **state)
{
    struct snap *n = source_one_static();
    struct net_capture *c = capture(n);
    wchar_t mac[32];
    assert_int_equal(c->n_adapters, 1);
    const struct net_adapter *a = &c->adapters[0];
    assert_wstr_equal(a->guid, G1);
    assert_wstr_equal(a->name, L"Local Area Connection");
    assert_wstr_equal(a->desc, L"Intel(R) PRO/1000 MT Network Connection");
    assert_wstr_equal(a->component, L"pci\\ven_8086&dev_100f");
    assert_wstr_contains(a->pnp, L"PCI\\VEN_8086&DEV_100F");
    assert_wstr_equal(net_mac_text(a->mac, a->mac_len, mac, COUNTOF(mac)), L"00-0C-29-7E-7E-D3");
    assert_int_equal(a->kind, NET_KIND_PHYSICAL);
    assert_int_equal(a->presence, NET_PRESENT);
    assert_true(a->is_static);
    assert_false(a->dhcp);
    assert_int_equal(a->n_ip, 2);
    assert_wstr_equal(a->ip[1], L"192.168.1.124");
    assert_wstr_equal(a->mask[1], L"255.255.0.0");
    assert_int_equal(a->n_gw, 2);
    assert_wstr_equal(a->gw[1], L"192.168.1.2");
    assert_int_equal(a->gw_metric[1], 20);
    assert_int_equal(a->n_dns, 2);
    assert_wstr_equal(a->dns[1], L"192.168.1.113");
    assert_wstr_equal(a->suffix, L"corp.example");
    assert_int_equal(a->registration, 1);
    assert_int_equal(a->n_wins, 2);
    assert_wstr_equal(a->wins[0], L"192.168.1.5");
    assert_int_equal(a->netbios, 2);
    assert_int_equal(a->mtu, 1400);
    assert_false(a->w2k_copy);
    assert_false(a->v6_key);
    assert_false(a->lists_cut);
    assert_wstr_equal(c->search_list, L"corp.example,example");
    assert_int_equal(c->n_routes, 1);
    assert_wstr_equal(c->routes[0].gateway, L"192.168.1.254");
    assert_int_equal(c->routes[0].metric, 1);
    free(c);
    snap_free(n);
}

/* NameServer separated by spaces, as some Windows versions and scripts leave it. */
static void dhcp_adapter_is_not_static(void **state)
{
    struct snap *n = snap_new(TRUE);
    nic(n, L"0001", G3, L"Local Area Connection");
    tcpip_dhcp(n, G3);
    sz(n, key(IFACE, G3), L"NameServer", L"10.1.1.1 10.1.1.2");
    live(n, G3, 0x01, L"NIC");
    struct net_capture *c = capture(n);
    const struct net_adapter *a = find(c, G3);
    assert_true(a->dhcp);
    assert_false(a->is_static);
    assert_int_equal(a->n_ip, 0);
    assert_int_equal(a->n_dns, 2);   /* DNS set by hand on a DHCP adapter: captured all the same */
    assert_wstr_equal(a->dns[1], L"10.1.1.2");
    free(c);
    snap_free(n);
}

/* EnableDHCP=0 with 0.0.0.0, or with no address: never configured, nothing to lose. */
static void never_configured_adapter_is_not_static(void **state)
{
    struct snap *n = snap_new(FALSE);
    nic(n, L"0001", G1, L"Local Area Connection");
    tcpip_static(n, G1, L"0.0.0.0", L"0.0.0.0", L"", L"");
    nic(n, L"0002", G2, L"Local Area Connection 2");
    dword(n, key(IFACE, G2), L"EnableDHCP", 0);
    struct net_capture *c = capture(n);
    assert_int_equal(c->n_adapters, 2);
    for (int i = 0; i < 2; i++) {
        assert_false(c->adapters[i].dhcp);
        assert_false(c->adapters[i].is_static);
        assert_int_equal(c->adapters[i].n_ip, 0);
        assert_int_equal(c->adapters[i].presence, NET_PRESENCE_UNKNOWN);
    }
    struct net_record *r = record_of(c, NULL, 0);
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(n), &d), NET_PASS_NOTHING);
    assert_int_equal(d.n, 0);
    free(r);
    free(c);
    snap_free(n);
}

/* Several adapters: visible ones of the class key, a hidden WAN miniport left out, a TCP/IP
 * interface with no adapter kept, a ghost (absent now) marked so; NetworkAddress is a MAC. */
static void several_adapters(void **state)
{
    struct snap *n = snap_new(TRUE);
    nic(n, L"0000", G1, L"Public");
    tcpip_static(n, G1, L"10.0.0.5", L"255.255.255.0", L"10.0.0.1", L"10.0.0.2");
    nic(n, L"0001", G2, L"Backup");
    tcpip_dhcp(n, G2);
    sz(n, key(CLASS, L"0001"), L"NetworkAddress", L"02005E0000AB");
    class_entry(n, L"0002", L"{5E614ECA-332A-4B92-9AF0-65E86C184FC1}", L"WAN Miniport (L2TP)", L"ms_l2tpminiport", 0x29);
    nic(n, L"0003", G3, L"Old NIC");
    tcpip_static(n, G3, L"10.9.9.9", L"255.0.0.0", L"", L"");
    dword(n, key(IFACE, L"{1D9160B9-A1A2-47F3-AA66-593216282F26}"), L"EnableDHCP", 0);
    live(n, G1, 0x10, L"Intel");
    live(n, G2, 0x20, L"Intel");
    struct net_capture *c = capture(n);
    wchar_t mac[32];
    assert_int_equal(c->n_adapters, 4);
    assert_int_equal(c->n_found, 4);
    assert_true(find(c, G1)->is_static);
    assert_true(find(c, G2)->mac_override);
    assert_wstr_equal(net_mac_text(find(c, G2)->mac, find(c, G2)->mac_len, mac, 32), L"00-0C-29-7E-7E-20");
    assert_int_equal(find(c, G3)->presence, NET_ABSENT);
    const struct net_adapter *wan = find(c, L"{1D9160B9-A1A2-47F3-AA66-593216282F26}");
    assert_int_equal(wan->kind, NET_KIND_INTERFACE);
    assert_false(wan->is_static);
    free(c);
    snap_free(n);
}

/* A team: the team adapter holds the address, its members none. */
static void team_holds_the_address(void **state)
{
    struct snap *n = snap_new(TRUE);
    nic(n, L"0000", G1, L"Member 1");
    nic(n, L"0001", G2, L"Member 2");
    class_entry(n, L"0002", TEAM, L"TEAM : Team #0 - Intel(R) PRO/1000 MT", L"iansminiport", 0x1);
    connection(n, TEAM, L"Team #0", L"ROOT\\IANSMINIPORT\\0000");
    tcpip_static(n, TEAM, L"10.0.0.5", L"255.255.255.0", L"10.0.0.1", L"10.0.0.2");
    live(n, G1, 0x10, L"Intel");
    live(n, G2, 0x20, L"Intel");
    live(n, TEAM, 0x10, L"Team #0");
    struct net_capture *c = capture(n);
    assert_int_equal(c->n_adapters, 3);
    assert_int_equal(find(c, TEAM)->kind, NET_KIND_TEAM);
    assert_true(find(c, TEAM)->is_static);
    assert_int_equal(find(c, G1)->kind, NET_KIND_PHYSICAL);
    assert_false(find(c, G1)->is_static);
    assert_false(find(c, G2)->is_static);

    /* on the VM: the team's settings go to the one new adapter */
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = snap_new(TRUE);
    nic(vm, L"0003", NEW1, L"Local Area Connection 3");
    live(vm, NEW1, 0x99, L"vmxnet3 Ethernet Adapter");
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.d[0].verdict, NET_MAP);
    assert_int_equal(d.d[0].rule, NET_RULE_ONE_TO_ONE);
    assert_wstr_equal(d.d[0].new_guid, NEW1);

    /* the team's driver came along and its adapter is up without members: left alone */
    class_entry(vm, L"0002", TEAM, L"TEAM : Team #0", L"iansminiport", 0x1);
    live(vm, TEAM, 0x10, L"Team #0");
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.d[0].verdict, NET_AMBIGUOUS);
    assert_wstr_contains(d.d[0].why, L"members");
    snap_free(vm);
    free(r);
    free(c);
    snap_free(n);
}

static void ipv6_values_captured(void **state)
{
    struct snap *n = source_one_static();
    dword(n, key(TCPIP6, L"{6aafc9a9-0542-4db2-8760-ccffa953737c}"), L"Dhcpv6Iaid", 0x0e000c29);
    sz(n, key(TCPIP6, L"{6aafc9a9-0542-4db2-8760-ccffa953737c}"), L"NameServer", L"2001:db8::53,2001:db8::54");
    struct net_capture *c = capture(n);
    const struct net_adapter *a = find(c, G1);
    assert_true(a->v6_key);
    assert_int_equal(a->v6_values, 2);
    assert_int_equal(a->n_v6_dns, 2);
    assert_wstr_equal(a->v6_dns[1], L"2001:db8::54");
    free(c);
    snap_free(n);
}

/* ---- decide ---- */

/* The VM: the source's registry (its adapter now a ghost) and new adapters present. */
static struct snap *vm_of(struct snap *src)
{
    struct snap *vm = snap_new(TRUE);
    for (size_t i = 0; i < src->m->n_values; i++)
        *machine_add_value(vm->m, src->m->values[i].key, src->m->values[i].name) = src->m->values[i];
    return vm;
}

static void new_nic(struct snap *vm, const wchar_t *nnnn, const wchar_t *guid, BYTE last)
{
    class_entry(vm, nnnn, guid, L"vmxnet3 Ethernet Adapter", L"pci\\ven_15ad&dev_07b0", 0x84);
    connection(vm, guid, L"Local Area Connection 2", NULL);
    const wchar_t *k = key(IFACE, guid);
    dword(vm, k, L"EnableDHCP", 1);      /* a new adapter as Windows 8.1 leaves it */
    sz(vm, k, L"NameServer", L"");
    live(vm, guid, last, L"vmxnet3 Ethernet Adapter");
}

static void same_mac_maps(void **state)
{
    struct snap *src = source_one_static();
    nic(src, L"0001", G2, L"Second");
    tcpip_static(src, G2, L"10.3.58.5", L"255.255.255.0", L"10.3.58.1", L"10.3.58.4");
    live(src, G2, 0xE0, L"Intel");
    struct net_capture *c = capture(src);
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = vm_of(src);
    new_nic(vm, L"0010", NEW1, 0xE0);   /* the hypervisor kept the second NIC's MAC */
    new_nic(vm, L"0011", NEW2, 0xD3);   /* and the first's */
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(d.d[i].verdict, NET_MAP);
        assert_int_equal(d.d[i].rule, NET_RULE_SAME_MAC);
        assert_wstr_equal(d.d[i].new_guid, !wcscmp(r->ids[d.d[i].id].guid, G1) ? NEW2 : NEW1);
    }
    snap_free(vm);
    free(r);
    free(c);
    snap_free(src);
}

static void one_to_one_maps(void **state)
{
    struct snap *src = source_one_static();
    struct net_capture *c = capture(src);
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = vm_of(src);
    new_nic(vm, L"0010", NEW1, 0x42);
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.d[0].verdict, NET_MAP);
    assert_int_equal(d.d[0].rule, NET_RULE_ONE_TO_ONE);
    assert_wstr_equal(d.d[0].new_guid, NEW1);
    snap_free(vm);
    free(r);
    free(c);
    snap_free(src);
}

/* Two static adapters, two new ones, no MAC kept: nothing is guessed; an explicit map
 * (by MAC for one, by GUID for the other) settles it; the map's word comes first. */
static void ambiguous_then_explicit_map(void **state)
{
    struct snap *src = source_one_static();
    nic(src, L"0001", G2, L"Second");
    tcpip_static(src, G2, L"10.3.58.5", L"255.255.255.0", L"10.3.58.1", L"10.3.58.4");
    live(src, G2, 0xE0, L"Intel");
    struct net_capture *c = capture(src);
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = vm_of(src);
    new_nic(vm, L"0010", NEW1, 0x51);
    new_nic(vm, L"0011", NEW2, 0x52);
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(d.d[i].verdict, NET_AMBIGUOUS);
        assert_wstr_contains(d.d[i].why, G1);
        assert_wstr_contains(d.d[i].why, G2);
        assert_wstr_contains(d.d[i].why, NEW1);
        assert_wstr_contains(d.d[i].why, L"00-0C-29-7E-7E-52");
    }

    struct net_map maps[2];
    wchar_t why[200];
    assert_true(net_map_parse(L"00-0C-29-7E-7E-D3=00-0c-29-7e-7e-52", &maps[0], why, 200));
    assert_true(net_map_parse(G2 L"=00-0C-29-7E-7E-51", &maps[1], why, 200));
    free(r);
    r = record_of(c, maps, 2);
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(d.d[i].verdict, NET_MAP);
        assert_int_equal(d.d[i].rule, NET_RULE_EXPLICIT);
        assert_wstr_equal(d.d[i].new_guid, !wcscmp(r->ids[d.d[i].id].guid, G1) ? NEW2 : NEW1);
    }

    /* two entries naming the same new MAC: neither is taken */
    assert_true(net_map_parse(G2 L"=00-0C-29-7E-7E-52", &maps[1], why, 200));
    free(r);
    r = record_of(c, maps, 2);
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.d[0].verdict, NET_AMBIGUOUS);
    assert_int_equal(d.d[1].verdict, NET_AMBIGUOUS);

    /* a map naming a MAC not present yet: wait */
    assert_true(net_map_parse(L"00-0C-29-7E-7E-D3=00-0C-29-7E-7E-77", &maps[0], why, 200));
    free(r);
    r = record_of(c, maps, 1);
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.d[0].verdict, NET_NOTHING_NEW);

    const wchar_t *bad[] = { L"", L"00-0C-29-7E-7E-D3", L"=00-0C-29-7E-7E-D3", L"00-0C-29-7E-7E-D3=",
                             (L"00-0C-29-7E-7E-D3=" G1), L"0C-29-7E-7E-D3-=00-0C-29-7E-7E-52",
                             L"00-0C-29-7E-7E-D3 =00-0C-29-7E-7E-52", L"a=b=c", L"{6AAFC9A9}=00-11" };
    for (size_t i = 0; i < COUNTOF(bad); i++)
        if (net_map_parse(bad[i], &maps[0], why, 200))
            fail_msg("accepted map entry: %ls", bad[i]);
    snap_free(vm);
    free(r);
    free(c);
    snap_free(src);
}

static void source_still_here_does_nothing(void **state)
{
    struct snap *src = source_one_static();
    struct net_capture *c = capture(src);
    struct net_record *r = record_of(c, NULL, 0);
    nic(src, L"0009", NEW1, L"Added after the capture");
    live(src, NEW1, 0x42, L"another NIC");   /* a new adapter, yet the source's is present */
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(src), &d), NET_PASS_SOURCE);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.d[0].verdict, NET_STILL_HERE);
    assert_wstr_contains(d.d[0].why, L"still the source");
    free(r);
    free(c);
    snap_free(src);
}

static void nothing_new_waits(void **state)
{
    struct snap *src = source_one_static();
    struct net_capture *c = capture(src);
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = vm_of(src);
    /* a hidden adapter appearing is no new NIC */
    class_entry(vm, L"0020", NEW2, L"WAN Miniport (IP)", L"ms_ndiswanip", 0x29);
    live(vm, NEW2, 0x00, L"WAN Miniport (IP)");
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.d[0].verdict, NET_NOTHING_NEW);
    snap_free(vm);
    free(r);
    free(c);
    snap_free(src);
}

/* ---- writes ---- */

static void writes_move_settings_and_clear_the_ghost(void **state)
{
    struct snap *src = source_one_static();
    struct snap *vm = vm_of(src);
    new_nic(vm, L"0010", NEW1, 0x42);
    struct net_write *w = calloc(NET_WRITES_MAX, sizeof *w);
    int n = net_writes(snapshot(vm), G1, NEW1, w, NET_WRITES_MAX);
    assert_true(n > 0);
    const struct net_write *x = find_write(w, n, key(IFACE, NEW1), L"IPAddress");
    assert_non_null(x);
    assert_int_equal(x->want.type, REG_MULTI_SZ);
    assert_wstr_equal(sz_of(&x->want), L"192.168.1.123");   /* the first item */
    assert_false(x->old.present);
    x = find_write(w, n, key(IFACE, NEW1), L"EnableDHCP");
    assert_non_null(x);
    assert_true(x->old.present);                 /* the journal gets the new adapter's 1 */
    assert_int_equal(*(DWORD *)x->want.data, 0);
    assert_non_null(find_write(w, n, key(IFACE, NEW1), L"MTU"));
    assert_non_null(find_write(w, n, key(NETBT, NEW1), L"NameServerList"));
    assert_non_null(find_write(w, n, key(IFACE, NEW1), L"NameServer"));
    /* the ghost: DHCP, 0.0.0.0, no gateway; its DNS servers stay */
    x = find_write(w, n, key(IFACE, G1), L"IPAddress");
    assert_non_null(x);
    assert_wstr_equal(sz_of(&x->want), L"0.0.0.0");
    assert_wstr_equal(sz_of(&x->old), L"192.168.1.123");
    assert_int_equal(x->want.size, 9 * sizeof(wchar_t));
    x = find_write(w, n, key(IFACE, G1), L"DefaultGateway");
    assert_non_null(x);
    assert_int_equal(x->want.size, sizeof(wchar_t));
    assert_null(find_write(w, n, key(IFACE, G1), L"NameServer"));
    /* EnableDHCP first on the ghost: it is then no source to copy from */
    int first_ghost = -1, last_copy = -1;
    for (int i = 0; i < n; i++) {
        if (!_wcsicmp(w[i].key, key(IFACE, G1)) && first_ghost < 0)
            first_ghost = i;
        if (_wcsicmp(w[i].key, key(IFACE, G1)))
            last_copy = i;
    }
    assert_wstr_equal(w[first_ghost].name, L"EnableDHCP");
    assert_true(last_copy < first_ghost);

    apply(vm, w, n);
    struct net_capture *c = capture(vm);
    const struct net_adapter *a = find(c, NEW1);
    assert_true(a->is_static);
    assert_int_equal(a->n_ip, 2);
    assert_wstr_equal(a->mask[1], L"255.255.0.0");
    assert_int_equal(a->gw_metric[1], 20);
    assert_int_equal(a->n_dns, 2);
    assert_int_equal(a->n_wins, 2);
    assert_int_equal(a->netbios, 2);
    assert_int_equal(a->mtu, 1400);
    assert_true(find(c, G1)->dhcp);
    assert_false(find(c, G1)->is_static);
    /* rerun: nothing to write */
    assert_int_equal(net_writes(snapshot(vm), G1, NEW1, w, NET_WRITES_MAX), 0);
    /* too small a list says so */
    struct snap *again = vm_of(src);
    new_nic(again, L"0010", NEW1, 0x42);
    assert_int_equal(net_writes(snapshot(again), G1, NEW1, w, 3), -1);
    snap_free(again);
    free(c);
    free(w);
    snap_free(vm);
    snap_free(src);
}

/* A pass cut short after any write: the next pass completes it, to the same end state. */
static void writes_cut_short_complete_on_rerun(void **state)
{
    struct snap *src = source_one_static();
    struct net_write *w = calloc(NET_WRITES_MAX, sizeof *w), *w2 = calloc(NET_WRITES_MAX, sizeof *w2);
    struct snap *whole = vm_of(src);
    new_nic(whole, L"0010", NEW1, 0x42);
    int n = net_writes(snapshot(whole), G1, NEW1, w, NET_WRITES_MAX);
    apply(whole, w, n);
    for (int k = 0; k <= n; k++) {
        struct snap *vm = vm_of(src);
        new_nic(vm, L"0010", NEW1, 0x42);
        int all = net_writes(snapshot(vm), G1, NEW1, w, NET_WRITES_MAX);
        assert_int_equal(all, n);
        apply(vm, w, k);
        int rest = net_writes(snapshot(vm), G1, NEW1, w2, NET_WRITES_MAX);
        assert_true(rest <= n - k);
        apply(vm, w2, rest);
        assert_int_equal(net_writes(snapshot(vm), G1, NEW1, w2, NET_WRITES_MAX), 0);
        for (size_t i = 0; i < whole->m->n_values; i++) {
            const struct machine_value *mv = &whole->m->values[i];
            const struct regval *got = val(vm, mv->key, mv->name);
            assert_int_equal(got->present, mv->v.present);
            if (mv->v.present) {
                assert_int_equal(got->size, mv->v.size);
                assert_memory_equal(got->data, mv->v.data, mv->v.size);
            }
        }
        snap_free(vm);
    }
    snap_free(whole);
    free(w2);
    free(w);
    snap_free(src);
}

/* Windows 2000 keeps a second copy under Services\{GUID}\Parameters\Tcpip: read, written
 * where the new adapter has one, and cleared on the ghost. */
static void windows_2000_second_copy(void **state)
{
    struct snap *src = source_one_static();
    const wchar_t *k = key(W2K, G1);
    dword(src, k, L"EnableDHCP", 0);
    multi(src, k, L"IPAddress", L"192.168.1.123|192.168.1.124");
    multi(src, k, L"SubnetMask", L"255.255.255.0|255.255.0.0");
    multi(src, k, L"DefaultGateway", L"192.168.1.1");
    struct net_capture *c = capture(src);
    assert_true(find(c, G1)->w2k_copy);
    struct snap *vm = vm_of(src);
    new_nic(vm, L"0010", NEW1, 0x42);
    dword(vm, key(W2K, NEW1), L"EnableDHCP", 1);
    multi(vm, key(W2K, NEW1), L"IPAddress", L"0.0.0.0");
    struct net_write *w = calloc(NET_WRITES_MAX, sizeof *w);
    int n = net_writes(snapshot(vm), G1, NEW1, w, NET_WRITES_MAX);
    const struct net_write *x = find_write(w, n, key(W2K, NEW1), L"IPAddress");
    assert_non_null(x);
    assert_wstr_equal(sz_of(&x->old), L"0.0.0.0");
    assert_non_null(find_write(w, n, key(W2K, NEW1), L"DefaultGateway"));
    assert_non_null(find_write(w, n, key(W2K, G1), L"EnableDHCP"));
    x = find_write(w, n, key(W2K, G1), L"IPAddress");
    assert_non_null(x);
    assert_wstr_equal(sz_of(&x->want), L"0.0.0.0");
    apply(vm, w, n);
    assert_int_equal(net_writes(snapshot(vm), G1, NEW1, w, NET_WRITES_MAX), 0);
    /* a new adapter without the second copy gets none */
    struct snap *vm2 = vm_of(src);
    new_nic(vm2, L"0010", NEW1, 0x42);
    n = net_writes(snapshot(vm2), G1, NEW1, w, NET_WRITES_MAX);
    assert_null(find_write(w, n, key(W2K, NEW1), L"IPAddress"));
    assert_non_null(find_write(w, n, key(W2K, G1), L"IPAddress"));
    snap_free(vm2);
    free(w);
    snap_free(vm);
    free(c);
    snap_free(src);
}

/* ---- the record's text ---- */

static wchar_t *format(const struct net_record *r)
{
    struct wbuf b = { 0 };
    net_record_format(r, &b);
    assert_true(b.ok);
    return b.s;
}

static void record_round_trip(void **state)
{
    struct snap *n = source_one_static();
    nic(n, L"0001", G2, L"100% \"odd\"\tname \x00e9\xd83d\xde00");
    tcpip_dhcp(n, G2);
    dword(n, key(IFACE, L"{1D9160B9-A1A2-47F3-AA66-593216282F26}"), L"EnableDHCP", 0);
    struct net_capture *c = capture(n);
    struct net_map map;
    wchar_t why[200];
    assert_true(net_map_parse(G2 L"=00-15-5D-01-02-03", &map, why, 200));
    struct net_record *r = record_of(c, &map, 1), *back = malloc(sizeof *back);
    wchar_t *text = format(r);
    assert_wstr_contains(text, L"p2vprep-network 1\nadapter " G1 L" 00-0C-29-7E-7E-D3 static physical present "
                               L"\"Local Area Connection\"\n");
    assert_wstr_contains(text, L"\"100%0025 %0022odd%0022%0009name \x00e9\xd83d\xde00\"\n");
    assert_wstr_contains(text, L" - none interface absent \"\"\n");
    assert_wstr_contains(text, L"map " G2 L" 00-15-5D-01-02-03\nend 3 1\n");
    if (!net_record_parse(text, wcslen(text), back, why, 200))
        fail_msg("refused: %ls", why);
    assert_int_equal(back->n_ids, 3);
    assert_wstr_equal(back->ids[1].name, L"100% \"odd\"\tname \x00e9\xd83d\xde00");
    wchar_t *again = format(back);
    assert_wstr_equal(again, text);
    free(again);
    free(text);
    free(back);
    free(r);
    free(c);
    snap_free(n);
}

static void record_parser_refuses_malformed_text(void **state)
{
    static const wchar_t *const bad[] = {
        L"",
        L"p2vprep-network 1\n",                                             /* no end */
        L"p2vprep-network 2\nend 0 0\n",                                    /* another version */
        L"p2vprep-network 1\nend 0 0",                                      /* no final line end */
        L"p2vprep-network 1\r\nend 0 0\r\n",
        L"p2vprep-network 1\nend 1 0\n",                                    /* a line missing */
        L"p2vprep-network 1\nend 0 0\nend 0 0\n",                           /* after the end */
        L"p2vprep-network 1\nend 00 0\n",
        L"p2vprep-network 1\nend 0 0 \n",
        L"p2vprep-network 1\n\nend 0 0\n",
        L"p2vprep-network 1\nadapters " G1 L" - none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"a\"b\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"%00\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"%0000\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"%0041\"\nend 1 0\n",  /* needless escape */
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"\x0001\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L"  - none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter {6AAFC9A9-0542-4DB2-8760-CCFFA953737} - none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" 00-0C-29-7E-7E - none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" 00-0C-29-7E-7E-D - none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" 00:0C:29:7E:7E:D3 none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" 00-0C-29-7E-7E-D3-00-11-22 none physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - maybe physical present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none alien present \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical here \"\"\nend 1 0\n",
        L"p2vprep-network 1\nadapter " G1 L" - none physical present \"\"\nadapter " G1
            L" - none physical present \"\"\nend 2 0\n",                    /* the same GUID twice */
        L"p2vprep-network 1\nmap " G1 L" 00-15-5D-01-02-03\nadapter " G1 L" - none physical present \"\"\nend 1 1\n",
        L"p2vprep-network 1\nmap " G1 L" " G2 L"\nend 0 1\n",               /* a GUID as the new side */
        L"p2vprep-network 1\nmap " G1 L" 00-15-5D-01-02-03 x\nend 0 1\n",
    };
    struct net_record *r = malloc(sizeof *r);
    wchar_t why[200];
    for (size_t i = 0; i < COUNTOF(bad); i++) {
        if (net_record_parse(bad[i], wcslen(bad[i]), r, why, 200))
            fail_msg("accepted case %d: %ls", (int)i, bad[i]);
        assert_wstr_contains(why, L"network record");
    }
    /* a NUL inside the given length */
    static const wchar_t nul[] = L"p2vprep-network 1\nend 0\0 0\n";
    assert_false(net_record_parse(nul, COUNTOF(nul) - 1, r, why, 200));
    /* the good one parses */
    static const wchar_t good[] = L"p2vprep-network 1\nadapter " G1 L" - none physical present \"\"\nend 1 0\n";
    assert_true(net_record_parse(good, wcslen(good), r, why, 200));

    /* oversized: beyond NET_TEXT_MAX, a line too long, more adapters than recorded */
    struct wbuf b = { 0 };
    wbuf_add(&b, L"p2vprep-network 1\n");
    for (int i = 0; i <= NET_ADAPTERS_MAX; i++)
        wbuf_addf(&b, L"adapter {00000000-0000-0000-0000-%012d} - none physical present \"\"\n", i);
    wbuf_addf(&b, L"end %d 0\n", NET_ADAPTERS_MAX + 1);
    assert_false(net_record_parse(b.s, b.len, r, why, 200));
    assert_wstr_contains(why, L"more adapters");
    wbuf_free(&b);
    wbuf_add(&b, L"p2vprep-network 1\nadapter " G1 L" - none physical present \"");
    for (int i = 0; i < 1100; i++)
        wbuf_add(&b, L"x");
    wbuf_add(&b, L"\"\nend 1 0\n");
    assert_false(net_record_parse(b.s, b.len, r, why, 200));
    assert_wstr_contains(why, L"too long");
    wbuf_free(&b);
    wbuf_add(&b, L"p2vprep-network 1\n");
    while (b.len <= NET_TEXT_MAX)
        wbuf_add(&b, L"map 00-15-5D-01-02-03 00-15-5D-01-02-04\n");
    wbuf_add(&b, L"end 0 0\n");
    assert_false(net_record_parse(b.s, b.len, r, why, 200));
    assert_wstr_contains(why, L"longer");
    wbuf_free(&b);
    free(r);
}

/* ---- the JSON fragment ---- */

static void capture_as_json(void **state)
{
    struct snap *n = source_one_static();
    sz(n, key(CONN, G1), L"Name", L"LAN \"A\"\\B\x0001 \xd800 \x00e9\xd83d\xde00");
    struct net_capture *c = capture(n);
    struct wbuf b = { 0 };
    net_capture_json(c, &b);
    assert_true(b.ok);
    assert_wstr_contains(b.s, L"\"connection\": \"LAN \\\"A\\\"\\\\B\\u0001 \\ud800 \x00e9\xd83d\xde00\"");
    assert_wstr_contains(b.s, L"\"mac\": \"00-0C-29-7E-7E-D3\"");
    assert_wstr_contains(b.s, L"{\"address\": \"192.168.1.124\", \"mask\": \"255.255.0.0\"}");
    assert_wstr_contains(b.s, L"{\"address\": \"192.168.1.2\", \"metric\": 20}");
    assert_wstr_contains(b.s, L"\"wins\": [\"192.168.1.5\", \"192.168.1.6\"]");
    assert_wstr_contains(b.s, L"\"static\": true");
    assert_wstr_contains(b.s, L"\"persistent_routes\": [{\"destination\": \"10.0.0.0\"");
    /* the report's UTF-8: every sequence whole (no lone surrogate reached it) */
    int len = 0;
    char *u = utf8_from_wide(b.s, &len);
    assert_non_null(u);
    for (int i = 0; i < len;) {
        size_t k = utf8_sequence((const BYTE *)u + i, (size_t)(len - i));
        assert_true(k > 0);
        i += (int)k;
    }
    assert_non_null(strstr(u, "\xc3\xa9\xf0\x9f\x98\x80"));
    free(u);
    wbuf_free(&b);
    free(c);
    snap_free(n);
}

/* ---- real hives ---- */

/* Values from regipy-Win7SP1x86-orig-SYSTEM.xz (/work/shared/realhives: mkorman90/regipy
 * regipy_tests/data/SYSTEM.xz @71acd6a6, MIT), ControlSet001 (Select\Current = 1), exported
 * with hivexregedit: Control\Class\{4D36E972...}\0007, \0012 (the two Intel PRO/1000 MT),
 * \0009 (ISATAP, hidden) and \0000 (a WAN miniport, hidden); Control\Network\{4D36E972...}
 * \{GUID}\Connection; services\Tcpip\Parameters (SearchList, PersistentRoutes) and its
 * Interfaces\{GUID}; services\NetBT\Parameters\Interfaces\Tcpip_{GUID}; services\TCPIP6
 * \Parameters\Interfaces\{guid} (lowercase there). Key names spelled as the hive spells them. */
static struct snap *win7_hive(void)
{
    struct snap *n = snap_new(FALSE);
    class_entry(n, L"0000", L"{E28D896F-9EA8-433A-9C10-66C97C19A921}", L"WAN Miniport (SSTP)", L"ms_sstpminiport", 0x29);
    class_entry(n, L"0007", G1, L"Intel(R) PRO/1000 MT Network Connection", L"pci\\ven_8086&dev_100f", 0x84);
    dword(n, key(CLASS, L"0007"), L"*IfType", 6);
    class_entry(n, L"0009", L"{6B403831-CDAE-4E68-9411-CB1974B179A2}", L"Microsoft ISATAP Adapter", L"*isatap", 0x9);
    sz(n, key(CLASS, L"0009"), L"NetworkAddress", L"");
    class_entry(n, L"0012", G2, L"Intel(R) PRO/1000 MT Network Connection", L"pci\\ven_8086&dev_100f", 0x84);
    dword(n, key(CLASS, L"0012"), L"*IfType", 6);
    connection(n, G1, L"Local Area Connection", L"PCI\\VEN_8086&DEV_100F&SUBSYS_075015AD&REV_01\\4&B70F118&0&0888");
    connection(n, G2, L"Local Area Connection 2", L"PCI\\VEN_8086&DEV_100F&SUBSYS_075015AD&REV_01\\4&B70F118&0&1888");
    connection(n, L"{6B403831-CDAE-4E68-9411-CB1974B179A2}", L"isatap.{698E50A9-4F58-4D86-B61D-F42E58DCACF6}", NULL);
    const wchar_t *tp = L"SYSTEM\\ControlSet001\\services\\Tcpip\\Parameters";
    sz(n, tp, L"SearchList", L"");
    sz(n, tp, L"Domain", L"shieldbase.local");
    sz(n, L"SYSTEM\\ControlSet001\\services\\Tcpip\\Parameters\\PersistentRoutes", L"0.0.0.0,0.0.0.0,10.3.58.1,-1", L"");
    sz(n, L"SYSTEM\\ControlSet001\\services\\Tcpip\\Parameters\\PersistentRoutes", L"0.0.0.0,0.0.0.0,192.168.1.1,-1", L"");
    struct { const wchar_t *guid, *ip, *gw, *dns; } ifs[] = {
        { G2, L"10.3.58.5", L"10.3.58.1", L"10.3.58.4" },
        { G1, L"192.168.1.123", L"192.168.1.1", L"192.168.1.112" },
    };
    for (int i = 0; i < 2; i++) {
        wchar_t k[P2V_KEY_MAX], nb[P2V_KEY_MAX];
        wfmt(k, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\services\\Tcpip\\Parameters\\Interfaces\\%ls", ifs[i].guid);
        dword(n, k, L"AddressType", 0);
        multi(n, k, L"DefaultGateway", ifs[i].gw);
        multi(n, k, L"DefaultGatewayMetric", L"0");
        sz(n, k, L"DhcpServer", L"255.255.255.255");
        sz(n, k, L"Domain", L"");
        dword(n, k, L"EnableDHCP", 0);
        multi(n, k, L"IPAddress", ifs[i].ip);
        sz(n, k, L"NameServer", ifs[i].dns);
        dword(n, k, L"RegisterAdapterName", 0);
        dword(n, k, L"RegistrationEnabled", 1);
        multi(n, k, L"SubnetMask", L"255.255.255.0");
        wfmt(nb, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\services\\NetBT\\Parameters\\Interfaces\\Tcpip_%ls", ifs[i].guid);
        multi(n, nb, L"NameServerList", L"");
        dword(n, nb, L"NetbiosOptions", 0);
    }
    const wchar_t *v6 = L"SYSTEM\\ControlSet001\\services\\TCPIP6\\Parameters\\Interfaces\\{6aafc9a9-0542-4db2-8760-ccffa953737c}";
    dword(n, v6, L"Dhcpv6Iaid", 0x0e000c29);
    dword(n, v6, L"Dhcpv6State", 1);
    v6 = L"SYSTEM\\ControlSet001\\services\\TCPIP6\\Parameters\\Interfaces\\{6b403831-cdae-4e68-9411-cb1974b179a2}";
    dword(n, v6, L"Dhcpv6Iaid", 0x11000000);
    dword(n, v6, L"Dhcpv6State", 0);
    return n;
}

static void real_hive_win7_two_static_adapters(void **state)
{
    struct snap *n = win7_hive();
    struct net_capture *c = capture(n);
    assert_int_equal(c->n_adapters, 2);   /* the hidden miniports and ISATAP left out */
    const struct net_adapter *a = find(c, G1), *b = find(c, G2);
    assert_wstr_equal(a->name, L"Local Area Connection");
    assert_wstr_equal(b->name, L"Local Area Connection 2");
    assert_wstr_contains(b->pnp, L"&0&1888");
    assert_int_equal(a->iftype, 6);
    assert_int_equal(a->kind, NET_KIND_PHYSICAL);
    assert_int_equal(a->presence, NET_PRESENCE_UNKNOWN);
    assert_int_equal(a->mac_len, 0);      /* offline: no MAC, no NetworkAddress */
    assert_true(a->is_static);
    assert_true(b->is_static);
    assert_wstr_equal(a->ip[0], L"192.168.1.123");
    assert_wstr_equal(a->mask[0], L"255.255.255.0");
    assert_wstr_equal(a->gw[0], L"192.168.1.1");
    assert_int_equal(a->gw_metric[0], 0);
    assert_wstr_equal(a->dns[0], L"192.168.1.112");
    assert_wstr_equal(b->ip[0], L"10.3.58.5");
    assert_wstr_equal(b->gw[0], L"10.3.58.1");
    assert_wstr_equal(b->dns[0], L"10.3.58.4");
    assert_int_equal(a->registration, 1);
    assert_int_equal(a->netbios, 0);
    assert_int_equal(a->n_wins, 0);
    assert_wstr_equal(a->suffix, L"");
    assert_true(a->v6_key);               /* found through the lowercase GUID */
    assert_int_equal(a->v6_values, 2);
    assert_false(b->v6_key);
    assert_int_equal(c->n_routes, 2);
    assert_wstr_equal(c->routes[0].gateway, L"10.3.58.1");
    assert_int_equal(c->routes[0].metric, -1);
    assert_wstr_equal(c->search_list, L"");

    /* converted: two static adapters, one new NIC, no MAC known: nothing is guessed */
    struct net_record *r = record_of(c, NULL, 0);
    struct snap *vm = vm_of(n);
    new_nic(vm, L"0013", NEW1, 0x42);
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(vm), &d), NET_PASS_ACT);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.d[0].verdict, NET_AMBIGUOUS);
    assert_int_equal(d.d[1].verdict, NET_AMBIGUOUS);
    snap_free(vm);
    free(r);
    free(c);
    snap_free(n);
}

/* Values from bitcurator-WinXPSP3x86-M57-SYSTEM.xz (/work/shared/realhives: BitCurator
 * bcc-dfa-sample-data registry/SYSTEM @915e0810, M57-Patents, CC-BY-4.0), ControlSet001
 * (Select\Current = 1): Control\Class\{4D36E972-E325-11CE-BFC1-08002bE10318} (the hive
 * spells it with a lowercase b) \0008 (Intel PRO/1000 MT) and \0006 (WAN Miniport (IP),
 * hidden); Control\Network\...\{58094C24...}\Connection; Services\Tcpip\Parameters and its
 * three Interfaces (two NdisWanIp interfaces never configured, the Intel's DHCP);
 * Services\NetBT\Parameters\Interfaces\Tcpip_{GUID}. */
static struct snap *xp_hive(void)
{
    struct snap *n = snap_new(FALSE);
    const wchar_t *cls = L"SYSTEM\\ControlSet001\\Control\\Class\\{4D36E972-E325-11CE-BFC1-08002bE10318}\\0008";
    dword(n, cls, L"Characteristics", 0x84);
    sz(n, cls, L"ComponentId", L"pci\\ven_8086&dev_100e");
    sz(n, cls, L"DriverDesc", L"Intel(R) PRO/1000 MT Network Connection");
    sz(n, cls, L"MatchingDeviceId", L"pci\\ven_8086&dev_100e");
    sz(n, cls, L"NetCfgInstanceId", G3);
    sz(n, cls, L"NetworkAddress", L"");
    cls = L"SYSTEM\\ControlSet001\\Control\\Class\\{4D36E972-E325-11CE-BFC1-08002bE10318}\\0006";
    dword(n, cls, L"Characteristics", 0x29);
    sz(n, cls, L"ComponentId", L"ms_ndiswanip");
    sz(n, cls, L"DriverDesc", L"WAN Miniport (IP)");
    sz(n, cls, L"NetCfgInstanceId", L"{C4C38C1B-F232-481D-9FBE-BCA10C581E9F}");
    const wchar_t *conn = L"SYSTEM\\ControlSet001\\Control\\Network\\{4D36E972-E325-11CE-BFC1-08002BE10318}\\"
                          L"{58094C24-B1BD-4961-8C68-7C13F7A6213C}\\Connection";
    dword(n, conn, L"MediaSubType", 1);
    sz(n, conn, L"Name", L"Local Area Connection");
    sz(n, conn, L"PnpInstanceID", L"PCI\\VEN_8086&DEV_100E&SUBSYS_002E1028&REV_02\\4&3B1CAF2B&0&60F0");
    const wchar_t *tp = L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters";
    sz(n, tp, L"DhcpNameServer", L"192.168.1.1");
    sz(n, tp, L"NameServer", L"");
    sz(n, tp, L"SearchList", L"");
    static const wchar_t *const wan[] = { L"{1D9160B9-A1A2-47F3-AA66-593216282F26}",
                                          L"{7B835A8C-E7A3-4B84-836A-E0EDD1F50F04}" };
    wchar_t k[P2V_KEY_MAX];
    for (int i = 0; i < 2; i++) {
        wfmt(k, P2V_KEY_MAX, L"%ls\\Interfaces\\%ls", tp, wan[i]);
        multi(n, k, L"DefaultGateway", L"");
        dword(n, k, L"DontAddDefaultGateway", 0);
        dword(n, k, L"EnableDHCP", 0);
        multi(n, k, L"IPAddress", L"0.0.0.0");
        multi(n, k, L"SubnetMask", L"0.0.0.0");
        wfmt(k, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_%ls", wan[i]);
        multi(n, k, L"NameServerList", L"");
    }
    wfmt(k, P2V_KEY_MAX, L"%ls\\Interfaces\\%ls", tp, G3);
    multi(n, k, L"DefaultGateway", L"");
    multi(n, k, L"DefaultGatewayMetric", L"");
    multi(n, k, L"DhcpDefaultGateway", L"192.168.1.1");
    sz(n, k, L"DhcpIPAddress", L"192.168.1.103");
    sz(n, k, L"DhcpNameServer", L"192.168.1.1");
    sz(n, k, L"Domain", L"");
    dword(n, k, L"EnableDHCP", 1);
    multi(n, k, L"IPAddress", L"0.0.0.0");
    sz(n, k, L"NameServer", L"");
    dword(n, k, L"RegisterAdapterName", 0);
    dword(n, k, L"RegistrationEnabled", 1);
    multi(n, k, L"SubnetMask", L"0.0.0.0");
    wfmt(k, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_%ls", G3);
    multi(n, k, L"NameServerList", L"");
    dword(n, k, L"NetbiosOptions", 0);
    return n;
}

static void real_hive_xp_three_adapters_one_dhcp(void **state)
{
    struct snap *n = xp_hive();
    struct net_capture *c = capture(n);
    assert_int_equal(c->n_adapters, 3);
    const struct net_adapter *a = find(c, G3);
    assert_int_equal(a->kind, NET_KIND_PHYSICAL);
    assert_wstr_equal(a->name, L"Local Area Connection");
    assert_wstr_equal(a->desc, L"Intel(R) PRO/1000 MT Network Connection");
    assert_wstr_contains(a->pnp, L"VEN_8086&DEV_100E");
    assert_true(a->dhcp);
    assert_false(a->is_static);
    assert_int_equal(a->n_dns, 0);        /* DhcpNameServer is DHCP's, not a setting */
    assert_false(a->mac_override);        /* NetworkAddress is empty */
    assert_int_equal(a->netbios, 0);
    for (int i = 0; i < c->n_adapters; i++) {
        if (c->adapters[i].kind != NET_KIND_INTERFACE)
            continue;
        assert_false(c->adapters[i].dhcp);
        assert_false(c->adapters[i].is_static);   /* EnableDHCP=0, 0.0.0.0: never configured */
        assert_int_equal(c->adapters[i].netbios, -1);
    }
    assert_int_equal(c->n_routes, 0);
    struct net_record *r = record_of(c, NULL, 0);
    struct net_decisions d;
    assert_int_equal(net_decide(r, snapshot(n), &d), NET_PASS_NOTHING);
    free(r);
    free(c);
    snap_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_static_adapter_captured_whole),
        cmocka_unit_test(dhcp_adapter_is_not_static),
        cmocka_unit_test(never_configured_adapter_is_not_static),
        cmocka_unit_test(several_adapters),
        cmocka_unit_test(team_holds_the_address),
        cmocka_unit_test(ipv6_values_captured),
        cmocka_unit_test(same_mac_maps),
        cmocka_unit_test(one_to_one_maps),
        cmocka_unit_test(ambiguous_then_explicit_map),
        cmocka_unit_test(source_still_here_does_nothing),
        cmocka_unit_test(nothing_new_waits),
        cmocka_unit_test(writes_move_settings_and_clear_the_ghost),
        cmocka_unit_test(writes_cut_short_complete_on_rerun),
        cmocka_unit_test(windows_2000_second_copy),
        cmocka_unit_test(record_round_trip),
        cmocka_unit_test(record_parser_refuses_malformed_text),
        cmocka_unit_test(capture_as_json),
        cmocka_unit_test(real_hive_win7_two_static_adapters),
        cmocka_unit_test(real_hive_xp_three_adapters_one_dhcp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
