/* The JSON report of a run (UTF-8), written atomically: temp file, then rename. */
#ifndef P2V_REPORT_H
#define P2V_REPORT_H
#include "engine.h"
#include "text.h"

/* The name a change kind has in the report's "changes". */
const wchar_t *report_change_kind(enum change_kind kind);
/* Builds the report text (caller frees .s). */
void report_build(const struct run *r, struct wbuf *out);
DWORD report_write(const struct run *r, const wchar_t *path);
#endif
