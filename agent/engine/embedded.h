/* A payload carried inside the exe (build option P2V_EMBED_PAYLOAD), so that one file
 * pushed with `psexec -c` brings its drivers along. */
#ifndef P2V_EMBEDDED_H
#define P2V_EMBEDDED_H
#include <windows.h>

/* When the exe carries payload files, writes them under a new folder (scratch_dir_create:
 * <windir>\p2vprep\payload-<pid>-<n>, same layout: x86\..., amd64\...) and returns TRUE
 * with that folder in dir. windir: the Windows the run prepares. */
BOOL embedded_payload_extract(const wchar_t *windir, wchar_t *dir, size_t cch);
/* Removes what embedded_payload_extract wrote. */
void embedded_payload_remove(const wchar_t *dir);
#endif
