#include "secure.h"
#include "dynapi.h"
#include "text.h"
#include <sddl.h>
#include <string.h>
#include <wincrypt.h>
#include <wchar.h>

/* SYSTEM and BUILTIN\Administrators, full control, inherited by files and folders
 * inside; "P": the parent's entries (Users: create files on %ProgramData%) do not flow in. */
#define ADMIN_ONLY_SDDL L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"

static PSECURITY_DESCRIPTOR admin_only_sd(void)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(ADMIN_ONLY_SDDL, SDDL_REVISION_1, &sd, NULL))
        return NULL;
    return sd;
}

BOOL secure_dir_create(const wchar_t *dir)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, admin_only_sd(), FALSE };
    if (!sa.lpSecurityDescriptor)
        return FALSE;
    BOOL ok = CreateDirectoryW(dir, &sa);
    DWORD e = GetLastError();
    LocalFree(sa.lpSecurityDescriptor);
    SetLastError(e);
    return ok;
}

DWORD secure_dirs_create(const wchar_t *dir)
{
    wchar_t path[MAX_PATH];
    if (!wcopy(path, COUNTOF(path), dir) || wcslen(path) < 3 || path[1] != L':' || path[2] != L'\\')
        return ERROR_BAD_PATHNAME;   /* a local drive-letter path only */
    size_t n = wcslen(path);
    while (n > 3 && path[n - 1] == L'\\')
        path[--n] = 0;
    /* each level from the root down: an existing one must be a plain folder (not a junction
     * someone made to send the report elsewhere), a missing one is made admin-only */
    for (size_t i = 3; i <= n; i++) {
        if (path[i] != L'\\' && path[i] != 0)
            continue;
        wchar_t keep = path[i];
        path[i] = 0;
        DWORD attrs = GetFileAttributesW(path);
        DWORD e = ERROR_SUCCESS;
        if (attrs == INVALID_FILE_ATTRIBUTES) {
            if (!secure_dir_create(path) && GetLastError() != ERROR_ALREADY_EXISTS)
                e = GetLastError();
        } else if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
            e = ERROR_DIRECTORY;
        } else if (attrs & FILE_ATTRIBUTE_REPARSE_POINT) {
            e = ERROR_UNTRUSTED_MOUNT_POINT;
        }
        path[i] = keep;
        if (e != ERROR_SUCCESS)
            return e;
    }
    return ERROR_SUCCESS;
}

static BOOL is_trusted(PSID sid)
{
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    PSID system, admins;
    BOOL trusted = FALSE;
    if (AllocateAndInitializeSid(&nt, 1, SECURITY_LOCAL_SYSTEM_RID, 0, 0, 0, 0, 0, 0, 0, &system)) {
        trusted = EqualSid(sid, system);
        FreeSid(system);
    }
    if (!trusted && AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS,
                                             0, 0, 0, 0, 0, 0, &admins)) {
        trusted = EqualSid(sid, admins);
        FreeSid(admins);
    }
    return trusted;
}

/* What lets a principal put or change something in a folder or its files. */
#define WRITE_RIGHTS (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES | \
                      FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)

BOOL acl_open_to_others(const ACL *dacl, BOOL present)
{
    return acl_first_other_writer(dacl, present) != NULL || !present || !dacl;
}

PSID acl_first_other_writer(const ACL *dacl, BOOL present)
{
    return acl_first_writer_but(dacl, present, NULL);
}

PSID acl_first_writer_but(const ACL *dacl, BOOL present, PSID self)
{
    if (!present || !dacl)
        return NULL;
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *h;
        if (!GetAce((PACL)dacl, i, (void **)&h))
            return (PSID)dacl;   /* unreadable: assume the worst (not a SID: callers only test it) */
        if (h->AceType != ACCESS_ALLOWED_ACE_TYPE)
            continue;      /* a deny entry only takes rights away */
        ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
        PSID who = (PSID)&a->SidStart;
        if ((a->Mask & WRITE_RIGHTS) && !is_trusted(who) && !(self && EqualSid(who, self)))
            return who;
    }
    return NULL;
}

/* The user of this process' token (LocalAlloc'ed), NULL when it cannot be read. */
static PSID token_user(void)
{
    HANDLE token;
    union { TOKEN_USER user; BYTE bytes[256]; } buf;
    DWORD n = 0;
    PSID copy = NULL;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return NULL;
    if (GetTokenInformation(token, TokenUser, &buf, sizeof buf, &n)) {
        PSID sid = buf.user.User.Sid;
        DWORD len = GetLengthSid(sid);
        if ((copy = LocalAlloc(LMEM_FIXED, len)) && !CopySid(len, copy, sid)) {
            LocalFree(copy);
            copy = NULL;
        }
    }
    CloseHandle(token);
    return copy;
}

PSID sd_first_untrusted(PSID owner, const ACL *dacl, BOOL present, PSID self)
{
    if (owner && !is_trusted(owner) && !(self && EqualSid(owner, self)))
        return owner;
    if (!present || !dacl)
        return owner ? owner : (PSID)&sd_first_untrusted;   /* everyone may write */
    return acl_first_writer_but(dacl, present, self);
}

static void account_name(PSID sid, wchar_t *out, size_t cch)
{
    wchar_t name[128], domain[128], *text = NULL;
    DWORD nn = COUNTOF(name), nd = COUNTOF(domain);
    SID_NAME_USE use;
    if (IsValidSid(sid) && LookupAccountSidW(NULL, sid, name, &nn, domain, &nd, &use))
        wfmt(out, cch, domain[0] ? L"%ls\\%ls" : L"%ls%ls", domain, name);
    else if (IsValidSid(sid) && ConvertSidToStringSidW(sid, &text)) {
        wcopy(out, cch, text);
        LocalFree(text);
    } else
        wcopy(out, cch, L"an account p2vprep cannot name");
}

enum rights { RIGHTS_UNREADABLE, RIGHTS_TRUSTED, RIGHTS_OPEN_OWNER, RIGHTS_OPEN_WRITER };

/* Who besides SYSTEM, Administrators and this process' user owns (with_owner) or may write
 * path; who receives that account's name. */
static enum rights rights_of(const wchar_t *path, BOOL with_owner, wchar_t *who, size_t cch)
{
    const SECURITY_INFORMATION what = DACL_SECURITY_INFORMATION | (with_owner ? OWNER_SECURITY_INFORMATION : 0);
    PSECURITY_DESCRIPTOR sd = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    PSID owner = NULL;
    DWORD need = 0;
    GetFileSecurityW(path, what, NULL, 0, &need);
    if (!need || !(sd = LocalAlloc(LMEM_FIXED, need)))
        return RIGHTS_UNREADABLE;
    enum rights r = RIGHTS_UNREADABLE;
    if (GetFileSecurityW(path, what, sd, need, &need) &&
        (!with_owner || GetSecurityDescriptorOwner(sd, &owner, &defaulted)) &&
        GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
        PSID self = token_user();
        PSID sid = sd_first_untrusted(owner, dacl, present, self);
        r = !sid ? RIGHTS_TRUSTED : sid == owner ? RIGHTS_OPEN_OWNER : RIGHTS_OPEN_WRITER;
        if (r == RIGHTS_OPEN_WRITER && (!present || !dacl))
            wcopy(who, cch, L"everyone (it has no DACL)");
        else if (sid)
            account_name(sid, who, cch);
        if (self)
            LocalFree(self);
    }
    LocalFree(sd);
    return r;
}

BOOL secure_dir_writers(const wchar_t *dir, wchar_t *who, size_t cch)
{
    if (cch)
        who[0] = 0;
    /* not there, or its rights cannot be read: nothing to say */
    return rights_of(dir, FALSE, who, cch) == RIGHTS_OPEN_WRITER;
}

BOOL secure_path_untrusted(const wchar_t *path, wchar_t *who, size_t cch)
{
    wchar_t name[300];
    switch (rights_of(path, TRUE, name, COUNTOF(name))) {
    case RIGHTS_TRUSTED:
        return FALSE;
    case RIGHTS_OPEN_OWNER:
        wfmt(who, cch, L"owned by %ls", name);
        return TRUE;
    case RIGHTS_OPEN_WRITER:
        wfmt(who, cch, L"writable by %ls", name);
        return TRUE;
    default:
        wcopy(who, cch, L"of rights p2vprep cannot read");
        return TRUE;
    }
}

BOOL secure_dir_tighten(const wchar_t *dir)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = NULL;
    DWORD need = 0;
    if (GetFileAttributesW(dir) == INVALID_FILE_ATTRIBUTES)
        return FALSE;
    GetFileSecurityW(dir, DACL_SECURITY_INFORMATION, NULL, 0, &need);
    if (!need || !(sd = LocalAlloc(LMEM_FIXED, need)))
        return FALSE;
    BOOL open = TRUE;
    if (GetFileSecurityW(dir, DACL_SECURITY_INFORMATION, sd, need, &need) &&
        GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
        open = acl_open_to_others(dacl, present);
    LocalFree(sd);
    if (!open)
        return FALSE;
    PSECURITY_DESCRIPTOR strict = admin_only_sd();
    BOOL changed = strict && SetFileSecurityW(dir, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                              strict);
    if (strict)
        LocalFree(strict);
    return changed;
}

DWORD secure_target_check(const wchar_t *path)
{
    DWORD attrs = GetFileAttributesW(path);
    if (attrs == INVALID_FILE_ATTRIBUTES)
        return ERROR_SUCCESS;
    if (attrs & FILE_ATTRIBUTE_REPARSE_POINT)
        return ERROR_UNTRUSTED_MOUNT_POINT;
    if (attrs & FILE_ATTRIBUTE_DIRECTORY)
        return ERROR_SUCCESS;
    /* FILE_FLAG_OPEN_REPARSE_POINT: look at the name itself, never where it leads */
    HANDLE h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return ERROR_SUCCESS;   /* gone meanwhile, or not openable: the rename decides */
    BY_HANDLE_FILE_INFORMATION info;
    BOOL linked = GetFileInformationByHandle(h, &info) && info.nNumberOfLinks > 1;
    CloseHandle(h);
    return linked ? ERROR_TOO_MANY_LINKS : ERROR_SUCCESS;
}

void secure_random_hex(wchar_t *out, size_t digits)
{
    BYTE bytes[32] = { 0 };
    HCRYPTPROV prov;
    size_t n = (digits + 1) / 2 > sizeof bytes ? sizeof bytes : (digits + 1) / 2;
    /* RtlGenRandom is the generator CryptGenRandom draws from, without loading a
     * cryptographic provider (milliseconds per name: each release unloads it again);
     * Windows 2000 has only the provider */
    const struct dynapi *api = dynapi();
    if (!api->RtlGenRandom || !api->RtlGenRandom(bytes, (ULONG)n)) {
        memset(bytes, 0, sizeof bytes);
        if (CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT | CRYPT_SILENT)) {
            CryptGenRandom(prov, (DWORD)n, bytes);
            CryptReleaseContext(prov, 0);
        }
    }
    /* mixed in always: a provider that failed still leaves names nobody planned for */
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    DWORD mix[3] = { (DWORD)t.LowPart, GetCurrentProcessId(), GetTickCount() };
    for (size_t i = 0; i < n; i++)
        bytes[i] ^= ((BYTE *)mix)[i % sizeof mix];
    static const wchar_t hex[] = L"0123456789abcdef";
    for (size_t i = 0; i < digits; i++)
        out[i] = hex[(bytes[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[digits] = 0;
}
