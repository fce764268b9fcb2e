/* The first-boot pass over an in-memory machine: its decisions where the end-to-end test
 * does not go. A missing or planted record stops it and removes its registration, changing
 * nothing else; the source changes nothing; no new adapter makes it wait for
 * FIRSTBOOT_MAX_STARTS starts and then give up; two static adapters and two new ones with
 * other MACs are left alone and said. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "firstboot.h"
#include "firstboot_run.h"
#include "mem_backend.h"
#include "netid.h"
#include "text.h"
#include "wassert.h"

#define CLASS L"SYSTEM\\ControlSet001\\Control\\Class\\" NET_CLASS_GUID
#define IFACES L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\"
#define STATE L"C:\\Windows\\p2vprep"
static const wchar_t *const guids[] = {
    L"{11111111-1111-1111-1111-111111111111}", L"{22222222-2222-2222-2222-222222222222}",
};

static void registered(struct mem_machine *m)
{
    for (int s = 1; s <= 2; s++) {
        wchar_t key[200];
        wfmt(key, 200, L"SYSTEM\\ControlSet%03d\\Services\\" FIRSTBOOT_SERVICE, s);
        mem_dword(m, key, L"Start", 2);
        mem_dword(m, key, L"Type", 0x10);
    }
}

static BOOL is_registered(struct mem_machine *m, int set)
{
    struct backend b = mem_backend(m);
    wchar_t key[200];
    wfmt(key, 200, L"SYSTEM\\ControlSet%03d\\Services\\" FIRSTBOOT_SERVICE, set);
    return b.key_exists(b.ctx, key) == ERROR_SUCCESS;
}

static void text_file(struct mem_machine *m, const wchar_t *path, const wchar_t *text)
{
    int len = 0;
    char *u = utf8_from_wide(text, &len);
    mem_file(m, path, u, (DWORD)len);
    free(u);
}

/* n static adapters in the capture (MACs 00-0C-29-00-00-0N), the record and configuration. */
static void source_machine(struct mem_machine *m, int n)
{
    memset(m, 0, sizeof *m);
    m->os.major = 6;
    m->os.minor = 1;
    m->os.arch = ARCH_X64;
    wcscpy(m->os.systemroot, L"C:\\Windows");
    wcscpy(m->os.computer, L"SRV1");
    mem_dword(m, L"SYSTEM\\Select", L"Current", 1);
    mem_dword(m, L"SYSTEM\\Select", L"Default", 1);
    mem_dword(m, L"SYSTEM\\Select", L"LastKnownGood", 2);
    mem_key(m, L"SYSTEM\\ControlSet002\\Services");
    struct net_record rec;
    memset(&rec, 0, sizeof rec);
    for (int i = 0; i < n; i++) {
        wchar_t key[200];
        wfmt(key, 200, CLASS L"\\%04d", i);
        mem_sz(m, key, L"NetCfgInstanceId", REG_SZ, guids[i]);
        mem_dword(m, key, L"Characteristics", 0x84);
        wfmt(key, 200, IFACES L"%ls", guids[i]);
        mem_dword(m, key, L"EnableDHCP", 0);
        mem_raw(m, key, L"IPAddress", REG_MULTI_SZ, i ? L"10.0.1.5\0" : L"10.0.0.5\0", 20);
        mem_raw(m, key, L"SubnetMask", REG_MULTI_SZ, L"255.255.255.0\0", 30);
        struct net_ident *id = &rec.ids[rec.n_ids++];
        wcscpy(id->guid, guids[i]);
        id->mac_len = 6;
        id->mac[1] = 0x0C, id->mac[2] = 0x29, id->mac[5] = (BYTE)(i + 1);
        id->is_static = TRUE;
        id->kind = NET_KIND_PHYSICAL;
        id->presence = NET_PRESENT;
        wfmt(id->name, NET_NAME_CCH, L"LAN %d", i + 1);
    }
    struct wbuf b = { 0 };
    net_record_format(&rec, &b);
    text_file(m, STATE L"\\" FIRSTBOOT_RECORD, b.s);
    wbuf_free(&b);
    text_file(m, STATE L"\\" FIRSTBOOT_CONFIG, L"p2vprep-firstboot 1\nnetwork yes\nend 0\n");
    registered(m);
}

static int pass(struct mem_machine *m, struct firstboot_result *res)
{
    struct backend b = mem_backend(m);
    struct firstboot_options o = { FALSE, FALSE, FALSE };
    return firstboot_run(res, &b, &o);
}

/* The machine's keys and values, the pass's own service key and files left out. */
static wchar_t *registry_picture(struct mem_machine *m)
{
    wchar_t *all = mem_picture(m), *out = calloc(wcslen(all) + 1, sizeof *out);
    for (wchar_t *line = wcstok(all, L"\n"); line; line = wcstok(NULL, L"\n"))
        if ((!wcsncmp(line, L"K ", 2) || !wcsncmp(line, L"V ", 2)) && !wcsstr(line, FIRSTBOOT_SERVICE) &&
            wcsncmp(line + 2, L"SOFTWARE", 8)) {   /* the marker's FirstBoot, and its keys */
            wcscat(out, line);
            wcscat(out, L"\n");
        }
    free(all);
    return out;
}

static void a_missing_or_planted_record_stops_it(void **state)
{
    static struct firstboot_result res;
    struct mem_machine m;
    source_machine(&m, 1);
    wchar_t *before = registry_picture(&m);
    /* planted: a record with a line p2vprep never writes */
    text_file(&m, STATE L"\\" FIRSTBOOT_RECORD, L"p2vprep-network 1\nadapter {x} - static physical present \"a\"\nend 1 0\n");
    assert_int_equal(pass(&m, &res), 1);
    assert_int_equal(res.state, FIRSTBOOT_FAILED);
    assert_wstr_contains(res.detail, L"not a record p2vprep wrote");
    assert_false(is_registered(&m, 1));
    assert_false(is_registered(&m, 2));
    wchar_t *after = registry_picture(&m);
    assert_wstr_equal(before, after);
    free(before);
    free(after);
    mem_free(&m);

    source_machine(&m, 1);
    text_file(&m, STATE L"\\" FIRSTBOOT_CONFIG, L"p2vprep-firstboot 1\nnetwork yes\nuninstall /i{evil} xen\nend 1\n");
    assert_int_equal(pass(&m, &res), 1);
    assert_wstr_contains(res.detail, L"firstboot.cfg is not one p2vprep wrote");
    assert_int_equal(res.n_uninstalls, 0);
    mem_free(&m);
}

static void the_source_changes_nothing(void **state)
{
    static struct firstboot_result res;
    struct mem_machine m;
    source_machine(&m, 1);
    wcscpy(m.live[0].guid, guids[0]);
    m.n_live = 1;
    wchar_t *before = mem_picture(&m);
    assert_int_equal(pass(&m, &res), 0);
    assert_int_equal(res.state, FIRSTBOOT_SOURCE);
    wchar_t *after = mem_picture(&m);
    assert_wstr_equal(before, after);   /* not even a result file */
    free(before);
    free(after);
    mem_free(&m);
}

static void no_new_adapter_waits_then_gives_up(void **state)
{
    static struct firstboot_result res;
    struct mem_machine m;
    source_machine(&m, 1);
    m.n_live = 0;   /* the VM's NIC not installed yet */
    for (int start = 1; start < FIRSTBOOT_MAX_STARTS; start++) {
        assert_int_equal(pass(&m, &res), 0);
        assert_int_equal(res.state, FIRSTBOOT_WAITING);
        assert_true(is_registered(&m, 1));
        assert_int_equal(res.writes, 0);
    }
    assert_int_equal(pass(&m, &res), 0);
    assert_int_equal(res.state, FIRSTBOOT_GAVE_UP);
    assert_false(is_registered(&m, 1));
    assert_false(is_registered(&m, 2));
    assert_wstr_equal(res.adapters[0].verdict, net_verdict_name(NET_NOTHING_NEW));
    mem_free(&m);
}

static void two_for_two_with_new_macs_is_left_alone(void **state)
{
    static struct firstboot_result res;
    struct mem_machine m;
    source_machine(&m, 2);
    wcscpy(m.live[0].guid, L"{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}");
    wcscpy(m.live[1].guid, L"{BBBBBBBB-BBBB-BBBB-BBBB-BBBBBBBBBBBB}");
    m.live[0].mac_len = m.live[1].mac_len = 6;
    m.live[0].mac[0] = 0x52, m.live[1].mac[0] = 0x54;
    m.n_live = 2;
    wchar_t *before = registry_picture(&m);
    assert_int_equal(pass(&m, &res), 0);
    assert_int_equal(res.state, FIRSTBOOT_DONE);
    assert_int_equal(res.ambiguous, 2);
    assert_int_equal(res.moved, 0);
    assert_int_equal(res.writes, 0);
    assert_wstr_equal(res.adapters[0].verdict, net_verdict_name(NET_AMBIGUOUS));
    wchar_t *after = registry_picture(&m);
    assert_wstr_equal(before, after);
    free(before);
    free(after);
    mem_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_missing_or_planted_record_stops_it),
        cmocka_unit_test(the_source_changes_nothing),
        cmocka_unit_test(no_new_adapter_waits_then_gives_up),
        cmocka_unit_test(two_for_two_with_new_macs_is_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
