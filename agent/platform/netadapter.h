/* The network adapters' devices and addresses on the running Windows, for the first-boot
 * pass (engine/firstboot_run.c): SetupAPI and IP Helper, loaded from System32 at run time. */
#ifndef P2V_NETADAPTER_H
#define P2V_NETADAPTER_H
#include <windows.h>

/* Restarts the present adapter whose NetCfgInstanceId is guid (a property change, as the
 * Device Manager does), so that TCP/IP reads its new settings now. ERROR_SUCCESS when
 * Windows restarted it; ERROR_SUCCESS_REBOOT_REQUIRED when it takes a restart, which is
 * left to the admin; ERROR_NOT_FOUND when no present adapter has that GUID. */
DWORD net_adapter_restart(const wchar_t *guid);
/* Removes the device of the adapter whose NetCfgInstanceId is guid, when it is not present
 * (a ghost). ERROR_NOT_FOUND when there is none. */
DWORD net_adapter_remove_ghost(const wchar_t *guid);
/* Does ipv4 answer an echo request within timeout_ms (twice tried)? FALSE also where ICMP is
 * not allowed, or where IP Helper has no IcmpSendEcho. */
BOOL net_ping(const wchar_t *ipv4, DWORD timeout_ms);
/* msiexec /x code, quiet, without a restart, its log at log; waits up to timeout_ms.
 * ERROR_SUCCESS with *exit_code its exit code (0 done, 3010 done but a restart finishes it,
 * 1605 not installed); WAIT_TIMEOUT when it still runs (it is left to finish). */
DWORD msi_uninstall(const wchar_t *code, const wchar_t *log, DWORD timeout_ms, DWORD *exit_code);
/* Is the service name running (the service control manager's view)? */
BOOL service_running(const wchar_t *name);
/* One line on the first serial port, for an orchestrator that watches the VM's console;
 * FALSE when there is none. */
BOOL serial_line(const wchar_t *text);
#endif
