/* SHA-256 (FIPS 180-4), for recognising a file p2vprep wrote earlier by its content
 * (the journal keeps the digest of a staged INF: Windows reuses oemNN.inf names). Pure. */
#ifndef P2V_SHA256_H
#define P2V_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

void sha256(const void *data, size_t len, uint8_t digest[32]);
/* The digest as 64 lowercase hex digits and a terminating 0 (hex: 65 wchar_t). */
void sha256_hex(const void *data, size_t len, wchar_t hex[SHA256_HEX_LEN + 1]);
#endif
