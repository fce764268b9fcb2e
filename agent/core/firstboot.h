/* --keep-network: the first-boot pass. apply registers it as an automatic service in every
 * control set (journaled like every other value), beside the record of the source's adapters
 * (netid.h) and a copy of p2vprep in the state folder; at each start of the VM it decides
 * where it is (netid.c) and, once done, removes its own registration. */
#ifndef P2V_FIRSTBOOT_H
#define P2V_FIRSTBOOT_H
#include "plan.h"
#include "text.h"

#define FIRSTBOOT_SERVICE L"p2vprep-firstboot"
#define FIRSTBOOT_EXE L"p2vprep-firstboot.exe"      /* in the state folder */
#define FIRSTBOOT_RECORD L"network.txt"             /* in the state folder: net_record_format */
#define FIRSTBOOT_REPORT L"firstboot.json"          /* in the state folder: the pass's result */
/* Starts of the VM on which the pass waits for a new adapter before it gives up. */
#define FIRSTBOOT_MAX_STARTS 3

#define FIRSTBOOT_CONFIG L"firstboot.cfg"            /* in the state folder: firstboot_cfg_format */
#define FIRSTBOOT_UNINSTALL_MAX 16

/* What the pass is to do on the VM: move the network settings (--keep-network), and remove
 * the old platform's software whose Windows Installer package is known to uninstall off the
 * platform (--retire). Software known to refuse (VMware Tools) is not staged: check says to
 * uninstall it before the move. */
struct firstboot_cfg {
    BOOL network;
    wchar_t uninstall[FIRSTBOOT_UNINSTALL_MAX][40];     /* {ProductCode} */
    wchar_t uninstall_platform[FIRSTBOOT_UNINSTALL_MAX][16];
    int n_uninstall;
};
/* From the options and the software the probe found. */
void firstboot_cfg_of(const struct machine *m, const struct policy *pol, struct firstboot_cfg *out);
BOOL firstboot_needed(const struct firstboot_cfg *c);
void firstboot_cfg_format(const struct firstboot_cfg *c, struct wbuf *b);
/* Strict: what firstboot_cfg_format writes and nothing else (the file is read back as
 * SYSTEM); FALSE with why. */
BOOL firstboot_cfg_parse(const wchar_t *text, struct firstboot_cfg *out, wchar_t *why, size_t cch);

/* The service's values in every control set, when the pass has something to do. */
void firstboot_requirements(const struct machine *m, struct requirements *r);
#endif
