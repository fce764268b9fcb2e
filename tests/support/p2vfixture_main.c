/* p2vfixture VERSION SETS CURRENT DEFAULT LKG FAILED
 *   e.g. p2vfixture win2003 1,2,3 2 2 3 0
 * Shapes the Wine prefix it runs in like a server (see fixture.h).
 * p2vfixture offline HIVE SETS CURRENT SERVICES
 *   e.g. p2vfixture offline F:\WINDOWS\system32\config\SYSTEM 1,2,3 2 400
 * writes an offline Windows' SYSTEM hive with that many services per control set. */
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    struct fixture f = { 0 };
    if (argc == 6 && !wcscmp(argv[1], L"offline")) {
        struct offline_fixture o = { { 0 }, 0, { 0 }, L"BENCHSRV", L"ServerNT", 0x200, 0, 0, NULL, NULL, FALSE };
        for (wchar_t *p = argv[3]; *p && o.n_sets < 8;) {
            o.sets[o.n_sets++] = (int)wcstol(p, &p, 10);
            if (*p == L',')
                p++;
        }
        o.select[0] = o.select[1] = (DWORD)wcstoul(argv[4], NULL, 10);
        o.extra_services = (int)wcstol(argv[5], NULL, 10);
        fx_make_offline_hive(argv[2], &o);
        return 0;
    }
    if (argc != 7) {
        fprintf(stderr, "usage: p2vfixture VERSION SETS CURRENT DEFAULT LKG FAILED\n");
        return 2;
    }
    f.winver = argv[1];
    for (wchar_t *p = argv[2]; *p && f.n_sets < 8;) {
        f.sets[f.n_sets++] = (int)wcstol(p, &p, 10);
        if (*p == L',')
            p++;
    }
    for (int s = 0; s < 4; s++)
        f.select[s] = (DWORD)wcstoul(argv[3 + s], NULL, 10);
    fx_shape(&f);
    return 0;
}
