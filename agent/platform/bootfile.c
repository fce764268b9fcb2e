/* Reading a boot.ini file (bootfile.h). */
#include "bootfile.h"
#include "text.h"
#include <stdlib.h>

#define BOOTINI_MAX (256u * 1024)   /* a boot.ini is a few hundred bytes */

BOOL bootini_read(const wchar_t *path, struct readiness *out)
{
    wchar_t arc[COUNTOF(out->boot_default)], title[COUNTOF(out->boot_default_title)];
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    DWORD high = 0, size = GetFileSize(f, &high), got = 0;
    char *buf = NULL;
    BOOL ok = FALSE;
    if (size != INVALID_FILE_SIZE && high == 0 && size <= BOOTINI_MAX &&
        (buf = malloc(size ? size : 1)) != NULL && ReadFile(f, buf, size, &got, NULL) && got == size)
        ok = bootini_default(buf, size, arc, COUNTOF(arc), title, COUNTOF(title));
    free(buf);
    CloseHandle(f);
    if (!ok)
        return FALSE;
    wcopy(out->boot_ini, COUNTOF(out->boot_ini), path);
    wcopy(out->boot_default, COUNTOF(out->boot_default), arc);
    wcopy(out->boot_default_title, COUNTOF(out->boot_default_title), title);
    if (!bootini_volume_of(path, out->boot_volume, COUNTOF(out->boot_volume)))
        out->boot_volume[0] = 0;
    return TRUE;
}
