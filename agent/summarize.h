/* `p2vprep summarize DIR`: reads the JSON reports that p2vprep wrote on many servers
 * (DIR\<COMPUTERNAME>.json, UTF-8, see report.c) and shows them as one table, CSV or HTML.
 *
 * The reader is a small strict JSON parser (RFC 8259; a leading UTF-8 BOM is allowed,
 * strings must be valid UTF-8, \uXXXX surrogates must pair, nesting is limited to
 * SUMMARIZE_MAX_DEPTH). A file that is not JSON, is cut short, is not a report (no
 * "computer"), or has a wrong type in a field the summary uses becomes an invalid row
 * with a short reason; it never stops the summary. */
#ifndef P2V_SUMMARIZE_H
#define P2V_SUMMARIZE_H
#include <windows.h>
#include "text.h"

#define SUMMARIZE_MAX_DEPTH 32                 /* arrays/objects, the top-level object counts */
#define SUMMARIZE_MAX_FILE  (16u * 1024 * 1024) /* bigger files are listed as invalid */

struct host_row {
    wchar_t file[MAX_PATH];      /* report file name, no folder */
    BOOL valid;                  /* FALSE: malformed or partial report; reason says why */
    wchar_t reason[160];         /* e.g. "not JSON: unexpected end at byte 812" (bytes count from 0) */
    wchar_t host[64], os[32], arch[8], command[16];
    wchar_t targets[128];        /* "lsilogic,pvscsi", as on the command line */
    int ready;                   /* 1, 0, or -1 when absent (or null) */
    int exit_code;               /* -1 when absent (or null) */
    int n_problems;
    wchar_t first_problem[256];  /* message of the first problem (its code if it has none) */
    wchar_t last_run[32];        /* UTC, "2026-11-26 01:02": the report's "time", else the
                                    file's last-write time */
    BOOL last_run_from_report;   /* last_run is the report's "time" */
    BOOL name_differs;           /* valid, but "computer" is not the file's name without
                                    ".json" (ignoring case): reason says so */
    wchar_t notes[256];          /* check: the codes of its readiness warnings, "a, b" */
};
/* ready + not_ready + invalid == n; a valid report without "ready" counts as not ready.
 * name_differs counts the valid rows flagged so (they also count as ready or not). */
struct summary {
    struct host_row *rows; size_t n, cap; size_t ready, not_ready, invalid, name_differs;
};

/* Reads every *.json file in dir (not recursive; "x.json.tmp" and folders are skipped),
 * sorted by host name ignoring case (an invalid report by its file name without
 * ".json", which is the host name by convention), then by file name. A file that cannot
 * be read is an invalid row; last_run comes from the folder listing. Returns
 * ERROR_SUCCESS (also for a folder without reports), or the error for the folder itself,
 * a listing cut short, or out of memory (the rows read so far are kept); out is always
 * initialised and must be freed with summary_free. */
DWORD summarize_dir(const wchar_t *dir, struct summary *out);

/* Parses one report's bytes into row: sets valid, reason, host, os, arch, command,
 * targets, ready, exit_code, n_problems and first_problem, and last_run (with
 * last_run_from_report) from a valid report's "time" (ISO 8601 UTC, e.g.
 * 2026-11-29T23:40:00Z; another form makes the report invalid); file, and last_run when
 * there is no "time", are left as they are. When the report is invalid only valid and
 * reason carry information (the other parsed fields are empty / -1 / 0). Pure: no I/O,
 * never reads past json[len-1]. */
void summarize_parse(const char *json, size_t len, struct host_row *row);

/* Makes row invalid: the parsed fields cleared (as summarize_parse leaves them for an
 * invalid report), reason formatted from fmt. */
void summarize_invalid(struct host_row *row, const wchar_t *fmt, ...);

/* Fixed-width text table (one line per report, "\n" line ends, control characters in
 * fields shown as spaces, long fields cut with "...") and a totals line. */
void summarize_table(const struct summary *s, struct wbuf *out);

/* RFC 4180 for Excel: starts with U+FEFF (the UTF-8 BOM once converted), a header line
 *   host,os,arch,targets,ready,exit_code,problems,first_problem,last_run,file,valid,reason
 * then one record per row (summarize_csv_cell); every record ends with CRLF. ready is
 * yes/no/blank, exit_code blank when absent, problems blank for an invalid row, valid
 * yes/no. */
void summarize_csv(const struct summary *s, struct wbuf *out);
/* One cell, then "," or (last) CRLF. Quoted, quotes doubled, when it holds a comma or a
 * semicolon (the separator in regions whose decimal mark is a comma), a quote, CR, LF or
 * tab, or starts like a formula (= + - @, tab, CR); a formula-like cell is also defused
 * with an apostrophe inside the quotes ("'=1+1"), in every cell, ours or the report's.
 * Never cut, whatever its length. */
void summarize_csv_cell(struct wbuf *out, const wchar_t *s, BOOL last);

/* One self-contained HTML page (UTF-8 meta charset, inline CSS, no scripts; a CSP that
 * forbids everything but inline style), every field HTML-escaped. */
void summarize_html(const struct summary *s, struct wbuf *out);

/* Writes text as UTF-8 to path, through path.tmp and a rename like report_write (a CSV
 * keeps its BOM because it is U+FEFF in the text). Returns a Win32 error code. */
DWORD summarize_save(const wchar_t *path, const struct wbuf *text);

void summary_free(struct summary *s);
#endif
