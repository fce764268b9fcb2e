/* Authenticode verification of payload drivers (signature.h). */
#include "signature.h"
#include <wintrust.h>
#include <softpub.h>
#include <wincrypt.h>
#include <mscat.h>
#include <string.h>
#include <wchar.h>
#include <stdlib.h>
#include "dynapi.h"

#define P2V_CRYPT_E_NOT_FOUND            ((LONG)0x80092004L)

struct wintrust_api {
    LONG (WINAPI *WinVerifyTrust)(HWND, GUID *, LPVOID);
    /* catalogs (all of Windows 2000 and later) */
    HANDLE (WINAPI *CryptCATOpen)(LPWSTR, DWORD, HCRYPTPROV, DWORD, DWORD);
    BOOL (WINAPI *CryptCATClose)(HANDLE);
    CRYPTCATMEMBER *(WINAPI *CryptCATEnumerateMember)(HANDLE, CRYPTCATMEMBER *);
    BOOL (WINAPI *CryptCATAdminReleaseContext)(HCATADMIN, DWORD);
    BOOL (WINAPI *CryptCATAdminCalcHashFromFileHandle)(HANDLE, DWORD *, BYTE *, DWORD);
    /* SHA-256 member hashes (Windows 8 and later; NULL before) */
    BOOL (WINAPI *CryptCATAdminAcquireContext2)(HCATADMIN *, const GUID *, PCWSTR, const void *, DWORD);
    BOOL (WINAPI *CryptCATAdminCalcHashFromFileHandle2)(HCATADMIN, HANDLE, DWORD *, BYTE *, DWORD);
    BOOL catalogs;
    /* the signer and its chain, as WinVerifyTrust built them */
    CRYPT_PROVIDER_DATA *(WINAPI *WTHelperProvDataFromStateData)(HANDLE);
    CRYPT_PROVIDER_SGNR *(WINAPI *WTHelperGetProvSignerFromChain)(CRYPT_PROVIDER_DATA *, DWORD, BOOL, DWORD);
};
struct crypt32_api {
    BOOL (WINAPI *CryptQueryObject)(DWORD, const void *, DWORD, DWORD, DWORD, DWORD *, DWORD *,
                                    DWORD *, HCERTSTORE *, HCRYPTMSG *, const void **);
    BOOL (WINAPI *CryptMsgGetParam)(HCRYPTMSG, DWORD, DWORD, void *, DWORD *);
    BOOL (WINAPI *CryptMsgClose)(HCRYPTMSG);
    BOOL (WINAPI *CertCloseStore)(HCERTSTORE, DWORD);
    BOOL (WINAPI *CertGetCertificateContextProperty)(PCCERT_CONTEXT, DWORD, void *, DWORD *);
    DWORD (WINAPI *CertGetNameStringW)(PCCERT_CONTEXT, DWORD, DWORD, void *, LPWSTR, DWORD);
    PCCERT_CONTEXT (WINAPI *CertEnumCertificatesInStore)(HCERTSTORE, PCCERT_CONTEXT);
    PCCERT_CONTEXT (WINAPI *CertFindCertificateInStore)(HCERTSTORE, DWORD, DWORD, DWORD, const void *, PCCERT_CONTEXT);
    BOOL (WINAPI *CertFreeCertificateContext)(PCCERT_CONTEXT);
    BOOL (WINAPI *CertComparePublicKeyInfo)(DWORD, PCERT_PUBLIC_KEY_INFO, PCERT_PUBLIC_KEY_INFO);
    BOOL (WINAPI *CryptVerifyCertificateSignature)(HCRYPTPROV, DWORD, const BYTE *, DWORD, PCERT_PUBLIC_KEY_INFO);
    HCERTSTORE (WINAPI *CertOpenStore)(LPCSTR, DWORD, HCRYPTPROV, DWORD, const void *);
    BOOL chains;
};

static const struct wintrust_api *wintrust(void)
{
    static struct wintrust_api api;
    static int state;
    if (state == 0) {
        /* WinVerifyTrust loads its providers, subject interface packages and the
         * cryptographic providers by the names the registry gives them */
        static const wchar_t *const by_name[] = {
            L"crypt32.dll", L"msasn1.dll", L"softpub.dll", L"mssip32.dll", L"mscat32.dll", L"imagehlp.dll",
            L"cryptnet.dll", L"rsaenh.dll", L"dssenh.dll", NULL,
        };
        system_dlls_preload(by_name);
        HMODULE m = system_dll(L"wintrust.dll");
        state = -1;
        if (m && (api.WinVerifyTrust = (void *)GetProcAddress(m, "WinVerifyTrust"))) {
            state = 1;
#define GET(f) (api.f = (void *)GetProcAddress(m, #f))
            api.catalogs = GET(CryptCATOpen) && GET(CryptCATClose) && GET(CryptCATEnumerateMember) &&
                           GET(CryptCATAdminReleaseContext) &&
                           GET(CryptCATAdminCalcHashFromFileHandle);
            if (!GET(CryptCATAdminAcquireContext2) || !GET(CryptCATAdminCalcHashFromFileHandle2))
                api.CryptCATAdminAcquireContext2 = NULL;
            if (!GET(WTHelperProvDataFromStateData) || !GET(WTHelperGetProvSignerFromChain))
                api.WTHelperProvDataFromStateData = NULL;
#undef GET
        }
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
        api.chains = m && GET(CertGetCertificateContextProperty) && GET(CertGetNameStringW) &&
                     GET(CertEnumCertificatesInStore) && GET(CertFindCertificateInStore) &&
                     GET(CertFreeCertificateContext) && GET(CertComparePublicKeyInfo) &&
                     GET(CryptVerifyCertificateSignature) && GET(CertOpenStore);
#undef GET
    }
    return state == 1 ? &api : NULL;
}

/* The first signer's digest algorithm is SHA-2. A file signed twice (SHA-1 first, SHA-2
 * nested) loads on Windows without SHA-2 support: its first signer is SHA-1. */
static BOOL first_signer_sha2(const wchar_t *path, DWORD content_flags)
{
    const struct crypt32_api *c = crypt32();
    HCRYPTMSG msg = NULL;
    HCERTSTORE store = NULL;
    DWORD enc, content, format, n = 0;
    BOOL sha2 = FALSE;
    if (!c || !c->CryptQueryObject(CERT_QUERY_OBJECT_FILE, path, content_flags,
                                   CERT_QUERY_FORMAT_FLAG_BINARY, 0, &enc, &content, &format, &store, &msg, NULL))
        return FALSE;
    if (msg && c->CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, NULL, &n) && n && n < (1u << 20)) {
        CMSG_SIGNER_INFO *si = malloc(n);
        if (si && c->CryptMsgGetParam(msg, CMSG_SIGNER_INFO_PARAM, 0, si, &n))
            sha2 = sig_oid_is_sha2(si->HashAlgorithm.pszObjId);
        free(si);
    }
    if (msg)
        c->CryptMsgClose(msg);
    if (store)
        c->CertCloseStore(store, 0);
    return sha2;
}

/* WinVerifyTrust's Authenticode policy for a file's embedded signature (file) or a catalog
 * member (cat), without UI or network access; its state is closed again at once. */
/* Microsoft Code Verification Root itself, where this Windows keeps it (the signature's
 * own certificates, or the machine's AuthRoot or Root store); NULL when it is nowhere. */
static PCCERT_CONTEXT code_verification_root(const struct crypt32_api *c, CRYPT_PROVIDER_DATA *pd)
{
    CRYPT_HASH_BLOB want = { 20, (BYTE *)sig_code_verification_root };
    for (DWORD i = 0; i < pd->chStores; i++) {
        PCCERT_CONTEXT r = c->CertFindCertificateInStore(pd->pahStores[i], X509_ASN_ENCODING | PKCS_7_ASN_ENCODING,
                                                         0, CERT_FIND_SHA1_HASH, &want, NULL);
        if (r)
            return r;
    }
    static const wchar_t *const stores[] = { L"AuthRoot", L"Root" };
    for (int i = 0; i < 2; i++) {
        HCERTSTORE st = c->CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE |
                                         CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, stores[i]);
        if (!st)
            continue;
        PCCERT_CONTEXT r = c->CertFindCertificateInStore(st, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
                                                         CERT_FIND_SHA1_HASH, &want, NULL);
        c->CertCloseStore(st, 0);   /* a context found keeps its store open */
        if (r)
            return r;
    }
    return NULL;
}

/* x is a cross-certificate from Microsoft Code Verification Root: issued under that name,
 * and, where this Windows keeps that root, signed by its key. */
static BOOL cross_from_microsoft(const struct crypt32_api *c, PCCERT_CONTEXT x, PCCERT_CONTEXT root)
{
    wchar_t issuer[128];
    if (!c->CertGetNameStringW(x, CERT_NAME_SIMPLE_DISPLAY_TYPE, CERT_NAME_ISSUER_FLAG, NULL, issuer, 128) ||
        wcscmp(issuer, L"Microsoft Code Verification Root"))
        return FALSE;
    return !root || c->CryptVerifyCertificateSignature(0, X509_ASN_ENCODING, x->pbCertEncoded, x->cbCertEncoded,
                                                       &root->pCertInfo->SubjectPublicKeyInfo);
}

/* Where the 64-bit kernel would anchor the signer's chain: its root is a Microsoft root, or
 * the signature carries a Microsoft cross-certificate for a certificate of the chain (the
 * commercial CA's root). A chain WinVerifyTrust accepts because this Windows trusts its root
 * (a company CA) is trusted for programs, not for boot drivers. */
static void kernel_anchor(const struct wintrust_api *w, HANDLE state, struct sig_info *out)
{
    const struct crypt32_api *c = crypt32();
    if (!c || !c->chains || !w->WTHelperProvDataFromStateData)
        return;
    CRYPT_PROVIDER_DATA *pd = w->WTHelperProvDataFromStateData(state);
    CRYPT_PROVIDER_SGNR *s = pd ? w->WTHelperGetProvSignerFromChain(pd, 0, FALSE, 0) : NULL;
    if (!s || !s->csCertChain || !s->pasCertChain || !s->pasCertChain[s->csCertChain - 1].pCert)
        return;
    PCCERT_CONTEXT root = s->pasCertChain[s->csCertChain - 1].pCert;
    BYTE sha1[20];
    DWORD n = sizeof sha1;
    c->CertGetNameStringW(root, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, NULL, out->root, (DWORD)(sizeof out->root / sizeof out->root[0]));
    if (c->CertGetCertificateContextProperty(root, CERT_SHA1_HASH_PROP_ID, sha1, &n) && n == 20 &&
        sig_kernel_root(sha1)) {
        out->kernel = TRUE;
        return;
    }
    PCCERT_CONTEXT mscvr = code_verification_root(c, pd);
    for (DWORD i = 0; i < pd->chStores && !out->kernel; i++) {
        PCCERT_CONTEXT x = NULL;
        while (!out->kernel && (x = c->CertEnumCertificatesInStore(pd->pahStores[i], x)) != NULL) {
            if (!cross_from_microsoft(c, x, mscvr))
                continue;
            for (DWORD k = 0; k < s->csCertChain && !out->kernel; k++)
                out->kernel = s->pasCertChain[k].pCert &&
                              c->CertComparePublicKeyInfo(X509_ASN_ENCODING, &x->pCertInfo->SubjectPublicKeyInfo,
                                                          &s->pasCertChain[k].pCert->pCertInfo->SubjectPublicKeyInfo);
        }
        if (x)
            c->CertFreeCertificateContext(x);
    }
    if (mscvr)
        c->CertFreeCertificateContext(mscvr);
}

static LONG verify_trust(const struct wintrust_api *w, WINTRUST_FILE_INFO *file, WINTRUST_CATALOG_INFO *cat,
                         struct sig_info *out)
{
    GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
    WINTRUST_DATA data;
    memset(&data, 0, sizeof data);
    data.cbStruct = sizeof data;
    data.dwUIChoice = WTD_UI_NONE;
    data.fdwRevocationChecks = WTD_REVOKE_NONE;
    if (file) {
        data.dwUnionChoice = WTD_CHOICE_FILE;
        data.pFile = file;
    } else {
        data.dwUnionChoice = WTD_CHOICE_CATALOG;
        data.pCatalog = cat;
    }
    data.dwStateAction = WTD_STATEACTION_VERIFY;
    data.dwProvFlags = WTD_CACHE_ONLY_URL_RETRIEVAL | WTD_REVOCATION_CHECK_NONE;
    LONG result = w->WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    if (sig_classify(result, TRUE) == SIG_VALID)
        kernel_anchor(w, data.hWVTStateData, out);
    data.dwStateAction = WTD_STATEACTION_CLOSE;
    w->WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, &data);
    return result;
}

void sig_verify(const wchar_t *path, BOOL has_table, struct sig_info *out)
{
    memset(out, 0, sizeof *out);
    const struct wintrust_api *w = wintrust();
    if (!w) {
        out->state = has_table ? SIG_UNCHECKED : SIG_NONE;
        return;
    }
    WINTRUST_FILE_INFO file = { sizeof file, path, NULL, NULL };
    out->result = verify_trust(w, &file, NULL, out);
    out->state = sig_classify(out->result, has_table);
    if (out->state == SIG_VALID || out->state == SIG_UNTRUSTED)
        out->sha2_only = first_signer_sha2(path, CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED_EMBED);
}

/* The file's hashes as catalogs list them: SHA-1 always, SHA-256 where Windows can compute
 * it (8 and later). For a PE file both are Authenticode hashes, for other files flat ones. */
struct member_hashes {
    BYTE sha1[20], sha256[32];
    DWORD n_sha1, n_sha256;
};

static BOOL hash_member(const struct wintrust_api *w, HANDLE file, struct member_hashes *h)
{
    HCATADMIN admin = NULL;
    memset(h, 0, sizeof *h);
    h->n_sha1 = sizeof h->sha1;
    if (!w->CryptCATAdminCalcHashFromFileHandle(file, &h->n_sha1, h->sha1, 0) || h->n_sha1 != sizeof h->sha1)
        return FALSE;
    if (w->CryptCATAdminAcquireContext2 &&
        w->CryptCATAdminAcquireContext2(&admin, NULL, L"SHA256", NULL, 0)) {
        h->n_sha256 = sizeof h->sha256;
        SetFilePointer(file, 0, NULL, FILE_BEGIN);
        if (!w->CryptCATAdminCalcHashFromFileHandle2(admin, file, &h->n_sha256, h->sha256, 0) ||
            h->n_sha256 != sizeof h->sha256)
            h->n_sha256 = 0;
        w->CryptCATAdminReleaseContext(admin, 0);
    }
    return TRUE;
}

/* Which of the member's hashes the catalog lists (the entry's indirect data digest);
 * NULL when none. Every entry is walked: the enumeration frees its own state at the end. */
static const BYTE *catalog_lists(const struct wintrust_api *w, HANDLE cat, const struct member_hashes *h,
                                 DWORD *n)
{
    const BYTE *found = NULL;
    CRYPTCATMEMBER *e = NULL;
    while ((e = w->CryptCATEnumerateMember(cat, e)) != NULL) {
        if (found || !e->pIndirectData)
            continue;
        const CRYPT_HASH_BLOB *d = &e->pIndirectData->Digest;
        if (d->cbData == h->n_sha1 && memcmp(d->pbData, h->sha1, h->n_sha1) == 0) {
            found = h->sha1;
            *n = h->n_sha1;
        } else if (h->n_sha256 && d->cbData == h->n_sha256 && memcmp(d->pbData, h->sha256, h->n_sha256) == 0) {
            found = h->sha256;
            *n = h->n_sha256;
        }
    }
    return found;
}

void sig_verify_catalog(const wchar_t *catalog, const wchar_t *member, struct sig_info *out)
{
    memset(out, 0, sizeof *out);
    const struct wintrust_api *w = wintrust();
    if (!w || !w->catalogs) {
        out->state = SIG_UNCHECKED;
        return;
    }
    HANDLE file = CreateFileW(member, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        out->state = SIG_BROKEN;
        out->result = (LONG)HRESULT_FROM_WIN32(GetLastError());
        return;
    }
    struct member_hashes h;
    if (!hash_member(w, file, &h)) {
        out->state = SIG_UNCHECKED;
        out->result = (LONG)HRESULT_FROM_WIN32(GetLastError());
        CloseHandle(file);
        return;
    }
    /* a catalog that cannot be opened as one is damaged (or not a catalog at all) */
    HANDLE cat = w->CryptCATOpen((LPWSTR)catalog, CRYPTCAT_OPEN_EXISTING, 0, 0, 0);
    if (cat == INVALID_HANDLE_VALUE || cat == NULL) {
        out->state = SIG_BROKEN;
        out->result = (LONG)HRESULT_FROM_WIN32(GetLastError());
        CloseHandle(file);
        return;
    }
    DWORD n = 0;
    const BYTE *hash = catalog_lists(w, cat, &h, &n);
    w->CryptCATClose(cat);
    if (!hash) {
        out->state = SIG_NOT_LISTED;
        out->result = P2V_CRYPT_E_NOT_FOUND;
        CloseHandle(file);
        return;
    }
    /* the member tag: the hash in upper-case hex, as catalog tools write it */
    wchar_t tag[2 * 32 + 1];
    for (DWORD i = 0; i < n; i++) {
        tag[2 * i] = L"0123456789ABCDEF"[hash[i] >> 4];
        tag[2 * i + 1] = L"0123456789ABCDEF"[hash[i] & 15];
    }
    tag[2 * n] = 0;
    WINTRUST_CATALOG_INFO ci;
    memset(&ci, 0, sizeof ci);
    ci.cbStruct = sizeof ci;
    ci.pcwszCatalogFilePath = catalog;
    ci.pcwszMemberTag = tag;
    ci.pcwszMemberFilePath = member;
    ci.hMemberFile = file;
    ci.pbCalculatedFileHash = (BYTE *)hash;
    ci.cbCalculatedFileHash = n;
    out->result = verify_trust(w, NULL, &ci, out);
    CloseHandle(file);
    /* the catalog carries its signature: "no signature" means an unsigned catalog */
    out->state = sig_classify(out->result, TRUE);
    if (out->state == SIG_VALID || out->state == SIG_UNTRUSTED)
        out->sha2_only = first_signer_sha2(catalog, CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED);
}
