/* Text files written as SYSTEM may write them: atomically, never through a link. */
#ifndef P2V_TEXTFILE_H
#define P2V_TEXTFILE_H
#include <windows.h>

/* Writes text as UTF-8 to path atomically: a new file of an unguessable name beside it,
 * flushed, then renamed over path, so a reader (summarize on a share) never sees half a
 * file. A path that is a link (reparse point, or a file with several names), or whose
 * local folder is a junction, is refused: ERROR_UNTRUSTED_MOUNT_POINT, ERROR_TOO_MANY_LINKS. */
DWORD text_save_utf8(const wchar_t *path, const wchar_t *text);
#endif
