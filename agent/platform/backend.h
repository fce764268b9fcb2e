/* Everything p2vprep does to the machine goes through this table, so that tests can
 * put a fault-injecting layer in front of the real one (tests/support/fault_backend.c).
 * Registry keys are relative to HKLM and always in the native (64-bit) view; file
 * paths are full Win32 paths and never redirected to SysWOW64. All functions return
 * a Win32 error code (ERROR_SUCCESS = 0). */
#ifndef P2V_BACKEND_H
#define P2V_BACKEND_H
#include "machine.h"
#include "netid.h"
#include "text.h"

/* What a backend knows of the disk it reaches beyond the registry and files: an offline
 * Windows' boot.ini and partition, and the DISM that stages its packages. All empty for
 * the running Windows. */
struct disk_info {
    BOOL offline;
    wchar_t boot_ini[MAX_PATH];   /* boot.ini on its system partition, empty when none */
    int actual_partition;         /* the partition holding the Windows folder, -1 unknown */
    BOOL numbers_known;           /* partition numbers could be read */
    BOOL dism_found;
    wchar_t dism[MAX_PATH];       /* the helper's DISM, or where it was looked for */
    BOOL dism_version_known;
    DWORD dism_major, dism_minor;
};

struct backend {
    void *ctx;
    /* reading */
    /* The Windows this backend reaches: version, architecture, %SystemRoot%, name. */
    DWORD (*describe_os)(void *ctx, struct os_info *os);
    DWORD (*describe_disk)(void *ctx, struct disk_info *d);
    /* The network adapters present now, as IP Helper lists them (no loopback), at most cap;
     * *n how many. ERROR_NOT_SUPPORTED where none can be present (an offline Windows). */
    DWORD (*list_adapters)(void *ctx, struct net_live *out, int cap, int *n);
    DWORD (*key_exists)(void *ctx, const wchar_t *key);
    DWORD (*enum_subkey)(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch);
    DWORD (*read_value)(void *ctx, const wchar_t *key, const wchar_t *name, struct regval *out);
    DWORD (*enum_value)(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch,
                        struct regval *out);
    /* Reads a whole file (malloc'ed into *data); ERROR_FILE_NOT_FOUND when absent. */
    DWORD (*read_file)(void *ctx, const wchar_t *path, BYTE **data, DWORD *size);
    /* The file in windir\\inf whose bytes are those of the INF at inf (a package staged
     * already: Windows keeps one copy of each, oemNN.inf); name receives its file name.
     * Only files of inf's size are read. ERROR_NOT_FOUND when none is; the read error when
     * inf itself cannot be read. */
    DWORD (*find_staged)(void *ctx, const wchar_t *windir, const wchar_t *inf, wchar_t *name, DWORD cch);
    /* Reads one file out of a cabinet (driver.cab); ERROR_FILE_NOT_FOUND when absent. */
    DWORD (*read_cab_file)(void *ctx, const wchar_t *cab, const wchar_t *name, BYTE **data, DWORD *size);
    /* ERROR_SUCCESS when no level of key's path is a registry link (levels not there yet
     * count as plain); ERROR_UNTRUSTED_MOUNT_POINT when one is. Every write checks it too;
     * the survey asks first, so that a link refuses the run before anything changes. */
    DWORD (*key_plain)(void *ctx, const wchar_t *key);
    /* ERROR_SUCCESS when every level of path that exists is a plain file or folder on the
     * path's own volume (pathcheck.h); ERROR_UNTRUSTED_MOUNT_POINT when one is a link,
     * junction or mount point, and why names it and where it leads. The survey asks for each
     * file a run writes; the offline backend asks before every file operation on the disk. */
    DWORD (*path_plain)(void *ctx, const wchar_t *path, wchar_t *why, DWORD cch);
    /* The plain files (no folder, no link) whose names match pattern (a folder and a
     * wildcard name), each name followed by a newline, added to names. ERROR_SUCCESS also
     * when none matches. */
    DWORD (*list_files)(void *ctx, const wchar_t *pattern, struct wbuf *names);
    /* writing: each call is one write */
    DWORD (*create_key)(void *ctx, const wchar_t *key);
    DWORD (*delete_key)(void *ctx, const wchar_t *key);        /* only an empty key */
    DWORD (*set_value)(void *ctx, const wchar_t *key, const wchar_t *name, const struct regval *v);
    DWORD (*delete_value)(void *ctx, const wchar_t *key, const wchar_t *name);
    /* Writes a new file of an unguessable name beside path, flushes it, then renames it over
     * path (a replaced file keeps its read-only, hidden and system attributes). */
    DWORD (*write_file)(void *ctx, const wchar_t *path, const BYTE *data, DWORD size);
    DWORD (*delete_file)(void *ctx, const wchar_t *path);
    /* Stages a driver package with the platform installer (SetupCopyOEMInf): Windows copies
     * the INF and its catalog into its INF folder / driver store. oem receives the staged
     * name (oemNN.inf). */
    DWORD (*stage_inf)(void *ctx, const wchar_t *inf, wchar_t *oem, DWORD cch);
    DWORD (*unstage_inf)(void *ctx, const wchar_t *oem);
    /* Makes registry changes under key durable (RegFlushKey). Not counted as a write. */
    DWORD (*flush_key)(void *ctx, const wchar_t *key);
    /* The state folder: the journal and the old copies of replaced files. Not counted as
     * writes to the machine, but behind this table so that tests can fail or cut them.
     * make_dir: ERROR_ALREADY_EXISTS when the folder is there. append_open: create_new
     * makes a file that did not exist (never one someone placed), else opens an existing
     * one at its end. append: written whole and flushed before it returns. */
    DWORD (*make_dir)(void *ctx, const wchar_t *dir);
    DWORD (*append_open)(void *ctx, const wchar_t *path, BOOL create_new, HANDLE *h);
    DWORD (*append)(void *ctx, HANDLE h, const void *data, DWORD size);
    void (*append_close)(void *ctx, HANDLE h);
    /* Cuts a file opened by append_open back to size bytes (a record torn by a crash, a
     * tail of zeros after a power cut), flushed; appends continue there. */
    DWORD (*cut)(void *ctx, HANDLE h, DWORD size);
};

/* The real machine. wow64: this process is 32-bit on 64-bit Windows. */
void backend_win32_init(struct backend *b, BOOL wow64);
/* Closes the registry keys backend_win32 keeps open between calls (a hive with open keys
 * cannot be unloaded). Any later call opens what it needs again. */
void backend_win32_release(void);
/* backend_win32's read of one file out of a cabinet, extracted into a scratch folder in
 * scratch_windir's state folder (NULL: the running Windows'): an offline run reads the
 * disk's driver.cab into the disk's own state folder. */
DWORD cab_read_file(const wchar_t *scratch_windir, const wchar_t *cab, const wchar_t *name, BYTE **data,
                    DWORD *size);
/* The backend the exe uses: backend_win32, unless a test build wraps it. */
const struct backend *backend_for_exe(BOOL wow64);
#endif
