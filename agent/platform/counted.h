/* A backend in front of another that counts the calls that change the machine: registry
 * keys and values, files, driver packages (the report's "writes"; a rerun must make 0).
 * One place for the count, as SQLite keeps its test hooks in the wrapper of its OS layer,
 * instead of a counter kept by hand beside each call. The state folder's own files
 * (journal, old copies: make_dir, append_*, cut) and flushes are not writes to the machine
 * and pass through uncounted. */
#ifndef P2V_COUNTED_H
#define P2V_COUNTED_H
#include "backend.h"

struct counted_backend {
    struct backend self;          /* what callers use */
    const struct backend *inner;
    unsigned writes;
};

void backend_counted_init(struct counted_backend *c, const struct backend *inner);
#endif
