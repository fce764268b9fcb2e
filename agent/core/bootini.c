/* boot.ini text (bootini.h): the default entry, ARC paths, the partition rewrite. Pure. */
#include "bootini.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* "D:" for "D:\WINDOWS"; FALSE for anything that does not start with a drive letter. */
BOOL bootini_volume_of(const wchar_t *path, wchar_t *vol, size_t cch)
{
    wchar_t c = path[0];
    if (cch < 3 || !((c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z')) || path[1] != L':')
        return FALSE;
    vol[0] = c >= L'a' ? (wchar_t)(c - L'a' + L'A') : c;
    vol[1] = L':';
    vol[2] = 0;
    return TRUE;
}

/* ---- boot.ini ---------------------------------------------------------------------- */

/* Windows-1252 bytes 0x80..0x9F; the rest of the code page equals Latin-1. Five of these
 * are unassigned and kept as the C1 control of the same number. */
static const wchar_t cp1252_80[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static wchar_t from_1252(unsigned char c)
{
    return c >= 0x80 && c < 0xA0 ? cp1252_80[c - 0x80] : (wchar_t)c;
}

/* Copies bytes [s, e) into a wide buffer, trimmed of blanks. */
static void span_to_wide(const char *s, const char *e, wchar_t *out, size_t cch)
{
    size_t n = 0;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (cch == 0)
        return;
    for (; s < e && n + 1 < cch; s++)
        out[n++] = from_1252((unsigned char)*s);
    out[n] = 0;
}

enum bootini_section { SEC_OTHER, SEC_LOADER, SEC_SYSTEMS };

/* One key=value line of boot.ini and the section it is in. */
struct bootini_line {
    enum bootini_section section;
    const char *key, *key_end, *value, *value_end;
};

/* The first c in [s, e), or NULL. (memchr is not on the exe's reviewed import list.) */
static const char *find_byte(const char *s, const char *e, char c)
{
    for (; s < e; s++)
        if (*s == c)
            return s;
    return NULL;
}

/* Splits text into lines; returns FALSE at the end. *pos is the cursor. */
static BOOL next_line(const char *text, size_t len, size_t *pos, const char **s, const char **e)
{
    if (*pos >= len)
        return FALSE;
    const char *p = text + *pos, *end = text + len;
    const char *nl = find_byte(p, end, '\n');
    const char *le = nl ? nl : end;
    *pos = (size_t)((nl ? nl + 1 : end) - text);
    while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
        le--;
    while (p < le && (*p == ' ' || *p == '\t'))
        p++;
    *s = p;
    *e = le;
    return TRUE;
}

static BOOL span_ieq(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - s) != n)
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/* Walks the lines of boot.ini: section headers switch the section, comments and blank
 * lines are skipped, and key=value lines are returned one by one. */
static BOOL next_entry(const char *text, size_t len, size_t *pos, enum bootini_section *sec,
                       BOOL *saw_loader, struct bootini_line *out)
{
    const char *s, *e;
    while (next_line(text, len, pos, &s, &e)) {
        if (s == e || *s == ';')
            continue;
        if (*s == '[') {
            const char *close = find_byte(s, e, ']');
            const char *a = s + 1, *b = close ? close : e;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            if (span_ieq(a, b, "boot loader")) {
                *sec = SEC_LOADER;
                *saw_loader = TRUE;
            } else if (span_ieq(a, b, "operating systems")) {
                *sec = SEC_SYSTEMS;
            } else {
                *sec = SEC_OTHER;
            }
            continue;
        }
        const char *eq = find_byte(s, e, '=');
        if (!eq)
            continue;
        out->section = *sec;
        out->key = s;
        out->key_end = eq;
        while (out->key_end > s && (out->key_end[-1] == ' ' || out->key_end[-1] == '\t'))
            out->key_end--;
        out->value = eq + 1;
        out->value_end = e;
        while (out->value < e && (*out->value == ' ' || *out->value == '\t'))
            out->value++;
        return TRUE;
    }
    return FALSE;
}

/* Case-insensitive comparison of two spans of boot.ini (ASCII letters fold). */
static BOOL span_ieq_span(const char *a, const char *ae, const char *b, const char *be)
{
    if (ae - a != be - b)
        return FALSE;
    for (; a < ae; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return FALSE;
    }
    return TRUE;
}

BOOL bootini_default(const char *text, size_t len, wchar_t *arc, size_t arc_cch,
                     wchar_t *title, size_t title_cch)
{
    struct bootini_line l;
    enum bootini_section sec = SEC_OTHER;
    BOOL saw_loader = FALSE;
    const char *def = NULL, *def_end = NULL;
    size_t pos = 0;

    if (arc_cch)
        arc[0] = 0;
    if (title_cch)
        title[0] = 0;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l)) {
        if (l.section == SEC_LOADER && span_ieq(l.key, l.key_end, "default")) {
            def = l.value;
            def_end = l.value_end;
            break;
        }
    }
    if (!saw_loader || !def || def == def_end)
        return FALSE;
    span_to_wide(def, def_end, arc, arc_cch);

    /* The [operating systems] section may come before or after [boot loader]. The key is
     * compared as bytes, so that a short arc buffer does not hide the title. */
    pos = 0;
    sec = SEC_OTHER;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l)) {
        if (l.section != SEC_SYSTEMS || !span_ieq_span(l.key, l.key_end, def, def_end))
            continue;
        const char *v = l.value, *ve = l.value_end;
        if (v < ve && *v == '"') {
            const char *q = find_byte(v + 1, ve, '"');
            span_to_wide(v + 1, q ? q : ve, title, title_cch);
        } else {
            /* An unquoted description runs to the first option. */
            const char *opt = v;
            while (opt < ve && !(*opt == '/' && (opt == v || opt[-1] == ' ' || opt[-1] == '\t')))
                opt++;
            span_to_wide(v, opt, title, title_cch);
        }
        break;
    }
    return TRUE;
}

/* Matches name(N) at *p, case-insensitively; advances *p past it. */
static BOOL arc_component(const wchar_t **p, const wchar_t *name, int *value)
{
    size_t n = wcslen(name);
    const wchar_t *s = *p;
    if (_wcsnicmp(s, name, n) != 0 || s[n] != L'(')
        return FALSE;
    s += n + 1;
    long v = 0;
    int digits = 0;
    while (*s >= L'0' && *s <= L'9' && digits < 9) {
        v = v * 10 + (*s++ - L'0');
        digits++;
    }
    if (digits == 0 || *s != L')')
        return FALSE;
    *value = (int)v;
    *p = s + 1;
    return TRUE;
}

BOOL arc_path_parse(const wchar_t *arc, int *rdisk, int *partition, wchar_t *dir, size_t cch)
{
    const wchar_t *p = arc;
    int adapter, disk, rd, part;
    *rdisk = *partition = -1;
    if (cch)
        dir[0] = 0;
    if (!arc_component(&p, L"multi", &adapter) && !arc_component(&p, L"scsi", &adapter))
        return FALSE;
    if (!arc_component(&p, L"disk", &disk) || !arc_component(&p, L"rdisk", &rd) ||
        !arc_component(&p, L"partition", &part) || part < 1)
        return FALSE;
    if (*p != 0 && *p != L'\\')
        return FALSE;
    *rdisk = rd;
    *partition = part;
    if (cch)
        wcopy(dir, cch, p);
    return TRUE;
}

static BOOL arc_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '\\' || c == '_' || c == '-' || c == '.' || c == '(' || c == ')' || c == '$';
}

BOOL bootini_set_partition(const char *text, size_t len, int new_partition, char **out, size_t *out_len)
{
    struct bootini_line l;
    enum bootini_section sec = SEC_OTHER;
    BOOL saw_loader = FALSE;
    const char *def = NULL, *def_end = NULL;
    size_t pos = 0;
    *out = NULL;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l))
        if (l.section == SEC_LOADER && span_ieq(l.key, l.key_end, "default")) {
            def = l.value;
            def_end = l.value_end;
            break;
        }
    if (!def || def == def_end || new_partition < 1 || new_partition > 999)
        return FALSE;
    /* the new ARC path: the old one with its partition(N) renumbered */
    size_t dlen = (size_t)(def_end - def);
    const char *part = NULL;
    for (const char *p = def; p + 10 <= def_end && !part; p++)
        if (span_ieq(p, p + 10, "partition("))
            part = p + 10;
    if (!part || !((dlen > 6 && span_ieq(def, def + 6, "multi(")) ||
                   (dlen > 5 && span_ieq(def, def + 5, "scsi("))))
        return FALSE;
    const char *digits_end = part;
    while (digits_end < def_end && *digits_end >= '0' && *digits_end <= '9')
        digits_end++;
    if (digits_end == part || digits_end >= def_end || *digits_end != ')')
        return FALSE;
    char arc[600], num[4];
    int digits = 0;
    for (int v = new_partition; v; v /= 10)
        num[digits++] = (char)('0' + v % 10);
    size_t head = (size_t)(part - def), tail = (size_t)(def_end - digits_end);
    if (dlen >= sizeof arc || head + (size_t)digits + tail >= sizeof arc)
        return FALSE;
    memcpy(arc, def, head);
    for (int k = 0; k < digits; k++)
        arc[head + (size_t)k] = num[digits - 1 - k];
    memcpy(arc + head + digits, digits_end, tail);
    size_t n = head + (size_t)digits + tail;
    char old[600];
    memcpy(old, def, dlen);
    old[dlen] = 0;

    /* every occurrence of the old path that is not part of a longer one, default= and the
     * [operating systems] entries alike, however many there are: counted first, so that the
     * new text is allocated once at its final size */
    size_t count = 0;
    for (int pass = 0; pass < 2; pass++) {
        char *buf = NULL;
        if (pass == 1 && !(buf = malloc(len + count * n + 1)))
            return FALSE;
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            if (i + dlen <= len && span_ieq_span(text + i, text + i + dlen, old, old + dlen) &&
                (i + dlen == len || !arc_char(text[i + dlen])) && (i == 0 || !arc_char(text[i - 1]))) {
                if (buf)
                    memcpy(buf + o, arc, n);
                o += n;
                i += dlen;
                count += !buf;
            } else {
                if (buf)
                    buf[o] = text[i];
                o++;
                i++;
            }
        }
        if (buf) {
            *out = buf;
            *out_len = o;
        }
    }
    return TRUE;
}
