/* A DLL planted beside the exe under a system DLL's name (setupapi.dll, version.dll, ...),
 * as anyone who can write a download folder or a share could: it leaves <its path>.loaded
 * when a process loads it. It exports what the control program imports. */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        wchar_t marker[MAX_PATH + 16];
        DWORD n = GetModuleFileNameW(self, marker, MAX_PATH);
        if (n && n < MAX_PATH) {
            lstrcatW(marker, L".loaded");
            CloseHandle(CreateFileW(marker, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL));
        }
    }
    return TRUE;
}

__declspec(dllexport) HANDLE WINAPI SetupOpenInfFileW(LPCWSTR name, LPCWSTR cls, DWORD style, PUINT line)
{
    (void)name; (void)cls; (void)style; (void)line;
    return INVALID_HANDLE_VALUE;
}
