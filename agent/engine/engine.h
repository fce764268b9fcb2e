/* Carries out a command: reads the machine, plans, applies with a journal, verifies,
 * rolls back. Everything it does to the machine goes through the backend. */
#ifndef P2V_ENGINE_H
#define P2V_ENGINE_H
#include "backend.h"
#include "counted.h"
#include "cli.h"
#include "plan.h"
#include "firstboot.h"

/* check's verdict on one target */
enum verdict_kind { VERDICT_READY, VERDICT_NOT_READY, VERDICT_UNSUPPORTED };
/* "ready", "not ready", "unsupported here": as check's table, the report and the Event Log say it */
const wchar_t *verdict_text(enum verdict_kind v);

struct verdict {
    const struct target *target;    /* NULL for a row of --retire */
    wchar_t name[48];               /* the target's name, or "retire <platform>" */
    enum verdict_kind verdict;
    wchar_t reason[400];
};

struct inf_target;
struct readiness;
struct net_probe;

struct run {
    const struct options *opt;      /* points to own_opt: the command line plus an --inf target */
    struct options own_opt;
    struct inf_target *inf;         /* --inf */
    struct readiness *readiness;    /* check: facts beyond the registry */
    struct net_probe *net;          /* check, --keep-network: the adapters' settings (netprobe.h) */
    wchar_t firstboot_exe[MAX_PATH];/* the exe copied for the first-boot pass */
    struct firstboot_cfg fb;        /* what the first-boot pass is to do (firstboot.h) */
    const struct backend *b;        /* counted.self: every call to the machine goes here */
    struct counted_backend counted; /* counts the writes (counted.h) */
    struct disk_info disk;          /* the backend's disk: offline, boot.ini, DISM (backend.h) */
    struct machine *m;
    struct plan *p;                 /* apply: the changes made; rollback: the ones undone */
    wchar_t payload_dir[MAX_PATH];
    wchar_t embedded_dir[MAX_PATH]; /* the exe's own payload, unpacked for this run */
    wchar_t bootini_dir[MAX_PATH];  /* --fix-boot-ini: where the corrected boot.ini waits */
    wchar_t state_dir[MAX_PATH];
    wchar_t journal[MAX_PATH];      /* the journal written or replayed, if any */
    BOOL ready;                     /* check */
    struct verdict verdicts[P2V_TARGETS_MAX + 1];
    int n_verdicts;
    int exit_code;
    double elapsed_ms;
};

/* Runs opt->command (plan, apply, check, rollback). r->m and r->p are allocated here
 * and freed by engine_free. Returns the exit code. */
int engine_run(struct run *r, const struct options *opt, const struct backend *b, const wchar_t *exe_dir);
/* Ctrl+C, a closed console: apply stops before its next change and undoes what it made. */
void engine_request_stop(void);
void engine_free(struct run *r);
/* Now, UTC, as the reports and the marker write it: 2026-11-29T23:40:00Z. */
void engine_utc_now(wchar_t *out, size_t cch);

struct jentry;
/* Undoes journal records in reverse order, flushes every control set of r->m, then checks
 * that each record's "before" state is back. What a failed apply and rollback both do.
 * Returns how many records are not restored. */
int engine_undo(struct run *r, const struct jentry *entries, size_t n);
#endif
