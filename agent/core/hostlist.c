/* hostlist.h: the host list reader and the host-name rule shared by push and summarize.
 * Pure: no Win32 calls, so that the fuzz target builds it natively (tests/fuzz). */
#include "hostlist.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- the name rule ---- */

static BOOL ascii_letter(wchar_t c)
{
    return (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z');
}

static BOOL digit(wchar_t c)
{
    return c >= L'0' && c <= L'9';
}

/* A letter beyond ASCII: Windows lets a computer be named Z\u00dcRICH-FS01. Without the
 * Unicode tables a pure function cannot ask "is this a letter?", so it leaves out what
 * cannot be one: C1 controls and Latin-1 punctuation, the blocks of spaces, zero-width
 * and direction marks (U+202E could show a name reversed), punctuation and symbols, the
 * look-alikes of ASCII punctuation (a fullwidth or small comma), private use, and
 * surrogates (no computer name needs a character beyond the BMP). */
static BOOL other_letter(wchar_t c)
{
    static const struct { wchar_t lo, hi; } not_letters[] = {
        { 0x0080, 0x00BF },   /* C1 controls, no-break space, Latin-1 punctuation and signs */
        { 0x00D7, 0x00D7 },   /* multiplication sign */
        { 0x00F7, 0x00F7 },   /* division sign */
        { 0x037E, 0x037E },   /* Greek question mark, which looks like ';' */
        { 0x1680, 0x1680 },   /* Ogham space mark */
        { 0x180E, 0x180E },   /* Mongolian vowel separator */
        { 0x2000, 0x2BFF },   /* spaces, marks, punctuation, symbols, arrows, shapes */
        { 0x2E00, 0x2E7F },   /* supplemental punctuation */
        { 0x3000, 0x303F },   /* ideographic space and CJK punctuation */
        { 0xD800, 0xF8FF },   /* surrogates, private use */
        { 0xFE00, 0xFE6F },   /* variation selectors, vertical and small forms */
        { 0xFEFF, 0xFEFF },   /* zero-width no-break space */
        { 0xFF00, 0xFF65 },   /* fullwidth ASCII and halfwidth CJK punctuation */
        { 0xFFF0, 0xFFFF },   /* specials, U+FFFD among them */
    };
    if (c < 0x80)
        return FALSE;
    for (size_t i = 0; i < COUNTOF(not_letters); i++)
        if (c >= not_letters[i].lo && c <= not_letters[i].hi)
            return FALSE;
    return TRUE;
}

static BOOL letter(wchar_t c)
{
    return ascii_letter(c) || other_letter(c);
}

/* Why a character cannot be in any host name, or NULL when it can (in some kind). */
static const wchar_t *char_problem(wchar_t c)
{
    if (letter(c) || digit(c) || c == L'-' || c == L'_' || c == L'.' || c == L':')
        return NULL;
    if (c == L' ' || c == L'\t')
        return L"holds a space";
    if (c < 0x20 || c == 0x7f)
        return L"holds a control character";
    if (c == L',')
        return L"holds a comma, which PsExec reads as a list of hosts";
    if (c == L'\\')
        return L"holds a backslash";
    if (c == L'"' || c == L'\'')
        return L"holds a quote";
    return L"holds a character no host name has (letters, digits, hyphens and dots are)";
}

/* Four numbers from 0 to 255 without leading zeros: inet_addr reads "010" as octal and
 * "10.1.2" as 10.1.0.2, so a text that means something else to Windows is refused. */
static BOOL ipv4_ok(const wchar_t *s)
{
    for (int part = 0; part < 4; part++) {
        const wchar_t *start = s;
        unsigned v = 0, n = 0;
        for (; digit(*s); s++, n++) {
            if (n == 3)
                return FALSE;
            v = v * 10 + (unsigned)(*s - L'0');
        }
        if (n == 0 || v > 255 || (n > 1 && *start == L'0'))
            return FALSE;
        if (*s != (part < 3 ? L'.' : 0))
            return FALSE;
        s++;
    }
    return TRUE;
}

static BOOL hex(wchar_t c)
{
    return digit(c) || (c >= L'a' && c <= L'f') || (c >= L'A' && c <= L'F');
}

/* RFC 4291 2.2: eight groups of 1 to 4 hex digits; one "::" stands for one or more groups
 * of zeros; the last two groups may be written as an IPv4 address. */
static BOOL ipv6_ok(const wchar_t *s)
{
    unsigned groups = 0;
    BOOL gap = FALSE;
    if (s[0] == L':') {
        if (s[1] != L':')
            return FALSE;
        gap = TRUE;
        s += 2;
        if (!*s)
            return TRUE;
    }
    for (;;) {
        const wchar_t *start = s;
        unsigned n = 0;
        for (; hex(*s); s++)
            n++;
        if (*s == L'.') {
            if (!ipv4_ok(start))
                return FALSE;
            groups += 2;
            break;
        }
        if (n == 0 || n > 4)
            return FALSE;
        groups++;
        if (!*s)
            break;
        if (*s++ != L':')
            return FALSE;
        if (*s == L':') {
            if (gap)
                return FALSE;
            gap = TRUE;
            if (!*++s)
                break;
        } else if (!*s) {
            return FALSE;             /* a single ':' at the end */
        }
        if (groups > 8)
            return FALSE;
    }
    return gap ? groups <= 7 : groups == 8;
}

const wchar_t *hostlist_name_problem(const wchar_t *name)
{
    size_t n = 0;
    BOOL colon = FALSE, dot = FALSE, underscore = FALSE, numeric = TRUE;
    if (!*name)
        return L"is empty";
    for (const wchar_t *c = name; *c; c++, n++) {
        const wchar_t *problem = char_problem(*c);
        if (problem)
            return problem;
        colon |= *c == L':';
        dot |= *c == L'.';
        underscore |= *c == L'_';
        numeric &= digit(*c) || *c == L'.';
    }
    if (colon)
        return ipv6_ok(name) ? NULL : L"is not an IPv6 address";
    if (numeric)
        return ipv4_ok(name) ? NULL : L"is neither a name nor an IPv4 address (four numbers from 0 to 255, "
                                      L"no leading zeros)";
    if (n > HOSTLIST_NAME_MAX)
        return L"is longer than 253 characters";
    if (!dot && n <= HOSTLIST_NETBIOS_MAX)
        return NULL;                                    /* a NetBIOS name */
    if (underscore)
        return L"holds an underscore, which only a NetBIOS name (15 characters at most, no dots) may hold";
    for (const wchar_t *label = name;;) {
        const wchar_t *end = wcschr(label, L'.');
        size_t len = end ? (size_t)(end - label) : wcslen(label);
        if (len == 0)
            return L"has an empty label (two dots in a row, or a dot at the start or end)";
        if (len > HOSTLIST_LABEL_MAX)
            return L"has a label longer than 63 characters";
        if (label[0] == L'-' || label[len - 1] == L'-')
            return L"has a label that starts or ends with a hyphen";
        if (!end)
            return NULL;
        label = end + 1;
    }
}

void hostlist_shown(const wchar_t *name, wchar_t *out, size_t cch)
{
    wcopy_cut(out, cch, name);
    for (wchar_t *c = out; *c; c++)
        if (*c < 0x20 || (*c >= 0x7f && *c < 0xA0))
            *c = L'?';
}

/* ---- the reader ---- */

/* The case of A-Z and of the accented Latin letters: enough for the names Windows
 * computers carry in Western Europe (Z\u00dcRICH-FS01 and Z\u00fcrich-fs01 are one host). */
static wchar_t fold(wchar_t c)
{
    if ((c >= L'a' && c <= L'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return (wchar_t)(c - 0x20);
    return c;
}

static int fold_compare(const wchar_t *a, const wchar_t *b)
{
    for (;; a++, b++) {
        wchar_t x = fold(*a), y = fold(*b);
        if (x != y || !x)
            return x < y ? -1 : x > y;
    }
}

static int compare_entries(const void *a, const void *b)
{
    const struct hostlist_entry *x = *(const struct hostlist_entry *const *)a;
    const struct hostlist_entry *y = *(const struct hostlist_entry *const *)b;
    int c = fold_compare(x->name, y->name);
    return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/* One UTF-8 sequence from s[*i] (n bytes in all) as UTF-16 into out (1 or 2 units);
 * strict: no overlong forms, no encoded surrogates, nothing above U+10FFFF. A bad byte
 * becomes U+FFFD and *bad is set. Returns the units written. */
static size_t utf8_unit(const BYTE *s, size_t n, size_t *i, wchar_t *out, BOOL *bad)
{
    BYTE c = s[*i];
    size_t len = utf8_sequence(s + *i, n - *i);
    if (len == 1) {
        (*i)++;
        out[0] = c;
        return 1;
    }
    if (!len) {
        (*i)++;
        *bad = TRUE;
        out[0] = 0xFFFD;
        return 1;
    }
    DWORD cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    *i += len;
    if (cp < 0x10000) {
        out[0] = (wchar_t)cp;
        return 1;
    }
    cp -= 0x10000;
    out[0] = (wchar_t)(0xD800 + (cp >> 10));
    out[1] = (wchar_t)(0xDC00 + (cp & 0x3FF));
    return 2;
}

/* The name on a line: the comment cut, spaces, tabs and a CR around it dropped. */
static wchar_t *line_name(wchar_t *line)
{
    wchar_t *hash = wcschr(line, L'#');
    if (hash)
        *hash = 0;
    size_t n = wcslen(line);
    while (n && (line[n - 1] == L' ' || line[n - 1] == L'\t' || line[n - 1] == L'\r'))
        line[--n] = 0;
    while (*line == L' ' || *line == L'\t')
        line++;
    return line;
}

static DWORD refuse(struct hostlist *list, const wchar_t *problem)
{
    hostlist_free(list);
    list->problem = problem;
    return ERROR_INVALID_DATA;
}

/* Each name once, in file order: a sorted copy finds the names seen before in
 * O(n log n); 100,000 lines compared pairwise would take minutes. */
static DWORD drop_duplicates(struct hostlist *list)
{
    if (list->n < 2)
        return ERROR_SUCCESS;
    struct hostlist_entry **sorted = malloc(list->n * sizeof *sorted);
    if (!sorted)
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < list->n; i++)
        sorted[i] = &list->v[i];
    qsort(sorted, list->n, sizeof *sorted, compare_entries);
    for (size_t i = 1; i < list->n; i++)
        if (fold_compare(sorted[i - 1]->name, sorted[i]->name) == 0)
            sorted[i]->line = 0;                        /* marked: named before */
    free(sorted);
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++) {
        if (list->v[i].line == 0) {
            list->n_duplicates++;
            continue;
        }
        list->v[kept++] = list->v[i];
    }
    list->n = kept;
    return ERROR_SUCCESS;
}

DWORD hostlist_parse(const void *data, size_t size, struct hostlist *list)
{
    const BYTE *b = data;
    memset(list, 0, sizeof *list);
    if (size > HOSTLIST_MAX_BYTES)
        return refuse(list, L"is larger than 16 MB");
    BOOL utf16 = size >= 2 && b[0] == 0xFF && b[1] == 0xFE;
    if (size >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        return refuse(list, L"is UTF-16 big-endian text: save it as UTF-8, or as UTF-16 little-endian "
                            L"(Notepad's \"Unicode\")");
    if (utf16 && size % 2)
        return refuse(list, L"is UTF-16 text that ends in half a character");
    if (!utf16 && memchr(b, 0, size))
        return refuse(list, L"holds NUL bytes: UTF-16 text without its byte order mark? Save it as UTF-8, "
                            L"or as UTF-16 with its byte order mark (Notepad's \"Unicode\")");
    size_t i = utf16 ? 2 : size >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0, w = 0, cap = 0;
    unsigned line = 0;
    /* every byte of UTF-8 gives at most one UTF-16 unit (4 bytes give 2), a line end its
     * terminator */
    if (!(list->text = malloc((size + 2) * sizeof(wchar_t))))
        return ERROR_NOT_ENOUGH_MEMORY;
    while (i < size) {
        wchar_t *text = list->text + w;
        BOOL bad = FALSE;
        if (++line > HOSTLIST_MAX_LINES)
            return refuse(list, L"has more than 100,000 lines");
        if (utf16) {
            for (; i < size; i += 2) {
                wchar_t u = (wchar_t)(b[i] | b[i + 1] << 8);
                if (u == L'\n') {
                    i += 2;
                    break;
                }
                list->text[w++] = u;
            }
        } else {
            while (i < size && b[i] != '\n')
                w += utf8_unit(b, size, &i, list->text + w, &bad);
            i += i < size;
        }
        list->text[w++] = 0;
        wchar_t *name = line_name(text);
        if (!*name)
            continue;
        if (list->n == cap) {
            cap = cap ? cap * 2 : 64;
            struct hostlist_entry *v = realloc(list->v, cap * sizeof *v);
            if (!v) {
                hostlist_free(list);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
            list->v = v;
        }
        struct hostlist_entry *e = &list->v[list->n++];
        e->name = name;
        e->line = line;
        e->problem = bad ? L"is not UTF-8 text (save the list as UTF-8, or as Notepad's \"Unicode\")"
                         : hostlist_name_problem(name);
    }
    if (drop_duplicates(list) != ERROR_SUCCESS) {
        hostlist_free(list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    for (size_t k = 0; k < list->n; k++) {
        if (list->v[k].problem)
            list->n_invalid++;
        else
            list->n_valid++;
    }
    return ERROR_SUCCESS;
}

void hostlist_free(struct hostlist *list)
{
    free(list->text);
    free(list->v);
    memset(list, 0, sizeof *list);
}
