/* Service mode: the same exe, registered with the service control manager, runs its job
 * once at start, records the result as its service-specific exit code, and stops. */
#ifndef P2V_SERVICE_H
#define P2V_SERVICE_H
#include "cli.h"

#define P2V_SERVICE_NAME L"p2vprep"

/* Creates the service (or updates it) to run `<mode> --target ...` with the options given,
 * and registers the Event Log source. Returns a Win32 error. */
DWORD service_install(const struct options *o, const wchar_t *exe_path);
/* Stops and deletes the service and its Event Log source. The journal stays. */
DWORD service_uninstall(void);
/* Runs job under the service control manager. FALSE: this process was not started by
 * it (a console run); *rc is then untouched. */
BOOL service_dispatch(int (*job)(void), int *rc);
#endif
