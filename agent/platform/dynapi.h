/* APIs newer than Windows 2000 SP4, looked up once at run time.
 * A NULL member means the running Windows does not have it: callers handle that. */
#ifndef P2V_DYNAPI_H
#define P2V_DYNAPI_H
#include <windows.h>

typedef struct {
    ULONG dwOSVersionInfoSize, dwMajorVersion, dwMinorVersion, dwBuildNumber, dwPlatformId;
    WCHAR szCSDVersion[128];
    USHORT wServicePackMajor, wServicePackMinor, wSuiteMask;
    UCHAR wProductType, wReserved;
} p2v_rtl_osversioninfoexw;

struct dynapi {
    BOOL (WINAPI *IsWow64Process)(HANDLE, PBOOL);                 /* XP SP2, 2003 SP1 */
    void (WINAPI *GetNativeSystemInfo)(LPSYSTEM_INFO);            /* XP */
    BOOL (WINAPI *Wow64DisableWow64FsRedirection)(PVOID *);       /* XP x64, 2003 SP1 */
    BOOL (WINAPI *Wow64RevertWow64FsRedirection)(PVOID);          /* XP x64, 2003 SP1 */
    LONG (WINAPI *RtlGetVersion)(p2v_rtl_osversioninfoexw *);     /* ntdll, XP */
    BOOL (WINAPI *GetVolumePathNameW)(LPCWSTR, LPWSTR, DWORD);     /* 2000, looked up to be safe */
    BOOL (WINAPI *GetVolumeNameForVolumeMountPointW)(LPCWSTR, LPWSTR, DWORD);   /* 2000, ditto */
    BOOL (WINAPI *GetFirmwareType)(int *);                        /* 8 / 2012 */
    DWORD (WINAPI *GetFirmwareEnvironmentVariableW)(LPCWSTR, LPCWSTR, PVOID, DWORD);   /* XP */
    BOOLEAN (WINAPI *RtlGenRandom)(PVOID, ULONG);   /* advapi32's SystemFunction036, XP */
    LONG (WINAPI *NtQueryInformationProcess)(HANDLE, ULONG, PVOID, ULONG, PULONG);   /* ntdll */
};

const struct dynapi *dynapi(void);

/* Loads a system DLL from System32 by its full path. DLLs that are not KnownDLLs on every
 * supported Windows (setupapi, version, wintrust, cabinet) are never imported: a static
 * import is resolved through the search order, which starts in the exe's folder, where
 * anyone who can write a download folder or a share could plant a copy. */
HMODULE system_dll(const wchar_t *name);

/* Where Windows has no SetDefaultDllDirectories (XP, 2003, Vista, 7 without KB2533623), a
 * DLL that a system DLL loads by bare name is looked for in the exe's folder first. Loaded
 * beforehand from System32 by full path (names absent there are skipped), it is the one a
 * load by name finds. Done on every Windows: a third layer where the search order is
 * System32 alone, for loads that do not follow it. */
void system_dlls_preload(const wchar_t *const *names);

/* SetupAPI, loaded by system_dll on first use; NULL when it cannot be loaded. */
#include <setupapi.h>
struct setupapi {
    BOOL (WINAPI *SetupCopyOEMInfW)(PCWSTR, PCWSTR, DWORD, DWORD, PWSTR, DWORD, PDWORD, PWSTR *);
    BOOL (WINAPI *SetupIterateCabinetW)(PCWSTR, DWORD, PSP_FILE_CALLBACK_W, PVOID);
    HINF (WINAPI *SetupOpenInfFileW)(PCWSTR, PCWSTR, DWORD, PUINT);
    void (WINAPI *SetupCloseInfFile)(HINF);
    BOOL (WINAPI *SetupFindFirstLineW)(HINF, PCWSTR, PCWSTR, PINFCONTEXT);
    BOOL (WINAPI *SetupFindNextLine)(PINFCONTEXT, PINFCONTEXT);
    BOOL (WINAPI *SetupGetStringFieldW)(PINFCONTEXT, DWORD, PWSTR, DWORD, PDWORD);
    BOOL (WINAPI *SetupUninstallOEMInfW)(PCWSTR, DWORD, PVOID);   /* XP: may be NULL */
    /* the network adapters' devices (netadapter.c), Windows 2000 and later */
    HDEVINFO (WINAPI *SetupDiGetClassDevsW)(const GUID *, PCWSTR, HWND, DWORD);
    BOOL (WINAPI *SetupDiEnumDeviceInfo)(HDEVINFO, DWORD, PSP_DEVINFO_DATA);
    HKEY (WINAPI *SetupDiOpenDevRegKey)(HDEVINFO, PSP_DEVINFO_DATA, DWORD, DWORD, DWORD, REGSAM);
    BOOL (WINAPI *SetupDiSetClassInstallParamsW)(HDEVINFO, PSP_DEVINFO_DATA, PSP_CLASSINSTALL_HEADER, DWORD);
    BOOL (WINAPI *SetupDiCallClassInstaller)(DI_FUNCTION, HDEVINFO, PSP_DEVINFO_DATA);
    BOOL (WINAPI *SetupDiGetDeviceInstallParamsW)(HDEVINFO, PSP_DEVINFO_DATA, PSP_DEVINSTALL_PARAMS_W);
    BOOL (WINAPI *SetupDiRemoveDevice)(HDEVINFO, PSP_DEVINFO_DATA);
    BOOL (WINAPI *SetupDiDestroyDeviceInfoList)(HDEVINFO);
};
const struct setupapi *setupapi(void);
/* At start: the exe's folder and the current folder leave the DLL search order where
 * Windows has SetDefaultDllDirectories; elsewhere only the current folder does. */
void dll_search_harden(void);

/* Two layers keep a DLL planted beside the exe out, and each must hold alone: the search
 * order without the exe's folder (dll_search_harden, where Windows has
 * SetDefaultDllDirectories) and full System32 paths (system_dll). Test builds only
 * (tests/support/fault_backend.c sets them before wmain) turn one off: no_default_dirs
 * as on a Windows without SetDefaultDllDirectories, bare_name makes system_dll load by
 * name through the search order. FALSE in the shipped exe, which has no code that sets
 * them. */
extern BOOL dll_test_no_default_dirs, dll_test_bare_name;
/* Test builds only: no preloading (system_dlls_preload), the control of its test. */
extern BOOL dll_test_no_preload;
#endif
