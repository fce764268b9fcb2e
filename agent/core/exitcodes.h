/* Exit codes: a contract with admins' scripts, PsExec and the service wrapper. */
#ifndef P2V_EXITCODES_H
#define P2V_EXITCODES_H
#include <stddef.h>
enum {
    EXIT_OK = 0,                  /* apply: done or nothing to do; check: ready */
    EXIT_NOT_READY = 1,           /* check: something is missing or wrong */
    EXIT_USAGE = 2,               /* bad command line, or a target this Windows cannot run */
    EXIT_PAYLOAD = 3,             /* a driver file is missing or unusable */
    EXIT_ACCESS = 4,              /* not elevated / access denied; nothing changed */
    EXIT_ROLLED_BACK = 5,         /* apply failed, every change rolled back */
    EXIT_ROLLBACK_INCOMPLETE = 6, /* apply (or rollback) failed and changes remain */
    EXIT_BUSY = 7,                /* another p2vprep is running */
    EXIT_PUSH_HOST_FAILED = 8,    /* push: a host was not done: unreachable, PsExec failed,
                                     timed out, or not started (Ctrl+C) */
    /* internal, never an exit code: a 32-bit p2vprep on 64-bit Windows hands the run to
     * p2vprep-x64.exe, because Windows' driver installer refuses 32-bit callers there */
    EXIT_HANDOFF = 100,
};

/* --exit-codes: the native codes above, the Windows Installer conventions that
 * Configuration Manager and Intune read (their return-code tables), or DSC's: a resource's
 * test reports "not in the desired state" in its output, not as an error, so check's
 * "not ready" exits 0 there (the verdict is the JSON's _inDesiredState). */
enum exit_profile { EXIT_PROFILE_NATIVE = 0, EXIT_PROFILE_MSI, EXIT_PROFILE_DSC };

struct exit_code_row {
    int native;                /* EXIT_... */
    int msi;                   /* what --exit-codes msi exits with instead */
    const wchar_t *msi_name;   /* the Windows error of that number */
    const wchar_t *engines;    /* what Configuration Manager / Intune do with it */
};
/* One row per native code, in order (exitmap.c). */
extern const struct exit_code_row exit_code_table[];
extern const int exit_code_rows;
/* The code to exit with under profile; a code the table does not know passes as it is. */
int exit_code_for(int native, enum exit_profile profile);
#endif
