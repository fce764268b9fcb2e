/* The apply journal: before each change, what was there. Written and flushed record by
 * record, so that an apply cut short (power loss, crash) can still be undone.
 *
 * State folder: %SystemRoot%\p2vprep. Each apply that changes something gets
 * apply-NNNN.journal (UTF-8 text, one record per line) and, for replaced files,
 * apply-NNNN\<file> with the old copy. The folder travels with the disk into the VM.
 *
 * Every write goes through the backend (make_dir, append_open, append), so that tests can
 * fail or cut it like any change to the machine. Files under %SystemRoot% are recorded as
 * %SystemRoot%\..., so a journal written from a helper that sees the disk as F:\WINDOWS is
 * undone by the booted Windows that sees it as C:\WINDOWS, and the other way round. */
#ifndef P2V_JOURNAL_H
#define P2V_JOURNAL_H
#include "backend.h"
#include "jrecord.h"

struct journal {
    const struct backend *b;
    HANDLE file;
    wchar_t systemroot[MAX_PATH]; /* what %SystemRoot% stands for in the records */
    wchar_t boot_ini[MAX_PATH];   /* offline: the boot.ini recorded as %BootIni% */
    wchar_t path[MAX_PATH];
    wchar_t files_dir[MAX_PATH];  /* where old copies of replaced files go */
};

/* Creates the next apply-NNNN.journal in dir (made if missing). */
DWORD journal_begin(struct journal *j, const struct backend *b, const wchar_t *dir,
                    const wchar_t *systemroot, const wchar_t *header);
DWORD journal_add(struct journal *j, const struct jentry *e);
/* n records in one write, flushed once: for changes made together right after (a torn write
 * leaves whole records before the tear, and the cut one is not a record). */
DWORD journal_add_all(struct journal *j, const struct jentry *e, size_t n);
/* Keeps the old copy of a file about to be replaced in apply-NNNN\<name>, a file made
 * new; path receives where. */
DWORD journal_keep_copy(struct journal *j, const wchar_t *name, const BYTE *data, DWORD size,
                        wchar_t *path, size_t cch);
/* Appends "end <status>" (ok, rolled-back, rollback-incomplete) and closes. */
DWORD journal_end(struct journal *j, const wchar_t *status);
void journal_close(struct journal *j);

/* The newest journal whose changes are still in place (no "end rolled-back").
 * ERROR_FILE_NOT_FOUND when there is none. */
DWORD journal_find_last(const struct backend *b, const wchar_t *dir, wchar_t *path, size_t cch);
/* Loads the records of a journal (malloc'ed array) and its last status
 * ("ok", "rolled-back", ..., or "incomplete" when the apply never finished). */
DWORD journal_load(const struct backend *b, const wchar_t *path, struct jentry **entries, size_t *n, wchar_t *status, size_t cch);
/* The same, read from a journal file; an empty name when it has none. */
DWORD journal_computer(const struct backend *b, const wchar_t *path, wchar_t *computer, size_t cch);
/* Reopens an existing journal to append its final status. */
DWORD journal_reopen(struct journal *j, const struct backend *b, const wchar_t *path);
#endif
