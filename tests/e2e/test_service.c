/* Service mode end to end: install, the service control manager starts it, the job runs
 * once, the result is the service's exit code, uninstall. This process stays alive the
 * whole time: Wine ends services.exe when the last user process exits. */
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
#define WORK L"C:\\p2vsvc"
#define PAYLOAD WORK L"\\payload"
#define REPORTS WORK L"\\reports\\"

static BOOL os64;

static int server(void **state)
{
    struct fixture f = { L"win2003", { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    fx_shape(&f);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    CreateDirectoryW(WORK L"\\reports", NULL);
    swprintf(dst, MAX_PATH, L"%ls\\%ls", PAYLOAD, os64 ? L"amd64" : L"x86");
    CreateDirectoryW(dst, NULL);
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"amd64" : L"i386");
    wcscat(dst, L"\\symmpi.sys");
    assert_true(fx_copy_file(src, dst));
    fx_run(EXE, L"service uninstall", NULL);   /* a service left by an earlier run */
    return 0;
}

/* Starts the service and waits until it stopped; returns its final status. */
static SERVICE_STATUS run_service(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    assert_non_null(scm);
    SC_HANDLE svc = OpenServiceW(scm, L"p2vprep", SERVICE_START | SERVICE_QUERY_STATUS);
    assert_non_null(svc);
    assert_true(StartServiceW(svc, 0, NULL));
    SERVICE_STATUS st;
    memset(&st, 0, sizeof st);
    for (int i = 0; i < 600; i++) {
        assert_true(QueryServiceStatus(svc, &st));
        if (st.dwCurrentState == SERVICE_STOPPED)
            break;
        Sleep(50);
    }
    assert_int_equal(st.dwCurrentState, SERVICE_STOPPED);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return st;
}

static void installed_service_runs_the_job_once_and_reports(void **state)
{
    wchar_t computer[64], report[MAX_PATH];
    DWORD n = 64, d;
    GetComputerNameW(computer, &n);
    swprintf(report, MAX_PATH, L"%ls%ls.json", REPORTS, computer);

    assert_int_equal(fx_run(EXE, L"service install --target lsilogic --mode apply --payload "
                                 PAYLOAD L" --report " REPORTS, NULL), 0);
    /* registered as an automatic, own-process service running "apply" */
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    SC_HANDLE svc = OpenServiceW(scm, L"p2vprep", SERVICE_QUERY_CONFIG);
    assert_non_null(svc);
    BYTE buf[8192];
    QUERY_SERVICE_CONFIGW *cfg = (QUERY_SERVICE_CONFIGW *)buf;
    assert_true(QueryServiceConfigW(svc, cfg, sizeof buf, &n));
    assert_int_equal(cfg->dwStartType, SERVICE_AUTO_START);
    assert_int_equal(cfg->dwServiceType & SERVICE_WIN32_OWN_PROCESS, SERVICE_WIN32_OWN_PROCESS);
    assert_non_null(wcsstr(cfg->lpBinaryPathName, L"apply --target lsilogic"));
    /* the service runs a copy that only administrators can change, not the exe it was
     * installed from (a download folder, a share) */
    wchar_t copy[MAX_PATH];
    swprintf(copy, MAX_PATH, L"\"%ls\\p2vprep\\bin\\p2vprep-" P2V_ARCH_STR L".exe\"", fx_systemroot());
    if (_wcsnicmp(cfg->lpBinaryPathName, copy, wcslen(copy)))
        fail_msg("service runs %ls, not %ls", cfg->lpBinaryPathName, copy);
    swprintf(copy, MAX_PATH, L"%ls\\p2vprep\\bin\\p2vprep-" P2V_ARCH_STR L".exe", fx_systemroot());
    assert_true(fx_file_exists(copy));
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    assert_true(fx_key_exists(L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\p2vprep"));

    SERVICE_STATUS st = run_service();
    assert_int_equal(st.dwWin32ExitCode, NO_ERROR);
    for (int s = 1; s <= 3; s++) {
        wchar_t key[128];
        swprintf(key, 128, L"SYSTEM\\ControlSet%03d\\Services\\symmpi", s);
        assert_true(fx_get_dword(key, L"Start", &d));
        assert_int_equal(d, 0);
    }
    BYTE *json;
    DWORD size;
    assert_true(fx_read_file(report, &json, &size));
    assert_non_null(strstr((char *)json, "\"exit_code\": 0"));
    assert_non_null(strstr((char *)json, "\"command\": \"apply\""));
    free(json);

    /* in check mode, "not ready" comes back as service-specific exit code 1 */
    fx_set_dword(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"Start", 4);
    assert_int_equal(fx_run(EXE, L"service install --target lsilogic --mode check --payload "
                                 PAYLOAD L" --report " REPORTS, NULL), 0);
    st = run_service();
    assert_int_equal(st.dwWin32ExitCode, ERROR_SERVICE_SPECIFIC_ERROR);
    assert_int_equal(st.dwServiceSpecificExitCode, 1);
    assert_true(fx_get_dword(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"Start", &d));
    assert_int_equal(d, 4);   /* check changed nothing */

    /* uninstall: service and event source gone, the journal kept for rollback */
    assert_int_equal(fx_run(EXE, L"service uninstall", NULL), 0);
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    assert_null(OpenServiceW(scm, L"p2vprep", SERVICE_QUERY_STATUS));
    assert_int_equal(GetLastError(), ERROR_SERVICE_DOES_NOT_EXIST);
    CloseServiceHandle(scm);
    assert_false(fx_key_exists(L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\p2vprep"));
    wchar_t journal[MAX_PATH];
    swprintf(journal, MAX_PATH, L"%ls\\p2vprep\\apply-0001.journal", fx_systemroot());
    assert_true(fx_file_exists(journal));
}

static void service_commands_need_their_arguments(void **state)
{
    assert_int_equal(fx_run(EXE, L"service", NULL), 2);
    assert_int_equal(fx_run(EXE, L"service install", NULL), 2);
    assert_int_equal(fx_run(EXE, L"service install --target lsilogic --mode sometimes", NULL), 2);
    assert_int_equal(fx_run(EXE, L"service install --target all --mode apply", NULL), 2);
    /* an unattended run at every start never takes unsigned drivers */
    assert_int_equal(fx_run(EXE, L"service install --target lsilogic --mode apply --allow-unsigned", NULL), 2);
}

int main(void)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(installed_service_runs_the_job_once_and_reports, server),
        cmocka_unit_test_setup(service_commands_need_their_arguments, server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
