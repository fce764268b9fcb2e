#include "platforms.h"
#include <wchar.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(a) a, N(a)
#define NONE NULL, 0
#define RETIRE(name) { name, GUARD_NONE }
#define BOOT(name) { name, GUARD_BOOT }
#define KEEP(name) { name, GUARD_ALWAYS }

/* ---- VMware: the services and drivers VMware Tools installs, as Forklift's 2026 VMware
 * cleanup lists them (kubev2v/forklift, 9100_cleanup_vmware.ps1), the names of old and new
 * Tools releases alike. pvscsi is what a VMware VM on the paravirtual controller boots
 * through (that cleanup lost a Windows Server 2025 guest's boot disk by removing it), and
 * vmscsi older Tools' driver for the BusLogic controller: both kept while boot-start. The
 * LSI drivers VMware VMs boot on are Windows' own, not VMware's: not here, never retired. */
static const struct retire_spec vmware[] = {
    RETIRE(L"VGAuthService"), RETIRE(L"VM3DService"), RETIRE(L"VMTools"), RETIRE(L"vmvss"),
    RETIRE(L"GISvc"), RETIRE(L"vmhgfs"), RETIRE(L"vmmemctl"), RETIRE(L"vmrawdsk"),
    RETIRE(L"vnetWFP"), RETIRE(L"vnetflt"), RETIRE(L"vsepflt"), RETIRE(L"vmci"),
    RETIRE(L"vmxnet3"), RETIRE(L"vmxnet3ndis6"), RETIRE(L"vmusbmouse"), RETIRE(L"vmmouse"),
    RETIRE(L"vm3dmp"), RETIRE(L"vm3dmp-debug"), RETIRE(L"vm3dmp-stats"), RETIRE(L"vm3dmp_loader"),
    RETIRE(L"vsock"), RETIRE(L"efifw"), RETIRE(L"svga_wddm"), RETIRE(L"vmaudio"),
    RETIRE(L"vgauth"), RETIRE(L"cblauncher"), RETIRE(L"vmwtimeprovider"), RETIRE(L"vmstatsprovider"),
    RETIRE(L"vmupgradehelper"), RETIRE(L"vmwefifw"), RETIRE(L"VMCISockets"), RETIRE(L"vmxnet"),
    RETIRE(L"vmx_svga"), RETIRE(L"vmkbd"), RETIRE(L"vmdesched"), RETIRE(L"vmdebug"),
    RETIRE(L"vmware"), RETIRE(L"vmx86"), RETIRE(L"VMwareCertService"),
    BOOT(L"pvscsi"), BOOT(L"vmscsi"),
};
static const struct retire_product vmware_products[] = {
    { L"VMware Tools", TRUE,
      L"its uninstaller is reported to fail off VMware (Windows Installer error 1603) and to "
      L"crash on Windows Server 2025 (OpenNebula one#7550, VeeamHub moov#11)" },
};

/* ---- Hyper-V: the integration services (vmic*). The VMBus drivers below them are part of
 * Windows since 2008 R2 / 7, idle off Hyper-V, and what a VM needs again on Hyper-V or
 * Azure (storvsc and storflt carry its disk, vpci its NVMe disks on Azure): never
 * retired. */
static const struct retire_spec hyperv[] = {
    RETIRE(L"vmicheartbeat"), RETIRE(L"vmickvpexchange"), RETIRE(L"vmicshutdown"),
    RETIRE(L"vmictimesync"), RETIRE(L"vmicvss"), RETIRE(L"vmicrdv"),
    RETIRE(L"vmicguestinterface"), RETIRE(L"vmicvmsession"),
    KEEP(L"vmbus"), KEEP(L"storvsc"), KEEP(L"storflt"), KEEP(L"vpci"), KEEP(L"netvsc"),
    KEEP(L"VMBusHID"), KEEP(L"hyperkbd"), KEEP(L"HyperVideo"),
};

/* ---- Xen: the Xen Project / XCP-ng / Citrix PV drivers (their INFs in the win-xenbus,
 * win-xenvbd, win-xenvif, win-xennet, win-xeniface sources; XCP-ng's XenClean list) and
 * the older GPLPV set. xenbus, xenvbd and GPLPV's xenpci and xenvbd carry a Xen VM's disk;
 * xenfilt (an UpperFilter of the System and IDE controller classes), xendisk and xenhide
 * filter the devices on the way: all kept while boot-start. */
static const struct retire_spec xen[] = {
    RETIRE(L"xenagent"), RETIRE(L"xenbus_monitor"), RETIRE(L"xencons"), RETIRE(L"xencons_monitor"),
    RETIRE(L"xenhid"), RETIRE(L"xeniface"), RETIRE(L"xennet"), RETIRE(L"xenvif"), RETIRE(L"xenvkbd"),
    RETIRE(L"XenInstall"), RETIRE(L"XenSvc"),
    BOOT(L"xenbus"), BOOT(L"xenfilt"), BOOT(L"xenvbd"), BOOT(L"xendisk"), BOOT(L"xenpci"),
    BOOT(L"xenhide"),
};
static const struct retire_product xen_products[] = {
    { L"Citrix XenServer Windows Management Agent", FALSE, L"a Windows Installer package" },
    { L"Citrix Hypervisor PV Tools", FALSE, L"a Windows Installer package" },
    { L"XCP-ng Windows PV Tools", FALSE, L"a Windows Installer package; XCP-ng's XenClean removes it too" },
    { L"Red Hat Paravirtualized Xen Drivers", FALSE, L"its own uninstaller (_uninst.exe)" },
};

/* ---- VirtualBox Guest Additions (a real Windows 8.1 guest's SYSTEM hive, shared/realhives,
 * and the Guest Additions' uninstaller, which deletes these services and takes VBoxMouse out
 * of the mouse class's UpperFilters). VirtualBox emulates Intel and LSI controllers whose
 * drivers are Windows' own: nothing of the Guest Additions is on the disk's path. */
static const struct retire_spec virtualbox[] = {
    RETIRE(L"VBoxGuest"), RETIRE(L"VBoxMouse"), RETIRE(L"VBoxSF"), RETIRE(L"VBoxService"),
    RETIRE(L"VBoxVideo"), RETIRE(L"VBoxVideoW8"), RETIRE(L"VBoxWddm"), RETIRE(L"VBoxVideoWddm"),
};
static const struct retire_product virtualbox_products[] = {
    { L"Oracle VM VirtualBox Guest Additions", FALSE, L"its own uninstaller (uninst.exe /S), not Windows Installer" },
};

/* ---- Parallels Tools: the prl_* services virt-v2v disables when it converts a Parallels
 * guest, taking prl_strg out of the disk class's LowerFilters. */
static const struct retire_spec parallels[] = {
    RETIRE(L"prl_boot"), RETIRE(L"prl_dd"), RETIRE(L"prl_eth5"), RETIRE(L"prl_fs"),
    RETIRE(L"prl_memdev"), RETIRE(L"prl_mouf"), RETIRE(L"prl_pv32"), RETIRE(L"prl_pv64"),
    RETIRE(L"prl_scsi"), RETIRE(L"prl_sound"), RETIRE(L"prl_strg"), RETIRE(L"prl_tg"),
    RETIRE(L"prl_time"), RETIRE(L"prl_uprof"), RETIRE(L"prl_va"),
};
static const struct retire_product parallels_products[] = {
    { L"Parallels Tools", FALSE, L"a Windows Installer package" },
    { L"Virtuozzo Tools", FALSE, L"a Windows Installer package" },
};

const struct platform p2v_platforms[] = {
    { L"vmware", L"VMware Tools", LIST(vmware), LIST(vmware_products),
      L"kubev2v/forklift 9100_cleanup_vmware.ps1; a VMware Windows 7 guest's SYSTEM hive" },
    { L"hyperv", L"Hyper-V integration services", LIST(hyperv), NONE,
      L"Windows' integration components (a Windows 8.1 and a Windows 7 SYSTEM hive)" },
    { L"xen", L"Xen PV drivers", LIST(xen), LIST(xen_products),
      L"the win-xenbus/xenvbd/xenvif/xennet/xeniface INFs, XCP-ng XenClean, GPLPV's INFs" },
    { L"virtualbox", L"VirtualBox Guest Additions", LIST(virtualbox), LIST(virtualbox_products),
      L"a Windows 8.1 VirtualBox guest's SYSTEM hive; the Guest Additions' uninstaller" },
    { L"parallels", L"Parallels Tools", LIST(parallels), LIST(parallels_products),
      L"virt-v2v convert_windows (prl_* Start = 4, prl_strg out of the disk class)" },
};
const size_t p2v_n_platforms = N(p2v_platforms);

const struct platform *platform_find(const wchar_t *name)
{
    for (size_t i = 0; i < p2v_n_platforms; i++)
        if (!_wcsicmp(p2v_platforms[i].name, name))
            return &p2v_platforms[i];
    return NULL;
}
