/* Where a file path really leads. A path is taken at its word only when every level of it
 * that exists is a plain file or folder on the path's own volume: no symbolic link, no
 * junction, no mount point, nothing that an open would follow somewhere else. A converted
 * disk is data: a folder on it that is a link could lead a run that holds the backup and
 * restore privileges into the helper's own System32. */
#ifndef P2V_PATHCHECK_H
#define P2V_PATHCHECK_H
#include <windows.h>
#include <stddef.h>

#ifndef ERROR_UNTRUSTED_MOUNT_POINT
#define ERROR_UNTRUSTED_MOUNT_POINT 448L   /* winerror.h of newer SDKs */
#endif

/* ERROR_SUCCESS when path is plain (levels not there yet count as plain: a file about to be
 * made); ERROR_UNTRUSTED_MOUNT_POINT when a level is a link or leads off the volume, and
 * why names that level and where it leads; ERROR_BAD_PATHNAME for a path that is not a
 * full drive-letter path of plain names (no "..", no ":stream", no wildcards); another
 * error when a level cannot be looked at (why says which). The volume's root itself is
 * taken as the helper mounted it. */
DWORD path_check(const wchar_t *path, wchar_t *why, size_t cch);
#endif
