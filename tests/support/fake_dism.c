/* A stand-in for DISM in offline tests (Wine's dism.exe does nothing):
 *   dism /English /Image:X:\ /Add-Driver /Driver:"path\x.inf"   copies the INF to the
 *        first free X:\Windows\inf\oemN.inf, as the driver store does
 *   dism /English /Image:X:\ /Remove-Driver /Driver:oemN.inf     deletes it
 * Every call is appended to X:\Windows\dism-calls.log. It fails (exit 50) when p2vprep
 * still has an offline hive loaded: DISM loads the image's hives itself. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static BOOL hive_loaded(void)
{
    wchar_t sub[256];
    for (DWORD i = 0;; i++) {
        DWORD n = 256;
        if (RegEnumKeyExW(HKEY_LOCAL_MACHINE, i, sub, &n, NULL, NULL, NULL, NULL))
            return FALSE;
        if (!_wcsnicmp(sub, L"p2vprep-offline-", 16))
            return TRUE;
    }
}

int wmain(int argc, wchar_t **argv)
{
    const wchar_t *image = NULL, *driver = NULL;
    BOOL add = FALSE, remove = FALSE;
    for (int i = 1; i < argc; i++) {
        if (!_wcsnicmp(argv[i], L"/Image:", 7))
            image = argv[i] + 7;
        else if (!_wcsnicmp(argv[i], L"/Driver:", 8))
            driver = argv[i] + 8;
        else if (!_wcsicmp(argv[i], L"/Add-Driver"))
            add = TRUE;
        else if (!_wcsicmp(argv[i], L"/Remove-Driver"))
            remove = TRUE;
    }
    if (!image || !driver || add == remove)
        return 87;
    wchar_t log[MAX_PATH], inf[MAX_PATH], dst[MAX_PATH];
    swprintf(log, MAX_PATH, L"%lsWindows\\dism-calls.log", image);
    FILE *f = _wfopen(log, L"a");
    if (f) {
        fwprintf(f, L"%ls %ls%ls\n", add ? L"add" : L"remove", driver, hive_loaded() ? L" (hive loaded!)" : L"");
        fclose(f);
    }
    if (hive_loaded())
        return 50;
    swprintf(inf, MAX_PATH, L"%lsWindows\\inf", image);
    CreateDirectoryW(inf, NULL);
    if (remove) {
        swprintf(dst, MAX_PATH, L"%ls\\%ls", inf, driver);
        return DeleteFileW(dst) ? 0 : 2;
    }
    for (int n = 0; n < 100; n++) {
        swprintf(dst, MAX_PATH, L"%ls\\oem%d.inf", inf, n);
        if (GetFileAttributesW(dst) == INVALID_FILE_ATTRIBUTES)
            return CopyFileW(driver, dst, TRUE) ? 0 : 5;
    }
    return 1;
}
