/* --keep-network: the first-boot pass. apply registers it as an automatic service in every
 * control set (journaled like every other value), beside the record of the source's adapters
 * (netid.h) and a copy of p2vprep in the state folder; at each start of the VM it decides
 * where it is (netid.c) and, once done, removes its own registration. */
#ifndef P2V_FIRSTBOOT_H
#define P2V_FIRSTBOOT_H
#include "plan.h"

#define FIRSTBOOT_SERVICE L"p2vprep-firstboot"
#define FIRSTBOOT_EXE L"p2vprep-firstboot.exe"      /* in the state folder */
#define FIRSTBOOT_RECORD L"network.txt"             /* in the state folder: net_record_format */
#define FIRSTBOOT_REPORT L"firstboot.json"          /* in the state folder: the pass's result */
/* Starts of the VM on which the pass waits for a new adapter before it gives up. */
#define FIRSTBOOT_MAX_STARTS 3

/* The service's values in every control set, when policy.keep_network. */
void firstboot_requirements(const struct machine *m, struct requirements *r);
#endif
