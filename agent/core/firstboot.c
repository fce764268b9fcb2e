#include "firstboot.h"
#include "text.h"
#include <string.h>

/* A Win32 service of its own process (0x10), started automatically (2), as LocalSystem,
 * after TCP/IP: %SystemRoot% is the disk's own at every boot, live or offline. */
void firstboot_requirements(const struct machine *m, struct requirements *r)
{
    if (!r->policy.keep_network)
        return;
    static const wchar_t depend[] = L"Tcpip\0";   /* a REG_MULTI_SZ of one name */
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        const wchar_t *set = m->sets[s];
        struct want *w;
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", set, FIRSTBOOT_SERVICE);
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"Type")) != NULL)
            regval_dword(&w->v, 0x10);
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"Start")) != NULL)
            regval_dword(&w->v, 2);
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"ErrorControl")) != NULL)
            regval_dword(&w->v, 1);
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"ImagePath")) != NULL)
            regval_sz(&w->v, REG_EXPAND_SZ, r->policy.remove_ghost_nics
                      ? L"\"%SystemRoot%\\p2vprep\\" FIRSTBOOT_EXE L"\" firstboot --remove-ghost-nics"
                      : L"\"%SystemRoot%\\p2vprep\\" FIRSTBOOT_EXE L"\" firstboot");
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"ObjectName")) != NULL)
            regval_sz(&w->v, REG_SZ, L"LocalSystem");
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"DisplayName")) != NULL)
            regval_sz(&w->v, REG_SZ, L"p2vprep first boot");
        if ((w = requirements_add(r, WANT_VALUE, NULL, set, key, L"DependOnService")) != NULL) {
            w->v.present = TRUE;
            w->v.type = REG_MULTI_SZ;
            w->v.size = (DWORD)sizeof depend;
            memcpy(w->v.data, depend, sizeof depend);
        }
    }
}
