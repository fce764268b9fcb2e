/* The JSON report of a run (UTF-8), written atomically: temp file, then rename. */
#ifndef P2V_REPORT_H
#define P2V_REPORT_H
#include "engine.h"
#include "text.h"

/* Builds the report text (caller frees .s). */
void report_build(const struct run *r, struct wbuf *out);
DWORD report_write(const struct run *r, const wchar_t *path);
#endif
