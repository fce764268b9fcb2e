/* text_save_utf8 (text.h): the Win32 half of the text helpers. */
#include "text.h"
#include <stdlib.h>
#include <wchar.h>

DWORD text_save_utf8(const wchar_t *path, const wchar_t *text)
{
    wchar_t tmp[MAX_PATH];
    DWORD done, err = ERROR_SUCCESS;
    int len = 0;
    if (wcslen(path) + 5 > MAX_PATH)
        return ERROR_FILENAME_EXCED_RANGE;
    char *bytes = utf8_from_wide(text, &len);
    if (!bytes)
        return ERROR_NOT_ENOUGH_MEMORY;
    wfmt(tmp, COUNTOF(tmp), L"%ls.tmp", path);
    HANDLE f = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        err = GetLastError();
    } else {
        if (!WriteFile(f, bytes, (DWORD)len, &done, NULL) || done != (DWORD)len || !FlushFileBuffers(f))
            err = GetLastError() ? GetLastError() : ERROR_WRITE_FAULT;
        CloseHandle(f);
        if (err == ERROR_SUCCESS && !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            err = GetLastError();
        if (err != ERROR_SUCCESS)
            DeleteFileW(tmp);
    }
    free(bytes);
    return err;
}
