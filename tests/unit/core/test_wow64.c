/* The 32-bit exe on 64-bit Windows, decided by wow64.c and checked against a simulated
 * WOW64 host, so that a machine whose kernel runs no 32-bit program still tests what the
 * x86 exe does there: where its file names land, which registry view it reaches, how it
 * names DISM, and the run it hands to its 64-bit partner. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "wow64.h"
#include <shellapi.h>
#include "wassert.h"

#define WINDIR L"C:\\Windows"

/* ---- the simulated host ---- */

static BOOL starts_with(const wchar_t *s, const wchar_t *prefix, const wchar_t **rest)
{
    size_t n = wcslen(prefix);
    if (_wcsnicmp(s, prefix, n) || (s[n] && s[n] != L'\\'))
        return FALSE;
    *rest = s + n;
    return TRUE;
}

/* Where a file name a process uses lands, as Windows' file-system redirector resolves it.
 * For a 32-bit process on 64-bit Windows with redirection on, %windir%\System32 and below
 * is %windir%\SysWOW64 (but for catroot, catroot2, drivers\etc, logfiles and spool), and
 * %windir%\Sysnative is the native System32; with redirection off, names are taken as they
 * are and Sysnative names nothing. A 64-bit process is never redirected. */
static const wchar_t *sim_file(BOOL wow64, BOOL redirected, const wchar_t *path, wchar_t *out)
{
    static const wchar_t *const exempt[] = { L"\\catroot", L"\\catroot2", L"\\drivers\\etc",
                                             L"\\logfiles", L"\\spool", NULL };
    const wchar_t *rest;
    if (wow64 && starts_with(path, WINDIR L"\\Sysnative", &rest)) {
        if (!redirected)
            return NULL;   /* no such folder */
        swprintf(out, MAX_PATH, L"%ls\\System32%ls", WINDIR, rest);
        return out;
    }
    if (wow64 && redirected && starts_with(path, WINDIR L"\\System32", &rest)) {
        for (const wchar_t *const *e = exempt; *e; e++) {
            const wchar_t *tail;
            if (starts_with(rest, *e, &tail))
                return wcscpy(out, path);
        }
        swprintf(out, MAX_PATH, L"%ls\\SysWOW64%ls", WINDIR, rest);
        return out;
    }
    return wcscpy(out, path);
}

/* Which key an HKLM name opened with sam reaches: SOFTWARE is split into two views, and a
 * 32-bit process on 64-bit Windows sees SOFTWARE\Wow6432Node unless it asks for the 64-bit
 * view. SYSTEM is shared by both. */
static const wchar_t *sim_key(BOOL wow64, REGSAM sam, const wchar_t *key, wchar_t *out)
{
    const wchar_t *rest;
    if (wow64 && !(sam & P2V_KEY_WOW64_64KEY) && starts_with(key, L"SOFTWARE", &rest))
        swprintf(out, 300, L"SOFTWARE\\Wow6432Node%ls", rest);
    else
        wcscpy(out, key);
    return out;
}

/* The simulation itself, on the cases the docs name. */
static void the_simulated_host_redirects_as_windows_does(void **state)
{
    wchar_t out[MAX_PATH];
    assert_wstr_equal(sim_file(TRUE, TRUE, WINDIR L"\\System32\\drivers\\x.sys", out),
                      WINDIR L"\\SysWOW64\\drivers\\x.sys");
    assert_wstr_equal(sim_file(TRUE, TRUE, WINDIR L"\\System32\\drivers\\etc\\hosts", out),
                      WINDIR L"\\System32\\drivers\\etc\\hosts");
    assert_wstr_equal(sim_file(TRUE, TRUE, WINDIR L"\\Sysnative\\dism.exe", out), WINDIR L"\\System32\\dism.exe");
    assert_null(sim_file(TRUE, FALSE, WINDIR L"\\Sysnative\\dism.exe", out));
    assert_wstr_equal(sim_file(FALSE, TRUE, WINDIR L"\\System32\\drivers\\x.sys", out),
                      WINDIR L"\\System32\\drivers\\x.sys");
    assert_wstr_equal(sim_key(TRUE, KEY_READ, L"SOFTWARE\\Microsoft", out), L"SOFTWARE\\Wow6432Node\\Microsoft");
    assert_wstr_equal(sim_key(TRUE, KEY_READ, L"SYSTEM\\ControlSet001", out), L"SYSTEM\\ControlSet001");
}

/* ---- the decisions on it ---- */

/* The backend's registry access reaches the native view of every key p2vprep reads or
 * writes; on 32-bit Windows (and Windows 2000, which predates the flag) nothing is added. */
static void the_registry_view_is_the_native_one(void **state)
{
    static const wchar_t *const keys[] = {
        L"SYSTEM\\ControlSet001\\Services\\symmpi", L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall", NULL };
    wchar_t out[300];
    for (const wchar_t *const *k = keys; *k; k++) {
        assert_wstr_equal(sim_key(TRUE, wow64_registry_access(TRUE, KEY_READ), *k, out), *k);
        assert_wstr_equal(sim_key(TRUE, wow64_registry_access(TRUE, KEY_ALL_ACCESS), *k, out), *k);
    }
    /* without the decision, the 32-bit exe would read the 32-bit view of SOFTWARE */
    assert_false(!wcscmp(sim_key(TRUE, KEY_READ, keys[1], out), keys[1]));
    assert_int_equal(wow64_registry_access(FALSE, KEY_READ), KEY_READ);
    assert_int_equal(wow64_registry_access(FALSE, KEY_ALL_ACCESS), KEY_ALL_ACCESS);
}

/* Drivers, hives, INFs: every file the backend touches is named under System32 and must
 * be the native one, so redirection is off around each operation under WOW64 only. */
static void files_reach_the_native_system32(void **state)
{
    static const wchar_t *const paths[] = {
        WINDIR L"\\System32\\drivers\\symmpi.sys", WINDIR L"\\System32\\config\\SYSTEM",
        WINDIR L"\\System32\\DriverStore\\FileRepository", WINDIR L"\\inf\\oem3.inf",
        WINDIR L"\\p2vprep\\apply-0001.journal", NULL };
    wchar_t out[MAX_PATH];
    for (int wow64 = 0; wow64 <= 1; wow64++)
        for (const wchar_t *const *p = paths; *p; p++)
            assert_wstr_equal(sim_file(wow64, !wow64_redirection_off(wow64), *p, out), *p);
    /* without it, the 32-bit exe would write SysWOW64\drivers, where no boot loader looks */
    assert_false(!wcscmp(sim_file(TRUE, TRUE, paths[0], out), paths[0]));
    assert_false(wow64_redirection_off(FALSE));   /* 2000 and 32-bit Windows: no call at all */
}

/* DISM is started with redirection on (CreateProcess of a 32-bit caller): Sysnative names
 * the native DISM, which services the image; SysWOW64's would refuse a 64-bit one. */
static void dism_is_named_through_sysnative(void **state)
{
    wchar_t sys[MAX_PATH], exe[MAX_PATH], out[MAX_PATH];
    static const wchar_t *const windirs[] = { WINDIR, WINDIR L"\\", NULL };
    for (const wchar_t *const *w = windirs; *w; w++)
        for (int wow64 = 0; wow64 <= 1; wow64++) {
            assert_true(wow64_native_system32(*w, wow64, sys, COUNTOF(sys)));
            swprintf(exe, MAX_PATH, L"%ls\\dism.exe", sys);
            assert_wstr_equal(sim_file(wow64, TRUE, exe, out), WINDIR L"\\System32\\dism.exe");
        }
    /* too small a buffer is said, never a cut path */
    assert_false(wow64_native_system32(WINDIR, TRUE, sys, 12));
}

/* The partner a 32-bit exe hands a run to keeps the build's name: the fault-injection build
 * hands to its own 64-bit twin. */
static void the_partner_is_named_after_the_exe(void **state)
{
    static const wchar_t *const cases[][2] = {
        { L"C:\\p2v\\p2vprep-x86.exe", L"C:\\p2v\\p2vprep-x64.exe" },
        { L"C:\\p2v\\P2VPREP-X86.EXE", L"C:\\p2v\\P2VPREP-x64.exe" },
        { L"C:\\t\\p2vprep-fault-x86.exe", L"C:\\t\\p2vprep-fault-x64.exe" },
        { L"C:\\Windows\\p2vprep\\bin\\p2vprep-x86.exe", L"C:\\Windows\\p2vprep\\bin\\p2vprep-x64.exe" },
        { L"\\\\fs\\p2v\\tool.exe", L"\\\\fs\\p2v\\p2vprep-x64.exe" },
        { L"C:\\x86\\p2vprep.exe", L"C:\\x86\\p2vprep-x64.exe" },
        { L"C:\\p2v\\p2vprep-x64.exe", L"C:\\p2v\\p2vprep-x64.exe" },
        { L"p2vprep-x86.exe", L"p2vprep-x64.exe" },
    };
    wchar_t out[MAX_PATH];
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        assert_true(wow64_partner_exe(cases[i][0], out, COUNTOF(out)));
        assert_wstr_equal(out, cases[i][1]);
    }
    assert_false(wow64_partner_exe(L"C:\\a\\tool.exe", out, 12));
}

/* The partner's command line, read back as the partner's C runtime reads it: the partner
 * as argv[0], then exactly the arguments this process was given. */
static void the_partner_gets_the_same_arguments(void **state)
{
    static const wchar_t *const lines[] = {
        L"\"C:\\Program Files\\p2v\\p2vprep-x86.exe\" apply --target pvscsi --payload \"C:\\my payload\"",
        L"p2vprep-x86.exe apply --target pvscsi",
        L"p2vprep-x86.exe\tapply\t--report \"\\\\fs\\p2v reports\\\\\"",
        L"\"p2vprep-x86.exe\" rollback --log \"C:\\a \\\"b\\\"\\log.txt\" --quiet",
        L"p2vprep-x86.exe",
        L"\"C:\\p2v\\p2vprep-x86.exe\"",
    };
    const wchar_t *partner = L"C:\\Program Files\\p2v\\p2vprep-x64.exe";
    for (size_t i = 0; i < COUNTOF(lines); i++) {
        struct wbuf cmd = { 0 };
        wow64_partner_command_line(lines[i], partner, &cmd);
        assert_true(cmd.ok);
        int n_own, n_new;
        wchar_t **own = CommandLineToArgvW(lines[i], &n_own);
        wchar_t **got = CommandLineToArgvW(cmd.s, &n_new);
        assert_non_null(own);
        assert_non_null(got);
        assert_int_equal(n_new, n_own);
        assert_wstr_equal(got[0], partner);
        for (int a = 1; a < n_own; a++)
            assert_wstr_equal(got[a], own[a]);
        LocalFree(own);
        LocalFree(got);
        wbuf_free(&cmd);
    }
    /* a command line longer than any formatting buffer arrives whole */
    struct wbuf big = { 0 }, cmd = { 0 };
    wbuf_add(&big, L"p2vprep-x86.exe apply --report ");
    for (int i = 0; i < 600; i++)
        wbuf_add(&big, L"abcdefghij");
    wow64_partner_command_line(big.s, partner, &cmd);
    assert_true(cmd.ok);
    assert_int_equal(wcslen(cmd.s), wcslen(partner) + 2 + wcslen(big.s) - wcslen(L"p2vprep-x86.exe"));
    wbuf_free(&big);
    wbuf_free(&cmd);
}

/* Which runs go to the partner: under WOW64, those that stage a package or undo one. */
static void package_runs_are_handed_off_under_wow64_only(void **state)
{
    struct plan *p = plan_new();
    assert_non_null(p);
    p->changes[0].kind = CHANGE_VALUE;
    p->changes[1].kind = CHANGE_FILE;
    p->n_changes = 2;
    assert_false(wow64_hand_off_plan(TRUE, p));
    p->changes[2].kind = CHANGE_STAGE;
    p->n_changes = 3;
    assert_true(wow64_hand_off_plan(TRUE, p));
    assert_false(wow64_hand_off_plan(FALSE, p));
    plan_free(p);

    struct jentry j[3];
    memset(j, 0, sizeof j);
    j[0].kind = J_VALUE;
    j[1].kind = J_FILE;
    j[2].kind = J_STAGED;
    assert_false(wow64_hand_off_journal(TRUE, j, 2));
    assert_true(wow64_hand_off_journal(TRUE, j, 3));
    assert_false(wow64_hand_off_journal(FALSE, j, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_simulated_host_redirects_as_windows_does),
        cmocka_unit_test(the_registry_view_is_the_native_one),
        cmocka_unit_test(files_reach_the_native_system32),
        cmocka_unit_test(dism_is_named_through_sysnative),
        cmocka_unit_test(the_partner_is_named_after_the_exe),
        cmocka_unit_test(the_partner_gets_the_same_arguments),
        cmocka_unit_test(package_runs_are_handed_off_under_wow64_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
