#include "targets.h"
#include <wchar.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SERVICES(a) a, N(a)
#define CDD(a) a, N(a)

/* ---- LSI Logic Parallel (VMware "lsilogic"): PCI 1000:0030, VMware subsystem 15AD:1976.
 * Both the bare ID and the subsystem-qualified one are written: Windows matches the most
 * specific ID first, and the bare one also covers other hypervisors' LSI emulation
 * (VMware KB 1005208 / Broadcom 310144; virt-v2v drops SUBSYS for the same reason). */
static const struct service_spec symmpi[] = {
    { L"symmpi", L"symmpi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct service_spec lsi_scsi_inbox[] = {
    { L"LSI_SCSI", L"lsi_scsi.sys", L"SCSI miniport", SRC_INBOX, TRUE },
};
static const struct service_spec lsi_scsi_package[] = {
    { L"LSI_SCSI", L"lsi_scsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE },
};
static const struct cdd_spec lsilogic_symmpi[] = {
    { L"pci#ven_1000&dev_0030", L"symmpi", CLASS_SCSIADAPTER },
    { L"pci#ven_1000&dev_0030&subsys_197615ad", L"symmpi", CLASS_SCSIADAPTER },
};
static const struct cdd_spec lsilogic_lsi_scsi[] = {
    { L"pci#ven_1000&dev_0030", L"LSI_SCSI", CLASS_SCSIADAPTER },
    { L"pci#ven_1000&dev_0030&subsys_197615ad", L"LSI_SCSI", CLASS_SCSIADAPTER },
};
static const struct target_rule lsilogic[] = {
    /* NT5 has no driver of its own for it. */
    { GEN_NT5, ARCH_ALL, NULL, SERVICES(symmpi), CDD(lsilogic_symmpi), NULL, NULL },
    /* Vista to 2008 R2 ship LSI_SCSI; it only has to be made boot-start. */
    { GEN_NT6, ARCH_ALL, NULL, SERVICES(lsi_scsi_inbox), CDD(lsilogic_lsi_scsi), NULL, NULL },
    /* Later Windows dropped LSI_SCSI at some release: inbox where present, else the
     * package from the payload. */
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(lsi_scsi_inbox), NULL, 0, NULL, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(lsi_scsi_package), NULL, 0, NULL, L"lsi_scsi.inf" },
};

/* ---- LSI Logic SAS 1068 (VMware "lsisas1068"): PCI 1000:0054. */
static const struct service_spec lsi_sas_payload[] = {
    { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct service_spec lsi_sas_inbox[] = {
    { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport", SRC_INBOX, TRUE },
};
static const struct cdd_spec lsisas[] = {
    { L"pci#ven_1000&dev_0054", L"LSI_SAS", CLASS_SCSIADAPTER },
    { L"pci#ven_1000&dev_0054&subsys_197615ad", L"LSI_SAS", CLASS_SCSIADAPTER },
};
static const struct target_rule lsisas1068[] = {
    { GEN_NT5, ARCH_ALL, NULL, SERVICES(lsi_sas_payload), CDD(lsisas), NULL, NULL },
    { GEN_NT6 | GEN_NT62, ARCH_ALL, NULL, SERVICES(lsi_sas_inbox), CDD(lsisas), NULL, NULL },
};

/* ---- VMware Paravirtual SCSI: PCI 15AD:07C0. The driver comes with VMware Tools; recent
 * Windows carries an inbox one (pvscsii) whose first release is not established, so it is
 * used where present. */
static const struct service_spec pvscsi_payload[] = {
    { L"pvscsi", L"pvscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct service_spec pvscsi_inbox[] = {
    { L"pvscsii", L"pvscsii.sys", L"SCSI miniport", SRC_INBOX, TRUE },
};
static const struct service_spec pvscsi_package[] = {
    { L"pvscsi", L"pvscsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE },
};
static const struct cdd_spec pvscsi_ids[] = {
    { L"pci#ven_15ad&dev_07c0", L"pvscsi", CLASS_SCSIADAPTER },
    { L"pci#ven_15ad&dev_07c0&subsys_07c015ad", L"pvscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule pvscsi[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NULL, SERVICES(pvscsi_payload), CDD(pvscsi_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(pvscsi_inbox), NULL, 0, NULL, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(pvscsi_package), NULL, 0, NULL, L"pvscsi.inf" },
};

/* ---- BusLogic (VMware "buslogic"): PCI 104B:1040, VMware's vmscsi, 32-bit only. */
static const struct service_spec vmscsi[] = {
    { L"vmscsi", L"vmscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct cdd_spec buslogic_ids[] = {
    { L"pci#ven_104b&dev_1040", L"vmscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule buslogic[] = {
    { GEN_NT5, ARCH_X86, NULL, SERVICES(vmscsi), CDD(buslogic_ids), NULL, NULL },
    { GEN_NT5, ARCH_X64, L"there is no 64-bit BusLogic driver; choose lsilogic or lsisas1068",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6 | GEN_NT62, ARCH_ALL,
      L"BusLogic is supported only for 32-bit Windows 2000/XP/2003; choose lsisas1068 or pvscsi",
      NULL, 0, NULL, 0, NULL, NULL },
};

/* ---- IDE (PIIX3 8086:7010, PIIX4 8086:7111): Windows' own atapi, intelide and pciide,
 * with the CriticalDeviceDatabase set of Microsoft's KB 314082 ("MergeIDE"). */
static const struct service_spec ide_services[] = {
    { L"atapi", L"atapi.sys", L"SCSI miniport", SRC_INBOX, FALSE },
    { L"intelide", L"intelide.sys", L"System Bus Extender", SRC_INBOX, FALSE },
    { L"pciide", L"pciide.sys", L"System Bus Extender", SRC_INBOX, FALSE },
};
static const struct cdd_spec ide_ids[] = {
    { L"primary_ide_channel", L"atapi", CLASS_HDC },
    { L"secondary_ide_channel", L"atapi", CLASS_HDC },
    { L"*pnp0600", L"atapi", CLASS_HDC },
    { L"*azt0502", L"atapi", CLASS_HDC },
    { L"gendisk", L"disk", CLASS_DISKDRIVE },
    { L"pci#cc_0101", L"pciide", CLASS_HDC },
    { L"pci#ven_8086&dev_7010", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_7111", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_1222", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_1230", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_2411", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_2421", L"intelide", CLASS_HDC },
    { L"pci#ven_8086&dev_7199", L"intelide", CLASS_HDC },
};
/* pciidex.sys is the library intelide and pciide link against. */
static const wchar_t *const ide_libraries[] = { L"pciidex.sys", NULL };
static const struct target_rule ide[] = {
    { GEN_ALL, ARCH_ALL, NULL, SERVICES(ide_services), CDD(ide_ids), ide_libraries, NULL },
};

/* ---- SATA / AHCI: VMware 15AD:07E0, QEMU ICH9 8086:2922, any AHCI (class 0106, prog-if 01).
 * Windows' own AHCI driver is msahci on Vista/7 (KB 922976: make it boot-start) and
 * storahci from 8 on. */
static const struct service_spec msahci[] = {
    { L"msahci", L"msahci.sys", L"SCSI miniport", SRC_INBOX, FALSE },
};
static const struct service_spec storahci[] = {
    { L"storahci", L"storahci.sys", L"SCSI miniport", SRC_INBOX, FALSE },
};
static const struct cdd_spec ahci_ids[] = {
    { L"pci#ven_15ad&dev_07e0", L"msahci", CLASS_HDC },
    { L"pci#ven_8086&dev_2922", L"msahci", CLASS_HDC },
    { L"pci#cc_010601", L"msahci", CLASS_HDC },
};
static const wchar_t *const ahci_libraries[] = { L"pciidex.sys", L"ataport.sys", NULL };
static const struct target_rule sata[] = {
    { GEN_NT5, ARCH_ALL,
      L"Windows 2000/XP/2003 have no AHCI driver of their own: give the vendor's AHCI driver "
      L"with --inf (e.g. Intel's iaStor INF and files in the payload folder)",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6, ARCH_ALL, NULL, SERVICES(msahci), CDD(ahci_ids), ahci_libraries, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(storahci), NULL, 0, NULL, NULL },
};

/* ---- virtio (KVM, Proxmox, OpenStack): drivers from the virtio-win collection. */
static const struct service_spec viostor_payload[] = {
    { L"viostor", L"viostor.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct service_spec viostor_package[] = {
    { L"viostor", L"viostor.sys", L"SCSI miniport", SRC_PACKAGE, TRUE },
};
static const struct cdd_spec viostor_ids[] = {
    { L"pci#ven_1af4&dev_1001", L"viostor", CLASS_SCSIADAPTER },
    { L"pci#ven_1af4&dev_1042", L"viostor", CLASS_SCSIADAPTER },
};
static const struct target_rule virtio_blk[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NULL, SERVICES(viostor_payload), CDD(viostor_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(viostor_package), NULL, 0, NULL, L"viostor.inf" },
};
static const struct service_spec vioscsi_payload[] = {
    { L"vioscsi", L"vioscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE },
};
static const struct service_spec vioscsi_package[] = {
    { L"vioscsi", L"vioscsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE },
};
static const struct cdd_spec vioscsi_ids[] = {
    { L"pci#ven_1af4&dev_1004", L"vioscsi", CLASS_SCSIADAPTER },
    { L"pci#ven_1af4&dev_1048", L"vioscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule virtio_scsi[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NULL, SERVICES(vioscsi_payload), CDD(vioscsi_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NULL, SERVICES(vioscsi_package), NULL, 0, NULL, L"vioscsi.inf" },
};

#define VMWARE_TOOLS L"C:\\Program Files\\VMware\\VMware Tools\\Drivers"
#define VIRTIO_WIN L"the virtio-win ISO (virtio-win.iso, folder <driver>\\<Windows version>\\<x86|amd64>)"

const struct target p2v_targets[] = {
    { L"lsilogic", L"VMware LSI Logic Parallel (LSI 53C1030)", L"PCI\\VEN_1000&DEV_0030",
      L"for Windows 2000/XP/2003 copy symmpi.sys from " VMWARE_TOOLS L"\\scsi of a VMware Tools "
      L"install, or from system32\\drivers of a working Windows 2003 VM on an LSI Logic controller; "
      L"for Windows 8 and later without an inbox LSI_SCSI, the LSI Logic 1030 package "
      L"(lsi_scsi.inf, lsi_scsi.cat, lsi_scsi.sys) from the driver store of a Windows Server 2012 R2",
      lsilogic, N(lsilogic), NULL },
    { L"lsisas1068", L"VMware LSI Logic SAS (LSI SAS 1068)", L"PCI\\VEN_1000&DEV_0054",
      L"copy lsi_sas.sys from the LSI/Broadcom SAS 1068 driver for Windows 2003, or from "
      L"system32\\drivers of a working Windows 2003 VM on an LSI Logic SAS controller",
      lsisas1068, N(lsisas1068), NULL },
    { L"pvscsi", L"VMware Paravirtual SCSI", L"PCI\\VEN_15AD&DEV_07C0",
      L"copy pvscsi.sys (and pvscsi.inf, pvscsi.cat for Windows 8 and later) from "
      VMWARE_TOOLS L"\\pvscsi of a VMware Tools install for this Windows version",
      pvscsi, N(pvscsi), NULL },
    { L"buslogic", L"VMware BusLogic (BT-958)", L"PCI\\VEN_104B&DEV_1040",
      L"copy vmscsi.sys from the VMware SCSI disk driver floppy image (vmscsi.flp)",
      buslogic, N(buslogic), NULL },
    { L"ide", L"IDE (Intel PIIX3/PIIX4)", L"PCI\\VEN_8086&DEV_7010, PCI\\VEN_8086&DEV_7111",
      L"these drivers ship with Windows; on Windows 2000/XP/2003 they are taken from "
      L"Driver Cache\\<arch>\\driver.cab or spN.cab when system32\\drivers lacks them",
      ide, N(ide), NULL },
    { L"sata", L"SATA / AHCI", L"PCI\\VEN_15AD&DEV_07E0, PCI\\VEN_8086&DEV_2922, class 0106",
      L"the AHCI driver ships with Windows Vista and later", sata, N(sata), NULL },
    { L"virtio-blk", L"virtio block (viostor)", L"PCI\\VEN_1AF4&DEV_1001, PCI\\VEN_1AF4&DEV_1042",
      L"copy viostor.sys (with viostor.inf and viostor.cat for Windows 8 and later) from "
      VIRTIO_WIN, virtio_blk, N(virtio_blk), NULL },
    { L"virtio-scsi", L"virtio SCSI (vioscsi)", L"PCI\\VEN_1AF4&DEV_1004, PCI\\VEN_1AF4&DEV_1048",
      L"copy vioscsi.sys (with vioscsi.inf and vioscsi.cat for Windows 8 and later) from "
      VIRTIO_WIN, virtio_scsi, N(virtio_scsi), NULL },
};
const size_t p2v_n_targets = N(p2v_targets);

/* Windows 8 and later set Services\<svc>\StartOverride "0" = 3 on storage drivers whose
 * device was absent; it wins over Start = 0 and the VM stops with 0x7B. The bus drivers
 * below the controller get one too (Azure's NVMe preparation found a forgotten vpci
 * still gave 0x7B), so theirs goes when present. */
const wchar_t *const p2v_bus_services[] = { L"pci", L"vpci", NULL };

const struct target *target_find(const wchar_t *name)
{
    for (size_t i = 0; i < p2v_n_targets; i++)
        if (_wcsicmp(p2v_targets[i].name, name) == 0)
            return &p2v_targets[i];
    return NULL;
}

const wchar_t *gen_name(unsigned gen)
{
    switch (gen) {
    case GEN_NT5: return L"Windows 2000/XP/2003";
    case GEN_NT6: return L"Windows Vista/2008/7/2008 R2";
    case GEN_NT62: return L"Windows 8/2012 or later";
    default: return L"this Windows";
    }
}

const wchar_t *arch_name(unsigned arch)
{
    return arch == ARCH_X64 ? L"x64" : arch == ARCH_X86 ? L"x86" : L"unsupported architecture";
}
