/* Small wide-string helpers: bounded formatting, a growable buffer, UTF-8. */
#ifndef P2V_TEXT_H
#define P2V_TEXT_H
#include <windows.h>
#include <stddef.h>

#define COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* Formats into buf (always terminated, truncated if needed). Returns buf. */
wchar_t *wfmt(wchar_t *buf, size_t cch, const wchar_t *fmt, ...);
wchar_t *wfmtv(wchar_t *buf, size_t cch, const wchar_t *fmt, va_list ap);
/* Copies src into dst (always terminated). Returns FALSE if truncated. */
BOOL wcopy(wchar_t *dst, size_t cch, const wchar_t *src);
/* The same, but a cut text ends in "..." (and never in half a surrogate pair). */
void wcopy_cut(wchar_t *dst, size_t cch, const wchar_t *src);

/* Folder names compare without case and without a trailing backslash. */
BOOL same_folder(const wchar_t *a, const wchar_t *b);

/* A growable wide string; ok is FALSE once an allocation failed. */
struct wbuf { wchar_t *s; size_t len, cap; BOOL ok; };
void wbuf_add(struct wbuf *b, const wchar_t *s);
void wbuf_addf(struct wbuf *b, const wchar_t *fmt, ...);
void wbuf_free(struct wbuf *b);

/* s as a JSON string, quotes included, appended to b: ", \\ and controls escaped, and lone
 * surrogates (a name Windows accepted, not text) as \\uXXXX, so that it stays valid through
 * the UTF-8 conversion; surrogate pairs as they are. */
void wbuf_json_str(struct wbuf *b, const wchar_t *s);
/* len characters of s are a GUID in braces, {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} (hex digits
 * of either case): a class key, an adapter's instance, a product code. */
BOOL guid_text(const wchar_t *s, size_t len);

/* The length of the strict UTF-8 sequence at s (left bytes there): 1 to 4, or 0 when it
 * is not one (overlong forms, encoded surrogates, beyond U+10FFFF, cut short). */
size_t utf8_sequence(const BYTE *s, size_t left);

/* UTF-16 <-> UTF-8; results are malloc'ed, NULL on failure. */
char *utf8_from_wide(const wchar_t *w, int *len_out);
wchar_t *wide_from_utf8(const char *s, int len);


/* Hex encoding of registry data for the journal. */
void hex_encode(const BYTE *data, DWORD size, char *out);          /* out: 2*size+1 */
BOOL hex_decode(const char *hex, BYTE *out, DWORD cap, DWORD *size);
#endif
