/* What a signature check's answer means (sigstate.h). Pure. */
#include "sigstate.h"
#include <string.h>

/* wintrust.h's names for HRESULTs mingw-w64 may not define */
#define P2V_TRUST_E_NOSIGNATURE          ((LONG)0x800B0100L)
#define P2V_TRUST_E_SUBJECT_FORM_UNKNOWN ((LONG)0x800B0003L)
#define P2V_TRUST_E_PROVIDER_UNKNOWN     ((LONG)0x800B0001L)
#define P2V_TRUST_E_ACTION_UNKNOWN       ((LONG)0x800B0002L)
#define P2V_TRUST_E_BAD_DIGEST           ((LONG)0x80096010L)
#define P2V_TRUST_E_CERT_SIGNATURE       ((LONG)0x80096004L)
#define P2V_CERT_E_EXPIRED               ((LONG)0x800B0101L)
#define P2V_CERT_E_UNTRUSTEDROOT         ((LONG)0x800B0109L)
#define P2V_CERT_E_CHAINING              ((LONG)0x800B010AL)
#define P2V_CERT_E_REVOKED               ((LONG)0x800B010CL)
#define P2V_TRUST_E_EXPLICIT_DISTRUST    ((LONG)0x800B0111L)
#define P2V_CRYPT_E_SECURITY_SETTINGS    ((LONG)0x80092026L)
#define P2V_NTE_BAD_SIGNATURE            ((LONG)0x80090006L)

int sig_classify(LONG result, BOOL has_table)
{
    switch (result) {
    case 0:
        return SIG_VALID;
    case P2V_CERT_E_EXPIRED:
        /* code integrity does not look at dates: an expired signer still loads */
        return SIG_VALID;
    case P2V_TRUST_E_NOSIGNATURE:
    case P2V_TRUST_E_SUBJECT_FORM_UNKNOWN:
        /* a certificate table WinVerifyTrust finds no signature in is a damaged one */
        return has_table ? SIG_BROKEN : SIG_NONE;
    case P2V_TRUST_E_PROVIDER_UNKNOWN:
    case P2V_TRUST_E_ACTION_UNKNOWN:
        return has_table ? SIG_UNCHECKED : SIG_NONE;
    case P2V_TRUST_E_BAD_DIGEST:
    case P2V_TRUST_E_CERT_SIGNATURE:
    case P2V_NTE_BAD_SIGNATURE:
        return SIG_BROKEN;
    default:
        /* untrusted root, broken chain, revoked, distrusted, blocked by policy, ... */
        return has_table ? SIG_UNTRUSTED : SIG_NONE;
    }
}

/* The roots 64-bit code integrity anchors boot drivers in, by SHA-1 thumbprint, as signtool
 * verify /kp and the roots of Windows' certificate store show them:
 * - Microsoft Code Verification Root: the root of every kernel-mode cross-certificate
 *   ("Cross-Certificates for Kernel Mode Code Signing", Microsoft Docs);
 * - Microsoft Root Authority, Microsoft Root Certificate Authority (2001), ... 2010 and
 *   ... 2011: Microsoft's own signatures (Windows components, WHQL and attestation-signed
 *   drivers through "Microsoft Windows Hardware Compatibility Publisher"). */
const BYTE sig_code_verification_root[20] = {
    0x8F, 0xBE, 0x4D, 0x07, 0x0E, 0xF8, 0xAB, 0x1B, 0xCC, 0xAF, 0x2A, 0x9D, 0x5C, 0xCA, 0xE7, 0x28, 0x2A, 0x2C, 0x66, 0xB3,
};
static const BYTE kernel_roots[][20] = {
    { 0xA4, 0x34, 0x89, 0x15, 0x9A, 0x52, 0x0F, 0x0D, 0x93, 0xD0, 0x32, 0xCC, 0xAF, 0x37, 0xE7, 0xFE, 0x20, 0xA8, 0xB4, 0x19 },
    { 0xCD, 0xD4, 0xEE, 0xAE, 0x60, 0x00, 0xAC, 0x7F, 0x40, 0xC3, 0x80, 0x2C, 0x17, 0x1E, 0x30, 0x14, 0x80, 0x30, 0xC0, 0x72 },
    { 0x3B, 0x1E, 0xFD, 0x3A, 0x66, 0xEA, 0x28, 0xB1, 0x66, 0x97, 0x39, 0x47, 0x03, 0xA7, 0x2C, 0xA3, 0x40, 0xA0, 0x5B, 0xD5 },
    { 0x8F, 0x43, 0x28, 0x8A, 0xD2, 0x72, 0xF3, 0x10, 0x3B, 0x6F, 0xB1, 0x42, 0x84, 0x85, 0xEA, 0x30, 0x14, 0xC0, 0xBC, 0xFE },
};

BOOL sig_kernel_root(const BYTE sha1[20])
{
    if (!memcmp(sha1, sig_code_verification_root, 20))
        return TRUE;
    for (size_t i = 0; i < sizeof kernel_roots / sizeof kernel_roots[0]; i++)
        if (!memcmp(sha1, kernel_roots[i], 20))
            return TRUE;
    return FALSE;
}

BOOL sig_oid_is_sha2(const char *oid)
{
    /* 2.16.840.1.101.3.4.2.x: SHA-256, SHA-384, SHA-512, ... (NIST hash algorithms) */
    static const char nist_hash[] = "2.16.840.1.101.3.4.2.";
    return oid && strncmp(oid, nist_hash, sizeof nist_hash - 1) == 0;
}

const wchar_t *sig_state_text(int state)
{
    switch (state) {
    case SIG_NONE: return L"has no Authenticode signature";
    case SIG_VALID: return L"is signed";
    case SIG_UNTRUSTED: return L"is signed by a certificate this Windows does not trust "
                               L"(self-signed or test-signed, revoked, or distrusted)";
    case SIG_BROKEN: return L"has a broken signature: the file was altered after it was signed, "
                            L"or its signature cannot be read";
    case SIG_NOT_LISTED: return L"is not listed in its package's catalog: it was changed after the "
                                L"catalog was signed, or the catalog belongs to another version";
    default: return L"carries a signature that could not be verified here";
    }
}
