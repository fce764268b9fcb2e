/* What the first-boot pass reads back as SYSTEM from the state folder, on any text: the
 * adapters' record (net_record_parse) and the pass's configuration (firstboot_cfg_parse).
 * The input bytes as Latin-1 characters, one per wchar_t. Checked beyond the sanitizers:
 * whatever either parser accepts is exactly what its formatter writes for the result (so an
 * accepted text is one p2vprep could have written), and a refusal says why. */
#include "firstboot.h"
#include "netid.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static wchar_t lower(wchar_t c) { return c >= L'A' && c <= L'Z' ? c + 32 : c; }

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wchar_t *text = malloc((size + 1) * sizeof *text);
    if (!text)
        return 0;
    for (size_t i = 0; i < size; i++)
        text[i] = data[i];
    text[size] = 0;
    size_t len = wcslen(text);
    wchar_t why[256];

    static struct net_record rec;
    why[0] = 0;
    if (net_record_parse(text, len, &rec, why, 256)) {
        struct wbuf b = { 0 };
        net_record_format(&rec, &b);
        CHECK(b.ok && rec.n_ids <= NET_ADAPTERS_MAX && rec.n_maps <= NET_MAPS_MAX);
        /* hex digits may come in either case; everything else is the formatter's */
        CHECK(wcslen(b.s) == len);
        for (size_t i = 0; i < len; i++)
            CHECK(lower(b.s[i]) == lower(text[i]));
        wbuf_free(&b);
    } else {
        CHECK(why[0] != 0);
    }

    struct firstboot_cfg cfg;
    why[0] = 0;
    if (firstboot_cfg_parse(text, &cfg, why, 256)) {
        struct wbuf b = { 0 };
        firstboot_cfg_format(&cfg, &b);
        CHECK(b.ok && cfg.n_uninstall <= FIRSTBOOT_UNINSTALL_MAX);
        CHECK(wcslen(b.s) == len);
        for (size_t i = 0; i < len; i++)
            CHECK(lower(b.s[i]) == lower(text[i]));
        wbuf_free(&b);
    } else {
        CHECK(why[0] != 0);
    }
    free(text);
    return 0;
}
