/* The readiness notes as data and the decisions over them (readiness_notes.c): what a
 * check says beyond the registry, decided from facts the engine probes (engine/readiness.h)
 * or tests write by hand. Pure. */
#ifndef P2V_READINESS_RULES_H
#define P2V_READINESS_RULES_H
#include "machine.h"
#include "targets.h"
#include <stddef.h>

#define READINESS_NOTES_MAX 32
/* Below this much free space on the volume of system32\drivers, "low-space". */
#define READINESS_LOW_SPACE_BYTES (50ull * 1024 * 1024)

/* Stable note codes:
 *   boot-files-elsewhere        warning  boot files and %SystemRoot% on different volumes
 *   boot-ini-default            info     boot.ini's default entry, its title and ARC path
 *   boot-default-other-windows  warning  boot.ini's default starts another folder than %SystemRoot%
 *   no-boot-ini                 info     NT5: boot.ini found nowhere
 *   system-partition-no-letter  info     NT6+: the system partition has no drive letter
 *   dynamic-disk                warning  %SystemRoot%'s disk is a dynamic disk
 *   disk-layout-unknown         info     the disk layout could not be read (error text)
 *   hibernation-on              warning  NT6.2+: hibernation enabled
 *   fast-startup-on             warning  NT6.2+: Fast Startup on (information when hibernation is off)
 *   low-space                   warning  less than 50 MB free for system32\drivers
 *   free-space-unknown          info     the free space could not be read (error text)
 *   driver-install-policy       warning  NT6+: device installation restrictions
 *   driver-signing-policy       info     NT5: unsigned drivers blocked by Windows' installer
 *   offline-software-not-read   info     --offline: the policies above were not checked
 * Decided in readiness_notes.c from struct readiness_facts (pure, tested on snapshots):
 *   san-policy                  warning  NT6+: data disks will stay offline on the new bus
 *                               info     NT6+: today's policy, and what apply makes of it
 *   pending-reboot              warning  a restart is pending (file renames, servicing, update)
 *   bitlocker-on                warning  BitLocker protects the system volume
 *   class-filter                warning  a third-party upper/lower filter on the disk or SCSI class
 *   old-tools                   warning  the old hypervisor's tools are installed (which
 *                                        of their drivers the target still needs)
 *   firmware                    info     BIOS or UEFI, and what the VM must use
 *   firmware-mismatch           warning  UEFI Windows that Hyper-V Generation 2 cannot run */
struct readiness_note {
    wchar_t code[32];
    wchar_t message[512];         /* one plain sentence an admin can act on */
    BOOL warning;                 /* TRUE: a risk to the conversion; FALSE: information */
};

enum firmware { FIRMWARE_UNKNOWN = 0, FIRMWARE_BIOS, FIRMWARE_UEFI };
enum bitlocker { BITLOCKER_UNKNOWN = 0, BITLOCKER_OFF, BITLOCKER_ON };

#define READINESS_FILTERS_MAX 16
#define READINESS_SERVICES_MAX 48

/* A filter driver named in a device class's UpperFilters or LowerFilters. */
struct class_filter {
    const wchar_t *class_name;    /* "disk drives", "SCSI adapters" */
    BOOL upper;
    wchar_t name[64];
};

/* The facts the notes of readiness_notes.c are decided from: readiness_probe reads them
 * (the current control set's registry through the backend; firmware and BitLocker from
 * Windows), tests write them by hand. */
struct readiness_facts {
    BOOL san_present;             /* Services\partmgr\Parameters\SanPolicy */
    DWORD san_policy;
    BOOL pending_renames;         /* Session Manager\PendingFileRenameOperations not empty */
    BOOL servicing_reboot;        /* Component Based Servicing\RebootPending */
    BOOL update_reboot;           /* WindowsUpdate\Auto Update\RebootRequired */
    enum bitlocker bitlocker;     /* of the system volume */
    struct class_filter filters[READINESS_FILTERS_MAX];
    int n_filters;
    /* services of readiness_tool_services() that exist in the current control set */
    wchar_t services[READINESS_SERVICES_MAX][32];
    int n_services;
    enum firmware firmware;
};

/* What the decisions need to know about the command: the targets and --san-policy. */
struct readiness_job {
    const struct target *const *targets;
    size_t n_targets;
    enum san_choice san_policy;
};

struct readiness {
    struct readiness_note notes[READINESS_NOTES_MAX];
    int n_notes;
    /* facts, for the JSON report */
    wchar_t boot_ini[MAX_PATH];          /* path of the boot.ini found (NT5), empty if none */
    wchar_t boot_default[260];           /* [boot loader] default=, an ARC path */
    wchar_t boot_default_title[260];     /* its description in [operating systems], may be empty */
    wchar_t boot_volume[8];              /* "C:": volume holding the boot files, empty if unknown */
    wchar_t system_volume[8];            /* volume of %SystemRoot%, e.g. "D:" */
    BOOL boot_files_elsewhere;           /* both known and different */
    BOOL dynamic_disk;                   /* a disk of %SystemRoot%'s volume is dynamic */
    BOOL hibernation, fast_startup;      /* NT6.2+ only; FALSE elsewhere */
    ULONGLONG drivers_free_bytes;        /* free to this user on the volume of system32\drivers */
    struct readiness_facts facts;        /* what the notes of readiness_notes.c were decided from */
};

/* ---- readiness_notes.c: pure decisions, no Win32 calls ---- */
/* The services whose presence readiness_probe records (the old hypervisors' tools),
 * NULL-ended. */
const wchar_t *const *readiness_tool_services(void);
/* Each adds its note(s) to out, or none. */
void notes_san_policy(const struct readiness_facts *f, const struct os_info *os,
                      const struct readiness_job *job, struct readiness *out);
void notes_pending_reboot(const struct readiness_facts *f, struct readiness *out);
void notes_bitlocker(const struct readiness_facts *f, struct readiness *out);
void notes_class_filters(const struct readiness_facts *f, struct readiness *out);
void notes_old_tools(const struct readiness_facts *f, const struct os_info *os,
                     const struct readiness_job *job, struct readiness *out);
void notes_firmware(const struct readiness_facts *f, const struct os_info *os,
                    const struct readiness_job *job, struct readiness *out);
/* All of the above, in this order. */
void readiness_decide(const struct readiness_facts *f, const struct os_info *os,
                      const struct readiness_job *job, struct readiness *out);
/* Adds a note (readiness.c and readiness_notes.c share it). */
void readiness_note(struct readiness *r, BOOL warning, const wchar_t *code, const wchar_t *fmt, ...);

/* The note with this code, or NULL. */
const struct readiness_note *readiness_find(const struct readiness *r, const wchar_t *code);

/* From out's boot facts and os->systemroot: sets system_volume and boot_files_elsewhere
 * and adds the boot notes (boot-files-elsewhere, boot-ini-default,
 * boot-default-other-windows). readiness_probe calls it; tests call it after bootini_read. */
void readiness_boot_notes(const struct os_info *os, struct readiness *out);
#endif
