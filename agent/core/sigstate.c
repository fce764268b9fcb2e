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
