/* The first-boot pass of --keep-network (firstboot_run.c): what the service
 * p2vprep-firstboot does at each start. */
#ifndef P2V_FIRSTBOOT_RUN_H
#define P2V_FIRSTBOOT_RUN_H
#include "backend.h"

enum firstboot_state {
    FIRSTBOOT_SOURCE,     /* still the source machine: nothing done, still registered */
    FIRSTBOOT_DONE,       /* every static adapter decided; registration removed */
    FIRSTBOOT_NOTHING,    /* no static address was recorded; registration removed */
    FIRSTBOOT_WAITING,    /* no new adapter yet: the next start looks again */
    FIRSTBOOT_GAVE_UP,    /* none in FIRSTBOOT_MAX_STARTS starts; registration removed */
    FIRSTBOOT_FAILED,     /* a read or write failed (the next start decides again), or no record */
};
const wchar_t *firstboot_state_name(enum firstboot_state s);

struct firstboot_adapter {
    wchar_t old_guid[40], new_guid[40];
    wchar_t name[128];
    wchar_t verdict[16];           /* net_verdict_name */
    wchar_t why[512];
    BOOL verified;                 /* a MAP: the new adapter's keys hold the settings */
};

struct firstboot_uninstall {
    wchar_t code[40], platform[16];
    DWORD error;                   /* 0, WAIT_TIMEOUT, or why msiexec did not start */
    DWORD exit_code;               /* msiexec's, when error is 0 */
};

struct firstboot_result {
    enum firstboot_state state;
    struct firstboot_uninstall uninstalls[16];
    int n_uninstalls;
    struct firstboot_adapter adapters[32];
    int n_adapters;
    int writes, moved, ambiguous, restarted, gateway_answered, ghosts_removed;
    BOOL still_registered;
    wchar_t boot_targets[128];     /* the marker's Targets: what the apply made boot-start */
    wchar_t boot_driver[64];       /* the first of their drivers that is running, empty if none */
    wchar_t journal[MAX_PATH];
    wchar_t detail[1024];
};

struct firstboot_options {
    BOOL live;           /* the running Windows: restart adapters, ping gateways, wait */
    BOOL wait;           /* wait (bounded) for new adapters */
    BOOL remove_ghosts;  /* --remove-ghost-nics */
};

/* Returns the exit code: 0, or 1 when the pass failed or had no record. */
int firstboot_run(struct firstboot_result *res, const struct backend *b, const struct firstboot_options *opt);
#endif
