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
#include "sha256.h"

#define JOURNAL_MAGIC "p2vprep journal 1"
#define SYSTEMROOT_VAR L"%SystemRoot%"    /* files under the Windows folder, in records */
#define JOURNAL_MAX_SIZE (64u << 20)   /* bytes; a journal records tens of changes */

enum jentry_kind {
    J_KEY = 1,        /* key created by apply: undo deletes it */
    J_VALUE,          /* value set or deleted: undo restores the old one */
    J_FILE,           /* file written: undo restores the old copy or deletes it */
    J_KEY_DELETED,    /* key deleted (StartOverride): undo creates it again */
    J_STAGED,         /* driver package staged as oemNN.inf (name): undo removes it */
    J_STAGING,        /* about to stage the INF in key: for a human if the next line is missing */
};

struct jentry {
    enum jentry_kind kind;
    wchar_t key[P2V_KEY_MAX];     /* J_KEY, J_VALUE, J_KEY_DELETED: key under HKLM;
                                     J_FILE: the file's path; J_STAGED: the source INF */
    wchar_t name[P2V_NAME_MAX];   /* J_VALUE: value name; J_STAGED: oemNN.inf */
    struct regval old;            /* J_VALUE: what was there (present = FALSE: absent) */
    wchar_t backup[MAX_PATH];     /* J_FILE: the old copy, empty when there was none */
    wchar_t hash[SHA256_HEX_LEN + 1]; /* J_STAGED: SHA-256 of the INF staged, so that rollback
                                     removes oemNN.inf only while it is still that package
                                     (Windows reuses the names); empty in older journals */
};

struct journal {
    const struct backend *b;
    HANDLE file;
    wchar_t systemroot[MAX_PATH]; /* what %SystemRoot% stands for in the records */
    wchar_t boot_ini[MAX_PATH];   /* offline: the boot.ini recorded as %BootIni% */
    wchar_t path[MAX_PATH];
    wchar_t files_dir[MAX_PATH];  /* where old copies of replaced files go */
};

void journal_state_dir(const wchar_t *systemroot, wchar_t *dir, size_t cch);
/* A new, empty folder for temporary files (what-<pid>-<n>) in the state folder, which only
 * administrators and SYSTEM may write; %TEMP% of a SYSTEM process is writable by users.
 * Without administrator rights (check, plan), the user's own temp folder. */
BOOL scratch_dir_create(const wchar_t *what, wchar_t *dir, size_t cch);
void scratch_dir_remove(const wchar_t *dir);
/* The Windows folder whose state folder holds the scratch folders: the offline Windows'
 * for --offline, so that nothing is written to the running one. NULL: the running one. */
void scratch_root_set(const wchar_t *windir);
/* Creates the next apply-NNNN.journal in dir (made if missing). */
DWORD journal_begin(struct journal *j, const struct backend *b, const wchar_t *dir,
                    const wchar_t *systemroot, const wchar_t *header);
DWORD journal_add(struct journal *j, const struct jentry *e);
/* Keeps the old copy of a file about to be replaced in apply-NNNN\<name>, a file made
 * new; path receives where. */
DWORD journal_keep_copy(struct journal *j, const wchar_t *name, const BYTE *data, DWORD size,
                        wchar_t *path, size_t cch);
/* Appends "end <status>" (ok, rolled-back, rollback-incomplete) and closes. */
DWORD journal_end(struct journal *j, const wchar_t *status);
void journal_close(struct journal *j);

/* The newest journal whose changes are still in place (no "end rolled-back").
 * ERROR_FILE_NOT_FOUND when there is none. */
DWORD journal_find_last(const wchar_t *dir, wchar_t *path, size_t cch);
/* Loads the records of a journal (malloc'ed array) and its last status
 * ("ok", "rolled-back", ..., or "incomplete" when the apply never finished). */
DWORD journal_load(const wchar_t *path, struct jentry **entries, size_t *n, wchar_t *status, size_t cch);
/* How many bytes of text are whole records (the header, then lines that parse, each with
 * its newline): what a torn or zeroed tail leaves of a journal (journal_parse.c, pure). */
size_t journal_whole_length(const char *text, size_t size);
/* journal_load's parsing of the file's size bytes (journal_parse.c, pure): the same results.
 * A line without its newline was cut by a crash and is not a record. Empty, zeros, or a
 * first line cut short: no records (nothing was recorded, so nothing changed).
 * ERROR_INVALID_DATA for a first line that is not the magic or a record that cannot be read;
 * ERROR_FILE_TOO_LARGE above JOURNAL_MAX_SIZE. */
DWORD journal_parse(const char *text, size_t size, struct jentry **entries, size_t *n,
                    wchar_t *status, size_t cch);
/* Turns %SystemRoot%\... in loaded records into paths under systemroot, and %BootIni% into
 * boot_ini (offline; NULL leaves it, which no backend can write). Records of journals that
 * wrote full paths are left as they are. */
void journal_resolve(struct jentry *entries, size_t n, const wchar_t *systemroot, const wchar_t *boot_ini);
/* Offline: a journal of an earlier version names files by the full path the booted Windows
 * saw (C:\WINDOWS\system32\...). Paths on another drive whose first folder is the offline
 * Windows folder's name are taken as under windir. Returns how many were rebased. */
int journal_rebase(struct jentry *entries, size_t n, const wchar_t *windir);
/* The computer name of the "started" line: the Windows the journal was written for (the
 * offline one's name when written from a helper). FALSE when the text has none. Pure. */
BOOL journal_written_on(const char *text, size_t size, wchar_t *computer, size_t cch);

/* A journal is data, never orders: before anything is undone, each record must be one that
 * p2vprep writes (journal_parse.c, pure). Registry records only under a ControlSetNNN's
 * Services\<name> (its Parameters, PnpInterface, StartOverride), Control\
 * CriticalDeviceDatabase\<id> and Control\CrashControl; files only <systemroot>\system32\
 * drivers\<file> or the offline boot.ini; old copies only in the journal's own folder;
 * staged packages only plain *.inf names (oemNN.inf). Paths as resolved (journal_resolve, journal_rebase). */
struct journal_scope {
    const wchar_t *systemroot;    /* the Windows folder the records were resolved against */
    const wchar_t *files_dir;     /* the journal's own folder of old copies (apply-NNNN) */
    const wchar_t *boot_ini;      /* offline: the boot.ini --fix-boot-ini corrects, else NULL */
};
/* NULL when e is such a record, else why not ("a key outside ..."). */
const wchar_t *journal_record_problem(const struct jentry *e, const struct journal_scope *s);
/* The apply-NNNN numbers in names (file names of a folder), highest first, without
 * duplicates; returns how many (at most max). What journal_find_last walks: a planted
 * apply-2147483647.journal costs one look, not 2^31. Pure. */
size_t journal_numbers(const wchar_t *const *names, size_t n_names, int *numbers, size_t max);
int journal_number(const wchar_t *name);   /* apply-NNNN.journal -> NNNN, else -1 */
/* The same, read from a journal file; an empty name when it has none. */
DWORD journal_computer(const wchar_t *path, wchar_t *computer, size_t cch);
/* Reopens an existing journal to append its final status. */
DWORD journal_reopen(struct journal *j, const struct backend *b, const wchar_t *path);
#endif
