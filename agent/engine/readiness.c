/* Readiness beyond the registry; see readiness.h. Facts from
 * shared/reference/storage-targets.md and Microsoft's documentation of boot.ini, the
 * disk IOCTLs, power settings and device installation policies. Everything here reads;
 * nothing is written. */
#define COBJMACROS
#include "readiness.h"
#include "wow64.h"
#include "dynapi.h"
#include <ole2.h>
#include <wbemcli.h>
#include "text.h"
#include "winerr.h"
#include <stdarg.h>
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

#define MB (1024ull * 1024)

static BOOL nt6(const struct os_info *os) { return os->major >= 6; }
static BOOL nt62(const struct os_info *os)
{
    return os->major > 6 || (os->major == 6 && os->minor >= 2);
}

/* Select\Current names the control set the running system uses; without it,
 * CurrentControlSet (a link, fine for reading). */
static void current_set(const struct machine *m, wchar_t *set, size_t cch)
{
    if (m->select_present[SEL_CURRENT])
        wfmt(set, cch, L"ControlSet%03lu", (unsigned long)m->select[SEL_CURRENT]);
    else
        wcopy(set, cch, L"CurrentControlSet");
}

/* ---- volumes ---------------------------------------------------------------------- */

/* The drive letter ("C:") whose DOS device is the NT device name dev
 * (\Device\HarddiskVolume1). */
static BOOL letter_of_device(const wchar_t *dev, wchar_t *vol, size_t cch)
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

/* HKLM\SYSTEM\Setup SystemPartition: the NT name of the partition holding the boot
 * files (ntldr + boot.ini on NT5, bootmgr + \Boot\BCD on NT6+). */
static BOOL read_system_partition(const struct backend *b, wchar_t *dev, size_t cch)
{
    struct regval v;
    dev[0] = 0;
    return b->read_value(b->ctx, L"SYSTEM\\Setup", L"SystemPartition", &v) == ERROR_SUCCESS &&
           regval_string(&v, dev, cch) && dev[0] != 0;
}

static void probe_boot_files(const struct backend *b, const struct machine *m, struct readiness *out)
{
    wchar_t dev[MAX_PATH], vol[8], path[MAX_PATH];
    BOOL have_dev = read_system_partition(b, dev, COUNTOF(dev));
    BOOL lettered = have_dev && letter_of_device(dev, vol, COUNTOF(vol));

    if (!nt6(&m->os)) {
        /* boot.ini is on the system partition (the active one, with ntldr), which need not
         * be C:. Without a usable SystemPartition, the first fixed drive with one. */
        BOOL found = FALSE;
        if (lettered) {
            wfmt(path, COUNTOF(path), L"%ls\\boot.ini", vol);
            found = bootini_read(path, out);
        }
        DWORD drives = GetLogicalDrives();
        for (int i = 0; i < 26 && !found; i++) {
            wchar_t root[4] = {(wchar_t)(L'A' + i), L':', L'\\', 0};
            if (!(drives & (1u << i)) || GetDriveTypeW(root) != DRIVE_FIXED)
                continue;
            wfmt(path, COUNTOF(path), L"%lsboot.ini", root);
            found = bootini_read(path, out);
        }
        /* ntldr is on the system partition even when boot.ini is not found there. */
        if (!found && lettered)
            wcopy(out->boot_volume, COUNTOF(out->boot_volume), vol);
        if (!found)
            readiness_note(out, FALSE, L"no-boot-ini",
                 L"No boot.ini with a default entry was found on the system partition%ls%ls or at "
                 L"the root of any fixed drive, so the boot layout could not be checked.",
                 lettered ? L" " : L"", lettered ? vol : L"");
    } else if (lettered) {
        wcopy(out->boot_volume, COUNTOF(out->boot_volume), vol);
    } else if (have_dev) {
        readiness_note(out, FALSE, L"system-partition-no-letter",
             L"The system partition (%ls, holding bootmgr and \\Boot\\BCD) has no drive letter; "
             L"converters normally copy it as it is.", dev);
    }
    readiness_boot_notes(&m->os, out);
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

/* Every disk under %SystemRoot%'s volume (a dynamic volume may span several). */
static void probe_dynamic_disk(struct readiness *out)
{
    wchar_t name[16], err[256];
    union {
        VOLUME_DISK_EXTENTS v;
        BYTE raw[sizeof(VOLUME_DISK_EXTENTS) + 31 * sizeof(DISK_EXTENT)];
    } ext;
    DWORD got = 0, e = ERROR_SUCCESS;

    if (!out->system_volume[0])
        return;
    wfmt(name, COUNTOF(name), L"\\\\.\\%ls", out->system_volume);
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        e = GetLastError();
    } else {
        if (!DeviceIoControl(h, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, NULL, 0, &ext, sizeof ext,
                             &got, NULL))
            e = GetLastError();
        CloseHandle(h);
    }
    DWORD checked = 0;
    for (DWORD i = 0; e == ERROR_SUCCESS && i < ext.v.NumberOfDiskExtents && i < 32; i++) {
        BOOL dyn = FALSE;
        e = disk_is_dynamic(ext.v.Extents[i].DiskNumber, &dyn);
        if (dyn)
            out->dynamic_disk = TRUE;
        checked += e == ERROR_SUCCESS;
    }
    if (out->dynamic_disk)
        readiness_note(out, TRUE, L"dynamic-disk",
             L"%ls is on a dynamic disk: converters and this kind of preparation assume basic "
             L"disks and the VM's disk stays dynamic, so check that your converter supports "
             L"dynamic disks before converting.",
             out->system_volume);
    else if (e != ERROR_SUCCESS)
        readiness_note(out, FALSE, L"disk-layout-unknown",
             L"Could not determine whether %ls is on a dynamic disk (%ls).", out->system_volume,
             win_error_text(e, err, COUNTOF(err)));
    else if (checked == 0)
        /* Wine answers the volume IOCTL with no extents at all. */
        readiness_note(out, FALSE, L"disk-layout-unknown",
             L"Could not determine whether %ls is on a dynamic disk (the volume reported no disks).",
             out->system_volume);
}

/* ---- registry ---------------------------------------------------------------------- */

/* A REG_DWORD, or the first byte of a REG_BINARY (Driver Signing\Policy is stored both
 * ways). FALSE when absent, unreadable or of another type. */
static BOOL read_number(const struct backend *b, const wchar_t *key, const wchar_t *name, DWORD *d)
{
    struct regval v;
    if (b->read_value(b->ctx, key, name, &v) != ERROR_SUCCESS || !v.present || v.truncated)
        return FALSE;
    if (v.type == REG_DWORD && v.size == 4) {
        memcpy(d, v.data, 4);
        return TRUE;
    }
    if (v.type == REG_BINARY && v.size >= 1) {
        *d = v.data[0];
        return TRUE;
    }
    return FALSE;
}

static BOOL file_exists(const wchar_t *path)
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

static void probe_power(const struct backend *b, const struct machine *m, struct readiness *out)
{
    wchar_t set[32], key[P2V_KEY_MAX], path[MAX_PATH];
    DWORD d;
    if (!nt62(&m->os))
        return;
    current_set(m, set, COUNTOF(set));

    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Power", set);
    if (read_number(b, key, L"HibernateEnabled", &d)) {
        out->hibernation = d != 0;
    } else if (out->system_volume[0]) {
        wfmt(path, COUNTOF(path), L"%ls\\hiberfil.sys", out->system_volume);
        out->hibernation = file_exists(path);
    }
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Session Manager\\Power", set);
    out->fast_startup = read_number(b, key, L"HiberbootEnabled", &d) && d == 1;

    if (out->hibernation)
        readiness_note(out, TRUE, L"hibernation-on",
             L"Hibernation is on: a hibernated Windows leaves its volumes in a state converters "
             L"may copy inconsistently, so run powercfg /h off before converting.");
    if (out->fast_startup && out->hibernation)
        readiness_note(out, TRUE, L"fast-startup-on",
             L"Fast Startup is on (HiberbootEnabled=1): a shut-down Windows is really "
             L"hibernated and converters may copy its volumes inconsistently, so run "
             L"powercfg /h off (which also turns Fast Startup off) before converting.");
    else if (out->fast_startup)
        /* Fast Startup needs the hibernation file; with hibernation off it does nothing. */
        readiness_note(out, FALSE, L"fast-startup-on",
             L"Fast Startup is set (HiberbootEnabled=1) but has no effect while hibernation "
             L"is off; leave hibernation off until the conversion is done.");
}

static void probe_free_space(const struct machine *m, struct readiness *out)
{
    wchar_t path[MAX_PATH], err[256];
    ULARGE_INTEGER avail, total, free_total;
    PVOID old = NULL;
    BOOL off = FALSE, ok;
    DWORD e = ERROR_SUCCESS;

    if (!m->os.systemroot[0])
        return;
    wfmt(path, COUNTOF(path), L"%ls\\system32\\drivers", m->os.systemroot);
    /* A 32-bit p2vprep on 64-bit Windows asks about the native folder, not SysWOW64's
     * (same volume, but SysWOW64\drivers need not exist). */
    const struct dynapi *api = dynapi();
    if (wow64_redirection_off(m->os.wow64) && api->Wow64DisableWow64FsRedirection && api->Wow64RevertWow64FsRedirection)
        off = api->Wow64DisableWow64FsRedirection(&old);
    ok = GetDiskFreeSpaceExW(path, &avail, &total, &free_total);
    if (!ok)
        e = GetLastError();
    if (off)
        api->Wow64RevertWow64FsRedirection(old);
    if (!ok && out->system_volume[0]) {
        /* The folder should always exist; its volume's root answers the same question. */
        wfmt(path, COUNTOF(path), L"%ls\\", out->system_volume);
        ok = GetDiskFreeSpaceExW(path, &avail, &total, &free_total);
    }
    if (!ok) {
        readiness_note(out, FALSE, L"free-space-unknown", L"Could not read the free space of %ls: %ls.",
             path, win_error_text(e, err, COUNTOF(err)));
        return;
    }
    out->drivers_free_bytes = avail.QuadPart;
    if (avail.QuadPart < READINESS_LOW_SPACE_BYTES)
        readiness_note(out, TRUE, L"low-space",
             L"Only %lu MB is free on %ls (the volume of %ls\\system32\\drivers): free at least "
             L"%lu MB before preparing and converting.",
             (unsigned long)(avail.QuadPart / MB), out->system_volume[0] ? out->system_volume : path,
             m->os.systemroot, (unsigned long)(READINESS_LOW_SPACE_BYTES / MB));
}

static void probe_policies(const struct backend *b, const struct machine *m, struct readiness *out)
{
    DWORD d;
    if (nt6(&m->os)) {
        /* Device Installation Restrictions (Group Policy, Vista and later): Windows refuses
         * to install drivers for devices the policy does not allow, which blocks staging
         * the controller's driver package and installing it for the VM's new device. */
        static const wchar_t key[] =
            L"SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions";
        static const wchar_t *const names[] = {
            L"DenyUnspecified", L"DenyDeviceClasses", L"DenyDeviceIDs",
        };
        wchar_t which[128] = L"";
        for (size_t i = 0; i < COUNTOF(names); i++)
            if (read_number(b, key, names[i], &d) && d == 1)
                wfmt(which + wcslen(which), COUNTOF(which) - wcslen(which), L"%ls%ls=1",
                     which[0] ? L", " : L"", names[i]);
        if (which[0])
            readiness_note(out, TRUE, L"driver-install-policy",
                 L"Group Policy restricts device installation (HKLM\\%ls: %ls): Windows may "
                 L"refuse the virtual controller's driver, so allow its device class or "
                 L"hardware ID, or lift the restriction, before converting.",
                 key, which);
    } else {
        /* NT5 driver signing policy: 0 ignore, 1 warn, 2 block. p2vprep copies the driver
         * and writes its registry entries itself, so Windows' installer never asks. */
        if (read_number(b, L"SOFTWARE\\Microsoft\\Driver Signing", L"Policy", &d) && d == 2)
            readiness_note(out, FALSE, L"driver-signing-policy",
                 L"Driver signing policy is set to block unsigned drivers: Windows' own installer "
                 L"would refuse an unsigned payload driver, but p2vprep installs the files "
                 L"itself, so this only matters if you install drivers by other means.");
    }
}

/* ---- the facts readiness_notes.c decides from ---------------------------------------- */

static BOOL key_present(const struct backend *b, const wchar_t *key)
{
    return b->key_exists(b->ctx, key) == ERROR_SUCCESS;
}

/* UpperFilters / LowerFilters of the disk drive and SCSI adapter classes (REG_MULTI_SZ). */
static void probe_class_filters(const struct backend *b, const wchar_t *set, struct readiness_facts *f)
{
    static const struct { const wchar_t *guid, *name; } classes[] = {
        { CLASS_DISKDRIVE, L"disk drives" }, { CLASS_SCSIADAPTER, L"SCSI adapters" },
    };
    for (size_t c = 0; c < COUNTOF(classes); c++)
        for (int upper = 1; upper >= 0; upper--) {
            wchar_t key[P2V_KEY_MAX];
            struct regval v;
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class\\%ls", set, classes[c].guid);
            if (b->read_value(b->ctx, key, upper ? L"UpperFilters" : L"LowerFilters", &v) != ERROR_SUCCESS ||
                !v.present || v.truncated || (v.type != REG_MULTI_SZ && v.type != REG_SZ))
                continue;
            const wchar_t *p = (const wchar_t *)v.data, *end = p + v.size / sizeof(wchar_t);
            while (p < end && *p && f->n_filters < READINESS_FILTERS_MAX) {
                size_t n = 0;
                while (p + n < end && p[n])
                    n++;
                struct class_filter *cf = &f->filters[f->n_filters++];
                size_t k;
                cf->class_name = classes[c].name;
                cf->upper = upper;
                for (k = 0; k < n && k + 1 < COUNTOF(cf->name); k++)
                    cf->name[k] = p[k];
                cf->name[k] = 0;
                p += n + 1;
            }
        }
}

/* BIOS or UEFI: GetFirmwareType (8 and later), else the firmware-variable call, which a
 * BIOS machine fails with ERROR_INVALID_FUNCTION (XP and later); offline, the
 * PEFirmwareType value Windows records (1 BIOS, 2 UEFI). 2000/XP/2003 boot only with BIOS
 * on x86 and x64. */
static enum firmware probe_firmware(const struct backend *b, const struct machine *m, const wchar_t *set)
{
    wchar_t key[P2V_KEY_MAX];
    DWORD d;
    const struct dynapi *api = dynapi();
    if (!m->os.offline) {
        int type = 0;
        if (api->GetFirmwareType && api->GetFirmwareType(&type) && (type == 1 || type == 2))
            return type == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
        if (api->GetFirmwareEnvironmentVariableW) {
            BYTE buf[4];
            if (!api->GetFirmwareEnvironmentVariableW(L"", L"{00000000-0000-0000-0000-000000000000}", buf, 0))
                return GetLastError() == ERROR_INVALID_FUNCTION ? FIRMWARE_BIOS : FIRMWARE_UEFI;
        }
    }
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control", set);
    if (read_number(b, key, L"PEFirmwareType", &d) && (d == 1 || d == 2))
        return d == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
    return m->os.major == 5 ? FIRMWARE_BIOS : FIRMWARE_UNKNOWN;
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
static enum bitlocker probe_bitlocker(const struct machine *m, const wchar_t *volume)
{
    enum bitlocker result = BITLOCKER_UNKNOWN;
    wchar_t query[96];
    const struct com_api *com;
    if (m->os.offline || m->os.major < 6 || !volume[0] || !(com = com_api()))
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

static void probe_facts(const struct backend *b, const struct machine *m, struct readiness_facts *f)
{
    wchar_t set[32], key[P2V_KEY_MAX];
    struct regval v;
    DWORD d;
    current_set(m, set, COUNTOF(set));
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\partmgr\\Parameters", set);
    f->san_present = read_number(b, key, L"SanPolicy", &d);
    f->san_policy = f->san_present ? d : 0;

    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Session Manager", set);
    /* an empty REG_MULTI_SZ is one or two terminators */
    f->pending_renames = b->read_value(b->ctx, key, L"PendingFileRenameOperations", &v) == ERROR_SUCCESS &&
                         v.present && v.size > 2 * sizeof(wchar_t);
    if (!m->os.offline) {   /* offline, only the SYSTEM hive is reachable */
        f->servicing_reboot = key_present(b,
            L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending");
        f->update_reboot = key_present(b,
            L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired");
    }
    probe_class_filters(b, set, f);
    for (const wchar_t *const *s = readiness_tool_services(); *s && f->n_services < READINESS_SERVICES_MAX; s++) {
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", set, *s);
        if (key_present(b, key))
            wcopy(f->services[f->n_services++], COUNTOF(f->services[0]), *s);
    }
    f->firmware = probe_firmware(b, m, set);
}

void readiness_probe(const struct backend *b, const struct machine *m, const struct readiness_job *job,
                     struct readiness *out)
{
    memset(out, 0, sizeof *out);
    /* An offline Windows' boot files are judged by --offline's own boot.ini check; the
     * running system partition is the helper's, not its. */
    if (m->os.offline) {
        if (!bootini_volume_of(m->os.systemroot, out->system_volume, COUNTOF(out->system_volume)))
            out->system_volume[0] = 0;
        readiness_note(out, FALSE, L"offline-software-not-read",
             L"Offline, only the SYSTEM hive is read: device-installation and driver-signing "
             L"policies (in the SOFTWARE hive) are not checked.");
    } else {
        probe_boot_files(b, m, out);     /* also sets system_volume */
    }
    probe_dynamic_disk(out);
    probe_power(b, m, out);
    probe_free_space(m, out);
    probe_policies(b, m, out);
    probe_facts(b, m, &out->facts);
    out->facts.bitlocker = probe_bitlocker(m, out->system_volume);
    readiness_decide(&out->facts, &m->os, job, out);
}
