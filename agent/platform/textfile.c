/* text_save_utf8 (text.h): the Win32 half of the text helpers. */
#include "textfile.h"
#include "text.h"
#include "secure.h"
#include <stdlib.h>
#include <wchar.h>

DWORD text_save_utf8(const wchar_t *path, const wchar_t *text)
{
    wchar_t tmp[MAX_PATH], rnd[17], dir[MAX_PATH];
    DWORD done, err = ERROR_SUCCESS;
    int len = 0;
    if (wcslen(path) + 22 > MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    /* Written as SYSTEM into folders others may write (a share, %ProgramData%): never
     * through a name someone could have planted. The report's own name must not be a
     * link, nor its folder a junction (where the folder is local). */
    DWORD e = secure_target_check(path);
    wcopy(dir, COUNTOF(dir), path);
    wchar_t *slash = wcsrchr(dir, L'\\');
    if (e == ERROR_SUCCESS && slash && slash > dir + 2 && dir[1] == L':') {
        *slash = 0;
        wchar_t root[4] = { dir[0], L':', L'\\', 0 };
        if (GetDriveTypeW(root) != DRIVE_REMOTE)
            e = secure_target_check(dir);
    }
    if (e != ERROR_SUCCESS)
        return e;
    char *bytes = utf8_from_wide(text, &len);
    if (!bytes)
        return ERROR_NOT_ENOUGH_MEMORY;
    /* a fresh, unguessable name, created new: a planted file or link there makes this
     * attempt fail rather than write through it */
    HANDLE f = INVALID_HANDLE_VALUE;
    for (int tries = 0; tries < 8 && f == INVALID_HANDLE_VALUE; tries++) {
        secure_random_hex(rnd, 16);
        wfmt(tmp, COUNTOF(tmp), L"%ls.%ls.tmp", path, rnd);
        f = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS &&
            GetLastError() != ERROR_ALREADY_EXISTS)
            break;
    }
    if (f == INVALID_HANDLE_VALUE) {
        err = GetLastError();
    } else {
        if (!WriteFile(f, bytes, (DWORD)len, &done, NULL) || done != (DWORD)len || !FlushFileBuffers(f))
            err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
        CloseHandle(f);
        /* the rename replaces the name; it never writes through what the name was */
        if (err == ERROR_SUCCESS && !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            err = GetLastError();
        if (err != ERROR_SUCCESS)
            DeleteFileW(tmp);
    }
    free(bytes);
    return err;
}
