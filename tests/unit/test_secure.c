/* Who may write a folder p2vprep trusts: the decision on hand-built ACLs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <wchar.h>
#include <stdlib.h>
#include "secure.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_system_and_administrators_is_closed_anything_else_open),
        cmocka_unit_test(the_first_other_writer_is_named),
        cmocka_unit_test(random_names_differ),
        cmocka_unit_test(report_folders_are_made_level_by_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
