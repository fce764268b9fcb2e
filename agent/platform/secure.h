/* Folders and files p2vprep writes as SYSTEM, where others may have been first: the state
 * folder (on 2000/XP/2003 Power Users can write %SystemRoot%), report folders on
 * %ProgramData%, a report share. */
#ifndef P2V_SECURE_H
#define P2V_SECURE_H
#include "pathcheck.h"

/* Creates dir with a DACL of its own: SYSTEM and Administrators, full control, inherited
 * by what is made inside, nothing from the parent. Like CreateDirectoryW otherwise. */
BOOL secure_dir_create(const wchar_t *dir);

/* Makes the local folder dir (drive-letter path) and every missing folder above it, each
 * with the DACL of secure_dir_create; an existing level that is a junction or a file is
 * an error. ERROR_SUCCESS when dir exists as a plain folder afterwards. */
DWORD secure_dirs_create(const wchar_t *dir);

/* Does this DACL let anyone but SYSTEM, Administrators (and the owner-rights of those)
 * create, change or delete in the folder? A NULL DACL grants everything. Pure. */
BOOL acl_open_to_others(const ACL *dacl, BOOL present);
/* The SID of the first entry that lets someone else write (NULL when none, or when there
 * is no DACL at all); points into dacl. */
PSID acl_first_other_writer(const ACL *dacl, BOOL present);
/* The same, also trusting self (NULL: nobody more). */
PSID acl_first_writer_but(const ACL *dacl, BOOL present, PSID self);

/* Can others than SYSTEM, Administrators and the account running p2vprep (which could put
 * a driver there itself: an admin's own download folder) write into the existing folder
 * dir? who receives the first such account ("BUILTIN\Users", or a SID). FALSE when the
 * folder is admin-only, absent, or its rights cannot be read. Run as SYSTEM (a service,
 * PsExec), the account is SYSTEM: a user's folder still counts as open. */
BOOL secure_dir_writers(const wchar_t *dir, wchar_t *who, size_t cch);

/* Who, besides SYSTEM, Administrators and self, could have put or changed a file or
 * folder: its owner when it is another account, else the first other account its DACL
 * lets write; NULL when none (a missing DACL: the owner, or the DACL pointer itself, a
 * value callers only test). Pure. */
PSID sd_first_untrusted(PSID owner, const ACL *dacl, BOOL present, PSID self);
/* The same, of the file or folder at path: TRUE when such an account exists (who names
 * it, "owned by ..." for an owner), or when path's rights cannot be read. What a live
 * rollback asks of the state folder and its journal before it takes orders from them. */
BOOL secure_path_untrusted(const wchar_t *path, wchar_t *who, size_t cch);

/* The state folder dir, if it exists with a DACL open to others, gets the one of
 * secure_dir_create. Returns TRUE when it changed something (the caller says so). */
BOOL secure_dir_tighten(const wchar_t *dir);

/* An existing file or folder that p2vprep must not write through: a reparse point
 * (symbolic link, junction, mount point) or a file with more than one name (a hard link
 * to something else). ERROR_SUCCESS when path is absent or a plain file. */
DWORD secure_target_check(const wchar_t *path);

/* Random hex for temporary names that nobody can guess ahead (CryptGenRandom). */
void secure_random_hex(wchar_t *out, size_t digits);
#endif
