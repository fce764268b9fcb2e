/* End to end: --keep-network. The source server has a static adapter A (address, mask,
 * gateway, DNS, suffix, WINS) and a DHCP adapter; check warns about A; apply --keep-network
 * records the adapters and registers the first-boot pass in both control sets; on the source
 * the pass does nothing. Then the move: A is gone (its keys stay, a ghost) and a new adapter
 * N with a new GUID and MAC is present; the pass moves A's settings to N value by value,
 * clears A's static address, writes its result and removes its registration; rollback puts
 * both adapters' values back. A kill after any write of the pass leaves a state the next
 * start completes. The adapters present are the test build's (P2VPREP_NET_LIVE): Wine lists
 * the host's. Whether Windows then restarts N with the address is not seen here. */
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
#define NETCLASS L"{4D36E972-E325-11CE-BFC1-08002BE10318}"
#define A L"{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}"
#define DHCP L"{0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}"
#define N L"{F00DCAFE-1234-5678-9ABC-DEF012345678}"
#define SOURCE_LIVE A L"=00-0C-29-11-22-33;" DHCP L"=00-0C-29-44-55-66"
#define VM_LIVE N L"=52-54-00-AA-BB-CC"   /* one new adapter: the VM was given one NIC */
#define TCPIP(set, g) L"SYSTEM\\ControlSet00" set L"\\Services\\Tcpip\\Parameters\\Interfaces\\" g
#define NETBT(set, g) L"SYSTEM\\ControlSet00" set L"\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_" g
#define SERVICE(set) L"SYSTEM\\ControlSet00" set L"\\Services\\p2vprep-firstboot"

static wchar_t state_dir[MAX_PATH], firstboot_exe[MAX_PATH];

static void set_raw(const wchar_t *key, const wchar_t *name, DWORD type, const void *data, DWORD size)
{
    HKEY h;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_WRITE | KEY_WOW64_64KEY, NULL, &h,
                                     NULL), ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(h, name, 0, type, data, size), ERROR_SUCCESS);
    RegCloseKey(h);
}

#define MULTI(key, name, lit) set_raw(key, name, REG_MULTI_SZ, lit, sizeof lit)

/* One adapter in set 1 (the current one): its class key, connection and TCP/IP keys. */
static void adapter(const wchar_t *index, const wchar_t *guid, const wchar_t *desc, const wchar_t *name)
{
    wchar_t key[300];
    swprintf(key, 300, L"SYSTEM\\ControlSet001\\Control\\Class\\" NETCLASS L"\\%ls", index);
    fx_set_sz(key, L"NetCfgInstanceId", REG_SZ, guid);
    fx_set_sz(key, L"DriverDesc", REG_SZ, desc);
    fx_set_sz(key, L"ComponentId", REG_SZ, L"pci\\ven_8086&dev_100f");
    fx_set_dword(key, L"Characteristics", 0x84);
    swprintf(key, 300, L"SYSTEM\\ControlSet001\\Control\\Network\\" NETCLASS L"\\%ls\\Connection", guid);
    fx_set_sz(key, L"Name", REG_SZ, name);
    fx_set_sz(key, L"PnpInstanceID", REG_SZ, L"PCI\\VEN_8086&DEV_100F&SUBSYS_075015AD&REV_01\\4&3AD87E0A&0&0888");
}

static int source_server(void **state)
{
    struct fixture f = { L"win2003", { 1, 2 }, 2, { 1, 1, 2, 0 } };
    fx_shape(&f);
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vprep");
    swprintf(state_dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    swprintf(firstboot_exe, MAX_PATH, L"%ls\\p2vprep-firstboot.exe", state_dir);
    adapter(L"0007", A, L"Intel(R) PRO/1000 MT Network Connection", L"Production LAN");
    fx_set_dword(TCPIP(L"1", A), L"EnableDHCP", 0);
    MULTI(TCPIP(L"1", A), L"IPAddress", L"10.1.2.3\0");
    MULTI(TCPIP(L"1", A), L"SubnetMask", L"255.255.255.0\0");
    MULTI(TCPIP(L"1", A), L"DefaultGateway", L"10.1.2.1\0");
    MULTI(TCPIP(L"1", A), L"DefaultGatewayMetric", L"0\0");
    fx_set_sz(TCPIP(L"1", A), L"NameServer", REG_SZ, L"10.1.2.53,10.1.2.54");
    fx_set_sz(TCPIP(L"1", A), L"Domain", REG_SZ, L"corp.example");
    MULTI(NETBT(L"1", A), L"NameServerList", L"10.1.2.60\0");
    fx_set_dword(NETBT(L"1", A), L"NetbiosOptions", 0);
    adapter(L"0008", DHCP, L"Intel(R) PRO/1000 MT Network Connection #2", L"Backup LAN");
    fx_set_dword(TCPIP(L"1", DHCP), L"EnableDHCP", 1);
    fx_setenv(L"P2VPREP_NET_LIVE", SOURCE_LIVE);
    return 0;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected %s in:\n%s", needle, hay);
}

static void check_warns_and_apply_registers_the_pass(void **state)
{
    char *out, *err;
    assert_int_equal(fx_run(FAULT_EXE, L"check --retire virtualbox", &out), 0);
    assert_has(out, "adapter \"Production LAN\"");
    assert_has(out, "static address 10.1.2.3/255.255.255.0, gateway 10.1.2.1");
    assert_has(out, "--keep-network");
    assert_null(strstr(out, "Backup LAN"));   /* DHCP: nothing to lose */
    free(out);
    assert_int_equal(fx_run(FAULT_EXE, L"check --keep-network", &out), 1);
    assert_has(out, "keep-network");
    assert_has(out, "not registered");
    free(out);

    assert_int_equal(fx_run_split(FAULT_EXE, L"apply --keep-network --json", &out, &err), 0);
    char why[128];
    if (!json_check(out, strlen(out), why, sizeof why))
        fail_msg("not one JSON value (%s):\n%s", why, out);
    assert_has(out, "\"network\": {\"keep_network\": true, \"complete\": true");
    assert_has(out, "10.1.2.3");
    assert_has(out, "corp.example");
    free(out);
    free(err);
    for (int s = 0; s < 2; s++) {
        const wchar_t *key = s ? SERVICE(L"2") : SERVICE(L"1");
        DWORD d;
        assert_true(fx_get_dword(key, L"Start", &d));
        assert_int_equal(d, 2);
        assert_true(fx_get_dword(key, L"Type", &d));
        assert_int_equal(d, 0x10);
    }
    assert_true(fx_file_exists(firstboot_exe));
    wchar_t record[MAX_PATH];
    swprintf(record, MAX_PATH, L"%ls\\network.txt", state_dir);
    BYTE *text;
    DWORD size;
    assert_true(fx_read_file(record, &text, &size));
    char *t = realloc(text, size + 1);
    t[size] = 0;
    assert_true(!strncmp(t, "p2vprep-network 1\n", 18));
    assert_has(t, "adapter {6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6} 00-0C-29-11-22-33 static");
    free(t);

    /* done: a rerun writes nothing; check is ready */
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    int rc = fx_run(FAULT_EXE, L"apply --keep-network", &out);
    fx_setenv(L"P2VPREP_FAULT_ANY", NULL);
    if (rc != 0 || strstr(out, "fault: attempted"))
        fail_msg("rerun: exit %d\n%s", rc, out);
    free(out);
    assert_int_equal(fx_run(FAULT_EXE, L"check --keep-network", &out), 0);
    free(out);
    /* an adapter configured after the apply: a rerun brings the record up to date, and
     * writes nothing to the registry */
    adapter(L"0010", L"{0C0C0C0C-1D1D-2E2E-3F3F-404040404040}", L"Intel(R) PRO/1000 MT #3", L"Storage LAN");
    fx_set_dword(TCPIP(L"1", L"{0C0C0C0C-1D1D-2E2E-3F3F-404040404040}"), L"EnableDHCP", 0);
    MULTI(TCPIP(L"1", L"{0C0C0C0C-1D1D-2E2E-3F3F-404040404040}"), L"IPAddress", L"10.9.9.9\0");
    MULTI(TCPIP(L"1", L"{0C0C0C0C-1D1D-2E2E-3F3F-404040404040}"), L"SubnetMask", L"255.255.0.0\0");
    wchar_t *sets = fx_export_sets();
    assert_int_equal(fx_run(FAULT_EXE, L"apply --keep-network", &out), 0);
    assert_has(out, "Nothing to do");
    free(out);
    wchar_t *sets_after = fx_export_sets();
    assert_true(!wcscmp(sets, sets_after));
    free(sets);
    free(sets_after);
    assert_true(fx_read_file(record, &text, &size));
    t = realloc(text, size + 1);
    t[size] = 0;
    assert_has(t, "adapter {0C0C0C0C-1D1D-2E2E-3F3F-404040404040} - static");
    free(t);

    /* the source restarted: the pass does nothing and stays */
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(firstboot_exe, L"firstboot --no-wait", &out), 0);
    assert_has(out, "first boot: source");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);

    /* rollback on the source: the registration goes, the network stays */
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    free(out);
    assert_false(fx_key_exists(SERVICE(L"1")));
    assert_false(fx_key_exists(SERVICE(L"2")));
    DWORD d;
    assert_true(fx_get_dword(TCPIP(L"1", A), L"EnableDHCP", &d));
    assert_int_equal(d, 0);
}

/* The VM: A gone (a ghost), N new with DHCP defaults. */
static void become_the_vm(void)
{
    adapter(L"0009", N, L"Red Hat VirtIO Ethernet Adapter", L"Ethernet");
    fx_set_dword(TCPIP(L"1", N), L"EnableDHCP", 1);
    fx_set_sz(TCPIP(L"1", N), L"NameServer", REG_SZ, L"");
    fx_setenv(L"P2VPREP_NET_LIVE", VM_LIVE);
}

static const wchar_t *const moved[] = {
    L"EnableDHCP", L"IPAddress", L"SubnetMask", L"DefaultGateway", L"DefaultGatewayMetric",
    L"NameServer", L"Domain",
};

struct saved { DWORD type, size; BYTE data[1024]; BOOL present; };

static void save(const wchar_t *key, const wchar_t *name, struct saved *v)
{
    v->size = sizeof v->data;
    v->present = fx_get(key, name, &v->type, v->data, &v->size);
}

static void the_pass_moves_the_settings_and_rollback_puts_them_back(void **state)
{
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply --keep-network", &out), 0);
    free(out);
    become_the_vm();
    struct saved source[sizeof moved / sizeof *moved], wins;
    for (size_t i = 0; i < sizeof moved / sizeof *moved; i++)
        save(TCPIP(L"1", A), moved[i], &source[i]);
    save(NETBT(L"1", A), L"NameServerList", &wins);
    wchar_t *before[4] = { fx_export(TCPIP(L"1", A)), fx_export(TCPIP(L"1", N)), fx_export(NETBT(L"1", A)),
                           fx_export(NETBT(L"1", N)) };

    assert_int_equal(fx_run(firstboot_exe, L"firstboot --no-wait", &out), 0);
    assert_has(out, "first boot: done: 1 adapter(s) moved");
    assert_has(out, "Production LAN");
    free(out);
    /* N holds A's static settings, value by value; WINS came along; A is DHCP now */
    for (size_t i = 0; i < sizeof moved / sizeof *moved; i++) {
        struct saved now;
        save(TCPIP(L"1", N), moved[i], &now);
        if (now.present != source[i].present || now.type != source[i].type || now.size != source[i].size ||
            memcmp(now.data, source[i].data, now.size))
            fail_msg("the new adapter's %ls is not the source's", moved[i]);
    }
    struct saved now_wins;
    save(NETBT(L"1", N), L"NameServerList", &now_wins);
    assert_true(now_wins.present && now_wins.size == wins.size && !memcmp(now_wins.data, wins.data, wins.size));
    DWORD dhcp;
    assert_true(fx_get_dword(TCPIP(L"1", A), L"EnableDHCP", &dhcp));
    assert_int_equal(dhcp, 1);
    /* the registration is gone from both sets, the result is written */
    assert_false(fx_key_exists(SERVICE(L"1")));
    assert_false(fx_key_exists(SERVICE(L"2")));
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\firstboot.json", state_dir);
    BYTE *json;
    DWORD size;
    assert_true(fx_read_file(path, &json, &size));
    char *j = realloc(json, size + 1);
    j[size] = 0;
    char why[128];
    if (!json_check(j, size, why, sizeof why))
        fail_msg("firstboot.json is not JSON (%s):\n%s", why, j);
    assert_has(j, "\"state\": \"done\"");
    assert_has(j, "\"verdict\": \"map\"");
    assert_has(j, "\"verified\": true");
    free(j);
    DWORD t, s = 256;
    BYTE mk[256];
    assert_true(fx_get(L"SOFTWARE\\p2vprep", L"FirstBoot", &t, mk, &s));
    assert_non_null(wcsstr((wchar_t *)mk, L"done"));
    /* a second start has nothing left: the registration is gone, and so is the work */

    /* rollback on the VM: both adapters' keys as before the pass */
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    free(out);
    wchar_t *after[4] = { fx_export(TCPIP(L"1", A)), fx_export(TCPIP(L"1", N)), fx_export(NETBT(L"1", A)),
                          fx_export(NETBT(L"1", N)) };
    for (int i = 0; i < 4; i++) {
        if (wcscmp(before[i], after[i]))
            fail_msg("key %d differs after rollback:\n%ls\n--\n%ls", i, before[i], after[i]);
        free(before[i]);
        free(after[i]);
    }
}

/* Killed after each write of the pass: the next start completes it, and ends where an
 * uninterrupted pass ends. */
static wchar_t *vm_started(const wchar_t *kill_at)
{
    char *out;
    source_server(NULL);
    assert_int_equal(fx_run(FAULT_EXE, L"apply --keep-network", &out), 0);
    free(out);
    become_the_vm();
    int rc = 0;
    if (kill_at) {
        fx_setenv(L"P2VPREP_FAULT_KILL", L"after");
        fx_setenv(L"P2VPREP_FAULT_AT", kill_at);
        rc = fx_run(firstboot_exe, L"firstboot --no-wait", &out);
        fx_setenv(L"P2VPREP_FAULT_KILL", NULL);
        fx_setenv(L"P2VPREP_FAULT_AT", NULL);
        free(out);
        if (rc != 99)
            return NULL;   /* no such write: the pass ran through */
    }
    rc = fx_run(firstboot_exe, L"firstboot --no-wait", &out);
    if (rc != 0)
        fail_msg("the start after a kill at write %ls: exit %d\n%s", kill_at ? kill_at : L"-", rc, out);
    free(out);
    return fx_export(L"SYSTEM\\ControlSet001\\Services");
}

static void a_kill_after_any_write_of_the_pass_is_completed_by_the_next_start(void **state)
{
    wchar_t *reference = vm_started(NULL);
    int kills = 0;
    for (int n = 1; n < 60; n++) {
        wchar_t at[16];
        swprintf(at, 16, L"%d", n);
        wchar_t *now = vm_started(at);
        if (!now)
            break;
        kills++;
        if (wcscmp(now, reference))
            fail_msg("killed after write %d: the next start did not end where a whole pass ends", n);
        free(now);
    }
    print_message("%d kills, each completed by the next start\n", kills);
    assert_true(kills >= 8);
    free(reference);
}

/* --retire xen with XCP-ng's PV tools installed (a Windows Installer package that uninstalls
 * off Xen): apply stages its removal for the VM; on the source the pass does nothing; on the
 * VM it runs msiexec /x once (Wine's answers 1605, unknown product: a result all the same),
 * says so in firstboot.json and unregisters, without moving the network (not asked). */
#define XCPNG L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{AF9B2559-3E91-4206-98C2-F560009FF7F1}"
static void retire_stages_the_platform_uninstall_for_the_vm(void **state)
{
    char *out;
    fx_set_sz(XCPNG, L"DisplayName", REG_SZ, L"XCP-ng Windows PV Tools");
    fx_set_sz(XCPNG, L"DisplayVersion", REG_SZ, L"9.0.9065");
    fx_set_dword(XCPNG, L"WindowsInstaller", 1);
    fx_set_dword(L"SYSTEM\\ControlSet001\\Services\\xenagent", L"Start", 2);
    assert_int_equal(fx_run(FAULT_EXE, L"apply --retire xen", &out), 0);
    assert_has(out, "{AF9B2559-3E91-4206-98C2-F560009FF7F1} is removed by the first-boot pass");
    free(out);
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\firstboot.cfg", state_dir);
    BYTE *cfg;
    DWORD size;
    assert_true(fx_read_file(path, &cfg, &size));
    char *c = realloc(cfg, size + 1);
    c[size] = 0;
    assert_string_equal(c, "p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1} xen\nend 1\n");
    free(c);
    assert_int_equal(fx_run(firstboot_exe, L"firstboot --no-wait", &out), 0);
    assert_has(out, "first boot: source");
    free(out);
    assert_true(fx_key_exists(SERVICE(L"1")));
    become_the_vm();
    assert_int_equal(fx_run(firstboot_exe, L"firstboot --no-wait", &out), 0);
    assert_has(out, "xen {AF9B2559-3E91-4206-98C2-F560009FF7F1}");
    free(out);
    swprintf(path, MAX_PATH, L"%ls\\firstboot.json", state_dir);
    BYTE *json;
    assert_true(fx_read_file(path, &json, &size));
    char *j = realloc(json, size + 1);
    j[size] = 0;
    assert_has(j, "\"code\": \"{AF9B2559-3E91-4206-98C2-F560009FF7F1}\", \"platform\": \"xen\", \"error\": 0, \"exit_code\": ");
    assert_has(j, "\"moved\": 0");
    free(j);
    assert_false(fx_key_exists(SERVICE(L"1")));
    DWORD dhcp;
    assert_true(fx_get_dword(TCPIP(L"1", A), L"EnableDHCP", &dhcp));
    assert_int_equal(dhcp, 0);   /* the network was not to be moved */
    fx_delete_tree(HKEY_LOCAL_MACHINE, XCPNG);
}

/* The pass's configuration replaced by a link to a file anyone could write (one asking to
 * uninstall something): the pass reads nothing through it, runs nothing, moves nothing, and
 * says which file is a link. */
static void a_linked_configuration_is_never_read(void **state)
{
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply --keep-network", &out), 0);
    free(out);
    become_the_vm();
    CreateDirectoryW(L"C:\\p2vtest", NULL);
    static const char planted[] =
        "p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1} xen\nend 1\n";
    assert_true(fx_write_file(L"C:\\p2vtest\\planted.cfg", planted, sizeof planted - 1));
    wchar_t cfg[MAX_PATH];
    swprintf(cfg, MAX_PATH, L"%ls\\firstboot.cfg", state_dir);
    fx_delete_file(cfg);
    assert_true(fx_unix_link(cfg, L"C:\\p2vtest\\planted.cfg"));
    wchar_t *before = fx_export(TCPIP(L"1", A));
    int rc = fx_run(firstboot_exe, L"firstboot --no-wait", &out);
    fx_unix_unlink(cfg);
    if (rc != 1 || !strstr(out, "firstboot.cfg") || !strstr(out, "link") || strstr(out, "AF9B2559"))
        fail_msg("firstboot through a linked configuration: exit %d\n%s", rc, out);
    free(out);
    wchar_t *after = fx_export(TCPIP(L"1", A));
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);
    fx_delete_dir(L"C:\\p2vtest");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(check_warns_and_apply_registers_the_pass, source_server),
        cmocka_unit_test_setup(the_pass_moves_the_settings_and_rollback_puts_them_back, source_server),
        cmocka_unit_test_setup(a_kill_after_any_write_of_the_pass_is_completed_by_the_next_start, source_server),
        cmocka_unit_test_setup(retire_stages_the_platform_uninstall_for_the_vm, source_server),
        cmocka_unit_test_setup(a_linked_configuration_is_never_read, source_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
