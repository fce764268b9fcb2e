/* Reads the machine snapshot from the live system, through the backend for the
 * registry and files. */
#ifndef P2V_PROBE_H
#define P2V_PROBE_H
#include "backend.h"
#include "plan.h"
#include "controlsets.h"

/* Current state of every value and key the requirements name. */
DWORD probe_values(const struct backend *b, struct machine *m, const struct requirements *r);
/* ... then of every file and package they name. payload_dir is searched as
 * <dir>\<x86|amd64>\<file>, then <dir>\<file>. */
DWORD probe_files(const struct backend *b, struct machine *m, const struct requirements *r,
                  const wchar_t *payload_dir);
/* --retire: the device classes of every control set, and (live) the installed software of
 * the platforms in policy whose names their table knows. */
DWORD probe_retire(const struct backend *b, struct machine *m, const struct policy *policy);
/* "x86" or "amd64": the payload subfolder for this Windows. */
const wchar_t *payload_arch_dir(const struct os_info *os);
#endif
