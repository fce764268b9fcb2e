#include "firstboot.h"
#include "platforms.h"
#include "text.h"
#include <string.h>
#include <wchar.h>

/* A Win32 service of its own process (0x10), started automatically (2), as LocalSystem,
 * after TCP/IP: %SystemRoot% is the disk's own at every boot, live or offline. */
/* A product code: the Uninstall key of a Windows Installer package. */
static BOOL product_code(const wchar_t *s)
{
    return guid_text(s, wcslen(s));
}

void firstboot_cfg_of(const struct machine *m, const struct policy *pol, struct firstboot_cfg *out)
{
    memset(out, 0, sizeof *out);
    out->network = pol->keep_network;
    for (size_t k = 0; k < pol->n_retire; k++) {
        const struct platform *pl = pol->retire[k];
        for (int i = 0; i < m->n_products; i++)
            for (size_t p = 0; p < pl->n_products; p++) {
                const struct retire_product *rp = &pl->products[p];
                if (_wcsnicmp(m->products[i].name, rp->display_name, wcslen(rp->display_name)) ||
                    rp->refuses_off_platform || !m->products[i].msi || !product_code(m->products[i].code) ||
                    out->n_uninstall >= FIRSTBOOT_UNINSTALL_MAX)
                    continue;
                wcopy(out->uninstall[out->n_uninstall], 40, m->products[i].code);
                wcopy(out->uninstall_platform[out->n_uninstall++], 16, pl->name);
                break;
            }
    }
}

BOOL firstboot_needed(const struct firstboot_cfg *c)
{
    return c->network || c->n_uninstall > 0;
}

void firstboot_cfg_format(const struct firstboot_cfg *c, struct wbuf *b)
{
    wbuf_addf(b, L"p2vprep-firstboot 1\nnetwork %ls\n", c->network ? L"yes" : L"no");
    for (int i = 0; i < c->n_uninstall; i++)
        wbuf_addf(b, L"uninstall %ls %ls\n", c->uninstall[i], c->uninstall_platform[i]);
    wbuf_addf(b, L"end %d\n", c->n_uninstall);
}

BOOL firstboot_cfg_parse(const wchar_t *text, struct firstboot_cfg *out, wchar_t *why, size_t cch)
{
    memset(out, 0, sizeof *out);
    const wchar_t *p = text;
    int line = 0;
    BOOL ended = FALSE;
    while (*p) {
        const wchar_t *nl = wcschr(p, L'\n');
        wchar_t buf[128];
        line++;
        if (!nl || (size_t)(nl - p) >= COUNTOF(buf) || ended) {
            wfmt(why, cch, L"line %d: %ls", line, ended ? L"text after the end" : L"too long or unterminated");
            return FALSE;
        }
        memcpy(buf, p, (size_t)(nl - p) * sizeof(wchar_t));
        buf[nl - p] = 0;
        p = nl + 1;
        wchar_t code[40], plat[16];
        if (line == 1) {
            if (wcscmp(buf, L"p2vprep-firstboot 1")) {
                wfmt(why, cch, L"line 1 is not \"p2vprep-firstboot 1\"");
                return FALSE;
            }
        } else if (line == 2) {
            if (wcscmp(buf, L"network yes") && wcscmp(buf, L"network no")) {
                wfmt(why, cch, L"line 2 is not \"network yes\" or \"network no\"");
                return FALSE;
            }
            out->network = !wcscmp(buf, L"network yes");
        } else if (!wcsncmp(buf, L"uninstall ", 10) && wcslen(buf) > 10 + 38 + 1 && buf[48] == L' ' &&
                   out->n_uninstall < FIRSTBOOT_UNINSTALL_MAX) {
            wcsncpy(code, buf + 10, 38);
            code[38] = 0;
            wcopy(plat, COUNTOF(plat), buf + 49);
            if (!product_code(code) || !platform_find(plat) || wcscmp(platform_find(plat)->name, plat)) {
                wfmt(why, cch, L"line %d: not a product code and a platform", line);
                return FALSE;
            }
            wcopy(out->uninstall[out->n_uninstall], 40, code);
            wcopy(out->uninstall_platform[out->n_uninstall++], 16, plat);
        } else if (!wcsncmp(buf, L"end ", 4)) {
            wchar_t again[24];
            wfmt(again, COUNTOF(again), L"end %d", out->n_uninstall);
            if (wcscmp(again, buf)) {
                wfmt(why, cch, L"line %d: not \"%ls\": the file was cut or changed", line, again);
                return FALSE;
            }
            ended = TRUE;
        } else {
            wfmt(why, cch, L"line %d: not a line p2vprep writes", line);
            return FALSE;
        }
    }
    if (!ended)
        wfmt(why, cch, L"no \"end\" line: the file was cut short");
    return ended;
}

void firstboot_requirements(const struct machine *m, struct requirements *r)
{
    struct firstboot_cfg cfg;
    firstboot_cfg_of(m, &r->policy, &cfg);
    if (!firstboot_needed(&cfg))
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
