#include "dynapi.h"

static FARPROC lookup(const wchar_t *dll, const char *name)
{
    HMODULE m = GetModuleHandleW(dll);
    return m ? GetProcAddress(m, name) : NULL;
}

const struct dynapi *dynapi(void)
{
    static struct dynapi api;
    static BOOL done;
    if (!done) {
        api.IsWow64Process = (void *)lookup(L"kernel32.dll", "IsWow64Process");
        api.GetNativeSystemInfo = (void *)lookup(L"kernel32.dll", "GetNativeSystemInfo");
        api.Wow64DisableWow64FsRedirection =
            (void *)lookup(L"kernel32.dll", "Wow64DisableWow64FsRedirection");
        api.Wow64RevertWow64FsRedirection =
            (void *)lookup(L"kernel32.dll", "Wow64RevertWow64FsRedirection");
        api.RtlGetVersion = (void *)lookup(L"ntdll.dll", "RtlGetVersion");
        api.GetVolumePathNameW = (void *)lookup(L"kernel32.dll", "GetVolumePathNameW");
        api.GetVolumeNameForVolumeMountPointW =
            (void *)lookup(L"kernel32.dll", "GetVolumeNameForVolumeMountPointW");
        api.GetFirmwareType = (void *)lookup(L"kernel32.dll", "GetFirmwareType");
        api.GetFirmwareEnvironmentVariableW =
            (void *)lookup(L"kernel32.dll", "GetFirmwareEnvironmentVariableW");
        api.RtlGenRandom = (void *)lookup(L"advapi32.dll", "SystemFunction036");
        api.NtQueryInformationProcess = (void *)lookup(L"ntdll.dll", "NtQueryInformationProcess");
        done = TRUE;
    }
    return &api;
}

static BOOL system32_only;   /* SetDefaultDllDirectories took effect */
BOOL dll_test_no_default_dirs, dll_test_bare_name;   /* test builds only (dynapi.h) */

HMODULE system_dll(const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    if (dll_test_bare_name)
        return LoadLibraryExW(name, NULL, 0);
    UINT n = GetSystemDirectoryW(path, MAX_PATH);
    size_t len = 0;
    while (name[len])
        len++;
    if (n == 0 || n + 1 + len >= MAX_PATH)
        return NULL;
    path[n] = L'\\';
    for (size_t i = 0; i <= len; i++)
        path[n + 1 + i] = name[i];
    /* a full path: no search for the DLL itself. Its own imports follow the process's
     * default directories (System32 only) where Windows has them; on older Windows the
     * altered search order looks in the DLL's folder, System32, first. */
    return LoadLibraryExW(path, NULL, system32_only ? 0 : LOAD_WITH_ALTERED_SEARCH_PATH);
}

BOOL dll_test_no_preload;   /* test builds only (dynapi.h) */

void system_dlls_preload(const wchar_t *const *names)
{
    /* on every Windows, the search order being System32 alone or not: a system DLL's own
     * loads by name (a delay-load included) then find the copy already in memory */
    if (dll_test_no_preload)
        return;
    for (; *names; names++)
        system_dll(*names);   /* kept loaded: a load by name now finds this one */
}

const struct setupapi *setupapi(void)
{
    static struct setupapi api;
    static int state;   /* 0 not tried, 1 loaded, -1 unavailable */
    if (state == 0) {
        /* SetupAPI loads these by name: cabinet.dll to read driver.cab, the driver store
         * (Vista and later) to stage a package, the signature checks of a package */
        static const wchar_t *const by_name[] = {
            L"cabinet.dll", L"drvstore.dll", L"wintrust.dll", L"crypt32.dll", L"mscat32.dll", NULL,
        };
        system_dlls_preload(by_name);
        HMODULE m = system_dll(L"setupapi.dll");
        state = -1;
        if (m) {
#define GET(f) (api.f = (void *)GetProcAddress(m, #f))
            if (GET(SetupCopyOEMInfW) && GET(SetupIterateCabinetW) && GET(SetupOpenInfFileW) &&
                GET(SetupCloseInfFile) && GET(SetupFindFirstLineW) && GET(SetupFindNextLine) &&
                GET(SetupGetStringFieldW))
                state = 1;
            GET(SetupUninstallOEMInfW);
            GET(SetupDiGetClassDevsW);
            GET(SetupDiEnumDeviceInfo);
            GET(SetupDiOpenDevRegKey);
            GET(SetupDiSetClassInstallParamsW);
            GET(SetupDiCallClassInstaller);
            GET(SetupDiGetDeviceInstallParamsW);
            GET(SetupDiRemoveDevice);
            GET(SetupDiDestroyDeviceInfoList);
#undef GET
        }
    }
    return state == 1 ? &api : NULL;
}

void dll_search_harden(void)
{
    HMODULE k = GetModuleHandleW(L"kernel32.dll");
    /* Windows 8, or 7 / 2008 R2 with KB2533623: System32 only */
    BOOL (WINAPI *set_default)(DWORD) =
        k && !dll_test_no_default_dirs ? (void *)GetProcAddress(k, "SetDefaultDllDirectories") : NULL;
    BOOL (WINAPI *set_dir)(LPCWSTR) = k ? (void *)GetProcAddress(k, "SetDllDirectoryW") : NULL;
    if (set_default && set_default(0x00000800 /* LOAD_LIBRARY_SEARCH_SYSTEM32 */)) {
        system32_only = TRUE;
        return;
    }
    /* XP SP1 and later: the current folder leaves the search order */
    if (set_dir)
        set_dir(L"");
}
