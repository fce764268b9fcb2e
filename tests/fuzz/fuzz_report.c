/* The report reader of `summarize` (summarize_json.c) on any bytes, then the row through
 * the table, CSV and HTML writers (summarize_out.c), and the input itself as one CSV cell
 * of any length. Checked beyond the sanitizers: every field of the row is terminated
 * inside its array, an invalid row says why, and a CSV cell never starts a formula. */
#include "summarize.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void terminated(const wchar_t *s, size_t cch)
{
    CHECK(wmemchr(s, 0, cch) != NULL);
}

static void check_cell(const wchar_t *in)
{
    struct wbuf b = { 0 };
    summarize_csv_cell(&b, in, TRUE);
    if (!b.ok)
        return;
    const wchar_t *c = b.s;
    size_t n = wcslen(c);
    CHECK(n >= 2 && c[n - 2] == L'\r' && c[n - 1] == L'\n');
    if (c[0] == L'"') {
        /* quoted: the body holds only doubled quotes, and a formula start is defused */
        CHECK(n >= 4 && c[n - 3] == L'"');
        for (size_t i = 1; i + 3 < n; i++) {
            if (c[i] == L'"') {
                CHECK(c[i + 1] == L'"');
                i++;
            }
        }
        wchar_t first = c[1];
        CHECK(first != L'=' && first != L'+' && first != L'-' && first != L'@' &&
              first != L'\t' && first != L'\r');
    } else {
        for (size_t i = 0; i + 2 < n; i++)
            CHECK(c[i] != L',' && c[i] != L';' && c[i] != L'"' && c[i] != L'\r' &&
                  c[i] != L'\n' && c[i] != L'\t');
        CHECK(n == 2 || (c[0] != L'=' && c[0] != L'+' && c[0] != L'-' && c[0] != L'@'));
    }
    wbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that reading one byte past the end is caught */
    char *json = malloc(size ? size : 1);
    if (!json)
        return 0;
    memcpy(json, data, size);
    struct host_row row;
    memset(&row, 0x5A, sizeof row);
    wcscpy(row.file, L"FUZZ.json");
    wcscpy(row.last_run, L"2026-11-26 01:02");
    summarize_parse(size ? json : NULL, size, &row);
    free(json);

    CHECK(row.valid == TRUE || row.valid == FALSE);
    terminated(row.reason, COUNTOF(row.reason));
    terminated(row.last_run, COUNTOF(row.last_run));
    if (!row.valid) {
        CHECK(row.reason[0]);
        CHECK(!row.host[0] && !row.os[0] && !row.targets[0] && !row.first_problem[0]);
    } else {
        terminated(row.host, COUNTOF(row.host));
        terminated(row.os, COUNTOF(row.os));
        terminated(row.arch, COUNTOF(row.arch));
        terminated(row.command, COUNTOF(row.command));
        terminated(row.targets, COUNTOF(row.targets));
        terminated(row.first_problem, COUNTOF(row.first_problem));
        CHECK(row.host[0]);
        CHECK(row.n_problems >= 0);
        if (!row.first_problem[0])
            row.name_differs = TRUE, wcscpy(row.reason, L"computer differs");
    }

    struct summary s = { &row, 1, 1, row.valid && row.ready == 1, row.valid && row.ready != 1,
                         !row.valid, row.name_differs, 0, 0 };
    struct wbuf t = { 0 }, c = { 0 }, h = { 0 };
    summarize_table(&s, &t);
    summarize_csv(&s, &c);
    summarize_html(&s, &h);
    if (h.ok && h.s)
        CHECK(!wcsstr(h.s, L"<script"));
    wbuf_free(&t);
    wbuf_free(&c);
    wbuf_free(&h);

    /* the input as one cell, whatever its length */
    wchar_t *w = wide_from_utf8((const char *)data, (int)size);
    if (w) {
        check_cell(w);
        free(w);
    }
    return 0;
}
