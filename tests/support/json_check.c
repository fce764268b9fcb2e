/* A strict JSON (RFC 8259) checker for the tests, written apart from the agent's own
 * reader so that a report the agent cannot write correctly is not read "correctly" by the
 * same mistake. */
#include "json_check.h"
#include <stdio.h>
#include <string.h>

struct cursor {
    const char *start, *p, *end;
    char *err;
    size_t cap;
    int depth;
};

static BOOL bad(struct cursor *c, const char *what)
{
    if (c->err && !c->err[0])
        snprintf(c->err, c->cap, "%s at offset %ld", what, (long)(c->p - c->start));
    return FALSE;
}

static void ws(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static BOOL hex4(struct cursor *c, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++, c->p++) {
        char h = c->p < c->end ? *c->p : 0;
        unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0') : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                   : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 99;
        if (d == 99)
            return bad(c, "bad \\u escape");
        *v = *v * 16 + d;
    }
    return TRUE;
}

static BOOL string(struct cursor *c)
{
    c->p++;   /* the quote */
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"') {
            c->p++;
            return TRUE;
        }
        if (ch < 0x20)
            return bad(c, "control character in a string");
        if (ch == '\\') {
            c->p++;
            char e = c->p < c->end ? *c->p : 0;
            if (e == 'u') {
                unsigned v, w;
                c->p++;
                if (!hex4(c, &v))
                    return FALSE;
                if (v >= 0xD800 && v < 0xDC00) {   /* a surrogate pair, both halves */
                    if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
                        return bad(c, "lone high surrogate");
                    c->p += 2;
                    if (!hex4(c, &w) || w < 0xDC00 || w > 0xDFFF)
                        return bad(c, "bad low surrogate");
                } else if (v >= 0xDC00 && v < 0xE000) {
                    return bad(c, "lone low surrogate");
                }
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || !e)
                return bad(c, "bad escape");
            c->p++;
            continue;
        }
        if (ch >= 0x80) {   /* well-formed UTF-8 */
            int n = ch >= 0xF0 && ch < 0xF5 ? 3 : ch >= 0xE0 ? 2 : ch >= 0xC2 && ch < 0xE0 ? 1 : -1;
            if (n < 0 || c->end - c->p <= n)
                return bad(c, "bad UTF-8");
            for (int i = 1; i <= n; i++)
                if (((unsigned char)c->p[i] & 0xC0) != 0x80)
                    return bad(c, "bad UTF-8");
            c->p += n + 1;
            continue;
        }
        c->p++;
    }
    return bad(c, "unterminated string");
}

static BOOL number(struct cursor *c)
{
    const char *s = c->p;
    if (*c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (c->p < c->end && *c->p >= '1' && *c->p <= '9')
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
    else
        return bad(c, "bad number");
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return bad(c, "bad fraction");
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return bad(c, "bad exponent");
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
            c->p++;
    }
    return c->p > s;
}

static BOOL value(struct cursor *c);

static BOOL members(struct cursor *c, BOOL object)
{
    char close = object ? '}' : ']';
    c->p++;
    ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return TRUE;
    }
    for (;;) {
        ws(c);
        if (object) {
            if (c->p >= c->end || *c->p != '"' || !string(c))
                return bad(c, "expected a member name");
            ws(c);
            if (c->p >= c->end || *c->p != ':')
                return bad(c, "expected ':'");
            c->p++;
        }
        if (!value(c))
            return FALSE;
        ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return TRUE;
        }
        return bad(c, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static BOOL value(struct cursor *c)
{
    ws(c);
    if (c->p >= c->end)
        return bad(c, "unexpected end");
    if (++c->depth > 64)
        return bad(c, "nested too deep");
    BOOL ok;
    switch (*c->p) {
    case '{': ok = members(c, TRUE); break;
    case '[': ok = members(c, FALSE); break;
    case '"': ok = string(c); break;
    case 't': ok = c->end - c->p >= 4 && !strncmp(c->p, "true", 4) && (c->p += 4); break;
    case 'f': ok = c->end - c->p >= 5 && !strncmp(c->p, "false", 5) && (c->p += 5); break;
    case 'n': ok = c->end - c->p >= 4 && !strncmp(c->p, "null", 4) && (c->p += 4); break;
    default: ok = number(c); break;
    }
    c->depth--;
    return ok || bad(c, "bad value");
}

BOOL json_check(const char *text, size_t len, char *err, size_t cap)
{
    struct cursor c = { text, text, text + len, err, cap, 0 };
    if (err && cap)
        err[0] = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        return bad(&c, "byte order mark");
    if (!value(&c))
        return FALSE;
    ws(&c);
    return c.p == c.end || bad(&c, "text after the value");
}
