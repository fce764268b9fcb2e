/* End to end: p2vprep-<arch>.exe prepares a Windows 2000/XP/2003 server for LSI Logic.
 * Argument: the Windows version to emulate (win2003, winxp; the 64-bit prefix uses
 * winxp64 for XP, as XP x64 is 5.2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define FAULT_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"
#define WORK L"C:\\p2vtest"
#define PAYLOAD WORK L"\\payload"
#define REPORT WORK L"\\report.json"

static wchar_t winver[32];
static BOOL os64;
static wchar_t driver_path[MAX_PATH];

#define LSI L" --target lsilogic --payload " PAYLOAD

static const wchar_t *const sets3[] = { L"ControlSet001", L"ControlSet002", L"ControlSet003" };

/* Three control sets, Current=2, LastKnownGood=3; payload for the OS's architecture. */
static int server(void **state)
{
    struct fixture f = { winver, { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    fx_shape(&f);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    swprintf(dst, MAX_PATH, L"%ls\\%ls", PAYLOAD, os64 ? L"amd64" : L"x86");
    CreateDirectoryW(dst, NULL);
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"amd64" : L"i386");
    swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_copy_file(src, dst));
    static const wchar_t *const knobs[] = {
        L"P2VPREP_FAULT_AT", L"P2VPREP_FAULT_COUNT", L"P2VPREP_FAULT_ERR", L"P2VPREP_FAULT_JOURNAL_AT",
        L"P2VPREP_FAULT_FLUSH_AT", L"P2VPREP_FAULT_ANY", L"P2VPREP_FAULT_KILL", L"P2VPREP_LIE",
        L"P2VPREP_LIE_AT",
    };
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
        fx_setenv(knobs[i], NULL);
    return 0;
}

static BOOL state_folder_exists(void)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    return fx_file_exists(path);
}

static char *report(void)
{
    BYTE *data;
    DWORD size;
    assert_true(fx_read_file(REPORT, &data, &size));
    return (char *)data;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find: %s\nin:\n%s", needle, hay);
}

static void assert_lsilogic_everywhere(const wchar_t *const *sets, int n)
{
    for (int i = 0; i < n; i++) {
        wchar_t key[256];
        DWORD d, type, size;
        BYTE data[512];
        swprintf(key, 256, L"SYSTEM\\%ls\\Services\\symmpi", sets[i]);
        assert_true(fx_get_dword(key, L"Type", &d));
        assert_int_equal(d, 1);
        assert_true(fx_get_dword(key, L"Start", &d));
        assert_int_equal(d, 0);
        assert_true(fx_get_dword(key, L"ErrorControl", &d));
        assert_int_equal(d, 1);
        size = sizeof data;
        assert_true(fx_get(key, L"Group", &type, data, &size));
        assert_int_equal(type, REG_SZ);
        assert_true(!wcscmp((wchar_t *)data, L"SCSI miniport"));
        size = sizeof data;
        assert_true(fx_get(key, L"ImagePath", &type, data, &size));
        assert_int_equal(type, REG_EXPAND_SZ);
        assert_true(!wcscmp((wchar_t *)data, L"system32\\DRIVERS\\symmpi.sys"));
        swprintf(key, 256, L"SYSTEM\\%ls\\Services\\symmpi\\Parameters\\PnpInterface", sets[i]);
        assert_true(fx_get_dword(key, L"5", &d));
        assert_int_equal(d, 1);
        static const wchar_t *ids[] = { L"pci#ven_1000&dev_0030", L"pci#ven_1000&dev_0030&subsys_197615ad" };
        for (int k = 0; k < 2; k++) {
            swprintf(key, 256, L"SYSTEM\\%ls\\Control\\CriticalDeviceDatabase\\%ls", sets[i], ids[k]);
            size = sizeof data;
            assert_true(fx_get(key, L"ClassGUID", &type, data, &size));
            assert_true(!wcscmp((wchar_t *)data, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}"));
            size = sizeof data;
            assert_true(fx_get(key, L"Service", &type, data, &size));
            assert_true(!wcscmp((wchar_t *)data, L"symmpi"));
        }
    }
}

static void assert_driver_installed(void)
{
    BYTE *a, *b;
    DWORD na, nb;
    wchar_t payload[MAX_PATH];
    swprintf(payload, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_read_file(driver_path, &a, &na));
    assert_true(fx_read_file(payload, &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    if (os64) {   /* a 32-bit p2vprep must not have landed in SysWOW64 */
        wchar_t wow[MAX_PATH];
        swprintf(wow, MAX_PATH, L"%ls\\syswow64\\drivers\\symmpi.sys", fx_systemroot());
        assert_false(fx_file_exists(wow));
    }
}

static void apply_writes_every_set_and_rerun_writes_nothing(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, &out), 0);
    assert_contains(out, "ControlSet001 ControlSet002 ControlSet003");
    assert_contains(out, "Current=2");
    free(out);
    assert_lsilogic_everywhere(sets3, 3);
    assert_driver_installed();
    /* Wine's CurrentControlSet is a key of its own here: it must not be taken for a set. */
    assert_false(fx_key_exists(L"SYSTEM\\CurrentControlSet\\Services\\symmpi"));

    char *json = report();
    assert_contains(json, "\"command\": \"apply\"");
    assert_contains(json, "\"control_sets\": [\"ControlSet001\", \"ControlSet002\", \"ControlSet003\"]");
    assert_contains(json, "\"select\": {\"Current\": 2, \"Default\": 2, \"LastKnownGood\": 3, \"Failed\": 0}");
    assert_contains(json, "\"name\": \"Start\", \"type\": \"REG_DWORD\", \"old_type\": null, \"old\": null, \"new\": 0}");
    assert_contains(json, "\"kind\": \"file\"");
    assert_contains(json, "\"exit_code\": 0");
    assert_contains(json, os64 ? "\"arch\": \"x64\"" : "\"arch\": \"x86\"");
    free(json);

    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, NULL), 0);
    json = report();
    assert_contains(json, "\"changes\": []");
    assert_contains(json, "\"writes\": 0");
    assert_contains(json, "\"journal\": null");
    free(json);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);
    assert_int_equal(fx_run(EXE, L"check" LSI, NULL), 0);
}

static void plan_changes_nothing_and_shows_what_apply_does(void **state)
{
    char *plan, *apply;
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"plan" LSI, &plan), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    assert_int_equal(fx_run(EXE, L"apply" LSI, &apply), 0);
    /* the change lines ("  set ...", "  copy ...") are the same, in the same order */
    const char *p = plan, *a = apply;
    int lines = 0;
    while ((p = strstr(p, "\n  ")) != NULL) {
        a = strstr(a, "\n  ");
        assert_non_null(a);
        const char *pe = strchr(p + 1, '\n'), *ae = strchr(a + 1, '\n');
        assert_int_equal(pe - p, ae - a);
        assert_memory_equal(p, a, (size_t)(pe - p));
        p = pe;
        a = ae;
        lines++;
    }
    assert_int_equal(lines, 31);
    free(plan);
    free(apply);
    free(before);
    free(after);
}

static void disabled_and_wrong_typed_values_are_corrected(void **state)
{
    /* symmpi left disabled in set 2, ErrorControl written as a string in set 3, and a
     * value of the admin's own that must survive */
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"ErrorControl", REG_SZ, L"1");
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"DisplayName", REG_SZ, L"LSI Logic (old)");
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, NULL), 0);
    assert_lsilogic_everywhere(sets3, 3);
    BYTE data[256];
    DWORD type, size = sizeof data;
    assert_true(fx_get(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"DisplayName", &type, data, &size));
    assert_true(!wcscmp((wchar_t *)data, L"LSI Logic (old)"));
    char *json = report();
    assert_contains(json, "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet002\\\\Services\\\\symmpi\", \"name\": \"Start\", "
                          "\"type\": \"REG_DWORD\", \"old_type\": \"REG_DWORD\", \"old\": 4, \"new\": 0}");
    assert_contains(json, "\"name\": \"ErrorControl\", \"type\": \"REG_DWORD\", \"old_type\": \"REG_SZ\", \"old\": \"1\", \"new\": 1}");
    free(json);
}

static void rollback_restores_the_exact_registry_and_removes_the_file(void **state)
{
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"ErrorControl", REG_SZ, L"1");
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    wchar_t *applied = fx_export_sets();
    assert_false(!wcscmp(before, applied));
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    /* a second rollback finds nothing left to undo and changes nothing */
    char *out;
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_contains(out, "Nothing to roll back");
    free(out);
    free(before);
    free(applied);
    free(after);
}

static void rollback_puts_back_a_replaced_driver(void **state)
{
    static const char old[] = "MZ an older symmpi.sys that was there";
    assert_true(fx_write_file(driver_path, old, sizeof old));
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    assert_driver_installed();
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    BYTE *now;
    DWORD n;
    assert_true(fx_read_file(driver_path, &now, &n));
    assert_int_equal(n, sizeof old);
    assert_memory_equal(now, old, n);
    free(now);
}

static void failure_midway_leaves_nothing_changed(void **state)
{
    wchar_t *before = fx_export_sets();
    fx_setenv(L"P2VPREP_FAULT_AT", L"12");
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI L" --report " REPORT, &out), 5);
    assert_contains(out, "undone");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    char *json = report();
    assert_contains(json, "\"exit_code\": 5");
    free(json);
    /* what was undone already is not undone twice */
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_contains(out, "Nothing to roll back");
    free(out);
    free(before);
    free(after);
}

static void failure_during_undo_is_reported_and_rollback_finishes_it(void **state)
{
    wchar_t *before = fx_export_sets();
    /* write 12 fails, and so do the first two undo steps */
    fx_setenv(L"P2VPREP_FAULT_AT", L"12");
    fx_setenv(L"P2VPREP_FAULT_COUNT", L"3");
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, NULL), 6);
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    fx_setenv(L"P2VPREP_FAULT_COUNT", NULL);
    wchar_t *half = fx_export_sets();
    assert_false(!wcscmp(before, half));
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(half);
    free(after);
}

static void access_denied_is_exit_4_and_nothing_changed(void **state)
{
    wchar_t *before = fx_export_sets();
    fx_setenv(L"P2VPREP_FAULT_AT", L"2");
    fx_setenv(L"P2VPREP_FAULT_ERR", L"5");
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, &out), 4);
    assert_contains(out, "denied. (0x5)");
    assert_contains(out, "run p2vprep as an administrator");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(after);
}

static void missing_payload_is_exit_3_and_nothing_changed(void **state)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    fx_delete_file(path);
    wchar_t *before = fx_export_sets();
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 3);
    assert_contains(out, os64 ? "C:\\p2vtest\\payload\\amd64\\symmpi.sys" : "C:\\p2vtest\\payload\\x86\\symmpi.sys");
    assert_contains(out, "C:\\p2vtest\\payload\\symmpi.sys");
    assert_contains(out, "VMware Tools");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    assert_false(fx_file_exists(path));
    free(before);
    free(after);
}

static void wrong_architecture_payload_is_exit_3(void **state)
{
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    /* the other architecture's driver, put where this one's belongs */
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"i386" : L"amd64");
    swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_copy_file(src, dst));
    wchar_t *before = fx_export_sets();
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 3);
    assert_contains(out, "another processor architecture");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(after);
}

static void check_names_each_missing_piece_then_says_ready(void **state)
{
    char *out;
    fx_set_dword(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"Start", 4);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report " REPORT, &out), 1);
    assert_contains(out, "ControlSet003: Services\\symmpi\\Start is 4 (REG_DWORD), needs 0 (REG_DWORD)");
    assert_contains(out, "ControlSet001: Services\\symmpi\\Type is absent");
    assert_contains(out, "symmpi.sys is missing");
    free(out);
    char *json = report();
    assert_contains(json, "\"ready\": false");
    assert_contains(json, "\"exit_code\": 1");
    assert_contains(json, "\"code\": \"value-wrong\"");
    free(json);
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --quiet --log " WORK L"\\apply.log", &out), 0);
    assert_true(out[0] == 0);   /* --quiet: nothing on success */
    free(out);
    BYTE *log;
    DWORD n;
    assert_true(fx_read_file(WORK L"\\apply.log", &log, &n));   /* ... but the log has it all */
    assert_contains((char *)log, "ControlSet003\\Services\\symmpi\\Start = 0 (REG_DWORD) (was 4 (REG_DWORD))");
    assert_contains((char *)log, "Applied 31 change(s) in 3 control set(s)");
    free(log);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report " REPORT, NULL), 0);
    json = report();
    assert_contains(json, "\"ready\": true");
    free(json);
}

static void control_sets_are_enumerated_not_assumed(void **state)
{
    /* No ControlSet001 at all: sets 3 and 5, Current=5 */
    struct fixture f = { winver, { 3, 5 }, 2, { 5, 5, 3, 0 } };
    fx_shape(&f);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    static const wchar_t *const sets[] = { L"ControlSet003", L"ControlSet005" };
    assert_lsilogic_everywhere(sets, 2);
    assert_false(fx_key_exists(L"SYSTEM\\ControlSet001"));
}

static void a_second_instance_is_exit_7(void **state)
{
    HANDLE m = CreateMutexW(NULL, TRUE, L"Global\\p2vprep-running");
    assert_non_null(m);
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 7);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    CloseHandle(m);
    free(before);
    free(after);
}

/* The single-file build for PsExec: no payload folder beside it, the drivers inside. */
static void embedded_payload_needs_no_folder(void **state)
{
    wchar_t beside[MAX_PATH], pattern[MAX_PATH], tmp[MAX_PATH];
    swprintf(beside, MAX_PATH, L"%ls\\payload", fx_bin_dir());
    assert_false(fx_file_exists(beside));
    assert_int_equal(fx_run(L"p2vprep-embedtest-" P2V_ARCH_STR L".exe", L"apply --target lsilogic --report " REPORT, NULL), 0);
    assert_lsilogic_everywhere(sets3, 3);
    assert_driver_installed();
    char *json = report();
    /* the payload it used was its own, unpacked where only administrators write */
    assert_contains(json, "p2vprep\\\\payload-");
    free(json);
    /* and the unpacked copy is gone again */
    (void)tmp;
    swprintf(pattern, MAX_PATH, L"%ls\\p2vprep\\payload-*", fx_systemroot());
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    assert_true(h == INVALID_HANDLE_VALUE);
    /* the plain exe, with no folder and nothing inside, says where it looked */
    char *out;
    assert_int_equal(fx_run(EXE, L"check --target lsilogic", &out), 0);
    free(out);
    fx_delete_file(driver_path);
    assert_int_equal(fx_run(EXE, L"apply --target lsilogic", &out), 3);
    assert_contains(out, "payload\\symmpi.sys");
    free(out);
}

/* A write that "succeeds" but stores something else is caught by reading back: apply
 * undoes everything and exits 5. Without the read-back, each of these would exit 0. */
static void readback_catches_a_write_that_lied(void **state)
{
    static const struct { const wchar_t *mode, *at; } lies[] = {
        { L"data", L"1" }, { L"type", L"5" }, { L"drop", L"9" }, { L"data", L"20" }, { L"truncate", L"1" },
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        wchar_t *before = fx_export_sets();
        char *out;
        fx_setenv(L"P2VPREP_LIE", lies[i].mode);
        fx_setenv(L"P2VPREP_LIE_AT", lies[i].at);
        int rc = fx_run(FAULT_EXE, L"apply" LSI, &out);
        if (rc != 5)
            fail_msg("lie %ls at %ls: exit %d, expected 5\n%s", lies[i].mode, lies[i].at, rc, out);
        assert_contains(out, "Every change was undone");
        free(out);
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        assert_false(fx_file_exists(driver_path));
        free(before);
        free(after);
    }
}

/* "A rerun makes no writes", seen from outside the engine: under a layer that fails and
 * names every write of any kind, the rerun, check and plan succeed and name none. */
static void rerun_check_and_plan_attempt_no_write(void **state)
{
    char *out;
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    assert_int_equal(fx_run(FAULT_EXE, L"plan" LSI, &out), 0);
    assert_null(strstr(out, "fault: attempted"));
    free(out);
    assert_int_equal(fx_run(FAULT_EXE, L"check" LSI, &out), 1);
    assert_null(strstr(out, "fault: attempted"));
    free(out);
    assert_false(state_folder_exists());
    /* the layer does catch writes: the first apply fails on its first one */
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, &out), 5);
    assert_contains(out, "fault: attempted");
    free(out);
    fx_setenv(L"P2VPREP_FAULT_ANY", NULL);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    static const wchar_t *const cmds[] = { L"apply" LSI, L"check" LSI, L"plan" LSI };
    for (int i = 0; i < 3; i++) {
        int rc = fx_run(FAULT_EXE, cmds[i], &out);
        if (rc != 0 || strstr(out, "fault: attempted"))
            fail_msg("%ls after apply: exit %d\n%s", cmds[i], rc, out);
        free(out);
    }
}

/* Each record is on disk before its change: the journal lists the values in the order
 * apply printed them, framed by its header and "end ok". */
static void journal_records_precede_changes_in_order(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 0);
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\p2vprep\\apply-0001.journal", fx_systemroot());
    BYTE *raw;
    DWORD n;
    assert_true(fx_read_file(path, &raw, &n));
    char *j = realloc(raw, n + 1);
    j[n] = 0;
    assert_true(!strncmp(j, "p2vprep journal 1\nstarted\t", strlen("p2vprep journal 1\nstarted\t")));
    assert_non_null(strstr(j, "\nend\tok\n"));
    assert_true(n >= 8 && !strcmp(j + n - 7, "end\tok\n"));
    /* the driver: recorded relative to %SystemRoot%, as absent before */
    assert_contains(j, "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tabsent\n");
    const char *o = out, *r = j;
    int values = 0;
    while ((o = strstr(o, "\n  set     HKLM\\")) != NULL) {
        o += strlen("\n  set     HKLM\\");
        const char *eq = strstr(o, " = ");
        const char *slash = eq;
        while (slash > o && *slash != '\\')
            slash--;
        char want[600];
        snprintf(want, sizeof want, "\nvalue\t%.*s\t%.*s\t", (int)(slash - o), o, (int)(eq - slash - 1), slash + 1);
        const char *found = strstr(r, want);
        if (!found)
            fail_msg("journal lacks, or has out of order: %s", want + 1);
        r = found + 1;
        values++;
    }
    assert_int_equal(values, 30);   /* 31 changes: the driver and 30 values */
    free(j);
    free(out);
}

/* Every step of apply, failed in turn: each journal record, each write to the machine,
 * each flush. After each, exit 5 and the machine as it was (the driver absent, symmpi's
 * values in set 2 as the admin left them). */
static void a_failure_at_any_step_leaves_nothing_changed(void **state)
{
    static const wchar_t *const knobs[] = {
        L"P2VPREP_FAULT_JOURNAL_AT", L"P2VPREP_FAULT_AT", L"P2VPREP_FAULT_FLUSH_AT",
    };
    /* an existing, disabled service: its values are changed in a key that stays */
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Group", REG_SZ, L"Other");
    wchar_t *before = fx_export_sets();
    for (int k = 0; k < 3; k++) {
        /* the first journal appends are its header; "end ok" failing does not undo */
        int first = k == 0 ? 3 : 1, n;
        for (n = first;; n++) {
            wchar_t at[16];
            char *out;
            swprintf(at, 16, L"%d", n);
            fx_setenv(knobs[k], at);
            int rc = fx_run(FAULT_EXE, L"apply" LSI, &out);
            fx_setenv(knobs[k], NULL);
            free(out);
            if (rc == 0) {
                assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
                break;
            }
            if (rc != 5)
                fail_msg("%ls=%d: exit %d, expected 5", knobs[k], n, rc);
            wchar_t *after = fx_export_sets();
            if (wcscmp(before, after))
                fail_msg("%ls=%d: the registry differs after the undo", knobs[k], n);
            free(after);
            assert_false(fx_file_exists(driver_path));
        }
        /* every step was reached: 31 records, 31 writes (3 keys are new), 3 flushes */
        static const int steps[] = { 3 + 35, 1 + 34, 1 + 3 };
        if (n < steps[k])
            fail_msg("%ls: apply succeeded at %d, before every step was failed", knobs[k], n);
    }
    free(before);
}

static void usage_errors_are_exit_2(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply", &out), 2);
    assert_contains(out, "--target");
    free(out);
    assert_int_equal(fx_run(EXE, L"apply --target nosuch", NULL), 2);
    assert_int_equal(fx_run(EXE, L"frobnicate", NULL), 2);
    /* --report "C:\dir\" reaches the program as C:\dir" : still that folder */
    CreateDirectoryW(WORK L"\\reports", NULL);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report \"" WORK L"\\reports\\\"", NULL), 1);
    wchar_t computer[64], expected[MAX_PATH];
    DWORD cn = 64;
    GetComputerNameW(computer, &cn);
    swprintf(expected, MAX_PATH, L"%ls\\reports\\%ls.json", WORK, computer);
    assert_true(fx_file_exists(expected));
    /* a log in a folder that does not exist yet: the folder is made */
    assert_int_equal(fx_run(EXE, L"check" LSI L" --log " WORK L"\\logs\\check.log", NULL), 1);
    assert_true(fx_file_exists(WORK L"\\logs\\check.log"));
    assert_int_equal(fx_run(EXE, L"--version", &out), 0);
    assert_contains(out, "p2vprep ");
    free(out);
}

int main(int argc, char **argv)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    const char *v = argc > 1 ? argv[1] : "win2003";
    /* XP on a 64-bit machine is XP x64, which Wine calls winxp64 */
    if (os64 && !strcmp(v, "winxp"))
        v = "winxp64";
    swprintf(winver, 32, L"%hs", v);
    swprintf(driver_path, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(apply_writes_every_set_and_rerun_writes_nothing, server),
        cmocka_unit_test_setup(plan_changes_nothing_and_shows_what_apply_does, server),
        cmocka_unit_test_setup(disabled_and_wrong_typed_values_are_corrected, server),
        cmocka_unit_test_setup(rollback_restores_the_exact_registry_and_removes_the_file, server),
        cmocka_unit_test_setup(rollback_puts_back_a_replaced_driver, server),
        cmocka_unit_test_setup(failure_midway_leaves_nothing_changed, server),
        cmocka_unit_test_setup(failure_during_undo_is_reported_and_rollback_finishes_it, server),
        cmocka_unit_test_setup(access_denied_is_exit_4_and_nothing_changed, server),
        cmocka_unit_test_setup(missing_payload_is_exit_3_and_nothing_changed, server),
        cmocka_unit_test_setup(wrong_architecture_payload_is_exit_3, server),
        cmocka_unit_test_setup(check_names_each_missing_piece_then_says_ready, server),
        cmocka_unit_test_setup(control_sets_are_enumerated_not_assumed, server),
        cmocka_unit_test_setup(a_second_instance_is_exit_7, server),
        cmocka_unit_test_setup(embedded_payload_needs_no_folder, server),
        cmocka_unit_test_setup(usage_errors_are_exit_2, server),
        cmocka_unit_test_setup(readback_catches_a_write_that_lied, server),
        cmocka_unit_test_setup(rerun_check_and_plan_attempt_no_write, server),
        cmocka_unit_test_setup(journal_records_precede_changes_in_order, server),
        cmocka_unit_test_setup(a_failure_at_any_step_leaves_nothing_changed, server),
    };
    printf("emulating %ls, %ls exe on %ls Windows\n", winver, P2V_ARCH_STR, os64 ? L"64-bit" : L"32-bit");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
