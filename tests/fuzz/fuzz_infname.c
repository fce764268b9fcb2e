/* The checks on INF-derived names (infname.c) on any UTF-16 text: the input's first byte
 * picks the Windows generation, the rest are little-endian UTF-16 code units (a NUL ends
 * the name early, as SetupAPI's strings end). Checked beyond the sanitizers: whatever is
 * accepted keeps the promises of infname.h. */
#include "infname.h"
#include "text.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const unsigned gens[] = { GEN_NT5, GEN_NT6, GEN_NT62, GEN_ALL };
    unsigned gen = gens[data[0] & 3];
    size_t n = (size - 1) / 2;
    wchar_t *name = malloc((n + 1) * sizeof *name);   /* exact size */
    if (!name)
        return 0;
    for (size_t i = 0; i < n; i++)
        name[i] = (wchar_t)(data[1 + 2 * i] | data[2 + 2 * i] << 8);
    name[n] = 0;
    size_t len = wcslen(name);

    wchar_t why[200], key[INF_HWID_MAX + 1], shown[80];
    const wchar_t *bad = inf_service_name_problem(name, gen, why, COUNTOF(why));
    if (bad) {
        CHECK(bad[0]);
        CHECK(wmemchr(bad, 0, bad == why ? COUNTOF(why) : 1000));
    } else {
        CHECK(len >= 1 && len <= INF_SERVICE_NAME_MAX);
        for (size_t i = 0; i < len; i++)
            CHECK(name[i] > 0x20 && name[i] < 0x7F && name[i] != L'\\' && name[i] != L'/');
        CHECK(inf_inbox_service(name, gen) == NULL);
        CHECK(_wcsicmp(name, L"p2vprep") != 0);
    }

    bad = inf_hwid_problem(name, why, COUNTOF(why));
    BOOL fits = inf_cdd_key(name, key, COUNTOF(key));
    CHECK(wmemchr(key, 0, COUNTOF(key)));
    if (!bad) {
        CHECK(len > 4 && len <= INF_HWID_MAX && _wcsnicmp(name, L"PCI\\", 4) == 0);
        CHECK(fits);
        CHECK(wcslen(key) == len && key[3] == L'#');
        for (size_t i = 0; i < len; i++)
            CHECK(key[i] > 0x20 && key[i] < 0x7F && key[i] != L'\\' && key[i] != L',' &&
                  !(key[i] >= L'A' && key[i] <= L'Z'));
    }
    if (!fits)
        CHECK(key[0] == 0 && len >= COUNTOF(key));

    bad = inf_file_name_problem(name, why, COUNTOF(why));
    if (!bad)
        for (size_t i = 0; i < len; i++)
            CHECK(name[i] >= 0x20 && !wcschr(L"<>:\"/\\|?*", name[i]));

    for (size_t cch = 1; cch <= COUNTOF(shown); cch += 13) {
        inf_name_shown(name, shown, cch);
        size_t sl = wcslen(shown);
        CHECK(sl < cch);
        for (size_t i = 0; i < sl; i++)
            CHECK(shown[i] >= 0x20 && !(shown[i] >= 0x7F && shown[i] <= 0x9F));
    }
    free(name);
    return 0;
}
