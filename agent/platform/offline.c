#include "offline.h"
#include "pathcheck.h"
#include "controlsets.h"
#include "osname.h"
#include "wow64.h"
#include "dynapi.h"
#include "scratch.h"
#include "out.h"
#include "pe.h"
#include "bootfile.h"
#include "targets.h"
#include "text.h"
#include <winioctl.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MOUNT_PREFIX L"p2vprep-offline-"

static BOOL file_version(const BYTE *d, DWORD n, DWORD *ms, DWORD *ls);

/* ---- volumes ------------------------------------------------------------------------ */

static BOOL ioctl_volume_number(wchar_t letter, DWORD *disk, DWORD *partition)
{
    wchar_t name[8];
    STORAGE_DEVICE_NUMBER n;
    DWORD got = 0;
    wfmt(name, COUNTOF(name), L"\\\\.\\%lc:", letter);
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    BOOL ok = DeviceIoControl(h, IOCTL_STORAGE_GET_DEVICE_NUMBER, NULL, 0, &n, sizeof n, &got, NULL);
    CloseHandle(h);
    /* partition 0 is the whole disk: a volume without a partition table entry */
    if (!ok || got < sizeof n || n.PartitionNumber == 0 || n.PartitionNumber == (DWORD)-1)
        return FALSE;
    *disk = n.DeviceNumber;
    *partition = n.PartitionNumber;
    return TRUE;
}


static BOOL exists(const wchar_t *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* An installed Windows: its SYSTEM hive where Windows keeps it. */
static BOOL is_windows_dir(const wchar_t *dir)
{
    wchar_t hive[MAX_PATH];
    wfmt(hive, COUNTOF(hive), L"%ls\\system32\\config\\SYSTEM", dir);
    return exists(hive);
}

/* The same folder as the running Windows, by name or by identity (another drive letter,
 * a junction or a subst of it). */
static BOOL is_running_windows(const wchar_t *dir)
{
    wchar_t running[MAX_PATH];
    if (!GetSystemWindowsDirectoryW(running, COUNTOF(running)))
        return FALSE;
    if (same_folder(running, dir))
        return TRUE;
    /* Different volumes are different Windows, even on a helper cloned from the same image
     * (same volume serial, same file index). */
    const struct dynapi *api = dynapi();
    wchar_t va[MAX_PATH], vb[MAX_PATH], ga[64], gb[64];
    if (api->GetVolumePathNameW && api->GetVolumeNameForVolumeMountPointW &&
        api->GetVolumePathNameW(running, va, MAX_PATH) && api->GetVolumePathNameW(dir, vb, MAX_PATH) &&
        api->GetVolumeNameForVolumeMountPointW(va, ga, 64) && api->GetVolumeNameForVolumeMountPointW(vb, gb, 64) &&
        _wcsicmp(ga, gb) != 0)
        return FALSE;
    BY_HANDLE_FILE_INFORMATION a, b;
    HANDLE ha = CreateFileW(running, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    HANDLE hb = CreateFileW(dir, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    BOOL same = ha != INVALID_HANDLE_VALUE && hb != INVALID_HANDLE_VALUE &&
                GetFileInformationByHandle(ha, &a) && GetFileInformationByHandle(hb, &b) &&
                a.dwVolumeSerialNumber == b.dwVolumeSerialNumber &&
                a.nFileIndexHigh == b.nFileIndexHigh && a.nFileIndexLow == b.nFileIndexLow &&
                (a.nFileIndexHigh || a.nFileIndexLow);
    if (ha != INVALID_HANDLE_VALUE)
        CloseHandle(ha);
    if (hb != INVALID_HANDLE_VALUE)
        CloseHandle(hb);
    return same;
}

/* Volumes worth looking at: fixed and removable drives with a letter. */
static int volumes(wchar_t *letters)
{
    DWORD drives = GetLogicalDrives();
    int n = 0;
    for (int i = 2; i < 26; i++) {   /* A: and B: are floppies */
        wchar_t root[4] = { (wchar_t)(L'A' + i), L':', L'\\', 0 };
        if (!(drives & (1u << i)))
            continue;
        UINT type = GetDriveTypeW(root);
        if (type == DRIVE_FIXED || type == DRIVE_REMOVABLE)
            letters[n++] = root[0];
    }
    return n;
}

static wchar_t upper(wchar_t c)
{
    return c >= L'a' && c <= L'z' ? (wchar_t)(c - L'a' + L'A') : c;
}

static wchar_t running_letter(void)
{
    wchar_t running[MAX_PATH];
    if (!GetSystemWindowsDirectoryW(running, COUNTOF(running)) || running[1] != L':')
        return 0;
    return (wchar_t)upper(running[0]);
}

/* Volumes of the same disk as letter, letter first, by their disk numbers. When the numbers
 * cannot be read, only letter itself: guessing would take the helper's own boot files or
 * another attached disk's Windows. */
static int disk_mates(const struct offline_host *h, wchar_t letter, wchar_t *out, BOOL *known)
{
    wchar_t all[26];
    DWORD disk, part, d2, p2;
    int n = volumes(all), k = 0;
    *known = letter && h->volume_number(letter, &disk, &part);
    if (letter)
        out[k++] = (wchar_t)upper(letter);
    for (int i = 0; i < n && *known; i++)
        if (all[i] != upper(letter) && all[i] != running_letter() &&
            h->volume_number(all[i], &d2, &p2) && d2 == disk)
            out[k++] = all[i];
    return k;
}

/* ---- boot.ini --------------------------------------------------------------------------- */

static BOOL read_boot_ini(const wchar_t *path, struct offline_boot *bt)
{
    struct readiness *rd = calloc(1, sizeof *rd);
    BOOL ok = rd && bootini_read(path, rd);
    if (ok) {
        wcopy(bt->boot_ini, COUNTOF(bt->boot_ini), path);
        wcopy(bt->arc, COUNTOF(bt->arc), rd->boot_default);
        int rdisk;
        if (!arc_path_parse(bt->arc, &rdisk, &bt->partition, bt->arc_dir, COUNTOF(bt->arc_dir)))
            bt->partition = -1;
    }
    free(rd);
    return ok;
}

/* Where the offline Windows' boot.ini (NT5) or BCD store (NT6+) is, and whether boot.ini's
 * default entry leads to windir. Only the disk of windir is searched: the helper's own
 * boot files are not the offline Windows'. */
static void boot_link(const struct offline_host *h, const wchar_t *windir, struct offline_boot *bt)
{
    wchar_t mates[26], path[MAX_PATH];
    BOOL known;
    wchar_t letter = windir[1] == L':' ? windir[0] : 0;
    int n = disk_mates(h, letter, mates, &known);
    memset(bt, 0, sizeof *bt);
    bt->partition = bt->actual_partition = -1;
    DWORD disk, part;
    bt->numbers_known = letter && h->volume_number(letter, &disk, &part);
    if (bt->numbers_known)
        bt->actual_partition = (int)part;
    for (int i = 0; i < n && !bt->boot_ini[0]; i++) {
        wfmt(path, COUNTOF(path), L"%lc:\\boot.ini", mates[i]);
        read_boot_ini(path, bt);
    }
    for (int i = 0; i < n && !bt->bcd[0]; i++) {
        static const wchar_t *const stores[] = { L"Boot\\BCD", L"EFI\\Microsoft\\Boot\\BCD" };
        for (int s = 0; s < 2 && !bt->bcd[0]; s++) {
            wfmt(path, COUNTOF(path), L"%lc:\\%ls", mates[i], stores[s]);
            if (exists(path))
                wcopy(bt->bcd, COUNTOF(bt->bcd), path);
        }
    }
    if (bt->boot_ini[0] && bt->partition > 0 && letter)
        bt->points_here = same_folder(bt->arc_dir, windir + 2) &&
                          (!bt->numbers_known || bt->partition == bt->actual_partition);
}

/* boot.ini at root: the volume its default entry names, on the same disk. */
static BOOL follow_boot_ini(const wchar_t *root, struct offline *o)
{
    const struct offline_host *h = o->host;
    wchar_t path[MAX_PATH], dir[MAX_PATH], mates[26];
    struct offline_boot bt = { 0 };
    BOOL known;
    wfmt(path, COUNTOF(path), L"%ls\\boot.ini", root);
    if (!read_boot_ini(path, &bt) || bt.partition < 1)
        return FALSE;
    int n = disk_mates(h, root[1] == L':' ? root[0] : 0, mates, &known);
    if (known) {
        for (int i = 0; i < n; i++) {
            DWORD disk, part;
            if (h->volume_number(mates[i], &disk, &part) && (int)part == bt.partition) {
                wfmt(dir, COUNTOF(dir), L"%lc:%ls", mates[i], bt.arc_dir);
                if (is_windows_dir(dir)) {
                    wcopy(o->windir, COUNTOF(o->windir), dir);
                    wfmt(o->how, COUNTOF(o->how), L"%ls: default entry %ls is %ls (partition %d)",
                         path, bt.arc, dir, bt.partition);
                    return TRUE;
                }
            }
        }
    }
    /* The numbers cannot be read, or partition(N) holds no such folder (a partition the
     * converter left out shifts them): the folder is searched for on the disk's volumes. */
    int found = 0;
    wchar_t first = 0;
    for (int i = 0; i < n; i++) {
        wfmt(dir, COUNTOF(dir), L"%lc:%ls", mates[i], bt.arc_dir);
        if (is_windows_dir(dir) && !is_running_windows(dir) && found++ == 0)
            first = mates[i];
    }
    if (found != 1)
        return FALSE;   /* none, or several: not a guess to act on */
    wfmt(o->windir, COUNTOF(o->windir), L"%lc:%ls", first, bt.arc_dir);
    wfmt(o->how, COUNTOF(o->how),
         L"%ls: default entry %ls; %ls, so %ls was searched for on %ls and found on %lc:",
         path, bt.arc,
         known ? L"that partition holds no such folder" : L"partition numbers cannot be read here",
         bt.arc_dir, known ? L"the volumes of the same disk" : L"that volume", first);
    return TRUE;
}

/* An installed Windows is a folder at the root of a volume that has a drive letter:
 * X:\WINDOWS. A folder-mounted volume, a UNC or \\?\ path would make the boot files, DISM's
 * image and every "is it on the same disk" question refer to something else. */
static BOOL at_volume_root(const wchar_t *windir)
{
    const wchar_t *slash = wcschr(windir + 3, L'\\');
    if (!(windir[1] == L':' && windir[2] == L'\\' && windir[3] && !slash))
        return FALSE;
    const struct dynapi *api = dynapi();
    wchar_t vol[MAX_PATH];
    if (api->GetVolumePathNameW && api->GetVolumePathNameW(windir, vol, MAX_PATH))
        return vol[1] == L':' && vol[2] == L'\\' && vol[3] == 0;
    return TRUE;
}

/* The hive, and the boot.ini p2vprep may rewrite, are looked at before anything is loaded
 * or read from them: a folder on the disk that is a link could lead to the helper's files
 * (its own hive, its boot.ini). */
static int disk_links(const wchar_t *arg, struct offline *o, wchar_t *msg, size_t cch)
{
    const wchar_t *const paths[] = { o->hive, o->boot.boot_ini };
    for (int i = 0; i < 2; i++) {
        wchar_t why[2 * MAX_PATH + 128];
        DWORD e = paths[i][0] ? path_check(paths[i], why, COUNTOF(why)) : ERROR_SUCCESS;
        if (e == ERROR_SUCCESS)
            continue;
        if (e == ERROR_UNTRUSTED_MOUNT_POINT)
            wfmt(msg, cch, L"--offline %ls: %ls. p2vprep follows no link on a disk it repairs: the disk "
                 L"is data from another machine, and a link on it can lead into this helper. Nothing was "
                 L"read from it or changed. Look at the disk's folders (dir /AL lists links) before you "
                 L"trust it.", arg, why);
        else
            wfmt(msg, cch, L"--offline %ls: %ls (error %lu). Nothing was changed.", arg, why, (unsigned long)e);
        return 2;
    }
    return 0;
}

static int locate_path(const wchar_t *arg, struct offline *o, wchar_t *msg, size_t cch)
{
    wchar_t full[MAX_PATH], dir[MAX_PATH], given[MAX_PATH];
    if (arg[0] == L'\\' || arg[0] == L'/') {
        wfmt(msg, cch, L"--offline %ls: give the converted disk's Windows folder or volume by drive "
             L"letter (F:\\WINDOWS or E:\\); a UNC, \\\\?\\ or rootless path cannot be checked "
             L"for its disk and boot files. Nothing was changed.", arg);
        return 2;
    }
    /* "E:" alone would mean E:'s current folder */
    if (arg[0] && arg[1] == L':' && arg[2] == 0)
        arg = wfmt(given, COUNTOF(given), L"%ls\\", arg);
    DWORD n = GetFullPathNameW(arg, COUNTOF(full), full, NULL);
    if (n == 0 || n >= COUNTOF(full)) {
        wfmt(msg, cch, L"--offline %ls: not a usable path", arg);
        return 2;
    }
    size_t len = wcslen(full);
    while (len > 3 && full[len - 1] == L'\\')
        full[--len] = 0;
    BOOL root = len == 3 && full[1] == L':';
    if (root)
        full[2] = 0;   /* "E:" + "\..." below */
    if (!exists(root ? wfmt(dir, COUNTOF(dir), L"%ls\\", full) : full)) {
        wfmt(msg, cch, L"--offline %ls: no such folder or volume. Attach the converted disk "
             L"and give its Windows folder (F:\\WINDOWS) or its volume (E:\\); p2vprep find "
             L"lists what it sees.", arg);
        return 2;
    }
    if (is_running_windows(full)) {
        wfmt(msg, cch, L"--offline %ls: that is the running Windows. --offline is for a Windows "
             L"that is not running (a converted disk attached to this machine); to prepare this "
             L"one, leave --offline out. Nothing was changed.", arg);
        return 2;
    }
    if (is_windows_dir(full)) {
        wcopy(o->windir, COUNTOF(o->windir), full);
        wfmt(o->how, COUNTOF(o->how), L"%ls, as given", full);
    } else if (!follow_boot_ini(full, o)) {
        static const wchar_t *const names[] = { L"Windows", L"WINNT" };
        for (int i = 0; i < 2 && !o->windir[0]; i++) {
            wfmt(dir, COUNTOF(dir), L"%ls\\%ls", full, names[i]);
            if (is_windows_dir(dir)) {
                wcopy(o->windir, COUNTOF(o->windir), dir);
                wfmt(o->how, COUNTOF(o->how), L"%ls, found in %ls", dir, full);
            }
        }
    }
    if (!o->windir[0]) {
        wfmt(msg, cch, L"--offline %ls: no Windows there. Looked for %ls\\system32\\config\\SYSTEM, "
             L"for a boot.ini in %ls\\ whose default entry leads to a Windows folder, and for "
             L"%ls\\Windows and %ls\\WINNT. Give the Windows folder itself (F:\\WINDOWS); "
             L"p2vprep find lists the Windows installations it sees.", arg, full, full, full, full);
        return 2;
    }
    if (!at_volume_root(o->windir)) {
        wfmt(msg, cch, L"--offline %ls: %ls is not a folder at the root of a volume with a drive "
             L"letter, where an installed Windows lives. Give the volume a letter (Disk Management, "
             L"or diskpart: assign) and name X:\\WINDOWS. Nothing was changed.", arg, o->windir);
        return 2;
    }
    if (is_running_windows(o->windir)) {
        wfmt(msg, cch, L"--offline %ls: %ls, where it leads, is the running Windows. --offline is for a Windows "
             L"that is not running (a converted disk attached to this machine); to prepare this "
             L"one, leave --offline out. Nothing was changed.", arg, o->windir);
        return 2;
    }
    wfmt(o->hive, COUNTOF(o->hive), L"%ls\\system32\\config\\SYSTEM", o->windir);
    boot_link(o->host, o->windir, &o->boot);
    return disk_links(arg, o, msg, cch);
}

int offline_locate(const struct backend *inner, const struct offline_host *host, const wchar_t *path,
                   struct offline *o, wchar_t *msg, size_t cch)
{
    memset(o, 0, sizeof *o);
    o->host = host;
    o->inner = inner;
    msg[0] = 0;
    if (_wcsicmp(path, L"auto") != 0)
        return locate_path(path, o, msg, cch);
    struct found_windows *list = calloc(OFFLINE_FOUND_MAX, sizeof *list);
    if (!list) {
        wfmt(msg, cch, L"out of memory");
        return 2;
    }
    int n = offline_find_all(inner, host, list, OFFLINE_FOUND_MAX);
    if (n == 1) {
        *o = list[0].o;
        o->mounted = FALSE;
        o->mount[0] = 0;
        wfmt(o->how, COUNTOF(o->how), L"%ls, the only offline Windows found", o->windir);
        free(list);
        return 0;
    }
    struct wbuf b = { 0 };
    wbuf_addf(&b, L"--offline auto: %ls offline Windows found on this machine's volumes",
              n == 0 ? L"no" : L"more than one");
    for (int i = 0; i < n; i++) {
        wchar_t line[1024];
        offline_describe(&list[i], line, COUNTOF(line));
        wbuf_addf(&b, L"\n  %ls", line);
    }
    wbuf_add(&b, n == 0 ? L"\nAttach the converted disk (and bring its volumes online), then try again."
                        : L"\nName the one to repair: --offline <its folder>.");
    wcopy(msg, cch, b.ok ? b.s : L"--offline auto: not exactly one offline Windows found");
    wbuf_free(&b);
    free(list);
    return 2;
}

/* ---- the hive ---------------------------------------------------------------------------- */

static DWORD enable_privilege(const wchar_t *name)
{
    HANDLE token;
    TOKEN_PRIVILEGES tp;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
        return GetLastError();
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    DWORD e = ERROR_SUCCESS;
    if (!LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid) ||
        !AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL))
        e = GetLastError();
    else
        e = GetLastError();   /* ERROR_NOT_ALL_ASSIGNED: the account lacks it */
    CloseHandle(token);
    return e == ERROR_NOT_ALL_ASSIGNED ? ERROR_PRIVILEGE_NOT_HELD : e;
}

DWORD offline_mount(struct offline *o)
{
    DWORD e;
    if (o->mounted)
        return ERROR_SUCCESS;
    if ((e = enable_privilege(L"SeBackupPrivilege")) != ERROR_SUCCESS ||
        (e = enable_privilege(L"SeRestorePrivilege")) != ERROR_SUCCESS)
        return e;
    /* one name per process: a stale one (a killed run) is recognized by its dead pid */
    wfmt(o->mount, COUNTOF(o->mount), L"%ls%lu-%08lx", MOUNT_PREFIX, (unsigned long)GetCurrentProcessId(),
         (unsigned long)GetTickCount());
    e = RegLoadKeyW(HKEY_LOCAL_MACHINE, o->mount, o->hive);
    o->mounted = e == ERROR_SUCCESS;
    return e;
}

DWORD offline_unmount(struct offline *o)
{
    if (!o->mounted)
        return ERROR_SUCCESS;
    HKEY root;
    wchar_t saved[MAX_PATH + 16] = L"";
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, o->mount, 0, KEY_READ, &root) == ERROR_SUCCESS) {
        RegFlushKey(root);
        if (o->host->save_hive) {
            wfmt(saved, COUNTOF(saved), L"%ls.p2vprep-saved", o->hive);
            DeleteFileW(saved);
            if (o->host->save_hive(root, saved) != ERROR_SUCCESS)
                saved[0] = 0;
        }
        RegCloseKey(root);
    }
    backend_win32_release();   /* a key kept open inside would hold the hive */
    DWORD e = RegUnLoadKeyW(HKEY_LOCAL_MACHINE, o->mount);
    if (e == ERROR_SUCCESS)
        o->mounted = FALSE;
    if (saved[0] && e == ERROR_SUCCESS)
        MoveFileExW(saved, o->hive, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
    return e;
}

static BOOL process_alive(DWORD pid)
{
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
    if (!h)
        return GetLastError() == ERROR_ACCESS_DENIED;
    BOOL alive = WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
    CloseHandle(h);
    return alive;
}

void offline_unload_stale(void)
{
    wchar_t name[128];
    for (DWORD i = 0;;) {
        DWORD cch = COUNTOF(name);
        DWORD e = RegEnumKeyExW(HKEY_LOCAL_MACHINE, i, name, &cch, NULL, NULL, NULL, NULL);
        if (e == ERROR_MORE_DATA) {
            i++;
            continue;
        }
        if (e != ERROR_SUCCESS)
            break;
        size_t np = wcslen(MOUNT_PREFIX);
        DWORD pid = 0;
        /* before this process loads anything, a hive under its own pid is a dead run's too */
        if (_wcsnicmp(name, MOUNT_PREFIX, np) == 0 && (pid = wcstoul(name + np, NULL, 10)) != 0 &&
            (pid == GetCurrentProcessId() || !process_alive(pid)) &&
            enable_privilege(L"SeRestorePrivilege") == ERROR_SUCCESS &&
            RegUnLoadKeyW(HKEY_LOCAL_MACHINE, name) == ERROR_SUCCESS) {
            out_error(L"p2vprep: unloaded HKLM\\%ls, an offline hive that a run which ended "
                      L"abruptly had left loaded.", name);
            continue;   /* the list moved up */
        }
        i++;
    }
}

/* ---- the backend ---------------------------------------------------------------------------- */


/* SYSTEM\rest -> <mount>\rest; anything else is not part of the offline Windows here. */
static BOOL in_system(const wchar_t *key)
{
    return _wcsnicmp(key, L"SYSTEM", 6) == 0 && (key[6] == 0 || key[6] == L'\\');
}

static BOOL map(const struct offline *c, const wchar_t *key, wchar_t *out, size_t cch)
{
    if (!c->mounted || !in_system(key))
        return FALSE;
    return wfmt(out, cch, L"%ls%ls", c->mount, key + 6) && wcslen(out) < cch - 1;
}

/* A SYSTEM key while the hive is not loaded (a remount after DISM failed): an error, never
 * "absent", or undo would think it had nothing to do. */
#define MAPPED(k) wchar_t mk[P2V_KEY_MAX + 64]; BOOL in_hive = map(ctx, k, mk, COUNTOF(mk)); \
    if (!in_hive && in_system(k)) return ERROR_NOT_READY
#define INNER ((const struct offline *)ctx)->inner

/* The door to the disk. A path on one of its volumes (the Windows folder's, the boot.ini's)
 * is used only when no level of it is a link, junction or mount point and each leads where
 * its name says (pathcheck.h): the disk is data, and a folder on it that is a link would
 * lead this run, which holds the backup and restore privileges, into the helper. Paths
 * off the disk (the payload on the helper) are the helper's own and pass as they are. */
static BOOL on_disk(const struct offline *c, const wchar_t *path)
{
    wchar_t p = upper(path[0]);
    if (path[0] == L'\\' && path[1] == L'\\' && (path[2] == L'?' || path[2] == L'.'))
        return TRUE;   /* a device path names the disk past its names: checked, and refused */
    if (!p || path[1] != L':')
        return FALSE;
    return p == upper(c->windir[0]) || (c->boot.boot_ini[0] && p == upper(c->boot.boot_ini[0]));
}

static DWORD door(const struct offline *c, const wchar_t *path)
{
    wchar_t why[2 * MAX_PATH + 128];
    if (!on_disk(c, path))
        return ERROR_SUCCESS;
    return c->inner->path_plain(c->inner->ctx, path, why, COUNTOF(why));
}

#define DOOR(p) do { DWORD door_e = door(ctx, p); if (door_e != ERROR_SUCCESS) return door_e; } while (0)


static DWORD o_key_exists(void *ctx, const wchar_t *key)
{
    MAPPED(key);
    return in_hive ? INNER->key_exists(INNER->ctx, mk) : ERROR_FILE_NOT_FOUND;
}

static DWORD o_enum_subkey(void *ctx, const wchar_t *key, DWORD i, wchar_t *name, DWORD cch)
{
    MAPPED(key);
    return in_hive ? INNER->enum_subkey(INNER->ctx, mk, i, name, cch) : ERROR_FILE_NOT_FOUND;
}

static DWORD o_read_value(void *ctx, const wchar_t *key, const wchar_t *name, struct regval *v)
{
    MAPPED(key);
    if (!in_hive) {
        memset(v, 0, sizeof *v);
        return ERROR_SUCCESS;   /* absent */
    }
    return INNER->read_value(INNER->ctx, mk, name, v);
}

static DWORD o_enum_value(void *ctx, const wchar_t *key, DWORD i, wchar_t *name, DWORD cch, struct regval *v)
{
    MAPPED(key);
    return in_hive ? INNER->enum_value(INNER->ctx, mk, i, name, cch, v) : ERROR_FILE_NOT_FOUND;
}

static DWORD o_key_plain(void *ctx, const wchar_t *key)
{
    MAPPED(key);
    return in_hive ? INNER->key_plain(INNER->ctx, mk) : ERROR_ACCESS_DENIED;
}

static DWORD o_create_key(void *ctx, const wchar_t *key)
{
    MAPPED(key);
    return in_hive ? INNER->create_key(INNER->ctx, mk) : ERROR_ACCESS_DENIED;
}

static DWORD o_delete_key(void *ctx, const wchar_t *key)
{
    MAPPED(key);
    return in_hive ? INNER->delete_key(INNER->ctx, mk) : ERROR_ACCESS_DENIED;
}

static DWORD o_set_value(void *ctx, const wchar_t *key, const wchar_t *name, const struct regval *v)
{
    MAPPED(key);
    return in_hive ? INNER->set_value(INNER->ctx, mk, name, v) : ERROR_ACCESS_DENIED;
}

static DWORD o_delete_value(void *ctx, const wchar_t *key, const wchar_t *name)
{
    MAPPED(key);
    return in_hive ? INNER->delete_value(INNER->ctx, mk, name) : ERROR_ACCESS_DENIED;
}

static DWORD o_flush_key(void *ctx, const wchar_t *key)
{
    MAPPED(key);
    return in_hive ? INNER->flush_key(INNER->ctx, mk) : ERROR_ACCESS_DENIED;
}

static BOOL system_dism(wchar_t *path, size_t cch)
{
    wchar_t root[MAX_PATH];
    BOOL wow = FALSE;
    const struct dynapi *api = dynapi();
    if (!GetSystemWindowsDirectoryW(root, COUNTOF(root)))
        return FALSE;
    /* a 32-bit p2vprep on 64-bit Windows would be sent to SysWOW64's copy (wow64.h) */
    if (!api->IsWow64Process || !api->IsWow64Process(GetCurrentProcess(), &wow))
        wow = FALSE;
    wchar_t sys[MAX_PATH];
    if (!wow64_native_system32(root, wow, sys, COUNTOF(sys)))
        return FALSE;
    wfmt(path, cch, L"%ls\\dism.exe", sys);
    return exists(path);
}

const struct offline_host offline_host_real = { ioctl_volume_number, system_dism, NULL };

/* The version in dism.exe's version resource; FALSE when it has none. */
static BOOL dism_version(const wchar_t *dism, DWORD *major, DWORD *minor)
{
    struct backend live;
    BYTE *data;
    DWORD size, ms, ls;
    backend_win32_init(&live, FALSE);
    if (live.read_file(live.ctx, dism, &data, &size) != ERROR_SUCCESS)
        return FALSE;
    BOOL ok = file_version(data, size, &ms, &ls);
    free(data);
    if (ok) {
        *major = HIWORD(ms);
        *minor = LOWORD(ms);
    }
    return ok;
}

static DWORD run_dism(const struct offline_host *h, const wchar_t *args)
{
    wchar_t dism[MAX_PATH];
    if (!h->find_dism(dism, COUNTOF(dism)))
        return ERROR_FILE_NOT_FOUND;
    struct wbuf cmd = { 0 };
    wbuf_addf(&cmd, L"\"%ls\" %ls", dism, args);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    DWORD e = ERROR_SUCCESS, code = 1;
    /* its own process group: Ctrl+C stops p2vprep between changes, never DISM midway */
    if (!cmd.ok || !CreateProcessW(dism, cmd.s, NULL, NULL, FALSE, CREATE_NEW_PROCESS_GROUP, NULL, NULL,
                                   &si, &pi)) {
        e = cmd.ok ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
    } else {
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        e = code == 0 ? ERROR_SUCCESS : ERROR_INSTALL_FAILURE;
    }
    wbuf_free(&cmd);
    return e;
}

/* The copy of inf in the offline INF folder, or FALSE; the listing is the inner backend's. */
static BOOL staged_name(const struct backend *in, const wchar_t *windir, const wchar_t *inf,
                        wchar_t *oem, size_t cch)
{
    return in->find_staged(in->ctx, windir, inf, oem, (DWORD)cch) == ERROR_SUCCESS;
}

/* DISM loads the offline hives itself: the one p2vprep holds is unloaded around it. Its
 * log and scratch folder go to the offline disk's state folder, not to the helper. */
static DWORD dism_on_image(const struct offline *c, const wchar_t *what)
{
    struct offline *o = (struct offline *)c;   /* the hive is unloaded and loaded again */
    wchar_t image[8], state[MAX_PATH], args[4 * MAX_PATH];
    wfmt(image, COUNTOF(image), L"%lc:\\", o->windir[0]);
    wfmt(state, COUNTOF(state), L"%ls\\p2vprep", o->windir);
    DWORD made = door(c, state);
    if (made == ERROR_SUCCESS)
        made = c->inner->make_dir(c->inner->ctx, state);
    if (made != ERROR_SUCCESS && made != ERROR_ALREADY_EXISTS)
        return made;   /* DISM's log and scratch go nowhere p2vprep has not looked at */
    wfmt(args, COUNTOF(args), L"/English /Image:%ls /LogPath:\"%ls\\dism.log\" /ScratchDir:\"%ls\" %ls",
         image, state, state, what);
    DWORD e = offline_unmount(o);
    if (e != ERROR_SUCCESS)
        return e;
    DWORD run = run_dism(o->host, args);
    e = offline_mount(o);
    if (e != ERROR_SUCCESS) {   /* DISM may still hold the hive for a moment */
        Sleep(1000);
        e = offline_mount(o);
    }
    return run != ERROR_SUCCESS ? run : e;
}

static DWORD o_stage_inf(void *ctx, const wchar_t *inf, wchar_t *oem, DWORD cch)
{
    const struct offline *c = ctx;
    wchar_t what[MAX_PATH + 32];
    if (staged_name(c->inner, c->windir, inf, oem, cch))
        return ERROR_FILE_EXISTS;   /* the image has this very INF: not ours to remove */
    oem[0] = 0;
    DWORD e = dism_on_image(c, wfmt(what, COUNTOF(what), L"/Add-Driver /Driver:\"%ls\"", inf));
    /* looked for whatever DISM said: a package staged before a failure must be undone too
     * (the caller records it whenever oem is set) */
    BOOL staged = staged_name(c->inner, c->windir, inf, oem, cch);
    if (e == ERROR_SUCCESS && !staged) {
        out_error(L"error: DISM reported success, but no copy of %ls is in %ls\\inf.", inf, c->windir);
        e = ERROR_INSTALL_FAILURE;
    }
    return e;
}

/* Only the offline Windows' own INF folder is looked at. */
static DWORD o_find_staged(void *ctx, const wchar_t *windir, const wchar_t *inf, wchar_t *name, DWORD cch)
{
    const struct offline *c = ctx;
    wchar_t folder[MAX_PATH];
    if (!same_folder(windir, c->windir))
        return ERROR_ACCESS_DENIED;
    DOOR(wfmt(folder, COUNTOF(folder), L"%ls\\inf", c->windir));
    DOOR(inf);
    return c->inner->find_staged(c->inner->ctx, windir, inf, name, cch);
}

static DWORD o_unstage_inf(void *ctx, const wchar_t *oem)
{
    const struct offline *c = ctx;
    wchar_t what[MAX_PATH];
    return dism_on_image(c, wfmt(what, COUNTOF(what), L"/Remove-Driver /Driver:%ls", oem));
}

/* Files are the offline Windows' own paths, passed through to the inner backend. Writes
 * land only in its folder or on its boot.ini: a record naming any other path (a journal
 * of an earlier version with the running Windows' C:\WINDOWS in it) is refused, never
 * carried out on the helper. */
static BOOL writable(const struct offline *c, const wchar_t *path)
{
    size_t n = wcslen(c->windir);
    if (wcsstr(path, L"\\..\\") || wcsstr(path, L"/"))
        return FALSE;
    return (_wcsnicmp(path, c->windir, n) == 0 && path[n] == L'\\') ||
           (c->boot.boot_ini[0] && _wcsicmp(path, c->boot.boot_ini) == 0);
}

static DWORD o_path_plain(void *ctx, const wchar_t *p, wchar_t *why, DWORD cch)
{ return INNER->path_plain(INNER->ctx, p, why, cch); }
static DWORD o_list_files(void *ctx, const wchar_t *pattern, struct wbuf *names)
{
    wchar_t dir[MAX_PATH];
    const wchar_t *slash = wcsrchr(pattern, L'\\');
    if (!slash || (size_t)(slash - pattern) >= COUNTOF(dir))
        return ERROR_BAD_PATHNAME;
    wcsncpy(dir, pattern, (size_t)(slash - pattern));
    dir[slash - pattern] = 0;
    DOOR(dir);
    return INNER->list_files(INNER->ctx, pattern, names);
}
static DWORD o_read_file(void *ctx, const wchar_t *p, BYTE **d, DWORD *n)
{
    *d = NULL;
    *n = 0;
    DOOR(p);
    return INNER->read_file(INNER->ctx, p, d, n);
}
static DWORD o_read_cab_file(void *ctx, const wchar_t *cab, const wchar_t *name, BYTE **d, DWORD *n)
{
    *d = NULL;
    *n = 0;
    DOOR(cab);
    return cab_read_file(((const struct offline *)ctx)->windir, cab, name, d, n);
}
static DWORD o_write_file(void *ctx, const wchar_t *p, const BYTE *d, DWORD n)
{
    if (!writable(ctx, p))
        return ERROR_ACCESS_DENIED;
    DOOR(p);
    return INNER->write_file(INNER->ctx, p, d, n);
}
static DWORD o_delete_file(void *ctx, const wchar_t *p)
{
    if (!writable(ctx, p))
        return ERROR_ACCESS_DENIED;
    DOOR(p);
    return INNER->delete_file(INNER->ctx, p);
}
static DWORD o_make_dir(void *ctx, const wchar_t *d)
{
    if (!writable(ctx, d))
        return ERROR_ACCESS_DENIED;
    DOOR(d);
    return INNER->make_dir(INNER->ctx, d);
}
static DWORD o_append_open(void *ctx, const wchar_t *p, BOOL create_new, HANDLE *h)
{
    *h = INVALID_HANDLE_VALUE;
    if (!writable(ctx, p))
        return ERROR_ACCESS_DENIED;
    DOOR(p);
    return INNER->append_open(INNER->ctx, p, create_new, h);
}
static DWORD o_append(void *ctx, HANDLE h, const void *d, DWORD n)
{ return INNER->append(INNER->ctx, h, d, n); }
static void o_append_close(void *ctx, HANDLE h)
{ INNER->append_close(INNER->ctx, h); }
static DWORD o_cut(void *ctx, HANDLE h, DWORD size)
{ return INNER->cut(INNER->ctx, h, size); }

static DWORD o_describe_os(void *ctx, struct os_info *os)
{
    const struct offline *c = ctx;
    struct backend self;
    backend_offline_init(&self, (struct offline *)c);
    struct regval v;
    DWORD cur = 0, *pcur = NULL;
    if (self.read_value(self.ctx, L"SYSTEM\\Select", L"Current", &v) == ERROR_SUCCESS && v.present &&
        v.type == REG_DWORD && v.size == 4) {
        memcpy(&cur, v.data, 4);
        pcur = &cur;
    }
    return offline_probe_os(&self, c, pcur, os);
}

/* What the engine needs of the disk beyond registry and files. */
/* A Windows that is not running has no adapter present: the capture reads its hive only. */
static DWORD o_list_adapters(void *ctx, struct net_live *out, int cap, int *n)
{
    (void)ctx; (void)out; (void)cap;
    *n = 0;
    return ERROR_NOT_SUPPORTED;
}

static DWORD o_describe_disk(void *ctx, struct disk_info *d)
{
    const struct offline *c = ctx;
    memset(d, 0, sizeof *d);
    d->offline = TRUE;
    wcopy(d->boot_ini, COUNTOF(d->boot_ini), c->boot.boot_ini);
    d->actual_partition = c->boot.actual_partition;
    d->numbers_known = c->boot.numbers_known;
    d->dism_found = c->host->find_dism(d->dism, COUNTOF(d->dism));
    d->dism_version_known = d->dism_found && dism_version(d->dism, &d->dism_major, &d->dism_minor);
    return ERROR_SUCCESS;
}

void backend_offline_init(struct backend *b, struct offline *o)
{
    memset(b, 0, sizeof *b);
    b->ctx = o;
    b->describe_disk = o_describe_disk;
    b->list_adapters = o_list_adapters;
    b->key_exists = o_key_exists;
    b->key_plain = o_key_plain;
    b->enum_subkey = o_enum_subkey;
    b->read_value = o_read_value;
    b->enum_value = o_enum_value;
    b->create_key = o_create_key;
    b->delete_key = o_delete_key;
    b->set_value = o_set_value;
    b->delete_value = o_delete_value;
    b->flush_key = o_flush_key;
    b->stage_inf = o_stage_inf;
    b->unstage_inf = o_unstage_inf;
    b->find_staged = o_find_staged;
    b->path_plain = o_path_plain;
    b->list_files = o_list_files;
    b->describe_os = o_describe_os;
    b->read_file = o_read_file;
    b->read_cab_file = o_read_cab_file;
    b->write_file = o_write_file;
    b->delete_file = o_delete_file;
    b->make_dir = o_make_dir;
    b->append_open = o_append_open;
    b->append = o_append;
    b->append_close = o_append_close;
    b->cut = o_cut;
}

/* ---- what the offline Windows is ------------------------------------------------------------ */

/* The file version in a PE's version resource: VS_FIXEDFILEINFO begins with the signature
 * 0xFEEF04BD and the structure version 1.0. Read from the bytes, so that no DLL parses a
 * file of another machine. */
static BOOL file_version(const BYTE *d, DWORD n, DWORD *ms, DWORD *ls)
{
    for (DWORD i = 0; i + 16 <= n; i += 4) {
        DWORD sig, ver;
        memcpy(&sig, d + i, 4);
        memcpy(&ver, d + i + 4, 4);
        if (sig == 0xFEEF04BD && ver == 0x00010000) {
            memcpy(ms, d + i + 8, 4);
            memcpy(ls, d + i + 12, 4);
            return TRUE;
        }
    }
    return FALSE;
}

static BOOL read_sz(const struct backend *b, const wchar_t *key, const wchar_t *name, wchar_t *out, size_t cch)
{
    struct regval v;
    out[0] = 0;
    return b->read_value(b->ctx, key, name, &v) == ERROR_SUCCESS && regval_string(&v, out, cch);
}

DWORD offline_probe_os(const struct backend *b, const struct offline *o, const DWORD *select_current,
                       struct os_info *os)
{
    wchar_t path[MAX_PATH], set[32], key[P2V_KEY_MAX], type[32];
    BYTE *data;
    DWORD size, ms = 0, ls = 0;
    memset(os, 0, sizeof *os);
    os->offline = TRUE;
    wcopy(os->systemroot, COUNTOF(os->systemroot), o->windir);
    DWORD n = COUNTOF(os->helper);
    if (!GetComputerNameW(os->helper, &n))
        wcopy(os->helper, COUNTOF(os->helper), L"unknown");

    /* The kernel tells the version and, by its PE machine, the architecture. */
    wfmt(path, COUNTOF(path), L"%ls\\system32\\ntoskrnl.exe", o->windir);
    DWORD e = b->read_file(b->ctx, path, &data, &size);
    if (e != ERROR_SUCCESS)
        return e;
    WORD machine = 0;
    pe_check_driver(data, size, PE_MACHINE_I386, &machine);
    os->arch = machine == PE_MACHINE_I386 ? ARCH_X86 : machine == PE_MACHINE_AMD64 ? ARCH_X64 : 0;
    if (file_version(data, size, &ms, &ls)) {
        os->major = HIWORD(ms);
        os->minor = LOWORD(ms);
        os->build = HIWORD(ls);
    }
    free(data);

    /* The rest from the hive, in the control set Select\Current names. */
    if (select_current)
        wfmt(set, COUNTOF(set), L"ControlSet%03lu", (unsigned long)*select_current);
    else
        wcopy(set, COUNTOF(set), L"ControlSet001");
    struct regval v;
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Windows", set);
    if (b->read_value(b->ctx, key, L"CSDVersion", &v) == ERROR_SUCCESS && v.present &&
        v.type == REG_DWORD && v.size == 4) {
        DWORD csd;
        memcpy(&csd, v.data, 4);
        os->sp_major = (csd >> 8) & 0xFF;
    }
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\ProductOptions", set);
    if (read_sz(b, key, L"ProductType", type, COUNTOF(type)))
        os->product_type = !_wcsicmp(type, L"WinNT") ? VER_NT_WORKSTATION
                         : !_wcsicmp(type, L"LanmanNT") ? VER_NT_DOMAIN_CONTROLLER
                         : !_wcsicmp(type, L"ServerNT") ? VER_NT_SERVER : 0;
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\ComputerName\\ComputerName", set);
    if (!read_sz(b, key, L"ComputerName", os->computer, COUNTOF(os->computer)))
        wcopy(os->computer, COUNTOF(os->computer), L"unknown");
    return ERROR_SUCCESS;
}

/* ---- find --------------------------------------------------------------------------------------- */

static void survey_found(struct found_windows *f)
{
    struct backend off;
    wchar_t why[2 * MAX_PATH + 128];
    backend_offline_init(&off, &f->o);
    /* a hive reached through a link on the disk is not loaded (pathcheck.h) */
    f->hive_error = path_check(f->o.hive, why, COUNTOF(why));
    if (f->hive_error == ERROR_SUCCESS)
        f->hive_error = offline_mount(&f->o);
    if (f->hive_error != ERROR_SUCCESS) {
        /* version and architecture still come from the kernel file */
        offline_probe_os(&off, &f->o, NULL, &f->os);
        return;
    }
    /* the same enumeration as a run's: ControlSetNNN with three digits, Select's values */
    struct machine *m = machine_new();
    DWORD cur = 0, *pcur = NULL;
    if (m && probe_control_sets(&off, m) == ERROR_SUCCESS) {
        for (int i = 0; i < m->n_sets && wcslen(f->sets) + 15 < COUNTOF(f->sets); i++)
            wfmt(f->sets + wcslen(f->sets), COUNTOF(f->sets) - wcslen(f->sets), L"%ls%ls",
                 f->sets[0] ? L" " : L"", m->sets[i]);
        for (int s = 0; s < SEL_COUNT; s++) {
            if (!m->select_present[s])
                continue;
            if (s == SEL_CURRENT) {
                cur = m->select[s];
                pcur = &cur;
            }
            wfmt(f->select + wcslen(f->select), COUNTOF(f->select) - wcslen(f->select), L"%ls%ls=%lu",
                 f->select[0] ? L" " : L"", select_names[s], (unsigned long)m->select[s]);
        }
    }
    machine_free(m);
    offline_probe_os(&off, &f->o, pcur, &f->os);
    offline_unmount(&f->o);
}

int offline_find_all(const struct backend *b, const struct offline_host *host, struct found_windows *list,
                     int max)
{
    wchar_t letters[26], dir[MAX_PATH];
    int nv = volumes(letters), n = 0;
    for (int i = 0; i < nv && n < max; i++) {
        static const wchar_t *const names[] = { L"Windows", L"WINNT" };
        for (int k = 0; k < 2 && n < max; k++) {
            wfmt(dir, COUNTOF(dir), L"%lc:\\%ls", letters[i], names[k]);
            if (!is_windows_dir(dir) || is_running_windows(dir))
                continue;
            struct found_windows *f = &list[n];
            memset(f, 0, sizeof *f);
            f->o.host = host;
            f->o.inner = b;
            /* the name as the folder has it on disk (WINDOWS, Windows, WINNT) */
            WIN32_FIND_DATAW fd;
            HANDLE h = FindFirstFileW(dir, &fd);
            if (h != INVALID_HANDLE_VALUE) {
                wfmt(dir, COUNTOF(dir), L"%lc:\\%ls", letters[i], fd.cFileName);
                FindClose(h);
            }
            wcopy(f->o.windir, COUNTOF(f->o.windir), dir);
            wfmt(f->o.hive, COUNTOF(f->o.hive), L"%ls\\system32\\config\\SYSTEM", dir);
            boot_link(host, dir, &f->o.boot);
            survey_found(f);
            n++;
            break;   /* Windows and WINNT name the same folder on a case-insensitive volume */
        }
    }
    return n;
}

void offline_describe(const struct found_windows *f, wchar_t *buf, size_t cch)
{
    const struct os_info *os = &f->os;
    const struct offline_boot *bt = &f->o.boot;
    wchar_t boot[700], hive[160];
    if (bt->boot_ini[0])
        wfmt(boot, COUNTOF(boot), L"boots from %ls, default %ls: %ls", bt->boot_ini, bt->arc,
             bt->points_here ? L"points at it"
             : bt->partition > 0 && bt->numbers_known && same_folder(bt->arc_dir, f->o.windir + 2)
                 ? L"WRONG PARTITION NUMBER (see check --offline)"
                 : L"does NOT point at it");
    else if (bt->bcd[0])
        wfmt(boot, COUNTOF(boot), L"BCD store %ls", bt->bcd);
    else
        wcopy(boot, COUNTOF(boot), L"no boot.ini or BCD store found on its disk");
    if (f->hive_error)
        wfmt(hive, COUNTOF(hive), L"hive not readable (error %lu)", (unsigned long)f->hive_error);
    else
        wfmt(hive, COUNTOF(hive), L"%ls; Select %ls", f->sets[0] ? f->sets : L"no control sets",
             f->select[0] ? f->select : L"absent");
    wchar_t name[160];
    wfmt(buf, cch, L"%ls: %ls, %ls, computer %ls; %ls; %ls", f->o.windir, os_info_name(os, name, COUNTOF(name)),
         os_product_text(os->product_type), os->computer[0] ? os->computer : L"unknown", hive, boot);
}
