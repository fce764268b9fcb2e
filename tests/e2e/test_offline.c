/* End to end: an already-converted disk repaired offline. The disk is drives E: (the
 * 100 MB system partition with boot.ini, partition 1) and F: (\WINDOWS, partition 2) of
 * disk 0; the helper runs from C: on disk 1. The offline Windows is a 32-bit Server 2003
 * SP2 with three control sets, Select Current=2, and symmpi disabled in set 2.
 *
 * Wine does not write a loaded hive back to its file, so commands whose changes must be
 * seen afterwards run the test build (p2vprep-fault-<arch>.exe), which saves the hive just
 * before unloading it and reads the disk layout from P2VPREP_LAYOUT. */
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
#define TEST_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"
#define WORK L"C:\\p2vtest"
#define PAYLOAD WORK L"\\payload"
#define REPORT WORK L"\\report.json"
#define WINDIR L"F:\\WINDOWS"
#define HIVE WINDIR L"\\system32\\config\\SYSTEM"
#define DRIVER WINDIR L"\\system32\\drivers\\symmpi.sys"
#define BOOT_INI L"E:\\boot.ini"
#define LSI L" --target lsilogic --payload " PAYLOAD
#define LAYOUT L"C:1:1,E:0:1,F:0:2"

static BOOL os64;

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find: %s\nin:\n%s", needle, hay);
}

static void write_text(const wchar_t *path, const char *text)
{
    assert_true(fx_write_file(path, text, (DWORD)strlen(text)));
}

static const char seed_boot_ini[] =
    "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS\r\n"
    "[operating systems]\r\n"
    "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Windows Server 2003, Standard\" /fastdetect\r\n";

static void mkdirs(const wchar_t *path)
{
    wchar_t buf[MAX_PATH];
    wcscpy(buf, path);
    for (wchar_t *p = buf + 3; *p; p++)
        if (*p == L'\\') {
            *p = 0;
            CreateDirectoryW(buf, NULL);
            *p = L'\\';
        }
    CreateDirectoryW(buf, NULL);
}

/* An offline Windows at dir: its hive, kernel (the i386 or amd64 build of a test kernel
 * with a version resource) and an empty drivers folder. */
static void offline_windows(const wchar_t *dir, const wchar_t *kernel, const wchar_t *machine,
                            const wchar_t *computer)
{
    wchar_t path[MAX_PATH], src[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\system32\\config", dir);
    mkdirs(path);
    swprintf(path, MAX_PATH, L"%ls\\system32\\drivers", dir);
    CreateDirectoryW(path, NULL);
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\%ls", fx_bin_dir(), machine, kernel);
    swprintf(path, MAX_PATH, L"%ls\\system32\\ntoskrnl.exe", dir);
    assert_true(fx_copy_file(src, path));
    struct offline_fixture f = { { 1, 2, 3 }, 3, { 2, 2, 3, 0 }, computer, L"ServerNT", 0x200, 2, 0, NULL, NULL, FALSE };
    swprintf(path, MAX_PATH, L"%ls\\system32\\config\\SYSTEM", dir);
    fx_make_offline_hive(path, &f);
}

static wchar_t *live_before;

static int seed_disk(void **state)
{
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    struct fixture live = { os64 ? L"win2003" : L"win2003", { 1 }, 1, { 1, 1, 1, 0 } };
    fx_shape(&live);   /* the helper: one control set, nothing of symmpi */
    fx_delete_dir(L"E:\\WINNT");
    fx_delete_dir(L"E:\\WINDOWS");
    fx_delete_file(BOOT_INI);
    fx_delete_dir(WINDIR);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    CreateDirectoryW(PAYLOAD L"\\x86", NULL);
    CreateDirectoryW(PAYLOAD L"\\amd64", NULL);
    static const wchar_t *const m[][2] = { { L"i386", L"x86" }, { L"amd64", L"amd64" } };
    for (int i = 0; i < 2; i++) {
        swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), m[i][0]);
        swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, m[i][1]);
        assert_true(fx_copy_file(src, dst));
    }
    write_text(BOOT_INI, seed_boot_ini);
    SetFileAttributesW(BOOT_INI, FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM);
    offline_windows(WINDIR, L"ntoskrnl-2003.exe", L"i386", L"OLDSRV03");
    static const wchar_t *const knobs[] = {
        L"P2VPREP_FAULT_AT", L"P2VPREP_FAULT_KILL", L"P2VPREP_FAULT_ANY", L"P2VPREP_LIE",
        L"P2VPREP_LIE_AT", L"P2VPREP_DISM",
    };
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
        fx_setenv(knobs[i], NULL);
    fx_setenv(L"P2VPREP_LAYOUT", LAYOUT);
    free(live_before);
    live_before = fx_export(L"SYSTEM");
    return 0;
}

/* The helper is never touched: its registry, its drivers folder, its state folder. */
static void assert_live_untouched(void)
{
    wchar_t *now = fx_export(L"SYSTEM"), path[MAX_PATH];
    if (wcscmp(live_before, now)) {
        size_t i = 0;
        while (live_before[i] && live_before[i] == now[i])
            i++;
        size_t from = i > 200 ? i - 200 : 0;
        fail_msg("the helper's HKLM\\SYSTEM changed, first at character %u:\nbefore: %.400ls\nnow:    %.400ls",
                 (unsigned)i, live_before + from, now + from);
    }
    free(now);
    swprintf(path, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    assert_false(fx_file_exists(path));
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    assert_false(fx_file_exists(path));
    assert_int_equal(fx_loaded_offline_hives(), 0);
}

static char *read_text(const wchar_t *path)
{
    BYTE *data;
    DWORD n;
    assert_true(fx_read_file(path, &data, &n));
    char *s = realloc(data, n + 1);
    s[n] = 0;
    return s;
}

static void assert_offline_prepared(void)
{
    for (int set = 1; set <= 3; set++) {
        wchar_t key[128];
        DWORD d;
        swprintf(key, 128, L"ControlSet%03d\\Services\\symmpi", set);
        assert_true(fx_hive_get_dword(HIVE, key, L"Start", &d));
        assert_int_equal(d, 0);
        assert_true(fx_hive_get_dword(HIVE, key, L"Type", &d));
        assert_int_equal(d, 1);
        swprintf(key, 128, L"ControlSet%03d\\Services\\symmpi\\Parameters\\PnpInterface", set);
        assert_true(fx_hive_get_dword(HIVE, key, L"5", &d));
    }
    /* the offline Windows is 32-bit: the x86 payload, whatever this exe's architecture */
    BYTE *a, *b;
    DWORD na, nb;
    assert_true(fx_read_file(DRIVER, &a, &na));
    assert_true(fx_read_file(PAYLOAD L"\\x86\\symmpi.sys", &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
}

static void find_lists_the_offline_windows_and_how_it_boots(void **state)
{
    char *out;
    assert_int_equal(fx_run(TEST_EXE, L"find", &out), 0);
    assert_contains(out, "F:\\WINDOWS: Windows Server 2003 SP2 x86 (5.2.3790), server, computer OLDSRV03");
    assert_contains(out, "ControlSet001 ControlSet002 ControlSet003; Select Current=2 Default=2 "
                         "LastKnownGood=3 Failed=0");
    assert_contains(out, "boots from E:\\boot.ini, default multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS: "
                         "points at it");
    /* the running Windows is not an offline one */
    assert_null(strstr(out, "C:\\windows:"));
    free(out);
    assert_live_untouched();
}

static void plan_and_check_change_nothing_anywhere(void **state)
{
    wchar_t *hive_before = fx_export_hive(HIVE);
    BYTE *hive_bytes;
    DWORD hive_n;
    assert_true(fx_read_file(HIVE, &hive_bytes, &hive_n));
    char *out;
    assert_int_equal(fx_run(EXE, L"plan --offline " WINDIR LSI, &out), 0);
    assert_contains(out, "Offline Windows at F:\\WINDOWS");
    assert_contains(out, "computer OLDSRV03");
    assert_contains(out, "HKLM\\SYSTEM\\ControlSet003\\Services\\symmpi\\Start = 0");
    assert_contains(out, "HKLM\\SYSTEM\\ControlSet002\\Services\\symmpi\\Start = 0 (REG_DWORD) (was 4 (REG_DWORD))");
    assert_contains(out, "copy    file F:\\WINDOWS\\system32\\drivers\\symmpi.sys <- C:\\p2vtest\\payload\\x86\\symmpi.sys");
    free(out);
    assert_int_equal(fx_run(EXE, L"check --offline " WINDIR LSI L" --report " REPORT, &out), 1);
    assert_contains(out, "symmpi.sys is missing");
    free(out);
    char *json = read_text(REPORT);
    char err[128];
    if (!json_check(json, strlen(json), err, sizeof err))
        fail_msg("the report is not JSON: %s", err);
    assert_contains(json, "\"computer\": \"OLDSRV03\"");
    assert_contains(json, "\"mode\": \"offline\"");
    assert_contains(json, "\"offline\": \"F:\\\\WINDOWS\"");
    assert_contains(json, "\"systemroot\": \"F:\\\\WINDOWS\"");
    assert_contains(json, "\"arch\": \"x86\"");
    free(json);
    /* not a byte of the offline disk either */
    BYTE *now;
    DWORD n;
    assert_true(fx_read_file(HIVE, &now, &n));
    assert_int_equal(n, hive_n);
    assert_memory_equal(now, hive_bytes, n);
    free(now);
    free(hive_bytes);
    assert_false(fx_file_exists(WINDIR L"\\p2vprep"));
    assert_false(fx_file_exists(DRIVER));
    wchar_t *hive_after = fx_export_hive(HIVE);
    assert_true(!wcscmp(hive_before, hive_after));
    free(hive_before);
    free(hive_after);
    assert_live_untouched();
}

/* --retire and --keep-network on the offline disk: VMware Tools off in every set of its hive
 * and out of the mouse class's list, the first-boot pass registered there with the record of
 * its adapter (no MAC: nothing is present offline) on the disk; the helper untouched;
 * rollback puts the hive back. */
static void retire_and_keep_network_offline(void **state)
{
    struct offline_fixture f = { { 1, 2, 3 }, 3, { 2, 2, 3, 0 }, L"OLDSRV03", L"ServerNT", 0x200, 0, 0, NULL, NULL, TRUE };
    fx_make_offline_hive(HIVE, &f);
    wchar_t *hive_before = fx_export_hive(HIVE);
    char *out;
    assert_int_equal(fx_run(TEST_EXE, L"check --offline " WINDIR L" --retire vmware", &out), 1);
    assert_contains(out, "static address 192.168.7.7/255.255.255.0");
    free(out);
    /* the disk is a 32-bit Windows: the 64-bit exe needs p2vprep-x86.exe beside it for the
     * pass, and without it changes nothing */
    wchar_t x86[MAX_PATH];
    swprintf(x86, MAX_PATH, L"%ls\\p2vprep-x86.exe", fx_bin_dir());
    BOOL placed = FALSE;
    if (!wcscmp(P2V_ARCH_STR, L"x64")) {
        assert_int_equal(fx_run(TEST_EXE, L"apply --offline " WINDIR L" --retire vmware --keep-network", &out), 3);
        assert_contains(out, "p2vprep-x86.exe is not there");
        free(out);
        wchar_t *unchanged = fx_export_hive(HIVE);
        assert_true(!wcscmp(hive_before, unchanged));
        free(unchanged);
        wchar_t own[MAX_PATH];
        swprintf(own, MAX_PATH, L"%ls\\%ls", fx_bin_dir(), TEST_EXE);
        assert_true(fx_copy_file(own, x86));   /* stands in for the 32-bit exe: copied, never run */
        placed = TRUE;
    }
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline " WINDIR L" --retire vmware --keep-network", &out), 0);
    free(out);
    if (placed)
        fx_delete_file(x86);
    for (int s = 1; s <= 3; s++) {
        wchar_t key[200];
        DWORD d;
        static const wchar_t *const off[] = { L"VMTools", L"vmci", L"vmusbmouse" };
        for (int i = 0; i < 3; i++) {
            swprintf(key, 200, L"ControlSet%03d\\Services\\%ls", s, off[i]);
            assert_true(fx_hive_get_dword(HIVE, key, L"Start", &d));
            assert_int_equal(d, 4);
        }
        swprintf(key, 200, L"ControlSet%03d\\Services\\p2vprep-firstboot", s);
        assert_true(fx_hive_get_dword(HIVE, key, L"Start", &d));
        assert_int_equal(d, 2);
    }
    wchar_t *hive_applied = fx_export_hive(HIVE);
    /* the mouse class's UpperFilters, as hex: "mouclass\0\0", vmusbmouse gone from it */
    if (!wcsstr(hive_applied, L"6d006f00750063006c0061007300730000000000"))
        fail_msg("the mouse class's list is not [mouclass]:\n%ls", hive_applied);
    free(hive_applied);
    char *record = read_text(WINDIR L"\\p2vprep\\network.txt");
    assert_contains(record, "adapter {0FF1CE00-0000-0000-0000-000000000001} - static");
    free(record);
    assert_true(fx_file_exists(WINDIR L"\\p2vprep\\p2vprep-firstboot.exe"));
    assert_live_untouched();
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 0);
    free(out);
    wchar_t *hive_after = fx_export_hive(HIVE);
    if (wcscmp(hive_before, hive_after))
        fail_msg("the offline hive differs after rollback:\n%ls\n---\n%ls", hive_before, hive_after);
    free(hive_before);
    free(hive_after);
    assert_live_untouched();
}

static void apply_from_the_volume_root_then_check_rerun_and_rollback(void **state)
{
    wchar_t *hive_before = fx_export_hive(HIVE);
    char *out;
    /* E:\ holds boot.ini: its default entry leads to partition 2 = F:, \WINDOWS */
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline E:\\" LSI L" --report " REPORT, &out), 0);
    assert_contains(out, "E:\\boot.ini: default entry multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS is "
                         "F:\\WINDOWS (partition 2)");
    free(out);
    assert_offline_prepared();
    char *json = read_text(REPORT);
    assert_contains(json, "\"mode\": \"offline\"");
    assert_contains(json, "\"helper_computer\": \"");
    assert_contains(json, "\"exit_code\": 0");
    free(json);
    /* the journal is on the offline disk, portable to the booted VM */
    char *journal = read_text(WINDIR L"\\p2vprep\\apply-0001.journal");
    assert_contains(journal, "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tabsent\n");
    assert_contains(journal, "value\tSYSTEM\\ControlSet002\\Services\\symmpi\tStart\t4\t04000000\n");
    assert_null(strstr(journal, "p2vprep-offline-"));
    assert_null(strstr(journal, "F:\\"));
    free(journal);
    assert_live_untouched();

    /* ready (the test build: Wine makes the partition numbers the boot.ini check needs up) */
    assert_int_equal(fx_run(TEST_EXE, L"check --offline " WINDIR LSI, &out), 0);
    free(out);
    /* a rerun attempts no write of any kind */
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline " WINDIR LSI, &out), 0);
    assert_null(strstr(out, "fault: attempted"));
    assert_contains(out, "Nothing to do");
    free(out);
    fx_setenv(L"P2VPREP_FAULT_ANY", NULL);

    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 0);
    assert_contains(out, "Rolled back");
    free(out);
    wchar_t *hive_after = fx_export_hive(HIVE);
    if (wcscmp(hive_before, hive_after))
        fail_msg("the offline hive differs after rollback:\n%ls\n---\n%ls", hive_before, hive_after);
    assert_false(fx_file_exists(DRIVER));
    free(hive_before);
    free(hive_after);
    assert_live_untouched();
}

static void a_failure_midway_leaves_the_offline_windows_as_it_was(void **state)
{
    wchar_t *hive_before = fx_export_hive(HIVE);
    static const wchar_t *const at[] = { L"1", L"7", L"20" };
    for (int i = 0; i < 3; i++) {
        char *out;
        fx_setenv(L"P2VPREP_FAULT_AT", at[i]);
        int rc = fx_run(TEST_EXE, L"apply --offline " WINDIR LSI, &out);
        if (rc != 5)
            fail_msg("fault at %ls: exit %d\n%s", at[i], rc, out);
        free(out);
        wchar_t *hive_after = fx_export_hive(HIVE);
        assert_true(!wcscmp(hive_before, hive_after));
        free(hive_after);
        assert_false(fx_file_exists(DRIVER));
    }
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    free(hive_before);
    assert_live_untouched();
}

/* A run killed with the hive loaded leaves it loaded; the next run unloads it first. */
static void a_killed_run_leaves_a_hive_the_next_run_unloads(void **state)
{
    wchar_t *hive_before = fx_export_hive(HIVE);
    char *out;
    fx_setenv(L"P2VPREP_FAULT_KILL", L"1");
    fx_setenv(L"P2VPREP_FAULT_AT", L"5");
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline " WINDIR LSI, &out), 99);
    free(out);
    fx_setenv(L"P2VPREP_FAULT_KILL", NULL);
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    assert_int_equal(fx_loaded_offline_hives(), 1);
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 0);
    assert_contains(out, "unloaded HKLM\\p2vprep-offline-");
    assert_contains(out, "status incomplete");
    free(out);
    assert_int_equal(fx_loaded_offline_hives(), 0);
    wchar_t *hive_after = fx_export_hive(HIVE);
    assert_true(!wcscmp(hive_before, hive_after));
    free(hive_before);
    free(hive_after);
    assert_false(fx_file_exists(DRIVER));
}

/* Another p2vprep at work on the same offline Windows holds its lock, which is taken only
 * after the hive is loaded: the run that finds it busy (exit 7) must still unload the hive,
 * or the disk cannot be detached and the offline Windows' registry stays in the helper's. */
static HANDLE offline_lock = INVALID_HANDLE_VALUE;

static int release_offline_lock(void **state)
{
    if (offline_lock != INVALID_HANDLE_VALUE)
        CloseHandle(offline_lock);
    offline_lock = INVALID_HANDLE_VALUE;
    return 0;
}

static void a_busy_offline_lock_is_exit_7_with_the_hive_unloaded(void **state)
{
    wchar_t *hive_before = fx_export_hive(HIVE);
    CreateDirectoryW(WINDIR L"\\p2vprep", NULL);
    offline_lock = CreateFileW(WINDIR L"\\p2vprep\\p2vprep.lock", GENERIC_WRITE, 0, NULL, OPEN_ALWAYS,
                               FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(offline_lock != INVALID_HANDLE_VALUE);
    /* the test build: it saves the hive before unloading it, so a write would show */
    static const wchar_t *const runs[] = { L"apply --offline " WINDIR LSI, L"rollback --offline " WINDIR };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *out;
        int rc = fx_run(TEST_EXE, runs[i], &out);
        if (rc != 7)
            fail_msg("%ls: exit %d, expected 7\n%s", runs[i], rc, out);
        assert_contains(out, "Loaded F:\\WINDOWS\\system32\\config\\SYSTEM");   /* the lock came second */
        assert_contains(out, "another p2vprep is running");
        assert_contains(out, "F:\\WINDOWS\\p2vprep\\p2vprep.lock");
        free(out);
        if (fx_loaded_offline_hives() != 0)
            fail_msg("%ls: exit 7 left the offline hive loaded", runs[i]);
    }
    release_offline_lock(state);
    wchar_t *hive_after = fx_export_hive(HIVE);
    if (wcscmp(hive_before, hive_after))
        fail_msg("the offline hive changed:\n%ls\n---\n%ls", hive_before, hive_after);
    free(hive_before);
    free(hive_after);
    assert_false(fx_file_exists(DRIVER));
    assert_false(fx_file_exists(WINDIR L"\\p2vprep\\apply-0001.journal"));
    assert_live_untouched();
}

static void what_is_not_an_offline_windows_is_refused(void **state)
{
    char *out;
    wchar_t args[512];
    swprintf(args, 512, L"apply --offline %ls" LSI, fx_systemroot());
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_contains(out, "is the running Windows");
    assert_contains(out, "Nothing was changed");
    free(out);
    assert_int_equal(fx_run(EXE, L"apply --offline " WORK LSI, &out), 2);
    assert_contains(out, "no Windows there");
    assert_contains(out, "C:\\p2vtest\\system32\\config\\SYSTEM");
    free(out);
    assert_int_equal(fx_run(EXE, L"check --offline G:\\nowhere" LSI, &out), 2);
    assert_contains(out, "no such folder or volume");
    free(out);
    /* a Windows folder that is not at a volume's root (a folder-mounted volume), a UNC path */
    offline_windows(WORK L"\\mnt\\WINDOWS", L"ntoskrnl-2003.exe", L"i386", L"MOUNTED");
    assert_int_equal(fx_run(EXE, L"check --offline " WORK L"\\mnt\\WINDOWS" LSI, &out), 2);
    assert_contains(out, "is not a folder at the root of a volume");
    free(out);
    assert_int_equal(fx_run(EXE, L"check --offline \\\\server\\share\\WINDOWS" LSI, &out), 2);
    assert_contains(out, "by drive letter");
    free(out);
    assert_int_equal(fx_run(EXE, L"summarize " WORK L" --offline " WINDIR, NULL), 2);
    assert_int_equal(fx_run(EXE, L"apply --fix-boot-ini" LSI, NULL), 2);
    assert_live_untouched();
    assert_false(fx_file_exists(DRIVER));
}

static void auto_takes_the_only_one_and_refuses_several(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"plan --offline auto" LSI, &out), 0);
    assert_contains(out, "F:\\WINDOWS, the only offline Windows found");
    free(out);
    /* a second installation on the disk: auto must not guess */
    offline_windows(L"E:\\WINNT", L"ntoskrnl-2003.exe", L"i386", L"OLDSRV2K");
    assert_int_equal(fx_run(EXE, L"apply --offline auto" LSI, &out), 2);
    assert_contains(out, "more than one");
    assert_contains(out, "F:\\WINDOWS: Windows Server 2003");
    assert_contains(out, "E:\\WINNT: Windows Server 2003");
    assert_contains(out, "computer OLDSRV2K");
    free(out);
    assert_false(fx_file_exists(DRIVER));
    assert_live_untouched();
}

/* A recovery partition the converter left out: boot.ini says partition(3), Windows is on
 * partition 2. check says so; apply --fix-boot-ini corrects it; rollback restores it. */
static void a_shifted_partition_number_is_reported_fixed_and_rolled_back(void **state)
{
    static const char shifted[] =
        "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        "multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS=\"Windows Server 2003, Standard\" /fastdetect\r\n";
    SetFileAttributesW(BOOT_INI, FILE_ATTRIBUTE_NORMAL);
    write_text(BOOT_INI, shifted);
    DWORD attrs = FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM;
    SetFileAttributesW(BOOT_INI, attrs);
    char *out;
    /* following boot.ini from E:\ still finds \WINDOWS, and says how */
    assert_int_equal(fx_run(TEST_EXE, L"check --offline E:\\" LSI, &out), 1);
    assert_contains(out, "that partition holds no such folder");
    assert_contains(out, "names partition 3, but F:\\WINDOWS is on partition 2");
    assert_contains(out, "--fix-boot-ini");
    free(out);
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline " WINDIR LSI L" --fix-boot-ini", &out), 0);
    free(out);
    char *now = read_text(BOOT_INI);
    assert_string_equal(now, seed_boot_ini);
    free(now);
    assert_int_equal(GetFileAttributesW(BOOT_INI) & attrs, attrs);
    assert_true(fx_file_exists(WINDIR L"\\p2vprep\\apply-0001\\boot.ini"));
    /* the drive letter of boot.ini is this helper's: the journal names it %BootIni% */
    char *journal = read_text(WINDIR L"\\p2vprep\\apply-0001.journal");
    assert_contains(journal, "file\t%BootIni%\t%SystemRoot%\\p2vprep\\apply-0001\\boot.ini\n");
    assert_null(strstr(journal, "E:\\"));
    free(journal);
    assert_int_equal(fx_run(TEST_EXE, L"check --offline " WINDIR LSI, &out), 0);
    free(out);
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 0);
    free(out);
    now = read_text(BOOT_INI);
    assert_string_equal(now, shifted);
    free(now);
    assert_int_equal(GetFileAttributesW(BOOT_INI) & attrs, attrs);
    assert_live_untouched();
}

/* Windows 10: a driver package goes into the image through DISM, with p2vprep's hive
 * unloaded while DISM runs; without DISM, exit 3 before anything changes. */
static void a_package_goes_in_through_dism_and_out_on_rollback(void **state)
{
    offline_windows(L"E:\\WINDOWS", L"ntoskrnl-10.exe", L"amd64", L"NEWSRV19");
    fx_delete_dir(WINDIR);
    static const char inf[] =
        "[Version]\r\nSignature=\"$WINDOWS NT$\"\r\nClass=SCSIAdapter\r\nCatalogFile=viostor.cat\r\n";
    write_text(PAYLOAD L"\\amd64\\viostor.inf", inf);
    wchar_t src[MAX_PATH], dism[MAX_PATH];
    swprintf(src, MAX_PATH, L"%ls\\drivers\\amd64\\signed.sys", fx_bin_dir());
    assert_true(fx_copy_file(src, PAYLOAD L"\\amd64\\viostor.sys"));
    static const wchar_t *const members[] = { PAYLOAD L"\\amd64\\viostor.inf", PAYLOAD L"\\amd64\\viostor.sys" };
    assert_true(fx_write_catalog(PAYLOAD L"\\amd64\\viostor.cat", members, 2, TRUE));
    wchar_t *hive_before = fx_export_hive(L"E:\\WINDOWS\\system32\\config\\SYSTEM");
    char *out;

    fx_setenv(L"P2VPREP_DISM", L"C:\\nowhere\\dism.exe");
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline E:\\WINDOWS --target virtio-blk --payload " PAYLOAD, &out), 3);
    assert_contains(out, "DISM");
    assert_contains(out, "C:\\nowhere\\dism.exe");
    free(out);
    assert_false(fx_file_exists(L"E:\\WINDOWS\\p2vprep"));
    /* the DISM of Windows 7 cannot service a Windows 10 image: refused before any change */
    swprintf(dism, MAX_PATH, L"%ls\\fake-dism-61.exe", fx_bin_dir());
    fx_setenv(L"P2VPREP_DISM", dism);
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline E:\\WINDOWS --target virtio-blk --payload " PAYLOAD, &out), 3);
    assert_contains(out, "is DISM 6.1, which cannot service a Windows 10.0 image");
    free(out);
    assert_false(fx_file_exists(L"E:\\WINDOWS\\p2vprep"));
    assert_false(fx_file_exists(L"E:\\WINDOWS\\dism-calls.log"));

    swprintf(dism, MAX_PATH, L"%ls\\fake-dism.exe", fx_bin_dir());
    fx_setenv(L"P2VPREP_DISM", dism);
    assert_int_equal(fx_run(TEST_EXE, L"apply --offline E:\\WINDOWS --target virtio-blk --payload " PAYLOAD, &out), 0);
    assert_contains(out, "(10.0.17763)");
    free(out);
    BYTE *a, *b;
    DWORD na, nb;
    assert_true(fx_read_file(L"E:\\WINDOWS\\inf\\oem0.inf", &a, &na));
    assert_true(fx_read_file(PAYLOAD L"\\amd64\\viostor.inf", &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    DWORD d;
    assert_true(fx_hive_get_dword(L"E:\\WINDOWS\\system32\\config\\SYSTEM", L"ControlSet001\\Services\\viostor",
                                  L"Start", &d));
    assert_int_equal(d, 0);
    char *journal = read_text(L"E:\\WINDOWS\\p2vprep\\apply-0001.journal");
    assert_contains(journal, "staged\toem0.inf\t");
    free(journal);

    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline E:\\WINDOWS", &out), 0);
    free(out);
    assert_false(fx_file_exists(L"E:\\WINDOWS\\inf\\oem0.inf"));
    char *calls = read_text(L"E:\\WINDOWS\\dism-calls.log");
    assert_null(strstr(calls, "hive loaded!"));
    assert_contains(calls, "add C:\\p2vtest\\payload\\amd64\\viostor.inf\r\n");
    assert_contains(calls, "remove oem0.inf\r\n");
    free(calls);
    wchar_t *hive_after = fx_export_hive(L"E:\\WINDOWS\\system32\\config\\SYSTEM");
    if (wcscmp(hive_before, hive_after))
        fail_msg("the offline hive differs after rollback");
    free(hive_before);
    free(hive_after);
    fx_setenv(L"P2VPREP_DISM", NULL);
    fx_delete_dir(L"E:\\WINDOWS");
    assert_live_untouched();
}

/* A journal of an earlier version names files by the booted Windows' full path. Offline,
 * a path under a folder of the same name is taken as the offline Windows'; a journal with
 * anything else is refused whole (exit 2) before any undo, and the helper's own files are
 * never touched. */
static void an_old_journal_never_reaches_the_helpers_files(void **state)
{
    wchar_t helper_driver[MAX_PATH];
    swprintf(helper_driver, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    assert_true(fx_write_file(helper_driver, "helper", 6));
    assert_true(fx_write_file(DRIVER, "offline", 7));
    assert_true(fx_write_file(L"E:\\other.sys", "other", 5));
    CreateDirectoryW(WINDIR L"\\p2vprep", NULL);
    write_text(WINDIR L"\\p2vprep\\apply-0001.journal",
               "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
               "file\tC:\\WINDOWS\\system32\\drivers\\symmpi.sys\tabsent\n"
               "end\tok\n");
    char *out;
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 0);
    assert_contains(out, "taken as under F:\\WINDOWS");
    free(out);
    assert_false(fx_file_exists(DRIVER));
    assert_true(fx_file_exists(helper_driver));
    /* a path that is not the offline Windows' at all */
    write_text(WINDIR L"\\p2vprep\\apply-0002.journal",
               "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
               "file\tE:\\other.sys\tabsent\n"
               "end\tok\n");
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 2);
    assert_contains(out, "E:\\other.sys");
    assert_contains(out, "never writes");
    free(out);
    assert_true(fx_file_exists(L"E:\\other.sys"));
    assert_true(fx_file_exists(helper_driver));
    fx_delete_file(helper_driver);
    fx_delete_file(L"E:\\other.sys");
    assert_live_untouched();
}

/* The offline hive's ComputerName is the disk's data: "..\..\p2v-pwned" must not put the
 * report at C:\p2v-pwned.json. The report keeps the folder it was given, named after the
 * offline Windows folder, and the run says why. */
static void a_hostile_computer_name_never_becomes_a_path(void **state)
{
    offline_windows(WINDIR, L"ntoskrnl-2003.exe", L"i386", L"..\\..\\p2v-pwned");
    CreateDirectoryW(WORK L"\\reports", NULL);
    fx_delete_file(L"C:\\p2v-pwned.json");
    char *out;
    assert_int_equal(fx_run(EXE, L"check --offline " WINDIR LSI L" --report " WORK L"\\reports\\", &out), 1);
    assert_contains(out, "is not a host name");
    assert_contains(out, "offline-F-WINDOWS.json");
    free(out);
    assert_false(fx_file_exists(L"C:\\p2v-pwned.json"));
    assert_false(fx_file_exists(WORK L"\\p2v-pwned.json"));
    char *json = read_text(WORK L"\\reports\\offline-F-WINDOWS.json");
    assert_contains(json, "\"computer\": \"..\\\\..\\\\p2v-pwned\"");
    free(json);
    /* a computer name that is one keeps its report name */
    offline_windows(WINDIR, L"ntoskrnl-2003.exe", L"i386", L"OLDSRV03");
    assert_int_equal(fx_run(EXE, L"check --offline " WINDIR LSI L" --report " WORK L"\\reports\\", &out), 1);
    free(out);
    assert_true(fx_file_exists(WORK L"\\reports\\OLDSRV03.json"));
    assert_live_untouched();
}


/* ---- a hostile disk: its links never lead into the helper ----
 * A Unix symbolic link stands for a junction or symbolic link on the converted disk: Wine
 * follows it on open, as Windows would follow the disk's link. Each test plants one where a
 * compromised server could, and checks that the helper's files, folders and registry stay
 * as they were, and that the run names the link. */
#define HELPER WORK L"\\helper"
#define HELPER_FILE HELPER L"\\symmpi.sys"
static const char helper_bytes[] = "the helper's own file";

static void helper_folder(void)
{
    fx_delete_dir(HELPER);
    CreateDirectoryW(HELPER, NULL);
    assert_true(fx_write_file(HELPER_FILE, helper_bytes, sizeof helper_bytes - 1));
}

static void assert_helper_folder_as_it_was(void)
{
    BYTE *d;
    DWORD n;
    assert_true(fx_read_file(HELPER_FILE, &d, &n));
    assert_int_equal(n, sizeof helper_bytes - 1);
    assert_memory_equal(d, helper_bytes, n);
    free(d);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(HELPER L"\\*", &fd);
    int entries = 0;
    if (h != INVALID_HANDLE_VALUE) {
        do
            if (wcscmp(fd.cFileName, L".") && wcscmp(fd.cFileName, L".."))
                entries++;
        while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    if (entries != 1)
        fail_msg("the helper folder holds %d entries, not its 1 file: something was written into it", entries);
}

/* Links are removed whatever the outcome: the next fixture must not delete through them. */
static int no_disk_links(void **state)
{
    static const wchar_t *const links[] = {
        WINDIR L"\\system32\\drivers", WINDIR L"\\p2vprep", DRIVER, WINDIR L"\\p2vprep\\apply-0001",
    };
    fx_unix_unlink(WINDIR L"\\p2vprep\\network.txt");
    fx_unix_unlink(WINDIR L"\\p2vprep\\p2vprep-firstboot.exe");
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        DWORD a = GetFileAttributesW(links[i]);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT))
            fx_unix_unlink(links[i]);
    }
    fx_unix_unlink(DRIVER);   /* a file link shows as a plain file */
    fx_delete_dir(HELPER);
    return 0;
}

static void assert_refused(const wchar_t *args, const char *names)
{
    char *out;
    int rc = fx_run(TEST_EXE, args, &out);
    if (rc != 2 || !strstr(out, names) || !strstr(out, "link"))
        fail_msg("%ls: exit %d (2 expected, naming %s and the link)\n%s", args, rc, names, out);
    free(out);
}

/* The disk's drivers folder is a link into the helper: apply copies no driver through it
 * (the helper's file keeps its bytes, nothing lands beside it), writes no key, and says
 * which folder is a link and where it leads. */
static void a_linked_drivers_folder_never_leads_into_the_helper(void **state)
{
    helper_folder();
    fx_delete_dir(WINDIR L"\\system32\\drivers");
    assert_true(fx_unix_link(WINDIR L"\\system32\\drivers", HELPER));
    wchar_t *hive_before = fx_export_hive(HIVE);
    assert_refused(L"apply --offline " WINDIR LSI, "F:\\WINDOWS\\system32\\drivers");
    assert_refused(L"plan --offline " WINDIR LSI, "F:\\WINDOWS\\system32\\drivers");
    wchar_t *hive_after = fx_export_hive(HIVE);
    if (wcscmp(hive_before, hive_after))
        fail_msg("the offline hive changed though the run was refused");
    free(hive_before);
    free(hive_after);
    assert_helper_folder_as_it_was();
    assert_false(fx_file_exists(WINDIR L"\\p2vprep\\apply-0001.journal"));
    assert_live_untouched();
}

/* The first-boot pass's record and exe on the disk are links to a helper file: apply
 * --keep-network writes through neither, changes no key, and names the link. */
static void linked_first_boot_files_never_lead_into_the_helper(void **state)
{
    static const wchar_t *const names[] = { L"network.txt", L"p2vprep-firstboot.exe" };
    struct offline_fixture f = { { 1, 2, 3 }, 3, { 2, 2, 3, 0 }, L"OLDSRV03", L"ServerNT", 0x200, 0, 0, NULL, NULL, TRUE };
    for (int i = 0; i < 2; i++) {
        wchar_t link[MAX_PATH], args[300];
        char shown[64];
        fx_make_offline_hive(HIVE, &f);
        helper_folder();
        fx_delete_dir(WINDIR L"\\p2vprep");
        CreateDirectoryW(WINDIR L"\\p2vprep", NULL);
        swprintf(link, MAX_PATH, WINDIR L"\\p2vprep\\%ls", names[i]);
        assert_true(fx_unix_link(link, HELPER_FILE));
        wchar_t *hive_before = fx_export_hive(HIVE);
        swprintf(args, 300, L"apply --offline " WINDIR L" --keep-network");
        snprintf(shown, sizeof shown, "%ls", names[i]);
        assert_refused(args, shown);
        wchar_t *hive_after = fx_export_hive(HIVE);
        if (wcscmp(hive_before, hive_after))
            fail_msg("%ls linked: the offline hive changed though the run was refused", names[i]);
        free(hive_before);
        free(hive_after);
        assert_helper_folder_as_it_was();
        fx_unix_unlink(link);
    }
    assert_live_untouched();
}

/* The disk's state folder is a link to a helper folder: no journal lands there and the
 * folder's rights are not cut to Administrators and SYSTEM (pointed at C:\Windows, that
 * would break the helper). */
static void a_linked_state_folder_gets_no_journal_and_keeps_its_rights(void **state)
{
    helper_folder();
    wchar_t *sddl_before = fx_file_sddl(HELPER);
    assert_true(fx_unix_link(WINDIR L"\\p2vprep", HELPER));
    assert_refused(L"apply --offline " WINDIR LSI, "F:\\WINDOWS\\p2vprep");
    wchar_t *sddl_after = fx_file_sddl(HELPER);
    if (wcscmp(sddl_before, sddl_after))
        fail_msg("the helper folder's rights changed: %ls -> %ls", sddl_before, sddl_after);
    free(sddl_before);
    free(sddl_after);
    assert_helper_folder_as_it_was();
    assert_false(fx_file_exists(DRIVER));
    /* rollback will not read a journal through it either */
    write_text(HELPER L"\\apply-0001.journal", "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
               "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tabsent\nend\tok\n");
    assert_true(fx_write_file(DRIVER, "offline", 7));
    assert_refused(L"rollback --offline " WINDIR, "F:\\WINDOWS\\p2vprep");
    assert_true(fx_file_exists(DRIVER));
    fx_delete_file(HELPER L"\\apply-0001.journal");
    assert_live_untouched();
}

/* The driver's destination is a file link to a helper file: apply neither reads it as the
 * "old copy" (which would copy the helper's file onto the disk) nor replaces it. */
static void a_linked_driver_file_is_never_read_or_replaced(void **state)
{
    helper_folder();
    assert_true(fx_unix_link(DRIVER, HELPER_FILE));
    assert_refused(L"apply --offline " WINDIR LSI, "symmpi.sys");
    assert_helper_folder_as_it_was();
    /* the link is still the link: nothing was written at its name */
    BYTE *d;
    DWORD n;
    assert_true(fx_read_file(DRIVER, &d, &n));
    assert_int_equal(n, sizeof helper_bytes - 1);
    free(d);
    assert_false(fx_file_exists(WINDIR L"\\p2vprep\\apply-0001"));
    assert_live_untouched();
}

/* A planted journal whose records are all the disk's own paths, but through a linked
 * folder: a delete in the drivers folder that leads into the helper, an old copy taken
 * from a folder that leads into the helper. Nothing is undone, nothing copied. */
static void a_planted_journal_never_reaches_through_a_link(void **state)
{
    static const char journal[] = "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
        "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tabsent\nend\tok\n";
    static const char copy_back[] = "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
        "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\t%SystemRoot%\\p2vprep\\apply-0001\\symmpi.sys\n"
        "end\tok\n";
    helper_folder();
    CreateDirectoryW(WINDIR L"\\p2vprep", NULL);
    write_text(WINDIR L"\\p2vprep\\apply-0001.journal", journal);
    fx_delete_dir(WINDIR L"\\system32\\drivers");
    assert_true(fx_unix_link(WINDIR L"\\system32\\drivers", HELPER));
    assert_refused(L"rollback --offline " WINDIR, "F:\\WINDOWS\\system32\\drivers");
    assert_helper_folder_as_it_was();
    assert_true(fx_unix_unlink(WINDIR L"\\system32\\drivers"));
    CreateDirectoryW(WINDIR L"\\system32\\drivers", NULL);

    /* the old copy's folder leads into the helper: the disk's driver is not replaced by it */
    assert_true(fx_write_file(DRIVER, "offline", 7));
    write_text(WINDIR L"\\p2vprep\\apply-0001.journal", copy_back);
    assert_true(fx_unix_link(WINDIR L"\\p2vprep\\apply-0001", HELPER));
    assert_refused(L"rollback --offline " WINDIR, "apply-0001");
    BYTE *d;
    DWORD n;
    assert_true(fx_read_file(DRIVER, &d, &n));
    assert_int_equal(n, 7);
    assert_memory_equal(d, "offline", 7);
    free(d);
    assert_helper_folder_as_it_was();

    /* a record for the helper's own registry (a Run key) is refused whole, links or not */
    assert_true(fx_unix_unlink(WINDIR L"\\p2vprep\\apply-0001"));
    write_text(WINDIR L"\\p2vprep\\apply-0001.journal", "p2vprep journal 1\nstarted\tOLDSRV03\tapply\n"
               "value\tSOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\tp2vplant\t1\t"
               "43003a005c0078002e00650078006500000000\nend\tok\n");
    char *out;
    assert_int_equal(fx_run(TEST_EXE, L"rollback --offline " WINDIR, &out), 2);
    assert_contains(out, "never writes");
    free(out);
    wchar_t *run = fx_export(L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
    assert_null(wcsstr(run, L"p2vplant"));
    free(run);
    assert_live_untouched();
}

/* The disk's hive holds a registry link: its Services\symmpi leads to a key of the
 * helper's registry. apply writes nothing through it. */
static int no_link_target(void **state)
{
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vlinktarget");
    return 0;
}

static void a_registry_link_in_the_disks_hive_never_leads_into_the_helper(void **state)
{
    static const wchar_t target[] = L"\\Registry\\Machine\\SOFTWARE\\p2vlinktarget";
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vlinktarget");
    fx_set_dword(L"SOFTWARE\\p2vlinktarget", L"Marker", 7);
    wchar_t *before = fx_export(L"SOFTWARE\\p2vlinktarget");
    struct offline_fixture f = { { 1, 2, 3 }, 3, { 2, 2, 3, 0 }, L"OLDSRV03", L"ServerNT", 0x200, 2, 0,
                                 L"ControlSet001\\Services\\symmpi", target, FALSE };
    fx_make_offline_hive(HIVE, &f);
    char *out;
    int rc = fx_run(TEST_EXE, L"apply --offline " WINDIR LSI, &out);
    if (rc != 2 || !strstr(out, "ControlSet001\\Services\\symmpi") || !strstr(out, "registry link"))
        fail_msg("apply through the hive's link: exit %d\n%s", rc, out);
    free(out);
    wchar_t *after = fx_export(L"SOFTWARE\\p2vlinktarget");
    if (wcscmp(before, after))
        fail_msg("the helper's key behind the link changed:\n%ls\n---\n%ls", before, after);
    free(before);
    free(after);
    assert_false(fx_file_exists(DRIVER));
    assert_live_untouched();
}

int main(int argc, char **argv)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(find_lists_the_offline_windows_and_how_it_boots, seed_disk),
        cmocka_unit_test_setup(plan_and_check_change_nothing_anywhere, seed_disk),
        cmocka_unit_test_setup(apply_from_the_volume_root_then_check_rerun_and_rollback, seed_disk),
        cmocka_unit_test_setup(retire_and_keep_network_offline, seed_disk),
        cmocka_unit_test_setup_teardown(linked_first_boot_files_never_lead_into_the_helper, seed_disk, no_disk_links),
        cmocka_unit_test_setup(a_failure_midway_leaves_the_offline_windows_as_it_was, seed_disk),
        cmocka_unit_test_setup(a_killed_run_leaves_a_hive_the_next_run_unloads, seed_disk),
        cmocka_unit_test_setup_teardown(a_busy_offline_lock_is_exit_7_with_the_hive_unloaded, seed_disk,
                                        release_offline_lock),
        cmocka_unit_test_setup(what_is_not_an_offline_windows_is_refused, seed_disk),
        cmocka_unit_test_setup(auto_takes_the_only_one_and_refuses_several, seed_disk),
        cmocka_unit_test_setup(a_shifted_partition_number_is_reported_fixed_and_rolled_back, seed_disk),
        cmocka_unit_test_setup(a_hostile_computer_name_never_becomes_a_path, seed_disk),
        cmocka_unit_test_setup(a_package_goes_in_through_dism_and_out_on_rollback, seed_disk),
        cmocka_unit_test_setup(an_old_journal_never_reaches_the_helpers_files, seed_disk),
        cmocka_unit_test_setup_teardown(a_linked_drivers_folder_never_leads_into_the_helper, seed_disk,
                                        no_disk_links),
        cmocka_unit_test_setup_teardown(a_linked_state_folder_gets_no_journal_and_keeps_its_rights, seed_disk,
                                        no_disk_links),
        cmocka_unit_test_setup_teardown(a_linked_driver_file_is_never_read_or_replaced, seed_disk,
                                        no_disk_links),
        cmocka_unit_test_setup_teardown(a_planted_journal_never_reaches_through_a_link, seed_disk,
                                        no_disk_links),
        cmocka_unit_test_setup_teardown(a_registry_link_in_the_disks_hive_never_leads_into_the_helper,
                                        seed_disk, no_link_target),
    };
    printf("offline repair, %ls exe on %ls Windows\n", P2V_ARCH_STR, os64 ? L"64-bit" : L"32-bit");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
