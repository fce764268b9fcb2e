#include "fixture.h"
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define KEY_NATIVE 0x0100 /* KEY_WOW64_64KEY: a 32-bit test on 64-bit Wine shapes the native view */

static REGSAM native(REGSAM sam)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    return sam | (wow ? KEY_NATIVE : 0);
}

static void die(const char *what, const wchar_t *detail, LONG e)
{
    fprintf(stderr, "fixture: %s %ls failed: %ld\n", what, detail ? detail : L"", e);
    exit(99);
}

static HKEY create(HKEY root, const wchar_t *key)
{
    HKEY h;
    LONG e = RegCreateKeyExW(root, key, 0, NULL, 0, native(KEY_ALL_ACCESS), NULL, &h, NULL);
    if (e)
        die("RegCreateKeyExW", key, e);
    return h;
}

static void set_raw(HKEY root, const wchar_t *key, const wchar_t *name, DWORD type,
                    const void *data, DWORD size)
{
    HKEY h = create(root, key);
    LONG e = RegSetValueExW(h, name, 0, type, data, size);
    if (e)
        die("RegSetValueExW", name, e);
    RegCloseKey(h);
}

void fx_set_dword(const wchar_t *key, const wchar_t *name, DWORD d)
{
    set_raw(HKEY_LOCAL_MACHINE, key, name, REG_DWORD, &d, sizeof d);
}

void fx_set_sz(const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s)
{
    DWORD size = (DWORD)((wcslen(s) + 1) * sizeof(wchar_t));
    if (type == REG_MULTI_SZ) {   /* s holds strings separated by '|' */
        wchar_t buf[1024];
        size_t n = wcslen(s);
        memcpy(buf, s, (n + 1) * sizeof(wchar_t));
        for (size_t i = 0; i < n; i++)
            if (buf[i] == L'|')
                buf[i] = 0;
        buf[n + 1] = 0;
        set_raw(HKEY_LOCAL_MACHINE, key, name, type, buf, (DWORD)((n + 2) * sizeof(wchar_t)));
        return;
    }
    set_raw(HKEY_LOCAL_MACHINE, key, name, type, s, size);
}

BOOL fx_get(const wchar_t *key, const wchar_t *name, DWORD *type, BYTE *data, DWORD *size)
{
    HKEY h;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, native(KEY_READ), &h))
        return FALSE;
    LONG e = RegQueryValueExW(h, name, NULL, type, data, size);
    RegCloseKey(h);
    return e == ERROR_SUCCESS;
}

BOOL fx_get_dword(const wchar_t *key, const wchar_t *name, DWORD *d)
{
    DWORD type, size = sizeof *d;
    return fx_get(key, name, &type, (BYTE *)d, &size) && type == REG_DWORD;
}

BOOL fx_key_exists(const wchar_t *key)
{
    HKEY h;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, native(KEY_READ), &h))
        return FALSE;
    RegCloseKey(h);
    return TRUE;
}

void fx_delete_tree(HKEY root, const wchar_t *key)
{
    HKEY h;
    wchar_t sub[256];
    if (RegOpenKeyExW(root, key, 0, native(KEY_ALL_ACCESS), &h))
        return;
    for (;;) {
        DWORD n = 256;
        if (RegEnumKeyExW(h, 0, sub, &n, NULL, NULL, NULL, NULL))
            break;
        wchar_t child[1024];
        swprintf(child, 1024, L"%ls\\%ls", key, sub);
        fx_delete_tree(root, child);
    }
    RegCloseKey(h);
    /* in the native view: a 32-bit test under WOW64 would delete SOFTWARE's 32-bit copy */
    typedef LONG (WINAPI *delete_ex_fn)(HKEY, LPCWSTR, REGSAM, DWORD);
    delete_ex_fn delete_ex = (delete_ex_fn)(void *)GetProcAddress(GetModuleHandleW(L"advapi32.dll"), "RegDeleteKeyExW");
    if (delete_ex)
        delete_ex(root, key, native(0), 0);
    else
        RegDeleteKeyW(root, key);
}

static void dump(HKEY root, const wchar_t *key, FILE *unused, wchar_t **out, size_t *len, size_t *cap);

static void append(wchar_t **out, size_t *len, size_t *cap, const wchar_t *s)
{
    size_t n = wcslen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *out = realloc(*out, *cap * sizeof(wchar_t));
    }
    memcpy(*out + *len, s, (n + 1) * sizeof(wchar_t));
    *len += n;
}

static void dump(HKEY root, const wchar_t *key, FILE *unused, wchar_t **out, size_t *len, size_t *cap)
{
    HKEY h;
    DWORD max_name = 0, max_data = 0;
    (void)unused;
    if (RegOpenKeyExW(root, key, 0, native(KEY_READ), &h))
        return;
    wchar_t *line = malloc((wcslen(key) + 8) * sizeof(wchar_t));
    swprintf(line, wcslen(key) + 8, L"[%ls]\n", key);
    append(out, len, cap, line);
    free(line);
    /* every value whole, whatever its size: a dump that cut long data would hide a change */
    RegQueryInfoKeyW(h, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &max_name, &max_data, NULL, NULL);
    wchar_t *name = malloc((max_name + 2) * sizeof(wchar_t));
    BYTE *data = malloc(max_data + 1);
    size_t line_cch = max_name + 2 * (size_t)max_data + 64;
    line = malloc(line_cch * sizeof(wchar_t));
    for (DWORD i = 0;; i++) {
        DWORD n = max_name + 1, size = max_data, type;
        LONG e = RegEnumValueW(h, i, name, &n, NULL, &type, data, &size);
        if (e == ERROR_MORE_DATA) {
            fprintf(stderr, "fixture: a value of %ls grew while it was dumped\n", key);
            exit(99);
        }
        if (e)
            break;
        int pos = swprintf(line, line_cch, L"  \"%ls\" type=%lu data=", name, type);
        for (DWORD k = 0; k < size; k++)
            pos += swprintf(line + pos, line_cch - pos, L"%02x", data[k]);
        swprintf(line + pos, line_cch - pos, L"\n");
        append(out, len, cap, line);
    }
    free(line);
    free(name);
    free(data);
    for (DWORD i = 0;; i++) {
        wchar_t sub[256], child[1024];
        DWORD n = 256;
        if (RegEnumKeyExW(h, i, sub, &n, NULL, NULL, NULL, NULL))
            break;
        swprintf(child, 1024, L"%ls\\%ls", key, sub);
        dump(root, child, NULL, out, len, cap);
    }
    RegCloseKey(h);
}

wchar_t *fx_export(const wchar_t *key)
{
    wchar_t *out = NULL;
    size_t len = 0, cap = 0;
    append(&out, &len, &cap, L"");
    dump(HKEY_LOCAL_MACHINE, key, NULL, &out, &len, &cap);
    return out;
}

wchar_t *fx_export_sets(void)
{
    wchar_t *out = NULL;
    size_t len = 0, cap = 0;
    HKEY h;
    append(&out, &len, &cap, L"");
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM", 0, native(KEY_READ), &h))
        return out;
    for (DWORD i = 0;; i++) {
        wchar_t sub[256], key[300];
        DWORD n = 256;
        if (RegEnumKeyExW(h, i, sub, &n, NULL, NULL, NULL, NULL))
            break;
        if (_wcsnicmp(sub, L"ControlSet", 10) != 0)
            continue;
        swprintf(key, 300, L"SYSTEM\\%ls", sub);
        dump(HKEY_LOCAL_MACHINE, key, NULL, &out, &len, &cap);
    }
    RegCloseKey(h);
    return out;
}

const wchar_t *fx_bin_dir(void)
{
    static wchar_t dir[MAX_PATH];
    if (!dir[0]) {
        GetModuleFileNameW(NULL, dir, MAX_PATH);
        wchar_t *slash = wcsrchr(dir, L'\\');
        if (slash)
            *slash = 0;
    }
    return dir;
}

const wchar_t *fx_systemroot(void)
{
    static wchar_t dir[MAX_PATH];
    if (!dir[0])
        GetSystemWindowsDirectoryW(dir, MAX_PATH);
    return dir;
}

struct noredirect { PVOID old; BOOL off; };
static void redirect_off(struct noredirect *r) { r->off = Wow64DisableWow64FsRedirection(&r->old); }
static void redirect_on(struct noredirect *r) { if (r->off) Wow64RevertWow64FsRedirection(r->old); }

BOOL fx_read_file(const wchar_t *path, BYTE **data, DWORD *size)
{
    struct noredirect r;
    redirect_off(&r);
    /* shared for writing too: a process may still hold the file open (fx_run's output) */
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    redirect_on(&r);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    DWORD n = GetFileSize(f, NULL), got = 0;
    *data = malloc(n + 1);
    BOOL ok = ReadFile(f, *data, n, &got, NULL) && got == n;
    (*data)[n] = 0;
    *size = n;
    CloseHandle(f);
    return ok;
}

BOOL fx_write_file(const wchar_t *path, const void *data, DWORD size)
{
    struct noredirect r;
    DWORD done = 0;
    redirect_off(&r);
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    redirect_on(&r);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    BOOL ok = WriteFile(f, data, size, &done, NULL) && done == size;
    CloseHandle(f);
    return ok;
}

BOOL fx_file_exists(const wchar_t *path)
{
    struct noredirect r;
    redirect_off(&r);
    DWORD a = GetFileAttributesW(path);
    redirect_on(&r);
    return a != INVALID_FILE_ATTRIBUTES;
}

void fx_delete_file(const wchar_t *path)
{
    struct noredirect r;
    redirect_off(&r);
    SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);   /* a test that failed may leave it read-only */
    DeleteFileW(path);
    redirect_on(&r);
}

BOOL fx_set_file_sddl(const wchar_t *path, const wchar_t *sddl)
{
    PSECURITY_DESCRIPTOR sd;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
        return FALSE;
    struct noredirect r;
    redirect_off(&r);
    BOOL ok = SetFileSecurityW(path, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, sd);
    redirect_on(&r);
    LocalFree(sd);
    return ok;
}

wchar_t *fx_file_sddl(const wchar_t *path)
{
    static const SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION;
    BYTE sd[4096];
    DWORD n;
    wchar_t *text, *copy = NULL;
    struct noredirect r;
    redirect_off(&r);
    BOOL ok = GetFileSecurityW(path, what, sd, sizeof sd, &n);
    redirect_on(&r);
    if (ok && ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, what, &text, NULL)) {
        copy = _wcsdup(text);
        LocalFree(text);
    }
    return copy;
}

static BOOL is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type)
{
    BYTE buf[SECURITY_MAX_SID_SIZE];
    DWORD n = sizeof buf;
    return CreateWellKnownSid(type, NULL, buf, &n) && EqualSid(sid, buf);
}

BOOL fx_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version");
}

const char *fx_dir_not_admin_only(const wchar_t *path)
{
    static const SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION;
    static char why[2048];
    BOOL wine = fx_under_wine();
    wchar_t *sddl = fx_file_sddl(path);
    BYTE sd[4096];
    DWORD n, revision;
    SECURITY_DESCRIPTOR_CONTROL control;
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    PSID owner = NULL;
    struct noredirect r;
    redirect_off(&r);
    BOOL ok = GetFileSecurityW(path, what, sd, sizeof sd, &n);
    redirect_on(&r);
    const char *problem = NULL;
    BOOL system_full = FALSE, admins_full = FALSE;
    if (!ok || !GetSecurityDescriptorControl(sd, &control, &revision) ||
        !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) ||
        !GetSecurityDescriptorOwner(sd, &owner, &defaulted))
        problem = "its security descriptor cannot be read";
    else if (!present || !dacl)
        problem = "it has no DACL: everyone may do anything";
    else if (!wine && !(control & SE_DACL_PROTECTED))
        problem = "its DACL is not protected: the parent's entries flow in";
    for (DWORD i = 0; !problem && i < dacl->AceCount; i++) {
        ACE_HEADER *h;
        if (!GetAce(dacl, i, (void **)&h)) {
            problem = "an entry of its DACL cannot be read";
            break;
        }
        if (h->AceFlags & INHERITED_ACE)
            problem = "an entry is inherited from the parent";
        else if (h->AceType == ACCESS_DENIED_ACE_TYPE)
            continue;   /* takes rights away only */
        else if (h->AceType != ACCESS_ALLOWED_ACE_TYPE)
            problem = "an entry of a kind other than allow or deny";
        else {
            ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
            PSID sid = (PSID)&a->SidStart;
            BOOL full = (a->Mask & FILE_ALL_ACCESS) == FILE_ALL_ACCESS || (a->Mask & GENERIC_ALL);
            if (is_well_known(sid, WinLocalSystemSid))
                system_full |= full;
            else if (is_well_known(sid, WinBuiltinAdministratorsSid))
                admins_full |= full;
            else if (wine && owner && EqualSid(sid, owner))
                continue;   /* Wine's entry for the Unix owner's bits (below) */
            else if (a->Mask)
                problem = "it grants rights to someone other than SYSTEM and Administrators";
        }
    }
    if (!problem && !system_full)
        problem = "SYSTEM lacks full control";
    if (!problem && !admins_full && !wine)
        problem = "Administrators lack full control";
    if (problem)
        snprintf(why, sizeof why, "%ls: %s (%ls)", path, problem, sddl ? sddl : L"no SDDL");
    free(sddl);
    return problem ? why : NULL;
}

BOOL fx_set_file_attributes(const wchar_t *path, DWORD attrs)
{
    struct noredirect r;
    redirect_off(&r);
    BOOL ok = SetFileAttributesW(path, attrs);
    redirect_on(&r);
    return ok;
}

DWORD fx_file_attributes(const wchar_t *path)
{
    struct noredirect r;
    redirect_off(&r);
    DWORD a = GetFileAttributesW(path);
    redirect_on(&r);
    return a;
}

BOOL fx_hard_link(const wchar_t *link, const wchar_t *target)
{
    struct noredirect r;
    redirect_off(&r);
    BOOL ok = CreateHardLinkW(link, target, NULL);
    redirect_on(&r);
    return ok;
}

/* Runs a Unix program (Wine starts an ELF binary named by its Z: path) with two Unix paths
 * and waits until want(path) holds, at most 5 s: Wine does not report the exit code. */
typedef char *(CDECL *unix_name_fn)(LPCWSTR);
static char *unix_name(const wchar_t *path)
{
    unix_name_fn fn = (unix_name_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                           "wine_get_unix_file_name");
    return fn ? fn(path) : NULL;
}

static BOOL entry_exists(const wchar_t *path)
{
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(path, &fd);   /* a dangling link too */
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    FindClose(h);
    return TRUE;
}

static BOOL unix_run(const wchar_t *program, const char *a, const char *b, const wchar_t *watch, BOOL want)
{
    wchar_t cmd[3 * MAX_PATH + 64];
    swprintf(cmd, sizeof cmd / sizeof cmd[0], L"%ls %hs%hs%hs", program, a, b ? " " : "", b ? b : "");
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return FALSE;
    WaitForSingleObject(pi.hProcess, 5000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    for (int i = 0; i < 100 && entry_exists(watch) != want; i++)
        Sleep(50);
    return entry_exists(watch) == want;
}

BOOL fx_unix_link(const wchar_t *link, const wchar_t *target)
{
    char *l = unix_name(link), *t = unix_name(target);
    BOOL ok = l && t && !strchr(l, ' ') && !strchr(t, ' ') &&
              unix_run(L"Z:\\bin\\ln -s", t, l, link, TRUE);
    HeapFree(GetProcessHeap(), 0, l);
    HeapFree(GetProcessHeap(), 0, t);
    return ok;
}

BOOL fx_unix_unlink(const wchar_t *link)
{
    char *l = unix_name(link);
    BOOL ok = l && !strchr(l, ' ') && unix_run(L"Z:\\bin\\rm -f", l, NULL, link, FALSE);
    HeapFree(GetProcessHeap(), 0, l);
    return ok;
}

void fx_delete_dir(const wchar_t *path)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    DWORD self = GetFileAttributesW(path);
    if (self != INVALID_FILE_ATTRIBUTES && (self & FILE_ATTRIBUTE_REPARSE_POINT)) {
        fx_unix_unlink(path);   /* a link: removed itself, never what it leads to */
        return;
    }
    swprintf(pattern, MAX_PATH, L"%ls\\*", path);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            wchar_t child[MAX_PATH];
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            swprintf(child, MAX_PATH, L"%ls\\%ls", path, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
                fx_unix_unlink(child);
            else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                fx_delete_dir(child);
            else
                DeleteFileW(child);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(path);
}

BOOL fx_copy_file(const wchar_t *from, const wchar_t *to)
{
    BYTE *data;
    DWORD size;
    if (!fx_read_file(from, &data, &size))
        return FALSE;
    BOOL ok = fx_write_file(to, data, size);
    free(data);
    return ok;
}

void fx_setenv(const wchar_t *name, const wchar_t *value)
{
    SetEnvironmentVariableW(name, value);
}

int fx_run(const wchar_t *exe, const wchar_t *args, char **output)
{
    wchar_t tmpdir[MAX_PATH], outpath[MAX_PATH], cmd[4096];
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    GetTempPathW(MAX_PATH, tmpdir);
    GetTempFileNameW(tmpdir, L"p2v", 0, outpath);
    HANDLE out = CreateFileW(outpath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                             CREATE_ALWAYS, 0, NULL);
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = out;
    if (exe[0] && exe[1] == L':')   /* a full path: an exe copied elsewhere */
        swprintf(cmd, 4096, L"\"%ls\" %ls", exe, args);
    else
        swprintf(cmd, 4096, L"\"%ls\\%ls\" %ls", fx_bin_dir(), exe, args);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "fixture: cannot start %ls: %lu\n", cmd, GetLastError());
        CloseHandle(out);
        return -1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(out);
    BYTE *text;
    DWORD size;
    /* Shared for writing too: a process the child started may still hold an inherited copy
     * of the handle (Wine starts its desktop process, explorer.exe, from the first program
     * that needs one, and that process lives on). */
    if (fx_read_file(outpath, &text, &size)) {
        /* Shown in the test log: what p2vprep said is the first thing to read on a failure. */
        printf("--- %ls %ls -> exit %lu\n%s", exe, args, code, (char *)text);
        if (output)
            *output = (char *)text;
        else
            free(text);
    } else {
        fprintf(stderr, "fixture: the output of %ls %ls cannot be read back from %ls: %lu\n", exe, args,
                outpath, GetLastError());
        if (output)
            *output = calloc(1, 1);
    }
    DeleteFileW(outpath);
    return (int)code;
}

/* The child's stdout and stderr, apart. */
static char *read_back(const wchar_t *path)
{
    BYTE *text;
    DWORD size;
    if (!fx_read_file(path, &text, &size))
        return calloc(1, 1);
    return (char *)text;
}

int fx_run_split(const wchar_t *exe, const wchar_t *args, char **out_text, char **err_text)
{
    wchar_t tmpdir[MAX_PATH], outpath[MAX_PATH], errpath[MAX_PATH], cmd[4096];
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    GetTempPathW(MAX_PATH, tmpdir);
    GetTempFileNameW(tmpdir, L"p2o", 0, outpath);
    GetTempFileNameW(tmpdir, L"p2e", 0, errpath);
    HANDLE out = CreateFileW(outpath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
    HANDLE err = CreateFileW(errpath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, CREATE_ALWAYS, 0, NULL);
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = err;
    swprintf(cmd, 4096, L"\"%ls\\%ls\" %ls", fx_bin_dir(), exe, args);
    DWORD code = (DWORD)-1;
    if (CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(out);
    CloseHandle(err);
    *out_text = read_back(outpath);
    *err_text = read_back(errpath);
    printf("--- %ls %ls -> exit %lu\n[stdout]\n%s[stderr]\n%s", exe, args, code, *out_text, *err_text);
    DeleteFileW(outpath);
    DeleteFileW(errpath);
    return (int)code;
}

static void shape_set(const wchar_t *root, int n)
{
    wchar_t base[64], key[256];
    swprintf(base, 64, L"%ls\\ControlSet%03d", root, n);

    swprintf(key, 256, L"%ls\\Control\\ServiceGroupOrder", base);
    fx_set_sz(key, L"List", REG_MULTI_SZ,
              L"System Reserved|Boot Bus Extender|System Bus Extender|SCSI miniport|Port|"
              L"Primary Disk|SCSI Class|SCSI CDROM Class|Filter|Boot File System|Base");
    /* the test machines boot test-signed (their drivers are signed by test roots) */
    swprintf(key, 256, L"%ls\\Control", base);
    fx_set_sz(key, L"SystemStartOptions", REG_SZ, L" NOEXECUTE=OPTIN  TESTSIGNING");
    swprintf(key, 256, L"%ls\\Control\\GroupOrderList", base);
    static const BYTE scsi_order[] = { 2, 0, 0, 0, 0x19, 0, 0, 0, 0x21, 0, 0, 0 };
    set_raw(HKEY_LOCAL_MACHINE, key, L"SCSI miniport", REG_BINARY, scsi_order, sizeof scsi_order);

    /* What a physical server on IDE has, so tests see unrelated entries left alone. */
    static const wchar_t *ide[] = { L"primary_ide_channel", L"secondary_ide_channel", L"*pnp0600" };
    for (size_t i = 0; i < sizeof ide / sizeof ide[0]; i++) {
        swprintf(key, 256, L"%ls\\Control\\CriticalDeviceDatabase\\%ls", base, ide[i]);
        fx_set_sz(key, L"ClassGUID", REG_SZ, L"{4D36E96A-E325-11CE-BFC1-08002BE10318}");
        fx_set_sz(key, L"Service", REG_SZ, L"atapi");
    }
    swprintf(key, 256, L"%ls\\Services\\atapi", base);
    fx_set_dword(key, L"Type", 1);
    fx_set_dword(key, L"Start", 0);
    fx_set_dword(key, L"ErrorControl", 1);
    fx_set_sz(key, L"Group", REG_SZ, L"SCSI miniport");
    fx_set_sz(key, L"ImagePath", REG_EXPAND_SZ, L"system32\\DRIVERS\\atapi.sys");
    fx_set_dword(key, L"Tag", 0x19);
    swprintf(key, 256, L"%ls\\Services\\Disk", base);
    fx_set_dword(key, L"Type", 1);
    fx_set_dword(key, L"Start", 0);
    fx_set_sz(key, L"Group", REG_SZ, L"SCSI Class");
}

void fx_shape(const struct fixture *f)
{
    HKEY h;
    /* Wine starts its desktop process (explorer.exe) for the first program of a prefix that
     * needs one (WinVerifyTrust does), and that start registers the display in HKLM\SYSTEM.
     * Started here, before any test takes its picture of the registry, not in the middle. */
    static BOOL desktop;
    if (!desktop)
        desktop = GetDesktopWindow() != NULL;
    /* Delete every ControlSetNNN a previous test left (enumerate afresh after each delete). */
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SYSTEM", 0, native(KEY_READ), &h) == ERROR_SUCCESS) {
        for (DWORD i = 0;;) {
            wchar_t sub[256], key[300];
            DWORD n = 256;
            if (RegEnumKeyExW(h, i, sub, &n, NULL, NULL, NULL, NULL))
                break;
            if (_wcsnicmp(sub, L"ControlSet", 10) == 0) {
                swprintf(key, 300, L"SYSTEM\\%ls", sub);
                fx_delete_tree(HKEY_LOCAL_MACHINE, key);
            } else {
                i++;
            }
        }
        RegCloseKey(h);
    }
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SYSTEM\\Select");
    /* Wine's own CurrentControlSet is a plain key: leave traces there to prove p2vprep
     * never takes it for a control set. */
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\symmpi");

    for (int i = 0; i < f->n_sets; i++)
        shape_set(L"SYSTEM", f->sets[i]);
    static const wchar_t *sel[] = { L"Current", L"Default", L"LastKnownGood", L"Failed" };
    for (int s = 0; s < 4; s++)
        fx_set_dword(L"SYSTEM\\Select", sel[s], f->select[s]);

    HKEY wine = create(HKEY_CURRENT_USER, L"Software\\Wine");
    RegSetValueExW(wine, L"Version", 0, REG_SZ, (const BYTE *)f->winver,
                   (DWORD)((wcslen(f->winver) + 1) * sizeof(wchar_t)));
    RegCloseKey(wine);

    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    fx_delete_file(path);
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    fx_delete_dir(path);
}

/* ---- offline Windows ---- */

static void privilege(const wchar_t *name)
{
    HANDLE t;
    TOKEN_PRIVILEGES tp;
    memset(&tp, 0, sizeof tp);
    tp.PrivilegeCount = 1;
    OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &t);
    LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid);
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    AdjustTokenPrivileges(t, FALSE, &tp, 0, NULL, NULL);
    CloseHandle(t);
}

#define SHAPE L"p2vtest-offline-shape"
#define LOOK L"p2vtest-offline-look"

void fx_make_offline_hive(const wchar_t *file, const struct offline_fixture *o)
{
    wchar_t key[256];
    privilege(L"SeBackupPrivilege");
    privilege(L"SeRestorePrivilege");
    fx_delete_tree(HKEY_LOCAL_MACHINE, SHAPE);
    for (int i = 0; i < o->n_sets; i++) {
        shape_set(SHAPE, o->sets[i]);
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Control\\ProductOptions", o->sets[i]);
        fx_set_sz(key, L"ProductType", REG_SZ, o->product);
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Control\\ComputerName\\ComputerName", o->sets[i]);
        fx_set_sz(key, L"ComputerName", REG_SZ, o->computer);
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Control\\Windows", o->sets[i]);
        fx_set_dword(key, L"CSDVersion", o->csd_version);
        for (int k = 0; k < o->extra_services; k++) {
            wchar_t image[64];
            swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Services\\svc%04d", o->sets[i], k);
            swprintf(image, 64, L"system32\\drivers\\svc%04d.sys", k);
            fx_set_dword(key, L"Type", 1);
            fx_set_dword(key, L"Start", 3);
            fx_set_dword(key, L"ErrorControl", 1);
            fx_set_sz(key, L"ImagePath", REG_EXPAND_SZ, image);
            fx_set_sz(key, L"DisplayName", REG_SZ, image + 17);
            swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Services\\svc%04d\\Enum", o->sets[i], k);
            fx_set_dword(key, L"Count", 0);
        }
    }
    for (int i = 0; o->old_platform && i < o->n_sets; i++) {
        static const wchar_t list[] = L"mouclass\0vmusbmouse\0";
        static const wchar_t ip[] = L"192.168.7.7\0", mask[] = L"255.255.255.0\0";
        static const struct { const wchar_t *name; DWORD start; } tools[] = {
            { L"VMTools", 2 }, { L"vmci", 3 }, { L"vmusbmouse", 3 },
        };
        for (size_t k = 0; k < sizeof tools / sizeof *tools; k++) {
            swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Services\\%ls", o->sets[i], tools[k].name);
            fx_set_dword(key, L"Start", tools[k].start);
        }
        HKEY k;
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Control\\Class\\{4D36E96F-E325-11CE-BFC1-08002BE10318}",
                 o->sets[i]);
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL) == 0) {
            RegSetValueExW(k, L"UpperFilters", 0, REG_MULTI_SZ, (const BYTE *)list, sizeof list);
            RegCloseKey(k);
        }
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Control\\Class\\{4D36E972-E325-11CE-BFC1-08002BE10318}\\0001",
                 o->sets[i]);
        fx_set_sz(key, L"NetCfgInstanceId", REG_SZ, L"{0FF1CE00-0000-0000-0000-000000000001}");
        fx_set_dword(key, L"Characteristics", 0x84);
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Services\\Tcpip\\Parameters\\Interfaces\\"
                 L"{0FF1CE00-0000-0000-0000-000000000001}", o->sets[i]);
        fx_set_dword(key, L"EnableDHCP", 0);
        if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL, &k, NULL) == 0) {
            RegSetValueExW(k, L"IPAddress", 0, REG_MULTI_SZ, (const BYTE *)ip, sizeof ip);
            RegSetValueExW(k, L"SubnetMask", 0, REG_MULTI_SZ, (const BYTE *)mask, sizeof mask);
            RegCloseKey(k);
        }
    }
    static const wchar_t *sel[] = { L"Current", L"Default", L"LastKnownGood", L"Failed" };
    for (int s = 0; s < 4; s++)
        fx_set_dword(SHAPE L"\\Select", sel[s], o->select[s]);
    if (o->disabled_symmpi_in) {
        swprintf(key, 256, SHAPE L"\\ControlSet%03d\\Services\\symmpi", o->disabled_symmpi_in);
        fx_set_dword(key, L"Start", 4);
    }
    HKEY h;
    if (o->link_key) {
        swprintf(key, 256, SHAPE L"\\%ls", o->link_key);
        LONG le = RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, REG_OPTION_CREATE_LINK,
                                  KEY_ALL_ACCESS | KEY_CREATE_LINK | KEY_WOW64_64KEY, NULL, &h, NULL);
        if (le)
            die("RegCreateKeyExW (link)", key, le);
        le = RegSetValueExW(h, L"SymbolicLinkValue", 0, REG_LINK, (const BYTE *)o->link_target,
                            (DWORD)(wcslen(o->link_target) * sizeof(wchar_t)));
        RegCloseKey(h);
        if (le)
            die("RegSetValueExW (link)", key, le);
    }
    RegOpenKeyExW(HKEY_LOCAL_MACHINE, SHAPE, 0, KEY_READ, &h);
    fx_delete_file(file);
    LONG e = RegSaveKeyW(h, file, NULL);
    RegCloseKey(h);
    if (o->link_key) {   /* the link goes first: deleting the tree must not follow it */
        swprintf(key, 256, SHAPE L"\\%ls", o->link_key);
        fx_drop_link(key);
    }
    fx_delete_tree(HKEY_LOCAL_MACHINE, SHAPE);
    if (e)
        die("RegSaveKeyW", file, e);
}

typedef LONG (WINAPI *nt_delete_key_fn)(HANDLE);
void fx_drop_link(const wchar_t *key)
{
    HKEY h;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, REG_OPTION_OPEN_LINK, DELETE | KEY_WOW64_64KEY, &h) != ERROR_SUCCESS)
        return;
    nt_delete_key_fn nt_delete = (nt_delete_key_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtDeleteKey");
    if (nt_delete)
        nt_delete(h);
    RegCloseKey(h);
}

wchar_t *fx_export_hive(const wchar_t *file)
{
    privilege(L"SeBackupPrivilege");
    privilege(L"SeRestorePrivilege");
    LONG e = RegLoadKeyW(HKEY_LOCAL_MACHINE, LOOK, file);
    if (e)
        die("RegLoadKeyW", file, e);
    wchar_t *out = fx_export(LOOK);
    RegUnLoadKeyW(HKEY_LOCAL_MACHINE, LOOK);
    /* the dump names the keys by where the hive was loaded: compare by content only */
    return out;
}

BOOL fx_hive_get_dword(const wchar_t *file, const wchar_t *key, const wchar_t *name, DWORD *d)
{
    wchar_t full[512];
    privilege(L"SeBackupPrivilege");
    privilege(L"SeRestorePrivilege");
    if (RegLoadKeyW(HKEY_LOCAL_MACHINE, LOOK, file))
        return FALSE;
    swprintf(full, 512, LOOK L"\\%ls", key);
    BOOL ok = fx_get_dword(full, name, d);
    RegUnLoadKeyW(HKEY_LOCAL_MACHINE, LOOK);
    return ok;
}

int fx_loaded_offline_hives(void)
{
    wchar_t sub[256];
    int n = 0;
    for (DWORD i = 0;; i++) {
        DWORD cch = 256;
        if (RegEnumKeyExW(HKEY_LOCAL_MACHINE, i, sub, &cch, NULL, NULL, NULL, NULL))
            break;
        n += !_wcsnicmp(sub, L"p2vprep-offline-", 16);
    }
    return n;
}
