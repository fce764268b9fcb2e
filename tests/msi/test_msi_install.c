/* The MSI under Wine: msiexec installs p2vprep-<arch>.msi on a prefix shaped like a
 * Windows Server 2003, the p2vprep service runs the job once and stops with the job's
 * result as its exit code, a newer package replaces an older one, and msiexec /x removes
 * the service and the program files but keeps the journal folder %SystemRoot%\p2vprep.
 *
 * Arguments: PRODUCT_MSI TEST_MSI TEST_VERSION (Unix paths; Wine maps Z: to /).
 *   PRODUCT_MSI  bin/p2vprep-<arch>.msi as shipped (empty payload folder)
 *   TEST_MSI     the same package with a test symmpi.sys in payload\<x86|amd64>\ and a
 *                higher version (tests/msi/CMakeLists.txt builds it)
 * This program is the long-lived process of the test: Wine ends services.exe, and the
 * service with it, when the last process of the prefix exits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <msi.h>
#include <shlobj.h>
#include "fixture.h"

#ifdef _WIN64
#define ARCH L"x64"
#define UPGRADE_CODE L"{E2D2A9E9-54AE-478B-A66A-5431A612EA64}"
#else
#define ARCH L"x86"
#define UPGRADE_CODE L"{7D1B2205-5C79-4106-926D-D58757B1124D}"
#endif
#define SERVICE L"p2vprep"
#define WORK L"C:\\p2vtest-msi"      /* msiexec logs */
#define REPORTS L"C:\\reports"       /* REPORTDIR given on the command line */
#define SHARE L"\\\\p2vtest-nosuchserver\\reports"   /* a REPORTDIR on a share */
#define EVENT_SOURCE L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\p2vprep"

static wchar_t product_msi[MAX_PATH], test_msi[MAX_PATH], test_version[32];
static wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1];
static wchar_t install_dir[MAX_PATH];   /* [ProgramFilesFolder]p2vprep, no trailing \ */
static wchar_t default_reports[MAX_PATH];
static wchar_t journal_dir[MAX_PATH];

static void unix_to_dos(const char *in, wchar_t *out, size_t n)
{
    swprintf(out, n, L"Z:%hs", in);
    for (wchar_t *p = out; *p; p++)
        if (*p == L'/')
            *p = L'\\';
}

static void print_log(const wchar_t *log)
{
    BYTE *text;
    DWORD size;
    if (fx_read_file(log, &text, &size)) {
        printf("--- %ls\n%s\n", log, (char *)text);
        fflush(stdout);
        free(text);
    }
}

/* msiexec ARGS /qn with a verbose log; returns its exit code. */
static DWORD msiexec(const wchar_t *name, const wchar_t *args)
{
    wchar_t cmd[2048], log[MAX_PATH];
    swprintf(log, MAX_PATH, WORK L"\\%ls.log", name);
    DeleteFileW(log);
    swprintf(cmd, 2048, L"msiexec.exe %ls /qn /l*v \"%ls\"", args, log);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        fail_msg("cannot start %ls: %lu", cmd, GetLastError());
    if (WaitForSingleObject(pi.hProcess, 300000) != WAIT_OBJECT_0)
        fail_msg("%ls did not finish in 5 minutes", cmd);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    printf("--- %ls -> exit %lu\n", cmd, code);
    fflush(stdout);
    return code;
}

static void assert_msiexec(const wchar_t *name, const wchar_t *args, DWORD expected)
{
    DWORD code = msiexec(name, args);
    if (code != expected) {
        wchar_t log[MAX_PATH];
        swprintf(log, MAX_PATH, WORK L"\\%ls.log", name);
        print_log(log);
        fail_msg("msiexec %ls: exit %lu, expected %lu", args, code, expected);
    }
}

/* The products installed from either package (same UpgradeCode). */
static int related_products(wchar_t codes[][39], int max)
{
    int n = 0;
    wchar_t code[39];
    for (DWORD i = 0; n < max && MsiEnumRelatedProductsW(UPGRADE_CODE, 0, i, code) == ERROR_SUCCESS; i++)
        wcscpy(codes[n++], code);
    return n;
}

static BOOL service_exists(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    assert_non_null(scm);
    SC_HANDLE s = OpenServiceW(scm, SERVICE, SERVICE_QUERY_STATUS);
    DWORD e = GetLastError();
    if (s)
        CloseServiceHandle(s);
    CloseServiceHandle(scm);
    if (!s && e != ERROR_SERVICE_DOES_NOT_EXIST)
        fail_msg("OpenService(p2vprep): error %lu", e);
    return s != NULL;
}

/* Waits until the service has run its job and stopped. */
static SERVICE_STATUS_PROCESS wait_service_stopped(void)
{
    SERVICE_STATUS_PROCESS st;
    DWORD n;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    assert_non_null(scm);
    SC_HANDLE s = OpenServiceW(scm, SERVICE, SERVICE_QUERY_STATUS);
    if (!s)
        fail_msg("the service p2vprep is not installed (error %lu)", GetLastError());
    for (int i = 0; i < 600; i++) {
        assert_true(QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof st, &n));
        if (st.dwCurrentState == SERVICE_STOPPED)
            break;
        Sleep(100);
    }
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    printf("--- service p2vprep: state %lu, exit %lu, service-specific exit %lu\n",
           st.dwCurrentState, st.dwWin32ExitCode, st.dwServiceSpecificExitCode);
    fflush(stdout);
    if (st.dwCurrentState != SERVICE_STOPPED)
        fail_msg("the service p2vprep did not stop within 60 s (state %lu)", st.dwCurrentState);
    return st;
}

/* The job's result as the service's exit code: 0 as NO_ERROR (or a service-specific 0),
 * anything else as ERROR_SERVICE_SPECIFIC_ERROR + the p2vprep exit code. */
static void assert_service_result(const SERVICE_STATUS_PROCESS *st, DWORD rc)
{
    if (rc == 0 && st->dwWin32ExitCode == NO_ERROR)
        return;
    assert_int_equal(st->dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
    assert_int_equal(st->dwServiceSpecificExitCode, rc);
}

/* The service's configuration: auto start, own process, LocalSystem, and the command line
 * the MSI formatted from MODE, TARGETS, INSTALLDIR and REPORTDIR. */
static void assert_service_config(const wchar_t *args)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    assert_non_null(scm);
    SC_HANDLE s = OpenServiceW(scm, SERVICE, SERVICE_QUERY_CONFIG);
    assert_non_null(s);
    union { QUERY_SERVICE_CONFIGW c; BYTE b[8192]; } u;
    DWORD n;
    assert_true(QueryServiceConfigW(s, &u.c, sizeof u, &n));
    CloseServiceHandle(s);
    CloseServiceHandle(scm);
    printf("--- ImagePath: %ls\n", u.c.lpBinaryPathName);
    fflush(stdout);
    assert_int_equal(u.c.dwServiceType & ~SERVICE_INTERACTIVE_PROCESS, SERVICE_WIN32_OWN_PROCESS);
    assert_int_equal(u.c.dwStartType, SERVICE_AUTO_START);
    assert_int_equal(u.c.dwErrorControl, SERVICE_ERROR_NORMAL);
    assert_true(!wcscmp(u.c.lpDisplayName, L"p2vprep P2V preparation"));
    assert_true(!_wcsicmp(u.c.lpServiceStartName, L"LocalSystem"));
    /* Windows Installer quotes the exe's path; Wine 8 writes it bare (its CreateProcess
     * copes with the space in "Program Files"). Either, then exactly the arguments. */
    wchar_t quoted[1024], bare[1024];
    swprintf(quoted, 1024, L"\"%ls\\p2vprep-" ARCH L".exe\" %ls", install_dir, args);
    swprintf(bare, 1024, L"%ls\\p2vprep-" ARCH L".exe %ls", install_dir, args);
    if (_wcsicmp(u.c.lpBinaryPathName, quoted) && _wcsicmp(u.c.lpBinaryPathName, bare))
        fail_msg("service command line\n  %ls\nexpected\n  %ls", u.c.lpBinaryPathName, quoted);
}

static char *read_text(const wchar_t *path)
{
    BYTE *data;
    DWORD size;
    if (!fx_read_file(path, &data, &size))
        fail_msg("%ls does not exist", path);
    return (char *)data;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find: %s\nin:\n%s", needle, hay);
}

static BOOL dir_exists(const wchar_t *path)
{
    DWORD a = GetFileAttributesW(path);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* A report folder the job made: admin-only by its DACL, not merely there. */
static void assert_admin_only(const wchar_t *dir)
{
    assert_true(dir_exists(dir));
    const char *why = fx_dir_not_admin_only(dir);
    if (why)
        fail_msg("the report folder p2vprep made is not admin-only: %s", why);
}

static void assert_installed_files(BOOL test_driver)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\p2vprep-" ARCH L".exe", install_dir);
    assert_true(fx_file_exists(path));
    swprintf(path, MAX_PATH, L"%ls\\payload", install_dir);
    assert_true(dir_exists(path));
    swprintf(path, MAX_PATH, L"%ls\\payload\\README.md", install_dir);
    assert_true(fx_file_exists(path));
    swprintf(path, MAX_PATH, L"%ls\\payload\\%ls\\symmpi.sys", install_dir,
             sizeof(void *) == 8 ? L"amd64" : L"x86");
    assert_int_equal(fx_file_exists(path), test_driver);
}

/* The Event Log source of the service: EventMessageFile = the installed exe. */
static void assert_event_source(BOOL installed)
{
    wchar_t exe[MAX_PATH];
    BYTE data[2048];
    DWORD type, size = sizeof data - sizeof(wchar_t), types = 0;
    memset(data, 0, sizeof data);
    BOOL present = fx_get(EVENT_SOURCE, L"EventMessageFile", &type, data, &size);
    if (!installed) {
        assert_false(present);
        return;
    }
    assert_true(present);
    swprintf(exe, MAX_PATH, L"%ls\\p2vprep-" ARCH L".exe", install_dir);
    if (_wcsicmp((wchar_t *)data, exe))
        fail_msg("EventMessageFile is %ls, expected %ls", (wchar_t *)data, exe);
    assert_true(fx_get_dword(EVENT_SOURCE, L"TypesSupported", &types));
    assert_int_equal(types, 7);
}

/* Removes whatever an earlier (possibly failed) run left, then shapes the prefix like a
 * Windows Server 2003 with ControlSet001-003, Current=2, LastKnownGood=3. */
static int clean_server(void **state)
{
    wchar_t codes[8][39], args[128];
    int n = related_products(codes, 8);
    CreateDirectoryW(WORK, NULL);
    for (int i = 0; i < n; i++) {
        swprintf(args, 128, L"/x %ls", codes[i]);
        msiexec(L"cleanup", args);
    }
    if (service_exists()) {   /* not from our packages: remove it by hand */
        SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
        SC_HANDLE s = OpenServiceW(scm, SERVICE, SERVICE_ALL_ACCESS);
        SERVICE_STATUS st;
        ControlService(s, SERVICE_CONTROL_STOP, &st);
        DeleteService(s);
        CloseServiceHandle(s);
        CloseServiceHandle(scm);
    }
    fx_delete_dir(install_dir);
    fx_delete_dir(REPORTS);
    /* %ProgramData%\p2vprep too: the first run must make both levels, each admin-only */
    wchar_t parent[MAX_PATH];
    wcscpy(parent, default_reports);
    *wcsrchr(parent, L'\\') = 0;
    fx_delete_dir(parent);
    struct fixture f = { L"win2003", { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    fx_shape(&f);   /* also removes symmpi.sys and the journal folder */
    return 0;
}

/* Defaults: MODE=check, TARGETS=lsilogic, REPORTDIR empty, so the report goes to
 * [CommonAppDataFolder]p2vprep\reports. On an unprepared server the job's verdict is
 * "not ready" (exit 1); the installation must succeed all the same. */
static void default_install_checks_and_reports_not_ready(void **state)
{
    wchar_t args[1024], report[MAX_PATH];
    swprintf(args, 1024, L"/i \"%ls\"", product_msi);
    assert_msiexec(L"install-default", args, 0);

    SERVICE_STATUS_PROCESS st = wait_service_stopped();
    assert_service_result(&st, 1);
    swprintf(args, 1024, L"check --target lsilogic --payload \"%ls\\payload\" --report \"%ls\\\"",
             install_dir, default_reports);
    assert_service_config(args);
    assert_installed_files(FALSE);
    assert_event_source(TRUE);

    /* the package makes no report folder: the job made %ProgramData%\p2vprep\reports and
     * %ProgramData%\p2vprep, where users may create folders, each with a DACL of its own */
    wchar_t parent[MAX_PATH];
    wcscpy(parent, default_reports);
    *wcsrchr(parent, L'\\') = 0;
    assert_admin_only(parent);
    assert_admin_only(default_reports);
    swprintf(report, MAX_PATH, L"%ls\\%ls.json", default_reports, computer);
    char *json = read_text(report);
    assert_contains(json, "\"command\": \"check\"");
    assert_contains(json, "\"targets\": [\"lsilogic\"]");
    assert_contains(json, "\"ready\": false");
    assert_contains(json, "\"exit_code\": 1");
    free(json);
    /* check changes nothing */
    assert_false(fx_key_exists(L"SYSTEM\\ControlSet002\\Services\\symmpi"));

    wchar_t codes[8][39];
    assert_int_equal(related_products(codes, 8), 1);
    swprintf(args, 1024, L"/x \"%ls\"", product_msi);
    assert_msiexec(L"uninstall-default", args, 0);
    assert_false(service_exists());
    assert_false(dir_exists(install_dir));
    assert_event_source(FALSE);
    assert_int_equal(related_products(codes, 8), 0);
    assert_true(fx_file_exists(report));   /* reports are kept */
}

/* REPORTDIR on a share: the package does not try to create it (an unreachable share would
 * fail the installation); the job runs all the same, its verdict unchanged by the report
 * it could not write. */
static void share_reportdir_is_passed_but_not_created(void **state)
{
    wchar_t args[1024];
    swprintf(args, 1024, L"/i \"%ls\" REPORTDIR=" SHARE, product_msi);
    assert_msiexec(L"install-share", args, 0);
    SERVICE_STATUS_PROCESS st = wait_service_stopped();
    assert_service_result(&st, 1);
    swprintf(args, 1024, L"check --target lsilogic --payload \"%ls\\payload\" --report \"" SHARE L"\\\"",
             install_dir);
    assert_service_config(args);
    assert_false(dir_exists(default_reports));   /* the package makes no report folder */
    swprintf(args, 1024, L"/x \"%ls\"", product_msi);
    assert_msiexec(L"uninstall-share", args, 0);
    assert_false(service_exists());
}

/* TARGETS other than the default reaches the service's command line as given, and the
 * service checks those targets (lsisas1068 and ide on this Server 2003: payload missing for
 * lsisas1068's lsi_sas.sys, so not ready). */
static void non_default_targets_reach_the_service(void **state)
{
    wchar_t args[1024];
    swprintf(args, 1024, L"/i \"%ls\" TARGETS=lsisas1068,ide", product_msi);
    assert_msiexec(L"install-targets", args, 0);
    SERVICE_STATUS_PROCESS st = wait_service_stopped();
    assert_service_result(&st, 1);
    swprintf(args, 1024, L"check --target lsisas1068,ide --payload \"%ls\\payload\" --report \"%ls\\\"",
             install_dir, default_reports);
    assert_service_config(args);
    wchar_t report[MAX_PATH];
    swprintf(report, MAX_PATH, L"%ls\\%ls.json", default_reports, computer);
    char *json = read_text(report);
    assert_contains(json, "\"targets\": [\"lsisas1068\", \"ide\"]");
    free(json);
    swprintf(args, 1024, L"/x \"%ls\"", product_msi);
    assert_msiexec(L"uninstall-targets", args, 0);
    assert_false(service_exists());
}

/* The shipped package first (check), then the test package, a newer version, with
 * MODE=apply TARGETS=lsilogic REPORTDIR=C:\reports: the major upgrade removes the old
 * product, the new service applies once; an older package is then refused; msiexec /x
 * removes service and files and leaves the journal. */
static void upgrade_applies_once_and_uninstall_keeps_journal(void **state)
{
    wchar_t args[1024], report[MAX_PATH], codes[8][39], version[32];
    DWORD n;
    swprintf(args, 1024, L"/i \"%ls\"", product_msi);
    assert_msiexec(L"install-old", args, 0);
    SERVICE_STATUS_PROCESS st = wait_service_stopped();
    assert_service_result(&st, 1);

    swprintf(args, 1024, L"/i \"%ls\" MODE=apply TARGETS=lsilogic REPORTDIR=" REPORTS, test_msi);
    assert_msiexec(L"install-upgrade", args, 0);
    assert_int_equal(related_products(codes, 8), 1);
    n = 32;
    assert_int_equal(MsiGetProductInfoW(codes[0], INSTALLPROPERTY_VERSIONSTRING, version, &n), 0);
    if (wcscmp(version, test_version))
        fail_msg("installed version %ls, expected %ls", version, test_version);

    st = wait_service_stopped();
    assert_service_result(&st, 0);
    swprintf(args, 1024, L"apply --target lsilogic --payload \"%ls\\payload\" --report \"" REPORTS L"\\\"",
             install_dir);
    assert_service_config(args);
    assert_installed_files(TRUE);
    assert_admin_only(REPORTS);   /* made by p2vprep's first run */

    swprintf(report, MAX_PATH, REPORTS L"\\%ls.json", computer);
    char *json = read_text(report);
    assert_contains(json, "\"command\": \"apply\"");
    assert_contains(json, "\"ready\": true");
    assert_contains(json, "\"exit_code\": 0");
    /* The report is from the run that made the changes: a second run would have found
     * nothing to do and written "writes": 0 over it. */
    assert_null(strstr(json, "\"writes\": 0,"));
    assert_null(strstr(json, "\"changes\": []"));
    free(json);
    static const wchar_t *const sets[] = { L"ControlSet001", L"ControlSet002", L"ControlSet003" };
    for (int i = 0; i < 3; i++) {
        wchar_t key[128];
        DWORD start = 99;
        swprintf(key, 128, L"SYSTEM\\%ls\\Services\\symmpi", sets[i]);
        assert_true(fx_get_dword(key, L"Start", &start));
        assert_int_equal(start, 0);
    }
    wchar_t driver[MAX_PATH], journal[MAX_PATH];
    swprintf(driver, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());
    assert_true(fx_file_exists(driver));
    swprintf(journal, MAX_PATH, L"%ls\\apply-0001.journal", journal_dir);
    assert_true(fx_file_exists(journal));

    /* An older package over the newer one is refused, and changes nothing. */
    swprintf(args, 1024, L"/i \"%ls\"", product_msi);
    DWORD code = msiexec(L"install-downgrade", args);
    assert_int_not_equal(code, 0);
    assert_int_equal(related_products(codes, 8), 1);
    n = 32;
    assert_int_equal(MsiGetProductInfoW(codes[0], INSTALLPROPERTY_VERSIONSTRING, version, &n), 0);
    assert_true(!wcscmp(version, test_version));

    swprintf(args, 1024, L"/x %ls", codes[0]);
    assert_msiexec(L"uninstall", args, 0);
    assert_false(service_exists());
    assert_false(dir_exists(install_dir));
    assert_event_source(FALSE);
    assert_int_equal(related_products(codes, 8), 0);
    /* kept: the journal (rollback stays possible), the preparation itself, the report */
    assert_true(dir_exists(journal_dir));
    assert_true(fx_file_exists(journal));
    DWORD start = 99;
    assert_true(fx_get_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", &start));
    assert_int_equal(start, 0);
    assert_true(fx_file_exists(report));
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_msi_install PRODUCT_MSI TEST_MSI TEST_VERSION\n");
        return 2;
    }
    unix_to_dos(argv[1], product_msi, MAX_PATH);
    unix_to_dos(argv[2], test_msi, MAX_PATH);
    swprintf(test_version, 32, L"%hs", argv[3]);
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    GetComputerNameW(computer, &n);
    wchar_t folder[MAX_PATH];
    SHGetFolderPathW(NULL, CSIDL_PROGRAM_FILES, NULL, 0, folder);
    swprintf(install_dir, MAX_PATH, L"%ls\\p2vprep", folder);
    SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, 0, folder);
    swprintf(default_reports, MAX_PATH, L"%ls\\p2vprep\\reports", folder);
    swprintf(journal_dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    for (int i = 1; i < 3; i++)
        if (GetFileAttributesW(i == 1 ? product_msi : test_msi) == INVALID_FILE_ATTRIBUTES) {
            fprintf(stderr, "test_msi_install: %s does not exist (build the msi targets)\n", argv[i]);
            return 1;
        }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(default_install_checks_and_reports_not_ready, clean_server),
        cmocka_unit_test_setup(share_reportdir_is_passed_but_not_created, clean_server),
        cmocka_unit_test_setup(non_default_targets_reach_the_service, clean_server),
        cmocka_unit_test_setup(upgrade_applies_once_and_uninstall_keeps_journal, clean_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
