/* p2vfixture VERSION SETS CURRENT DEFAULT LKG FAILED
 *   e.g. p2vfixture win2003 1,2,3 2 2 3 0
 * Shapes the Wine prefix it runs in like a server (see fixture.h). */
#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
    struct fixture f = { 0 };
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
