/* Human output: stdout for progress, stderr for errors, optionally a UTF-8 log. */
#ifndef P2V_OUT_H
#define P2V_OUT_H
#include <windows.h>

void out_set_quiet(BOOL quiet);
/* --json: everything said goes to stderr (and the log); stdout holds only what out_result
 * writes, one JSON object. */
void out_set_json(BOOL json);
void out_result(const wchar_t *text);
/* The last error line said (without "error: " or "p2vprep: "), "" when none: the message of
 * a failed run for a machine reader. */
const wchar_t *out_last_error(void);
/* Opens (appends to) a log file; FALSE with GetLastError() set on failure. */
BOOL out_open_log(const wchar_t *path);
void out_close_log(void);
void out_info(const wchar_t *fmt, ...);   /* suppressed by --quiet */
void out_error(const wchar_t *fmt, ...);  /* always shown, on stderr */
/* Prints each line of text (split in place at \n, a trailing \r dropped) after prefix. */
void out_info_lines(const wchar_t *prefix, wchar_t *text);
#endif
