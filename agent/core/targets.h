/* What p2vprep knows about each target controller: data only, one table (targets.c).
 * A target built from a vendor INF (--inf, inf.c) has the same shape. */
#ifndef P2V_TARGETS_H
#define P2V_TARGETS_H
#include <windows.h>
#include <stddef.h>

/* Windows generations, by what boot-start needs there. */
enum {
    GEN_NT5 = 1,   /* 2000, XP, 2003: CriticalDeviceDatabase + boot-start service */
    GEN_NT6 = 2,   /* Vista, 2008, 7, 2008 R2: the same; inbox drivers exist */
    GEN_NT62 = 4,  /* 8 / 2012 and later: no CriticalDeviceDatabase; StartOverride */
    GEN_ALL = 7,
};
enum { ARCH_X86 = 1, ARCH_X64 = 2, ARCH_ALL = 3 };

/* A Windows version as a rule's bound: 0x0601 = 6.1 (7 / 2008 R2). */
#define NT_VERSION(major, minor) ((WORD)(((major) << 8) | (minor)))
#define NT_ANY 0, 0
#define NT_FROM(major, minor) NT_VERSION(major, minor), 0
#define NT_UPTO(major, minor) 0, NT_VERSION(major, minor)
#define NT_ONLY(major, minor) NT_VERSION(major, minor), NT_VERSION(major, minor)

/* Where a service's driver file comes from. */
enum source {
    SRC_PAYLOAD = 1,  /* the payload folder; copied into system32\drivers */
    SRC_INBOX,        /* ships with Windows: must be in system32\drivers; on NT5 it may
                         only be in Driver Cache\<arch>\driver.cab / spN.cab, and is
                         extracted from there */
    SRC_PACKAGE,      /* NT6.2+: a driver package (INF + catalog + sys) in the payload,
                         staged with the platform installer, then the sys copied */
};

/* A service the controller needs boot-start. The values written are those of a
 * boot-start kernel driver: Type 1, Start 0, ErrorControl 1, Group, ImagePath. */
struct service_spec {
    const wchar_t *name;          /* Services\<name> */
    const wchar_t *file;          /* driver file in system32\drivers */
    const wchar_t *group;         /* LoadOrderGroup */
    enum source source;
    BOOL pnp_interface;           /* write Parameters\PnpInterface "5"=1 (PCI miniports) */
    BOOL optional;                /* SRC_INBOX: made boot-start where Windows has it, else left
                                     alone (storflt exists only on some Windows) */
};

/* A CriticalDeviceDatabase entry (NT5, NT6.0/6.1): device ID -> service. */
struct cdd_spec {
    const wchar_t *id;            /* key name, e.g. pci#ven_1000&dev_0030 */
    const wchar_t *service;
    const wchar_t *class_guid;
};

/* How one generation and architecture makes the target boot-start. A target may have
 * several rules for the same generation: the first whose inbox files are present wins
 * (e.g. inbox LSI_SCSI where Windows still has it, else the payload driver). */
struct target_rule {
    unsigned gens, archs;
    /* Within a generation, the Windows versions the rule is for (NT_VERSION(major, minor),
     * e.g. stornvme is inbox from 6.3, not in 6.2): 0 = no bound. */
    WORD nt_min, nt_max;
    const wchar_t *refusal;       /* non-NULL: this combination is refused, and why */
    const struct service_spec *services;
    size_t n_services;
    const struct cdd_spec *cdd;   /* ignored on NT6.2+ */
    size_t n_cdd;
    const wchar_t *const *libraries;   /* files without a service (pciidex.sys), NULL-ended */
    const wchar_t *const *packages;   /* SRC_PACKAGE: the INFs' names in the payload,
                                         NULL-ended; NULL: none */
};

struct target {
    const wchar_t *name;          /* as on the command line; VMware's .vmx name where one exists */
    const wchar_t *title;
    const wchar_t *pci_ids;       /* for `targets` */
    const wchar_t *where_to_get;  /* how an admin obtains the payload */
    const struct target_rule *rules;
    size_t n_rules;
    const wchar_t *payload_dir;   /* where its files are; NULL: --payload (an INF's folder) */
    const wchar_t *boot_also;     /* another target the VM boots through first (the emulated
                                     "ide" of Hyper-V Generation 1 and Xen HVM), included
                                     unless --no-ide; NULL: none */
    BOOL san_online;              /* its disks appear on a new bus, where the default SAN
                                     policy leaves data disks offline: --san-policy online
                                     is on unless --san-policy keep */
};

extern const struct target p2v_targets[];
extern const size_t p2v_n_targets;
/* The bus drivers below the controllers, NULL-ended; on 8 and later their StartOverride
 * is removed too (plan.c). */
extern const wchar_t *const p2v_bus_services[];

const struct target *target_find(const wchar_t *name);
const wchar_t *gen_name(unsigned gen);
/* "Windows 7/2008 R2" for 6.1; a generation's name where no single name fits. */
const wchar_t *windows_name(DWORD major, DWORD minor);
/* Does the rule cover Windows major.minor of generation gen on arch? */
BOOL rule_covers(const struct target_rule *rule, unsigned gen, unsigned arch, DWORD major, DWORD minor);
/* The Windows versions a rule covers, for `targets`: "Windows 8.1/2012 R2 or later". */
void rule_os_text(const struct target_rule *rule, wchar_t *buf, size_t cch);
const wchar_t *arch_name(unsigned arch);

/* --san-policy: what happens to Services\partmgr\Parameters\SanPolicy. */
enum san_choice {
    SAN_DEFAULT = 0,   /* OnlineAll when a chosen target has san_online, else untouched */
    SAN_ONLINE,        /* --san-policy online */
    SAN_KEEP,          /* --san-policy keep */
};

struct platform;

/* The admin's choices the planner follows, one struct from the command line through the
 * requirements to the plan. */
struct policy {
    BOOL allow_unsigned;            /* --allow-unsigned */
    enum san_choice san_policy;     /* --san-policy */
    BOOL crash_visible;             /* --crash-visible: CrashControl\AutoReboot = 0 */
    const struct platform *retire[8];   /* --retire: the old platforms (platforms.h) */
    size_t n_retire;
    BOOL keep_network;              /* --keep-network: the first-boot pass moves static
                                       addresses to the VM's new adapters (firstboot.h) */
    BOOL remove_ghost_nics;         /* --remove-ghost-nics: ... and removes the old adapters'
                                       devices once their settings moved */
};

/* Service values of a boot-start kernel driver (NT5 recipe, VMware KB 1005208). */
#define SERVICE_TYPE_KERNEL 1
#define SERVICE_START_BOOT 0
#define SERVICE_ERROR_NORMAL_ 1

/* Setup classes of the CriticalDeviceDatabase entries. */
#define CLASS_SCSIADAPTER L"{4D36E97B-E325-11CE-BFC1-08002BE10318}"
#define CLASS_HDC L"{4D36E96A-E325-11CE-BFC1-08002BE10318}"
#define CLASS_DISKDRIVE L"{4D36E967-E325-11CE-BFC1-08002BE10318}"
#define CLASS_SYSTEM L"{4D36E97D-E325-11CE-BFC1-08002BE10318}"
#endif
