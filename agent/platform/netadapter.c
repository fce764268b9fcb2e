#include "netadapter.h"
#include "dynapi.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <stdio.h>

/* GUID_DEVCLASS_NET */
static const GUID net_class = { 0x4d36e972, 0xe325, 0x11ce, { 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 } };

/* Walks the net class's devices (present ones, or all) until fn returns other than
 * ERROR_NOT_FOUND for the one whose NetCfgInstanceId is guid. */
static DWORD with_adapter(const wchar_t *guid, BOOL present_only,
                          DWORD (*fn)(const struct setupapi *, HDEVINFO, SP_DEVINFO_DATA *))
{
    const struct setupapi *api = setupapi();
    if (!api || !api->SetupDiGetClassDevsW || !api->SetupDiEnumDeviceInfo || !api->SetupDiOpenDevRegKey ||
        !api->SetupDiDestroyDeviceInfoList)
        return ERROR_PROC_NOT_FOUND;
    HDEVINFO set = api->SetupDiGetClassDevsW(&net_class, NULL, NULL, present_only ? DIGCF_PRESENT : 0);
    if (set == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD result = ERROR_NOT_FOUND;
    SP_DEVINFO_DATA dev;
    for (DWORD i = 0; result == ERROR_NOT_FOUND; i++) {
        dev.cbSize = sizeof dev;
        if (!api->SetupDiEnumDeviceInfo(set, i, &dev))
            break;
        HKEY h = api->SetupDiOpenDevRegKey(set, &dev, DICS_FLAG_GLOBAL, 0, DIREG_DRV, KEY_READ);
        if (h == INVALID_HANDLE_VALUE)
            continue;
        wchar_t id[64];
        DWORD type, size = sizeof id - sizeof(wchar_t);
        LONG e = RegQueryValueExW(h, L"NetCfgInstanceId", NULL, &type, (BYTE *)id, &size);
        RegCloseKey(h);
        if (e != ERROR_SUCCESS || type != REG_SZ)
            continue;
        id[size / sizeof(wchar_t)] = 0;
        if (!_wcsicmp(id, guid))
            result = fn(api, set, &dev);
    }
    api->SetupDiDestroyDeviceInfoList(set);
    return result;
}

static DWORD restart_one(const struct setupapi *api, HDEVINFO set, SP_DEVINFO_DATA *dev)
{
    if (!api->SetupDiSetClassInstallParamsW || !api->SetupDiCallClassInstaller)
        return ERROR_PROC_NOT_FOUND;
    SP_PROPCHANGE_PARAMS p;
    memset(&p, 0, sizeof p);
    p.ClassInstallHeader.cbSize = sizeof p.ClassInstallHeader;
    p.ClassInstallHeader.InstallFunction = DIF_PROPERTYCHANGE;
    p.StateChange = DICS_PROPCHANGE;
    p.Scope = DICS_FLAG_GLOBAL;
    if (!api->SetupDiSetClassInstallParamsW(set, dev, &p.ClassInstallHeader, sizeof p) ||
        !api->SetupDiCallClassInstaller(DIF_PROPERTYCHANGE, set, dev))
        return GetLastError();
    SP_DEVINSTALL_PARAMS_W ip;
    ip.cbSize = sizeof ip;
    if (api->SetupDiGetDeviceInstallParamsW && api->SetupDiGetDeviceInstallParamsW(set, dev, &ip) &&
        (ip.Flags & (DI_NEEDREBOOT | DI_NEEDRESTART)))
        return ERROR_SUCCESS_REBOOT_REQUIRED;
    return ERROR_SUCCESS;
}

static DWORD remove_one(const struct setupapi *api, HDEVINFO set, SP_DEVINFO_DATA *dev)
{
    if (!api->SetupDiRemoveDevice)
        return ERROR_PROC_NOT_FOUND;
    return api->SetupDiRemoveDevice(set, dev) ? ERROR_SUCCESS : GetLastError();
}

DWORD net_adapter_restart(const wchar_t *guid)
{
    return with_adapter(guid, TRUE, restart_one);
}

static DWORD ghost_only(const struct setupapi *api, HDEVINFO set, SP_DEVINFO_DATA *dev)
{
    (void)api; (void)set; (void)dev;
    return ERROR_SUCCESS;   /* found among the present ones: not a ghost */
}

DWORD net_adapter_remove_ghost(const wchar_t *guid)
{
    if (with_adapter(guid, TRUE, ghost_only) == ERROR_SUCCESS)
        return ERROR_DEVICE_IN_USE;
    return with_adapter(guid, FALSE, remove_one);
}

BOOL net_ping(const wchar_t *ipv4, DWORD timeout_ms)
{
    typedef HANDLE (WINAPI *create_fn)(void);
    typedef DWORD (WINAPI *send_fn)(HANDLE, ULONG, LPVOID, WORD, void *, LPVOID, DWORD, DWORD);
    typedef BOOL (WINAPI *close_fn)(HANDLE);
    /* IP Helper from XP, icmp.dll on Windows 2000 */
    HMODULE dll = system_dll(L"iphlpapi.dll");
    create_fn create = dll ? (create_fn)(void *)GetProcAddress(dll, "IcmpCreateFile") : NULL;
    if (!create && (dll = system_dll(L"icmp.dll")) != NULL)
        create = (create_fn)(void *)GetProcAddress(dll, "IcmpCreateFile");
    send_fn send = dll ? (send_fn)(void *)GetProcAddress(dll, "IcmpSendEcho") : NULL;
    close_fn close = dll ? (close_fn)(void *)GetProcAddress(dll, "IcmpCloseHandle") : NULL;
    unsigned a, b, c, d;
    wchar_t rest;
    if (!create || !send || !close || swscanf(ipv4, L"%u.%u.%u.%u%lc", &a, &b, &c, &d, &rest) != 4 ||
        a > 255 || b > 255 || c > 255 || d > 255)
        return FALSE;
    ULONG addr = (ULONG)(a | b << 8 | c << 16 | (ULONG)d << 24);
    HANDLE h = create();
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    BYTE reply[128];
    char data[8] = "p2vprep";
    BOOL answered = FALSE;
    for (int i = 0; i < 2 && !answered; i++)
        answered = send(h, addr, data, sizeof data, NULL, reply, sizeof reply, timeout_ms) > 0;
    close(h);
    return answered;
}

DWORD msi_uninstall(const wchar_t *code, const wchar_t *log, DWORD timeout_ms, DWORD *exit_code)
{
    wchar_t sys[MAX_PATH], exe[MAX_PATH], cmd[3 * MAX_PATH];
    UINT n = GetSystemDirectoryW(sys, COUNTOF(sys));
    if (!n || n >= COUNTOF(sys))
        return GetLastError();
    wfmt(exe, COUNTOF(exe), L"%ls\\msiexec.exe", sys);
    wfmt(cmd, COUNTOF(cmd), L"\"%ls\" /x %ls /qn /norestart REBOOT=ReallySuppress /l*v \"%ls\"", exe, code, log);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, sys, &si, &pi))
        return GetLastError();
    DWORD w = WaitForSingleObject(pi.hProcess, timeout_ms), e = ERROR_SUCCESS;
    if (w != WAIT_OBJECT_0)
        e = w == WAIT_TIMEOUT ? WAIT_TIMEOUT : GetLastError();
    else if (!GetExitCodeProcess(pi.hProcess, exit_code))
        e = GetLastError();
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return e;
}

BOOL service_running(const wchar_t *name)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm)
        return FALSE;
    SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_QUERY_STATUS);
    SERVICE_STATUS st;
    BOOL running = svc && QueryServiceStatus(svc, &st) && st.dwCurrentState == SERVICE_RUNNING;
    if (svc)
        CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return running;
}

BOOL serial_line(const wchar_t *text)
{
    HANDLE h = CreateFileW(L"\\\\.\\COM1", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    COMMTIMEOUTS t = { 0, 0, 0, 10, 2000 };
    SetCommTimeouts(h, &t);
    int len = 0;
    char *utf8 = utf8_from_wide(text, &len);
    DWORD n = 0;
    BOOL ok = utf8 && WriteFile(h, utf8, (DWORD)len, &n, NULL) && WriteFile(h, "\r\n", 2, &n, NULL);
    free(utf8);
    CloseHandle(h);
    return ok;
}
