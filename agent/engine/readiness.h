/* Readiness beyond the registry: facts about the live machine that break conversions
 * although the driver is boot-start (boot files on another volume, dynamic disks,
 * hibernation, Fast Startup, a full system volume, policies against driver installs).
 * `check` reports them as notes beside its registry verdict; none of them is a change
 * p2vprep makes. */
#ifndef P2V_READINESS_H
#define P2V_READINESS_H
#include "backend.h"
#include "readiness_rules.h"
#include "bootini.h"
#include "bootfile.h"
#include <stddef.h>

/* Reads the live machine: the registry through b, files, volumes and disks directly
 * (reads only). m->os and m->select / m->select_present must be filled (probe_os,
 * probe_control_sets). Never fails: what cannot be read is left unknown, at most with an
 * information note. */
void readiness_probe(const struct backend *b, const struct machine *m, const struct readiness_job *job,
                     struct readiness *out);

#endif
