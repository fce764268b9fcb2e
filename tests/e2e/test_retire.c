/* End to end: --retire vmware on a server that ran on VMware. Three control sets (Current
 * = 2, LastKnownGood = 3), VMware Tools' services in each, the mouse class listing
 * vmusbmouse (after mouclass in set 2, before it in set 3), pvscsi boot-start, the PS/2
 * mouse device naming VMMouse as its own filter, and VMware Tools in Programs and Features.
 * apply disables what may go in every set and takes vmusbmouse out of both lists in their
 * order; the boot guard keeps pvscsi and vmmouse; a rerun, check and plan write nothing;
 * rollback and every failed or killed apply leave the registry byte for byte as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"
#include "json_check.h"

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define FAULT_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"
#define RETIRE L" --retire vmware"
#define MOUSE L"{4D36E96F-E325-11CE-BFC1-08002BE10318}"
#define KEYBOARD L"{4D36E96B-E325-11CE-BFC1-08002BE10318}"
#define TOOLS L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{FE2F6A2C-196E-4210-9C04-2B1BC21F07EF}"
#define PS2 L"SYSTEM\\ControlSet002\\Enum\\ACPI\\PNP0F13\\4&25ee97c0&0"

static void set_multi(const wchar_t *key, const wchar_t *name, const wchar_t *list, size_t chars)
{
    HKEY h;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY,
                                     NULL, &h, NULL), ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(h, name, 0, REG_MULTI_SZ, (const BYTE *)list,
                                    (DWORD)(chars * sizeof(wchar_t))), ERROR_SUCCESS);
    RegCloseKey(h);
}

static void assert_multi(const wchar_t *key, const wchar_t *name, const wchar_t *list, size_t chars)
{
    DWORD type, size = 512;
    BYTE data[512];
    assert_true(fx_get(key, name, &type, data, &size));
    assert_int_equal(type, REG_MULTI_SZ);
    if (size != chars * sizeof(wchar_t) || memcmp(data, list, size))
        fail_msg("%ls\\%ls: %lu bytes, not the list expected", key, name, (unsigned long)size);
}

static DWORD start_of(int set, const wchar_t *service)
{
    wchar_t key[200];
    DWORD d = 99;
    swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Services\\%ls", set, service);
    assert_true(fx_get_dword(key, L"Start", &d));
    return d;
}

static int vmware_guest(void **state)
{
    struct fixture f = { L"win7", { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    static const struct { const wchar_t *name; DWORD start; const wchar_t *group; } services[] = {
        { L"VMTools", 2, NULL }, { L"VGAuthService", 2, NULL }, { L"vmci", 3, L"Extended Base" },
        { L"vmhgfs", 1, L"Network" }, { L"vmmouse", 3, L"Pointer Port" }, { L"vmusbmouse", 3, L"Pointer Port" },
        { L"pvscsi", 0, L"SCSI miniport" },
    };
    fx_shape(&f);
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vprep");
    for (int s = 1; s <= 3; s++) {
        wchar_t key[200];
        for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
            swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Services\\%ls", s, services[i].name);
            fx_set_dword(key, L"Start", services[i].start);
            fx_set_dword(key, L"Type", 1);
            if (services[i].group)
                fx_set_sz(key, L"Group", REG_SZ, services[i].group);
        }
        swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, MOUSE);
        if (s == 3)
            set_multi(key, L"UpperFilters", L"vmusbmouse\0mouclass\0", 21);
        else
            set_multi(key, L"UpperFilters", L"mouclass\0vmusbmouse\0", 21);
        fx_set_sz(key, L"Class", REG_SZ, L"Mouse");
        swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, KEYBOARD);
        set_multi(key, L"UpperFilters", L"kbdclass\0", 10);
    }
    set_multi(PS2, L"UpperFilters", L"VMMouse\0", 9);
    fx_set_sz(PS2, L"Service", REG_SZ, L"i8042prt");
    fx_set_sz(TOOLS, L"DisplayName", REG_SZ, L"VMware Tools");
    fx_set_sz(TOOLS, L"DisplayVersion", REG_SZ, L"12.3.5.22544099");
    fx_set_dword(TOOLS, L"WindowsInstaller", 1);
    return 0;
}

static int clean(void **state)
{
    fx_delete_tree(HKEY_LOCAL_MACHINE, TOOLS);
    return 0;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected %s in:\n%s", needle, hay);
}

static void retire_vmware_in_every_set_with_the_boot_guard(void **state)
{
    char *out, *err;
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"plan" RETIRE, &out), 0);
    assert_has(out, "Services\\vmci\\Start = 4 (REG_DWORD) (was 3 (REG_DWORD))");
    assert_has(out, "[mouclass, vmusbmouse] (REG_MULTI_SZ)");
    free(out);
    assert_int_equal(fx_run(EXE, L"check" RETIRE, &out), 1);
    assert_has(out, "retire vmware");
    assert_has(out, "not ready");
    assert_has(out, "pvscsi is left as it is");
    assert_has(out, "VMware Tools 12.3.5.22544099 is installed");
    free(out);

    assert_int_equal(fx_run_split(EXE, L"apply --json" RETIRE, &out, &err), 0);
    char why[128];
    if (!json_check(out, strlen(out), why, sizeof why))
        fail_msg("not one JSON value (%s):\n%s", why, out);
    assert_has(out, "\"retire\": {\"platforms\": [\"vmware\"]");
    assert_has(out, "\"name\": \"pvscsi\", \"kind\": \"service\", \"state\": \"guarded\"");
    assert_has(out, "\"name\": \"vmmouse\", \"kind\": \"service\", \"state\": \"guarded\"");
    assert_has(out, "\"name\": \"vmusbmouse\", \"kind\": \"service\", \"state\": \"retire\", "
                    "\"control_sets\": 3, \"filter_lists\": 3");
    assert_has(out, "\"found\": 7, \"retired\": 5, \"guarded\": 2, \"software\": 1");
    assert_has(out, "\"retire\": \"vmware\"");
    free(out);
    free(err);

    /* every set: the rest off, the guarded ones as they were, the lists without vmusbmouse */
    static const wchar_t *const off[] = { L"VMTools", L"VGAuthService", L"vmci", L"vmhgfs", L"vmusbmouse" };
    for (int s = 1; s <= 3; s++) {
        for (size_t i = 0; i < sizeof off / sizeof *off; i++)
            if (start_of(s, off[i]) != 4)
                fail_msg("ControlSet%03d\\Services\\%ls is not disabled", s, off[i]);
        assert_int_equal(start_of(s, L"pvscsi"), 0);
        assert_int_equal(start_of(s, L"vmmouse"), 3);
        wchar_t key[200];
        swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, MOUSE);
        assert_multi(key, L"UpperFilters", L"mouclass\0", 10);
        swprintf(key, 200, L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, KEYBOARD);
        assert_multi(key, L"UpperFilters", L"kbdclass\0", 10);
    }
    assert_multi(PS2, L"UpperFilters", L"VMMouse\0", 9);

    /* done: check is ready, and a rerun, check and plan attempt no write */
    assert_int_equal(fx_run(EXE, L"check" RETIRE, &out), 0);
    assert_has(out, "retire vmware");
    free(out);
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    static const wchar_t *const again[] = { L"apply" RETIRE, L"check" RETIRE, L"plan" RETIRE };
    for (int i = 0; i < 3; i++) {
        int rc = fx_run(FAULT_EXE, again[i], &out);
        if (rc != 0 || strstr(out, "fault: attempted"))
            fail_msg("%ls after apply: exit %d\n%s", again[i], rc, out);
        free(out);
    }
    fx_setenv(L"P2VPREP_FAULT_ANY", NULL);

    /* rollback: every set byte for byte, the lists in their old order */
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    free(out);
    wchar_t *after = fx_export_sets();
    if (wcscmp(before, after))
        fail_msg("the control sets differ after rollback");
    assert_multi(L"SYSTEM\\ControlSet003\\Control\\Class\\" MOUSE, L"UpperFilters", L"vmusbmouse\0mouclass\0", 21);
    free(before);
    free(after);
}

/* A failure at any write, and a kill after any write: the failed apply undoes itself; the
 * killed one is undone by rollback. Either way the sets are byte for byte as before. */
static void a_failure_or_kill_at_any_write_leaves_the_sets_as_they_were(void **state)
{
    wchar_t *before = fx_export_sets();
    int fails = 0, kills = 0;
    for (int kill = 0; kill < 2; kill++)
        for (int n = 1; n < 100; n++) {
            wchar_t at[16];
            char *out;
            swprintf(at, 16, L"%d", n);
            if (kill)
                fx_setenv(L"P2VPREP_FAULT_KILL", L"after");
            fx_setenv(L"P2VPREP_FAULT_AT", at);
            int rc = fx_run(FAULT_EXE, L"apply" RETIRE, &out);
            fx_setenv(L"P2VPREP_FAULT_KILL", NULL);
            fx_setenv(L"P2VPREP_FAULT_AT", NULL);
            free(out);
            if (rc == 0) {   /* no Nth write: it ran through */
                assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
                break;
            }
            if (rc != (kill ? 99 : 5))
                fail_msg("%ls at write %d: exit %d", kill ? L"kill" : L"fault", n, rc);
            if (kill) {
                kills++;
                int rb = fx_run(EXE, L"rollback", &out);
                if (rb != 0)
                    fail_msg("killed after write %d: rollback exit %d\n%s", n, rb, out);
                free(out);
            } else {
                fails++;
            }
            wchar_t *after = fx_export_sets();
            if (wcscmp(before, after))
                fail_msg("%ls at write %d: the sets differ", kill ? L"kill" : L"fault", n);
            free(after);
        }
    /* 5 services in 3 sets, 3 lists, the marker's values */
    if (fails < 18 || kills < 18)
        fail_msg("only %d faults and %d kills: the writes were not all reached", fails, kills);
    print_message("%d failed and %d killed applies, each left the sets as they were\n", fails, kills);
    free(before);
}

/* A platform nobody knows, and --retire where it is not taken: exit 2, nothing changed. */
static void bad_retire_lines_change_nothing(void **state)
{
    char *out;
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply --retire esxi", &out), 2);
    assert_has(out, "unknown platform \"esxi\"");
    free(out);
    assert_int_equal(fx_run(EXE, L"rollback --retire vmware", &out), 2);
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(retire_vmware_in_every_set_with_the_boot_guard, vmware_guest, clean),
        cmocka_unit_test_setup_teardown(a_failure_or_kill_at_any_write_leaves_the_sets_as_they_were, vmware_guest, clean),
        cmocka_unit_test_setup_teardown(bad_retire_lines_change_nothing, vmware_guest, clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
