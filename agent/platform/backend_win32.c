#include "backend.h"
#include <iphlpapi.h>
#include "wow64.h"
#include "dynapi.h"
#include "scratch.h"
#include "secure.h"
#include "pathcheck.h"
#include <setupapi.h>
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct win32_ctx {
    BOOL wow64;
};

/* A 32-bit process on 64-bit Windows must reach the native registry view (wow64.h). */
static REGSAM sam(const struct win32_ctx *c, REGSAM access)
{
    return wow64_registry_access(c->wow64, access);
}

/* File operations on a 64-bit Windows from a 32-bit process would land in SysWOW64:
 * redirection is turned off around each one. */
struct redirect { PVOID old; BOOL off; };

static DWORD redirect_off(const struct win32_ctx *c, struct redirect *r)
{
    r->off = FALSE;
    if (!wow64_redirection_off(c->wow64))
        return ERROR_SUCCESS;
    const struct dynapi *api = dynapi();
    if (!api->Wow64DisableWow64FsRedirection || !api->Wow64RevertWow64FsRedirection)
        return ERROR_PROC_NOT_FOUND;
    if (!api->Wow64DisableWow64FsRedirection(&r->old))
        return GetLastError();
    r->off = TRUE;
    return ERROR_SUCCESS;
}

static void redirect_restore(struct redirect *r)
{
    if (r->off)
        dynapi()->Wow64RevertWow64FsRedirection(r->old);
}

/* The running Windows: version, architecture, Windows folder, computer name. */
static void probe_os(struct os_info *os)
{
    memset(os, 0, sizeof *os);

    /* RtlGetVersion is not subject to GetVersionEx's compatibility shims; the manifest's
     * supportedOS entries keep GetVersionEx truthful where RtlGetVersion is absent (2000). */
    const struct dynapi *api = dynapi();
    p2v_rtl_osversioninfoexw rv;
    memset(&rv, 0, sizeof rv);
    rv.dwOSVersionInfoSize = sizeof rv;
    if (api->RtlGetVersion && api->RtlGetVersion(&rv) == 0) {
        os->major = rv.dwMajorVersion;
        os->minor = rv.dwMinorVersion;
        os->build = rv.dwBuildNumber;
        os->sp_major = rv.wServicePackMajor;
        os->product_type = rv.wProductType;
    } else {
        OSVERSIONINFOEXW v;
        memset(&v, 0, sizeof v);
        v.dwOSVersionInfoSize = sizeof v;
        if (GetVersionExW((OSVERSIONINFOW *)&v)) {
            os->major = v.dwMajorVersion;
            os->minor = v.dwMinorVersion;
            os->build = v.dwBuildNumber;
            os->sp_major = v.wServicePackMajor;
            os->product_type = v.wProductType;
        }
    }

    SYSTEM_INFO si;
    memset(&si, 0, sizeof si);
    if (api->GetNativeSystemInfo)
        api->GetNativeSystemInfo(&si);
    else
        GetSystemInfo(&si);
    if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL)
        os->arch = ARCH_X86;
    else if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64)
        os->arch = ARCH_X64;

    BOOL wow = FALSE;
    if (api->IsWow64Process && api->IsWow64Process(GetCurrentProcess(), &wow))
        os->wow64 = wow;
    /* WOW64 means a 64-bit Windows; "x86" then is an emulating ARM64 one, where drivers
     * for x86 would not load: unsupported rather than wrong. */
    if (os->wow64 && os->arch == ARCH_X86)
        os->arch = 0;

    /* The system's own Windows folder, not the per-user one Terminal Services may give
     * GetWindowsDirectory; on the seed's server it is D:\WINDOWS. */
    if (!GetSystemWindowsDirectoryW(os->systemroot, COUNTOF(os->systemroot)))
        os->systemroot[0] = 0;
    DWORD n = COUNTOF(os->computer);
    if (!GetComputerNameW(os->computer, &n))
        wcopy(os->computer, COUNTOF(os->computer), L"unknown");
}

/* ---- registry links ----
 * A key can be a symbolic link to anywhere in the registry (REG_OPTION_CREATE_LINK, value
 * SymbolicLinkValue). A converted disk's hive is attacker data: a Services\symmpi that links
 * to a key of the helper would send apply's writes there, and whether Windows follows a
 * link out of a hive loaded with RegLoadKey depends on its trust checks. So before a key is
 * written, created or deleted, every level of its path is opened as itself
 * (REG_OPTION_OPEN_LINK) and one that is a link is refused: ERROR_UNTRUSTED_MOUNT_POINT.
 * Levels found plain are remembered until a key is deleted or the keys are released. */
#define P2V_REG_OPTION_OPEN_LINK 0x8
#define LINK_CHECKED_MAX 32
static wchar_t link_checked[LINK_CHECKED_MAX][P2V_KEY_MAX];
static int n_link_checked;

static BOOL level_known_plain(const wchar_t *level)
{
    for (int i = 0; i < n_link_checked; i++)
        if (!_wcsicmp(link_checked[i], level))
            return TRUE;
    return FALSE;
}

static DWORD no_link_on_the_way(const struct win32_ctx *c, const wchar_t *key)
{
    wchar_t level[P2V_KEY_MAX];
    if (!wcopy(level, COUNTOF(level), key))
        return ERROR_BUFFER_OVERFLOW;
    size_t n = wcslen(level);
    for (size_t end = 0; end <= n; end++) {
        if (end < n && level[end] != L'\\')
            continue;
        wchar_t keep = level[end];
        level[end] = 0;
        DWORD e = ERROR_SUCCESS;
        if (!level_known_plain(level)) {
            HKEY h;
            e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, level, P2V_REG_OPTION_OPEN_LINK, sam(c, KEY_QUERY_VALUE), &h);
            if (e == ERROR_SUCCESS) {
                DWORD type = 0, size = 0;
                LONG q = RegQueryValueExW(h, L"SymbolicLinkValue", NULL, &type, NULL, &size);
                RegCloseKey(h);
                if (q == ERROR_SUCCESS && type == REG_LINK)
                    e = ERROR_UNTRUSTED_MOUNT_POINT;
                else if (n_link_checked < LINK_CHECKED_MAX)
                    wcscpy(link_checked[n_link_checked++], level);
            } else if (e == ERROR_FILE_NOT_FOUND) {
                e = ERROR_SUCCESS;   /* from here on, levels this call creates */
                end = n;
            }
        }
        level[end] = keep;
        if (e != ERROR_SUCCESS)
            return e;
    }
    return ERROR_SUCCESS;
}

/* The last key opened for reading and the last opened for writing stay open for the next
 * call on the same key: apply reads a value right before it sets it, and the survey reads
 * one key's values in a row, so most calls skip an open and a close (each a round trip to
 * the registry). A handle is reused only with the rights a fresh open would have asked for,
 * and a key deleted meanwhile (ERROR_KEY_DELETED) is opened afresh, so every call sees what
 * a fresh open would. backend_win32_release closes them (before a hive is unloaded). The
 * backend is used from one thread at a time. */
struct open_key {
    HKEY h;                       /* NULL: none */
    REGSAM sam;
    wchar_t key[P2V_KEY_MAX];
};
static struct open_key kept[2];   /* 0: reading, 1: writing */

static void kept_close(struct open_key *k)
{
    if (k->h)
        RegCloseKey(k->h);
    k->h = NULL;
}

void backend_win32_release(void)
{
    kept_close(&kept[0]);
    kept_close(&kept[1]);
    n_link_checked = 0;
}

/* An open handle to HKLM\key with at least the rights access (through sam()), kept in
 * slot; fresh: do not reuse what is kept. */
static DWORD kept_open(const struct win32_ctx *c, int slot, const wchar_t *key, REGSAM access, BOOL fresh,
                       HKEY *h)
{
    struct open_key *k = &kept[slot];
    REGSAM want = sam(c, access);
    if (!fresh && k->h && (k->sam & want) == want && _wcsicmp(k->key, key) == 0) {
        *h = k->h;
        return ERROR_SUCCESS;
    }
    kept_close(k);
    DWORD e = slot == 1 ? no_link_on_the_way(c, key) : ERROR_SUCCESS;
    if (e == ERROR_SUCCESS)
        e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, want, h);
    if (e != ERROR_SUCCESS)
        return e;
    if (wcslen(key) < COUNTOF(k->key)) {   /* longer names are not kept */
        k->h = *h;
        k->sam = want;
        wcscpy(k->key, key);
    }
    return ERROR_SUCCESS;
}

/* Closes h unless it is kept. */
static void kept_done(HKEY h)
{
    if (h != kept[0].h && h != kept[1].h)
        RegCloseKey(h);
}

static DWORD w_describe_os(void *ctx, struct os_info *os)
{
    (void)ctx;
    probe_os(os);
    return ERROR_SUCCESS;
}

/* The running Windows: no disk of its own to describe. */
/* IP Helper's adapter list (Windows 2000 and later), iphlpapi loaded from System32 by its
 * full path: it is no KnownDLL. AdapterName is the adapter's instance GUID. */
static DWORD w_list_adapters(void *ctx, struct net_live *out, int cap, int *n)
{
    typedef DWORD (WINAPI *get_adapters_info)(IP_ADAPTER_INFO *, ULONG *);
    (void)ctx;
    *n = 0;
    HMODULE dll = system_dll(L"iphlpapi.dll");
    get_adapters_info get = dll ? (get_adapters_info)(void *)GetProcAddress(dll, "GetAdaptersInfo") : NULL;
    if (!get)
        return ERROR_PROC_NOT_FOUND;
    ULONG size = 0;
    DWORD e = get(NULL, &size);
    if (e == ERROR_NO_DATA)
        return ERROR_SUCCESS;   /* no adapter at all */
    IP_ADAPTER_INFO *list = NULL;
    for (int tries = 0; tries < 3 && e == ERROR_BUFFER_OVERFLOW; tries++) {
        free(list);
        if (!(list = malloc(size)))
            return ERROR_NOT_ENOUGH_MEMORY;
        e = get(list, &size);
    }
    if (e == ERROR_NO_DATA)
        e = ERROR_SUCCESS;
    for (IP_ADAPTER_INFO *a = e == ERROR_SUCCESS ? list : NULL; a && *n < cap; a = a->Next) {
        struct net_live *l = &out[(*n)++];
        memset(l, 0, sizeof *l);
        MultiByteToWideChar(CP_ACP, 0, a->AdapterName, -1, l->guid, COUNTOF(l->guid));
        MultiByteToWideChar(CP_ACP, 0, a->Description, -1, l->desc, COUNTOF(l->desc));
        l->guid[COUNTOF(l->guid) - 1] = l->desc[COUNTOF(l->desc) - 1] = 0;
        l->mac_len = a->AddressLength <= sizeof l->mac ? a->AddressLength : 0;
        memcpy(l->mac, a->Address, l->mac_len);
    }
    free(list);
    return e;
}

static DWORD w_describe_disk(void *ctx, struct disk_info *d)
{
    (void)ctx;
    memset(d, 0, sizeof *d);
    d->actual_partition = -1;
    return ERROR_SUCCESS;
}

static DWORD w_key_exists(void *ctx, const wchar_t *key)
{
    HKEY h;
    DWORD e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, sam(ctx, KEY_READ), &h);
    if (e == ERROR_SUCCESS)
        RegCloseKey(h);
    return e;
}

static DWORD w_enum_subkey(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch)
{
    HKEY h;
    DWORD e, n = cch;
    for (int fresh = 0; fresh < 2; fresh++) {
        if ((e = kept_open(ctx, 0, key, KEY_READ, fresh, &h)) != ERROR_SUCCESS)
            return e;
        n = cch;
        e = RegEnumKeyExW(h, index, name, &n, NULL, NULL, NULL, NULL);
        kept_done(h);
        if (e != ERROR_KEY_DELETED)
            break;
    }
    return e;
}

/* What a RegQueryValueExW into REGVAL_MAX bytes said, as read_value reports it. */
static DWORD read_result(DWORD e, DWORD size, struct regval *out)
{
    if (e == ERROR_MORE_DATA) {
        out->present = out->truncated = TRUE;
        out->size = size;
        e = ERROR_SUCCESS;
    } else if (e == ERROR_SUCCESS) {
        out->present = TRUE;
        out->size = size;
    } else if (e == ERROR_FILE_NOT_FOUND) {
        e = ERROR_SUCCESS;
    }
    return e;
}

static DWORD w_read_value(void *ctx, const wchar_t *key, const wchar_t *name, struct regval *out)
{
    HKEY h;
    DWORD e = ERROR_SUCCESS;
    for (int fresh = 0; fresh < 2; fresh++) {
        memset(out, 0, sizeof *out);
        e = kept_open(ctx, 0, key, KEY_QUERY_VALUE, fresh, &h);
        if (e == ERROR_FILE_NOT_FOUND)
            return ERROR_SUCCESS;   /* absent */
        if (e != ERROR_SUCCESS)
            return e;
        DWORD size = REGVAL_MAX;
        e = RegQueryValueExW(h, name, NULL, &out->type, out->data, &size);
        if (e == ERROR_KEY_DELETED) {
            kept_done(h);
            continue;
        }
        e = read_result(e, size, out);
        kept_done(h);
        break;
    }
    return e;
}

static DWORD w_enum_value(void *ctx, const wchar_t *key, DWORD index, wchar_t *name, DWORD cch,
                          struct regval *out)
{
    HKEY h;
    DWORD e = ERROR_SUCCESS, size = 0, name_cch;
    for (int fresh = 0;; fresh++) {
        memset(out, 0, sizeof *out);
        if ((e = kept_open(ctx, 0, key, KEY_QUERY_VALUE, fresh, &h)) != ERROR_SUCCESS)
            return e;
        size = REGVAL_MAX;
        name_cch = cch;
        e = RegEnumValueW(h, index, name, &name_cch, NULL, &out->type, out->data, &size);
        if (e != ERROR_KEY_DELETED || fresh)
            break;
        kept_done(h);   /* deleted since it was kept: once more, opened afresh */
    }
    if (e == ERROR_MORE_DATA) {
        /* the name alone, to tell a long name (an error) from long data (truncated) */
        name_cch = cch;
        DWORD type;
        e = RegEnumValueW(h, index, name, &name_cch, NULL, &type, NULL, NULL);
        if (e == ERROR_SUCCESS)
            out->truncated = TRUE;
    }
    if (e == ERROR_SUCCESS) {
        out->present = TRUE;
        out->size = size;
    }
    kept_done(h);
    return e;
}

static DWORD w_key_plain(void *ctx, const wchar_t *key)
{
    return no_link_on_the_way(ctx, key);
}

static DWORD w_create_key(void *ctx, const wchar_t *key)
{
    HKEY h;
    DWORD e = no_link_on_the_way(ctx, key);
    if (e != ERROR_SUCCESS)
        return e;
    e = RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, REG_OPTION_NON_VOLATILE,
                              sam(ctx, KEY_WRITE), NULL, &h, NULL);
    if (e == ERROR_SUCCESS)
        RegCloseKey(h);
    return e;
}

static DWORD w_delete_key(void *ctx, const wchar_t *key)
{
    const wchar_t *slash = wcsrchr(key, L'\\');
    wchar_t parent[P2V_KEY_MAX];
    HKEY h;
    if (!slash || !wcopy(parent, COUNTOF(parent), key))
        return ERROR_INVALID_PARAMETER;
    parent[slash - key] = 0;
    backend_win32_release();   /* no handle is kept to a key that is gone */
    DWORD e = no_link_on_the_way(ctx, key);   /* the key itself too: a link is never followed */
    if (e == ERROR_SUCCESS)
        e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, parent, 0, sam(ctx, KEY_WRITE), &h);
    if (e != ERROR_SUCCESS)
        return e;
    e = RegDeleteKeyW(h, slash + 1);
    RegCloseKey(h);
    return e;
}

static DWORD w_set_value(void *ctx, const wchar_t *key, const wchar_t *name, const struct regval *v)
{
    HKEY h;
    DWORD e = ERROR_SUCCESS;
    if (v->truncated)
        return ERROR_INVALID_DATA;
    for (int fresh = 0; fresh < 2; fresh++) {
        if ((e = kept_open(ctx, 1, key, KEY_SET_VALUE, fresh, &h)) != ERROR_SUCCESS)
            return e;
        e = RegSetValueExW(h, name, 0, v->type, v->data, v->size);
        kept_done(h);
        if (e != ERROR_KEY_DELETED)
            break;
    }
    return e;
}

static DWORD w_delete_value(void *ctx, const wchar_t *key, const wchar_t *name)
{
    HKEY h;
    DWORD e = ERROR_SUCCESS;
    for (int fresh = 0; fresh < 2; fresh++) {
        if ((e = kept_open(ctx, 1, key, KEY_SET_VALUE, fresh, &h)) != ERROR_SUCCESS)
            return e;
        e = RegDeleteValueW(h, name);
        kept_done(h);
        if (e != ERROR_KEY_DELETED)
            break;
    }
    return e;
}

static DWORD w_flush_key(void *ctx, const wchar_t *key)
{
    HKEY h;
    DWORD e = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, sam(ctx, KEY_READ), &h);
    if (e != ERROR_SUCCESS)
        return e;
    e = RegFlushKey(h);
    RegCloseKey(h);
    return e;
}

/* Drivers are small; anything larger than this is not one we copy. */
#define FILE_MAX (64u << 20)

static DWORD w_read_file(void *ctx, const wchar_t *path, BYTE **data, DWORD *size)
{
    struct redirect r;
    *data = NULL;
    *size = 0;
    DWORD e = redirect_off(ctx, &r);
    if (e != ERROR_SUCCESS)
        return e;
    /* FILE_SHARE_WRITE: a journal is read while this run holds it open to append */
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    e = f == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
    redirect_restore(&r);
    if (e != ERROR_SUCCESS)
        return e == ERROR_PATH_NOT_FOUND ? ERROR_FILE_NOT_FOUND : e;
    DWORD high = 0, n = GetFileSize(f, &high), got = 0;
    if (high || n > FILE_MAX) {
        CloseHandle(f);
        return ERROR_FILE_TOO_LARGE;
    }
    BYTE *buf = malloc(n ? n : 1);
    if (!buf) {
        CloseHandle(f);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!ReadFile(f, buf, n, &got, NULL) || got != n) {
        e = GetLastError() ? GetLastError() : ERROR_READ_FAULT;
        free(buf);
        CloseHandle(f);
        return e;
    }
    CloseHandle(f);
    *data = buf;
    *size = n;
    return ERROR_SUCCESS;
}

/* Attributes a replaced file keeps: boot.ini is read-only, hidden and system, and a
 * read-only old driver must not make the copy fail. */
#define KEPT_ATTRIBUTES (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | \
                         FILE_ATTRIBUTE_ARCHIVE)

/* The security descriptor of the file a write replaces: its DACL (and whether that is
 * protected from inheritance) and its owner. NULL when there is no such file or it cannot
 * be read; free() it. */
static PSECURITY_DESCRIPTOR file_security(const wchar_t *path)
{
    const SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION;
    DWORD n = 0;
    if (GetFileSecurityW(path, what, NULL, 0, &n) || GetLastError() != ERROR_INSUFFICIENT_BUFFER ||
        n == 0 || n > 65536)
        return NULL;
    PSECURITY_DESCRIPTOR sd = malloc(n);
    if (sd && !GetFileSecurityW(path, what, sd, n, &n)) {
        free(sd);
        sd = NULL;
    }
    return sd;
}

/* Puts the replaced file's DACL, and its owner where this process may set it (the restore
 * privilege; TrustedInstaller owns inbox drivers on Vista and later), on the new file. A
 * file made new would otherwise take the folder's inherited DACL: rollback would leave a
 * driver with other rights than it had. Best effort: the bytes are what matters to boot. */
static void file_security_keep(const wchar_t *path, PSECURITY_DESCRIPTOR sd)
{
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision;
    BOOL present = FALSE, defaulted;
    PACL dacl = NULL;
    if (!GetSecurityDescriptorControl(sd, &control, &revision) ||
        !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) || !present)
        return;
    SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION |
        ((control & SE_DACL_PROTECTED) ? PROTECTED_DACL_SECURITY_INFORMATION
                                       : UNPROTECTED_DACL_SECURITY_INFORMATION);
    SetFileSecurityW(path, what, sd);
    SetFileSecurityW(path, OWNER_SECURITY_INFORMATION, sd);
}

static DWORD w_write_file(void *ctx, const wchar_t *path, const BYTE *data, DWORD size)
{
    wchar_t tmp[MAX_PATH + 40];
    struct redirect r;
    DWORD done = 0, e = redirect_off(ctx, &r);
    if (e != ERROR_SUCCESS)
        return e;
    /* a new file of an unguessable name: the root of an offline disk's system partition
     * (boot.ini) lets ordinary users create files, and a link planted under a fixed name
     * would make SYSTEM write through it */
    HANDLE f = INVALID_HANDLE_VALUE;
    for (int tries = 0; tries < 8 && f == INVALID_HANDLE_VALUE; tries++) {
        wchar_t rnd[17];
        secure_random_hex(rnd, 16);
        wfmt(tmp, COUNTOF(tmp), L"%ls.%ls.p2vprep-new", path, rnd);
        f = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS)
            break;
    }
    if (f == INVALID_HANDLE_VALUE) {
        e = GetLastError();
    } else {
        if (!WriteFile(f, data, size, &done, NULL) || done != size || !FlushFileBuffers(f))
            e = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
        CloseHandle(f);
        DWORD attrs = GetFileAttributesW(path);
        BOOL keep = attrs != INVALID_FILE_ATTRIBUTES && (attrs & (FILE_ATTRIBUTE_READONLY |
                    FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM));
        if (e == ERROR_SUCCESS && keep && !SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL))
            e = GetLastError();
        PSECURITY_DESCRIPTOR sd = e == ERROR_SUCCESS ? file_security(path) : NULL;
        if (e == ERROR_SUCCESS &&
            !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            e = GetLastError();
        if (e == ERROR_SUCCESS && sd)   /* after the move: this process owns the new file */
            file_security_keep(path, sd);
        free(sd);
        if (keep)   /* on the new file, or back on the old one when the move failed */
            SetFileAttributesW(path, attrs & KEPT_ATTRIBUTES);
        if (e != ERROR_SUCCESS)
            DeleteFileW(tmp);
    }
    redirect_restore(&r);
    return e;
}

static DWORD w_delete_file(void *ctx, const wchar_t *path)
{
    struct redirect r;
    DWORD e = redirect_off(ctx, &r);
    if (e != ERROR_SUCCESS)
        return e;
    if (!DeleteFileW(path))
        e = GetLastError();
    redirect_restore(&r);
    return e;
}

static DWORD w_path_plain(void *ctx, const wchar_t *path, wchar_t *why, DWORD cch)
{
    struct redirect r;
    DWORD e = redirect_off(ctx, &r);
    if (e != ERROR_SUCCESS)
        return e;
    e = path_check(path, why, cch);
    redirect_restore(&r);
    return e;
}

static DWORD w_list_files(void *ctx, const wchar_t *pattern, struct wbuf *names)
{
    struct redirect r;
    WIN32_FIND_DATAW fd;
    DWORD e = redirect_off(ctx, &r);
    if (e != ERROR_SUCCESS)
        return e;
    HANDLE h = FindFirstFileW(pattern, &fd);
    e = h == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
    redirect_restore(&r);
    if (e == ERROR_FILE_NOT_FOUND || e == ERROR_NO_MORE_FILES)
        return ERROR_SUCCESS;
    if (e != ERROR_SUCCESS)
        return e;
    do {
        if (!(fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT))) {
            wbuf_add(names, fd.cFileName);
            wbuf_add(names, L"\n");
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return names->ok ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- cabinets: Windows 2000/XP/2003 keep many inbox drivers only in driver.cab ---- */

struct cab_search {
    const wchar_t *name;
    wchar_t target[MAX_PATH];
    BOOL found;
};

static UINT CALLBACK cab_callback(PVOID context, UINT notification, UINT_PTR param1, UINT_PTR param2)
{
    struct cab_search *s = context;
    (void)param2;
    if (notification == SPFILENOTIFY_FILEINCABINET) {
        FILE_IN_CABINET_INFO_W *info = (FILE_IN_CABINET_INFO_W *)param1;
        const wchar_t *base = wcsrchr(info->NameInCabinet, L'\\');
        base = base ? base + 1 : info->NameInCabinet;
        if (s->found || _wcsicmp(base, s->name) != 0)
            return FILEOP_SKIP;
        wcopy(info->FullTargetName, COUNTOF(info->FullTargetName), s->target);
        s->found = TRUE;
        return FILEOP_DOIT;
    }
    return NO_ERROR;
}

DWORD cab_read_file(const wchar_t *scratch_windir, const wchar_t *cab, const wchar_t *name, BYTE **data,
                    DWORD *size)
{
    struct cab_search s = { .name = name };
    wchar_t dir[MAX_PATH];
    *data = NULL;
    *size = 0;
    if (GetFileAttributesW(cab) == INVALID_FILE_ATTRIBUTES)
        return ERROR_FILE_NOT_FOUND;
    if (!scratch_dir_create(scratch_windir, L"cab", dir, COUNTOF(dir)))
        return GetLastError() ? GetLastError() : ERROR_PATH_NOT_FOUND;
    wfmt(s.target, COUNTOF(s.target), L"%ls\\%ls", dir, name);
    DWORD e = ERROR_SUCCESS;
    const struct setupapi *sa = setupapi();
    if (!sa) {
        scratch_dir_remove(dir);
        return ERROR_MOD_NOT_FOUND;
    }
    if (!sa->SetupIterateCabinetW(cab, 0, cab_callback, &s))
        e = GetLastError() ? GetLastError() : ERROR_INVALID_DATA;
    if (e == ERROR_SUCCESS && !s.found)
        e = ERROR_FILE_NOT_FOUND;
    if (e == ERROR_SUCCESS) {
        struct win32_ctx plain = { FALSE };   /* the temp folder is never redirected */
        e = w_read_file(&plain, s.target, data, size);
    }
    scratch_dir_remove(dir);
    return e;
}

static DWORD w_read_cab_file(void *ctx, const wchar_t *cab, const wchar_t *name, BYTE **data, DWORD *size)
{
    (void)ctx;
    return cab_read_file(NULL, cab, name, data, size);
}

/* ---- driver packages (Windows 8 and later) ---- */

static DWORD w_stage_inf(void *ctx, const wchar_t *inf, wchar_t *oem, DWORD cch)
{
    wchar_t dest[MAX_PATH];
    PWSTR component = NULL;
    (void)ctx;
    /* NOOVERWRITE: an INF Windows already has is reported (ERROR_FILE_EXISTS), not taken
     * over, so rollback never removes a package that was there before */
    const struct setupapi *sa = setupapi();
    if (!sa)
        return ERROR_MOD_NOT_FOUND;
    if (!sa->SetupCopyOEMInfW(inf, NULL, SPOST_PATH, SP_COPY_NOOVERWRITE, dest, COUNTOF(dest), NULL,
                          &component))
        return GetLastError();
    wcopy(oem, cch, component ? component : dest);
    return ERROR_SUCCESS;
}

static DWORD w_find_staged(void *ctx, const wchar_t *windir, const wchar_t *inf, wchar_t *name, DWORD cch)
{
    BYTE *want, *have;
    DWORD n, m;
    wchar_t pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW fd;
    DWORD result = ERROR_NOT_FOUND;
    DWORD e = w_read_file(ctx, inf, &want, &n);
    if (e != ERROR_SUCCESS)
        return e;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\inf\\*.inf", windir);
    struct redirect r;
    HANDLE h = INVALID_HANDLE_VALUE;
    if (redirect_off(ctx, &r) == ERROR_SUCCESS) {
        h = FindFirstFileW(pattern, &fd);
        redirect_restore(&r);
    }
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if ((fd.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) ||
                fd.nFileSizeHigh || fd.nFileSizeLow != n)
                continue;
            wfmt(path, COUNTOF(path), L"%ls\\inf\\%ls", windir, fd.cFileName);
            if (w_read_file(ctx, path, &have, &m) != ERROR_SUCCESS)
                continue;
            if (m == n && memcmp(have, want, n) == 0 && wcopy(name, cch, fd.cFileName))
                result = ERROR_SUCCESS;
            free(have);
        } while (result != ERROR_SUCCESS && FindNextFileW(h, &fd));
        FindClose(h);
    }
    free(want);
    return result;
}

static DWORD w_unstage_inf(void *ctx, const wchar_t *oem)
{
    const struct setupapi *api = setupapi();
    (void)ctx;
    /* Forced: the package was staged for a controller this machine does not have, so no
     * device here uses it; without the flag some Windows keep it anyway. */
    if (api && api->SetupUninstallOEMInfW)
        return api->SetupUninstallOEMInfW(oem, 0x1 /* SUOI_FORCEDELETE */, NULL) ? ERROR_SUCCESS
                                                                                : GetLastError();
    /* Windows 2000 has no uninstall call: the staged package is the INF and its PNF. */
    wchar_t root[MAX_PATH], path[MAX_PATH];
    if (!GetSystemWindowsDirectoryW(root, COUNTOF(root)))
        return GetLastError();
    wfmt(path, COUNTOF(path), L"%ls\\inf\\%ls", root, oem);
    if (!DeleteFileW(path))
        return GetLastError();
    size_t n = wcslen(path);
    if (n > 3) {
        wcscpy(path + n - 3, L"pnf");
        DeleteFileW(path);
    }
    return ERROR_SUCCESS;
}

/* ---- the state folder ---- */

/* Only the state folder and its subfolders are made here: SYSTEM and Administrators only. */
static DWORD w_make_dir(void *ctx, const wchar_t *dir)
{
    (void)ctx;
    return secure_dir_create(dir) ? ERROR_SUCCESS : GetLastError();
}

static DWORD w_append_open(void *ctx, const wchar_t *path, BOOL create_new, HANDLE *h)
{
    (void)ctx;
    *h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, create_new ? CREATE_NEW : OPEN_EXISTING,
                     FILE_ATTRIBUTE_NORMAL, NULL);
    if (*h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!create_new && SetFilePointer(*h, 0, NULL, FILE_END) == INVALID_SET_FILE_POINTER &&
        GetLastError() != NO_ERROR) {
        DWORD e = GetLastError();
        CloseHandle(*h);
        *h = INVALID_HANDLE_VALUE;
        return e;
    }
    return ERROR_SUCCESS;
}

static DWORD w_append(void *ctx, HANDLE h, const void *data, DWORD size)
{
    DWORD done = 0;
    (void)ctx;
    if (!WriteFile(h, data, size, &done, NULL) || done != size || !FlushFileBuffers(h))
        return GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
    return ERROR_SUCCESS;
}

static DWORD w_cut(void *ctx, HANDLE h, DWORD size)
{
    (void)ctx;
    if ((SetFilePointer(h, (LONG)size, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER &&
         GetLastError() != NO_ERROR) || !SetEndOfFile(h) || !FlushFileBuffers(h))
        return GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
    return ERROR_SUCCESS;
}

static void w_append_close(void *ctx, HANDLE h)
{
    (void)ctx;
    if (h && h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

/* One context per view: a backend made for another view (offline's DISM read, with
 * redirection left on for Sysnative) never changes the one the run uses. */
static struct win32_ctx contexts[2] = { { FALSE }, { TRUE } };

void backend_win32_init(struct backend *b, BOOL wow64)
{
    *b = (struct backend){
        .ctx = &contexts[wow64 ? 1 : 0],
        .describe_os = w_describe_os,
        .describe_disk = w_describe_disk,
        .list_adapters = w_list_adapters,
        .key_exists = w_key_exists,
        .enum_subkey = w_enum_subkey,
        .read_value = w_read_value,
        .enum_value = w_enum_value,
        .read_cab_file = w_read_cab_file,
        .stage_inf = w_stage_inf,
        .unstage_inf = w_unstage_inf,
        .find_staged = w_find_staged,
        .key_plain = w_key_plain,
        .path_plain = w_path_plain,
        .list_files = w_list_files,
        .read_file = w_read_file,
        .create_key = w_create_key,
        .delete_key = w_delete_key,
        .set_value = w_set_value,
        .delete_value = w_delete_value,
        .write_file = w_write_file,
        .delete_file = w_delete_file,
        .flush_key = w_flush_key,
        .make_dir = w_make_dir,
        .append_open = w_append_open,
        .append = w_append,
        .append_close = w_append_close,
        .cut = w_cut,
    };
}
