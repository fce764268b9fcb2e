/* badimports.exe: an exe the import check must reject with exactly three problems:
 * GetTickCount64 (Vista) is newer than any baseline, notsystem.dll is not part of
 * Windows, and version.dll is a system DLL that must be loaded at run time by its full
 * path, never imported. ExitProcess is the control: an allowed import that must not be
 * flagged.
 * It is only read by importcheck, never run. */
#include <windows.h>

/* _WIN32_WINNT=0x0500 hides the declaration, which is the point: importing it
 * statically is the mistake this exe makes on purpose. */
WINBASEAPI ULONGLONG WINAPI GetTickCount64(void);
__declspec(dllimport) int notsystem_answer(void);
__declspec(dllimport) DWORD WINAPI GetFileVersionInfoSizeW(LPCWSTR, LPDWORD);

/* Linked without the CRT (-nostdlib), so this is the entry point: the CRT's own
 * imports would make the expected problems depend on the toolchain version. */
void mainCRTStartup(void)
{
    ExitProcess((UINT)GetTickCount64() + (UINT)notsystem_answer() +
                (UINT)GetFileVersionInfoSizeW(L"", NULL));
}
