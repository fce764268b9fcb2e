/* What the 32-bit exe must do differently on 64-bit Windows (under WOW64), decided without
 * a Win32 call, so that the x64 unit tests exercise every branch against a simulated WOW64
 * host (tests/unit/test_wow64.c) on machines that run no 32-bit code. */
#ifndef P2V_WOW64_H
#define P2V_WOW64_H
#include <windows.h>
#include "text.h"
#include "plan.h"
#include "jrecord.h"

#define P2V_KEY_WOW64_64KEY 0x0100   /* KEY_WOW64_64KEY; Windows 2000 predates the flag */

/* Registry access for HKLM: the native (64-bit) view under WOW64, where SOFTWARE would
 * otherwise be redirected to SOFTWARE\Wow6432Node. Unchanged elsewhere. */
REGSAM wow64_registry_access(BOOL wow64, REGSAM access);

/* File operations must run with file-system redirection off: under WOW64, System32
 * (drivers, config, INF's neighbours) would otherwise be SysWOW64. */
BOOL wow64_redirection_off(BOOL wow64);

/* How this process names Windows' native System32 for a program it starts (DISM):
 * <windir>\Sysnative under WOW64 (the alias 32-bit processes have; redirection stays on
 * around CreateProcess), else <windir>\System32. FALSE when it does not fit. */
BOOL wow64_native_system32(const wchar_t *windir, BOOL wow64, wchar_t *out, size_t cch);

/* The 64-bit exe a 32-bit one hands a run to: its partner beside it, named as it is with
 * -x86 turned into -x64 (p2vprep-x86.exe -> p2vprep-x64.exe, and a test build
 * p2vprep-fault-x86.exe -> p2vprep-fault-x64.exe, so that a hand-off keeps its behaviour);
 * an exe renamed otherwise hands to p2vprep-x64.exe beside it. FALSE when it does not fit. */
BOOL wow64_partner_exe(const wchar_t *own_path, wchar_t *out, size_t cch);

/* The partner's command line: this process' own with its program name (argv[0], parsed as
 * Windows parses it: quoted, or up to the first space or tab) replaced by the quoted
 * partner, every argument after it byte for byte. */
void wow64_partner_command_line(const wchar_t *own_command_line, const wchar_t *partner,
                                struct wbuf *out);
/* Whether this run must go to the 64-bit exe before anything changes: under WOW64, a plan
 * that stages a driver package, or a journal whose undo removes one (SetupAPI and DISM
 * refuse 32-bit callers on 64-bit Windows). */
BOOL wow64_hand_off_plan(BOOL wow64, const struct plan *p);
BOOL wow64_hand_off_journal(BOOL wow64, const struct jentry *entries, size_t n);
#endif
