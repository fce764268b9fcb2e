#include "targets.h"
#include "text.h"
#include <wchar.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SERVICES(a) a, N(a)
#define CDD(a) a, N(a)
#define PACKAGES(...) (const wchar_t *const[]){ __VA_ARGS__, NULL }

/* ---- LSI Logic Parallel (VMware "lsilogic"): PCI 1000:0030, VMware subsystem 15AD:1976.
 * Both the bare ID and the subsystem-qualified one are written: Windows matches the most
 * specific ID first, and the bare one also covers other hypervisors' LSI emulation
 * (VMware KB 1005208 / Broadcom 310144; virt-v2v drops SUBSYS for the same reason). */
static const struct service_spec symmpi[] = {
    { L"symmpi", L"symmpi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct service_spec lsi_scsi_inbox[] = {
    { L"LSI_SCSI", L"lsi_scsi.sys", L"SCSI miniport", SRC_INBOX, TRUE, FALSE },
};
static const struct service_spec lsi_scsi_package[] = {
    { L"LSI_SCSI", L"lsi_scsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE, FALSE },
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
    { GEN_NT5, ARCH_ALL, NT_ANY, NULL, SERVICES(symmpi), CDD(lsilogic_symmpi), NULL, NULL },
    /* Vista to 2008 R2 ship LSI_SCSI; it only has to be made boot-start. */
    { GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(lsi_scsi_inbox), CDD(lsilogic_lsi_scsi), NULL, NULL },
    /* Later Windows dropped LSI_SCSI at some release: inbox where present, else the
     * package from the payload. */
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(lsi_scsi_inbox), NULL, 0, NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(lsi_scsi_package), NULL, 0, NULL, PACKAGES(L"lsi_scsi.inf") },
};

/* ---- LSI Logic SAS 1068 (VMware "lsisas1068"): PCI 1000:0054. */
static const struct service_spec lsi_sas_payload[] = {
    { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct service_spec lsi_sas_inbox[] = {
    { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport", SRC_INBOX, TRUE, FALSE },
};
static const struct cdd_spec lsisas[] = {
    { L"pci#ven_1000&dev_0054", L"LSI_SAS", CLASS_SCSIADAPTER },
    { L"pci#ven_1000&dev_0054&subsys_197615ad", L"LSI_SAS", CLASS_SCSIADAPTER },
};
static const struct target_rule lsisas1068[] = {
    { GEN_NT5, ARCH_ALL, NT_ANY, NULL, SERVICES(lsi_sas_payload), CDD(lsisas), NULL, NULL },
    { GEN_NT6 | GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(lsi_sas_inbox), CDD(lsisas), NULL, NULL },
};

/* ---- VMware Paravirtual SCSI: PCI 15AD:07C0. The driver comes with VMware Tools; recent
 * Windows carries an inbox one (pvscsii) whose first release is not established, so it is
 * used where present. */
static const struct service_spec pvscsi_payload[] = {
    { L"pvscsi", L"pvscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct service_spec pvscsi_inbox[] = {
    { L"pvscsii", L"pvscsii.sys", L"SCSI miniport", SRC_INBOX, TRUE, FALSE },
};
static const struct service_spec pvscsi_package[] = {
    { L"pvscsi", L"pvscsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE, FALSE },
};
static const struct cdd_spec pvscsi_ids[] = {
    { L"pci#ven_15ad&dev_07c0", L"pvscsi", CLASS_SCSIADAPTER },
    { L"pci#ven_15ad&dev_07c0&subsys_07c015ad", L"pvscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule pvscsi[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(pvscsi_payload), CDD(pvscsi_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(pvscsi_inbox), NULL, 0, NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(pvscsi_package), NULL, 0, NULL, PACKAGES(L"pvscsi.inf") },
};

/* ---- BusLogic (VMware "buslogic"): PCI 104B:1040, VMware's vmscsi, 32-bit only. */
static const struct service_spec vmscsi[] = {
    { L"vmscsi", L"vmscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct cdd_spec buslogic_ids[] = {
    { L"pci#ven_104b&dev_1040", L"vmscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule buslogic[] = {
    { GEN_NT5, ARCH_X86, NT_ANY, NULL, SERVICES(vmscsi), CDD(buslogic_ids), NULL, NULL },
    { GEN_NT5, ARCH_X64, NT_ANY, L"there is no 64-bit BusLogic driver; choose lsilogic or lsisas1068",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6 | GEN_NT62, ARCH_ALL, NT_ANY,
      L"BusLogic is supported only for 32-bit Windows 2000/XP/2003; choose lsisas1068 or pvscsi",
      NULL, 0, NULL, 0, NULL, NULL },
};

/* ---- IDE (PIIX3 8086:7010, PIIX4 8086:7111): Windows' own atapi, intelide and pciide,
 * with the CriticalDeviceDatabase set of Microsoft's KB 314082 ("MergeIDE"). */
static const struct service_spec ide_services[] = {
    { L"atapi", L"atapi.sys", L"SCSI miniport", SRC_INBOX, FALSE, FALSE },
    { L"intelide", L"intelide.sys", L"System Bus Extender", SRC_INBOX, FALSE, FALSE },
    { L"pciide", L"pciide.sys", L"System Bus Extender", SRC_INBOX, FALSE, FALSE },
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
    { GEN_ALL, ARCH_ALL, NT_ANY, NULL, SERVICES(ide_services), CDD(ide_ids), ide_libraries, NULL },
};

/* ---- SATA / AHCI: VMware 15AD:07E0, QEMU ICH9 8086:2922, any AHCI (class 0106, prog-if 01).
 * Windows' own AHCI driver is msahci on Vista/7 (KB 922976: make it boot-start) and
 * storahci from 8 on. */
static const struct service_spec msahci[] = {
    { L"msahci", L"msahci.sys", L"SCSI miniport", SRC_INBOX, FALSE, FALSE },
};
static const struct service_spec storahci[] = {
    { L"storahci", L"storahci.sys", L"SCSI miniport", SRC_INBOX, FALSE, FALSE },
};
static const struct cdd_spec ahci_ids[] = {
    { L"pci#ven_15ad&dev_07e0", L"msahci", CLASS_HDC },
    { L"pci#ven_8086&dev_2922", L"msahci", CLASS_HDC },
    { L"pci#cc_010601", L"msahci", CLASS_HDC },
};
static const wchar_t *const ahci_libraries[] = { L"pciidex.sys", L"ataport.sys", NULL };
static const struct target_rule sata[] = {
    { GEN_NT5, ARCH_ALL, NT_ANY,
      L"Windows 2000/XP/2003 have no AHCI driver of their own: give the vendor's AHCI driver "
      L"with --inf (e.g. Intel's iaStor INF and files in the payload folder)",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(msahci), CDD(ahci_ids), ahci_libraries, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(storahci), NULL, 0, NULL, NULL },
};

/* ---- virtio (KVM, Proxmox, OpenStack): drivers from the virtio-win collection. */
static const struct service_spec viostor_payload[] = {
    { L"viostor", L"viostor.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct service_spec viostor_package[] = {
    { L"viostor", L"viostor.sys", L"SCSI miniport", SRC_PACKAGE, TRUE, FALSE },
};
static const struct cdd_spec viostor_ids[] = {
    { L"pci#ven_1af4&dev_1001", L"viostor", CLASS_SCSIADAPTER },
    { L"pci#ven_1af4&dev_1042", L"viostor", CLASS_SCSIADAPTER },
};
static const struct target_rule virtio_blk[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(viostor_payload), CDD(viostor_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(viostor_package), NULL, 0, NULL, PACKAGES(L"viostor.inf") },
};
static const struct service_spec vioscsi_payload[] = {
    { L"vioscsi", L"vioscsi.sys", L"SCSI miniport", SRC_PAYLOAD, TRUE, FALSE },
};
static const struct service_spec vioscsi_package[] = {
    { L"vioscsi", L"vioscsi.sys", L"SCSI miniport", SRC_PACKAGE, TRUE, FALSE },
};
static const struct cdd_spec vioscsi_ids[] = {
    { L"pci#ven_1af4&dev_1004", L"vioscsi", CLASS_SCSIADAPTER },
    { L"pci#ven_1af4&dev_1048", L"vioscsi", CLASS_SCSIADAPTER },
};
static const struct target_rule virtio_scsi[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(vioscsi_payload), CDD(vioscsi_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(vioscsi_package), NULL, 0, NULL, PACKAGES(L"vioscsi.inf") },
};

/* ---- NVMe: any NVM Express controller (PCI class 01, subclass 08, prog-if 02), so Windows'
 * own stornvme binds by class code whatever the vendor; the IDs listed are the virtual ones
 * met in migrations: QEMU/Proxmox 1B36:0010, older QEMU 8086:5845, AWS EBS 1D0F:8061.
 * Established (Microsoft, the Windows NVMe documentation; OSR's NT Insider 2014): stornvme is
 * inbox from Windows 8.1 / Server 2012 R2. Azure's SCSI-to-NVMe script makes it Start=0 and
 * removes StartOverride from stornvme, pci and vpci in every control set (its issue #147: a
 * forgotten vpci still stopped with 0x7B); p2vprep does that for every Windows 8+ target.
 * Windows 7 / 2008 R2 get stornvme only with update KB2990941, which needs KB3087873 and
 * brings its own storport.sys: a loose stornvme.sys copied in would not load against the
 * old storport, so p2vprep never copies one and uses it only where the update installed it.
 * Not established: that the class-code CriticalDeviceDatabase key pci#cc_010802 is what
 * 7/2008 R2 match at boot for an NVMe disk; it follows the pattern of pci#cc_0101 (IDE) and
 * pci#cc_010601 (AHCI) and is our analysis, not a documented recipe, so the vendor IDs
 * are written beside it. */
static const struct service_spec stornvme_inbox[] = {
    { L"stornvme", L"stornvme.sys", L"SCSI miniport", SRC_INBOX, TRUE, FALSE },
};
static const struct cdd_spec nvme_ids[] = {
    { L"pci#cc_010802", L"stornvme", CLASS_SCSIADAPTER },
    { L"pci#ven_1b36&dev_0010", L"stornvme", CLASS_SCSIADAPTER },
    { L"pci#ven_8086&dev_5845", L"stornvme", CLASS_SCSIADAPTER },
    { L"pci#ven_1d0f&dev_8061", L"stornvme", CLASS_SCSIADAPTER },
};
static const struct target_rule nvme[] = {
    { GEN_NT62, ARCH_ALL, NT_FROM(6, 3), NULL, SERVICES(stornvme_inbox), NULL, 0, NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ONLY(6, 2),
      L"Windows 8 / Server 2012 have no NVMe driver of their own (stornvme ships from 8.1 / "
      L"2012 R2 on): give the vendor's NVMe driver with --inf (AWS: AWSNVMe)",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6, ARCH_ALL, NT_ONLY(6, 1), NULL, SERVICES(stornvme_inbox), CDD(nvme_ids), NULL, NULL },
    { GEN_NT6, ARCH_ALL, NT_ONLY(6, 1),
      L"stornvme.sys is not installed: Windows 7 / 2008 R2 get it only from Microsoft's update "
      L"KB2990941 (install KB3087873 first; the update also replaces storport.sys, so a loose "
      L"stornvme.sys must not be copied in). Install both, restart, and run p2vprep again",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NT_UPTO(6, 0),
      L"Windows before 7 / 2008 R2 have no NVMe driver from Microsoft (the community OFA "
      L"driver is test-signed on 64-bit); choose another controller, e.g. lsisas1068 or ide",
      NULL, 0, NULL, 0, NULL, NULL },
};

/* ---- Hyper-V / Azure synthetic SCSI: vmbus (the VMBus, a Boot Bus Extender) and storvsc
 * (the SCSI miniport on it), with the storflt filter where Windows has one.
 * Established: Azure Migrate's "hydration" makes intelide, atapi, storflt, storvsc and
 * vmbus boot-start before the first boot in Azure (storage-targets.md, Today's
 * destinations); VMware-built images typically carry storvsc with Start=3; Generation 1 VMs
 * boot from emulated IDE and Generation 2 (UEFI, 64-bit 2012 and later) from storvsc, which
 * is why the ide target comes along (boot_also) unless --no-ide. vmbus and storvsc are inbox
 * from 7 / 2008 R2; Vista and 2008 get them only by installing the Integration Services.
 * Not established: VMBus devices have no PCI ID (the SCSI channel is VMBus class
 * {ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}), and no public recipe gives the
 * CriticalDeviceDatabase keys 2008 / 2008 R2 / 7 would match for them, so none are written:
 * those Windows rely on the boot-start services alone (which is what hydration sets), and
 * on Windows 8 and later there is no CriticalDeviceDatabase. The Group values are written
 * only where Windows' own are missing (inbox services keep theirs). The storflt service
 * runs vmstorfl.sys (its ImagePath on the Windows 7 SP1 and 8.1 SYSTEM hives of real
 * installs, shared/realhives; there is no storflt.sys); the planner takes every inbox
 * service's file from its own ImagePath anyway, this name only where the key is absent. */
static const struct service_spec hyperv_services[] = {
    { L"vmbus", L"vmbus.sys", L"Boot Bus Extender", SRC_INBOX, FALSE, FALSE },
    { L"storvsc", L"storvsc.sys", L"SCSI miniport", SRC_INBOX, FALSE, FALSE },
    { L"storflt", L"vmstorfl.sys", L"SCSI miniport", SRC_INBOX, FALSE, TRUE },
};
static const struct target_rule hyperv[] = {
    { GEN_NT5, ARCH_ALL, NT_ANY,
      L"Windows 2000/XP/2003 have no synthetic SCSI driver of their own (only Hyper-V's old "
      L"Integration Components, which p2vprep does not prepare); run such a VM as Generation 1 "
      L"and prepare its emulated IDE with --target ide",
      NULL, 0, NULL, 0, NULL, NULL },
    { GEN_NT6 | GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(hyperv_services), NULL, 0, NULL, NULL },
    { GEN_NT6, ARCH_ALL, NT_ANY,
      L"vmbus.sys and storvsc.sys are not installed: Windows Vista / 2008 get them only from "
      L"Hyper-V's Integration Services (vmguest.iso of the Hyper-V host); install them, restart "
      L"and run p2vprep again, or prepare the emulated IDE with --target ide",
      NULL, 0, NULL, 0, NULL, NULL },
};

/* ---- Xen PV (XenServer / XCP-ng, older AWS instances): xenbus on the Xen platform PCI
 * device (5853:0001, 5853:0002, 5853:C000), the xenfilt filter, and xenvbd, the SCSI
 * miniport for the disks xenbus enumerates. None is inbox: they come from the vendor's
 * packages (xenbus.inf carries xenbus and xenfilt, xenvbd.inf xenvbd). Xen HVM guests
 * boot first through emulated IDE, hence the ide set (boot_also).
 * Established (storage-targets.md, Today's destinations): the services, the PCI IDs, and
 * xenvbd's IDs XENBUS\VEN_XSC000|XS0001|XS0002&DEV_VBD&REV_00000001.
 * Not established: the revision part of xenvbd's IDs across driver releases (only
 * REV_00000001 is written); the setup class of the platform device (System devices is
 * assumed); and xenfilt's registration as a filter of the PCI bus and IDE channels, which
 * the vendor's installer adds when it installs on a device: p2vprep only makes the service
 * boot-start. Without that filter the emulated disks are not unplugged and the VM keeps
 * booting from IDE, which the ide set covers. Older Citrix tools (XenServer 6 and before)
 * use other service names; give their INF with --inf. */
static const struct service_spec xen_payload[] = {
    { L"xenbus", L"xenbus.sys", L"Boot Bus Extender", SRC_PAYLOAD, FALSE, FALSE },
    { L"xenfilt", L"xenfilt.sys", L"Boot Bus Extender", SRC_PAYLOAD, FALSE, FALSE },
    { L"xenvbd", L"xenvbd.sys", L"SCSI miniport", SRC_PAYLOAD, FALSE, FALSE },
};
static const struct service_spec xen_package[] = {
    { L"xenbus", L"xenbus.sys", L"Boot Bus Extender", SRC_PACKAGE, FALSE, FALSE },
    { L"xenfilt", L"xenfilt.sys", L"Boot Bus Extender", SRC_PACKAGE, FALSE, FALSE },
    { L"xenvbd", L"xenvbd.sys", L"SCSI miniport", SRC_PACKAGE, FALSE, FALSE },
};
static const struct cdd_spec xen_ids[] = {
    { L"pci#ven_5853&dev_0001", L"xenbus", CLASS_SYSTEM },
    { L"pci#ven_5853&dev_0002", L"xenbus", CLASS_SYSTEM },
    { L"pci#ven_5853&dev_c000", L"xenbus", CLASS_SYSTEM },
    { L"xenbus#ven_xsc000&dev_vbd&rev_00000001", L"xenvbd", CLASS_SCSIADAPTER },
    { L"xenbus#ven_xs0001&dev_vbd&rev_00000001", L"xenvbd", CLASS_SCSIADAPTER },
    { L"xenbus#ven_xs0002&dev_vbd&rev_00000001", L"xenvbd", CLASS_SCSIADAPTER },
};
static const struct target_rule xen[] = {
    { GEN_NT5 | GEN_NT6, ARCH_ALL, NT_ANY, NULL, SERVICES(xen_payload), CDD(xen_ids), NULL, NULL },
    { GEN_NT62, ARCH_ALL, NT_ANY, NULL, SERVICES(xen_package), NULL, 0, NULL,
      PACKAGES(L"xenbus.inf", L"xenvbd.inf") },
};

#define VMWARE_TOOLS L"C:\\Program Files\\VMware\\VMware Tools\\Drivers"
#define VIRTIO_WIN L"the virtio-win ISO (virtio-win.iso, folder <driver>\\<Windows version>\\<x86|amd64>)"

const struct target p2v_targets[] = {
    { L"lsilogic", L"VMware LSI Logic Parallel (LSI 53C1030)", L"PCI\\VEN_1000&DEV_0030",
      L"for Windows 2000/XP/2003 copy symmpi.sys from " VMWARE_TOOLS L"\\scsi of a VMware Tools "
      L"install, or from system32\\drivers of a working Windows 2003 VM on an LSI Logic controller; "
      L"for Windows 8 and later without an inbox LSI_SCSI, the LSI Logic 1030 package "
      L"(lsi_scsi.inf, lsi_scsi.cat, lsi_scsi.sys) from the driver store of a Windows Server 2012 R2",
      lsilogic, N(lsilogic), NULL, NULL, FALSE },
    { L"lsisas1068", L"VMware LSI Logic SAS (LSI SAS 1068)", L"PCI\\VEN_1000&DEV_0054",
      L"copy lsi_sas.sys from the LSI/Broadcom SAS 1068 driver for Windows 2003, or from "
      L"system32\\drivers of a working Windows 2003 VM on an LSI Logic SAS controller",
      lsisas1068, N(lsisas1068), NULL, NULL, FALSE },
    { L"pvscsi", L"VMware Paravirtual SCSI", L"PCI\\VEN_15AD&DEV_07C0",
      L"copy pvscsi.sys (and pvscsi.inf, pvscsi.cat for Windows 8 and later) from "
      VMWARE_TOOLS L"\\pvscsi of a VMware Tools install for this Windows version",
      pvscsi, N(pvscsi), NULL, NULL, FALSE },
    { L"buslogic", L"VMware BusLogic (BT-958)", L"PCI\\VEN_104B&DEV_1040",
      L"copy vmscsi.sys from the VMware SCSI disk driver floppy image (vmscsi.flp)",
      buslogic, N(buslogic), NULL, NULL, FALSE },
    { L"ide", L"IDE (Intel PIIX3/PIIX4)", L"PCI\\VEN_8086&DEV_7010, PCI\\VEN_8086&DEV_7111",
      L"these drivers ship with Windows; on Windows 2000/XP/2003 they are taken from "
      L"Driver Cache\\<arch>\\driver.cab or spN.cab when system32\\drivers lacks them",
      ide, N(ide), NULL, NULL, FALSE },
    { L"sata", L"SATA / AHCI", L"PCI\\VEN_15AD&DEV_07E0, PCI\\VEN_8086&DEV_2922, class 0106",
      L"the AHCI driver ships with Windows Vista and later", sata, N(sata), NULL, NULL, FALSE },
    { L"virtio-blk", L"virtio block (viostor)", L"PCI\\VEN_1AF4&DEV_1001, PCI\\VEN_1AF4&DEV_1042",
      L"copy viostor.sys (with viostor.inf and viostor.cat for Windows 8 and later) from "
      VIRTIO_WIN, virtio_blk, N(virtio_blk), NULL, NULL, FALSE },
    { L"virtio-scsi", L"virtio SCSI (vioscsi)", L"PCI\\VEN_1AF4&DEV_1004, PCI\\VEN_1AF4&DEV_1048",
      L"copy vioscsi.sys (with vioscsi.inf and vioscsi.cat for Windows 8 and later) from "
      VIRTIO_WIN, virtio_scsi, N(virtio_scsi), NULL, NULL, FALSE },
    { L"nvme", L"NVM Express (stornvme)",
      L"PCI\\CC_010802 (any NVMe), e.g. PCI\\VEN_1B36&DEV_0010, PCI\\VEN_8086&DEV_5845, PCI\\VEN_1D0F&DEV_8061",
      L"stornvme ships with Windows 8.1 / 2012 R2 and later; on Windows 7 / 2008 R2 install "
      L"Microsoft's updates KB3087873 and KB2990941 first. A vendor's NVMe driver (AWS's "
      L"AWSNVMe) goes through --inf", nvme, N(nvme), NULL, NULL, TRUE },
    { L"hyperv", L"Hyper-V / Azure synthetic SCSI (vmbus, storvsc)",
      L"no PCI ID: VMBus SCSI {ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}",
      L"vmbus and storvsc ship with Windows 7 / 2008 R2 and later; Vista / 2008 need Hyper-V's "
      L"Integration Services installed first", hyperv, N(hyperv), NULL, L"ide", TRUE },
    { L"xen", L"Xen PV (xenbus, xenfilt, xenvbd)",
      L"PCI\\VEN_5853&DEV_0001, PCI\\VEN_5853&DEV_0002, PCI\\VEN_5853&DEV_C000; XENBUS\\VEN_XS0001&DEV_VBD",
      L"copy xenbus.sys, xenfilt.sys and xenvbd.sys (for Windows 8 and later the xenbus and "
      L"xenvbd packages: xenbus.inf, xenbus.cat, xenvbd.inf, xenvbd.cat beside them) from the "
      L"XenServer VM Tools or XCP-ng Windows PV drivers for this Windows version and architecture",
      xen, N(xen), NULL, L"ide", FALSE },
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

BOOL rule_covers(const struct target_rule *rule, unsigned gen, unsigned arch, DWORD major, DWORD minor)
{
    WORD v = NT_VERSION(major > 0xff ? 0xff : major, minor > 0xff ? 0xff : minor);
    return (rule->gens & gen) && (rule->archs & arch) && (!rule->nt_min || v >= rule->nt_min) &&
           (!rule->nt_max || v <= rule->nt_max);
}

static const wchar_t *version_name(WORD v)
{
    switch (v) {
    case NT_VERSION(5, 0): return L"Windows 2000";
    case NT_VERSION(5, 1): return L"Windows XP";
    case NT_VERSION(5, 2): return L"Windows 2003";
    case NT_VERSION(6, 0): return L"Windows Vista/2008";
    case NT_VERSION(6, 1): return L"Windows 7/2008 R2";
    case NT_VERSION(6, 2): return L"Windows 8/2012";
    case NT_VERSION(6, 3): return L"Windows 8.1/2012 R2";
    default: return NULL;
    }
}

const wchar_t *windows_name(DWORD major, DWORD minor)
{
    const wchar_t *name = major <= 6 ? version_name(NT_VERSION(major, minor)) : NULL;
    return name ? name : major == 5 ? gen_name(GEN_NT5) : gen_name(GEN_NT62);
}

void rule_os_text(const struct target_rule *rule, wchar_t *buf, size_t cch)
{
    const wchar_t *from = rule->nt_min ? version_name(rule->nt_min) : NULL;
    const wchar_t *to = rule->nt_max ? version_name(rule->nt_max) : NULL;
    buf[0] = 0;
    if (!rule->nt_min && to) {
        wfmt(buf, cch, L"up to %ls", to);
    } else if (from && rule->nt_max == rule->nt_min) {
        wcopy(buf, cch, from);
    } else if (from && !rule->nt_max) {
        wfmt(buf, cch, L"%ls or later", from);
    } else {
        for (unsigned g = GEN_NT5; g <= GEN_NT62; g <<= 1)
            if (rule->gens & g)
                wfmt(buf + wcslen(buf), cch - wcslen(buf), L"%ls%ls", buf[0] ? L" + " : L"", gen_name(g));
    }
    if (rule->archs != ARCH_ALL)
        wfmt(buf + wcslen(buf), cch - wcslen(buf), L", %ls", arch_name(rule->archs));
}

const wchar_t *arch_name(unsigned arch)
{
    return arch == ARCH_X64 ? L"x64" : arch == ARCH_X86 ? L"x86" : L"unsupported architecture";
}
