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
    BOOL (WINAPI *SetupUninstallOEMInfW)(PCWSTR, DWORD, PVOID);   /* setupapi, XP */
    BOOL (WINAPI *GetVolumePathNameW)(LPCWSTR, LPWSTR, DWORD);     /* 2000, looked up to be safe */
    BOOL (WINAPI *GetVolumeNameForVolumeMountPointW)(LPCWSTR, LPWSTR, DWORD);   /* 2000, ditto */
    BOOL (WINAPI *GetFirmwareType)(int *);                        /* 8 / 2012 */
    DWORD (WINAPI *GetFirmwareEnvironmentVariableW)(LPCWSTR, LPCWSTR, PVOID, DWORD);   /* XP */
};

const struct dynapi *dynapi(void);
#endif
