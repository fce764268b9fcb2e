/* Human output: stdout for progress, stderr for errors, optionally a UTF-8 log. */
#ifndef P2V_OUT_H
#define P2V_OUT_H
#include <windows.h>

void out_set_quiet(BOOL quiet);
/* Opens (appends to) a log file; FALSE with GetLastError() set on failure. */
BOOL out_open_log(const wchar_t *path);
void out_close_log(void);
void out_info(const wchar_t *fmt, ...);   /* suppressed by --quiet */
void out_error(const wchar_t *fmt, ...);  /* always shown, on stderr */
/* Prints each line of text (split in place at \n, a trailing \r dropped) after prefix. */
void out_info_lines(const wchar_t *prefix, wchar_t *text);
#endif
