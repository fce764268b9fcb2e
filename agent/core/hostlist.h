/* The host list that push runs on and summarize joins to the reports: one reader and one
 * rule for what a host name is, so that both see the same hosts in the same file.
 *
 * Pure (no Win32 calls, no file I/O): bytes in, list out. It also builds natively for
 * the fuzz target tests/fuzz/fuzz_lists.c. */
#ifndef P2V_HOSTLIST_H
#define P2V_HOSTLIST_H
#include <windows.h>
#include <stddef.h>

#define HOSTLIST_NAME_MAX    253        /* a DNS name's longest text form (RFC 1035 2.3.4) */
#define HOSTLIST_LABEL_MAX   63         /* one DNS label (RFC 1035 2.3.4) */
#define HOSTLIST_NETBIOS_MAX 15         /* a computer's NetBIOS name */
#define HOSTLIST_MAX_LINES   100000
#define HOSTLIST_MAX_BYTES   (16u * 1024 * 1024)

struct hostlist_entry {
    const wchar_t *name;      /* the line without its comment and the blanks around it;
                                 points into the list's text */
    unsigned line;            /* where it is, from 1 */
    const wchar_t *problem;   /* NULL for a host name; else why the line is not one, a
                                 phrase that follows "it": "holds a comma, ..." */
};

struct hostlist {
    wchar_t *text;                 /* the file as UTF-16, split in place */
    struct hostlist_entry *v;      /* file order, each name once (the first line naming
                                      it), lines that are no host name included */
    size_t n, n_valid, n_invalid;
    size_t n_duplicates;           /* lines naming a name again; left out of v */
    const wchar_t *problem;        /* ERROR_INVALID_DATA: why the file is no host list,
                                      a phrase that follows "it": "is UTF-16 big-endian ..." */
};

/* A host list file's bytes: UTF-8 (with or without a BOM) or UTF-16 little-endian with
 * its BOM; one name per line (LF or CR LF); "#" starts a comment anywhere on a line;
 * spaces and tabs around a name are dropped; blank lines are skipped; a name seen before
 * (ignoring the case of A-Z and of the accented Latin letters, U+00C0 to U+00FE) is
 * counted in n_duplicates and left out. A line that is not a host name (see
 * hostlist_name_problem), or not UTF-8 text, is an entry with its problem.
 * Returns ERROR_SUCCESS, ERROR_INVALID_DATA (list->problem says why: over
 * HOSTLIST_MAX_BYTES or HOSTLIST_MAX_LINES lines, UTF-16 big-endian or without its BOM,
 * half a UTF-16 character at the end) or ERROR_NOT_ENOUGH_MEMORY. list is always
 * initialised; free it with hostlist_free. */
DWORD hostlist_parse(const void *data, size_t size, struct hostlist *list);
void hostlist_free(struct hostlist *list);

/* NULL when name is a host name, else why not (a phrase that follows "it"). A host name
 * is one of:
 *   - a NetBIOS name: 1 to 15 letters, digits, hyphens and underscores;
 *   - a DNS name: labels of letters, digits and hyphens (not first or last), 1 to 63
 *     characters each, joined by dots, at most 253 characters in all;
 *   - an IPv4 address (four numbers from 0 to 255, without leading zeros) or an IPv6
 *     address (RFC 4291 text form, "::" and a dotted IPv4 tail allowed, no zone).
 * Letters are A-Z, a-z and letters beyond ASCII (Windows allows Z\u00dcRICH-FS01); a name
 * made only of digits and dots must be an IPv4 address. Anything else is refused: a
 * space, a comma (PsExec would run on each part: "srv1,dc01"), a backslash, a quote, a
 * control character, any other punctuation. */
const wchar_t *hostlist_name_problem(const wchar_t *name);

/* name for a message: cut to cch with "...", control characters as "?". */
void hostlist_shown(const wchar_t *name, wchar_t *out, size_t cch);
#endif
