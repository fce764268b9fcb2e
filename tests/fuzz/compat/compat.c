/* The Windows functions the pure files call, for the native fuzz build (windows.h here). */
#include "windows.h"
#include <stdio.h>
#include <string.h>

static DWORD last_error;

DWORD GetLastError(void) { return last_error; }

/* One code point of UTF-8 at s[0..left): its length, or 0 when the bytes there are not a
 * whole, shortest, non-surrogate sequence up to U+10FFFF (then one byte becomes U+FFFD). */
static size_t utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (left < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

int MultiByteToWideChar(UINT codepage, DWORD flags, const char *s, int len, wchar_t *out, int cch)
{
    (void)flags;
    if (codepage != CP_UTF8 || !s || len == 0 || len < -1 || cch < 0) {
        last_error = ERROR_INVALID_PARAMETER;
        return 0;
    }
    size_t n = len == -1 ? strlen(s) + 1 : (size_t)len, need = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0xFFFD;
        size_t k = utf8_decode(u + i, n - i, &cp);
        i += k ? k : 1;
        if (!k)
            cp = 0xFFFD;
        wchar_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            units[0] = (wchar_t)(0xD800 + ((cp - 0x10000) >> 10));
            units[1] = (wchar_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
            nu = 2;
        } else {
            units[0] = (wchar_t)cp;
        }
        if (cch) {
            if (need + (size_t)nu > (size_t)cch) {
                last_error = ERROR_INSUFFICIENT_BUFFER;
                return 0;
            }
            memcpy(out + need, units, (size_t)nu * sizeof(wchar_t));
        }
        need += (size_t)nu;
    }
    return (int)need;
}

int WideCharToMultiByte(UINT codepage, DWORD flags, const wchar_t *w, int len, char *out, int cb,
                        const char *default_char, BOOL *used_default)
{
    (void)flags;
    if (codepage != CP_UTF8 || !w || len == 0 || len < -1 || cb < 0 || default_char || used_default) {
        last_error = ERROR_INVALID_PARAMETER;
        return 0;
    }
    size_t n = len == -1 ? wcslen(w) + 1 : (size_t)len, need = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = (uint32_t)w[i] & 0xFFFF;   /* a UTF-16 code unit */
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n && ((uint32_t)w[i + 1] & 0xFC00) == 0xDC00)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (((uint32_t)w[++i] & 0xFFFF) - 0xDC00);
        else if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;   /* a lone surrogate */
        unsigned char b[4];
        int nb;
        if (cp < 0x80)
            b[0] = (unsigned char)cp, nb = 1;
        else if (cp < 0x800)
            b[0] = (unsigned char)(0xC0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3F)), nb = 2;
        else if (cp < 0x10000)
            b[0] = (unsigned char)(0xE0 | cp >> 12), b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)),
            b[2] = (unsigned char)(0x80 | (cp & 0x3F)), nb = 3;
        else
            b[0] = (unsigned char)(0xF0 | cp >> 18), b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F)),
            b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)), b[3] = (unsigned char)(0x80 | (cp & 0x3F)),
            nb = 4;
        if (cb) {
            if (need + (size_t)nb > (size_t)cb) {
                last_error = ERROR_INSUFFICIENT_BUFFER;
                return 0;
            }
            memcpy(out + need, b, (size_t)nb);
        }
        need += (size_t)nb;
    }
    return (int)need;
}

int _vsnwprintf(wchar_t *buf, size_t cch, const wchar_t *fmt, va_list ap)
{
    return vswprintf(buf, cch, fmt, ap);
}

static wchar_t fold(wchar_t c)
{
    return c >= L'A' && c <= L'Z' ? (wchar_t)(c - L'A' + L'a') : c;
}

int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wchar_t x = fold(a[i]), y = fold(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
    return 0;
}

int _wcsicmp(const wchar_t *a, const wchar_t *b)
{
    return _wcsnicmp(a, b, (size_t)-1);
}
