#include "summarize.h"
#include "winerr.h"
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
static void put_trunc(wchar_t *dst, size_t cch, const wchar_t *src)
{
    if (wcopy(dst, cch, src) || cch < 5)
        return;
    size_t n = cch - 4;
    if (IS_HIGH(dst[n - 1]))
        n--;
    wcscpy(dst + n, L"...");
}

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
    put_trunc(dst, cch, w);
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
        put_trunc(row->targets, COUNTOF(row->targets), all.s);   /* a long list ends in "..." */
    wbuf_free(&all);
    return k == 0 && !p->bad;
}

static BOOL want_os(struct jp *p, struct host_row *row)
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
        put_trunc(row->first_problem, COUNTOF(row->first_problem), message[0] ? message : code);
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

enum { K_COMPUTER, K_COMMAND, K_TARGETS, K_OS, K_PROBLEMS, K_READY, K_EXIT_CODE, K_TIME, K_COUNT };
static const char *const top_keys[K_COUNT] = {
    "computer", "command", "targets", "os", "problems", "ready", "exit_code", "time",
};
static const wchar_t *const top_keys_w[K_COUNT] = {
    L"computer", L"command", L"targets", L"os", L"problems", L"ready", L"exit_code", L"time",
};

static void parse_report(struct jp *p, struct host_row *row, wchar_t *time, size_t time_cch)
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
        case K_OS: want_os(p, row); break;
        case K_PROBLEMS: want_problems(p, row); break;
        case K_READY: want_bool(p, L"ready", &row->ready); break;
        case K_EXIT_CODE: want_int(p, L"exit_code", &row->exit_code); break;
        case K_TIME: want_time(p, time, time_cch); break;
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
    row->targets[0] = row->first_problem[0] = 0;
    row->ready = -1;
    row->exit_code = -1;
    row->n_problems = 0;
    row->last_run_from_report = row->name_differs = FALSE;
}

static void set_invalid(struct host_row *row, const wchar_t *fmt, ...)
{
    wchar_t reason[COUNTOF(row->reason)];
    va_list ap;
    va_start(ap, fmt);
    wfmtv(reason, COUNTOF(reason), fmt, ap);
    va_end(ap);
    clear_parsed(row);
    wcopy(row->reason, COUNTOF(row->reason), reason);
}

void summarize_parse(const char *json, size_t len, struct host_row *row)
{
    struct jp p;
    memset(&p, 0, sizeof p);
    clear_parsed(row);
    if (!json || len == 0) {
        set_invalid(row, L"empty file");
        return;
    }
    p.s = (const unsigned char *)json;
    p.n = len;
    wchar_t time[COUNTOF(row->last_run)] = L"";
    parse_report(&p, row, time, COUNTOF(time));
    free(p.buf);
    if (p.bad)
        set_invalid(row, L"%ls", p.err);
    else if (p.type_err[0])
        set_invalid(row, L"%ls", p.type_err);
    else if (!p.seen_computer)
        set_invalid(row, L"not a report: no \"computer\"");
    else if (!row->host[0])
        set_invalid(row, L"\"computer\" is empty");
    else
        row->valid = TRUE;
    if (row->valid && time[0]) {
        wcopy(row->last_run, COUNTOF(row->last_run), time);
        row->last_run_from_report = TRUE;
    }
}

/* ---------------------------------------------------------------------------------------
 * The folder. */

static void format_time(const FILETIME *ft, wchar_t *out, size_t cch)
{
    SYSTEMTIME st;
    if (FileTimeToSystemTime(ft, &st))
        wfmt(out, cch, L"%04u-%02u-%02u %02u:%02u", st.wYear, st.wMonth, st.wDay, st.wHour,
             st.wMinute);
    else
        out[0] = 0;
}

static BOOL is_report_name(const wchar_t *name)
{
    size_t n = wcslen(name);
    return n > 5 && !_wcsicmp(name + n - 5, L".json");
}

/* A report names the computer that wrote it; --report DIR\ names the file after it. A
 * file under another computer's name was renamed, copied, or written with an explicit
 * --report file name, and must not pass for that computer's report unseen. Case is
 * ignored as Windows ignores it in file names (CharUpperW, the same in every locale). */
static void flag_name(struct host_row *row)
{
    wchar_t stem[MAX_PATH], host[COUNTOF(row->host)];
    if (!row->valid)
        return;
    wcopy(stem, COUNTOF(stem), row->file);
    size_t n = wcslen(stem);
    if (n > 5 && !_wcsicmp(stem + n - 5, L".json"))
        stem[n - 5] = 0;
    wcopy(host, COUNTOF(host), row->host);
    CharUpperW(stem);
    CharUpperW(host);
    if (wcscmp(stem, host) == 0)
        return;
    row->name_differs = TRUE;
    wfmt(row->reason, COUNTOF(row->reason), L"computer \"%ls\" differs from the file name %ls",
         row->host, row->file);
}

/* Reads one file into row (file and last_run included); buf is reused between files.
 * Time and size come from the folder listing: under Wine each GetFileTime/GetFileSize
 * is a server round trip (a third of the time for 500 files), and reading to the end
 * copes with a file that changed since it was listed. */
static void read_one(const wchar_t *path, const WIN32_FIND_DATAW *fd, struct host_row *row,
                     char **buf, size_t *cap)
{
    wchar_t err[160];
    memset(row, 0, sizeof *row);
    wcopy(row->file, COUNTOF(row->file), fd->cFileName);
    format_time(&fd->ftLastWriteTime, row->last_run, COUNTOF(row->last_run));
    clear_parsed(row);
    if (fd->nFileSizeHigh || fd->nFileSizeLow > SUMMARIZE_MAX_FILE) {
        set_invalid(row, L"too big for a report (over %u MB)", SUMMARIZE_MAX_FILE >> 20);
        return;
    }

    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        set_invalid(row, L"cannot open: %ls", win_error_text(GetLastError(), err, COUNTOF(err)));
        return;
    }
    size_t got = 0, want = (size_t)fd->nFileSizeLow + 1;   /* +1: the read that sees the end */
    for (;;) {
        DWORD done;
        if (got == SUMMARIZE_MAX_FILE + 1) {
            set_invalid(row, L"too big for a report (over %u MB)", SUMMARIZE_MAX_FILE >> 20);
            break;
        }
        if (want < got + 1)
            want = got + 4096 > SUMMARIZE_MAX_FILE + 1 ? SUMMARIZE_MAX_FILE + 1 : got + 4096;
        if (want > *cap) {
            char *b = realloc(*buf, want);
            if (!b) {
                set_invalid(row, L"out of memory");
                break;
            }
            *buf = b;
            *cap = want;
        }
        if (!ReadFile(h, *buf + got, (DWORD)(want - got), &done, NULL)) {
            set_invalid(row, L"cannot read: %ls", win_error_text(GetLastError(), err, COUNTOF(err)));
            break;
        }
        if (done == 0) {
            summarize_parse(*buf, got, row);
            flag_name(row);
            break;
        }
        got += done;
    }
    CloseHandle(h);
}

struct sort_item { wchar_t key[MAX_PATH]; size_t idx; const struct host_row *row; };

static int compare_items(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = wcscmp(x->key, y->key);
    if (c == 0)
        c = _wcsicmp(x->row->file, y->row->file);
    if (c == 0)
        c = wcscmp(x->row->file, y->row->file);
    return c;
}

/* By host name ignoring case (an invalid report by its file name without ".json"). The
 * key is uppercased with CharUpperW, the same in every locale. */
static DWORD sort_rows(struct summary *s)
{
    if (s->n < 2)
        return ERROR_SUCCESS;
    struct sort_item *items = malloc(s->n * sizeof *items);
    struct host_row *rows = malloc(s->n * sizeof *rows);
    if (!items || !rows) {
        free(items);
        free(rows);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        items[i].idx = i;
        items[i].row = r;
        if (r->valid) {
            wcopy(items[i].key, COUNTOF(items[i].key), r->host);
        } else {
            wcopy(items[i].key, COUNTOF(items[i].key), r->file);
            size_t n = wcslen(items[i].key);
            if (n > 5 && !_wcsicmp(items[i].key + n - 5, L".json"))
                items[i].key[n - 5] = 0;
        }
        CharUpperW(items[i].key);
    }
    qsort(items, s->n, sizeof *items, compare_items);
    for (size_t i = 0; i < s->n; i++)
        rows[i] = s->rows[items[i].idx];
    free(items);
    free(s->rows);
    s->rows = rows;
    s->cap = s->n;
    return ERROR_SUCCESS;
}

DWORD summarize_dir(const wchar_t *dir, struct summary *out)
{
    wchar_t pattern[2 * MAX_PATH], path[2 * MAX_PATH];
    WIN32_FIND_DATAW fd;
    DWORD err = ERROR_SUCCESS;
    char *buf = NULL;
    size_t cap = 0;

    memset(out, 0, sizeof *out);
    size_t dlen = wcslen(dir);
    while (dlen > 1 && (dir[dlen - 1] == L'\\' || dir[dlen - 1] == L'/') && dir[dlen - 2] != L':')
        dlen--;
    if (dlen == 0)
        return ERROR_PATH_NOT_FOUND;
    const wchar_t *sep = (dir[dlen - 1] == L'\\' || dir[dlen - 1] == L'/') ? L"" : L"\\";
    if (dlen + 8 >= MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    wfmt(pattern, COUNTOF(pattern), L"%.*ls%ls*.json", (int)dlen, dir, sep);

    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_NO_MORE_FILES)
            return err;
        /* No report, or no folder: the trailing backslash also works for a share's root. */
        DWORD attr = GetFileAttributesW(wfmt(path, COUNTOF(path), L"%.*ls%ls", (int)dlen, dir, sep[0] ? L"\\" : L""));
        if (attr == INVALID_FILE_ATTRIBUTES)
            return GetLastError();
        return attr & FILE_ATTRIBUTE_DIRECTORY ? ERROR_SUCCESS : ERROR_DIRECTORY;
    }
    do {
        /* Windows also matches the pattern against 8.3 names: check the long name. */
        if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_report_name(fd.cFileName))
            continue;
        if (out->n == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 64;
            struct host_row *rows = realloc(out->rows, ncap * sizeof *rows);
            if (!rows) {
                err = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            out->rows = rows;
            out->cap = ncap;
        }
        wfmt(path, COUNTOF(path), L"%.*ls%ls%ls", (int)dlen, dir, sep, fd.cFileName);
        read_one(path, &fd, &out->rows[out->n++], &buf, &cap);
    } while (FindNextFileW(h, &fd));
    if (err == ERROR_SUCCESS && GetLastError() != ERROR_NO_MORE_FILES)
        err = GetLastError();
    FindClose(h);
    free(buf);

    DWORD serr = sort_rows(out);
    if (err == ERROR_SUCCESS)
        err = serr;
    for (size_t i = 0; i < out->n; i++) {
        const struct host_row *r = &out->rows[i];
        if (!r->valid)
            out->invalid++;
        else if (r->ready == 1)
            out->ready++;
        else
            out->not_ready++;
        out->name_differs += r->valid && r->name_differs;
    }
    return err;
}

void summary_free(struct summary *s)
{
    free(s->rows);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------------------------------
 * Output. */

static void totals(const struct summary *s, wchar_t *buf, size_t cch)
{
    wfmt(buf, cch, L"%lu report%ls: %lu ready, %lu not ready, %lu invalid", (unsigned long)s->n,
         s->n == 1 ? L"" : L"s", (unsigned long)s->ready, (unsigned long)s->not_ready,
         (unsigned long)s->invalid);
    if (s->name_differs) {
        size_t len = wcslen(buf);
        wfmt(buf + len, cch - len, L"; %lu under a file name that is not its computer's",
             (unsigned long)s->name_differs);
    }
}

static const wchar_t *ready_word(const struct host_row *r)
{
    return r->ready == 1 ? L"yes" : r->ready == 0 ? L"no" : L"";
}

enum { C_HOST, C_OS, C_ARCH, C_COMMAND, C_TARGETS, C_READY, C_EXIT, C_PROBLEMS, C_LAST_RUN,
       C_MESSAGE, C_COUNT };
static const struct { const wchar_t *title; size_t max; BOOL right; } table_cols[C_COUNT] = {
    { L"HOST", 32, FALSE }, { L"OS", 16, FALSE }, { L"ARCH", 5, FALSE },
    { L"COMMAND", 8, FALSE }, { L"TARGETS", 24, FALSE }, { L"READY", 7, FALSE },
    { L"EXIT", 4, TRUE }, { L"PROBLEMS", 8, TRUE }, { L"LAST RUN (UTC)", 16, FALSE },
    { L"FIRST PROBLEM", 120, FALSE },
};

/* One table cell: control characters as spaces, cut to max with "...". */
static void cell(wchar_t *dst, size_t max, const wchar_t *src)
{
    wchar_t tmp[512];
    size_t n = 0;
    for (; *src && n + 1 < COUNTOF(tmp); src++)
        tmp[n++] = *src < 0x20 || *src == 0x7f ? L' ' : *src;
    tmp[n] = 0;
    put_trunc(dst, max + 1, tmp);
}

/* A valid row's message: the flag about its file name first, then its first problem. */
static const wchar_t *row_message(const struct host_row *r, wchar_t *buf, size_t cch)
{
    if (!r->name_differs)
        return r->first_problem;
    return wfmt(buf, cch, L"%ls%ls%ls", r->reason, r->first_problem[0] ? L"; " : L"",
                r->first_problem);
}

static void table_cells(const struct host_row *r, wchar_t c[C_COUNT][128])
{
    wchar_t num[16], msg[COUNTOF(r->reason) + COUNTOF(r->first_problem) + 4];
    for (int k = 0; k < C_COUNT; k++)
        c[k][0] = 0;
    cell(c[C_HOST], table_cols[C_HOST].max, r->valid ? r->host : r->file);
    cell(c[C_LAST_RUN], table_cols[C_LAST_RUN].max, r->last_run);
    if (!r->valid) {
        wcscpy(c[C_READY], L"INVALID");
        cell(c[C_MESSAGE], table_cols[C_MESSAGE].max, r->reason);
        return;
    }
    cell(c[C_OS], table_cols[C_OS].max, r->os);
    cell(c[C_ARCH], table_cols[C_ARCH].max, r->arch);
    cell(c[C_COMMAND], table_cols[C_COMMAND].max, r->command);
    cell(c[C_TARGETS], table_cols[C_TARGETS].max, r->targets);
    wcscpy(c[C_READY], r->ready == -1 ? L"-" : ready_word(r));
    if (r->exit_code == -1)
        wcscpy(c[C_EXIT], L"-");
    else
        cell(c[C_EXIT], table_cols[C_EXIT].max, wfmt(num, COUNTOF(num), L"%d", r->exit_code));
    cell(c[C_PROBLEMS], table_cols[C_PROBLEMS].max, wfmt(num, COUNTOF(num), L"%d", r->n_problems));
    cell(c[C_MESSAGE], table_cols[C_MESSAGE].max, row_message(r, msg, COUNTOF(msg)));
}

static void table_line(struct wbuf *out, wchar_t c[C_COUNT][128], const size_t *width)
{
    wchar_t line[512];
    size_t n = 0;
    for (int k = 0; k < C_COUNT; k++) {
        size_t len = wcslen(c[k]), pad = width[k] > len ? width[k] - len : 0;
        if (k == C_COUNT - 1)
            pad = 0;
        if (k)
            line[n++] = L' ', line[n++] = L' ';
        if (table_cols[k].right)
            for (; pad; pad--)
                line[n++] = L' ';
        memcpy(line + n, c[k], len * sizeof(wchar_t));
        n += len;
        for (; pad; pad--)
            line[n++] = L' ';
    }
    while (n && line[n - 1] == L' ')
        n--;
    line[n++] = L'\n';
    line[n] = 0;
    wbuf_add(out, line);
}

void summarize_table(const struct summary *s, struct wbuf *out)
{
    wchar_t c[C_COUNT][128], t[128];
    size_t width[C_COUNT];
    for (int k = 0; k < C_COUNT; k++) {
        wcscpy(c[k], table_cols[k].title);
        width[k] = wcslen(c[k]);
    }
    for (size_t i = 0; i < s->n; i++) {
        wchar_t r[C_COUNT][128];
        table_cells(&s->rows[i], r);
        for (int k = 0; k < C_COUNT; k++)
            if (wcslen(r[k]) > width[k])
                width[k] = wcslen(r[k]);
    }
    table_line(out, c, width);
    for (size_t i = 0; i < s->n; i++) {
        table_cells(&s->rows[i], c);
        table_line(out, c, width);
    }
    totals(s, t, COUNTOF(t));
    wbuf_add(out, t);
    wbuf_add(out, L"\n");
}

/* Excel reads a cell starting with = + - @ as a formula; OWASP's advice on CSV injection
 * adds tab and CR, which spreadsheets may drop in front of one. Such a cell gets a leading
 * apostrophe, which Excel hides and which makes the cell text. */
static BOOL csv_formula_start(wchar_t c)
{
    return c == L'=' || c == L'+' || c == L'-' || c == L'@' || c == L'\t' || c == L'\r';
}

void summarize_csv_cell(struct wbuf *out, const wchar_t *s, BOOL last)
{
    /* Quoted when it holds the separator of any locale (Excel splits on the list separator
     * of the user's region: ',' or ';'), a quote, a line break or a tab, or starts like a
     * formula. Written straight into out: a cell is never cut. */
    BOOL defuse = csv_formula_start(s[0]), quote = defuse;
    for (const wchar_t *c = s; *c && !quote; c++)
        quote = *c == L',' || *c == L';' || *c == L'"' || *c == L'\r' || *c == L'\n' || *c == L'\t';
    wchar_t chunk[256];
    size_t n = 0;
    if (quote)
        chunk[n++] = L'"';
    if (defuse)
        chunk[n++] = L'\'';
    for (; *s; s++) {
        if (n + 3 > COUNTOF(chunk)) {   /* room for a doubled quote and the terminator */
            chunk[n] = 0;
            wbuf_add(out, chunk);
            n = 0;
        }
        if (*s == L'"')
            chunk[n++] = L'"';
        chunk[n++] = *s;
    }
    chunk[n] = 0;
    wbuf_add(out, chunk);
    wbuf_add(out, quote ? (last ? L"\"\r\n" : L"\",") : (last ? L"\r\n" : L","));
}

void summarize_csv(const struct summary *s, struct wbuf *out)
{
    wbuf_add(out, L"\xFEFFhost,os,arch,targets,ready,exit_code,problems,first_problem,last_run,file,"
                  L"valid,reason\r\n");
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        wchar_t exit_code[16] = L"", problems[16] = L"";
        if (r->exit_code != -1)
            wfmt(exit_code, COUNTOF(exit_code), L"%d", r->exit_code);
        if (r->valid)
            wfmt(problems, COUNTOF(problems), L"%d", r->n_problems);
        summarize_csv_cell(out, r->host, FALSE);
        summarize_csv_cell(out, r->os, FALSE);
        summarize_csv_cell(out, r->arch, FALSE);
        summarize_csv_cell(out, r->targets, FALSE);
        summarize_csv_cell(out, ready_word(r), FALSE);
        summarize_csv_cell(out, exit_code, FALSE);
        summarize_csv_cell(out, problems, FALSE);
        summarize_csv_cell(out, r->first_problem, FALSE);
        summarize_csv_cell(out, r->last_run, FALSE);
        summarize_csv_cell(out, r->file, FALSE);
        summarize_csv_cell(out, r->valid ? L"yes" : L"no", FALSE);
        summarize_csv_cell(out, r->reason, TRUE);
    }
}

/* Text for HTML: & < > " ' as entities, control characters (but newline) as spaces. */
static void html_text(struct wbuf *out, const wchar_t *s)
{
    wchar_t tmp[256];
    size_t n = 0;
    for (; *s; s++) {
        const wchar_t *e = NULL;
        wchar_t one[2] = { *s, 0 };
        switch (*s) {
        case L'&': e = L"&amp;"; break;
        case L'<': e = L"&lt;"; break;
        case L'>': e = L"&gt;"; break;
        case L'"': e = L"&quot;"; break;
        case L'\'': e = L"&#39;"; break;
        default:
            if ((*s < 0x20 && *s != L'\n') || *s == 0x7f)
                one[0] = L' ';
            e = one;
        }
        size_t len = wcslen(e);
        if (n + len + 1 > COUNTOF(tmp)) {
            tmp[n] = 0;
            wbuf_add(out, tmp);
            n = 0;
        }
        memcpy(tmp + n, e, len * sizeof(wchar_t));
        n += len;
    }
    tmp[n] = 0;
    wbuf_add(out, tmp);
}

static void html_td(struct wbuf *out, const wchar_t *cls, const wchar_t *text)
{
    if (cls) {
        wbuf_add(out, L"<td class=\"");
        wbuf_add(out, cls);
        wbuf_add(out, L"\">");
    } else {
        wbuf_add(out, L"<td>");
    }
    html_text(out, text);
    wbuf_add(out, L"</td>");
}

void summarize_html(const struct summary *s, struct wbuf *out)
{
    wchar_t t[128], num[16], msg[COUNTOF(s->rows[0].reason) + COUNTOF(s->rows[0].first_problem) + 4];
    totals(s, t, COUNTOF(t));
    wbuf_add(out,
        L"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        L"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        L"style-src 'unsafe-inline'\">\n"
        L"<title>p2vprep summary</title>\n<style>\n"
        L"body{font-family:\"Segoe UI\",Tahoma,Arial,sans-serif;font-size:13px;margin:16px;color:#222}\n"
        L"h1{font-size:18px}\n"
        L"table{border-collapse:collapse}\n"
        L"th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}\n"
        L"th{background:#e8e8e8}\n"
        L"td.num{text-align:right}\n"
        L"td.msg{white-space:pre-wrap;max-width:60em}\n"
        L"tr.ready td.state{background:#cfeccf}\n"
        L"tr.notready td.state{background:#fbdcb4}\n"
        L"tr.invalid td{background:#f6d2d2}\n"
        L"</style>\n</head>\n<body>\n<h1>p2vprep summary</h1>\n<p class=\"totals\">");
    html_text(out, t);
    wbuf_add(out, L"</p>\n<table>\n<thead><tr><th>Host</th><th>OS</th><th>Arch</th><th>Command</th>"
                  L"<th>Targets</th><th>Ready</th><th>Exit</th><th>Problems</th>"
                  L"<th>First problem</th><th>Last run (UTC)</th><th>File</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        if (!r->valid) {
            wbuf_add(out, L"<tr class=\"invalid\">");
            html_td(out, NULL, r->file);
            wbuf_add(out, L"<td></td><td></td><td></td><td></td>");
            html_td(out, L"state", L"invalid");
            wbuf_add(out, L"<td></td><td></td>");
            html_td(out, L"msg", r->reason);
        } else {
            wbuf_add(out, r->ready == 1 ? L"<tr class=\"ready\">" : L"<tr class=\"notready\">");
            html_td(out, NULL, r->host);
            html_td(out, NULL, r->os);
            html_td(out, NULL, r->arch);
            html_td(out, NULL, r->command);
            html_td(out, NULL, r->targets);
            html_td(out, L"state", r->ready == -1 ? L"unknown" : ready_word(r));
            html_td(out, L"num", r->exit_code == -1 ? L"" : wfmt(num, COUNTOF(num), L"%d", r->exit_code));
            html_td(out, L"num", wfmt(num, COUNTOF(num), L"%d", r->n_problems));
            html_td(out, L"msg", row_message(r, msg, COUNTOF(msg)));
        }
        html_td(out, NULL, r->last_run);
        html_td(out, NULL, r->file);
        wbuf_add(out, L"</tr>\n");
    }
    wbuf_add(out, L"</tbody>\n</table>\n</body>\n</html>\n");
}

DWORD summarize_save(const wchar_t *path, const struct wbuf *text)
{
    if (text->s && !text->ok)
        return ERROR_NOT_ENOUGH_MEMORY;
    return text_save_utf8(path, text->s ? text->s : L"");
}
