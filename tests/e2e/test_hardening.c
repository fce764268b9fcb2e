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

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(dlls_beside_the_exe_are_never_loaded, downloads),
        cmocka_unit_test_setup(a_planted_link_never_makes_the_report_overwrite_a_file, downloads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
