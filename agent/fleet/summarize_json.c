/* The report reader of `summarize` (summarize.h): a strict JSON pull parser over one
 * report's bytes. Pure, no Win32 calls: it also builds natively for the fuzz target
 * tests/fuzz/fuzz_report.c. */
#include "summarize.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---------------------------------------------------------------------------------------
 * A strict pull parser over the report's bytes. Every function returns FALSE (or -1)
 * once the text is not JSON; the first such error is kept in err. A wrong type in a field
 * the summary uses is noted in type_err and the value skipped, so that a report that is
 * also cut short is reported as cut short (the likelier cause). */
struct jp {
    const unsigned char *s;
    size_t n, i;
    int depth;
    BOOL bad;
    BOOL seen_computer;
    wchar_t err[160];
    wchar_t type_err[160];
    char *buf;                   /* the last string read with keep, UTF-8, not terminated */
    size_t blen, bcap;
};

#define IS_HIGH(c) ((c) >= 0xD800 && (c) <= 0xDBFF)
#define IS_LOW(c) ((c) >= 0xDC00 && (c) <= 0xDFFF)

static BOOL jfail(struct jp *p, const wchar_t *fmt, ...)
{
    if (!p->bad) {
        va_list ap;
        va_start(ap, fmt);
        wfmtv(p->err, COUNTOF(p->err), fmt, ap);
        va_end(ap);
        p->bad = TRUE;
    }
    return FALSE;
}

static void type_error(struct jp *p, const wchar_t *fmt, ...)
{
    if (!p->type_err[0]) {
        va_list ap;
        va_start(ap, fmt);
        wfmtv(p->type_err, COUNTOF(p->type_err), fmt, ap);
        va_end(ap);
    }
}

/* The byte at p->i is not what the grammar allows there (or the text ended). */
static BOOL unexpected(struct jp *p)
{
    if (p->i >= p->n)
        return jfail(p, L"not JSON: unexpected end at byte %lu", (unsigned long)p->n);
    unsigned c = p->s[p->i];
    if (c > 0x20 && c < 0x7f)
        return jfail(p, L"not JSON: unexpected '%lc' at byte %lu", (wchar_t)c, (unsigned long)p->i);
    return jfail(p, L"not JSON: unexpected byte 0x%02X at byte %lu", c, (unsigned long)p->i);
}

static int peek(struct jp *p)
{
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
        p->i++;
    }
    return -1;
}

static const wchar_t *kind_name(int c)
{
    switch (c) {
    case '{': return L"an object";
    case '[': return L"an array";
    case '"': return L"a string";
    case 't': case 'f': return L"a boolean";
    case 'n': return L"null";
    default: return (c == '-' || (c >= '0' && c <= '9')) ? L"a number" : NULL;
    }
}

static BOOL put(struct jp *p, const char *bytes, size_t k)
{
    if (p->blen + k > p->bcap) {
        size_t cap = p->bcap ? p->bcap : 256;
        while (cap < p->blen + k)
            cap *= 2;
        char *b = realloc(p->buf, cap);
        if (!b)
            return jfail(p, L"out of memory");
        p->buf = b;
        p->bcap = cap;
    }
    memcpy(p->buf + p->blen, bytes, k);
    p->blen += k;
    return TRUE;
}

static BOOL put_cp(struct jp *p, unsigned cp)
{
    char u[4];
    if (cp < 0x80) {
        u[0] = (char)cp;
        return put(p, u, 1);
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        return put(p, u, 2);
    }
    if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        return put(p, u, 3);
    }
    u[0] = (char)(0xF0 | cp >> 18);
    u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    return put(p, u, 4);
}

static BOOL lit(struct jp *p, const char *word)
{
    for (; *word; word++, p->i++)
        if (p->i >= p->n || p->s[p->i] != (unsigned char)*word)
            return unexpected(p);
    return TRUE;
}

/* Four hex digits after "\u"; p->i is on the first. */
static BOOL hex4(struct jp *p, size_t esc, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++, p->i++) {
        if (p->i >= p->n)
            return unexpected(p);
        unsigned char c = p->s[p->i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return jfail(p, L"not JSON: bad \\u escape at byte %lu", (unsigned long)esc);
        v = v << 4 | (unsigned)d;
    }
    *out = v;
    return TRUE;
}

/* Length of the UTF-8 sequence at p->i (a byte >= 0x80), checked strictly: no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF. 0 after an error. */
static size_t utf8_seq(struct jp *p)
{
    const unsigned char *s = p->s + p->i;
    size_t left = p->n - p->i, len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        if (s[0] == 0xE0) lo = 0xA0;
        if (s[0] == 0xED) hi = 0x9F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        if (s[0] == 0xF0) lo = 0x90;
        if (s[0] == 0xF4) hi = 0x8F;
    } else {
        jfail(p, L"not JSON: invalid UTF-8 at byte %lu", (unsigned long)p->i);
        return 0;
    }
    for (size_t k = 1; k < len; k++) {
        if (k >= left) {
            p->i = p->n;
            unexpected(p);
            return 0;
        }
        if (s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xBF)) {
            jfail(p, L"not JSON: invalid UTF-8 at byte %lu", (unsigned long)p->i);
            return 0;
        }
    }
    return len;
}

/* A string; p->i is on the opening quote. With keep, its UTF-8 is in p->buf/p->blen. */
static BOOL jstr(struct jp *p, BOOL keep)
{
    p->i++;
    p->blen = 0;
    for (;;) {
        size_t run = p->i;
        while (p->i < p->n && p->s[p->i] >= 0x20 && p->s[p->i] < 0x80 && p->s[p->i] != '"' &&
               p->s[p->i] != '\\')
            p->i++;
        if (keep && p->i > run && !put(p, (const char *)p->s + run, p->i - run))
            return FALSE;
        if (p->i >= p->n)
            return unexpected(p);
        unsigned char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            return TRUE;
        }
        if (c < 0x20)
            return jfail(p, L"not JSON: control character 0x%02X in a string at byte %lu", c,
                         (unsigned long)p->i);
        if (c >= 0x80) {
            size_t len = utf8_seq(p);
            if (!len)
                return FALSE;
            if (keep && !put(p, (const char *)p->s + p->i, len))
                return FALSE;
            p->i += len;
            continue;
        }
        /* a backslash */
        size_t esc = p->i++;
        if (p->i >= p->n)
            return unexpected(p);
        char one;
        switch (p->s[p->i++]) {
        case '"': one = '"'; break;
        case '\\': one = '\\'; break;
        case '/': one = '/'; break;
        case 'b': one = '\b'; break;
        case 'f': one = '\f'; break;
        case 'n': one = '\n'; break;
        case 'r': one = '\r'; break;
        case 't': one = '\t'; break;
        case 'u': {
            unsigned cp, low;
            if (!hex4(p, esc, &cp))
                return FALSE;
            if (IS_LOW(cp))
                return jfail(p, L"not JSON: unpaired surrogate \\u%04X at byte %lu", cp,
                             (unsigned long)esc);
            if (IS_HIGH(cp)) {
                if (p->i < p->n && p->s[p->i] == '\\' && p->i + 1 >= p->n)
                    p->i = p->n;
                if (p->i >= p->n)
                    return unexpected(p);
                if (p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
                    return jfail(p, L"not JSON: unpaired surrogate \\u%04X at byte %lu", cp,
                                 (unsigned long)esc);
                size_t esc2 = p->i;
                p->i += 2;
                if (!hex4(p, esc2, &low))
                    return FALSE;
                if (!IS_LOW(low))
                    return jfail(p, L"not JSON: unpaired surrogate \\u%04X at byte %lu", cp,
                                 (unsigned long)esc);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            if (keep && !put_cp(p, cp))
                return FALSE;
            continue;
        }
        default:
            return jfail(p, L"not JSON: bad escape at byte %lu", (unsigned long)esc);
        }
        if (keep && !put(p, &one, 1))
            return FALSE;
    }
}

/* A number; p->i is on '-' or a digit. *is_int: no fraction, no exponent, fits in *val. */
static BOOL jnum(struct jp *p, BOOL *is_int, long long *val)
{
    BOOL neg = FALSE, integral = TRUE, big = FALSE;
    long long v = 0;
#define DIGIT() (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
    if (p->s[p->i] == '-') {
        neg = TRUE;
        p->i++;
    }
    if (!DIGIT())
        return unexpected(p);
    if (p->s[p->i] == '0') {
        p->i++;
        if (DIGIT())
            return unexpected(p);
    } else {
        while (DIGIT()) {
            if (v > 99999999999999999LL)
                big = TRUE;
            else
                v = v * 10 + (p->s[p->i] - '0');
            p->i++;
        }
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        integral = FALSE;
        p->i++;
        if (!DIGIT())
            return unexpected(p);
        while (DIGIT())
            p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        integral = FALSE;
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!DIGIT())
            return unexpected(p);
        while (DIGIT())
            p->i++;
    }
#undef DIGIT
    *is_int = integral && !big;
    *val = neg ? -v : v;
    return TRUE;
}

/* Consumes '{' or '['. */
static BOOL enter(struct jp *p)
{
    if (p->depth >= SUMMARIZE_MAX_DEPTH)
        return jfail(p, L"not JSON: nested deeper than %d at byte %lu", SUMMARIZE_MAX_DEPTH,
                     (unsigned long)p->i);
    p->depth++;
    p->i++;
    return TRUE;
}

/* Next member of an object: 1 with the key (kept if keep_key) and ':' consumed,
 * 0 after the closing '}', -1 on error. */
static int obj_next(struct jp *p, BOOL *first, BOOL keep_key)
{
    int c = peek(p);
    if (c == '}') {            /* "{}" or after a member; "{"a":1,}" fails below */
        p->i++;
        p->depth--;
        return 0;
    }
    if (!*first) {
        if (c != ',') {
            unexpected(p);
            return -1;
        }
        p->i++;
        c = peek(p);
    }
    *first = FALSE;
    if (c != '"') {
        unexpected(p);
        return -1;
    }
    if (!jstr(p, keep_key))
        return -1;
    if (peek(p) != ':') {
        unexpected(p);
        return -1;
    }
    p->i++;
    return 1;
}

/* Next element of an array: 1 when a value follows, 0 after the closing ']', -1 on error. */
static int arr_next(struct jp *p, BOOL *first)
{
    int c = peek(p);
    if (c == ']') {
        p->i++;
        p->depth--;
        return 0;
    }
    if (!*first) {
        if (c != ',') {
            unexpected(p);
            return -1;
        }
        p->i++;
    }
    *first = FALSE;
    return 1;
}

/* Any value, checked and thrown away. */
static BOOL jskip(struct jp *p)
{
    int c = peek(p), k;
    BOOL first = TRUE, is_int;
    long long v;
    switch (c) {
    case '{':
        if (!enter(p))
            return FALSE;
        while ((k = obj_next(p, &first, FALSE)) > 0)
            if (!jskip(p))
                return FALSE;
        return k == 0;
    case '[':
        if (!enter(p))
            return FALSE;
        while ((k = arr_next(p, &first)) > 0)
            if (!jskip(p))
                return FALSE;
        return k == 0;
    case '"': return jstr(p, FALSE);
    case 't': return lit(p, "true");
    case 'f': return lit(p, "false");
    case 'n': return lit(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return jnum(p, &is_int, &v);
        return unexpected(p);
    }
}

/* The value is of the wrong type for field: noted, then skipped. */
static BOOL wrong_type(struct jp *p, const wchar_t *field, const wchar_t *expected)
{
    const wchar_t *kind = kind_name(peek(p));
    if (!kind)
        return unexpected(p);
    type_error(p, L"\"%ls\" is %ls, expected %ls", field, kind, expected);
    return jskip(p);
}

static BOOL key_is(const struct jp *p, const char *name)
{
    size_t n = strlen(name);
    return p->blen == n && !memcmp(p->buf, name, n);
}

/* Copies src, marking a cut with "..." and never leaving half a surrogate pair. */
/* The string just read (p->buf) into dst. */
static BOOL store(struct jp *p, wchar_t *dst, size_t cch)
{
    if (p->blen == 0) {
        dst[0] = 0;
        return TRUE;
    }
    wchar_t *w = wide_from_utf8(p->buf, (int)p->blen);
    if (!w)
        return jfail(p, L"out of memory");
    wcopy_cut(dst, cch, w);
    free(w);
    return TRUE;
}

/* A string field (dst NULL: only checked). null leaves it empty when nullable. */
static BOOL want_str(struct jp *p, const wchar_t *field, wchar_t *dst, size_t cch, BOOL nullable)
{
    int c = peek(p);
    if (c == '"') {
        if (!jstr(p, dst != NULL))
            return FALSE;
        return dst ? store(p, dst, cch) : TRUE;
    }
    if (c == 'n' && nullable)
        return lit(p, "null");
    return wrong_type(p, field, L"a string");
}

static BOOL want_targets(struct jp *p, struct host_row *row)
{
    int c = peek(p), k;
    BOOL first = TRUE;
    unsigned idx = 0;
    if (c == 'n')
        return lit(p, "null");
    if (c != '[')
        return wrong_type(p, L"targets", L"an array");
    if (!enter(p))
        return FALSE;
    struct wbuf all = { 0 };
    while ((k = arr_next(p, &first)) > 0) {
        wchar_t field[32], one[COUNTOF(row->targets)] = L"";
        wfmt(field, COUNTOF(field), L"targets[%u]", idx);
        if (!want_str(p, field, one, COUNTOF(one), FALSE))
            break;
        if (idx++)
            wbuf_add(&all, L",");
        wbuf_add(&all, one);
    }
    if (k == 0 && all.s && !all.ok)
        jfail(p, L"out of memory");
    else if (k == 0 && all.s)
        wcopy_cut(row->targets, COUNTOF(row->targets), all.s);   /* a long list ends in "..." */
    wbuf_free(&all);
    return k == 0 && !p->bad;
}

static BOOL want_int(struct jp *p, const wchar_t *field, int *out);

static BOOL want_os(struct jp *p, struct host_row *row, wchar_t *product, size_t product_cch)
{
    int c = peek(p), k;
    BOOL first = TRUE;
    if (c == 'n')
        return lit(p, "null");
    if (c != '{')
        return wrong_type(p, L"os", L"an object");
    if (!enter(p))
        return FALSE;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        BOOL ok;
        if (key_is(p, "version"))
            ok = want_str(p, L"os.version", row->os, COUNTOF(row->os), TRUE);
        else if (key_is(p, "arch"))
            ok = want_str(p, L"os.arch", row->arch, COUNTOF(row->arch), TRUE);
        else if (key_is(p, "service_pack"))
            ok = want_int(p, L"os.service_pack", &row->service_pack);
        else if (key_is(p, "product_type"))
            ok = want_str(p, L"os.product_type", product, product_cch, TRUE);
        else
            ok = jskip(p);
        if (!ok)
            return FALSE;
    }
    return k == 0;
}

static BOOL want_problem(struct jp *p, struct host_row *row, unsigned idx)
{
    int k;
    BOOL first = TRUE;
    wchar_t field[48], message[256] = L"", code[64] = L"";
    wfmt(field, COUNTOF(field), L"problems[%u]", idx);
    if (peek(p) != '{')
        return wrong_type(p, field, L"an object");
    if (!enter(p))
        return FALSE;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        BOOL ok;
        if (key_is(p, "message")) {
            wfmt(field, COUNTOF(field), L"problems[%u].message", idx);
            ok = want_str(p, field, idx ? NULL : message, COUNTOF(message), TRUE);
        } else if (key_is(p, "code")) {
            wfmt(field, COUNTOF(field), L"problems[%u].code", idx);
            ok = want_str(p, field, idx ? NULL : code, COUNTOF(code), TRUE);
        } else {
            ok = jskip(p);
        }
        if (!ok)
            return FALSE;
    }
    if (k < 0)
        return FALSE;
    if (idx == 0)
        wcopy_cut(row->first_problem, COUNTOF(row->first_problem), message[0] ? message : code);
    return TRUE;
}

static BOOL want_problems(struct jp *p, struct host_row *row)
{
    int c = peek(p), k;
    BOOL first = TRUE;
    if (c == 'n')
        return lit(p, "null");
    if (c != '[')
        return wrong_type(p, L"problems", L"an array");
    if (!enter(p))
        return FALSE;
    while ((k = arr_next(p, &first)) > 0) {
        if (!want_problem(p, row, (unsigned)row->n_problems))
            return FALSE;
        if (row->n_problems < 0x7fffffff)
            row->n_problems++;
    }
    return k == 0;
}

static BOOL want_bool(struct jp *p, const wchar_t *field, int *out);

/* "readiness": {"notes": [{"code": ..., "warning": true}, ...], ...}: the codes of the
 * warnings, for the wave's table (information notes are left out). */
static BOOL want_note(struct jp *p, struct host_row *row)
{
    int k, warning = 0;
    BOOL first = TRUE;
    wchar_t code[64] = L"";
    if (peek(p) != '{')
        return wrong_type(p, L"readiness.notes[]", L"an object");
    if (!enter(p))
        return FALSE;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        BOOL ok;
        if (key_is(p, "code"))
            ok = want_str(p, L"readiness.notes[].code", code, COUNTOF(code), TRUE);
        else if (key_is(p, "warning"))
            ok = want_bool(p, L"readiness.notes[].warning", &warning);
        else
            ok = jskip(p);
        if (!ok)
            return FALSE;
    }
    if (k < 0)
        return FALSE;
    size_t used = wcslen(row->notes);
    if (warning == 1 && code[0] && used + wcslen(code) + 3 < COUNTOF(row->notes))
        wfmt(row->notes + used, COUNTOF(row->notes) - used, L"%ls%ls", used ? L", " : L"", code);
    return TRUE;
}

static BOOL want_readiness(struct jp *p, struct host_row *row)
{
    int k, c = peek(p);
    BOOL first = TRUE;
    if (c == 'n')
        return lit(p, "null");
    if (c != '{')
        return wrong_type(p, L"readiness", L"an object");
    if (!enter(p))
        return FALSE;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        BOOL ok = TRUE;
        if (key_is(p, "notes")) {
            if (peek(p) != '[')
                return wrong_type(p, L"readiness.notes", L"an array");
            if (!enter(p))
                return FALSE;
            BOOL f2 = TRUE;
            int k2;
            while ((k2 = arr_next(p, &f2)) > 0)
                if (!want_note(p, row))
                    return FALSE;
            ok = k2 == 0;
        } else {
            ok = jskip(p);
        }
        if (!ok)
            return FALSE;
    }
    return k == 0;
}

static BOOL want_bool(struct jp *p, const wchar_t *field, int *out)
{
    switch (peek(p)) {
    case 't': *out = 1; return lit(p, "true");
    case 'f': *out = 0; return lit(p, "false");
    case 'n': *out = -1; return lit(p, "null");
    default: return wrong_type(p, field, L"true or false");
    }
}

static BOOL want_int(struct jp *p, const wchar_t *field, int *out)
{
    int c = peek(p);
    BOOL is_int;
    long long v;
    if (c == 'n')
        return lit(p, "null");
    if (c != '-' && !(c >= '0' && c <= '9'))
        return wrong_type(p, field, L"an integer");
    if (!jnum(p, &is_int, &v))
        return FALSE;
    if (!is_int || v < -2147483647LL - 1 || v > 2147483647LL)
        type_error(p, L"\"%ls\" is not an integer in the range of int", field);
    else
        *out = (int)v;
    return TRUE;
}

/* "time": the UTC time the report was written, as report.c writes it
 * (2026-11-29T23:40:00Z; a fraction of a second is allowed), into "2026-11-29 23:40", the
 * form of the file times. null leaves it empty. */
static BOOL want_time(struct jp *p, wchar_t *out, size_t cch)
{
    wchar_t t[40] = L"";
    if (peek(p) == 'n')
        return lit(p, "null");
    if (!want_str(p, L"time", t, COUNTOF(t), FALSE))
        return FALSE;
    static const wchar_t form[] = L"dddd-dd-ddTdd:dd:dd";
    unsigned v[6] = { 0 };
    size_t i = 0;
    int field = 0;
    for (; form[i]; i++) {
        if (form[i] == L'd') {
            if (t[i] < L'0' || t[i] > L'9')
                break;
            v[field] = v[field] * 10 + (unsigned)(t[i] - L'0');
        } else if (t[i] != form[i]) {
            break;
        } else {
            field++;
        }
    }
    BOOL ok = form[i] == 0;
    if (ok && t[i] == L'.') {
        size_t digits = 0;
        for (i++; t[i] >= L'0' && t[i] <= L'9'; i++)
            digits++;
        ok = digits > 0;
    }
    static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    ok = ok && t[i] == L'Z' && t[i + 1] == 0 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 &&
         v[2] <= mdays[v[1] - 1] && v[3] <= 23 && v[4] <= 59 && v[5] <= 60;
    if (!ok) {
        type_error(p, L"\"time\" is not a UTC time like 2026-11-29T23:40:00Z");
        return TRUE;
    }
    wfmt(out, cch, L"%04u-%02u-%02u %02u:%02u", v[0], v[1], v[2], v[3], v[4]);
    return TRUE;
}

enum { K_COMPUTER, K_COMMAND, K_TARGETS, K_OS, K_PROBLEMS, K_READY, K_EXIT_CODE, K_TIME, K_READINESS,
       K_RETIRE, K_COUNT };
static const char *const top_keys[K_COUNT] = {
    "computer", "command", "targets", "os", "problems", "ready", "exit_code", "time", "readiness",
    "retire",
};
static const wchar_t *const top_keys_w[K_COUNT] = {
    L"computer", L"command", L"targets", L"os", L"problems", L"ready", L"exit_code", L"time",
    L"readiness", L"retire",
};

/* "retire": its counts; the items are the report's to show. */
static BOOL want_retire(struct jp *p, struct host_row *row)
{
    int k, c = peek(p);
    BOOL first = TRUE;
    if (c == 'n')
        return lit(p, "null");
    if (c != '{')
        return wrong_type(p, L"retire", L"an object");
    if (!enter(p))
        return FALSE;
    row->retire_found = row->retire_retired = row->retire_guarded = 0;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        BOOL ok;
        if (key_is(p, "found"))
            ok = want_int(p, L"retire.found", &row->retire_found);
        else if (key_is(p, "retired"))
            ok = want_int(p, L"retire.retired", &row->retire_retired);
        else if (key_is(p, "guarded"))
            ok = want_int(p, L"retire.guarded", &row->retire_guarded);
        else
            ok = jskip(p);
        if (!ok)
            return FALSE;
    }
    if (row->retire_found < 0 || row->retire_retired < 0 || row->retire_guarded < 0)
        type_error(p, L"\"retire\" counts are not numbers of services");
    return k == 0;
}

static void parse_report(struct jp *p, struct host_row *row, wchar_t *time, size_t time_cch,
                         wchar_t *product, size_t product_cch)
{
    BOOL first = TRUE, seen[K_COUNT] = { 0 };
    int k;

    if (p->n >= 2 && ((p->s[0] == 0xFF && p->s[1] == 0xFE) || (p->s[0] == 0xFE && p->s[1] == 0xFF))) {
        jfail(p, L"not JSON: UTF-16 text, expected UTF-8");
        return;
    }
    if (p->n >= 3 && p->s[0] == 0xEF && p->s[1] == 0xBB && p->s[2] == 0xBF)
        p->i = 3;
    int c = peek(p);
    if (c != '{') {
        if (jskip(p)) {
            if (peek(p) >= 0)
                unexpected(p);
            else
                type_error(p, L"not a report: the top level is %ls, not an object", kind_name(c));
        }
        return;
    }
    if (!enter(p))
        return;
    while ((k = obj_next(p, &first, TRUE)) > 0) {
        int key;
        for (key = 0; key < K_COUNT && !key_is(p, top_keys[key]); key++)
            ;
        if (key < K_COUNT && seen[key]) {
            type_error(p, L"duplicate key \"%ls\"", top_keys_w[key]);
            key = K_COUNT;
        }
        if (key < K_COUNT)
            seen[key] = TRUE;
        switch (key) {
        case K_COMPUTER:
            p->seen_computer = TRUE;
            want_str(p, L"computer", row->host, COUNTOF(row->host), FALSE);
            break;
        case K_COMMAND:
            want_str(p, L"command", row->command, COUNTOF(row->command), TRUE);
            break;
        case K_TARGETS: want_targets(p, row); break;
        case K_OS: want_os(p, row, product, product_cch); break;
        case K_PROBLEMS: want_problems(p, row); break;
        case K_READY: want_bool(p, L"ready", &row->ready); break;
        case K_EXIT_CODE: want_int(p, L"exit_code", &row->exit_code); break;
        case K_TIME: want_time(p, time, time_cch); break;
        case K_READINESS: want_readiness(p, row); break;
        case K_RETIRE: want_retire(p, row); break;
        default: jskip(p); break;
        }
        if (p->bad)
            return;
    }
    if (k == 0 && peek(p) >= 0)
        unexpected(p);
}

static void clear_parsed(struct host_row *row)
{
    row->valid = FALSE;
    row->reason[0] = row->host[0] = row->os[0] = row->arch[0] = row->command[0] = 0;
    row->targets[0] = row->first_problem[0] = row->notes[0] = row->os_name[0] = 0;
    row->push_meaning[0] = 0;
    row->missing = row->pushed = FALSE;
    row->push_exit = 0;
    row->service_pack = -1;
    row->ready = -1;
    row->exit_code = -1;
    row->n_problems = 0;
    row->last_run_from_report = row->name_differs = FALSE;
    row->retire_found = row->retire_retired = row->retire_guarded = -1;
}

void summarize_invalid(struct host_row *row, const wchar_t *fmt, ...)
{
    wchar_t reason[COUNTOF(row->reason)];
    va_list ap;
    va_start(ap, fmt);
    wfmtv(reason, COUNTOF(reason), fmt, ap);
    va_end(ap);
    clear_parsed(row);
    wcopy(row->reason, COUNTOF(row->reason), reason);
}

/* "5.2.3790": each part 1 to 9 digits. */
static BOOL version_numbers(const wchar_t *v, unsigned n[3])
{
    for (int k = 0; k < 3; k++) {
        int digits = 0;
        n[k] = 0;
        for (; *v >= L'0' && *v <= L'9'; v++) {
            if (++digits > 9)
                return FALSE;
            n[k] = n[k] * 10 + (unsigned)(*v - L'0');
        }
        if (!digits || *v != (k < 2 ? L'.' : 0))
            return FALSE;
        v++;
    }
    return TRUE;
}

/* The release's name from os.version, os.service_pack, os.product_type and os.arch
 * (report.c writes "workstation", "server", "domain_controller" or "unknown"). */
static void name_os(struct host_row *row, const wchar_t *product)
{
    unsigned v[3];
    if (!version_numbers(row->os, v))
        return;
    enum os_product kind = !wcscmp(product, L"workstation") ? OS_PRODUCT_WORKSTATION
                         : !wcscmp(product, L"server") || !wcscmp(product, L"domain_controller")
                         ? OS_PRODUCT_SERVER : OS_PRODUCT_UNKNOWN;
    os_name(v[0], v[1], v[2], kind, row->service_pack, !wcscmp(row->arch, L"x64"), row->os_name,
            COUNTOF(row->os_name));
}

void summarize_parse(const char *json, size_t len, struct host_row *row)
{
    wchar_t product[24] = L"";
    struct jp p;
    memset(&p, 0, sizeof p);
    clear_parsed(row);
    if (!json || len == 0) {
        summarize_invalid(row, L"empty file");
        return;
    }
    p.s = (const unsigned char *)json;
    p.n = len;
    wchar_t time[COUNTOF(row->last_run)] = L"";
    parse_report(&p, row, time, COUNTOF(time), product, COUNTOF(product));
    free(p.buf);
    if (p.bad)
        summarize_invalid(row, L"%ls", p.err);
    else if (p.type_err[0])
        summarize_invalid(row, L"%ls", p.type_err);
    else if (!p.seen_computer)
        summarize_invalid(row, L"not a report: no \"computer\"");
    else if (!row->host[0])
        summarize_invalid(row, L"\"computer\" is empty");
    else
        row->valid = TRUE;
    if (row->valid)
        name_os(row, product);
    if (row->valid && time[0]) {
        wcopy(row->last_run, COUNTOF(row->last_run), time);
        row->last_run_from_report = TRUE;
    }
}
