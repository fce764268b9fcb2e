/* A signature's state as p2vprep judges it, and what WinVerifyTrust's answers mean: the
 * pure half of signature verification (platform/signature.h asks Windows). */
#ifndef P2V_SIGSTATE_H
#define P2V_SIGSTATE_H
#include <windows.h>

enum sig_state {
    SIG_NONE = 0,      /* no embedded signature */
    SIG_VALID,         /* digest matches, the chain ends in a trusted root */
    SIG_UNTRUSTED,     /* intact, but by a certificate this Windows does not trust (self-signed,
                          test-signed, revoked or explicitly distrusted) */
    SIG_BROKEN,        /* the file was altered after signing, or the signature cannot be read */
    SIG_UNCHECKED,     /* a certificate table, but WinVerifyTrust is not available */
    SIG_NOT_LISTED,    /* a catalog's verdict: the file's hash is not in it */
};

struct sig_info {
    int state;          /* enum sig_state */
    LONG result;        /* WinVerifyTrust's answer (0 when not asked) */
    BOOL sha2_only;     /* signed with a SHA-2 digest and no SHA-1 one: Windows 7 / 2008 R2 and
                           older load it only with SHA-2 code signing support installed */
    BOOL kernel;        /* SIG_VALID: the signer's chain reaches a root the 64-bit kernel loads
                           drivers from (a Microsoft root, or a CA Microsoft cross-signed with
                           its Code Verification Root), not only one this Windows trusts for
                           programs (a company CA) */
    wchar_t root[64];   /* SIG_VALID: the chain's root, for messages */
};

/* TRUE when a certificate's SHA-1 thumbprint is one of the Microsoft roots the 64-bit
 * kernel's code integrity trusts for boot drivers. Pure. */
BOOL sig_kernel_root(const BYTE sha1[20]);
/* The SHA-1 thumbprint of Microsoft Code Verification Root, the root of the
 * cross-certificates Microsoft issued to commercial CAs for kernel-mode signing. */
extern const BYTE sig_code_verification_root[20];

/* What WinVerifyTrust's result means for a file that has (has_table) or has not a
 * certificate table. Pure. */
int sig_classify(LONG result, BOOL has_table);
/* TRUE when a signer's digest algorithm (an OID, e.g. "1.3.14.3.2.26" for SHA-1) is a SHA-2
 * one. Pure. */
BOOL sig_oid_is_sha2(const char *oid);
/* "signed by a certificate this Windows does not trust", ... for messages. */
const wchar_t *sig_state_text(int state);
#endif
