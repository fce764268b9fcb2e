/* The control sets of the SYSTEM hive a backend reaches: the one enumeration of them, for
 * a run and for find alike. */
#ifndef P2V_CONTROLSETS_H
#define P2V_CONTROLSETS_H
#include "backend.h"

/* Every HKLM\SYSTEM\ControlSetNNN (by enumeration) and Select's four values. Beyond
 * P2V_SETS_MAX sets only the count (n_sets_found) is kept, and plan_make refuses. */
DWORD probe_control_sets(const struct backend *b, struct machine *m);
#endif
