/* The state folder (%SystemRoot%\\p2vprep) and the scratch folders made in it: places that
 * only administrators and SYSTEM may write. */
#ifndef P2V_SCRATCH_H
#define P2V_SCRATCH_H
#include <windows.h>

void journal_state_dir(const wchar_t *systemroot, wchar_t *dir, size_t cch);
/* A new, empty folder for temporary files (what-<pid>-<n>) in the state folder, which only
 * administrators and SYSTEM may write; %TEMP% of a SYSTEM process is writable by users.
 * Without administrator rights (check, plan), the user's own temp folder. */
BOOL scratch_dir_create(const wchar_t *what, wchar_t *dir, size_t cch);
void scratch_dir_remove(const wchar_t *dir);
/* The Windows folder whose state folder holds the scratch folders: the offline Windows'
 * for --offline, so that nothing is written to the running one. NULL: the running one. */
void scratch_root_set(const wchar_t *windir);
#endif
