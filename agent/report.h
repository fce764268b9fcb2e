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

/* --json: what a machine reader needs besides the report (Ansible's module contract). */
struct report_result {
    BOOL changed;        /* apply, rollback: the machine changed; plan: it would */
    BOOL failed;
    const wchar_t *msg;  /* one line: what happened, or why it failed */
    int rc;              /* the exit code as the process exits (after --exit-codes) */
};
/* The report with res's fields before its end. */
void report_build_result(const struct run *r, const struct report_result *res, struct wbuf *out);
/* For a command that is not a run (help, targets, find, summarize, service, a usage error):
 * version, command, exit_code and res's fields. */
void report_minimal(const wchar_t *command, int exit_code, const struct report_result *res, struct wbuf *out);
void report_result_fields(struct wbuf *b, const struct report_result *res);
#endif
