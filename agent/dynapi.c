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
        api.SetupUninstallOEMInfW = (void *)lookup(L"setupapi.dll", "SetupUninstallOEMInfW");
        api.GetVolumePathNameW = (void *)lookup(L"kernel32.dll", "GetVolumePathNameW");
        api.GetVolumeNameForVolumeMountPointW =
            (void *)lookup(L"kernel32.dll", "GetVolumeNameForVolumeMountPointW");
        api.GetFirmwareType = (void *)lookup(L"kernel32.dll", "GetFirmwareType");
        api.GetFirmwareEnvironmentVariableW =
            (void *)lookup(L"kernel32.dll", "GetFirmwareEnvironmentVariableW");
        done = TRUE;
    }
    return &api;
}
