/* Deciding what must change: a pure function from a machine snapshot and the chosen
 * targets to a list of changes and problems. No Win32 calls here. */
#ifndef P2V_PLAN_H
#define P2V_PLAN_H
#include "machine.h"
#include "targets.h"

#define P2V_PROBLEMS_MAX 96

enum want_kind {
    WANT_VALUE = 1,   /* a value that must hold v */
    WANT_NO_KEY,      /* a key that must be gone */
    WANT_READ,        /* a value the plan needs to see (--retire: Start, Group, class filters) */
};

/* Something the targets need in one control set: a value, or a key that must be gone. */
struct want {
    enum want_kind kind;
    const struct target *target;
    wchar_t set[16];
    wchar_t key[P2V_KEY_MAX];
    wchar_t name[P2V_NAME_MAX];
    struct regval v;
    BOOL only_if_absent;   /* an inbox service's own value: fill a gap, never overwrite */
};
struct platform;

struct want_file {
    const struct target *target;
    wchar_t name[64];             /* an inbox service's: as its own ImagePath names it */
    unsigned sources;             /* 1 << enum source, for every rule that may take it */
    const wchar_t *payload_dir;   /* the target's own (an INF's folder), or NULL */
};

struct want_package {
    const struct target *target;
    const wchar_t *inf;
    const wchar_t *payload_dir;
};

struct requirements {
    struct want *wants;          /* P2V_ITEMS_MAX */
    size_t n_wants;
    struct want_file files[P2V_FILES_MAX];
    int n_files;
    struct want_package packages[P2V_FILES_MAX];
    int n_packages;
    BOOL overflow;               /* more than fits: the plan must refuse, never drop */
    struct policy policy;        /* input, as in struct plan */
};

enum change_kind {
    CHANGE_VALUE = 1,   /* set key\name */
    CHANGE_FILE,        /* copy src (payload file, or out of the cabinet src) to key */
    CHANGE_DELETE_KEY,  /* delete key (StartOverride) with its values */
    CHANGE_STAGE,       /* stage the driver package whose INF is src */
};

struct change {
    enum change_kind kind;
    const struct target *target;    /* NULL for a change of --retire */
    const struct platform *platform;/* --retire: the old platform it retires, else NULL */
    wchar_t set[16];                /* control set, empty for a file or package */
    wchar_t key[P2V_KEY_MAX];       /* registry: key under HKLM; file: destination path */
    wchar_t name[P2V_NAME_MAX];     /* registry: value name; file/package: file name */
    struct regval old, new;         /* CHANGE_VALUE */
    wchar_t src[MAX_PATH];          /* CHANGE_FILE, CHANGE_STAGE */
    BOOL from_cab;                  /* CHANGE_FILE: src is a cabinet */
    BOOL replaces;                  /* CHANGE_FILE: a different file is there now */
    wchar_t detail[160];            /* CHANGE_DELETE_KEY: the values it holds */
};

struct problem {
    wchar_t code[32];
    wchar_t target[32];
    wchar_t message[1536];
    int exit_code;   /* what apply exits with when this problem stops it;
                        1 = only "not ready"; 0 = a warning, the admin accepted it */
};

/* --retire: what of an old platform was found, and what becomes of it. */
enum retire_state {
    RETIRE_DISABLE = 1,   /* disabled by this plan (Start = 4, out of the filter lists) */
    RETIRE_OFF,           /* disabled already, and named in no filter list */
    RETIRE_GUARDED,       /* left alone by the boot guard: why says what it carries */
};

struct retire_item {
    const struct platform *platform;
    wchar_t name[64];               /* Services\<name>, or a product's DisplayName */
    BOOL product;                   /* installed software rather than a service */
    enum retire_state state;        /* a service's */
    int n_sets;                     /* control sets that have the service */
    int n_filters;                  /* class filter lists naming it */
    wchar_t why[240];               /* guarded: the reason; a product: its uninstaller */
};
#define P2V_RETIRE_ITEMS_MAX 160

struct plan {
    struct policy policy;           /* input: the admin's choices */
    struct retire_item *retired;    /* P2V_RETIRE_ITEMS_MAX: --retire's inventory */
    size_t n_retired;
    struct change *changes;         /* P2V_ITEMS_MAX */
    size_t n_changes;
    struct problem *problems;       /* P2V_PROBLEMS_MAX */
    size_t n_problems;
    int blocking_exit;              /* non-zero: apply must not start, exit with this */
};

struct requirements *requirements_new(void);
void requirements_free(struct requirements *r);
/* Everything the targets may need on this OS in these control sets, for every rule that
 * could apply: the probe reads all of it. An inbox service's file is the one its ImagePath
 * in m names (service_image_file), the table's until the probe has read that value: the
 * engine asks again after reading the registry, before reading the files. */
void plan_requirements(const struct machine *m, const struct target *const *targets,
                       size_t n_targets, struct requirements *r);

/* The driver file an ImagePath names ("\\SystemRoot\\System32\\drivers\\vmstorfl.sys" ->
 * "vmstorfl.sys"): only a plain *.sys name in a system32\\drivers folder; FALSE for any other
 * value, which then counts as absent. */
BOOL service_image_file(const struct regval *v, wchar_t *out, size_t cch);

struct plan *plan_new(void);
void plan_free(struct plan *p);
void plan_reset(struct plan *p);
/* The whole decision. */
void plan_make(const struct machine *m, const struct target *const *targets,
               size_t n_targets, struct plan *p);
/* Turns every pending change into a "not ready" problem (for check). */
void plan_changes_as_problems(struct plan *p);
void plan_add_problem(struct plan *p, const struct target *t, int exit_code, const wchar_t *code,
                      const wchar_t *fmt, ...);
/* For retire.c: a want added to r (NULL when already there or r is full), a change added
 * to p (NULL when p is full: the plan refuses). */
struct want *requirements_add(struct requirements *r, enum want_kind kind, const struct target *t,
                              const wchar_t *set, const wchar_t *key, const wchar_t *name);
struct change *plan_add_change(struct plan *p, enum change_kind kind, const struct target *t);
/* --retire (retire.c): what the plan must read, and the decision. */
void retire_requirements(const struct machine *m, struct requirements *r);
void retire_plan(const struct machine *m, const struct target *const *targets, size_t n_targets,
                 struct plan *p);
const wchar_t *retire_state_text(enum retire_state s);   /* "retire", "off", "guarded" */
/* Who a change is for: its target's name, or "retire <platform>". */
const wchar_t *change_owner(const struct change *c, wchar_t *buf, size_t cch);
/* One line for a change, as plan, apply and the log show it. */
void change_describe(const struct change *c, wchar_t *buf, size_t cch);
#endif
