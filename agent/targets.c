#include "targets.h"
#include <wchar.h>

/* SCSI adapter setup class; CriticalDeviceDatabase entries of miniports carry it. */
#define CLASS_SCSIADAPTER L"{4D36E97B-E325-11CE-BFC1-08002BE10318}"

/* VMware's LSI Logic Parallel adapter is PCI 1000:0030 with subsystem 15AD:1976.
 * Both the bare ID and the subsystem-qualified one are written: Windows matches the most
 * specific ID first, and the bare one also covers other hypervisors' LSI emulation.
 * (VMware KB 1005208 / Broadcom 310144; virt-v2v drops SUBSYS for the same reason.) */
static const wchar_t *const lsilogic_ids[] = {
    L"pci#ven_1000&dev_0030",
    L"pci#ven_1000&dev_0030&subsys_197615ad",
    NULL,
};

static const struct target_rule lsilogic_rules[] = {
    /* NT5 has no LSI Logic driver of its own: symmpi.sys comes from VMware Tools or a
     * working 2003 VM, Group "SCSI miniport" as its INF installs it. */
    { GEN_NT5, ARCH_X86 | ARCH_X64, L"symmpi", L"symmpi.sys", FALSE, L"SCSI miniport",
      CLASS_SCSIADAPTER, lsilogic_ids },
    /* Vista to 2008 R2 ship LSI_SCSI; it only has to be made boot-start. */
    { GEN_NT6, ARCH_X86 | ARCH_X64, L"LSI_SCSI", L"lsi_scsi.sys", TRUE, L"SCSI miniport",
      CLASS_SCSIADAPTER, lsilogic_ids },
};

const struct target p2v_targets[] = {
    { L"lsilogic", L"VMware LSI Logic Parallel (LSI 53C1030)", L"PCI\\VEN_1000&DEV_0030",
      L"copy symmpi.sys from C:\\Program Files\\VMware\\VMware Tools\\Drivers\\scsi of a "
      L"VMware Tools install, or from system32\\drivers of a working Windows 2003 VM on an "
      L"LSI Logic controller",
      lsilogic_rules, sizeof lsilogic_rules / sizeof lsilogic_rules[0] },
};
const size_t p2v_n_targets = sizeof p2v_targets / sizeof p2v_targets[0];

const struct target *target_find(const wchar_t *name)
{
    for (size_t i = 0; i < p2v_n_targets; i++)
        if (_wcsicmp(p2v_targets[i].name, name) == 0)
            return &p2v_targets[i];
    return NULL;
}

const struct target_rule *target_rule_for(const struct target *t, unsigned gen, unsigned arch)
{
    for (size_t i = 0; i < t->n_rules; i++)
        if ((t->rules[i].gens & gen) && (t->rules[i].archs & arch))
            return &t->rules[i];
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
