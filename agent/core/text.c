/* The pure half of text.h: it also builds natively for the fuzz targets (tests/fuzz), with
 * UTF-8 conversion and formatting from tests/fuzz/compat. The file writer is textfile.c. */
#include "text.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

wchar_t *wfmtv(wchar_t *buf, size_t cch, const wchar_t *fmt, va_list ap)
{
    if (cch == 0)
        return buf;
    int n = _vsnwprintf(buf, cch, fmt, ap);
    if (n < 0 || (size_t)n >= cch)
        buf[cch - 1] = 0;
    return buf;
}

wchar_t *wfmt(wchar_t *buf, size_t cch, const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wfmtv(buf, cch, fmt, ap);
    va_end(ap);
    return buf;
}

void wcopy_cut(wchar_t *dst, size_t cch, const wchar_t *src)
{
    if (wcopy(dst, cch, src) || cch < 5)
        return;
    size_t n = cch - 4;
    if (dst[n - 1] >= 0xD800 && dst[n - 1] <= 0xDBFF)
        n--;   /* never half a surrogate pair */
    wcscpy(dst + n, L"...");
}

BOOL same_folder(const wchar_t *a, const wchar_t *b)
{
    size_t na = wcslen(a), nb = wcslen(b);
    while (na > 1 && a[na - 1] == L'\\')
        na--;
    while (nb > 1 && b[nb - 1] == L'\\')
        nb--;
    return na == nb && _wcsnicmp(a, b, na) == 0;
}

BOOL wcopy(wchar_t *dst, size_t cch, const wchar_t *src)
{
    size_t n = wcslen(src);
    if (cch == 0)
        return FALSE;
    if (n >= cch) {
        memcpy(dst, src, (cch - 1) * sizeof(wchar_t));
        dst[cch - 1] = 0;
        return FALSE;
    }
    memcpy(dst, src, (n + 1) * sizeof(wchar_t));
    return TRUE;
}

static BOOL wbuf_reserve(struct wbuf *b, size_t extra)
{
    if (b->s && !b->ok)
        return FALSE;
    if (b->len + extra + 1 <= b->cap)
        return TRUE;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    wchar_t *s = realloc(b->s, cap * sizeof(wchar_t));
    if (!s) {
        b->ok = FALSE;
        return FALSE;
    }
    if (!b->s)
        s[0] = 0;
    b->s = s;
    b->cap = cap;
    b->ok = TRUE;
    return TRUE;
}

void wbuf_add(struct wbuf *b, const wchar_t *s)
{
    size_t n = wcslen(s);
    if (!wbuf_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, (n + 1) * sizeof(wchar_t));
    b->len += n;
}

void wbuf_addf(struct wbuf *b, const wchar_t *fmt, ...)
{
    wchar_t tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    wfmtv(tmp, COUNTOF(tmp), fmt, ap);
    va_end(ap);
    wbuf_add(b, tmp);
}

void wbuf_free(struct wbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *utf8_from_wide(const wchar_t *w, int *len_out)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = malloc(n);
    if (!s)
        return NULL;
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    if (len_out)
        *len_out = n - 1;
    return s;
}

wchar_t *wide_from_utf8(const char *s, int len)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, len, NULL, 0);
    wchar_t *w = malloc((n + 1) * sizeof(wchar_t));
    if (!w)
        return NULL;
    if (n > 0)
        MultiByteToWideChar(CP_UTF8, 0, s, len, w, n);
    w[n > 0 ? n : 0] = 0;
    return w;
}

void hex_encode(const BYTE *data, DWORD size, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (DWORD i = 0; i < size; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * size] = 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

BOOL hex_decode(const char *hex, BYTE *out, DWORD cap, DWORD *size)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return FALSE;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        out[i] = (BYTE)(hi << 4 | lo);
    }
    *size = (DWORD)(n / 2);
    return TRUE;
}

size_t utf8_sequence(const BYTE *s, size_t left)
{
    BYTE c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (len > left)
        return 0;
    for (size_t k = 1; k < len; k++)
        if (s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xBF))
            return 0;
    return len;
}

void wbuf_json_str(struct wbuf *b, const wchar_t *s)
{
    wchar_t one[8];
    wbuf_add(b, L"\"");
    for (; *s; s++) {
        wchar_t c = *s;
        BOOL high = c >= 0xD800 && c <= 0xDBFF, low = c >= 0xDC00 && c <= 0xDFFF;
        if (high && s[1] >= 0xDC00 && s[1] <= 0xDFFF) {
            one[0] = c, one[1] = s[1], one[2] = 0;
            s++;
            wbuf_add(b, one);
        } else if (c == L'"' || c == L'\\') {
            one[0] = L'\\', one[1] = c, one[2] = 0;
            wbuf_add(b, one);
        } else if (c == L'\n' || c == L'\r' || c == L'\t') {
            wbuf_add(b, c == L'\n' ? L"\\n" : c == L'\r' ? L"\\r" : L"\\t");
        } else if (c < 0x20 || c == 0x7F || high || low || c == 0x2028 || c == 0x2029) {
            wbuf_add(b, wfmt(one, COUNTOF(one), L"\\u%04x", (unsigned)c));
        } else {
            one[0] = c, one[1] = 0;
            wbuf_add(b, one);
        }
    }
    wbuf_add(b, L"\"");
}

BOOL guid_text(const wchar_t *s, size_t len)
{
    static const wchar_t shape[] = L"{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
    if (len != COUNTOF(shape) - 1)
        return FALSE;
    for (size_t i = 0; i < len; i++) {
        wchar_t c = s[i];
        BOOL hex = (c >= L'0' && c <= L'9') || (c >= L'a' && c <= L'f') || (c >= L'A' && c <= L'F');
        if (shape[i] == L'X' ? !hex : c != shape[i])
            return FALSE;
    }
    return TRUE;
}
