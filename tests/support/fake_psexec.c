/* A stand-in for Sysinternals PsExec in push tests. Takes what p2vprep push passes,
 *   fake-psexec \\HOST -accepteula -nobanner -s -c -f EXE ARGS...
 * (anything else: a message and exit 87), and acts by the host name's prefix:
 *   ok-*        exit 0            notready-*  exit 1          exitN-*  exit N
 *   down-*      "Couldn't access HOST: / The network path was not found." on stderr, exit 53
 *   slow-*      sleeps FAKE_PSEXEC_SLOW_MS (default 600000) before exit 0
 *   slowtree-*  starts itself for host slowchild-<rest> (which sleeps like slow-*), then
 *               sleeps like slow-*: a PsExec whose own child must end with it
 * every other host exits 0. Like PsExec it says "Connecting to HOST..." on stderr first.
 * Each run first sleeps FAKE_PSEXEC_MS (default 0). Like
 * PsExec, a run that "reached" its host ends with "EXE exited on HOST with error code N."
 * on stderr.
 * With FAKE_PSEXEC_DIR set it records there, with files only (atomic under Wine too):
 *   running-HOST  while it runs (deleted on close, so also when it is killed)
 *   ran-HOST      made at start (CREATE_NEW), holding the words after EXE, one per line
 *   twice-HOST    made when ran-HOST already existed: the host was run twice
 *   max-N         made when it saw N running-* files at once (after making its own)
 *   done-HOST     made when it ends by itself */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static wchar_t dir[MAX_PATH];

static DWORD env_ms(const wchar_t *name, DWORD def)
{
    wchar_t v[32];
    return GetEnvironmentVariableW(name, v, 32) ? (DWORD)wcstoul(v, NULL, 10) : def;
}

static HANDLE make(const wchar_t *prefix, const wchar_t *host, DWORD flags, const wchar_t *text)
{
    wchar_t path[MAX_PATH];
    if (!dir[0])
        return INVALID_HANDLE_VALUE;
    swprintf(path, MAX_PATH, L"%ls\\%ls%ls", dir, prefix, host);
    HANDLE f = CreateFileW(path, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL | flags, NULL);
    if (f != INVALID_HANDLE_VALUE && text) {
        char buf[8192];
        DWORD done;
        int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, buf, sizeof buf, NULL, NULL);
        if (n > 1)
            WriteFile(f, buf, (DWORD)n - 1, &done, NULL);
    }
    return f;
}

static void count_running(void)
{
    wchar_t pattern[MAX_PATH], n[16];
    WIN32_FIND_DATAW fd;
    int count = 0;
    swprintf(pattern, MAX_PATH, L"%ls\\running-*", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do
            count++;
        while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    swprintf(n, 16, L"%d", count);
    CloseHandle(make(L"max-", n, 0, NULL));
}

static void start_child(const wchar_t *host, const wchar_t *exe)
{
    wchar_t self[MAX_PATH], cmd[2048];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    GetModuleFileNameW(NULL, self, MAX_PATH);
    swprintf(cmd, 2048, L"\"%ls\" \\\\slowchild-%ls -accepteula -nobanner -s -c -f \"%ls\"", self,
             host + wcslen(L"slowtree-"), exe);
    if (CreateProcessW(self, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
}

int wmain(int argc, wchar_t **argv)
{
    static const wchar_t *const fixed[] = { L"-accepteula", L"-nobanner", L"-s", L"-c", L"-f" };
    if (argc < 8 || wcsncmp(argv[1], L"\\\\", 2) != 0) {
        fwprintf(stderr, L"fake-psexec: expected \\\\HOST -accepteula -nobanner -s -c -f EXE ...\n");
        return 87;
    }
    for (int i = 0; i < 5; i++)
        if (wcscmp(argv[2 + i], fixed[i]) != 0) {
            fwprintf(stderr, L"fake-psexec: argument %d is \"%ls\", expected %ls\n", 2 + i, argv[2 + i], fixed[i]);
            return 87;
        }
    const wchar_t *host = argv[1] + 2, *exe = argv[7];
    if (GetFileAttributesW(exe) == INVALID_FILE_ATTRIBUTES) {
        fwprintf(stderr, L"fake-psexec: the program to copy, %ls, does not exist\n", exe);
        return 2;
    }
    GetEnvironmentVariableW(L"FAKE_PSEXEC_DIR", dir, MAX_PATH);

    wchar_t words[4096] = L"";
    for (int i = 8; i < argc; i++) {
        wcsncat(words, argv[i], 4000 - wcslen(words));
        wcscat(words, L"\n");
    }
    HANDLE running = make(L"running-", host, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    HANDLE ran = make(L"ran-", host, 0, words);
    if (dir[0] && ran == INVALID_HANDLE_VALUE)
        CloseHandle(make(L"twice-", host, 0, NULL));
    CloseHandle(ran);
    if (dir[0])
        count_running();
    fwprintf(stderr, L"Connecting to %ls...\n", host);
    fflush(stderr);

    Sleep(env_ms(L"FAKE_PSEXEC_MS", 0));
    int code = 0;
    if (!wcsncmp(host, L"down-", 5)) {
        fwprintf(stderr, L"Couldn't access %ls:\nThe network path was not found.\n", host);
        CloseHandle(make(L"done-", host, 0, NULL));
        return 53;
    }
    if (!wcsncmp(host, L"slowtree-", 9))
        start_child(host, exe);
    if (!wcsncmp(host, L"slow", 4))
        Sleep(env_ms(L"FAKE_PSEXEC_SLOW_MS", 600000));
    if (!wcsncmp(host, L"notready-", 9))
        code = 1;
    if (!wcsncmp(host, L"exit", 4))
        code = (int)wcstoul(host + 4, NULL, 10);
    const wchar_t *name = wcsrchr(exe, L'\\');
    fwprintf(stderr, L"%ls exited on %ls with error code %d.\n", name ? name + 1 : exe, host, code);
    CloseHandle(make(L"done-", host, 0, NULL));
    CloseHandle(running);
    return code;
}
