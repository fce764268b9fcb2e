/* The host-list and push-results readers of `summarize` (summarize_lists.c) on any bytes.
 * Checked beyond the sanitizers: every host they return is a terminated, non-empty name
 * without blanks or control characters, with a line number inside the text, and the log
 * never holds more than its lines. */
#include "summarize.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void check(const struct wave_hosts *h, const struct summarize_log *log, size_t size)
{
    CHECK(log->n <= SUMMARIZE_LOG_MAX);
    for (size_t i = 0; i < log->n; i++)
        CHECK(wmemchr(log->line[i], 0, COUNTOF(log->line[i])) != NULL);
    for (size_t i = 0; i < h->n; i++) {
        const struct wave_host *e = &h->v[i];
        CHECK(wmemchr(e->host, 0, COUNTOF(e->host)) != NULL);
        CHECK(wmemchr(e->meaning, 0, COUNTOF(e->meaning)) != NULL);
        CHECK(e->host[0]);
        CHECK(e->line >= 1 && e->line <= size + 1);
        for (const wchar_t *c = e->host; *c; c++)
            CHECK(*c >= 0x20 && *c != 0x7f && *c != L' ');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that reading one byte past the end is caught */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    struct summarize_log *log = calloc(1, sizeof *log);
    if (log) {
        struct wave_hosts h = { 0 };
        summarize_parse_hosts(text, size, L"hosts", &h, log);
        check(&h, log, size);
        wave_hosts_free(&h);
        memset(log, 0, sizeof *log);
        summarize_parse_push(text, size, L"push", &h, log);
        check(&h, log, size);
        wave_hosts_free(&h);
        free(log);
    }
    free(text);
    return 0;
}
