/* The network part of the snapshot (netid.h), read through the backend: every value of the
 * keys where Windows keeps its adapters' TCP/IP settings, in the current control set, and
 * the adapters present now. */
#ifndef P2V_NETPROBE_H
#define P2V_NETPROBE_H
#include "backend.h"
#include "netid.h"

#define NETPROBE_VALUES_MAX 4096

struct net_probe {
    wchar_t set[16];
    struct machine_value *values;   /* NETPROBE_VALUES_MAX */
    size_t n_values;
    BOOL values_cut;                /* more than fit: the capture is refused, never partial */
    struct net_live live[NET_ADAPTERS_MAX];
    int n_live;
    BOOL live_known;
    struct net_capture *capture;    /* net_probe_capture */
    BOOL capture_complete;
};

/* Reads set's keys (the current control set of m) and the live adapters. np is zeroed or
 * holds an earlier read, which is released first. */
DWORD net_probe_read(const struct backend *b, const struct machine *m, struct net_probe *np);
void net_probe_snapshot(const struct net_probe *np, struct net_snapshot *s);
/* net_capture over what was read; FALSE when it is incomplete (too many adapters or values). */
BOOL net_probe_capture(struct net_probe *np);
void net_probe_free(struct net_probe *np);
#endif
