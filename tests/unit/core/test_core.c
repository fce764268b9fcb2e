/* The core's knowledge and pure decisions, one test per rule: boot.ini parsing and its
 * partition rewrite, Windows' names, the host-list name rule, the kernel's signing roots
 * and what WinVerifyTrust's answers mean. Built twice: cross-built and run under Wine with
 * the other unit tests, and natively with AddressSanitizer (tests/native), which only core
 * allows: it calls no Win32 API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "bootini.h"
#include "exitcodes.h"
#include "hostlist.h"
#include "jsonin.h"
#include "marker.h"
#include "machine.h"
#include "targets.h"
#include "osname.h"
#include "sigstate.h"
#include "wassert.h"

static const char boot_ini[] =
    "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS\r\n"
    "[operating systems]\r\n"
    "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Windows Server 2003, Standard\" /fastdetect\r\n"
    "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Debug\" /debug\r\n"
    "multi(0)disk(0)rdisk(0)partition(22)\\WINDOWS=\"Another\"\r\n";

static void boot_ini_default_entry_and_arc_path(void **state)
{
    wchar_t arc[260], title[260], dir[MAX_PATH];
    int rdisk, partition;
    assert_true(bootini_default(boot_ini, sizeof boot_ini - 1, arc, 260, title, 260));
    assert_wstr_equal(arc, L"multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS");
    assert_wstr_equal(title, L"Windows Server 2003, Standard");
    assert_true(arc_path_parse(arc, &rdisk, &partition, dir, MAX_PATH));
    assert_int_equal(rdisk, 0);
    assert_int_equal(partition, 2);
    assert_wstr_equal(dir, L"\\WINDOWS");
    assert_false(arc_path_parse(L"multi(0)disk(0)rdisk(0)", &rdisk, &partition, dir, MAX_PATH));
    static const char none[] = "[boot loader]\r\ntimeout=30\r\n";
    assert_false(bootini_default(none, sizeof none - 1, arc, 260, title, 260));
}

/* The rewrite changes the default entry and the lines that start it, never a longer
 * number that merely begins the same (partition(22)). */
static void boot_ini_partition_rewrite_touches_only_its_entry(void **state)
{
    char *out = NULL;
    size_t n = 0;
    assert_true(bootini_set_partition(boot_ini, sizeof boot_ini - 1, 1, &out, &n));
    char *text = malloc(n + 1);
    memcpy(text, out, n);
    text[n] = 0;
    assert_non_null(strstr(text, "default=multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\r\n"));
    assert_non_null(strstr(text, "partition(1)\\WINDOWS=\"Windows Server 2003, Standard\""));
    assert_non_null(strstr(text, "partition(1)\\WINDOWS=\"Debug\""));
    assert_non_null(strstr(text, "partition(22)\\WINDOWS=\"Another\""));
    assert_null(strstr(text, "partition(2)\\"));
    free(text);
    free(out);
}

/* One display name for a Windows: the product decides between client and server names. */
static void windows_names(void **state)
{
    wchar_t name[96];
    assert_wstr_equal(os_name(5, 2, 3790, OS_PRODUCT_SERVER, 2, TRUE, name, 96), L"Windows Server 2003 SP2");
    assert_wstr_contains(os_name(5, 2, 3790, OS_PRODUCT_WORKSTATION, 2, TRUE, name, 96), L"XP");
    assert_wstr_equal(os_name(6, 1, 7601, OS_PRODUCT_SERVER, 1, TRUE, name, 96), L"Windows Server 2008 R2 SP1");
    /* the plan's header line: the name, the architecture, the numbers */
    struct os_info os;
    memset(&os, 0, sizeof os);
    os.major = 5, os.minor = 2, os.build = 3790, os.sp_major = 2, os.arch = ARCH_X64;
    os.product_type = VER_NT_SERVER;
    assert_wstr_equal(os_info_name(&os, name, 96), L"Windows Server 2003 SP2 x64 (5.2.3790)");
    assert_wstr_contains(os_name(6, 1, 7601, OS_PRODUCT_UNKNOWN, 1, TRUE, name, 96), L"Windows 7 / Server 2008 R2");
    assert_wstr_contains(os_name(10, 0, 19999, OS_PRODUCT_WORKSTATION, 0, TRUE, name, 96), L"19999");
}

/* Host names are DNS/NetBIOS labels or IP literals: "srv1,dc01" would make PsExec run on
 * both, and path characters would leave the report folder. */
static void host_names(void **state)
{
    assert_null(hostlist_name_problem(L"srv01"));
    assert_null(hostlist_name_problem(L"srv01.corp.example"));
    assert_null(hostlist_name_problem(L"10.0.0.5"));
    assert_non_null(hostlist_name_problem(L"srv1,dc01"));
    assert_non_null(hostlist_name_problem(L"..\\..\\p2v-pwned"));
    assert_non_null(hostlist_name_problem(L""));
    assert_non_null(hostlist_name_problem(L"a b"));
}

/* What WinVerifyTrust's answers mean, and the kernel's roots. */
static void signature_answers_and_kernel_roots(void **state)
{
    static const BYTE root2011[20] = { 0x8F, 0x43, 0x28, 0x8A, 0xD2, 0x72, 0xF3, 0x10, 0x3B, 0x6F,
                                       0xB1, 0x42, 0x84, 0x85, 0xEA, 0x30, 0x14, 0xC0, 0xBC, 0xFE };
    BYTE other[20];
    assert_int_equal(sig_classify(0, TRUE), SIG_VALID);
    assert_int_equal(sig_classify((LONG)0x800B0109L, TRUE), SIG_UNTRUSTED);   /* untrusted root */
    assert_int_equal(sig_classify((LONG)0x80096010L, TRUE), SIG_BROKEN);      /* bad digest */
    assert_int_equal(sig_classify((LONG)0x800B0100L, FALSE), SIG_NONE);       /* no signature */
    assert_int_equal(sig_classify((LONG)0x800B0100L, TRUE), SIG_BROKEN);      /* a table, unreadable */
    assert_true(sig_kernel_root(root2011));
    assert_true(sig_kernel_root(sig_code_verification_root));
    memcpy(other, root2011, 20);
    other[0] ^= 0x80;
    assert_false(sig_kernel_root(other));
    assert_true(sig_oid_is_sha2("2.16.840.1.101.3.4.2.1"));
    assert_false(sig_oid_is_sha2("1.3.14.3.2.26"));
}

/* --exit-codes msi: every native code has a row; the engines' retry code for a busy
 * server, no restart code anywhere (p2vprep's changes wait for the VM's first boot). */
static void exit_code_profiles(void **state)
{
    static const struct { int native, msi; } want[] = {
        { EXIT_OK, 0 }, { EXIT_NOT_READY, 1 }, { EXIT_USAGE, 1639 }, { EXIT_PAYLOAD, 1612 },
        { EXIT_ACCESS, 1603 }, { EXIT_ROLLED_BACK, 1603 }, { EXIT_ROLLBACK_INCOMPLETE, 1603 },
        { EXIT_BUSY, 1618 }, { EXIT_PUSH_HOST_FAILED, 1603 },
    };
    assert_int_equal(exit_code_rows, (int)(sizeof want / sizeof want[0]));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(exit_code_table[i].native, want[i].native);
        assert_int_equal(exit_code_for(want[i].native, EXIT_PROFILE_MSI), want[i].msi);
        assert_int_equal(exit_code_for(want[i].native, EXIT_PROFILE_NATIVE), want[i].native);
        assert_true(exit_code_table[i].msi != 3010 && exit_code_table[i].msi != 1641);
        assert_non_null(exit_code_table[i].engines);
    }
    assert_int_equal(exit_code_for(42, EXIT_PROFILE_MSI), 42);   /* unknown: as it is */
}

/* The detection marker's values, in their order and types. */
static void marker_values_for_a_detection_rule(void **state)
{
    const wchar_t *names[MARKER_VALUES_MAX];
    struct regval v[MARKER_VALUES_MAX];
    struct marker mk = { L"0.1.0", L"apply", L"lsilogic,pvscsi", L"applied", L"2026-12-05T01:30:00Z",
                         L"C:\\WINDOWS\\p2vprep\\apply-0001.journal", 0 };
    size_t n = marker_values(&mk, names, v, MARKER_VALUES_MAX);
    assert_int_equal(n, 8);
    assert_wstr_equal(names[0], L"Version");
    assert_wstr_equal(names[3], L"Result");
    assert_int_equal(v[3].type, REG_SZ);
    assert_memory_equal(v[3].data, L"applied", 8 * sizeof(wchar_t));
    assert_wstr_equal(names[5], L"JournalPresent");
    assert_int_equal(v[5].type, REG_DWORD);
    assert_int_equal(v[5].data[0], 1);
    assert_wstr_equal(names[7], L"ExitCode");
    mk.journal = L"";
    mk.exit_code = 6;
    n = marker_values(&mk, names, v, MARKER_VALUES_MAX);
    assert_int_equal(v[5].data[0], 0);
    assert_int_equal(v[7].data[0], 6);
    assert_int_equal(marker_values(&mk, names, v, 3), 3);   /* never past max */
}

/* The JSON object reader of --input: what it takes, and what it refuses with where. */
static void json_objects_of_simple_members(void **state)
{
    struct json_member m[JSON_MEMBERS_MAX];
    size_t n;
    wchar_t *store;
    assert_null(json_members(L" { \"a\" : \"x\\\"y\\u00e9\" , \"b\":true,\"c\":false, \"d\": null, "
                             L"\"e\": [\"p\", \"q\"], \"f\": [] } ", m, JSON_MEMBERS_MAX, &n, &store));
    assert_int_equal(n, 6);
    assert_wstr_equal(m[0].name, L"a");
    assert_int_equal(m[0].kind, JSON_STRING);
    assert_wstr_equal(m[0].text, L"x\"y\x00e9");
    assert_true(m[1].kind == JSON_BOOL && m[1].boolean);
    assert_true(m[2].kind == JSON_BOOL && !m[2].boolean);
    assert_int_equal(m[3].kind, JSON_NULL);
    assert_int_equal(m[4].kind, JSON_LIST);
    assert_wstr_equal(m[4].text, L"p,q");
    assert_wstr_equal(m[5].text, L"");
    free(store);
    assert_null(json_members(L"{}", m, JSON_MEMBERS_MAX, &n, &store));
    assert_int_equal(n, 0);
    free(store);
    static const wchar_t *const bad[] = {
        L"", L"[]", L"{\"a\"}", L"{\"a\": 1}", L"{\"a\": {}}", L"{\"a\": [1]}", L"{\"a\": \"x}",
        L"{\"a\": \"x\",}", L"{\"a\": \"x\"} x", L"{\"a\": \"\\q\"}", L"{\"a\": \"\\u12\"}",
        L"{\"a\": [\"x\" \"y\"]}", L"{\"a\": \"\\u0000\"}",
        L"{\"a\": \"x\\",   /* a backslash at the very end: found by fuzz_jsonin */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const wchar_t *why = json_members(bad[i], m, JSON_MEMBERS_MAX, &n, &store);
        if (!why)
            fail_msg("accepted: %ls", bad[i]);
        assert_non_null(wcsstr(why, L"at character"));
        assert_null(store);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(boot_ini_default_entry_and_arc_path),
        cmocka_unit_test(boot_ini_partition_rewrite_touches_only_its_entry),
        cmocka_unit_test(windows_names),
        cmocka_unit_test(host_names),
        cmocka_unit_test(signature_answers_and_kernel_roots),
        cmocka_unit_test(exit_code_profiles),
        cmocka_unit_test(marker_values_for_a_detection_rule),
        cmocka_unit_test(json_objects_of_simple_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
