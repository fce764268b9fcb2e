/* Offline repair: an installed Windows that is not running (a converted disk attached to a
 * helper VM, or seen from WinPE) is prepared by the same engine. Its SYSTEM hive is loaded
 * under a unique HKLM name and the offline backend maps SYSTEM\... onto it; its files are
 * reached through its own folder, which becomes %SystemRoot% for the run. Nothing of the
 * running Windows is read as if it were the offline one's, and nothing of it is written. */
#ifndef P2V_OFFLINE_H
#define P2V_OFFLINE_H
#include "backend.h"

#define OFFLINE_FOUND_MAX 16

/* How the offline Windows boots on NT5: boot.ini's default entry and where it points. */
struct offline_boot {
    wchar_t boot_ini[MAX_PATH];   /* E:\boot.ini, empty when none was found on its disk */
    wchar_t arc[260];             /* default=multi(0)disk(0)rdisk(0)partition(2)\WINDOWS */
    int partition;                /* the N of partition(N), -1 when unparsed */
    wchar_t arc_dir[MAX_PATH];    /* \WINDOWS */
    int actual_partition;         /* the partition holding the Windows folder, -1 unknown */
    BOOL points_here;             /* the default entry leads to this Windows folder */
    BOOL numbers_known;           /* partition numbers could be read */
    wchar_t bcd[MAX_PATH];        /* \Boot\BCD or \EFI\Microsoft\Boot\BCD found, else empty */
};

/* What of the helper an offline run uses besides its registry and files: where a volume
 * lies, where DISM is, and (test builds) a save of the hive before it is unloaded. */
struct offline_host {
    /* disk and partition numbers of a volume (IOCTL_STORAGE_GET_DEVICE_NUMBER) */
    BOOL (*volume_number)(wchar_t letter, DWORD *disk, DWORD *partition);
    /* the helper's own DISM (System32\dism.exe); path receives where it was looked for */
    BOOL (*find_dism)(wchar_t *path, size_t cch);
    /* saves the loaded hive to file just before it is unloaded (Wine does not write a loaded
     * hive back); NULL in the shipped exe */
    DWORD (*save_hive)(HKEY root, const wchar_t *file);
};
/* The helper as it is. */
extern const struct offline_host offline_host_real;
/* The host the exe uses: offline_host_real, unless a test build supplies a stand-in. */
const struct offline_host *offline_host_for_exe(void);

struct offline {
    const struct offline_host *host;
    const struct backend *inner;  /* the helper's backend the offline one wraps */
    wchar_t windir[MAX_PATH];     /* F:\WINDOWS */
    wchar_t hive[MAX_PATH];       /* F:\WINDOWS\system32\config\SYSTEM */
    wchar_t mount[64];            /* the HKLM subkey the hive is loaded under */
    BOOL mounted;
    wchar_t how[512];             /* how the folder was found, for the output */
    struct offline_boot boot;
};

/* PATH (a Windows folder, a volume root with boot.ini or \Windows, or "auto") to the
 * offline Windows folder. Returns an exit code; on failure msg says what was looked for. */
int offline_locate(const struct backend *inner, const struct offline_host *host, const wchar_t *path,
                   struct offline *o, wchar_t *msg, size_t cch);

/* Loads and unloads the offline SYSTEM hive (SeBackupPrivilege, SeRestorePrivilege).
 * unmount flushes first and is safe to call when nothing is loaded. */
DWORD offline_mount(struct offline *o);
DWORD offline_unmount(struct offline *o);
/* Unloads hives that a run killed before it could unload them left behind. */
void offline_unload_stale(void);

/* A backend over o->inner that maps SYSTEM\... onto the loaded hive and refuses every other
 * key: reads find nothing, writes are denied. Driver packages go into the offline image
 * with the platform's DISM. o is the backend's context: each offline Windows has its own. */
void backend_offline_init(struct backend *b, struct offline *o);

/* The offline Windows' version, service pack, architecture, product type and computer
 * name, from its ntoskrnl.exe and its hive (b: the offline backend; sets and Select read). */
DWORD offline_probe_os(const struct backend *b, const struct offline *o, const DWORD *select_current,
                       struct os_info *os);


/* find: every offline Windows on this machine's volumes (not the running one). */
struct found_windows {
    struct offline o;
    struct os_info os;
    wchar_t sets[160];            /* "ControlSet001 ControlSet002" */
    wchar_t select[96];           /* "Current=1 LastKnownGood=2" */
    DWORD hive_error;             /* the hive could not be loaded: why */
};
/* b: the backend of the running machine, under which each hive is looked at. */
int offline_find_all(const struct backend *b, const struct offline_host *host, struct found_windows *list,
                     int max);
void offline_describe(const struct found_windows *f, wchar_t *buf, size_t cch);
#endif
