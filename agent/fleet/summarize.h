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
#include "hostlist.h"
#include "osname.h"

#define SUMMARIZE_MAX_DEPTH 32                 /* arrays/objects, the top-level object counts */
#define SUMMARIZE_MAX_FILE  (16u * 1024 * 1024) /* bigger files are listed as invalid */

struct host_row {
    wchar_t file[MAX_PATH];      /* report file name, no folder */
    BOOL valid;                  /* FALSE: malformed or partial report; reason says why */
    wchar_t reason[160];         /* e.g. "not JSON: unexpected end at byte 812" (bytes count from 0) */
    wchar_t host[HOSTLIST_NAME_MAX + 1];   /* "computer", or a listed host's name */
    wchar_t os[32], arch[8], command[16];
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
    wchar_t os_name[48];         /* "Windows Server 2003 SP2" (osname.h) from os.version,
                                    os.service_pack, os.product_type and os.arch; empty
                                    when os.version is not "major.minor.build" */
    int service_pack;            /* os.service_pack, -1 when absent (or null) */
    BOOL missing;                /* no report: a host of the host list or of push-results
                                    that has none; valid is FALSE, file empty, reason
                                    "no report" */
    BOOL pushed;                 /* push-results has a line for this host */
    int push_exit;               /* its exit_code */
    wchar_t push_meaning[160];   /* its meaning (its psexec_error when meaning is empty) */
    int retire_found;            /* --retire: the report's "retire" counts of the old platform's */
    int retire_retired;          /* services and drivers found, retired (disabled now or before) */
    int retire_guarded;          /* and kept by the boot guard; -1 when it has no "retire" */
};

/* What a row says about its host, in the order the counts show them. */
enum row_state { ROW_READY, ROW_NOT_READY, ROW_INVALID, ROW_MISSING, ROW_STATES };
enum row_state summarize_state(const struct host_row *r);
extern const wchar_t *const row_state_names[ROW_STATES];   /* "ready", "not ready", ... */
/* ready + not_ready + invalid + missing == n; a valid report without "ready" counts as
 * not ready. name_differs counts the valid rows flagged so (they also count as ready or
 * not). */
struct summary {
    struct host_row *rows; size_t n, cap; size_t ready, not_ready, invalid, name_differs;
    size_t missing;
    size_t not_read;    /* reports beyond SUMMARIZE_MAX_REPORTS, listed but not read */
};
/* Reports read from one folder: about 3 KB of memory each (150 MB for the most). */
#define SUMMARIZE_MAX_REPORTS 50000

/* What was wrong in a host list or push-results file: the first SUMMARIZE_LOG_MAX lines
 * ("push-results.csv line 7: ..."), and how many more there were. */
#define SUMMARIZE_LOG_MAX 20
struct summarize_log { wchar_t line[SUMMARIZE_LOG_MAX][256]; size_t n, more; };
void summarize_log_add(struct summarize_log *log, const wchar_t *fmt, ...);

/* A host named by a host list or by push-results (summarize_lists.c). */
struct wave_host {
    wchar_t host[HOSTLIST_NAME_MAX + 1];
    unsigned line;               /* where it was named, from 1 */
    BOOL pushed;                 /* from push-results: exit_code and meaning are set */
    int exit_code;
    wchar_t meaning[160];
};
struct wave_hosts { struct wave_host *v; size_t n, cap; };
#define SUMMARIZE_MAX_HOSTS 100000   /* records of push-results read (a host list:
                                        HOSTLIST_MAX_LINES, then refused) */
#define SUMMARIZE_MAX_CELL  1024     /* bytes of one push-results cell */

/* A host list, read by hostlist_parse (hostlist.h: the reader and name rule push uses
 * too): each host once, in file order. A line that is no host name (or not UTF-8 text)
 * is noted in log (what names the file) with its line number and skipped; duplicates
 * are one note. Returns ERROR_SUCCESS, ERROR_INVALID_DATA when the file is no host list
 * (noted in log) or ERROR_NOT_ENOUGH_MEMORY. Pure. */
DWORD summarize_parse_hosts(const char *text, size_t len, const wchar_t *what,
                            struct wave_hosts *out, struct summarize_log *log);

/* push-results.csv as push writes it: RFC 4180 (UTF-8, a BOM allowed; CRLF or LF line
 * ends; a cell quoted with "..." may hold commas, doubled quotes and line breaks), the
 * header exactly
 *   host,exit_code,meaning,seconds,psexec_error
 * (or host,exit_code, as push.cmd writes it), then one record per host. A quoted cell
 * that starts with an apostrophe before = + - @ tab or CR was defused by its writer: the
 * apostrophe is dropped. A record with another number of cells, a cell over
 * SUMMARIZE_MAX_CELL bytes, bad quoting, text that is not UTF-8, a host cell that is no
 * host name (hostlist_name_problem: push's rule), an exit_code that is not a whole
 * number or seconds that is not a number is noted in log and skipped. Returns ERROR_SUCCESS, ERROR_INVALID_DATA when the header is not
 * one of the two (noted in log), or ERROR_NOT_ENOUGH_MEMORY. Pure. */
DWORD summarize_parse_push(const char *text, size_t len, const wchar_t *what,
                           struct wave_hosts *out, struct summarize_log *log);
void wave_hosts_free(struct wave_hosts *h);

/* Joins the hosts of a host list and of push-results to the rows, by host name ignoring
 * case (an invalid report by its file name without ".json"): a pushed host's row gets its
 * push result; a host without a row becomes a missing row. A host named twice counts once
 * (push-results: the later line, noted in log). Sorted and counted again. Returns
 * ERROR_SUCCESS or ERROR_NOT_ENOUGH_MEMORY. */
DWORD summarize_join(struct summary *s, const struct wave_hosts *hosts,
                     const struct wave_hosts *pushed, const wchar_t *push_what,
                     struct summarize_log *log);

/* Reads a whole file of at most SUMMARIZE_MAX_FILE bytes; *buf is malloc'ed (free it).
 * Returns a Win32 error code (ERROR_FILE_TOO_LARGE for a bigger one). */
DWORD summarize_read_file(const wchar_t *path, char **buf, size_t *len);

/* Reads every *.json file in dir (not recursive; "x.json.tmp" and folders are skipped),
 * sorted by host name ignoring case (an invalid report by its file name without
 * ".json", which is the host name by convention), then by file name. A file that cannot
 * be read is an invalid row; last_run comes from the folder listing. Returns
 * ERROR_SUCCESS (also for a folder without reports), or the error for the folder itself,
 * a listing cut short, or out of memory (the rows read so far are kept); out is always
 * initialised and must be freed with summary_free. */
/* summarize_dir reading at most max reports (the first the folder lists; the others are
 * counted in not_read). */
DWORD summarize_dir_max(const wchar_t *dir, struct summary *out, size_t max);
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

/* The counts per target set and per OS (SUMMARIZE_GROUPS_MAX of each, the largest; the
 * rest as one "other" line), then a fixed-width table (one line per row, "\n" line ends,
 * control characters in fields shown as spaces, long fields cut with "...") and a totals
 * line. A last run that is the file's time, not the report's, ends in "(file)". */
void summarize_table(const struct summary *s, struct wbuf *out);

#define SUMMARIZE_GROUPS_MAX 12

/* RFC 4180 for Excel: starts with U+FEFF (the UTF-8 BOM once converted), a header line
 *   host,os,arch,targets,ready,exit_code,problems,first_problem,last_run,file,valid,reason,
 *   notes,os_name,state,last_run_from,push_exit,push_meaning
 * then one record per row (summarize_csv_cell); every record ends with CRLF. ready is
 * yes/no/blank, exit_code blank when absent, problems blank for an invalid or missing row,
 * valid yes/no; state is ready, not ready, invalid or missing; last_run_from is report or
 * file (blank for a missing row); push_exit and push_meaning blank without a push result.
 * os is the version number (5.2.3790), os_name its name. */
void summarize_csv(const struct summary *s, struct wbuf *out);
/* One cell, then "," or (last) CRLF. Quoted, quotes doubled, when it holds a comma or a
 * semicolon (the separator in regions whose decimal mark is a comma), a quote, CR, LF or
 * tab, or starts like a formula (= + - @, tab, CR); a formula-like cell is also defused
 * with an apostrophe inside the quotes ("'=1+1"), in every cell, ours or the report's.
 * Never cut, whatever its length. */
void summarize_csv_cell(struct wbuf *out, const wchar_t *s, BOOL last);

/* One self-contained HTML page (UTF-8 meta charset, inline CSS, no scripts; a CSP that
 * forbids everything but inline style), every field HTML-escaped: a summary section
 * with the counts per state, per target set and per OS, each with a bar drawn in inline
 * SVG, then one table row per host. */
void summarize_html(const struct summary *s, struct wbuf *out);

/* Writes text as UTF-8 to path, through path.tmp and a rename like report_write (a CSV
 * keeps its BOM because it is U+FEFF in the text). Returns a Win32 error code. */
DWORD summarize_save(const wchar_t *path, const struct wbuf *text);

void summary_free(struct summary *s);
#endif
