/* A target derived from a vendor INF (--inf PATH\driver.inf): the models section, install
 * section and service Windows itself would pick for the running generation and architecture,
 * turned into the same shape as the built-in targets (targets.h). */
#ifndef P2V_INF_H
#define P2V_INF_H
#include "targets.h"
#include "text.h"
#include <setupapi.h>   /* ERROR_SECTION_NOT_FOUND, ERROR_LINE_NOT_FOUND */

#define INF_MAX_IDS 64
#define INF_MAX_FILES 16
#define INF_ID_CCH 201          /* INF_HWID_MAX (infname.h) + 1 */
/* service_type / start_type / error_control when the INF does not set them */
#define INF_VALUE_ABSENT ((DWORD)-1)

/* A target built from an INF; everything it points to lives inside the struct, so it must
 * not be copied by value (the pointers would still point into the original). */
struct inf_target {
    struct target target;            /* name "inf:<service>", title from the model's description */
    struct target_rule rule;         /* the one rule for the requested generation/arch */
    struct service_spec service;
    struct cdd_spec cdd[INF_MAX_IDS]; size_t n_cdd;   /* 0 on GEN_NT62 */
    wchar_t files[INF_MAX_FILES][64]; int n_files;    /* CopyFiles of the install section */
    wchar_t catalog[64];             /* CatalogFile[.NTamd64|.NTx86|.NT], empty if none */

    /* The PCI hardware and compatible IDs of the models section, as the INF spells them,
     * and the CriticalDeviceDatabase key name of each (lowercase, '\' -> '#'). */
    wchar_t hwids[INF_MAX_IDS][INF_ID_CCH];
    wchar_t cdd_keys[INF_MAX_IDS][INF_ID_CCH];
    int n_hwids;

    /* Storage for the strings the structs above point to. */
    wchar_t name[80];                /* inf:<service> */
    wchar_t title[256];              /* the first model's description */
    wchar_t pci_ids[512];            /* hwids joined by ", " (shortened if long) */
    wchar_t where_to_get[MAX_PATH + 64];
    wchar_t class_guid[40];          /* [Version] ClassGuid, else CLASS_SCSIADAPTER */
    wchar_t service_name[128];
    wchar_t service_file[64];        /* ServiceBinary's file name */
    wchar_t group[64];               /* LoadOrderGroup, "SCSI miniport" when absent */
    wchar_t inf_file[MAX_PATH];      /* the INF's file name (the package on GEN_NT62) */
    const wchar_t *packages[2];      /* rule.packages on GEN_NT62: inf_file, NULL */

    wchar_t inf_path[MAX_PATH], payload_dir[MAX_PATH];   /* payload_dir = the INF's folder */
    wchar_t models_section[128], install_section[128], service_section[128];
    wchar_t services_section[140];   /* <install_section>.Services */
    wchar_t decoration[64];          /* the [Manufacturer] decoration chosen, empty if none */
    wchar_t other_install[128];      /* a model line naming another install section, if any */
    int n_models;                    /* model lines read */
    DWORD service_flags;             /* AddService flags */
    DWORD service_type, start_type, error_control;   /* as the INF says, or INF_VALUE_ABSENT */
    unsigned gen, arch;
    DWORD os_major, os_minor;
};

/* Reads the INF with SetupAPI for Windows generation gen (GEN_NT5/GEN_NT6/GEN_NT62), arch
 * (ARCH_X86/ARCH_X64) and the running version os_major.os_minor (which picks among
 * version-decorated models sections). Returns ERROR_SUCCESS or a Win32 error:
 *   the error of SetupOpenInfFileW when the INF cannot be opened or parsed,
 *   ERROR_SECTION_NOT_FOUND  no [Manufacturer], no models section for this Windows, no install
 *                            or .Services section,
 *   ERROR_LINE_NOT_FOUND     no model line with a PCI ID, no AddService, no ServiceBinary,
 *   ERROR_NOT_SUPPORTED      more PCI IDs or CopyFiles files than the struct holds,
 *   ERROR_INVALID_DATA       a service name, PCI ID or file name p2vprep refuses (infname.h:
 *                            control characters, backslashes, lengths, a service Windows
 *                            itself supplies),
 *   ERROR_INVALID_PARAMETER  bad arguments.
 * On failure err receives one sentence naming the INF and what is missing; out is then not
 * usable. */
DWORD inf_load_target(const wchar_t *inf_path, unsigned gen, unsigned arch, DWORD os_major,
                      DWORD os_minor, struct inf_target *out, wchar_t *err, size_t cch);

/* Appends lines (each ending in "\n") describing what was derived: the sections chosen,
 * the hardware IDs and their CriticalDeviceDatabase keys, the service and its values,
 * the files and the catalog. `plan` prints them. */
void inf_describe(const struct inf_target *t, struct wbuf *out);
#endif
