/* Authenticode verification of payload drivers (signature.h). */
#include "signature.h"
#include <wintrust.h>
#include <softpub.h>
#include <wincrypt.h>
#include <string.h>
#include <stdlib.h>
#include "dynapi.h"

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
    default: return L"carries a signature that could not be verified here";
    }
}

struct wintrust_api {
    LONG (WINAPI *WinVerifyTrust)(HWND, GUID *, LPVOID);
};
struct crypt32_api {
    BOOL (WINAPI *CryptQueryObject)(DWORD, const void *, DWORD, DWORD, DWORD, DWORD *, DWORD *,
                                    DWORD *, HCERTSTORE *, HCRYPTMSG *, const void **);
    BOOL (WINAPI *CryptMsgGetParam)(HCRYPTMSG, DWORD, DWORD, void *, DWORD *);
    BOOL (WINAPI *CryptMsgClose)(HCRYPTMSG);
    BOOL (WINAPI *CertCloseStore)(HCERTSTORE, DWORD);
};

static const struct wintrust_api *wintrust(void)
{
    static struct wintrust_api api;
    static int state;
    if (state == 0) {
        HMODULE m = system_dll(L"wintrust.dll");
        state = -1;
        if (m && (api.WinVerifyTrust = (void *)GetProcAddress(m, "WinVerifyTrust")))
            state = 1;
    }
    return state == 1 ? &api : NULL;
}

static const struct crypt32_api *crypt32(void)
{
    static struct crypt32_api api;
    static int state;
    if (state == 0) {
        HMODULE m = system_dll(L"crypt32.dll");
        state = -1;
#define GET(f) (api.f = (void *)GetProcAddress(m, #f))
        if (m && GET(CryptQueryObject) && GET(CryptMsgGetParam) && GET(CryptMsgClose) && GET(CertCloseStore))
            state = 1;
#undef GET
    }
    return state == 1 ? &api : NULL;
}

/* The first signer's digest algorithm is SHA-2. A file signed twice (SHA-1 first, SHA-2
 * nested) loads on Windows without SHA-2 support: its first signer is SHA-1. */
static BOOL first_signer_sha2(const wchar_t *path)
{
    const struct crypt32_api *c = crypt32();
    HCRYPTMSG msg = NULL;
    HCERTSTORE store = NULL;
    DWORD enc, content, format, n = 0;
    BOOL sha2 = FALSE;
    if (!c || !c->CryptQueryObject(CERT_QUERY_OBJECT_FILE, path, CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED_EMBED,
                                   CERT_QUERY_FORMAT_FLAG_BINARY, 0, &enc, &content, &format, &store, &msg, NULL))
        return FALSE;
    if (c->CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, NULL, &n) && n && n < (1u << 20)) {
        CMSG_SIGNER_INFO *si = malloc(n);
        if (si && c->CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, si, &n))
            sha2 = sig_oid_is_sha2(si->HashAlgorithm.pszObjId);
        free(si);
    }
    c->CryptMsgClose(msg);
    if (store)
        c->CertCloseStore(store, 0);
    return sha2;
}

void sig_verify(const wchar_t *path, BOOL has_table, struct sig_info *out)
{
    memset(out, 0, sizeof *out);
    const struct wintrust_api *w = wintrust();
    if (!w) {
        out->state = has_table ? SIG_UNCHECKED : SIG_NONE;
        return;
    }
    GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
    WINTRUST_FILE_INFO file = { sizeof file, path, NULL, NULL };
    WINTRUST_DATA data;
    memset(&data, 0, sizeof data);
    data.cbStruct = sizeof data;
    data.dwUIChoice = WTD_UI_NONE;
    data.fdwRevocationChecks = WTD_REVOKE_NONE;
    data.dwUnionChoice = WTD_CHOICE_FILE;
    data.pFile = &file;
    data.dwStateAction = WTD_STATEACTION_VERIFY;
    data.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL | WTD_REVOCATION_CHECK_NONE;
    out->result = w->WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    data.dwStateAction = WTD_STATEACTION_CLOSE;
    w->WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    out->state = sig_classify(out->result, has_table);
    if (out->state == SIG_VALID || out->state == SIG_UNTRUSTED)
        out->sha2_only = first_signer_sha2(path);
}
