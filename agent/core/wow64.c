/* WOW64 decisions (wow64.h). No Win32 call: the x64 unit tests run every branch. */
#include "wow64.h"
#include <string.h>
#include <wchar.h>

REGSAM wow64_registry_access(BOOL wow64, REGSAM access)
{
    return access | (wow64 ? P2V_KEY_WOW64_64KEY : 0);
}

BOOL wow64_redirection_off(BOOL wow64)
{
    return wow64;
}

BOOL wow64_native_system32(const wchar_t *windir, BOOL wow64, wchar_t *out, size_t cch)
{
    size_t n = wcslen(windir);
    while (n && windir[n - 1] == L'\\')
        n--;
    const wchar_t *sub = wow64 ? L"\\Sysnative" : L"\\System32";
    if (n + wcslen(sub) + 1 > cch)
        return FALSE;
    memcpy(out, windir, n * sizeof(wchar_t));
    wcscpy(out + n, sub);
    return TRUE;
}

BOOL wow64_partner_exe(const wchar_t *own_path, wchar_t *out, size_t cch)
{
    static const wchar_t suffix[] = L"-x86.exe";
    const size_t ns = COUNTOF(suffix) - 1;
    if (!wcopy(out, cch, own_path))
        return FALSE;
    wchar_t *slash = wcsrchr(out, L'\\');
    wchar_t *name = slash ? slash + 1 : out;
    size_t n = wcslen(name);
    if (n > ns && !_wcsicmp(name + n - ns, suffix)) {
        memcpy(name + n - ns, L"-x64.exe", ns * sizeof(wchar_t));
        return TRUE;
    }
    *name = 0;
    size_t used = (size_t)(name - out);
    return wcopy(name, cch - used, L"p2vprep-x64.exe");
}

void wow64_partner_command_line(const wchar_t *own_command_line, const wchar_t *partner,
                                struct wbuf *out)
{
    const wchar_t *args = own_command_line;
    if (*args == L'"') {
        for (args++; *args && *args != L'"'; args++)
            ;
        if (*args)
            args++;
    } else {
        while (*args && *args != L' ' && *args != L'\t')
            args++;
    }
    /* pieces, not a format: a command line may be 32,767 characters long */
    wbuf_add(out, L"\"");
    wbuf_add(out, partner);
    wbuf_add(out, L"\"");
    wbuf_add(out, args);
}

BOOL wow64_hand_off_plan(BOOL wow64, const struct plan *p)
{
    if (wow64)
        for (size_t i = 0; i < p->n_changes; i++)
            if (p->changes[i].kind == CHANGE_STAGE)
                return TRUE;
    return FALSE;
}

BOOL wow64_hand_off_journal(BOOL wow64, const struct jentry *entries, size_t n)
{
    if (wow64)
        for (size_t i = 0; i < n; i++)
            if (entries[i].kind == J_STAGED)
                return TRUE;
    return FALSE;
}
