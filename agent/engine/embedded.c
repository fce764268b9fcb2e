#include "embedded.h"
#include "journal.h"
#include "scratch.h"
#include "text.h"
#include <string.h>
#include <wchar.h>

#define PAYLOAD_TYPE L"P2VPAYLOAD"

static BOOL write_one(const wchar_t *dir, int id, const char *rel)
{
    HRSRC res = FindResourceW(NULL, MAKEINTRESOURCEW(id), PAYLOAD_TYPE);
    HGLOBAL mem = res ? LoadResource(NULL, res) : NULL;
    const void *data = mem ? LockResource(mem) : NULL;
    DWORD size = res ? SizeofResource(NULL, res) : 0, done = 0;
    wchar_t path[MAX_PATH];
    size_t n = wcslen(dir);
    if (!data || n + 2 + strlen(rel) >= COUNTOF(path))
        return FALSE;
    wfmt(path, COUNTOF(path), L"%ls\\", dir);
    /* relative paths are ASCII, '/'-separated; folders are made on the way */
    for (size_t i = 0; rel[i]; i++) {
        path[n + 1 + i] = rel[i] == '/' ? L'\\' : (wchar_t)(unsigned char)rel[i];
        path[n + 2 + i] = 0;
        if (rel[i] == '/')
            CreateDirectoryW(path, NULL);
    }
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    BOOL ok = WriteFile(f, data, size, &done, NULL) && done == size;
    CloseHandle(f);
    return ok;
}

BOOL embedded_payload_extract(const wchar_t *windir, wchar_t *dir, size_t cch)
{
    HRSRC index = FindResourceW(NULL, L"PAYLOAD-INDEX", PAYLOAD_TYPE);
    HGLOBAL mem = index ? LoadResource(NULL, index) : NULL;
    const char *names = mem ? LockResource(mem) : NULL;
    DWORD size = index ? SizeofResource(NULL, index) : 0;
    if (!names || size == 0 || names[size - 1] != 0 || !scratch_dir_create(windir, L"payload", dir, cch))
        return FALSE;
    BOOL ok = TRUE;
    int id = 1;
    for (const char *p = names; p < names + size && *p; p += strlen(p) + 1)
        ok &= write_one(dir, id++, p);
    if (!ok) {
        embedded_payload_remove(dir);
        dir[0] = 0;
    }
    return ok;
}

void embedded_payload_remove(const wchar_t *dir)
{
    scratch_dir_remove(dir);
}
