#include "service.h"
#include "dynapi.h"
#include "journal.h"
#include "scratch.h"
#include "secure.h"
#include "eventlog.h"
#include "out.h"
#include "text.h"
#include "wow64.h"
#include "winerr.h"
#include <tlhelp32.h>
#include <wchar.h>

static SERVICE_STATUS_HANDLE status_handle;
static int (*service_job)(void);
static int service_rc;

static void set_status(DWORD state, int rc)
{
    SERVICE_STATUS st = { 0 };
    st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    st.dwCurrentState = state;
    st.dwControlsAccepted = 0;   /* the job is short and must not be cut in half */
    if (state == SERVICE_STOPPED && rc != 0) {
        st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        st.dwServiceSpecificExitCode = (DWORD)rc;
    }
    st.dwWaitHint = state == SERVICE_START_PENDING ? 30000 : 0;
    SetServiceStatus(status_handle, &st);
}

static DWORD WINAPI control_handler(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
    (void)type; (void)data; (void)context;
    return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    (void)argc; (void)argv;
    status_handle = RegisterServiceCtrlHandlerExW(P2V_SERVICE_NAME, control_handler, NULL);
    if (!status_handle)
        return;
    set_status(SERVICE_RUNNING, 0);
    service_rc = service_job();
    set_status(SERVICE_STOPPED, service_rc);
}

/* Is the parent process named name? 1 yes, 0 no, -1 cannot tell: ntdll's view of this
 * process (its parent's pid) and of the parent (its image file: XP and later), where the
 * parent may be opened. Much cheaper than a snapshot of every process. */
static int parent_named(const wchar_t *name)
{
    struct {   /* PROCESS_BASIC_INFORMATION */
        PVOID exit_status, peb, affinity, base_priority;
        ULONG_PTR pid, parent_pid;
    } basic;
    union {    /* a UNICODE_STRING and the characters it points to */
        struct { USHORT length, max_length; PWSTR buffer; } s;
        BYTE bytes[sizeof(PWSTR) * 2 + 2 * (MAX_PATH + 64) * sizeof(wchar_t)];
    } image;
    ULONG got;
    const struct dynapi *api = dynapi();
    if (!api->NtQueryInformationProcess ||
        api->NtQueryInformationProcess(GetCurrentProcess(), 0 /* ProcessBasicInformation */, &basic,
                                       sizeof basic, &got) != 0)
        return -1;
    HANDLE parent = OpenProcess(0x1000 /* PROCESS_QUERY_LIMITED_INFORMATION: Vista */, FALSE,
                                (DWORD)basic.parent_pid);
    if (!parent)
        parent = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, (DWORD)basic.parent_pid);
    if (!parent)
        return -1;
    LONG status = api->NtQueryInformationProcess(parent, 27 /* ProcessImageFileName */, &image,
                                                 sizeof image, &got);
    CloseHandle(parent);
    if (status != 0 || !image.s.buffer)
        return -1;
    /* an NT path (\Device\HarddiskVolume1\Windows\System32\services.exe), not terminated */
    size_t n = image.s.length / sizeof(wchar_t), base = n;
    while (base > 0 && image.s.buffer[base - 1] != L'\\')
        base--;
    return n - base == wcslen(name) && _wcsnicmp(image.s.buffer + base, name, n - base) == 0;
}

/* Was this process started by the service control manager (services.exe)? Asked first
 * because StartServiceCtrlDispatcher, the real test, can take seconds to fail in a
 * console process on some systems. */
static BOOL parent_is_scm(void)
{
    int named = parent_named(L"services.exe");
    if (named >= 0)
        return named;
    /* Windows 2000, or a parent this process may not look at: the process list */
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe;
    DWORD self = GetCurrentProcessId(), parent = 0;
    BOOL scm = FALSE;
    if (snap == INVALID_HANDLE_VALUE)
        return TRUE;   /* cannot tell: let the dispatcher decide */
    pe.dwSize = sizeof pe;
    for (BOOL ok = Process32FirstW(snap, &pe); ok; ok = Process32NextW(snap, &pe))
        if (pe.th32ProcessID == self)
            parent = pe.th32ParentProcessID;
    pe.dwSize = sizeof pe;
    for (BOOL ok = Process32FirstW(snap, &pe); ok && parent; ok = Process32NextW(snap, &pe))
        if (pe.th32ProcessID == parent) {
            const wchar_t *base = wcsrchr(pe.szExeFile, L'\\');
            scm = _wcsicmp(base ? base + 1 : pe.szExeFile, L"services.exe") == 0;
            break;
        }
    CloseHandle(snap);
    return scm;
}

BOOL service_dispatch(int (*job)(void), int *rc)
{
    SERVICE_TABLE_ENTRYW table[] = { { (LPWSTR)P2V_SERVICE_NAME, service_main }, { NULL, NULL } };
    if (!parent_is_scm())
        return FALSE;
    service_job = job;
    if (!StartServiceCtrlDispatcherW(table))
        return FALSE;   /* ERROR_FAILED_SERVICE_CONTROLLER_CONNECT: a console run */
    *rc = service_rc;
    return TRUE;
}

/* " --option "value"", quoted as the C runtime parses it back: backslashes before the
 * closing quote are doubled, so "C:\reports\" stays a folder. */
static void append_quoted(struct wbuf *b, const wchar_t *option, const wchar_t *value)
{
    wchar_t full[MAX_PATH];
    if (!value)
        return;
    /* the service starts in System32: a relative path would mean something else there */
    DWORD got = GetFullPathNameW(value, COUNTOF(full), full, NULL);
    if (got > 0 && got < COUNTOF(full) && value[0] != L'\\')
        value = full;
    size_t n = wcslen(value), trailing = 0;
    while (trailing < n && value[n - 1 - trailing] == L'\\')
        trailing++;
    wbuf_addf(b, L" %ls \"%ls", option, value);
    while (trailing--)
        wbuf_add(b, L"\\");
    wbuf_add(b, L"\"");
}

/* The service runs as SYSTEM at every start from the exe it names. Run from a download
 * folder or a share, that exe could be replaced by anyone who can write there: the service
 * runs a copy in the state folder (%SystemRoot%\p2vprep\bin), which only administrators
 * and SYSTEM may write; the 64-bit exe beside it goes along for the package hand-off. */
static DWORD copy_into_state(const wchar_t *exe_path, wchar_t *copy, size_t cch)
{
    wchar_t windir[MAX_PATH], state[MAX_PATH], bin[MAX_PATH], src[MAX_PATH];
    if (!GetSystemWindowsDirectoryW(windir, COUNTOF(windir)))
        return GetLastError();
    journal_state_dir(windir, state, COUNTOF(state));
    wfmt(bin, COUNTOF(bin), L"%ls\\bin", state);
    secure_dir_create(state);
    secure_dir_create(bin);
    secure_dir_tighten(bin);
    const wchar_t *name = wcsrchr(exe_path, L'\\');
    name = name ? name + 1 : exe_path;
    wfmt(copy, cch, L"%ls\\%ls", bin, name);
    if (_wcsicmp(copy, exe_path) == 0)
        return ERROR_SUCCESS;   /* already the copy */
    DWORD e = secure_target_check(copy);
    if (e == ERROR_SUCCESS && !CopyFileW(exe_path, copy, FALSE))
        e = GetLastError();
    /* the hand-off partner of the 32-bit exe (wow64.h names it) */
    wchar_t x64[MAX_PATH];
    if (e == ERROR_SUCCESS && wow64_partner_exe(exe_path, src, COUNTOF(src)) &&
        wow64_partner_exe(copy, x64, COUNTOF(x64)) && _wcsicmp(src, exe_path) != 0 &&
        GetFileAttributesW(src) != INVALID_FILE_ATTRIBUTES && secure_target_check(x64) == ERROR_SUCCESS)
        CopyFileW(src, x64, FALSE);
    return e;
}

DWORD service_install(const struct options *o, const wchar_t *exe_path)
{
    struct wbuf cmd = { 0 };
    wchar_t copy[MAX_PATH];
    DWORD e = copy_into_state(exe_path, copy, COUNTOF(copy));
    if (e != ERROR_SUCCESS) {
        wchar_t msg[256];
        out_error(L"p2vprep: could not copy the exe to %ls: %ls", copy, win_error_text(e, msg, COUNTOF(msg)));
        return e;
    }
    exe_path = copy;
    wbuf_addf(&cmd, L"\"%ls\" %ls --target ", exe_path, o->service_mode == CMD_APPLY ? L"apply" : L"check");
    for (size_t i = 0; i < o->n_targets; i++)
        wbuf_addf(&cmd, L"%ls%ls", i ? L"," : L"", o->targets[i]->name);
    append_quoted(&cmd, L"--inf", o->inf);
    append_quoted(&cmd, L"--payload", o->payload);
    append_quoted(&cmd, L"--report", o->report);
    append_quoted(&cmd, L"--log", o->log);
    if (o->no_ide)
        wbuf_add(&cmd, L" --no-ide");
    if (o->policy.san_policy != SAN_DEFAULT)
        wbuf_addf(&cmd, L" --san-policy %ls", o->policy.san_policy == SAN_ONLINE ? L"online" : L"keep");
    if (o->policy.crash_visible)
        wbuf_add(&cmd, L" --crash-visible");
    if (!cmd.ok)
        return ERROR_NOT_ENOUGH_MEMORY;

    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE | SC_MANAGER_CONNECT);
    if (!scm) {
        wbuf_free(&cmd);
        return GetLastError();
    }
    SC_HANDLE svc = CreateServiceW(scm, P2V_SERVICE_NAME, L"p2vprep P2V preparation", SERVICE_ALL_ACCESS,
                                   SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                   cmd.s, NULL, NULL, NULL, NULL, NULL);
    if (!svc && GetLastError() == ERROR_SERVICE_EXISTS) {
        /* installed before: take the new command line */
        svc = OpenServiceW(scm, P2V_SERVICE_NAME, SERVICE_ALL_ACCESS);
        if (!svc)
            e = GetLastError();
        else if (!ChangeServiceConfigW(svc, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                         SERVICE_ERROR_NORMAL, cmd.s, NULL, NULL, NULL, NULL, NULL, NULL))
            e = GetLastError();
    } else if (!svc) {
        e = GetLastError();
    }
    if (svc) {
        SERVICE_DESCRIPTIONW desc = { (LPWSTR)L"Makes the virtual disk controller's driver boot-start "
                                               L"before this server is converted to a virtual machine." };
        ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
        CloseServiceHandle(svc);
    }
    CloseServiceHandle(scm);
    if (e == ERROR_SUCCESS) {
        out_info(L"Service %ls installed (automatic start), running a copy of this exe that only "
                 L"administrators can change: %ls", P2V_SERVICE_NAME, cmd.s);
        out_info(L"It runs once at each start; start it now with: sc start %ls", P2V_SERVICE_NAME);
        DWORD ev = eventlog_register(exe_path);
        if (ev != ERROR_SUCCESS) {
            wchar_t msg[256];
            out_error(L"warning: the Event Log source was not registered: %ls",
                      win_error_text(ev, msg, COUNTOF(msg)));
        }
    }
    wbuf_free(&cmd);
    return e;
}

DWORD service_uninstall(void)
{
    DWORD e = ERROR_SUCCESS;
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm)
        return GetLastError();
    SC_HANDLE svc = OpenServiceW(scm, P2V_SERVICE_NAME, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE);
    if (!svc) {
        e = GetLastError();
    } else {
        SERVICE_STATUS st;
        ControlService(svc, SERVICE_CONTROL_STOP, &st);   /* usually stopped already */
        if (!DeleteService(svc))
            e = GetLastError();
        CloseServiceHandle(svc);
    }
    CloseServiceHandle(scm);
    if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
        out_info(L"Service %ls is not installed.", P2V_SERVICE_NAME);
        e = ERROR_SUCCESS;
    } else if (e == ERROR_SUCCESS) {
        out_info(L"Service %ls removed. The journal in %%SystemRoot%%\\p2vprep stays, so rollback "
                 L"remains possible.", P2V_SERVICE_NAME);
    }
    if (e == ERROR_SUCCESS) {
        eventlog_unregister();
        /* the copy the service ran; the journal and the rest of the state folder stay */
        wchar_t windir[MAX_PATH], path[MAX_PATH];
        if (GetSystemWindowsDirectoryW(windir, COUNTOF(windir))) {
            static const wchar_t *const names[] = { L"p2vprep-x86.exe", L"p2vprep-x64.exe" };
            for (int i = 0; i < 2; i++) {
                wfmt(path, COUNTOF(path), L"%ls\\p2vprep\\bin\\%ls", windir, names[i]);
                DeleteFileW(path);
            }
            wfmt(path, COUNTOF(path), L"%ls\\p2vprep\\bin", windir);
            RemoveDirectoryW(path);
        }
    }
    return e;
}
