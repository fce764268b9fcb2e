/* Is a payload driver's embedded Authenticode signature one that Windows accepts?
 *
 * 64-bit Windows Vista and later load a boot-start driver only when code integrity accepts
 * its signature; a driver that fails stops Windows at boot (0xc0000428). The presence of a
 * certificate table says nothing: a self-signed certificate, or a file altered after it was
 * signed, still carries one. WinVerifyTrust (wintrust.dll, loaded at run time from System32)
 * checks the file's digest and the signer's chain against this machine's trusted roots.
 *
 * The classification of its result is pure (sig_classify), so that every outcome is tested
 * even where the emulated Windows answers only some of them. */
#ifndef P2V_SIGNATURE_H
#define P2V_SIGNATURE_H
#include <windows.h>

#include "sigstate.h"

/* Verifies the file at path (has_table: pe_has_signature of its bytes). Never fails:
 * without wintrust.dll the state is SIG_UNCHECKED (or SIG_NONE). No network access:
 * revocation is not checked and only cached URLs are used. */
void sig_verify(const wchar_t *path, BOOL has_table, struct sig_info *out);
/* Is the file at member listed in the catalog (a package's .cat), and does that catalog
 * carry a signature Windows accepts? SIG_VALID, SIG_UNTRUSTED, SIG_BROKEN (a damaged or
 * unsigned catalog, or a member that cannot be read), SIG_NOT_LISTED, or SIG_UNCHECKED
 * where this Windows has no catalog functions. The membership is checked here by the
 * member's SHA-1 and (Windows 8 and later) SHA-256 hash, not left to WinVerifyTrust. */
void sig_verify_catalog(const wchar_t *catalog, const wchar_t *member, struct sig_info *out);
#endif
