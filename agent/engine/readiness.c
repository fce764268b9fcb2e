/* Readiness beyond the registry; see readiness.h. Facts from
 * shared/reference/storage-targets.md and Microsoft's documentation of boot.ini, the
 * disk IOCTLs, power settings and device installation policies. Everything here reads;
 * nothing is written. */
#include "readiness.h"
#include "hostfacts.h"
#include "text.h"
#include "winerr.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
    BOOL lettered = have_dev && host_letter_of_device(dev, vol, COUNTOF(vol));

    if (!nt6(&m->os)) {
        /* boot.ini is on the system partition (the active one, with ntldr), which need not
         * be C:. Without a usable SystemPartition, the first fixed drive with one. */
        BOOL found = FALSE;
        if (lettered) {
            wfmt(path, COUNTOF(path), L"%ls\\boot.ini", vol);
            found = bootini_read(path, out);
        }
        DWORD drives = host_fixed_drives();
        for (int i = 0; i < 26 && !found; i++) {
            wchar_t root[4] = {(wchar_t)(L'A' + i), L':', L'\\', 0};
            if (!(drives & (1u << i)))
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

/* Every disk under %SystemRoot%'s volume (a dynamic volume may span several). */
static void probe_dynamic_disk(struct readiness *out)
{
    wchar_t err[256];
    DWORD checked = 0;
    if (!out->system_volume[0])
        return;
    DWORD e = host_volume_dynamic(out->system_volume, &out->dynamic_disk, &checked);
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
        out->hibernation = host_file_present(path);
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
    ULONGLONG avail = 0;
    if (!m->os.systemroot[0])
        return;
    wfmt(path, COUNTOF(path), L"%ls\\system32\\drivers", m->os.systemroot);
    DWORD e = host_free_space(path, m->os.wow64, &avail);
    if (e != ERROR_SUCCESS && out->system_volume[0]) {
        /* The folder should always exist; its volume's root answers the same question. */
        wfmt(path, COUNTOF(path), L"%ls\\", out->system_volume);
        if (host_free_space(path, FALSE, &avail) == ERROR_SUCCESS)
            e = ERROR_SUCCESS;
    }
    if (e != ERROR_SUCCESS) {
        readiness_note(out, FALSE, L"free-space-unknown", L"Could not read the free space of %ls: %ls.",
             path, win_error_text(e, err, COUNTOF(err)));
        return;
    }
    out->drivers_free_bytes = avail;
    if (avail < READINESS_LOW_SPACE_BYTES)
        readiness_note(out, TRUE, L"low-space",
             L"Only %lu MB is free on %ls (the volume of %ls\\system32\\drivers): free at least "
             L"%lu MB before preparing and converting.",
             (unsigned long)(avail / MB), out->system_volume[0] ? out->system_volume : path,
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
    enum firmware fw;
    if (!m->os.offline && (fw = host_firmware()) != FIRMWARE_UNKNOWN)
        return fw;
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control", set);
    if (read_number(b, key, L"PEFirmwareType", &d) && (d == 1 || d == 2))
        return d == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
    return m->os.major == 5 ? FIRMWARE_BIOS : FIRMWARE_UNKNOWN;
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
    /* Vista and later, administrators only; offline, the helper's WMI knows nothing of it */
    out->facts.bitlocker = m->os.offline || m->os.major < 6 ? BITLOCKER_UNKNOWN : host_bitlocker(out->system_volume);
    readiness_decide(&out->facts, &m->os, job, out);
}
