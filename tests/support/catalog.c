/* Test driver-package catalogs (fixture.h): a signed list of file hashes, as a vendor's
 * .cat is, signed with a throwaway self-signed certificate.
 *
 * A catalog is a PKCS #7 signed message whose content is a certificate trust list (CTL):
 * one entry per member, its subject identifier the member tag (the hash in hex, UTF-16),
 * its attributes the member's indirect data (the hash) and its member info (the subject
 * interface package that hashed it). */
#include "fixture.h"
#include <wincrypt.h>
#include <wintrust.h>
#include <mscat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PE_IMAGE_SIP L"{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
#define KEY_CONTAINER L"p2vprep-test-catalog"
#define TRUSTED_CN L"CN=p2vprep test catalog"
#define OID_CATALOG_LIST "1.3.6.1.4.1.311.12.1.1"
#define OID_CATALOG_LIST_MEMBER "1.3.6.1.4.1.311.12.1.2"

static BYTE *encode(LPCSTR type, const void *info, DWORD *n)
{
    BYTE *out = NULL;
    if (!CryptEncodeObjectEx(X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, type, info,
                             CRYPT_ENCODE_ALLOC_FLAG, NULL, &out, n)) {
        fprintf(stderr, "catalog: encoding failed (%lu)\n", GetLastError());
        return NULL;
    }
    return out;
}

/* The two member attributes are written in DER here: small and fixed in shape. */
static BYTE *der(BYTE *out, BYTE tag, const BYTE *body, DWORD n)
{
    *out++ = tag;
    if (n < 0x80) {
        *out++ = (BYTE)n;
    } else {
        *out++ = 0x82;
        *out++ = (BYTE)(n >> 8);
        *out++ = (BYTE)n;
    }
    memmove(out, body, n);
    return out + n;
}

static BOOL blob(CRYPT_ATTR_BLOB *b, const BYTE *data, DWORD n)
{
    if (!(b->pbData = LocalAlloc(LPTR, n)))
        return FALSE;
    memcpy(b->pbData, data, n);
    b->cbData = n;
    return TRUE;
}

/* SpcIndirectDataContent: { { SPC_PE_IMAGE_DATA_OBJID, {} }, { { sha1, NULL }, hash } } */
static BOOL indirect_data(const BYTE hash[20], CRYPT_ATTR_BLOB *out)
{
    static const BYTE data[] = { 0x30, 0x0e, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
                                 0x02, 0x01, 0x0f, 0x30, 0x00 };
    static const BYTE sha1_alg[] = { 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00 };
    BYTE digest[64], body[128], all[160];
    BYTE *e = digest;
    memcpy(e, sha1_alg, sizeof sha1_alg);
    e = der(e + sizeof sha1_alg, 0x04, hash, 20);
    BYTE *b = body;
    memcpy(b, data, sizeof data);
    b = der(b + sizeof data, 0x30, digest, (DWORD)(e - digest));
    BYTE *a = der(all, 0x30, body, (DWORD)(b - body));
    return blob(out, all, (DWORD)(a - all));
}

/* CatalogMemberInfo: { BMPString subject interface GUID, INTEGER 512 } */
static BOOL member_info(CRYPT_ATTR_BLOB *out)
{
    static const wchar_t guid[] = PE_IMAGE_SIP;
    BYTE bmp[2 * 64], body[160], all[170];
    DWORD n = 0;
    for (const wchar_t *c = guid; *c; c++) {
        bmp[n++] = (BYTE)(*c >> 8);
        bmp[n++] = (BYTE)*c;
    }
    BYTE *b = der(body, 0x1e, bmp, n);
    static const BYTE version[] = { 0x02, 0x02, 0x02, 0x00 };
    memcpy(b, version, sizeof version);
    b += sizeof version;
    BYTE *a = der(all, 0x30, body, (DWORD)(b - body));
    return blob(out, all, (DWORD)(a - all));
}

/* The member's hash as catalogs list it (the platform computes it; an Authenticode hash for
 * a PE file on Windows). */
static BOOL member_hash(const wchar_t *path, BYTE hash[20])
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD n = 20;
    BOOL ok = f != INVALID_HANDLE_VALUE && CryptCATAdminCalcHashFromFileHandle(f, &n, hash, 0) && n == 20;
    if (f != INVALID_HANDLE_VALUE)
        CloseHandle(f);
    if (!ok)
        fprintf(stderr, "catalog: cannot hash %ls (%lu)\n", path, GetLastError());
    return ok;
}

/* A signing key that stays in one key container of the test prefix. */
static BOOL signing_key(HCRYPTPROV *prov)
{
    HCRYPTKEY key;
    if (!CryptAcquireContextW(prov, KEY_CONTAINER, MS_ENHANCED_PROV_W, PROV_RSA_FULL, 0) &&
        !CryptAcquireContextW(prov, KEY_CONTAINER, MS_ENHANCED_PROV_W, PROV_RSA_FULL, CRYPT_NEWKEYSET))
        return FALSE;
    if (CryptGetUserKey(*prov, AT_SIGNATURE, &key) || CryptGenKey(*prov, AT_SIGNATURE, 2048u << 16, &key)) {
        CryptDestroyKey(key);
        return TRUE;
    }
    CryptReleaseContext(*prov, 0);
    return FALSE;
}

/* The signer's certificate, self-signed over the test key. The trusted one is kept in the
 * prefix's machine Root store (made and added once); the other is made anew and trusted
 * nowhere. */
static PCCERT_CONTEXT signer_cert(HCRYPTPROV prov, BOOL trusted)
{
    const wchar_t *cn = trusted ? TRUSTED_CN : L"CN=p2vprep untrusted test catalog";
    HCERTSTORE root = NULL;
    PCCERT_CONTEXT cert = NULL;
    if (trusted) {
        root = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
        if (!root)
            return NULL;
        cert = CertFindCertificateInStore(root, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_STR_W,
                                          TRUSTED_CN + 3, NULL);
    }
    if (!cert) {
        BYTE name[256];
        DWORD n = sizeof name;
        CRYPT_ALGORITHM_IDENTIFIER alg = { (LPSTR)szOID_RSA_SHA1RSA, { 0, NULL } };
        if (CertStrToNameW(X509_ASN_ENCODING, cn, CERT_X500_NAME_STR, NULL, name, &n, NULL)) {
            CERT_NAME_BLOB subject = { n, name };
            cert = CertCreateSelfSignCertificate(prov, &subject, 0, NULL, &alg, NULL, NULL, NULL);
        }
        if (cert && root && !CertAddCertificateContextToStore(root, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
            CertFreeCertificateContext(cert);
            cert = NULL;
        }
    }
    if (root)
        CertCloseStore(root, 0);
    return cert;
}

BOOL fx_write_catalog(const wchar_t *catalog, const wchar_t *const *members, int n_members, BOOL trusted)
{
    BOOL ok = FALSE;
    CTL_ENTRY *entries = calloc((size_t)n_members, sizeof *entries);
    CRYPT_ATTRIBUTE *attrs = calloc((size_t)n_members * 2, sizeof *attrs);
    CRYPT_ATTR_BLOB *values = calloc((size_t)n_members * 2, sizeof *values);
    wchar_t (*tags)[41] = calloc((size_t)n_members, sizeof *tags);
    BYTE (*hashes)[20] = calloc((size_t)n_members, sizeof *hashes);
    BYTE *ctl = NULL, *msg_der = NULL;
    DWORD n_ctl = 0, n_msg = 0;
    HCRYPTPROV prov = 0;
    PCCERT_CONTEXT cert = NULL;
    HCRYPTMSG msg = NULL;
    if (!entries || !attrs || !values || !tags || !hashes)
        goto out;

    for (int i = 0; i < n_members; i++) {
        if (!member_hash(members[i], hashes[i]))
            goto out;
        for (int k = 0; k < 20; k++)
            swprintf(tags[i] + 2 * k, 3, L"%02X", hashes[i][k]);
        attrs[2 * i] = (CRYPT_ATTRIBUTE){ (LPSTR)SPC_INDIRECT_DATA_OBJID, 1, &values[2 * i] };
        attrs[2 * i + 1] = (CRYPT_ATTRIBUTE){ (LPSTR)CAT_MEMBERINFO_OBJID, 1, &values[2 * i + 1] };
        if (!indirect_data(hashes[i], &values[2 * i]) || !member_info(&values[2 * i + 1]))
            goto out;
        entries[i].SubjectIdentifier.cbData = (DWORD)(wcslen(tags[i]) + 1) * sizeof(wchar_t);
        entries[i].SubjectIdentifier.pbData = (BYTE *)tags[i];
        entries[i].cAttribute = 2;
        entries[i].rgAttribute = &attrs[2 * i];
    }

    static LPSTR usage[] = { (LPSTR)OID_CATALOG_LIST };
    static BYTE list_id[16] = "p2vprep-test-cat";
    CTL_INFO ci;
    memset(&ci, 0, sizeof ci);
    ci.dwVersion = CTL_V1;
    ci.SubjectUsage.cUsageIdentifier = 1;
    ci.SubjectUsage.rgpszUsageIdentifier = usage;
    ci.ListIdentifier.cbData = sizeof list_id;
    ci.ListIdentifier.pbData = list_id;
    GetSystemTimeAsFileTime(&ci.ThisUpdate);
    ci.SubjectAlgorithm.pszObjId = (LPSTR)OID_CATALOG_LIST_MEMBER;
    ci.cCTLEntry = (DWORD)n_members;
    ci.rgCTLEntry = entries;
    if (!(ctl = encode(PKCS_CTL, &ci, &n_ctl)))
        goto out;

    /* sign it: a self-signed certificate over a key of its own, carried in the message */
    if (!signing_key(&prov)) {
        fprintf(stderr, "catalog: no signing key (%lu)\n", GetLastError());
        goto out;
    }
    if (!(cert = signer_cert(prov, trusted))) {
        fprintf(stderr, "catalog: no certificate (%lu)\n", GetLastError());
        goto out;
    }
    CMSG_SIGNER_ENCODE_INFO signer;
    memset(&signer, 0, sizeof signer);
    signer.cbSize = sizeof signer;
    signer.pCertInfo = cert->pCertInfo;
    signer.hCryptProv = prov;
    signer.dwKeySpec = AT_SIGNATURE;
    signer.HashAlgorithm.pszObjId = (LPSTR)szOID_OIWSEC_sha1;
    CERT_BLOB cert_blob = { cert->cbCertEncoded, cert->pbCertEncoded };
    CMSG_SIGNED_ENCODE_INFO signed_info;
    memset(&signed_info, 0, sizeof signed_info);
    signed_info.cbSize = sizeof signed_info;
    signed_info.cSigners = 1;
    signed_info.rgSigners = &signer;
    signed_info.cCertEncoded = 1;
    signed_info.rgCertEncoded = &cert_blob;
    msg = CryptMsgOpenToEncode(X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0, CMSG_SIGNED, &signed_info,
                               (LPSTR)szOID_CTL, NULL);
    if (!msg || !CryptMsgUpdate(msg, ctl, n_ctl, TRUE) ||
        !CryptMsgGetParam(msg, CMSG_CONTENT_PARAM, 0, NULL, &n_msg) || !(msg_der = malloc(n_msg)) ||
        !CryptMsgGetParam(msg, CMSG_CONTENT_PARAM, 0, msg_der, &n_msg)) {
        fprintf(stderr, "catalog: signing failed (%lu)\n", GetLastError());
        goto out;
    }
    ok = fx_write_file(catalog, msg_der, n_msg);
out:
    if (msg)
        CryptMsgClose(msg);
    if (cert)
        CertFreeCertificateContext(cert);
    if (prov)
        CryptReleaseContext(prov, 0);
    for (int i = 0; values && i < 2 * n_members; i++)
        LocalFree(values[i].pbData);
    LocalFree(ctl);
    free(msg_der);
    free(entries);
    free(attrs);
    free(values);
    free(tags);
    free(hashes);
    return ok;
}
