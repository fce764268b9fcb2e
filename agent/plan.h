/* Deciding what must change: a pure function from a machine snapshot and the chosen
 * targets to a list of changes and problems. No Win32 calls here. */
#ifndef P2V_PLAN_H
#define P2V_PLAN_H
#include "machine.h"
#include "targets.h"

#define P2V_PROBLEMS_MAX 64

/* A registry value the targets need, in one control set. */
struct want {
    const struct target *target;
    wchar_t set[16];
    wchar_t key[P2V_KEY_MAX];
    wchar_t name[P2V_NAME_MAX];
    struct regval v;
    BOOL only_if_absent;   /* an inbox service's own value: fill a gap, never overwrite */
};

struct want_file {
    const struct target *target;
    const wchar_t *name;
    BOOL inbox;
};

struct requirements {
    struct want *wants;          /* P2V_ITEMS_MAX */
    size_t n_wants;
    struct want_file files[P2V_FILES_MAX];
    int n_files;
};

enum change_kind { CHANGE_VALUE = 1, CHANGE_FILE };

struct change {
    enum change_kind kind;
    const struct target *target;
    wchar_t set[16];                /* control set, empty for a file */
    wchar_t key[P2V_KEY_MAX];       /* registry: key under HKLM; file: destination path */
    wchar_t name[P2V_NAME_MAX];     /* registry: value name; file: file name */
    struct regval old, new;         /* registry only */
    wchar_t src[MAX_PATH];          /* file only: the payload copy */
    BOOL replaces;                  /* file only: a different file is there now */
};

struct problem {
    wchar_t code[32];
    wchar_t message[1536];
    int exit_code;   /* what apply exits with when this problem stops it; 1 = only not ready */
};

struct plan {
    struct change *changes;         /* P2V_ITEMS_MAX */
    size_t n_changes;
    struct problem *problems;       /* P2V_PROBLEMS_MAX */
    size_t n_problems;
    int blocking_exit;              /* non-zero: apply must not start, exit with this */
};

struct requirements *requirements_new(void);
void requirements_free(struct requirements *r);
/* What the targets need on this OS in these control sets. Problems (unsupported OS or
 * target) go into p when p is not NULL. */
void plan_requirements(const struct machine *m, const struct target *const *targets,
                       size_t n_targets, struct requirements *r, struct plan *p);

struct plan *plan_new(void);
void plan_free(struct plan *p);
void plan_reset(struct plan *p);
/* The whole decision. */
void plan_make(const struct machine *m, const struct target *const *targets,
               size_t n_targets, struct plan *p);
/* Turns every pending change into a "not ready" problem (for check). */
void plan_changes_as_problems(struct plan *p);
void plan_add_problem(struct plan *p, int exit_code, const wchar_t *code, const wchar_t *fmt, ...);
/* One line for a change, as plan, apply and the log show it. */
void change_describe(const struct change *c, wchar_t *buf, size_t cch);
#endif
