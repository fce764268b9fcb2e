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
    wcopy_cut(dst, max + 1, tmp);
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
                  L"valid,reason,notes\r\n");
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
        summarize_csv_cell(out, r->reason, FALSE);
        summarize_csv_cell(out, r->notes, TRUE);
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
                  L"<th>First problem</th><th>Notes</th><th>Last run (UTC)</th><th>File</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < s->n; i++) {
        const struct host_row *r = &s->rows[i];
        if (!r->valid) {
            wbuf_add(out, L"<tr class=\"invalid\">");
            html_td(out, NULL, r->file);
            wbuf_add(out, L"<td></td><td></td><td></td><td></td>");
            html_td(out, L"state", L"invalid");
            wbuf_add(out, L"<td></td><td></td>");
            html_td(out, L"msg", r->reason);
            wbuf_add(out, L"<td></td>");
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
            html_td(out, NULL, r->notes);
        }
        html_td(out, NULL, r->last_run);
        html_td(out, NULL, r->file);
        wbuf_add(out, L"</tr>\n");
    }
    wbuf_add(out, L"</tbody>\n</table>\n</body>\n</html>\n");
}
