/* Shapes the Wine prefix a test runs in like a real server and observes what p2vprep
 * did to it. Used by the end-to-end tests and by the demo's p2vfixture tool. */
#ifndef P2V_FIXTURE_H
#define P2V_FIXTURE_H
#include <windows.h>

struct fixture {
    const wchar_t *winver;   /* HKCU\Software\Wine\Version: win2k, winxp, win2003, ... */
    int sets[8];             /* ControlSetNNN numbers to create */
    int n_sets;
    DWORD select[4];         /* Current, Default, LastKnownGood, Failed */
};

/* Removes every ControlSetNNN, Select, the drivers p2vprep installs and its state
 * folder, then builds the machine described by f. Each control set gets
 * Control\ServiceGroupOrder, Control\GroupOrderList, Control\CriticalDeviceDatabase
 * (IDE entries as on a physical server) and Services (atapi, disk). */
void fx_shape(const struct fixture *f);

void fx_set_dword(const wchar_t *key, const wchar_t *name, DWORD d);
void fx_set_sz(const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s);
/* Reads HKLM\key\name; FALSE when absent. */
BOOL fx_get(const wchar_t *key, const wchar_t *name, DWORD *type, BYTE *data, DWORD *size);
BOOL fx_get_dword(const wchar_t *key, const wchar_t *name, DWORD *d);
BOOL fx_key_exists(const wchar_t *key);
void fx_delete_tree(HKEY root, const wchar_t *key);

/* A text dump of HKLM\key and everything below it (names, types, data), malloc'ed. */
wchar_t *fx_export(const wchar_t *key);
/* fx_export of SYSTEM\ControlSetNNN for every set, concatenated. */
wchar_t *fx_export_sets(void);

const wchar_t *fx_bin_dir(void);          /* the folder of the running test exe */
const wchar_t *fx_systemroot(void);
/* File helpers that see the native system32 (no WOW64 redirection). */
BOOL fx_read_file(const wchar_t *path, BYTE **data, DWORD *size);
BOOL fx_write_file(const wchar_t *path, const void *data, DWORD size);
BOOL fx_file_exists(const wchar_t *path);
void fx_delete_file(const wchar_t *path);
void fx_delete_dir(const wchar_t *path);  /* recursive */
BOOL fx_copy_file(const wchar_t *from, const wchar_t *to);
/* A file's DACL (and owner) and attributes, set and read in the native system32 too. */
BOOL fx_set_file_sddl(const wchar_t *path, const wchar_t *sddl);
wchar_t *fx_file_sddl(const wchar_t *path);   /* "O:..D:..", malloc'ed */
BOOL fx_set_file_attributes(const wchar_t *path, DWORD attrs);
DWORD fx_file_attributes(const wchar_t *path);
/* NULL when the folder path is admin-only the way p2vprep makes its folders: a protected
 * DACL, nothing inherited, every entry that grants anything granting it to SYSTEM or
 * Administrators, both with full control. Else why not, with the folder's SDDL, in a
 * static buffer. Under Wine (8.0) a file keeps no security descriptor: its DACL is made up
 * from the Unix mode bits (SYSTEM and the owner, Everyone for the "other" bits), with no
 * protected flag and no Administrators entry; there only what the bits keep is checked,
 * that nobody but SYSTEM and the owner is granted anything (a folder made without a DACL
 * of its own grants Everyone read). */
const char *fx_dir_not_admin_only(const wchar_t *path);
BOOL fx_under_wine(void);   /* ntdll has wine_get_version */
/* A hard link at link to the existing file target (both seen without redirection). */
BOOL fx_hard_link(const wchar_t *link, const wchar_t *target);
/* A Unix symbolic link at link to target (both Windows paths in the prefix), as a converted
 * disk's junction or symbolic link looks to Wine: a folder link shows as a reparse point,
 * a file link as a plain file, and an open follows either. fx_unix_unlink removes the link
 * itself; fx_delete_dir removes links it meets without following them. */
BOOL fx_unix_link(const wchar_t *link, const wchar_t *target);
BOOL fx_unix_unlink(const wchar_t *link);
/* Writes a driver-package catalog listing the files in members by their hash, signed with a
 * throwaway self-signed certificate (catalog.c): with trusted, one the prefix's machine Root
 * store holds (as a vendor's is trusted); without, one trusted nowhere. FALSE, said on
 * stderr, on failure. */
BOOL fx_write_catalog(const wchar_t *catalog, const wchar_t *const *members, int n_members, BOOL trusted);

/* Runs bin\<exe> (or exe, when it is a full path) with args, stdout+stderr to a temp file; returns the exit code.
 * *output (optional) receives the UTF-8 output, malloc'ed, NUL-terminated. */
int fx_run(const wchar_t *exe, const wchar_t *args, char **output);
/* fx_run with the child's stdout and stderr kept apart (malloc'ed, NUL-terminated). */
int fx_run_split(const wchar_t *exe, const wchar_t *args, char **out_text, char **err_text);
/* Environment for fx_run's children. */
void fx_setenv(const wchar_t *name, const wchar_t *value);

/* An offline Windows' SYSTEM hive, in the format of the Windows the test runs on (Wine's
 * own), made by shaping a key and saving it. */
struct offline_fixture {
    int sets[8];
    int n_sets;
    DWORD select[4];
    const wchar_t *computer;      /* Control\ComputerName\ComputerName */
    const wchar_t *product;       /* Control\ProductOptions ProductType: ServerNT, WinNT */
    DWORD csd_version;            /* Control\Windows CSDVersion: 0x200 = SP2 */
    int disabled_symmpi_in;       /* a control set with symmpi Start=4, 0 for none */
    int extra_services;           /* that many more services per set, as a real server has */
    const wchar_t *link_key;      /* a key of the hive (ControlSet001\\Services\\symmpi) made a
                                     registry link to link_target (\\Registry\\Machine\\...) */
    const wchar_t *link_target;
    BOOL old_platform;            /* VMware Tools' VMTools, vmci and vmusbmouse in every set, the
                                     mouse class's UpperFilters [mouclass, vmusbmouse], and one
                                     adapter {0FF1CE00-...-000000000001} with 192.168.7.7/24 */
};
void fx_make_offline_hive(const wchar_t *file, const struct offline_fixture *o);
/* fx_export of the whole hive in file (loaded for the moment under a test name). */
wchar_t *fx_export_hive(const wchar_t *file);
BOOL fx_hive_get_dword(const wchar_t *file, const wchar_t *key, const wchar_t *name, DWORD *d);
/* Removes the registry link at key (under HKLM) itself, never what it leads to. */
void fx_drop_link(const wchar_t *key);
/* How many hives p2vprep has loaded under HKLM right now. */
int fx_loaded_offline_hives(void);
#endif
