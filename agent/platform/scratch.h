/* The state folder (%SystemRoot%\\p2vprep) and the scratch folders made in it: places that
 * only administrators and SYSTEM may write. */
#ifndef P2V_SCRATCH_H
#define P2V_SCRATCH_H
#include <windows.h>

void journal_state_dir(const wchar_t *systemroot, wchar_t *dir, size_t cch);
/* A new, empty folder for temporary files (what-<pid>-<n>) in the state folder of windir,
 * which only administrators and SYSTEM may write (%TEMP% of a SYSTEM process is writable
 * by users): the Windows a run prepares, so that an offline run writes nothing to the
 * helper. windir NULL: the running Windows', or without administrator rights (check,
 * plan) the user's own temp folder. */
BOOL scratch_dir_create(const wchar_t *windir, const wchar_t *what, wchar_t *dir, size_t cch);
void scratch_dir_remove(const wchar_t *dir);
#endif
