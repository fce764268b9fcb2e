/* Readiness notes decided from a snapshot (struct readiness_facts): the things next to the
 * disk driver that stop or spoil the first boot after a move, as the field counts them
 * (shared/reference/storage-targets.md, "Today's destinations"). No Win32 calls here:
 * readiness.c reads the facts. */
#include "readiness_rules.h"
#include "bootini.h"
#include "text.h"
#include <wchar.h>

/* ---- the old hypervisor's tools ---- */

/* A guest-tools suite is recognised by a service of its own (marker); its drivers are
 * listed so that the note can say which of them the chosen target still boots from. */
struct tools {
    const wchar_t *name, *platform;
    const wchar_t *marker;
    const wchar_t *drivers[9];
    WORD before;   /* counted only on Windows older than this (0: always) */
};

static const struct tools tools_table[] = {
    /* VMware Tools' installer refuses to uninstall once the VM no longer runs on VMware,
     * which is why the field removes it before the move. */
    { L"VMware Tools", L"VMware", L"VMTools",
      { L"pvscsi", L"vmscsi", L"vmci", L"vmhgfs", L"vmmouse", L"vmxnet3ndis6", L"vm3dmp",
        L"vmrawdsk", NULL }, 0 },
    /* XenServer / XCP-ng and AWS PV drivers share these service names. */
    { L"Xen PV drivers", L"Xen", L"xenbus",
      { L"xenbus", L"xenfilt", L"xenvbd", L"xennet", L"xeniface", NULL }, 0 },
    /* Inbox from 7 / 2008 R2 on: only on older Windows are they an installed extra. */
    { L"Hyper-V Integration Components", L"Hyper-V", L"vmicheartbeat",
      { L"vmbus", L"storvsc", L"storflt", L"netvsc", NULL }, NT_VERSION(6, 1) },
    { L"VirtualBox Guest Additions", L"VirtualBox", L"VBoxService",
      { L"VBoxGuest", L"VBoxMouse", L"VBoxSF", NULL }, 0 },
};

const wchar_t *const *readiness_tool_services(void)
{
    static const wchar_t *names[READINESS_SERVICES_MAX + 1];
    if (!names[0]) {
        int n = 0;
        for (size_t t = 0; t < COUNTOF(tools_table); t++) {
            names[n++] = tools_table[t].marker;
            for (const wchar_t *const *d = tools_table[t].drivers; *d && n < READINESS_SERVICES_MAX; d++)
                names[n++] = *d;
        }
        names[n] = NULL;
    }
    return names;
}

static BOOL has_service(const struct readiness_facts *f, const wchar_t *name)
{
    for (int i = 0; i < f->n_services; i++)
        if (!_wcsicmp(f->services[i], name))
            return TRUE;
    return FALSE;
}

/* Does any rule of the job's targets make this service boot-start? */
static const struct target *target_needing(const struct readiness_job *job, const wchar_t *service)
{
    for (size_t i = 0; job && i < job->n_targets; i++)
        for (size_t k = 0; k < job->targets[i]->n_rules; k++) {
            const struct target_rule *r = &job->targets[i]->rules[k];
            for (size_t s = 0; s < r->n_services; s++)
                if (!_wcsicmp(r->services[s].name, service))
                    return job->targets[i];
        }
    return NULL;
}

void notes_old_tools(const struct readiness_facts *f, const struct os_info *os,
                     const struct readiness_job *job, struct readiness *out)
{
    WORD v = NT_VERSION(os->major > 0xff ? 0xff : os->major, os->minor > 0xff ? 0xff : os->minor);
    for (size_t t = 0; t < COUNTOF(tools_table); t++) {
        const struct tools *tl = &tools_table[t];
        if ((tl->before && v >= tl->before) || !has_service(f, tl->marker))
            continue;
        wchar_t present[256] = L"", keep[256] = L"", needed_by[64] = L"";
        for (const wchar_t *const *d = tl->drivers; *d; d++) {
            if (!has_service(f, *d))
                continue;
            wfmt(present + wcslen(present), COUNTOF(present) - wcslen(present), L", %ls", *d);
            const struct target *need = target_needing(job, *d);
            if (need) {
                wfmt(keep + wcslen(keep), COUNTOF(keep) - wcslen(keep), L"%ls%ls", keep[0] ? L", " : L"", *d);
                wcopy(needed_by, COUNTOF(needed_by), need->name);
            }
        }
        if (keep[0])
            readiness_note(out, FALSE, L"old-tools",
                L"%ls are installed (%ls%ls). The target %ls boots from %ls: keep them until the "
                L"VM runs on the new controller; remove the rest of the suite only if the VM "
                L"leaves %ls.", tl->name, tl->marker, present, needed_by, keep, tl->platform);
        else
            readiness_note(out, TRUE, L"old-tools",
                L"%ls are installed (%ls%ls). If the VM leaves %ls, uninstall them before "
                L"converting: their uninstaller may refuse to run on other hardware, and their "
                L"drivers would keep loading there. The chosen target needs none of them.",
                tl->name, tl->marker, present, tl->platform);
    }
}

/* ---- data disks offline after the move ---- */

static const wchar_t *san_name(DWORD v)
{
    switch (v) {
    case 1: return L"OnlineAll";
    case 2: return L"OfflineShared";
    case 3: return L"OfflineAll";
    case 4: return L"OfflineInternal";
    default: return L"unknown";
    }
}

void notes_san_policy(const struct readiness_facts *f, const struct os_info *os,
                      const struct readiness_job *job, struct readiness *out)
{
    wchar_t today[200];
    if (os->major < 6)   /* partmgr's SAN policy came with Vista / 2008 */
        return;
    BOOL will_set = job && job->san_policy == SAN_ONLINE;
    for (size_t i = 0; job && job->san_policy == SAN_DEFAULT && i < job->n_targets; i++)
        will_set |= job->targets[i]->san_online;
    if (f->san_present && f->san_policy == 1) {
        readiness_note(out, FALSE, L"san-policy",
            L"SAN policy is OnlineAll (SanPolicy=1): data disks come online on the new bus.");
        return;
    }
    if (f->san_present)
        wfmt(today, COUNTOF(today), L"%ls (SanPolicy=%lu)", san_name(f->san_policy),
             (unsigned long)f->san_policy);
    else
        /* VDS_SAN_POLICY (Microsoft): OfflineShared is the default of Server 2008
         * Enterprise/Datacenter and of every Server 2016 edition; OnlineAll otherwise. */
        wcopy(today, COUNTOF(today), os->product_type == VER_NT_WORKSTATION
            ? L"not set (client Windows: OnlineAll)"
            : L"not set (Windows' default: OfflineShared on Server 2008 Enterprise/Datacenter "
              L"and every Server 2016 or later edition)");
    if (will_set)
        readiness_note(out, FALSE, L"san-policy",
            L"SAN policy today: %ls; apply sets OnlineAll in every control set so that data "
            L"disks come online on the new bus (--san-policy keep leaves it).", today);
    else if (!f->san_present && os->product_type == VER_NT_WORKSTATION)
        readiness_note(out, FALSE, L"san-policy", L"SAN policy: %ls.", today);
    else
        readiness_note(out, TRUE, L"san-policy",
            L"SAN policy today: %ls: data disks found on the new bus may stay offline after the "
            L"move. Run apply with --san-policy online, or bring them online in the VM "
            L"(diskpart: san policy=OnlineAll, online disk).", today);
}

/* ---- a restart pending ---- */

void notes_pending_reboot(const struct readiness_facts *f, struct readiness *out)
{
    wchar_t why[200] = L"";
    if (f->pending_renames)
        wcopy(why, COUNTOF(why), L"files to replace at restart (PendingFileRenameOperations)");
    if (f->servicing_reboot)
        wfmt(why + wcslen(why), COUNTOF(why) - wcslen(why), L"%lscomponent servicing",
             why[0] ? L", " : L"");
    if (f->update_reboot)
        wfmt(why + wcslen(why), COUNTOF(why) - wcslen(why), L"%lsWindows Update", why[0] ? L", " : L"");
    if (why[0])
        readiness_note(out, TRUE, L"pending-reboot",
            L"A restart is pending (%ls): the converted disk would first finish that work on "
            L"unfamiliar hardware. Restart the server and run check again before converting.", why);
}

/* ---- BitLocker ---- */

void notes_bitlocker(const struct readiness_facts *f, struct readiness *out)
{
    if (f->bitlocker == BITLOCKER_ON)
        readiness_note(out, TRUE, L"bitlocker-on",
            L"BitLocker protects the system volume: on the new hardware (no TPM, other "
            L"firmware) Windows asks for the recovery key. Suspend protection before converting "
            L"(manage-bde -protectors -disable C: -RebootCount 0) and keep the recovery key at hand.");
}

/* ---- filters on the disk and SCSI adapter classes ---- */

/* Windows' own filters on these two classes: the partition manager, the Enhanced Storage
 * filter (7 and later), the disk I/O rate filter (10), and Hyper-V's storage filters.
 * Not an exhaustive list from Microsoft: a Microsoft filter missing here shows up as a
 * note to check by hand. */
static const wchar_t *const windows_filters[] = {
    L"partmgr", L"EhStorClass", L"iorate", L"storflt", L"vmstorfl", NULL,
};

void notes_class_filters(const struct readiness_facts *f, struct readiness *out)
{
    wchar_t list[300] = L"";
    for (int i = 0; i < f->n_filters; i++) {
        BOOL own = FALSE;
        for (const wchar_t *const *w = windows_filters; *w; w++)
            own |= !_wcsicmp(*w, f->filters[i].name);
        if (!own)
            wfmt(list + wcslen(list), COUNTOF(list) - wcslen(list), L"%ls%ls (%ls, %ls)",
                 list[0] ? L", " : L"", f->filters[i].name, f->filters[i].class_name,
                 f->filters[i].upper ? L"upper" : L"lower");
    }
    if (list[0])
        readiness_note(out, TRUE, L"class-filter",
            L"Third-party filter drivers sit on every disk or SCSI controller: %ls. They load "
            L"on the new controller too, and one that fails to start there stops the VM with "
            L"0x7B: check that its vendor supports the new platform, or remove it before converting.",
            list);
}

/* ---- firmware ---- */

static BOOL job_has(const struct readiness_job *job, const wchar_t *name)
{
    for (size_t i = 0; job && i < job->n_targets; i++)
        if (!_wcsicmp(job->targets[i]->name, name))
            return TRUE;
    return FALSE;
}

void notes_firmware(const struct readiness_facts *f, const struct os_info *os,
                    const struct readiness_job *job, struct readiness *out)
{
    if (f->firmware == FIRMWARE_BIOS)
        readiness_note(out, FALSE, L"firmware",
            L"This Windows boots with BIOS: give the VM BIOS firmware (Hyper-V Generation 1, "
            L"which boots from emulated IDE; SeaBIOS on KVM; BIOS on VMware).");
    else if (f->firmware == FIRMWARE_UEFI)
        readiness_note(out, FALSE, L"firmware",
            L"This Windows boots with UEFI: give the VM UEFI firmware (Hyper-V Generation 2, "
            L"OVMF on KVM, EFI on VMware); with BIOS it would not find its boot loader.");
    /* Hyper-V Generation 2 (the only UEFI one) runs 64-bit Windows 8 / 2012 and later. */
    BOOL gen2_ok = os->arch == ARCH_X64 && (os->major > 6 || (os->major == 6 && os->minor >= 2));
    if (f->firmware == FIRMWARE_UEFI && job_has(job, L"hyperv") && !gen2_ok)
        readiness_note(out, TRUE, L"firmware-mismatch",
            L"Hyper-V runs UEFI guests only as Generation 2, which needs 64-bit Windows 8 / 2012 "
            L"or later; this UEFI Windows (%lu.%lu, %ls) must have its boot converted to BIOS "
            L"(MBR) before it can run as Generation 1.", (unsigned long)os->major,
            (unsigned long)os->minor, arch_name(os->arch));
}

void readiness_decide(const struct readiness_facts *f, const struct os_info *os,
                      const struct readiness_job *job, struct readiness *out)
{
    notes_san_policy(f, os, job, out);
    notes_pending_reboot(f, out);
    notes_bitlocker(f, out);
    notes_class_filters(f, out);
    notes_old_tools(f, os, job, out);
    notes_firmware(f, os, job, out);
}

/* ---- shared by the notes and the probes ---- */

void readiness_note(struct readiness *r, BOOL warning, const wchar_t *code, const wchar_t *fmt, ...)
{
    if (r->n_notes >= READINESS_NOTES_MAX)
        return;
    struct readiness_note *n = &r->notes[r->n_notes++];
    va_list ap;
    wcopy(n->code, COUNTOF(n->code), code);
    va_start(ap, fmt);
    wfmtv(n->message, COUNTOF(n->message), fmt, ap);
    va_end(ap);
    n->warning = warning;
}

const struct readiness_note *readiness_find(const struct readiness *r, const wchar_t *code)
{
    for (int i = 0; i < r->n_notes; i++)
        if (!wcscmp(r->notes[i].code, code))
            return &r->notes[i];
    return NULL;
}

void readiness_boot_notes(const struct os_info *os, struct readiness *out)
{
    if (!bootini_volume_of(os->systemroot, out->system_volume, COUNTOF(out->system_volume)))
        out->system_volume[0] = 0;
    out->boot_files_elsewhere = out->boot_volume[0] && out->system_volume[0] &&
                                _wcsicmp(out->boot_volume, out->system_volume) != 0;
    if (out->boot_files_elsewhere)
        /* The seed's layout: boot.ini on a 100 MB C:, \WINDOWS on D: = partition(2).
         * Converters that reconfigure the copy offline assume C:\WINDOWS and fail here
         * (VMware KB 1005208, "virtual machine reconfiguration failed"). */
        readiness_note(out, TRUE, L"boot-files-elsewhere",
             L"The boot files (%ls) are on %ls but Windows is on %ls: p2vprep prepares the "
             L"running system, so this layout is fine for it, but a converter's own "
             L"reconfiguration step may fail on it and should be skipped.",
             out->boot_ini[0] ? L"boot.ini, ntldr" : L"bootmgr, \\Boot\\BCD",
             out->boot_volume, out->system_volume);

    if (!out->boot_ini[0])
        return;
    int rdisk, partition;
    wchar_t dir[MAX_PATH];
    if (arc_path_parse(out->boot_default, &rdisk, &partition, dir, COUNTOF(dir)))
        readiness_note(out, FALSE, L"boot-ini-default",
             L"%ls starts \"%ls\" by default from %ls (disk %d, partition %d, folder %ls).",
             out->boot_ini, out->boot_default_title[0] ? out->boot_default_title : L"(no title)",
             out->boot_default, rdisk, partition, dir[0] ? dir : L"\\");
    else
        readiness_note(out, FALSE, L"boot-ini-default", L"%ls starts \"%ls\" by default from %ls.",
             out->boot_ini, out->boot_default_title[0] ? out->boot_default_title : L"(no title)",
             out->boot_default);
    /* A multi-boot machine whose default is another installation: the VM would start a
     * Windows p2vprep did not prepare. Only the folder can be compared: rdisk() counts
     * BIOS disks, which need not match Windows' disk numbers. */
    if (dir[0] && os->systemroot[0] && os->systemroot[1] == L':' &&
        !same_folder(dir, os->systemroot + 2))
        readiness_note(out, TRUE, L"boot-default-other-windows",
             L"boot.ini's default entry starts %ls but this Windows is %ls: choose this "
             L"Windows as boot.ini's default before converting, or the VM starts an "
             L"installation p2vprep did not prepare.",
             out->boot_default, os->systemroot);
}
