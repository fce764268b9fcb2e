/* Who may write a folder p2vprep trusts: the decision on hand-built ACLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>
#include "secure.h"
#include "journal.h"
#include "scratch.h"

static PSID sid(BYTE count, DWORD a, DWORD b)
{
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    PSID s;
    assert_true(AllocateAndInitializeSid(&nt, count, a, b, 0, 0, 0, 0, 0, 0, &s));
    return s;
}

static PSID everyone(void)
{
    SID_IDENTIFIER_AUTHORITY world = { SECURITY_WORLD_SID_AUTHORITY };
    PSID s;
    assert_true(AllocateAndInitializeSid(&world, 1, SECURITY_WORLD_RID, 0, 0, 0, 0, 0, 0, 0, &s));
    return s;
}

struct entry { BOOL deny; PSID who; DWORD mask; };

static BOOL open_with(const struct entry *e, int n)
{
    BYTE buf[1024];
    ACL *acl = (ACL *)buf;
    assert_true(InitializeAcl(acl, sizeof buf, ACL_REVISION));
    for (int i = 0; i < n; i++)
        assert_true(e[i].deny ? AddAccessDeniedAce(acl, ACL_REVISION, e[i].mask, e[i].who)
                              : AddAccessAllowedAce(acl, ACL_REVISION, e[i].mask, e[i].who));
    return acl_open_to_others(acl, TRUE);
}

/* The first account that may write is the one a warning names. */
static void the_first_other_writer_is_named(void **state)
{
    PSID system = sid(1, SECURITY_LOCAL_SYSTEM_RID, 0);
    PSID users = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS);
    PSID world = everyone();
    BYTE buf[1024];
    ACL *acl = (ACL *)buf;
    assert_true(InitializeAcl(acl, sizeof buf, ACL_REVISION));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, system));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_GENERIC_READ, world));
    assert_null(acl_first_other_writer(acl, TRUE));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ADD_FILE, users));
    PSID who = acl_first_other_writer(acl, TRUE);
    assert_non_null(who);
    assert_true(EqualSid(who, users));
    assert_null(acl_first_other_writer(NULL, FALSE));   /* no DACL: open, but nobody to name */
    assert_true(acl_open_to_others(NULL, FALSE));
    FreeSid(system);
    FreeSid(users);
    FreeSid(world);
}

/* The account running p2vprep (an admin's own download folder grants it) is not another
 * writer; any other account beside it still is. */
static void the_running_account_is_not_another_writer(void **state)
{
    PSID system = sid(1, SECURITY_LOCAL_SYSTEM_RID, 0);
    PSID users = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS);
    PSID alice = sid(5, SECURITY_NT_NON_UNIQUE, 21), bob = sid(5, SECURITY_NT_NON_UNIQUE, 22);
    BYTE buf[1024];
    ACL *acl = (ACL *)buf;
    assert_true(InitializeAcl(acl, sizeof buf, ACL_REVISION));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, system));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, alice));
    assert_null(acl_first_writer_but(acl, TRUE, alice));
    assert_true(EqualSid(acl_first_other_writer(acl, TRUE), alice));   /* not without it */
    assert_true(EqualSid(acl_first_writer_but(acl, TRUE, bob), alice));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ADD_FILE, users));
    assert_true(EqualSid(acl_first_writer_but(acl, TRUE, alice), users));
    assert_null(acl_first_writer_but(NULL, FALSE, alice));
    FreeSid(system);
    FreeSid(users);
    FreeSid(alice);
    FreeSid(bob);
}

/* A journal's folder and file are trusted only when SYSTEM, Administrators or the running
 * account own them and nobody else may write them. */
static void an_owner_or_a_writer_of_another_account_is_named(void **state)
{
    PSID system = sid(1, SECURITY_LOCAL_SYSTEM_RID, 0);
    PSID admins = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS);
    PSID users = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS);
    PSID alice = sid(5, SECURITY_NT_NON_UNIQUE, 21), bob = sid(5, SECURITY_NT_NON_UNIQUE, 22);
    BYTE buf[1024];
    ACL *acl = (ACL *)buf;
    assert_true(InitializeAcl(acl, sizeof buf, ACL_REVISION));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, system));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, admins));
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_GENERIC_READ, users));
    assert_null(sd_first_untrusted(admins, acl, TRUE, NULL));
    assert_null(sd_first_untrusted(system, acl, TRUE, NULL));
    assert_null(sd_first_untrusted(alice, acl, TRUE, alice));         /* the running account */
    assert_true(EqualSid(sd_first_untrusted(bob, acl, TRUE, alice), bob));   /* planted by bob */
    assert_non_null(sd_first_untrusted(admins, NULL, FALSE, NULL));  /* no DACL: anyone */
    assert_true(AddAccessAllowedAce(acl, ACL_REVISION, FILE_WRITE_DATA, users));
    assert_true(EqualSid(sd_first_untrusted(admins, acl, TRUE, alice), users));
    FreeSid(system);
    FreeSid(admins);
    FreeSid(users);
    FreeSid(alice);
    FreeSid(bob);
}

static void only_system_and_administrators_is_closed_anything_else_open(void **state)
{
    PSID system = sid(1, SECURITY_LOCAL_SYSTEM_RID, 0);
    PSID admins = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS);
    PSID users = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS);
    PSID power = sid(2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_POWER_USERS);
    PSID world = everyone();
    const struct entry strict[] = { { FALSE, system, FILE_ALL_ACCESS }, { FALSE, admins, FILE_ALL_ACCESS } };
    assert_false(open_with(strict, 2));
    /* reading is fine for anyone */
    const struct entry read[] = { { FALSE, system, FILE_ALL_ACCESS }, { FALSE, users, FILE_GENERIC_READ | FILE_GENERIC_EXECUTE } };
    assert_false(open_with(read, 2));
    /* %ProgramData%'s "Users may create files", Power Users on %SystemRoot% (2000/XP/2003) */
    const struct entry add_file[] = { { FALSE, admins, FILE_ALL_ACCESS }, { FALSE, users, FILE_ADD_FILE } };
    assert_true(open_with(add_file, 2));
    const struct entry power_modify[] = { { FALSE, system, FILE_ALL_ACCESS }, { FALSE, power, FILE_GENERIC_WRITE | DELETE } };
    assert_true(open_with(power_modify, 2));
    const struct entry world_all[] = { { FALSE, world, GENERIC_ALL } };
    assert_true(open_with(world_all, 1));
    const struct entry owner_change[] = { { FALSE, users, WRITE_DAC } };
    assert_true(open_with(owner_change, 1));
    /* a deny entry takes away; it grants nothing */
    const struct entry deny[] = { { TRUE, users, FILE_ALL_ACCESS }, { FALSE, admins, FILE_ALL_ACCESS } };
    assert_false(open_with(deny, 2));
    /* no DACL at all: everyone may do anything */
    assert_true(acl_open_to_others(NULL, FALSE));
    FreeSid(system);
    FreeSid(admins);
    FreeSid(users);
    FreeSid(power);
    FreeSid(world);
}

static void random_names_differ(void **state)
{
    wchar_t a[17], b[17];
    secure_random_hex(a, 16);
    secure_random_hex(b, 16);
    assert_int_equal(wcslen(a), 16);
    assert_true(wcscmp(a, b) != 0);
}

/* A missing report folder is made with the folders above it; a file on the way, a share or
 * a relative path is refused, and nothing is made then. */
static void report_folders_are_made_level_by_level(void **state)
{
    wchar_t base[MAX_PATH], deep[MAX_PATH], file[MAX_PATH], blocked[MAX_PATH];
    GetTempPathW(MAX_PATH, base);
    wcscat(base, L"p2v-secure-dirs");
    swprintf(deep, MAX_PATH, L"%ls\\a\\b\\c\\", base);
    assert_int_equal(secure_dirs_create(deep), ERROR_SUCCESS);
    deep[wcslen(deep) - 1] = 0;
    DWORD attrs = GetFileAttributesW(deep);
    assert_true(attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY));
    assert_int_equal(secure_dirs_create(deep), ERROR_SUCCESS);   /* there already: fine */
    swprintf(file, MAX_PATH, L"%ls\\a\\afile", base);
    HANDLE h = CreateFileW(file, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    swprintf(blocked, MAX_PATH, L"%ls\\afile\\x", file);
    assert_int_equal(secure_dirs_create(blocked), ERROR_DIRECTORY);
    assert_int_equal(GetFileAttributesW(blocked), INVALID_FILE_ATTRIBUTES);
    assert_int_equal(secure_dirs_create(L"\\\\server\\share\\reports"), ERROR_BAD_PATHNAME);
    assert_int_equal(secure_dirs_create(L"reports\\here"), ERROR_BAD_PATHNAME);
    DeleteFileW(file);
    RemoveDirectoryW(deep);
    swprintf(deep, MAX_PATH, L"%ls\\a\\b", base);
    RemoveDirectoryW(deep);
    swprintf(deep, MAX_PATH, L"%ls\\a", base);
    RemoveDirectoryW(deep);
    RemoveDirectoryW(base);
}

/* ---- junctions, where the emulated Windows cannot make one ----
 * The test exe's own import table is pointed at wrappers that report one chosen folder as
 * a reparse point (a junction) and otherwise answer as the real functions do. The product
 * code linked into this exe calls through that table, so it sees a junction where the
 * test planted the mark; the folder itself stays real, which shows where a write would go. */

static void *iat_patch(const char *fn, void *repl)
{
    BYTE *base = (BYTE *)GetModuleHandleW(NULL);
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)(base + ((IMAGE_DOS_HEADER *)base)->e_lfanew);
    IMAGE_DATA_DIRECTORY *dir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
    for (IMAGE_IMPORT_DESCRIPTOR *d = (IMAGE_IMPORT_DESCRIPTOR *)(base + dir->VirtualAddress); d->Name; d++) {
        IMAGE_THUNK_DATA *name = (IMAGE_THUNK_DATA *)(base + (d->OriginalFirstThunk ? d->OriginalFirstThunk : d->FirstThunk));
        IMAGE_THUNK_DATA *slot = (IMAGE_THUNK_DATA *)(base + d->FirstThunk);
        for (; name->u1.AddressOfData; name++, slot++) {
            if (IMAGE_SNAP_BY_ORDINAL(name->u1.Ordinal) ||
                strcmp((const char *)((IMAGE_IMPORT_BY_NAME *)(base + name->u1.AddressOfData))->Name, fn))
                continue;
            DWORD old;
            void *prev = (void *)slot->u1.Function;
            assert_true(VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function, PAGE_READWRITE, &old));
            slot->u1.Function = (ULONG_PTR)repl;
            VirtualProtect(&slot->u1.Function, sizeof slot->u1.Function, old, &old);
            return prev;
        }
    }
    fail_msg("%s is not imported by this test", fn);
    return NULL;
}

static wchar_t junction[MAX_PATH];          /* the folder reported as a junction */
static DWORD (WINAPI *real_attrs)(LPCWSTR);
static HANDLE (WINAPI *real_find_first)(LPCWSTR, LPWIN32_FIND_DATAW);
static BOOL (WINAPI *real_find_next)(HANDLE, LPWIN32_FIND_DATAW);
static wchar_t find_dir[MAX_PATH];          /* the folder the last FindFirstFileW listed */

static DWORD WINAPI fake_attrs(LPCWSTR path)
{
    DWORD a = real_attrs(path);
    if (a != INVALID_FILE_ATTRIBUTES && !_wcsicmp(path, junction))
        a |= FILE_ATTRIBUTE_REPARSE_POINT;
    return a;
}

static void mark(LPWIN32_FIND_DATAW fd)
{
    wchar_t full[MAX_PATH];
    swprintf(full, MAX_PATH, L"%ls\\%ls", find_dir, fd->cFileName);
    if (!_wcsicmp(full, junction))
        fd->dwFileAttributes |= FILE_ATTRIBUTE_REPARSE_POINT;
}

static HANDLE WINAPI fake_find_first(LPCWSTR pattern, LPWIN32_FIND_DATAW fd)
{
    wcscpy(find_dir, pattern);
    wchar_t *slash = wcsrchr(find_dir, L'\\');
    if (slash)
        *slash = 0;
    HANDLE h = real_find_first(pattern, fd);
    if (h != INVALID_HANDLE_VALUE)
        mark(fd);
    return h;
}

static BOOL WINAPI fake_find_next(HANDLE h, LPWIN32_FIND_DATAW fd)
{
    BOOL ok = real_find_next(h, fd);
    if (ok)
        mark(fd);
    return ok;
}

static int junctions_on(void **state)
{
    real_attrs = iat_patch("GetFileAttributesW", (void *)fake_attrs);
    real_find_first = iat_patch("FindFirstFileW", (void *)fake_find_first);
    real_find_next = iat_patch("FindNextFileW", (void *)fake_find_next);
    return 0;
}

static int junctions_off(void **state)
{
    iat_patch("GetFileAttributesW", (void *)real_attrs);
    iat_patch("FindFirstFileW", (void *)real_find_first);
    iat_patch("FindNextFileW", (void *)real_find_next);
    junction[0] = 0;
    return 0;
}

static void make_file(const wchar_t *path)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
}

/* A junction planted on the way to a report folder p2vprep makes: refused, and nothing is
 * made behind it (where the junction would lead). */
static void a_junction_on_the_way_to_a_report_folder_is_refused(void **state)
{
    wchar_t base[MAX_PATH], inner[MAX_PATH], target[MAX_PATH];
    GetTempPathW(MAX_PATH, base);
    wcscat(base, L"p2v-junction-report");
    swprintf(junction, MAX_PATH, L"%ls\\planted", base);
    swprintf(target, MAX_PATH, L"%ls\\reports\\wave1", junction);
    CreateDirectoryW(base, NULL);
    CreateDirectoryW(junction, NULL);
    assert_int_equal(secure_dirs_create(target), ERROR_UNTRUSTED_MOUNT_POINT);
    swprintf(inner, MAX_PATH, L"%ls\\reports", junction);
    assert_int_equal(GetFileAttributesW(inner), INVALID_FILE_ATTRIBUTES);
    /* a report file name that is a junction is refused too */
    assert_int_equal(secure_target_check(junction), ERROR_UNTRUSTED_MOUNT_POINT);
    /* the same folder, no longer a junction: made */
    junction[0] = 0;
    assert_int_equal(secure_dirs_create(target), ERROR_SUCCESS);
    assert_true(GetFileAttributesW(target) & FILE_ATTRIBUTE_DIRECTORY);
    RemoveDirectoryW(target);
    RemoveDirectoryW(inner);
    swprintf(inner, MAX_PATH, L"%ls\\planted", base);
    RemoveDirectoryW(inner);
    RemoveDirectoryW(base);
}

/* Removing a scratch folder removes a junction inside it, never what it leads to. */
static void removing_a_scratch_folder_never_follows_a_junction(void **state)
{
    wchar_t scratch[MAX_PATH], victim[MAX_PATH], sub[MAX_PATH], plain[MAX_PATH];
    GetTempPathW(MAX_PATH, scratch);
    wcscat(scratch, L"p2v-junction-scratch");
    CreateDirectoryW(scratch, NULL);
    /* "link": the planted junction; what is in it stands for the files it leads to */
    swprintf(junction, MAX_PATH, L"%ls\\link", scratch);
    CreateDirectoryW(junction, NULL);
    swprintf(victim, MAX_PATH, L"%ls\\system.dat", junction);
    make_file(victim);
    swprintf(sub, MAX_PATH, L"%ls\\work", scratch);
    CreateDirectoryW(sub, NULL);
    swprintf(plain, MAX_PATH, L"%ls\\work\\temp.tmp", scratch);
    make_file(plain);
    scratch_dir_remove(scratch);
    assert_true(GetFileAttributesW(victim) != INVALID_FILE_ATTRIBUTES);   /* not followed */
    assert_int_equal(GetFileAttributesW(plain), INVALID_FILE_ATTRIBUTES);  /* its own files go */
    assert_int_equal(GetFileAttributesW(sub), INVALID_FILE_ATTRIBUTES);
    junction[0] = 0;
    DeleteFileW(victim);
    swprintf(sub, MAX_PATH, L"%ls\\link", scratch);
    RemoveDirectoryW(sub);
    RemoveDirectoryW(scratch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_system_and_administrators_is_closed_anything_else_open),
        cmocka_unit_test(the_first_other_writer_is_named),
        cmocka_unit_test(the_running_account_is_not_another_writer),
        cmocka_unit_test(an_owner_or_a_writer_of_another_account_is_named),
        cmocka_unit_test(random_names_differ),
        cmocka_unit_test(report_folders_are_made_level_by_level),
        cmocka_unit_test_setup_teardown(a_junction_on_the_way_to_a_report_folder_is_refused,
                                        junctions_on, junctions_off),
        cmocka_unit_test_setup_teardown(removing_a_scratch_folder_never_follows_a_junction,
                                        junctions_on, junctions_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
