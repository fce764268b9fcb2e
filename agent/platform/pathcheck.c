/* Where a file path really leads (pathcheck.h). Each level is looked at three ways, since
 * each Windows (and Wine) shows a link by another of them: the directory entry's
 * attributes (a reparse point), the handle opened on the name itself
 * (FILE_FLAG_OPEN_REPARSE_POINT: the link, not where it leads) and, where Windows has
 * GetFinalPathNameByHandleW, the path the handle really has, which must be the level's own
 * and on the volume of the path's root (volume serial number). */
#include "pathcheck.h"
#include "dynapi.h"
#include "text.h"
#include <wchar.h>

typedef DWORD (WINAPI *final_path_fn)(HANDLE, LPWSTR, DWORD, DWORD);

static final_path_fn final_path(void)
{
    static final_path_fn fn;
    static BOOL looked;
    if (!looked) {   /* Vista and later */
        fn = (final_path_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                   "GetFinalPathNameByHandleW");
        looked = TRUE;
    }
    return fn;
}

/* A name Windows would resolve as written: not empty, not . or .., no stream, no wildcard,
 * no character that is not allowed in a file name. */
static BOOL plain_name(const wchar_t *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == L'.') || (n == 2 && s[0] == L'.' && s[1] == L'.'))
        return FALSE;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || wcschr(L"<>:\"/|?*", s[i]))
            return FALSE;
    return TRUE;
}

static HANDLE open_itself(const wchar_t *path)
{
    return CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                       NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
}

/* Where an open of path (following links) ends, for the message; "elsewhere" if unknown. */
static void leads_to(const wchar_t *path, wchar_t *out, size_t cch)
{
    wcopy(out, cch, L"a place p2vprep does not follow it to");
    final_path_fn fn = final_path();
    if (!fn)
        return;
    HANDLE h = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    wchar_t buf[MAX_PATH + 8];
    DWORD n = fn(h, buf, COUNTOF(buf), 0);
    CloseHandle(h);
    if (n && n < COUNTOF(buf))
        wcopy(out, cch, wcsncmp(buf, L"\\\\?\\", 4) ? buf : buf + 4);
}

static DWORD refuse(const wchar_t *level, const wchar_t *what, wchar_t *why, size_t cch)
{
    wchar_t where[MAX_PATH + 8];
    leads_to(level, where, COUNTOF(where));
    wfmt(why, cch, L"%ls is %ls (it leads to %ls)", level, what, where);
    return ERROR_UNTRUSTED_MOUNT_POINT;
}

/* The handle's own path, compared with the level's name; a short (8.3) name counts as its
 * long form. First with its drive letter; where a volume has several mount points Windows
 * may name another one, so then the path inside the volume (VOLUME_NAME_NONE) must be the
 * level's below its root (the volume itself is checked by its serial number). TRUE when
 * they agree or Windows cannot tell. */
static BOOL same_name(const wchar_t *got, const wchar_t *level, size_t skip)
{
    wchar_t want[MAX_PATH + 8];
    const wchar_t *g = wcsncmp(got, L"\\\\?\\", 4) ? got : got + 4;
    if (!_wcsicmp(g, level + skip))
        return TRUE;
    DWORD n = GetLongPathNameW(level, want, COUNTOF(want));
    return n && n < COUNTOF(want) && wcslen(want) >= skip && !_wcsicmp(g, want + skip);
}

static BOOL final_is(HANDLE h, const wchar_t *level, size_t root_len)
{
    final_path_fn fn = final_path();
    wchar_t got[MAX_PATH + 8];
    if (!fn)
        return TRUE;
    DWORD n = fn(h, got, COUNTOF(got), 0 /* VOLUME_NAME_DOS */);
    if (!n || n >= COUNTOF(got))
        return TRUE;   /* a name Windows cannot put in MAX_PATH: the other checks decide */
    if (same_name(got, level, 0))
        return TRUE;
    n = fn(h, got, COUNTOF(got), 0x4 /* VOLUME_NAME_NONE */);
    return n && n < COUNTOF(got) && same_name(got, level, root_len - 1);
}

DWORD path_check(const wchar_t *path, wchar_t *why, size_t cch)
{
    wchar_t level[MAX_PATH], root[MAX_PATH];
    size_t n = wcslen(path);
    wchar_t drive = (wchar_t)(path[0] | 0x20);
    why[0] = 0;
    while (n > 3 && path[n - 1] == L'\\')
        n--;   /* a folder named with its trailing backslash */
    if (n < 3 || n >= COUNTOF(level) || drive < L'a' || drive > L'z' || path[1] != L':' || path[2] != L'\\') {
        wfmt(why, cch, L"%ls is not a full path on a drive letter", path);
        return ERROR_BAD_PATHNAME;
    }
    for (size_t i = 3; i < n;) {
        size_t j = i;
        while (j < n && path[j] != L'\\')
            j++;
        if (!plain_name(path + i, j - i)) {
            wfmt(why, cch, L"%ls is not a path of plain names", path);
            return ERROR_BAD_PATHNAME;
        }
        i = j + 1;
    }
    /* the volume the path is on: a drive's root, or the folder a volume is mounted at */
    const struct dynapi *api = dynapi();
    if (!api->GetVolumePathNameW || !api->GetVolumePathNameW(path, root, COUNTOF(root)))
        wfmt(root, COUNTOF(root), L"%lc:\\", path[0]);
    size_t r = wcslen(root);
    if (r < 3 || _wcsnicmp(root, path, r - 1) || (path[r - 1] != L'\\' && path[r - 1] != 0))
        wfmt(root, COUNTOF(root), L"%lc:\\", path[0]), r = 3;
    BY_HANDLE_FILE_INFORMATION info;
    DWORD serial = 0;
    BOOL serial_known = FALSE;
    HANDLE h = open_itself(root);
    if (h != INVALID_HANDLE_VALUE) {
        serial_known = GetFileInformationByHandle(h, &info);
        serial = info.dwVolumeSerialNumber;
        CloseHandle(h);
    }
    wcopy(level, COUNTOF(level), path);
    level[n] = 0;
    for (size_t i = r; i <= n; i++) {
        if (i < n && path[i] != L'\\')
            continue;
        level[i] = 0;
        WIN32_FIND_DATAW fd;
        HANDLE f = FindFirstFileW(level, &fd);
        if (f == INVALID_HANDLE_VALUE) {
            DWORD e = GetLastError();
            if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
                return ERROR_SUCCESS;   /* this level and those below are not there yet */
            wfmt(why, cch, L"%ls could not be looked at", level);
            return e;
        }
        FindClose(f);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
            return refuse(level, L"a link, junction or mount point", why, cch);
        h = open_itself(level);
        if (h == INVALID_HANDLE_VALUE) {
            DWORD e = GetLastError();
            wfmt(why, cch, L"%ls could not be opened to see where it leads", level);
            return e;
        }
        DWORD e = ERROR_SUCCESS;
        if (!GetFileInformationByHandle(h, &info)) {
            e = GetLastError();
            wfmt(why, cch, L"%ls could not be opened to see where it leads", level);
        } else if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
            e = refuse(level, L"a link, junction or mount point", why, cch);
        } else if (serial_known && info.dwVolumeSerialNumber != serial) {
            e = refuse(level, L"on another volume than its folder", why, cch);
        } else if (!final_is(h, level, r)) {
            e = refuse(level, L"a link", why, cch);
        }
        CloseHandle(h);
        if (e != ERROR_SUCCESS)
            return e;
        if (i < n)
            level[i] = path[i];
    }
    return ERROR_SUCCESS;
}
