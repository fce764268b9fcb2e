/* What the running machine says outside its registry (hostfacts.h). Facts from Microsoft's
 * documentation of the disk IOCTLs, GetFirmwareType and the BitLocker WMI provider. */
#define COBJMACROS
#include "hostfacts.h"
#include "dynapi.h"
#include "wow64.h"
#include "text.h"
#include <ole2.h>
#include <wbemcli.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <winioctl.h>

/* The disk IOCTLs are codes, not imports: Windows 2000 answers what it knows and fails the
 * rest, which is handled. Defined here in case a header hides them for _WIN32_WINNT=0x0500. */
#ifndef IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS
#define IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS CTL_CODE(0x56, 0, METHOD_BUFFERED, FILE_ANY_ACCESS)
#endif
#ifndef IOCTL_DISK_GET_DRIVE_LAYOUT_EX
#define IOCTL_DISK_GET_DRIVE_LAYOUT_EX \
    CTL_CODE(IOCTL_DISK_BASE, 0x0014, METHOD_BUFFERED, FILE_ANY_ACCESS)
#endif
#ifndef PARTITION_LDM
#define PARTITION_LDM 0x42
#endif
/* The kernel returns entries of this size whatever the headers' NTDDI_VERSION adds. */
_Static_assert(sizeof(PARTITION_INFORMATION_EX) == 144, "PARTITION_INFORMATION_EX layout");

/* GPT partition types of a dynamic disk: LDM metadata and LDM data. */
static const GUID gpt_ldm_metadata =
    {0x5808C8AA, 0x7E8F, 0x42E0, {0x85, 0xD2, 0xE1, 0xE9, 0x04, 0x34, 0xCF, 0xB3}};
static const GUID gpt_ldm_data =
    {0xAF9B60A0, 0x1431, 0x4F62, {0xBC, 0x68, 0x33, 0x11, 0x71, 0x4A, 0x69, 0xAD}};

/* The drive letter ("C:") whose DOS device is the NT device name dev
 * (\Device\HarddiskVolume1). */
BOOL host_letter_of_device(const wchar_t *dev, wchar_t *vol, size_t cch)
{
    DWORD drives = GetLogicalDrives();
    for (int i = 0; i < 26; i++) {
        wchar_t name[3] = {(wchar_t)(L'A' + i), L':', 0}, target[MAX_PATH];
        if (!(drives & (1u << i)))
            continue;
        if (QueryDosDeviceW(name, target, COUNTOF(target)) && !_wcsicmp(target, dev))
            return wcopy(vol, cch, name);
    }
    return FALSE;
}

DWORD host_fixed_drives(void)
{
    DWORD drives = GetLogicalDrives(), fixed = 0;
    for (int i = 0; i < 26; i++) {
        wchar_t root[4] = {(wchar_t)(L'A' + i), L':', L'\\', 0};
        if ((drives & (1u << i)) && GetDriveTypeW(root) == DRIVE_FIXED)
            fixed |= 1u << i;
    }
    return fixed;
}

/* Runs a METHOD_BUFFERED IOCTL with no input, growing the output buffer as needed.
 * On success *out (malloc'ed) holds *got bytes. */
static DWORD ioctl_read(HANDLE h, DWORD code, BYTE **out, DWORD *got)
{
    DWORD size = 16 * 1024, e;
    *out = NULL;
    for (;;) {
        BYTE *buf = malloc(size);
        if (!buf)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (DeviceIoControl(h, code, NULL, 0, buf, size, got, NULL)) {
            *out = buf;
            return ERROR_SUCCESS;
        }
        e = GetLastError();
        free(buf);
        if (e != ERROR_INSUFFICIENT_BUFFER || size >= 1024 * 1024)
            return e;
        size *= 4;
    }
}

/* Whether any partition of \\.\PhysicalDriveN marks a dynamic disk: MBR type 0x42
 * (PARTITION_LDM) or a GPT LDM partition. */
static DWORD disk_is_dynamic(DWORD disk, BOOL *dynamic)
{
    wchar_t name[32];
    DWORD e, got = 0;
    BYTE *buf;
    *dynamic = FALSE;
    wfmt(name, COUNTOF(name), L"\\\\.\\PhysicalDrive%lu", (unsigned long)disk);

    /* IOCTL_DISK_GET_DRIVE_LAYOUT_EX (XP and later) needs no access rights. */
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    e = ioctl_read(h, IOCTL_DISK_GET_DRIVE_LAYOUT_EX, &buf, &got);
    CloseHandle(h);
    if (e == ERROR_SUCCESS) {
        const size_t head = offsetof(DRIVE_LAYOUT_INFORMATION_EX, PartitionEntry);
        const DRIVE_LAYOUT_INFORMATION_EX *l = (const DRIVE_LAYOUT_INFORMATION_EX *)buf;
        size_t room = got >= head ? (got - head) / sizeof(PARTITION_INFORMATION_EX) : 0;
        for (DWORD i = 0; i < room && i < l->PartitionCount; i++) {
            const PARTITION_INFORMATION_EX *p = &l->PartitionEntry[i];
            if (p->PartitionStyle == PARTITION_STYLE_MBR && p->Mbr.PartitionType == PARTITION_LDM)
                *dynamic = TRUE;
            if (p->PartitionStyle == PARTITION_STYLE_GPT &&
                (!memcmp(&p->Gpt.PartitionType, &gpt_ldm_metadata, sizeof(GUID)) ||
                 !memcmp(&p->Gpt.PartitionType, &gpt_ldm_data, sizeof(GUID))))
                *dynamic = TRUE;
        }
        free(buf);
        return ERROR_SUCCESS;
    }
    if (e != ERROR_INVALID_FUNCTION && e != ERROR_NOT_SUPPORTED && e != ERROR_INVALID_PARAMETER)
        return e;

    /* Windows 2000: IOCTL_DISK_GET_DRIVE_LAYOUT (MBR disks only), which wants read access. */
    h = CreateFileW(name, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0,
                    NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    e = ioctl_read(h, IOCTL_DISK_GET_DRIVE_LAYOUT, &buf, &got);
    CloseHandle(h);
    if (e != ERROR_SUCCESS)
        return e;
    const size_t head = offsetof(DRIVE_LAYOUT_INFORMATION, PartitionEntry);
    const DRIVE_LAYOUT_INFORMATION *l = (const DRIVE_LAYOUT_INFORMATION *)buf;
    size_t room = got >= head ? (got - head) / sizeof(PARTITION_INFORMATION) : 0;
    for (DWORD i = 0; i < room && i < l->PartitionCount; i++)
        if (l->PartitionEntry[i].PartitionType == PARTITION_LDM)
            *dynamic = TRUE;
    free(buf);
    return ERROR_SUCCESS;
}

DWORD host_volume_dynamic(const wchar_t *volume, BOOL *dynamic, DWORD *checked)
{
    wchar_t name[16];
    union {
        VOLUME_DISK_EXTENTS v;
        BYTE raw[sizeof(VOLUME_DISK_EXTENTS) + 31 * sizeof(DISK_EXTENT)];
    } ext;
    DWORD got = 0, e = ERROR_SUCCESS;
    *dynamic = FALSE;
    *checked = 0;
    wfmt(name, COUNTOF(name), L"\\\\.\\%ls", volume);
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!DeviceIoControl(h, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, NULL, 0, &ext, sizeof ext, &got, NULL))
        e = GetLastError();
    CloseHandle(h);
    for (DWORD i = 0; e == ERROR_SUCCESS && i < ext.v.NumberOfDiskExtents && i < 32; i++) {
        BOOL dyn = FALSE;
        e = disk_is_dynamic(ext.v.Extents[i].DiskNumber, &dyn);
        *dynamic |= dyn;
        *checked += e == ERROR_SUCCESS;
    }
    return e;
}

BOOL host_file_present(const wchar_t *path)
{
    /* FindFirstFile, not GetFileAttributes: the latter can fail with a sharing violation
     * on files the system holds open, as hiberfil.sys and pagefile.sys are. */
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(path, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_SHARING_VIOLATION;
    FindClose(h);
    return TRUE;
}

DWORD host_free_space(const wchar_t *path, BOOL wow64, ULONGLONG *avail)
{
    ULARGE_INTEGER a, total, free_total;
    PVOID old = NULL;
    BOOL off = FALSE;
    /* A 32-bit p2vprep on 64-bit Windows asks about the native folder, not SysWOW64's
     * (same volume, but SysWOW64\drivers need not exist). */
    const struct dynapi *api = dynapi();
    if (wow64_redirection_off(wow64) && api->Wow64DisableWow64FsRedirection && api->Wow64RevertWow64FsRedirection)
        off = api->Wow64DisableWow64FsRedirection(&old);
    BOOL ok = GetDiskFreeSpaceExW(path, &a, &total, &free_total);
    DWORD e = ok ? ERROR_SUCCESS : GetLastError();
    if (off)
        api->Wow64RevertWow64FsRedirection(old);
    *avail = ok ? a.QuadPart : 0;
    return e;
}

/* GetFirmwareType (8 and later), else the firmware-variable call, which a BIOS machine
 * fails with ERROR_INVALID_FUNCTION (XP and later). */
enum firmware host_firmware(void)
{
    const struct dynapi *api = dynapi();
    int type = 0;
    if (api->GetFirmwareType && api->GetFirmwareType(&type) && (type == 1 || type == 2))
        return type == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
    if (api->GetFirmwareEnvironmentVariableW) {
        BYTE buf[4];
        if (!api->GetFirmwareEnvironmentVariableW(L"", L"{00000000-0000-0000-0000-000000000000}", buf, 0))
            return GetLastError() == ERROR_INVALID_FUNCTION ? FIRMWARE_BIOS : FIRMWARE_UEFI;
    }
    return FIRMWARE_UNKNOWN;
}

/* COM and OLE automation, loaded from System32 only when the BitLocker query runs: as
 * static imports every run (--version and apply included) paid for loading them. */
struct com_api {
    __typeof__(&CoInitializeEx) CoInitializeEx;
    __typeof__(&CoUninitialize) CoUninitialize;
    __typeof__(&CoCreateInstance) CoCreateInstance;
    __typeof__(&CoSetProxyBlanket) CoSetProxyBlanket;
    __typeof__(&SysAllocString) SysAllocString;
    __typeof__(&SysFreeString) SysFreeString;
    __typeof__(&VariantClear) VariantClear;
};

static const struct com_api *com_api(void)
{
    static struct com_api api;
    static int state;   /* 0 not tried, 1 loaded, -1 unavailable */
    if (state == 0) {
        HMODULE ole = system_dll(L"ole32.dll"), aut = system_dll(L"oleaut32.dll");
        state = -1;
#define GET(m, f) (api.f = (__typeof__(api.f))(void *)GetProcAddress(m, #f))
        if (ole && aut && GET(ole, CoInitializeEx) && GET(ole, CoUninitialize) &&
            GET(ole, CoCreateInstance) && GET(ole, CoSetProxyBlanket) && GET(aut, SysAllocString) &&
            GET(aut, SysFreeString) && GET(aut, VariantClear))
            state = 1;
#undef GET
    }
    return state == 1 ? &api : NULL;
}

/* wbemuuid's GUIDs, here rather than linked: its library brings every WMI GUID along */
static const CLSID p2v_CLSID_WbemLocator =
    { 0x4590f811, 0x1d3a, 0x11d0, { 0x89, 0x1f, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 } };
static const IID p2v_IID_IWbemLocator =
    { 0xdc12a687, 0x737f, 0x11cf, { 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 } };

/* BitLocker protection of the system volume, as Windows' own BitLocker WMI provider
 * reports it (Win32_EncryptableVolume.ProtectionStatus: 0 off, 1 on; Vista and later,
 * administrators only). Reading the volume's boot sector would not tell: an unlocked
 * BitLocker volume shows the plain file system to readers. Anything that fails is unknown. */
enum bitlocker host_bitlocker(const wchar_t *volume)
{
    enum bitlocker result = BITLOCKER_UNKNOWN;
    wchar_t query[96];
    const struct com_api *com;
    if (!volume[0] || !(com = com_api()))
        return result;
    HRESULT hr = com->CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
        return result;
    BOOL uninit = SUCCEEDED(hr);
    IWbemLocator *loc = NULL;
    IWbemServices *svc = NULL;
    IEnumWbemClassObject *en = NULL;
    IWbemClassObject *obj = NULL;
    BSTR ns = com->SysAllocString(L"ROOT\\CIMV2\\Security\\MicrosoftVolumeEncryption");
    BSTR wql = com->SysAllocString(L"WQL");
    wfmt(query, COUNTOF(query), L"SELECT ProtectionStatus FROM Win32_EncryptableVolume WHERE DriveLetter='%ls'",
         volume);
    BSTR q = com->SysAllocString(query);
    ULONG got = 0;
    VARIANT v;
    memset(&v, 0, sizeof v);   /* VT_EMPTY, as VariantInit leaves it */
    if (ns && wql && q &&
        SUCCEEDED(com->CoCreateInstance(&p2v_CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                                        &p2v_IID_IWbemLocator, (void **)&loc)) &&
        SUCCEEDED(IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL, &svc)) &&
        SUCCEEDED(com->CoSetProxyBlanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL,
                                    RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE)) &&
        SUCCEEDED(IWbemServices_ExecQuery(svc, wql, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
                                          NULL, &en)) &&
        IEnumWbemClassObject_Next(en, 10000, 1, &obj, &got) == WBEM_S_NO_ERROR && got == 1 &&
        SUCCEEDED(IWbemClassObject_Get(obj, L"ProtectionStatus", 0, &v, NULL, NULL)) &&
        (v.vt == VT_I4 || v.vt == VT_UI4)) {
        if (v.lVal == 1)
            result = BITLOCKER_ON;
        else if (v.lVal == 0)
            result = BITLOCKER_OFF;
    }
    com->VariantClear(&v);
    if (obj)
        IWbemClassObject_Release(obj);
    if (en)
        IEnumWbemClassObject_Release(en);
    if (svc)
        IWbemServices_Release(svc);
    if (loc)
        IWbemLocator_Release(loc);
    com->SysFreeString(q);
    com->SysFreeString(wql);
    com->SysFreeString(ns);
    if (uninit)
        com->CoUninitialize();
    return result;
}

