/* End to end: what a local attacker could plant where p2vprep runs from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"
#include <sddl.h>

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define TEST_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"   /* knobs: tests/support/fault_backend.c */
#define WORK L"C:\\p2vtest"
#define DOWNLOADS WORK L"\\downloads"

/* System DLLs that are not KnownDLLs on every supported Windows: the ones a process
 * would look for beside its exe first. */
static const wchar_t *const planted[] = {
    L"setupapi.dll", L"version.dll", L"cabinet.dll", L"wintrust.dll", L"userenv.dll",
    L"cfgmgr32.dll", L"devobj.dll", L"msasn1.dll", L"crypt32.dll", NULL,
};

static int downloads(void **state)
{
    struct fixture f = { L"win2003", { 1, 2 }, 2, { 1, 1, 2, 0 } };
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    fx_shape(&f);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(DOWNLOADS, NULL);
    swprintf(src, MAX_PATH, L"%ls\\planted\\planted.dll", fx_bin_dir());
    for (const wchar_t *const *n = planted; *n; n++) {
        swprintf(dst, MAX_PATH, DOWNLOADS L"\\%ls", *n);
        assert_true(fx_copy_file(src, dst));
    }
    swprintf(src, MAX_PATH, L"%ls\\" EXE, fx_bin_dir());
    assert_true(fx_copy_file(src, DOWNLOADS L"\\" EXE));
    swprintf(src, MAX_PATH, L"%ls\\" TEST_EXE, fx_bin_dir());
    assert_true(fx_copy_file(src, DOWNLOADS L"\\" TEST_EXE));
    swprintf(src, MAX_PATH, L"%ls\\planted\\static-user.exe", fx_bin_dir());
    assert_true(fx_copy_file(src, DOWNLOADS L"\\static-user.exe"));
    /* Windows looks beside the exe before System32 for a DLL that is not a KnownDLL;
     * Wine prefers its own copies unless told to take native ones first, which the test's
     * registration does for setupapi (P2V_DLLOVERRIDES in tests/e2e/CMakeLists.txt) */
    return 0;
}

static int markers(void)
{
    wchar_t path[MAX_PATH];
    int n = 0;
    for (const wchar_t *const *p = planted; *p; p++) {
        swprintf(path, MAX_PATH, DOWNLOADS L"\\%ls.loaded", *p);
        if (fx_file_exists(path)) {
            print_message("loaded: %ls\n", *p);
            n++;
            fx_delete_file(path);
        }
    }
    return n;
}

/* Run from a download folder that holds DLLs named like Windows' own: none is loaded,
 * whatever the command needs (SetupAPI for an INF, the cabinet for NT5's inbox drivers). */
static void dlls_beside_the_exe_are_never_loaded(void **state)
{
    /* the control: a program that imports SetupAPI statically takes the planted copy */
    assert_int_equal(fx_run(DOWNLOADS L"\\static-user.exe", L"", NULL), 0);
    assert_int_equal(markers(), 1);

    static const char inf[] = "[Version]\r\nSignature=\"$Windows NT$\"\r\nClass=SCSIAdapter\r\n";
    assert_true(fx_write_file(WORK L"\\x.inf", inf, sizeof inf - 1));
    static const wchar_t *const runs[] = {
        L"plan --inf " WORK L"\\x.inf", L"check --target ide", L"plan --target all",
        L"apply --target ide", L"rollback", L"summarize " WORK, L"--version",
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *out;
        fx_run(DOWNLOADS L"\\" EXE, runs[i], &out);
        free(out);
        if (markers())
            fail_msg("a planted DLL was loaded by: %ls", runs[i]);
    }
}

/* Two layers keep the planted copies out, and each must hold alone: on XP and 2003 (no
 * SetDefaultDllDirectories) only the full System32 paths do; a later change that loads a
 * DLL by name is caught only by the search order. The test build turns one layer off at a
 * time; with both off the planted setupapi.dll must load, or this test could not see a
 * plant load at all (the harness makes Wine take a native setupapi first, as Windows
 * would the one beside the exe: P2V_DLLOVERRIDES in tests/e2e/CMakeLists.txt). */
static void each_dll_layer_alone_keeps_the_plant_out(void **state)
{
    static const struct {
        const wchar_t *no_default_dirs, *bare_name;
        int planted_loads;
        const char *what;
    } layers[] = {
        { NULL, NULL, 0, "both layers" },
        { L"1", NULL, 0, "full System32 paths alone (SetDefaultDllDirectories skipped)" },
        { NULL, L"1", 0, "the System32-only search order alone (loads by bare name)" },
        { L"1", L"1", 1, "neither layer (the control)" },
    };
    static const char inf[] = "[Version]\r\nSignature=\"$Windows NT$\"\r\nClass=SCSIAdapter\r\n";
    assert_true(fx_write_file(WORK L"\\x.inf", inf, sizeof inf - 1));
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        fx_setenv(L"P2VPREP_DLL_NO_DEFAULT_DIRS", layers[i].no_default_dirs);
        fx_setenv(L"P2VPREP_DLL_BARE_NAME", layers[i].bare_name);
        /* reading an INF needs SetupAPI */
        fx_run(DOWNLOADS L"\\" TEST_EXE, L"plan --inf " WORK L"\\x.inf", NULL);
        fx_setenv(L"P2VPREP_DLL_NO_DEFAULT_DIRS", NULL);
        fx_setenv(L"P2VPREP_DLL_BARE_NAME", NULL);
        BOOL setupapi = fx_file_exists(DOWNLOADS L"\\setupapi.dll.loaded");
        int n = markers();
        /* the control loads the planted setupapi.dll (and, by bare name, what p2vprep
         * preloads for it) */
        if ((layers[i].planted_loads ? n < 1 : n != 0) || setupapi != (layers[i].planted_loads > 0))
            fail_msg("%s: %d planted DLL(s) loaded (setupapi.dll %s), expected %s", layers[i].what, n,
                     setupapi ? "among them" : "not", layers[i].planted_loads ? "setupapi.dll" : "none");
        print_message("ok: %s: %s\n", layers[i].what, n ? "the plant loaded" : "no plant loaded");
    }
}

/* On Windows without SetDefaultDllDirectories (XP, 2003, Vista, 7 without KB2533623) the
 * exe's folder stays first in the search order, and SetupAPI loads cabinet.dll by name to
 * read NT5's driver.cab: p2vprep loads it from System32 by full path first, so that load
 * finds that one. The control turns the preloading off and the planted cabinet.dll loads. */
static void cabinet_dll_comes_from_system32_without_default_dirs(void **state)
{
    wchar_t dir[MAX_PATH], cab[MAX_PATH], path[MAX_PATH];
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    const wchar_t *arch = wow || sizeof(void *) == 8 ? L"amd64" : L"i386";
    swprintf(dir, MAX_PATH, L"%ls\\Driver Cache", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(dir + wcslen(dir), 16, L"\\%ls", arch);
    CreateDirectoryW(dir, NULL);
    swprintf(cab, MAX_PATH, L"%ls\\drivers\\%ls\\driver.cab", fx_bin_dir(), arch);
    swprintf(path, MAX_PATH, L"%ls\\driver.cab", dir);
    assert_true(fx_copy_file(cab, path));
    /* intelide.sys only in the cabinet, as on a fresh 2003 (another test may have left it) */
    wchar_t installed[MAX_PATH];
    swprintf(installed, MAX_PATH, L"%ls\\system32\\drivers\\intelide.sys", fx_systemroot());
    fx_delete_file(installed);
    assert_false(fx_file_exists(installed));
    markers();
    static const struct { const wchar_t *no_preload; BOOL loads; const char *what; } runs[] = {
        { NULL, FALSE, "preloaded from System32" },
        { L"1", TRUE, "not preloaded (the control)" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *out;
        fx_setenv(L"P2VPREP_DLL_NO_DEFAULT_DIRS", L"1");
        fx_setenv(L"P2VPREP_DLL_NO_PRELOAD", runs[i].no_preload);
        fx_run(DOWNLOADS L"\\" TEST_EXE, L"check --target ide", &out);
        fx_setenv(L"P2VPREP_DLL_NO_DEFAULT_DIRS", NULL);
        fx_setenv(L"P2VPREP_DLL_NO_PRELOAD", NULL);
        BOOL loaded = fx_file_exists(DOWNLOADS L"\\cabinet.dll.loaded");
        markers();
        if (loaded != runs[i].loads)
            fail_msg("cabinet.dll %s: the planted copy %s\n%s", runs[i].what, loaded ? "loaded" : "did not load", out);
        free(out);
    }
    fx_delete_file(path);
}

/* The knobs of the test build are read by its own backend (fault_backend.c), never by the
 * shipped exe: no P2VPREP_ name is in it, in either string encoding. */
static BOOL holds(const BYTE *data, DWORD n, const char *ascii)
{
    size_t len = strlen(ascii), k;
    for (DWORD i = 0; i + len <= n; i++) {
        for (k = 0; k < len && data[i + k] == (BYTE)ascii[k];)
            k++;
        if (k == len)
            return TRUE;
        for (k = 0; i + 2 * len <= n && k < len && data[i + 2 * k] == (BYTE)ascii[k] && !data[i + 2 * k + 1];)
            k++;
        if (k == len)
            return TRUE;
    }
    return FALSE;
}

static void the_shipped_exe_reads_no_test_knob(void **state)
{
    static const wchar_t *const exes[] = { EXE, TEST_EXE };
    for (int i = 0; i < 2; i++) {
        wchar_t path[MAX_PATH];
        BYTE *data;
        DWORD n;
        swprintf(path, MAX_PATH, L"%ls\\%ls", fx_bin_dir(), exes[i]);
        assert_true(fx_read_file(path, &data, &n));
        BOOL knobs = holds(data, n, "P2VPREP_");
        free(data);
        /* the test build is the control: it holds them, so the search would find them */
        if (knobs != (i == 1))
            fail_msg("%ls %s P2VPREP_ knobs", exes[i], knobs ? "holds" : "does not hold");
    }
}

static char *read_all(const wchar_t *path)
{
    BYTE *data;
    DWORD n;
    assert_true(fx_read_file(path, &data, &n));
    char *s = realloc(data, n + 1);
    s[n] = 0;
    return s;
}

/* The report's temporary file used to have a name anyone could plant first: a hard link
 * there to a file only administrators may change made SYSTEM overwrite that file. */
static void a_planted_link_never_makes_the_report_overwrite_a_file(void **state)
{
    static const char victim_text[] = "a file the report must never overwrite";
    assert_true(fx_write_file(WORK L"\\victim.ini", victim_text, sizeof victim_text - 1));
    CreateDirectoryW(WORK L"\\reports", NULL);
    /* the old temporary name, planted as a hard link */
    assert_true(CreateHardLinkW(WORK L"\\reports\\host.json.tmp", WORK L"\\victim.ini", NULL));
    assert_int_equal(fx_run(EXE, L"check --target lsilogic --report " WORK L"\\reports\\host.json", NULL), 1);
    char *v = read_all(WORK L"\\victim.ini");
    assert_string_equal(v, victim_text);
    free(v);
    char *report = read_all(WORK L"\\reports\\host.json");
    assert_non_null(strstr(report, "\"command\": \"check\""));
    free(report);
    /* the report's own name as a hard link to the victim: refused, the victim untouched */
    DeleteFileW(WORK L"\\reports\\host.json");
    assert_true(CreateHardLinkW(WORK L"\\reports\\host.json", WORK L"\\victim.ini", NULL));
    char *out;
    assert_int_equal(fx_run(EXE, L"check --target lsilogic --report " WORK L"\\reports\\host.json", &out), 1);
    if (!strstr(out, "could not write the report"))
        fail_msg("expected the report to be refused:\n%s", out);
    free(out);
    v = read_all(WORK L"\\victim.ini");
    assert_string_equal(v, victim_text);
    free(v);
    /* no temporary file is left behind */
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(WORK L"\\reports\\host.json.*.tmp", &fd);
    assert_true(h == INVALID_HANDLE_VALUE);
}

/* A missing report folder given as a folder is made by p2vprep, with the missing folders
 * above it, each admin-only: under %ProgramData% a plain folder would inherit the users'
 * right to create files there. The DACL is read back; a folder that merely exists proves
 * nothing. */
static void a_missing_report_folder_is_made_admin_only(void **state)
{
    static const wchar_t *const made[] = { WORK L"\\made", WORK L"\\made\\wave1" };
    wchar_t computer[64], report[MAX_PATH];
    DWORD cn = 64;
    /* the control: a folder made without a DACL of its own is seen as open (under Wine
     * only its Unix mode bits are kept, and those must show it) */
    assert_true(CreateDirectoryW(WORK L"\\plain", NULL));
    if (!fx_dir_not_admin_only(WORK L"\\plain"))
        fail_msg("a plain folder passes as admin-only: this check would see nothing");
    GetComputerNameW(computer, &cn);
    assert_false(fx_file_exists(made[0]));
    assert_int_equal(fx_run(EXE, L"check --target lsilogic --report " WORK L"\\made\\wave1\\", NULL), 1);
    swprintf(report, MAX_PATH, L"%ls\\%ls.json", made[1], computer);
    assert_true(fx_file_exists(report));
    for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
        const char *why = fx_dir_not_admin_only(made[i]);
        if (why)
            fail_msg("a report folder p2vprep made is not admin-only: %s", why);
    }
}

/* ---- a table of hostile inputs ---- */

#define PAY WORK L"\\payload"
#define LSI L" --target lsilogic --payload " PAY

static BOOL os64;
static wchar_t driver_path[MAX_PATH], payload_driver[MAX_PATH];

static BYTE *test_driver(const wchar_t *name, DWORD *n)
{
    wchar_t src[MAX_PATH];
    BYTE *d;
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\%ls", fx_bin_dir(), os64 ? L"amd64" : L"i386", name);
    assert_true(fx_read_file(src, &d, n));
    return d;
}

static void put_payload(const BYTE *d, DWORD n) { assert_true(fx_write_file(payload_driver, d, n)); }

static void s_missing(void) { fx_delete_file(payload_driver); }
static void s_zero(void) { put_payload((const BYTE *)"", 0); }
static void s_truncated(void) { DWORD n; BYTE *d = test_driver(L"symmpi.sys", &n); put_payload(d, n / 3); free(d); }
static void s_not_pe(void) { put_payload((const BYTE *)"just some text, not a driver", 28); }
static void s_console(void) { DWORD n; BYTE *d = test_driver(L"console.sys", &n); put_payload(d, n); free(d); }
static void s_other_arch(void)
{
    wchar_t src[MAX_PATH];
    BYTE *d;
    DWORD n;
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"i386" : L"amd64");
    assert_true(fx_read_file(src, &d, &n));
    put_payload(d, n);
    free(d);
}
static void s_bad_journal(void)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(path, MAX_PATH, L"%ls\\apply-0001.journal", dir);
    assert_true(fx_write_file(path, "not a journal at all\n", 21));
}
/* A whole, valid journal from a server named OTHERSRV, whose undo would delete a key this
 * one needs: a state folder that came with an image or a backup. */
static void s_foreign_journal(void)
{
    static const char text[] = "p2vprep journal 1\nstarted\tOTHERSRV\tapply\n"
                               "key\tSYSTEM\\ControlSet001\\Services\\Tcpip\nend\tok\n";
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(path, MAX_PATH, L"%ls\\apply-0001.journal", dir);
    assert_true(fx_write_file(path, text, sizeof text - 1));
}
static HANDLE held_lock;
static void s_lock_held(void)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(path, MAX_PATH, L"%ls\\p2vprep.lock", dir);
    held_lock = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
}
static void s_report_hardlink(void)
{
    assert_true(fx_write_file(WORK L"\\keep.txt", "keep", 4));
    CreateHardLinkW(WORK L"\\linked.json", WORK L"\\keep.txt", NULL);
}
/* A hard link at the lock's name, to a file of someone else's: never opened for writing
 * through, never truncated. */
static void s_lock_hardlink(void)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    assert_true(fx_write_file(WORK L"\\keep.txt", "keep", 4));
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(path, MAX_PATH, L"%ls\\p2vprep.lock", dir);
    assert_true(CreateHardLinkW(path, WORK L"\\keep.txt", NULL));
}
static void s_inf_dir(void) { CreateDirectoryW(WORK L"\\a.inf", NULL); }
static void s_log_blocked(void) { assert_true(fx_write_file(WORK L"\\afile", "x", 1)); }
static void s_long_payload(void)
{
    wchar_t p[300];
    wcscpy(p, WORK);
    while (wcslen(p) < 240)
        wcscat(p, L"\\dddddddddd");
    /* made level by level; the last levels may be refused by the path limit */
    for (wchar_t *q = p + 3; *q; q++)
        if (*q == L'\\') { *q = 0; CreateDirectoryW(p, NULL); *q = L'\\'; }
    CreateDirectoryW(p, NULL);
}

static const struct hostile {
    const wchar_t *what;
    void (*setup)(void);
    const wchar_t *args;
    int exit_code;
    const char *says;
} hostile[] = {
    { L"payload missing", s_missing, L"apply" LSI, 3, "symmpi.sys" },
    { L"zero-byte payload", s_zero, L"apply" LSI, 3, "symmpi.sys" },
    { L"truncated payload", s_truncated, L"apply" LSI, 3, "truncated" },
    { L"payload not an executable", s_not_pe, L"apply" LSI, 3, "not a Windows executable image" },
    { L"payload a console program", s_console, L"apply" LSI, 3, "not a kernel driver" },
    { L"payload for the other architecture", s_other_arch, L"apply" LSI, 3, "another processor architecture" },
    { L"payload folder that is a file", NULL, L"apply --target lsilogic --payload " WORK L"\\keep.ini", 3, "keep.ini" },
    { L"payload path of 250 characters", s_long_payload,
      L"apply --target lsilogic --payload " WORK L"\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd"
      L"\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd"
      L"\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd\\dddddddddd", 3, "symmpi.sys" },
    { L"unknown target", NULL, L"apply --target nosuchcontroller", 2, "nosuchcontroller" },
    { L"empty target list", NULL, L"apply --target ,,", 2, "--target" },
    { L"all targets for apply", NULL, L"apply --target all", 2, "all" },
    { L"unknown option", NULL, L"apply --target lsilogic --frobnicate", 2, "--frobnicate" },
    { L"option without its value", NULL, L"apply --target lsilogic --payload", 2, "--payload needs a value" },
    { L"INF that does not exist", NULL, L"apply --inf " WORK L"\\nothere.inf", 3, "nothere.inf" },
    { L"INF that is a folder", s_inf_dir, L"apply --inf " WORK L"\\a.inf", 3, "a.inf" },
    { L"unreadable journal", s_bad_journal, L"rollback", 6, "cannot be read" },
    { L"journal from another machine", s_foreign_journal, L"rollback", 2, "OTHERSRV" },
    { L"--renamed outside rollback", NULL, L"apply --renamed" LSI, 2, "--renamed" },
    { L"another p2vprep holds the lock", s_lock_held, L"apply" LSI, 7, "p2vprep.lock" },
    { L"a hard link planted at the lock's name", s_lock_hardlink, L"apply" LSI, 7, "p2vprep.lock" },
    { L"log in a folder that is a file", s_log_blocked, L"apply" LSI L" --log " WORK L"\\afile\\x.log", 2, "afile" },
    { L"summarize a file", NULL, L"summarize " WORK L"\\keep.ini", 2, "keep.ini" },
    { L"offline folder without Windows", NULL, L"apply --offline " WORK LSI, 2, "no Windows there" },
    { L"offline running Windows", NULL, L"apply --offline C:\\windows" LSI, 2, "running Windows" },
    { L"offline by UNC path", NULL, L"apply --offline \\\\nohost\\share" LSI, 2, "drive letter" },
    { L"fix-boot-ini on a live Windows", NULL, L"apply --fix-boot-ini" LSI, 2, "--fix-boot-ini" },
    { L"unsigned drivers in a service", NULL, L"service install --allow-unsigned" LSI, 2, "--allow-unsigned" },
    { L"service with all targets", NULL, L"service install --target all --mode apply", 2, "all" },
    { L"log that is a hard link", s_report_hardlink, L"apply" LSI L" --log " WORK L"\\linked.json", 2, "linked.json" },
    { L"report that is a hard link", s_report_hardlink, L"check" LSI L" --report " WORK L"\\linked.json", 1,
      "could not write the report" },
    { L"no command at all", NULL, L"", 2, "command" },
};

static int hostile_machine(void **state)
{
    struct fixture f = { L"win2003", { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    fx_shape(&f);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAY, NULL);
    wchar_t dir[MAX_PATH];
    swprintf(dir, MAX_PATH, PAY L"\\%ls", os64 ? L"amd64" : L"x86");
    CreateDirectoryW(dir, NULL);
    swprintf(payload_driver, MAX_PATH, L"%ls\\symmpi.sys", dir);
    swprintf(driver_path, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    assert_true(fx_write_file(WORK L"\\keep.ini", "keep", 4));
    return 0;
}

/* Each hostile input: the documented exit code, a message naming the thing, and the
 * registry, the drivers folder and the state folder as they were. */
static void hostile_inputs_change_nothing(void **state)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const struct hostile *h = &hostile[i];
        DWORD n;
        BYTE *good = test_driver(L"symmpi.sys", &n);
        put_payload(good, n);
        free(good);
        if (h->setup)
            h->setup();
        wchar_t *before = fx_export(L"SYSTEM");
        char *out;
        int rc = fx_run(EXE, h->args, &out);
        if (held_lock) {
            CloseHandle(held_lock);
            held_lock = NULL;
        }
        if (rc != h->exit_code || !strstr(out, h->says))
            fail_msg("%ls: exit %d (expected %d), expected to find \"%s\" in:\n%s", h->what, rc,
                     h->exit_code, h->says, out);
        free(out);
        wchar_t *after = fx_export(L"SYSTEM");
        if (wcscmp(before, after))
            fail_msg("%ls: the registry changed", h->what);
        free(before);
        free(after);
        if (fx_file_exists(driver_path))
            fail_msg("%ls: a driver was installed", h->what);
        char *keep;
        DWORD kn;
        assert_true(fx_read_file(WORK L"\\keep.txt", (BYTE **)&keep, &kn) || !fx_file_exists(WORK L"\\keep.txt"));
        if (fx_file_exists(WORK L"\\keep.txt")) {
            if (kn != 4 || memcmp(keep, "keep", 4))
                fail_msg("%ls: a file was overwritten through a link", h->what);
            free(keep);
        }
        /* the state folder holds nothing but what the case put there */
        wchar_t journal[MAX_PATH];
        swprintf(journal, MAX_PATH, L"%ls\\p2vprep\\apply-0002.journal", fx_systemroot());
        if (fx_file_exists(journal))
            fail_msg("%ls: a journal was written", h->what);
        swprintf(journal, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
        fx_delete_dir(journal);
        print_message("ok: %ls\n", h->what);
    }
    print_message("%u hostile inputs, each refused with its exit code and nothing changed\n",
                  (unsigned)(sizeof hostile / sizeof hostile[0]));
}

/* The driver's temporary name used to be fixed (symmpi.sys.p2vprep-new): a hard link
 * planted there made SYSTEM overwrite the file it pointed at. */
static void a_planted_link_beside_the_driver_is_never_written_through(void **state)
{
    static const char victim_text[] = "a file the driver copy must never overwrite";
    wchar_t planted[MAX_PATH], src[MAX_PATH], dst[MAX_PATH];
    assert_true(fx_write_file(WORK L"\\victim.ini", victim_text, sizeof victim_text - 1));
    swprintf(planted, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys.p2vprep-new", fx_systemroot());
    fx_delete_file(planted);
    assert_true(fx_hard_link(planted, WORK L"\\victim.ini"));   /* native drivers folder under WOW64 too */
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    BOOL is64 = wow || sizeof(void *) == 8;
    CreateDirectoryW(WORK L"\\pl", NULL);
    swprintf(dst, MAX_PATH, WORK L"\\pl\\%ls", is64 ? L"amd64" : L"x86");
    CreateDirectoryW(dst, NULL);
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), is64 ? L"amd64" : L"i386");
    wcscat(dst, L"\\symmpi.sys");
    assert_true(fx_copy_file(src, dst));
    assert_int_equal(fx_run(EXE, L"apply --target lsilogic --payload " WORK L"\\pl", NULL), 0);
    char *v = read_all(WORK L"\\victim.ini");
    assert_string_equal(v, victim_text);
    free(v);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    fx_delete_file(planted);
}

/* A payload folder others may write into: its drivers become boot-start kernel code
 * installed as SYSTEM. check names the folder and who may write it; apply refuses it
 * (exit 3, nothing changed) unless --allow-open-payload says the admin knows. (Wine derives
 * a folder's DACL from Unix mode bits and always grants its user; which DACLs count as
 * open is unit-tested on hand-made ACLs.) */
static void an_open_payload_folder_is_refused_unless_allowed(void **state)
{
    wchar_t dir[MAX_PATH], src[MAX_PATH], dst[MAX_PATH], driver[MAX_PATH];
    swprintf(driver, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    swprintf(dir, MAX_PATH, L"%ls\\open-payload", WORK);
    CreateDirectoryW(dir, NULL);
    static const wchar_t *const arch[][2] = { { L"i386", L"x86" }, { L"amd64", L"amd64" } };
    for (int i = 0; i < 2; i++) {
        swprintf(dst, MAX_PATH, L"%ls\\%ls", dir, arch[i][1]);
        CreateDirectoryW(dst, NULL);
        swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), arch[i][0]);
        swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", dir, arch[i][1]);
        assert_true(fx_copy_file(src, dst));
    }
    assert_true(fx_set_file_sddl(dir, L"D:P(A;OICI;FA;;;WD)"));
    wchar_t args[512];
    char *out, want[MAX_PATH + 64];
    snprintf(want, sizeof want, "the payload folder %ls can be written by", dir);
    swprintf(args, 512, L"check --target lsilogic --payload %ls", dir);
    int rc = fx_run(DOWNLOADS L"\\" EXE, args, &out);
    if (rc != 1 || !strstr(out, want))
        fail_msg("check: exit %d (1 expected) and no word about %ls in:\n%s", rc, dir, out);
    free(out);
    swprintf(args, 512, L"apply --target lsilogic --payload %ls", dir);
    rc = fx_run(DOWNLOADS L"\\" EXE, args, &out);
    if (rc != 3 || !strstr(out, want) || !strstr(out, "--allow-open-payload"))
        fail_msg("apply from an open folder: exit %d (3 expected)\n%s", rc, out);
    free(out);
    assert_false(fx_file_exists(driver));
    swprintf(args, 512, L"apply --target lsilogic --payload %ls --allow-open-payload", dir);
    rc = fx_run(DOWNLOADS L"\\" EXE, args, &out);
    if (rc != 0 || !strstr(out, want))
        fail_msg("apply --allow-open-payload: exit %d (0 expected, the folder named)\n%s", rc, out);
    free(out);
    assert_true(fx_file_exists(driver));
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    assert_false(fx_file_exists(driver));
}

/* An existing local report folder others may write: an elevated run does not write its
 * report there (the exit code stays the run's own), says which account and how to fix it;
 * the same folder made admin-only gets the report. */
static void an_open_report_folder_gets_no_report(void **state)
{
    wchar_t args[512], dir[MAX_PATH] = WORK L"\\openreports";
    CreateDirectoryW(dir, NULL);
    assert_true(fx_set_file_sddl(dir, L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;WD)"));
    swprintf(args, 512, L"check --target lsilogic --payload %ls --report %ls\\", PAY, dir);
    char *out;
    int rc = fx_run(EXE, args, &out);
    assert_true(rc == 0 || rc == 1);
    if (!strstr(out, "report folder") || !strstr(out, "writable by") || !strstr(out, "icacls"))
        fail_msg("no refusal said:\n%s", out);
    free(out);
    wchar_t computer[64], report[MAX_PATH];
    DWORD cn = 64;
    assert_true(GetComputerNameW(computer, &cn));
    swprintf(report, MAX_PATH, L"%ls\\%ls.json", dir, computer);
    assert_false(fx_file_exists(report));
    assert_true(fx_set_file_sddl(dir, L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"));
    assert_int_equal(fx_run(EXE, args, &out), rc);
    free(out);
    assert_true(fx_file_exists(report));
}

/* A registry key of the control sets that is a link (as a converted disk's hive can hold:
 * Services\symmpi pointing at another key) is never written through: the survey finds it,
 * the run is refused (exit 2) before anything changes, and the key it points at stays as it
 * was. (Wine keeps links in its registry like Windows: REG_OPTION_CREATE_LINK and a REG_LINK
 * SymbolicLinkValue.) */
/* The link goes whatever the test's outcome: the control sets' trees are deleted by the
 * next test's fixture, which must not meet it. */
static int no_link_left(void **state)
{
    fx_drop_link(L"SYSTEM\\ControlSet002\\Services\\symmpi");
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vlinktarget");
    return 0;
}

static void a_registry_link_is_never_written_through(void **state)
{
    static const wchar_t link[] = L"SYSTEM\\ControlSet002\\Services\\symmpi";
    static const wchar_t target[] = L"\\Registry\\Machine\\SOFTWARE\\p2vlinktarget";
    DWORD size;
    BYTE *good = test_driver(L"symmpi.sys", &size);
    put_payload(good, size);
    free(good);
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vlinktarget");
    fx_set_dword(L"SOFTWARE\\p2vlinktarget", L"Marker", 7);
    fx_drop_link(link);
    fx_delete_tree(HKEY_LOCAL_MACHINE, link);
    HKEY h;
    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, link, 0, NULL, REG_OPTION_CREATE_LINK,
                                     KEY_ALL_ACCESS | KEY_CREATE_LINK | KEY_WOW64_64KEY, NULL, &h, NULL), ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(h, L"SymbolicLinkValue", 0, REG_LINK, (const BYTE *)target,
                                    (DWORD)(wcslen(target) * sizeof(wchar_t))), ERROR_SUCCESS);
    RegCloseKey(h);
    /* the link works: a plain open of it reaches the target */
    DWORD d = 0;
    assert_true(fx_get_dword(link, L"Marker", &d));
    assert_int_equal(d, 7);
    wchar_t *before = fx_export(L"SOFTWARE\\p2vlinktarget");
    char *out;
    int rc = fx_run(EXE, L"apply" LSI, &out);
    if (rc != 2 || !strstr(out, "ControlSet002\\Services\\symmpi") || !strstr(out, "registry link"))
        fail_msg("apply through a link: exit %d\n%s", rc, out);
    free(out);
    wchar_t *after = fx_export(L"SOFTWARE\\p2vlinktarget");
    if (wcscmp(before, after))
        fail_msg("the key behind the link changed:\n%ls\n---\n%ls", before, after);
    free(before);
    free(after);
    assert_false(fx_file_exists(driver_path));
    fx_drop_link(link);
    fx_delete_tree(HKEY_LOCAL_MACHINE, L"SOFTWARE\\p2vlinktarget");
}

/* A journal is data, not orders: a journal written under this computer's name whose
 * records reach beyond what apply writes (a Run key, a file outside the drivers folder, an
 * old copy taken from elsewhere, arguments after a package name) is refused whole, and
 * nothing it names is touched. A planted journal numbered near 2^31 costs one look. */
static void a_planted_journal_is_refused_whole(void **state)
{
    static const char *const records[] = {
        "value\tSOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\tp2vplant\t1\t43003a005c0078002e00650078006500000000\n",
        "file\tC:\\p2vtest\\victim.ini\tabsent\n",
        "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tC:\\p2vtest\\secret.txt\n",
        "file\t%SystemRoot%\\system32\\drivers\\..\\evil.dll\tabsent\n",
        "staged\toem1.inf /Online /LogPath:C:\\p2vtest\\x\tC:\\p2vtest\\a.inf\n",
        "key\tSYSTEM\\ControlSet001\\..\\..\\SOFTWARE\\p2vplant\n",
    };
    static const char victim[] = "a helper file a journal must never delete";
    static const char secret[] = "a helper file a journal must never copy";
    wchar_t computer[64], dir[MAX_PATH], path[MAX_PATH];
    DWORD cn = 64;
    assert_true(GetComputerNameW(computer, &cn));
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    wchar_t driver[MAX_PATH];
    swprintf(driver, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    fx_delete_file(driver);
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        fx_delete_dir(dir);
        CreateDirectoryW(dir, NULL);
        assert_true(fx_write_file(WORK L"\\victim.ini", victim, sizeof victim - 1));
        assert_true(fx_write_file(WORK L"\\secret.txt", secret, sizeof secret - 1));
        char text[1024];
        snprintf(text, sizeof text, "p2vprep journal 1\nstarted\t%ls\tapply\n%send\tok\n", computer, records[i]);
        swprintf(path, MAX_PATH, L"%ls\\apply-0001.journal", dir);
        assert_true(fx_write_file(path, text, (DWORD)strlen(text)));
        wchar_t *before = fx_export(L"SYSTEM");
        char *out;
        int rc = fx_run(EXE, L"rollback", &out);
        if (rc != 2 || !strstr(out, "never writes") || !strstr(out, "Nothing was rolled back"))
            fail_msg("record %s: exit %d\n%s", records[i], rc, out);
        free(out);
        wchar_t *after = fx_export(L"SYSTEM");
        if (wcscmp(before, after))
            fail_msg("record %s: the registry changed", records[i]);
        free(before);
        free(after);
        assert_false(fx_key_exists(L"SOFTWARE\\p2vplant"));
        DWORD type, size = 0;
        BYTE data[64];
        size = sizeof data;
        assert_false(fx_get(L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", L"p2vplant", &type, data, &size));
        char *v = read_all(WORK L"\\victim.ini");
        assert_string_equal(v, victim);
        free(v);
        assert_false(fx_file_exists(driver));
        print_message("refused: %s", records[i]);
    }
    /* a whole, valid journal of this computer that others may write: not taken as orders */
    fx_delete_dir(dir);
    CreateDirectoryW(dir, NULL);
    {
        char ok[512];
        snprintf(ok, sizeof ok, "p2vprep journal 1\nstarted\t%ls\tapply\n"
                 "key\tSYSTEM\\ControlSet001\\Services\\p2vplanted\nend\tok\n", computer);
        swprintf(path, MAX_PATH, L"%ls\\apply-0001.journal", dir);
        assert_true(fx_write_file(path, ok, (DWORD)strlen(ok)));
        fx_set_dword(L"SYSTEM\\ControlSet001\\Services\\p2vplanted", L"Start", 4);
        assert_true(fx_set_file_sddl(path, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;WD)"));
        char *out;
        assert_int_equal(fx_run(EXE, L"rollback", &out), 2);
        assert_non_null(strstr(out, "writable by"));
        assert_non_null(strstr(out, "nothing was rolled back"));
        free(out);
        assert_true(fx_key_exists(L"SYSTEM\\ControlSet001\\Services\\p2vplanted"));
        /* the same journal, admin-only again (here: only its owner and SYSTEM), is undone */
        assert_true(fx_set_file_sddl(path, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)"));
        assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
        free(out);
        assert_false(fx_key_exists(L"SYSTEM\\ControlSet001\\Services\\p2vplanted"));
    }
    /* numbered near 2^31 and already rolled back: listed, looked at once, nothing to do */
    fx_delete_dir(dir);
    CreateDirectoryW(dir, NULL);
    char text[256];
    snprintf(text, sizeof text, "p2vprep journal 1\nstarted\t%ls\tapply\nend\trolled-back\n", computer);
    swprintf(path, MAX_PATH, L"%ls\\apply-999999999.journal", dir);
    assert_true(fx_write_file(path, text, (DWORD)strlen(text)));
    swprintf(path, MAX_PATH, L"%ls\\apply-2147483647.journal", dir);
    assert_true(fx_write_file(path, text, (DWORD)strlen(text)));
    char *out;
    DWORD t0 = GetTickCount();
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_non_null(strstr(out, "Nothing to roll back"));
    free(out);
    print_message("a journal numbered 999999999 and one numbered 2^31-1: rollback took %lu ms\n",
                  (unsigned long)(GetTickCount() - t0));
    fx_delete_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(dlls_beside_the_exe_are_never_loaded, downloads),
        cmocka_unit_test_setup(each_dll_layer_alone_keeps_the_plant_out, downloads),
        cmocka_unit_test_setup(cabinet_dll_comes_from_system32_without_default_dirs, downloads),
        cmocka_unit_test(the_shipped_exe_reads_no_test_knob),
        cmocka_unit_test_setup(an_open_payload_folder_is_refused_unless_allowed, downloads),
        cmocka_unit_test_setup(a_planted_link_never_makes_the_report_overwrite_a_file, downloads),
        cmocka_unit_test_setup(a_missing_report_folder_is_made_admin_only, downloads),
        cmocka_unit_test_setup(hostile_inputs_change_nothing, hostile_machine),
        cmocka_unit_test_setup(a_planted_link_beside_the_driver_is_never_written_through, downloads),
        cmocka_unit_test_setup(a_planted_journal_is_refused_whole, downloads),
        cmocka_unit_test_setup_teardown(a_registry_link_is_never_written_through, hostile_machine, no_link_left),
        cmocka_unit_test_setup(an_open_report_folder_gets_no_report, hostile_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
