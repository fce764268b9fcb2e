/* A snapshot of what the running machine holds, as far as the targets care.
 * The probe fills it from the live system; tests write it by hand. The planner
 * reads nothing else. */
#ifndef P2V_MACHINE_H
#define P2V_MACHINE_H
#include <windows.h>
#include "sigstate.h"

#define P2V_KEY_MAX 300
#define P2V_NAME_MAX 80
/* Control sets handled in one run. Windows boots from the ones Select names (Current,
 * Default, LastKnownGood, Failed: at most four); more come from repeated last-known-good
 * boots and imaging tools. A machine with more is refused, never cut short: a set left out
 * would boot with the old driver configuration (probe_control_sets, plan_make). */
#define P2V_SETS_MAX 32
#define P2V_FILES_MAX 16
#define P2V_ITEMS_MAX 1536
#define REGVAL_MAX 1024

struct regval {
    BOOL present;
    BOOL truncated;   /* larger than REGVAL_MAX: never equal to a wanted value */
    DWORD type, size;
    BYTE data[REGVAL_MAX];
};

struct os_info {
    DWORD major, minor, build, sp_major;
    BYTE product_type;            /* VER_NT_WORKSTATION, _DOMAIN_CONTROLLER, _SERVER */
    unsigned arch;                /* ARCH_X86 | ARCH_X64, 0 = another (IA64, ARM64) */
    BOOL wow64;                   /* this process is 32-bit on 64-bit Windows */
    wchar_t systemroot[MAX_PATH];
    wchar_t computer[64];
    BOOL offline;                 /* a Windows that is not running (--offline) */
    wchar_t helper[64];           /* offline: the computer p2vprep runs on */
};

/* Select\Current, Default, LastKnownGood, Failed */
enum { SEL_CURRENT, SEL_DEFAULT, SEL_LKG, SEL_FAILED, SEL_COUNT };
extern const wchar_t *const select_names[SEL_COUNT];

struct machine_value {
    wchar_t key[P2V_KEY_MAX];     /* relative to HKLM */
    wchar_t name[P2V_NAME_MAX];
    struct regval v;
};

/* A driver file a target needs, where it was looked for and what was found. */
struct machine_file {
    wchar_t name[64];             /* symmpi.sys */
    /* the payload copy (looked up when a rule takes the file from the payload) */
    int src_status;               /* enum pe_status */
    WORD src_machine;
    struct sig_info src_sig;      /* its embedded signature, verified (platform/signature.h) */
    struct sig_info cat_sig;      /* x64, when src_sig is not valid: its package catalog's verdict
                                     (SIG_NONE when no catalog of its target was found) */
    wchar_t cat[MAX_PATH];        /* the catalog that verdict is about */
    wchar_t src[MAX_PATH];
    wchar_t looked[4][MAX_PATH];
    int n_looked;
    /* NT5, an inbox file missing from drivers: the cabinet holding it */
    int cab_status;               /* enum pe_status of the copy inside */
    wchar_t cab[MAX_PATH];
    /* the installed copy */
    wchar_t dst[MAX_PATH];        /* <SystemRoot>\system32\drivers\<name> */
    int dst_status;               /* enum pe_status */
    BOOL dst_same;                /* installed bytes equal the payload's */
};

/* A driver package (NT6.2+): an INF in the payload, staged by Windows' installer. */
struct machine_package {
    wchar_t name[64];             /* viostor.inf */
    wchar_t inf[MAX_PATH];        /* where found, empty when not */
    wchar_t looked[2][MAX_PATH];
    int n_looked;
    wchar_t catalog[64];          /* CatalogFile of the INF, empty if none */
    BOOL catalog_present;         /* ... and it sits beside the INF */
    wchar_t catalog_path[MAX_PATH];
    struct sig_info inf_sig;      /* x64: the INF in its catalog (sig_verify_catalog) */
    wchar_t staged_as[64];        /* oemNN.inf already holding this INF, empty if none */
};

/* A key that must not exist (StartOverride), and what it holds. */
struct machine_key {
    wchar_t key[P2V_KEY_MAX];
    BOOL present;
    wchar_t values[160];          /* "0 = 3 (REG_DWORD)", for the plan's line */
};

/* Software of an old platform as Programs and Features lists it (--retire). */
struct machine_product {
    wchar_t name[128];            /* DisplayName */
    wchar_t version[32];          /* DisplayVersion */
    wchar_t code[40];             /* the Uninstall key's name: an MSI's {ProductCode} */
    BOOL msi;                     /* WindowsInstaller = 1 */
};

/* A device (Enum\<bus>\<device>\<instance>) whose own filter list names a service of an old
 * platform (--retire): that service is kept, since the list is Windows' to rewrite. */
struct machine_devfilter {
    wchar_t service[64];
    wchar_t device[200];          /* the instance key under the current set's Enum */
};

#define P2V_CLASSES_MAX 192
#define P2V_DEVFILTERS_MAX 32
#define P2V_PRODUCTS_MAX 16

struct machine {
    struct os_info os;
    wchar_t sets[P2V_SETS_MAX][16];   /* ControlSetNNN, as enumerated */
    int n_sets;
    int n_sets_found;                 /* how many the enumeration found, even beyond
                                         P2V_SETS_MAX (then plan_make refuses) */
    DWORD select[SEL_COUNT];
    BOOL select_present[SEL_COUNT];
    struct machine_value *values;     /* P2V_ITEMS_MAX entries */
    size_t n_values;
    struct machine_file files[P2V_FILES_MAX];
    int n_files;
    struct machine_package packages[P2V_FILES_MAX];
    int n_packages;
    struct machine_key keys[P2V_SETS_MAX * 24];
    int n_keys;
    BOOL test_signing;                /* x64: the current set's Control\SystemStartOptions holds
                                         TESTSIGNING (the last boot's options): the kernel loads
                                         drivers of any signature this Windows trusts */
    /* --retire: the device classes (Control\Class\{GUID}) of every control set, each name
     * once, whose UpperFilters and LowerFilters are read */
    wchar_t classes[P2V_CLASSES_MAX][40];
    int n_classes;
    BOOL classes_overflow;            /* more than fit: retire refuses, never leaves one unread */
    /* --retire: installed software whose name an old platform's table knows (live runs) */
    struct machine_product products[P2V_PRODUCTS_MAX];
    int n_products;
    BOOL products_known;              /* FALSE offline: the disk's SOFTWARE hive is not read */
    struct machine_devfilter devfilters[P2V_DEVFILTERS_MAX];
    int n_devfilters;
};

struct machine *machine_new(void);
void machine_free(struct machine *m);
/* The value recorded for key\name, or NULL when the snapshot says it is absent. */
const struct regval *machine_value(const struct machine *m, const wchar_t *key, const wchar_t *name);
struct machine_value *machine_add_value(struct machine *m, const wchar_t *key, const wchar_t *name);
struct machine_file *machine_file(const struct machine *m, const wchar_t *name);
struct machine_package *machine_package(const struct machine *m, const wchar_t *name);
const struct machine_key *machine_key(const struct machine *m, const wchar_t *key);
unsigned machine_gen(const struct os_info *os);    /* GEN_*, 0 when unsupported */
BOOL regval_equal(const struct regval *a, const struct regval *b);
void regval_dword(struct regval *v, DWORD d);
void regval_sz(struct regval *v, DWORD type, const wchar_t *s);
/* The text of a present, whole REG_SZ or REG_EXPAND_SZ value, cut to cch - 1 characters
 * and terminated; FALSE (out empty) for anything else. */
BOOL regval_string(const struct regval *v, wchar_t *out, size_t cch);
/* Human form: 0 (REG_DWORD), "SCSI miniport" (REG_SZ), absent */
void regval_describe(const struct regval *v, wchar_t *buf, size_t cch);
const wchar_t *regtype_name(DWORD type);
#endif
