/* What p2vprep knows about each target controller: data only, one table. */
#ifndef P2V_TARGETS_H
#define P2V_TARGETS_H
#include <windows.h>
#include <stddef.h>

/* Windows generations, by what boot-start needs there. */
enum {
    GEN_NT5 = 1,   /* 2000, XP, 2003: CriticalDeviceDatabase + boot-start service */
    GEN_NT6 = 2,   /* Vista, 2008, 7, 2008 R2: the same, inbox drivers exist */
    GEN_NT62 = 4,  /* 8 / 2012 and later: no CriticalDeviceDatabase, StartOverride */
};
enum { ARCH_X86 = 1, ARCH_X64 = 2 };

/* How one generation makes the target boot-start. */
struct target_rule {
    unsigned gens, archs;
    const wchar_t *service;       /* Services\<service> */
    const wchar_t *file;          /* driver file in system32\drivers */
    BOOL inbox;                   /* the file ships with Windows: checked, never copied */
    const wchar_t *group;         /* LoadOrderGroup */
    const wchar_t *class_guid;    /* CriticalDeviceDatabase ClassGUID */
    const wchar_t *const *device_ids;   /* CriticalDeviceDatabase key names */
};

struct target {
    const wchar_t *name;          /* as on the command line, VMware's .vmx name where one exists */
    const wchar_t *title;
    const wchar_t *pci_ids;       /* for `targets` */
    const wchar_t *where_to_get;  /* how an admin obtains a payload driver */
    const struct target_rule *rules;
    size_t n_rules;
};

extern const struct target p2v_targets[];
extern const size_t p2v_n_targets;

const struct target *target_find(const wchar_t *name);
/* The rule for this generation and architecture, or NULL when unsupported there. */
const struct target_rule *target_rule_for(const struct target *t, unsigned gen, unsigned arch);
const wchar_t *gen_name(unsigned gen);
#endif
