/* The outputs of `summarize` (summarize.h): table, CSV, HTML. Pure: it also builds
 * natively for the fuzz target tests/fuzz/fuzz_report.c. */
#include "summarize.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---------------------------------------------------------------------------------------
 * Output. */

static void totals(const struct summary *s, wchar_t *buf, size_t cch)
{
    if (s->missing)
        wfmt(buf, cch, L"%lu host%ls: %lu ready, %lu not ready, %lu invalid, %lu missing (no report)",
             (unsigned long)s->n, s->n == 1 ? L"" : L"s", (unsigned long)s->ready,
             (unsigned long)s->not_ready, (unsigned long)s->invalid, (unsigned long)s->missing);
    else
        wfmt(buf, cch, L"%lu report%ls: %lu ready, %lu not ready, %lu invalid", (unsigned long)s->n,
             s->n == 1 ? L"" : L"s", (unsigned long)s->ready, (unsigned long)s->not_ready,
             (unsigned long)s->invalid);
    if (s->name_differs) {
        size_t len = wcslen(buf);
        wfmt(buf + len, cch - len, L"; %lu under a file name that is not its computer's",
             (unsigned long)s->name_differs);
    }
    unsigned long hosts = 0, found = 0, retired = 0, guarded = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].valid && s->rows[i].retire_found >= 0) {
            hosts++;
            found += (unsigned long)s->rows[i].retire_found;
            retired += (unsigned long)s->rows[i].retire_retired;
            guarded += (unsigned long)s->rows[i].retire_guarded;
        }
    if (hosts) {
        size_t len = wcslen(buf);
        wfmt(buf + len, cch - len, L"; old platform on %lu host%ls: %lu service%ls found, %lu retired, "
             L"%lu kept by the boot guard", hosts, hosts == 1 ? L"" : L"s", found, found == 1 ? L"" : L"s",
             retired, guarded);
    }
}

static const wchar_t *ready_word(const struct host_row *r)
{
    return r->ready == 1 ? L"yes" : r->ready == 0 ? L"no" : L"";
}

enum { C_HOST, C_OS_NAME, C_OS, C_ARCH, C_COMMAND, C_TARGETS, C_READY, C_EXIT, C_PROBLEMS,
       C_LAST_RUN, C_PUSH, C_MESSAGE, C_COUNT };
static const struct { const wchar_t *title; size_t max; BOOL right; } table_cols[C_COUNT] = {
    { L"HOST", 32, FALSE }, { L"OS", 32, FALSE }, { L"VERSION", 16, FALSE }, { L"ARCH", 5, FALSE },
    { L"COMMAND", 8, FALSE }, { L"TARGETS", 24, FALSE }, { L"READY", 7, FALSE },
    { L"EXIT", 4, TRUE }, { L"PROBLEMS", 8, TRUE }, { L"LAST RUN (UTC)", 23, FALSE },
    { L"PUSH", 11, TRUE }, { L"FIRST PROBLEM", 120, FALSE },
};

/* The last run, marked when it is the file's time: a copy off a share or a restore
 * changes it, so it may not be when the report was written. */
static const wchar_t *last_run_text(const struct host_row *r, wchar_t *buf, size_t cch)
{
    if (!r->last_run[0] || r->last_run_from_report)
        return r->last_run;
    return wfmt(buf, cch, L"%ls (file)", r->last_run);
}

/* One table cell: control characters as spaces, cut to max with "...". */
static void cell(wchar_t *dst, size_t max, const wchar_t *src)
{
    wchar_t tmp[512];
    size_t n = 0;
    for (; *src && n + 1 < COUNTOF(tmp); src++)
        tmp[n++] = *src < 0x20 || *src == 0x7f ? L' ' : *src;
    tmp[n] = 0;
    wcopy_cut(dst, max + 1, tmp);
}

/* A row's message: a missing row's push result; a valid row's flag about its file name
 * first, then its first problem; an invalid row's reason. */
static const wchar_t *row_message(const struct host_row *r, wchar_t *buf, size_t cch)
{
    if (r->missing)
        return r->pushed ? wfmt(buf, cch, L"no report; push: %ls", r->push_meaning[0] ? r->push_meaning
                                : L"(no meaning given)") : r->reason;
    if (!r->valid)
        return r->reason;
    if (!r->name_differs)
        return r->first_problem;
    return wfmt(buf, cch, L"%ls%ls%ls", r->reason, r->first_problem[0] ? L"; " : L"",
                r->first_problem);
}

static void table_cells(const struct host_row *r, wchar_t c[C_COUNT][128])
{
    wchar_t num[16], msg[COUNTOF(r->reason) + COUNTOF(r->push_meaning) + COUNTOF(r->first_problem) + 16];
    wchar_t when[48];
    for (int k = 0; k < C_COUNT; k++)
        c[k][0] = 0;
    cell(c[C_HOST], table_cols[C_HOST].max, r->valid || r->missing ? r->host : r->file);
    cell(c[C_LAST_RUN], table_cols[C_LAST_RUN].max, last_run_text(r, when, COUNTOF(when)));
    if (r->pushed)
        cell(c[C_PUSH], table_cols[C_PUSH].max, wfmt(num, COUNTOF(num), L"%d", r->push_exit));
    cell(c[C_MESSAGE], table_cols[C_MESSAGE].max, row_message(r, msg, COUNTOF(msg)));
    if (!r->valid) {
        wcscpy(c[C_READY], r->missing ? L"MISSING" : L"INVALID");
        return;
    }
    cell(c[C_OS_NAME], table_cols[C_OS_NAME].max, r->os_name);
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
}

static void table_line(struct wbuf *out, wchar_t c[C_COUNT][128], const size_t *width)
{
    wchar_t line[C_COUNT * 130 + 2];
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

/* ---------------------------------------------------------------------------------------
 * Counts per target set and per OS. */

struct group { const wchar_t *name; wchar_t other[48]; size_t n[ROW_STATES], total; };
struct group_item { const wchar_t *name; enum row_state state; };

/* The target set as given on the command line ("lsilogic,pvscsi"), or the OS's name (its
 * version when it has none). Invalid and missing rows know neither. */
static const wchar_t *group_name(const struct host_row *r, BOOL by_os)
{
    const wchar_t *v = !r->valid ? L"" : by_os ? (r->os_name[0] ? r->os_name : r->os) : r->targets;
    return v[0] ? v : L"(unknown)";
}

static int by_name(const void *a, const void *b)
{
    return wcscmp(((const struct group_item *)a)->name, ((const struct group_item *)b)->name);
}

static int by_size(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return wcscmp(x->name, y->name);
}

/* The groups, largest first; beyond SUMMARIZE_GROUPS_MAX the rest is one "other" group.
 * Returns how many (0 for no rows or no memory); *out is malloc'ed. */
static size_t make_groups(const struct summary *s, BOOL by_os, struct group **out)
{
    *out = NULL;
    if (!s->n)
        return 0;
    struct group_item *items = malloc(s->n * sizeof *items);
    struct group *g = calloc(s->n, sizeof *g);
    if (!items || !g) {
        free(items);
        free(g);
        return 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        items[i].name = group_name(&s->rows[i], by_os);
        items[i].state = summarize_state(&s->rows[i]);
    }
    qsort(items, s->n, sizeof *items, by_name);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!n || wcscmp(g[n - 1].name, items[i].name))
            g[n++].name = items[i].name;
        g[n - 1].n[items[i].state]++;
        g[n - 1].total++;
    }
    free(items);
    qsort(g, n, sizeof *g, by_size);
    if (n > SUMMARIZE_GROUPS_MAX) {
        struct group *rest = &g[SUMMARIZE_GROUPS_MAX - 1];
        for (size_t i = SUMMARIZE_GROUPS_MAX; i < n; i++) {
            for (int k = 0; k < ROW_STATES; k++)
                rest->n[k] += g[i].n[k];
            rest->total += g[i].total;
        }
        wfmt(rest->other, COUNTOF(rest->other), L"(%lu others)", (unsigned long)(n - SUMMARIZE_GROUPS_MAX + 1));
        rest->name = rest->other;
        n = SUMMARIZE_GROUPS_MAX;
    }
    *out = g;
    return n;
}

/* A block of counts: a title line, then one line per group. */
static void table_groups(const struct summary *s, BOOL by_os, struct wbuf *out)
{
    struct group *g;
    size_t n = make_groups(s, by_os, &g), width = 9;
    wchar_t name[41], line[160];
    for (size_t i = 0; i < n; i++) {
        cell(name, 40, g[i].name);
        if (wcslen(name) > width)
            width = wcslen(name);
    }
    wbuf_add(out, wfmt(line, COUNTOF(line), L"%-*ls  %9ls  %9ls  %9ls  %9ls  %9ls\n", (int)width,
                       by_os ? L"OS" : L"TARGETS", L"READY", L"NOT READY", L"INVALID", L"MISSING", L"TOTAL"));
    for (size_t i = 0; i < n; i++) {
        cell(name, 40, g[i].name);
        wbuf_add(out, wfmt(line, COUNTOF(line), L"%-*ls  %9lu  %9lu  %9lu  %9lu  %9lu\n", (int)width, name,
                           (unsigned long)g[i].n[ROW_READY], (unsigned long)g[i].n[ROW_NOT_READY],
                           (unsigned long)g[i].n[ROW_INVALID], (unsigned long)g[i].n[ROW_MISSING],
                           (unsigned long)g[i].total));
    }
    free(g);
}

void summarize_table(const struct summary *s, struct wbuf *out)
{
    wchar_t c[C_COUNT][128], t[128];
    size_t width[C_COUNT];
    if (s->n) {
        table_groups(s, FALSE, out);
        wbuf_add(out, L"\n");
        table_groups(s, TRUE, out);
        wbuf_add(out, L"\n");
    }
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
     * formula; a formula start is defused with an apostrophe, at the cell's start and after
     * each ';'. Written straight into out: a cell is never cut. */
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
        if (n + 4 > COUNTOF(chunk)) {   /* room for a doubled quote or an apostrophe, and the end */
            chunk[n] = 0;
            wbuf_add(out, chunk);
            n = 0;
        }
        if (*s == L'"')
            chunk[n++] = L'"';
        chunk[n++] = *s;
        /* Where ';' is the list separator, a spreadsheet reading this comma-separated file
         * starts a field after every ';' that is not at the start of a quoted cell: each
         * such piece that begins like a formula is defused too ("x;=1+1" -> "x;'=1+1"). */
        if (*s == L';' && csv_formula_start(s[1]))
            chunk[n++] = L'\'';
    }
    chunk[n] = 0;
    wbuf_add(out, chunk);
    wbuf_add(out, quote ? (last ? L"\"\r\n" : L"\",") : (last ? L"\r\n" : L","));
}

void summarize_csv(const struct summary *s, struct wbuf *out)
{
    wbuf_add(out, L"\xFEFFhost,os,arch,targets,ready,exit_code,problems,first_problem,last_run,file,"
                  L"valid,reason,notes,os_name,state,last_run_from,push_exit,push_meaning,"
                  L"retire_found,retire_retired,retire_guarded\r\n");
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        wchar_t exit_code[16] = L"", problems[16] = L"", push_exit[16] = L"";
        if (r->exit_code != -1)
            wfmt(exit_code, COUNTOF(exit_code), L"%d", r->exit_code);
        if (r->pushed)
            wfmt(push_exit, COUNTOF(push_exit), L"%d", r->push_exit);
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
        summarize_csv_cell(out, r->reason, FALSE);
        summarize_csv_cell(out, r->notes, FALSE);
        summarize_csv_cell(out, r->os_name, FALSE);
        summarize_csv_cell(out, row_state_names[summarize_state(r)], FALSE);
        summarize_csv_cell(out, r->missing ? L"" : r->last_run_from_report ? L"report" : L"file", FALSE);
        summarize_csv_cell(out, push_exit, FALSE);
        summarize_csv_cell(out, r->push_meaning, FALSE);
        wchar_t counts[3][16] = { L"", L"", L"" };
        if (r->valid && r->retire_found >= 0) {
            wfmt(counts[0], 16, L"%d", r->retire_found);
            wfmt(counts[1], 16, L"%d", r->retire_retired);
            wfmt(counts[2], 16, L"%d", r->retire_guarded);
        }
        for (int k = 0; k < 3; k++)
            summarize_csv_cell(out, counts[k], k == 2);
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

/* Bars in inline SVG: drawing elements, no script, so the page's CSP (default-src 'none')
 * allows them; the colours are attributes, not style. */
static const wchar_t *const state_colors[ROW_STATES] = { L"#3a9d3a", L"#e8912d", L"#c94040", L"#8a8a8a" };
static const wchar_t *const state_titles[ROW_STATES] = { L"Ready", L"Not ready", L"Invalid", L"Missing" };

static void html_rect(struct wbuf *out, size_t x, size_t y, size_t w, size_t h, enum row_state k, size_t count)
{
    wbuf_addf(out, L"<rect x=\"%lu\" y=\"%lu\" width=\"%lu\" height=\"%lu\" fill=\"%ls\"><title>%ls: %lu</title></rect>",
              (unsigned long)x, (unsigned long)y, (unsigned long)w, (unsigned long)h, state_colors[k],
              row_state_names[k], (unsigned long)count);
}

/* One bar per state, as long as its count (the largest 240 px). */
static void html_state_chart(const struct summary *s, struct wbuf *out)
{
    size_t n[ROW_STATES] = { s->ready, s->not_ready, s->invalid, s->missing }, max = 1;
    for (int k = 0; k < ROW_STATES; k++)
        max = n[k] > max ? n[k] : max;
    wbuf_addf(out, L"<svg class=\"chart\" width=\"400\" height=\"%d\" viewBox=\"0 0 400 %d\" role=\"img\" "
                   L"aria-label=\"hosts per state: %lu ready, %lu not ready, %lu invalid, %lu missing\">\n",
              ROW_STATES * 22, ROW_STATES * 22, (unsigned long)n[0], (unsigned long)n[1],
              (unsigned long)n[2], (unsigned long)n[3]);
    for (int k = 0; k < ROW_STATES; k++) {
        size_t w = n[k] * 240 / max, y = (size_t)k * 22;
        wbuf_addf(out, L"<text x=\"0\" y=\"%lu\">%ls</text>", (unsigned long)(y + 14), state_titles[k]);
        html_rect(out, 80, y + 3, w ? w : 1, 14, k, n[k]);
        wbuf_addf(out, L"<text x=\"%lu\" y=\"%lu\">%lu</text>\n", (unsigned long)(86 + w), (unsigned long)(y + 14),
                  (unsigned long)n[k]);
    }
    wbuf_add(out, L"</svg>\n");
}

/* A group's hosts as one bar, a segment per state, scaled to the largest group (200 px). */
static void html_group_bar(struct wbuf *out, const struct group *g, size_t max)
{
    size_t x = 0;
    wbuf_addf(out, L"<svg class=\"bar\" width=\"200\" height=\"12\" viewBox=\"0 0 200 12\" role=\"img\" "
                   L"aria-label=\"%lu ready, %lu not ready, %lu invalid, %lu missing\">",
              (unsigned long)g->n[0], (unsigned long)g->n[1], (unsigned long)g->n[2], (unsigned long)g->n[3]);
    for (int k = 0; k < ROW_STATES; k++) {
        size_t w = g->n[k] * 200 / (max ? max : 1);
        if (g->n[k] && !w)
            w = 1;
        if (w)
            html_rect(out, x, 0, w, 12, k, g->n[k]);
        x += w;
    }
    wbuf_add(out, L"</svg>");
}

static void html_groups(const struct summary *s, BOOL by_os, struct wbuf *out)
{
    struct group *g;
    size_t n = make_groups(s, by_os, &g), max = 0;
    wchar_t num[24];
    for (size_t i = 0; i < n; i++)
        max = g[i].total > max ? g[i].total : max;
    wbuf_add(out, by_os ? L"<h2>By OS</h2>\n<table class=\"counts\" id=\"by-os\">\n<thead><tr><th>OS</th>"
                        : L"<h2>By target</h2>\n<table class=\"counts\" id=\"by-target\">\n<thead><tr><th>Targets</th>");
    wbuf_add(out, L"<th>Ready</th><th>Not ready</th><th>Invalid</th><th>Missing</th><th>Total</th>"
                  L"<th>Hosts per state</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        wbuf_add(out, L"<tr>");
        html_td(out, NULL, g[i].name);
        for (int k = 0; k < ROW_STATES; k++)
            html_td(out, L"num", wfmt(num, COUNTOF(num), L"%lu", (unsigned long)g[i].n[k]));
        html_td(out, L"num", wfmt(num, COUNTOF(num), L"%lu", (unsigned long)g[i].total));
        wbuf_add(out, L"<td>");
        html_group_bar(out, &g[i], max);
        wbuf_add(out, L"</td></tr>\n");
    }
    wbuf_add(out, L"</tbody>\n</table>\n");
    free(g);
}

static void html_summary(const struct summary *s, struct wbuf *out)
{
    wchar_t t[360];
    totals(s, t, COUNTOF(t));
    wbuf_add(out, L"<section class=\"summary\" id=\"summary\">\n<p class=\"totals\">");
    html_text(out, t);
    wbuf_add(out, L"</p>\n");
    html_state_chart(s, out);
    html_groups(s, FALSE, out);
    html_groups(s, TRUE, out);
    wbuf_add(out, L"</section>\n");
}

static const wchar_t *const row_classes[ROW_STATES] = { L"ready", L"notready", L"invalid", L"missing" };

static void html_row(const struct host_row *r, struct wbuf *out)
{
    wchar_t num[16], msg[COUNTOF(r->reason) + COUNTOF(r->push_meaning) + COUNTOF(r->first_problem) + 16];
    enum row_state st = summarize_state(r);
    wbuf_addf(out, L"<tr class=\"%ls\">", row_classes[st]);
    html_td(out, L"host", r->valid || r->missing ? r->host : r->file);
    if (r->valid) {
        html_td(out, NULL, r->os_name);
        html_td(out, NULL, r->os);
        html_td(out, NULL, r->arch);
        html_td(out, NULL, r->command);
        html_td(out, NULL, r->targets);
        html_td(out, L"state", r->ready == -1 ? L"unknown" : ready_word(r));
        html_td(out, L"num", r->exit_code == -1 ? L"" : wfmt(num, COUNTOF(num), L"%d", r->exit_code));
        html_td(out, L"num", wfmt(num, COUNTOF(num), L"%d", r->n_problems));
    } else {
        wbuf_add(out, L"<td></td><td></td><td></td><td></td><td></td>");
        html_td(out, L"state", row_state_names[st]);
        wbuf_add(out, L"<td></td><td></td>");
    }
    html_td(out, L"msg", row_message(r, msg, COUNTOF(msg)));
    html_td(out, NULL, r->notes);
    wbuf_add(out, L"<td class=\"when\">");
    html_text(out, r->last_run);
    if (r->last_run[0] && !r->last_run_from_report)
        wbuf_add(out, L" <span class=\"filetime\">(file time)</span>");
    wbuf_add(out, L"</td>");
    html_td(out, L"num", r->pushed ? wfmt(num, COUNTOF(num), L"%d", r->push_exit) : L"");
    html_td(out, L"msg", r->push_meaning);
    html_td(out, NULL, r->file);
    wbuf_add(out, L"</tr>\n");
}

void summarize_html(const struct summary *s, struct wbuf *out)
{
    wbuf_add(out,
        L"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        L"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        L"style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
        L"<title>p2vprep summary</title>\n<style>\n"
        L"body{font-family:\"Segoe UI\",Tahoma,Arial,sans-serif;font-size:13px;margin:16px;color:#222}\n"
        L"h1{font-size:18px}\n"
        L"h2{font-size:15px;margin:14px 0 6px}\n"
        L"table{border-collapse:collapse}\n"
        L"th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}\n"
        L"th{background:#e8e8e8}\n"
        L"td.num{text-align:right}\n"
        L"td.msg{white-space:pre-wrap;max-width:60em}\n"
        L"td.host{unicode-bidi:isolate}\n"
        L"tr.ready td.state{background:#cfeccf}\n"
        L"tr.notready td.state{background:#fbdcb4}\n"
        L"tr.invalid td{background:#f6d2d2}\n"
        L"tr.missing td{background:#e4e4e4}\n"
        L"td.when{white-space:nowrap}\n"
        L"span.filetime{color:#777}\n"
        L"svg text{font-size:12px;fill:#222}\n"
        L"svg.bar{vertical-align:middle}\n"
        L"section.summary{margin-bottom:16px}\n"
        L"</style>\n</head>\n<body>\n<h1>p2vprep summary</h1>\n");
    html_summary(s, out);
    wbuf_add(out, L"<h2>Hosts</h2>\n<table class=\"hosts\" id=\"hosts\">\n<thead><tr><th>Host</th><th>OS</th>"
                  L"<th>Version</th><th>Arch</th><th>Command</th><th>Targets</th><th>Ready</th><th>Exit</th>"
                  L"<th>Problems</th><th>First problem</th><th>Notes</th><th>Last run (UTC)</th>"
                  L"<th>Push exit</th><th>Push result</th><th>File</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n; i++)
        html_row(&s->rows[i], out);
    wbuf_add(out, L"</tbody>\n</table>\n</body>\n</html>\n");
}
