/* What the old platform left behind, by platform: data only, one table (platforms.c), beside
 * the target table. --retire NAME disables its services and drivers in every control set and
 * takes their names out of every device class's UpperFilters/LowerFilters; retire.c decides. */
#ifndef P2V_PLATFORMS_H
#define P2V_PLATFORMS_H
#include <windows.h>
#include <stddef.h>

#define P2V_RETIRE_MAX 8
/* Start = 4: the service control manager and the boot loader leave it alone. */
#define RETIRE_START_DISABLED 4

/* What the boot guard (retire.c) knows of a service before it looks at the machine. */
enum retire_guard {
    GUARD_NONE = 0,   /* retired, unless the machine shows it on the disk's path */
    GUARD_BOOT,       /* a storage driver a disk can be reached through: kept while boot-start */
    GUARD_ALWAYS,     /* a part of Windows the next platform may need again: never retired */
};

/* One service or driver of a platform. */
struct retire_spec {
    const wchar_t *name;      /* Services\<name> */
    enum retire_guard guard;
};

/* Software of the platform as Programs and Features lists it. */
struct retire_product {
    const wchar_t *display_name;   /* the start of its DisplayName */
    BOOL refuses_off_platform;     /* its uninstaller is known to fail once off the platform */
    const wchar_t *note;           /* what is known, and where from */
};

struct platform {
    const wchar_t *name;           /* as on the command line */
    const wchar_t *title;
    const struct retire_spec *specs;
    size_t n_specs;
    const struct retire_product *products;
    size_t n_products;
    const wchar_t *source;         /* where the names come from */
};

extern const struct platform p2v_platforms[];
extern const size_t p2v_n_platforms;
const struct platform *platform_find(const wchar_t *name);
#endif
