/* Exit codes: a contract with admins' scripts, PsExec and the service wrapper. */
#ifndef P2V_EXITCODES_H
#define P2V_EXITCODES_H
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
#endif
