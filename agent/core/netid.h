/* Network identity across the move: what each adapter's TCP/IP settings are on the source
 * (capture), the compact record the first-boot pass reads back, which new adapter takes
 * which old adapter's settings (decide) and the registry writes that move them (writes).
 *
 * Windows keeps TCP/IP settings per adapter instance GUID, not per MAC: the VM's NIC is a
 * new device with a new GUID and DHCP defaults, and the old static settings stay with the
 * hidden ("ghost") adapter, whose address Windows then reports as assigned to another
 * adapter. Everything here is pure: the snapshot is read by the platform layer (registry
 * values of the current control set, and IP Helper's adapter list on a live machine). */
#ifndef P2V_NETID_H
#define P2V_NETID_H
#include <windows.h>
#include "machine.h"
#include "text.h"

#define NET_ADAPTERS_MAX 32   /* more: net_capture says so and the caller refuses */
#define NET_LIST_MAX 8        /* addresses, gateways, DNS and WINS servers per adapter */
#define NET_ROUTES_MAX 32
#define NET_MAPS_MAX 16
#define NET_ADDR_CCH 48       /* an address in text, IPv6 included */
#define NET_GUID_CCH 40
#define NET_NAME_CCH 128
#define NET_TEXT_MAX 16384    /* the record's text, in characters: longer is refused */

/* The network adapter class, under Control\Class and Control\Network. */
#define NET_CLASS_GUID L"{4D36E972-E325-11CE-BFC1-08002BE10318}"

/* An adapter present now, as IP Helper reports it (GetAdaptersInfo: AdapterName is the GUID;
 * no loopback). */
struct net_live {
    wchar_t guid[NET_GUID_CCH];
    BYTE mac[8];
    DWORD mac_len;
    wchar_t desc[128];
};

/* The registry values of one control set (keys relative to HKLM, "SYSTEM\ControlSet001\..."),
 * and the adapters present now (live_known FALSE offline: nothing is known to be present). */
struct net_snapshot {
    const wchar_t *set;                       /* "ControlSet001" */
    const struct machine_value *values;
    size_t n_values;
    const struct net_live *live;
    int n_live;
    BOOL live_known;
};

enum net_kind {
    NET_KIND_PHYSICAL,     /* a device of its own (NCF_PHYSICAL, or Characteristics unknown) */
    NET_KIND_TEAM,         /* a team's virtual adapter: it holds the address, members none */
    NET_KIND_VIRTUAL,      /* another visible virtual adapter (loopback, virtual switch) */
    NET_KIND_HIDDEN,       /* NCF_HIDDEN (WAN miniports, tunnels), listed only with TCP/IP values */
    NET_KIND_INTERFACE,    /* a TCP/IP interface with no adapter in the class key (XP's NdisWanIp) */
};
enum net_presence { NET_PRESENCE_UNKNOWN, NET_PRESENT, NET_ABSENT };

struct net_adapter {
    wchar_t guid[NET_GUID_CCH];
    wchar_t pnp[200];                          /* Connection\PnpInstanceID */
    wchar_t desc[128];                         /* DriverDesc */
    wchar_t component[96];                     /* ComponentId */
    wchar_t name[NET_NAME_CCH];                /* Connection\Name */
    BYTE mac[8];
    DWORD mac_len;                             /* 0: not known */
    BOOL mac_override;                         /* the MAC is the class key's NetworkAddress */
    DWORD characteristics, iftype;             /* 0: absent */
    enum net_kind kind;
    enum net_presence presence;
    BOOL has_tcpip;                            /* the Tcpip interface key holds values */
    BOOL dhcp;                                 /* EnableDHCP present and not 0 */
    BOOL is_static;                            /* not DHCP and a real address: would be lost */
    wchar_t ip[NET_LIST_MAX][NET_ADDR_CCH], mask[NET_LIST_MAX][NET_ADDR_CCH];
    int n_ip;                                  /* static addresses only, 0.0.0.0 left out */
    wchar_t gw[NET_LIST_MAX][NET_ADDR_CCH];
    DWORD gw_metric[NET_LIST_MAX];             /* 0: automatic */
    int n_gw;
    wchar_t dns[NET_LIST_MAX][NET_ADDR_CCH];   /* NameServer: set by hand, DHCP or not */
    int n_dns;
    wchar_t suffix[256];                       /* Domain */
    int registration;                          /* RegistrationEnabled, -1 absent */
    wchar_t wins[NET_LIST_MAX][NET_ADDR_CCH];  /* NetBT NameServerList */
    int n_wins;
    int netbios;                               /* NetbiosOptions, -1 absent */
    DWORD mtu;                                 /* 0: absent */
    BOOL w2k_copy;                             /* Services\{GUID}\Parameters\Tcpip holds values */
    BOOL v6_key;                               /* Tcpip6\Parameters\Interfaces\{GUID} holds values */
    int v6_values;
    wchar_t v6_dns[NET_LIST_MAX][NET_ADDR_CCH];
    int n_v6_dns;
    BOOL lists_cut;                            /* a list held more than NET_LIST_MAX entries */
};

struct net_route { wchar_t dest[NET_ADDR_CCH], mask[NET_ADDR_CCH], gateway[NET_ADDR_CCH]; long metric; };

struct net_capture {
    struct net_adapter adapters[NET_ADAPTERS_MAX];
    int n_adapters;
    int n_found;                               /* > NET_ADAPTERS_MAX: incomplete */
    wchar_t search_list[512];                  /* Tcpip\Parameters\SearchList */
    struct net_route routes[NET_ROUTES_MAX];
    int n_routes, n_routes_found;              /* found counts malformed names too */
};

/* Every adapter of the snapshot's control set: the visible ones of the class key and every
 * GUID whose Tcpip interface key holds values. FALSE when more were found than fit. */
BOOL net_capture(const struct net_snapshot *s, struct net_capture *out);
const wchar_t *net_kind_name(enum net_kind k);
/* The capture as one JSON object ({"adapters": [...], "search_list": ..., "persistent_routes": [...]}),
 * appended to b; strings escaped for JSON and safe for UTF-8 (lone surrogates as \uXXXX). */
void net_capture_json(const struct net_capture *c, struct wbuf *b);

/* What the first-boot pass needs, stored as text with the journal (net_record_format). */
struct net_ident {
    wchar_t guid[NET_GUID_CCH];
    BYTE mac[8];
    DWORD mac_len;
    BOOL is_static;
    enum net_kind kind;
    enum net_presence presence;                /* at capture */
    wchar_t name[NET_NAME_CCH];
};
/* An explicit map entry: the old adapter (by MAC or by GUID) takes the new MAC. */
struct net_map {
    wchar_t old_guid[NET_GUID_CCH];            /* empty when old_mac is set */
    BYTE old_mac[8];
    DWORD old_mac_len;
    BYTE new_mac[8];
    DWORD new_mac_len;
};
struct net_record {
    struct net_ident ids[NET_ADAPTERS_MAX];
    int n_ids;
    struct net_map maps[NET_MAPS_MAX];
    int n_maps;
};

void net_record_from_capture(const struct net_capture *c, const struct net_map *maps, int n_maps,
                             struct net_record *out);
/* A --nic-map entry, OLD=NEW: the old adapter's MAC ("00-0C-29-7E-7E-D3") or {GUID}, and
 * the new adapter's MAC; FALSE (with why) when malformed. */
BOOL net_map_parse(const wchar_t *text, struct net_map *out, wchar_t *why, size_t cch);
void net_record_format(const struct net_record *r, struct wbuf *b);
/* Strict: len characters of text (untrusted: read back from the registry); FALSE, with the
 * line and the reason in why, on anything the formatter would not have written. */
BOOL net_record_parse(const wchar_t *text, size_t len, struct net_record *out, wchar_t *why, size_t cch);

enum net_verdict {
    NET_STILL_HERE,     /* its GUID is present: the settings are in force, nothing to do */
    NET_MAP,            /* new_guid takes the settings */
    NET_AMBIGUOUS,      /* left alone; why says what was seen */
    NET_NOTHING_NEW,    /* no new adapter yet: wait */
};
enum net_rule { NET_RULE_NONE, NET_RULE_EXPLICIT, NET_RULE_SAME_MAC, NET_RULE_ONE_TO_ONE };
enum net_pass {
    NET_PASS_NOTHING,   /* no static adapter was captured: nothing to move */
    NET_PASS_SOURCE,    /* a captured device adapter is present: still the source, do nothing */
    NET_PASS_ACT,       /* the decisions say, per static adapter */
};
struct net_decision {
    int id;                                    /* index into the record's ids */
    enum net_verdict verdict;
    enum net_rule rule;
    wchar_t new_guid[NET_GUID_CCH];
    BYTE new_mac[8];
    DWORD new_mac_len;
    wchar_t why[512];
};
struct net_decisions {
    enum net_pass pass;
    struct net_decision d[NET_ADAPTERS_MAX];
    int n;                                     /* one per static adapter of the record that was
                                                  not already a ghost at capture */
};
/* The new machine: s is its snapshot (its values and the adapters present now). */
enum net_pass net_decide(const struct net_record *r, const struct net_snapshot *s, struct net_decisions *out);
const wchar_t *net_verdict_name(enum net_verdict v);

/* One registry change of a MAP: set want, or delete (del) the value; old is what the snapshot
 * holds now (absent: old.present FALSE), for the caller's journal. */
struct net_write {
    wchar_t key[P2V_KEY_MAX];
    wchar_t name[P2V_NAME_MAX];
    BOOL del;
    struct regval want;
    struct regval old;
};
#define NET_WRITES_MAX 64
/* The changes that move old_guid's settings to new_guid and clear the ghost's static address,
 * none where the value already is as wanted (a rerun yields 0). Returns the count, -1 when
 * cap is too small. */
int net_writes(const struct net_snapshot *s, const wchar_t *old_guid, const wchar_t *new_guid,
               struct net_write *out, int cap);

/* "00-0C-29-7E-7E-D3" */
wchar_t *net_mac_text(const BYTE *mac, DWORD len, wchar_t *buf, size_t cch);
#endif
