/* The state folder and its scratch folders (scratch.h). */
#include "scratch.h"
#include "secure.h"
#include "text.h"
#include <wchar.h>

void journal_state_dir(const wchar_t *systemroot, wchar_t *dir, size_t cch)
{
    wfmt(dir, cch, L"%ls\\p2vprep", systemroot);
}

static BOOL new_dir_in(const wchar_t *parent, const wchar_t *what, wchar_t *dir, size_t cch)
{
    for (int n = 0; n < 100; n++) {
        wfmt(dir, cch, L"%ls\\%ls-%lu-%d", parent, what, (unsigned long)GetCurrentProcessId(), n);
        if (secure_dir_create(dir))
            return TRUE;   /* made now, by us: nobody placed anything in it */
        if (GetLastError() != ERROR_ALREADY_EXISTS)
            return FALSE;
    }
    return FALSE;
}

BOOL scratch_dir_create(const wchar_t *windir, const wchar_t *what, wchar_t *dir, size_t cch)
{
    wchar_t root[MAX_PATH], state[MAX_PATH], tmp[MAX_PATH];
    if (windir)
        wcopy(root, COUNTOF(root), windir);
    if (windir || GetSystemWindowsDirectoryW(root, COUNTOF(root))) {
        journal_state_dir(root, state, COUNTOF(state));
        secure_dir_create(state);
        if (new_dir_in(state, what, dir, cch))
            return TRUE;
        if (windir)
            return FALSE;   /* a run's own Windows, never the helper's %TEMP% */
    }
    DWORD n = GetTempPathW(COUNTOF(tmp), tmp);
    if (n == 0 || n >= COUNTOF(tmp))
        return FALSE;
    if (n && tmp[n - 1] == L'\\')
        tmp[n - 1] = 0;
    return new_dir_in(tmp, what, dir, cch);
}

void scratch_dir_remove(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH], child[MAX_PATH];
    WIN32_FIND_DATAW fd;
    if (!dir || !dir[0])
        return;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            wfmt(child, COUNTOF(child), L"%ls\\%ls", dir, fd.cFileName);
            /* a junction or link placed inside is removed itself, never followed */
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
                if (!RemoveDirectoryW(child))
                    DeleteFileW(child);
            } else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
                scratch_dir_remove(child);
            } else {
                DeleteFileW(child);
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}
