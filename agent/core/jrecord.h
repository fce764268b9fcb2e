/* A journal's records as data (journal_parse.c): their kinds, the text they are written
 * in, parsing, the paths in them resolved, and which records a rollback accepts. Pure: it
 * builds natively for the fuzz target tests/fuzz/fuzz_journal.c. engine/journal.h writes
 * and reads the files. */
#ifndef P2V_JRECORD_H
#define P2V_JRECORD_H
#include "machine.h"
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
#endif
