/* The lists `summarize` joins to the reports (summarize.h): a host list (read by
 * hostlist.c, as push reads it) and push-results. Both come from elsewhere (a file an
 * admin edits, a CSV another program wrote): every length is checked, a bad line is
 * noted and skipped, never fatal; only a file that is not such a list at all is refused.
 * Pure, no Win32 calls: it also builds natively for the fuzz target
 * tests/fuzz/fuzz_lists.c. */
#include "summarize.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

const wchar_t *const row_state_names[ROW_STATES] = { L"ready", L"not ready", L"invalid", L"missing" };

enum row_state summarize_state(const struct host_row *r)
{
    if (r->missing)
        return ROW_MISSING;
    if (!r->valid)
        return ROW_INVALID;
    return r->ready == 1 ? ROW_READY : ROW_NOT_READY;
}

void summarize_log_add(struct summarize_log *log, const wchar_t *fmt, ...)
{
    if (log->n == SUMMARIZE_LOG_MAX) {
        log->more++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    wfmtv(log->line[log->n++], COUNTOF(log->line[0]), fmt, ap);
    va_end(ap);
}

void wave_hosts_free(struct wave_hosts *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

static struct wave_host *new_host(struct wave_hosts *h)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        struct wave_host *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return NULL;
        h->v = v;
        h->cap = cap;
    }
    struct wave_host *e = &h->v[h->n++];
    memset(e, 0, sizeof *e);
    return e;
}

/* Strict UTF-8: no overlong forms, no encoded surrogates, nothing above U+10FFFF. */
static BOOL utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0, len; i < n; i += len)
        if (!(len = utf8_sequence(s + i, n - i)))
            return FALSE;
    return TRUE;
}

/* UTF-8 bytes (checked by the caller) into dst, cut with "..." when long. */
static BOOL to_wide(const char *s, size_t n, wchar_t *dst, size_t cch)
{
    dst[0] = 0;
    if (n == 0)
        return TRUE;
    wchar_t *w = wide_from_utf8(s, (int)n);
    if (!w)
        return FALSE;
    wcopy_cut(dst, cch, w);
    free(w);
    return TRUE;
}

static size_t skip_bom(const char *text, size_t len)
{
    return len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

DWORD summarize_parse_hosts(const char *text, size_t len, const wchar_t *what,
                            struct wave_hosts *out, struct summarize_log *log)
{
    struct hostlist list;
    DWORD e = hostlist_parse(text, len, &list);
    if (e == ERROR_INVALID_DATA)
        summarize_log_add(log, L"%ls %ls", what, list.problem);
    for (size_t i = 0; e == ERROR_SUCCESS && i < list.n; i++) {
        const struct hostlist_entry *entry = &list.v[i];
        if (entry->problem) {
            wchar_t shown[48];
            hostlist_shown(entry->name, shown, COUNTOF(shown));
            summarize_log_add(log, L"%ls line %u: \"%ls\" is not a host name: it %ls; line skipped", what,
                              entry->line, shown, entry->problem);
            continue;
        }
        struct wave_host *h = new_host(out);
        if (!h) {
            e = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        wcopy(h->host, COUNTOF(h->host), entry->name);
        h->line = entry->line;
    }
    if (e == ERROR_SUCCESS && list.n_duplicates)
        summarize_log_add(log, L"%ls: %lu line(s) name a host named before; each host counts once", what,
                          (unsigned long)list.n_duplicates);
    hostlist_free(&list);
    return e;
}

/* ---------------------------------------------------------------------------------------
 * RFC 4180. */

#define PUSH_CELLS 5
struct csv_record {
    char cell[PUSH_CELLS][SUMMARIZE_MAX_CELL];
    size_t len[PUSH_CELLS];
    BOOL quoted[PUSH_CELLS];
    size_t n;                    /* cells seen, may exceed PUSH_CELLS */
    unsigned line;               /* where it starts */
    const wchar_t *bad;          /* NULL, or why it is refused */
};

/* One record from *i; counts the lines it spans in *line. Returns FALSE at the end of
 * the text. A record refused midway is skipped to the end of its physical line. */
static BOOL csv_next(const char *t, size_t n, size_t *i, unsigned *line, struct csv_record *r)
{
    if (*i >= n)
        return FALSE;
    memset(r->len, 0, sizeof r->len);
    memset(r->quoted, 0, sizeof r->quoted);
    r->n = 1;
    r->bad = NULL;
    r->line = ++*line;
    size_t p = *i, c = 0;
    BOOL in_quotes = FALSE, after_quote = FALSE, cell_begun = FALSE;
    for (; p < n; p++) {
        char ch = t[p];
        if (in_quotes) {
            if (ch == '"' && p + 1 < n && t[p + 1] == '"') {
                p++;
            } else if (ch == '"') {
                in_quotes = FALSE;
                after_quote = TRUE;
                continue;
            }
            if (ch == '\n')
                ++*line;
        } else if (ch == ',') {
            r->n++;
            c = r->n - 1;
            after_quote = cell_begun = FALSE;
            continue;
        } else if (ch == '\n' || (ch == '\r' && p + 1 < n && t[p + 1] == '\n')) {
            break;
        } else if (after_quote) {
            r->bad = L"text after a closing quote";
        } else if (ch == '"') {
            if (cell_begun) {
                r->bad = L"a quote inside a cell that does not start with one";
                break;
            }
            if (c < PUSH_CELLS)
                r->quoted[c] = TRUE;
            in_quotes = cell_begun = TRUE;
            continue;
        } else if (ch == '\r') {
            r->bad = L"a carriage return outside quotes";
        }
        if (r->bad)
            break;
        cell_begun = TRUE;
        if (c < PUSH_CELLS) {
            if (r->len[c] == SUMMARIZE_MAX_CELL) {
                r->bad = L"a cell longer than 1024 bytes";
                break;
            }
            r->cell[c][r->len[c]++] = ch;
        }
    }
    if (in_quotes && !r->bad)
        r->bad = L"a quote that is never closed";
    if (r->bad) {
        /* resynchronise at the next physical line */
        p = *i;
        while (p < n && t[p] != '\n')
            p++;
        *line = r->line;
    }
    if (p < n && t[p] == '\r')
        p++;
    *i = p < n ? p + 1 : n;
    return TRUE;
}

/* A quoted cell "'=..." was defused by its writer (summarize_csv_cell, push). */
static void undefuse(struct csv_record *r, size_t c)
{
    const char *s = r->cell[c];
    if (r->quoted[c] && r->len[c] >= 2 && s[0] == '\'' &&
        (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@' || s[1] == '\t' || s[1] == '\r')) {
        memmove(r->cell[c], r->cell[c] + 1, --r->len[c]);
    }
}

static BOOL cell_is(const struct csv_record *r, size_t c, const char *word)
{
    return r->len[c] == strlen(word) && !memcmp(r->cell[c], word, r->len[c]);
}

static BOOL whole_number(const char *s, size_t n, int *out)
{
    size_t i = 0;
    long long v = 0;
    BOOL neg = n > 0 && s[0] == '-';
    if (neg)
        i++;
    if (i == n || n - i > 10)
        return FALSE;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return FALSE;
        v = v * 10 + (s[i] - '0');
    }
    v = neg ? -v : v;
    if (v < -2147483647LL - 1 || v > 2147483647LL)
        return FALSE;
    *out = (int)v;
    return TRUE;
}

/* seconds: blank, or digits with an optional fraction. */
static BOOL seconds_ok(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.' && digits) {
        for (i++, digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    }
    return i == n && (n == 0 || digits);
}

static const wchar_t out_of_memory[] = L"out of memory";

/* NULL when the record is a push result (*exit_code set, host its host), else why it is
 * not (in why, or a fixed text; out_of_memory stops the reading). */
static const wchar_t *push_record_problem(struct csv_record *r, size_t cells, int *exit_code,
                                          wchar_t *host, size_t host_cch, wchar_t *why, size_t why_cch)
{
    if (r->bad)
        return r->bad;
    if (r->n != cells)
        return L"not the header's number of cells";
    for (size_t c = 0; c < cells; c++) {
        undefuse(r, c);
        if (!utf8_ok((const unsigned char *)r->cell[c], r->len[c]))
            return L"not UTF-8 text";
    }
    if (!to_wide(r->cell[0], r->len[0], host, host_cch))
        return out_of_memory;
    /* the rule of the host list (hostlist.h): push writes a line that is no host name
     * as it found it, with "invalid host name" as its meaning */
    const wchar_t *problem = hostlist_name_problem(host);
    if (problem) {
        wchar_t shown[48];
        hostlist_shown(host, shown, COUNTOF(shown));
        return wfmt(why, why_cch, L"\"%ls\" is not a host name: it %ls", shown, problem);
    }
    if (!whole_number(r->cell[1], r->len[1], exit_code))
        return L"exit_code is not a whole number";
    if (cells == PUSH_CELLS && !seconds_ok(r->cell[3], r->len[3]))
        return L"seconds is not a number";
    return NULL;
}

DWORD summarize_parse_push(const char *text, size_t len, const wchar_t *what,
                           struct wave_hosts *out, struct summarize_log *log)
{
    struct csv_record *r = malloc(sizeof *r);
    if (!r)
        return ERROR_NOT_ENOUGH_MEMORY;
    size_t i = skip_bom(text, len), cells = 0;
    unsigned line = 0;
    DWORD rc = ERROR_SUCCESS;
    if (csv_next(text, len, &i, &line, r) && !r->bad && r->n >= 2 && cell_is(r, 0, "host") &&
        cell_is(r, 1, "exit_code")) {
        if (r->n == 2)
            cells = 2;
        else if (r->n == PUSH_CELLS && cell_is(r, 2, "meaning") && cell_is(r, 3, "seconds") &&
                 cell_is(r, 4, "psexec_error"))
            cells = PUSH_CELLS;
    }
    if (!cells) {
        summarize_log_add(log, L"%ls: the first line is not host,exit_code,meaning,seconds,psexec_error "
                          L"(or host,exit_code): not a push-results file", what);
        free(r);
        return ERROR_INVALID_DATA;
    }
    for (size_t records = 0; csv_next(text, len, &i, &line, r);) {
        if (!r->bad && r->n == 1 && r->len[0] == 0 && !r->quoted[0])
            continue;                                   /* a blank line */
        if (++records > SUMMARIZE_MAX_HOSTS) {
            summarize_log_add(log, L"%ls: only the first %u records are read", what, SUMMARIZE_MAX_HOSTS);
            break;
        }
        int exit_code = 0;
        wchar_t host[SUMMARIZE_MAX_CELL + 1], why[160];
        const wchar_t *problem = push_record_problem(r, cells, &exit_code, host, COUNTOF(host), why,
                                                     COUNTOF(why));
        if (problem == out_of_memory) {
            rc = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        if (problem) {
            summarize_log_add(log, L"%ls line %u: %ls; line skipped", what, r->line, problem);
            continue;
        }
        struct wave_host *h = new_host(out);
        wchar_t error[COUNTOF(h->meaning)];
        if (!h || !wcopy(h->host, COUNTOF(h->host), host) ||
            (cells == PUSH_CELLS && (!to_wide(r->cell[2], r->len[2], h->meaning, COUNTOF(h->meaning)) ||
                                     !to_wide(r->cell[4], r->len[4], error, COUNTOF(error))))) {
            rc = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        if (cells == PUSH_CELLS && !h->meaning[0])
            wcopy(h->meaning, COUNTOF(h->meaning), error);
        h->line = r->line;
        h->pushed = TRUE;
        h->exit_code = exit_code;
    }
    free(r);
    return rc;
}
