/* The host-list reader that push and summarize share (hostlist.c), and summarize's
 * push-results reader (summarize_lists.c), on any bytes. Checked beyond the sanitizers:
 * every host they return is a terminated name that hostlist_name_problem takes (so
 * without blanks, commas or control characters), with a line number inside the text;
 * summarize keeps exactly the reader's valid entries (push_hosts_parse takes the same
 * entries); the log never holds more than its lines. */
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
            CHECK(*c >= 0x20 && *c != 0x7f && *c != L' ' && *c != L',');
        CHECK(hostlist_name_problem(e->host) == NULL);
    }
}

/* The reader itself: what summarize took is exactly its valid entries, in order; each
 * entry's name is inside the list's text; the counts add up. */
static void check_hostlist(const uint8_t *data, size_t size, const struct wave_hosts *h, DWORD rc)
{
    struct hostlist list;
    DWORD e = hostlist_parse(data, size, &list);
    if (e == ERROR_NOT_ENOUGH_MEMORY || rc == ERROR_NOT_ENOUGH_MEMORY) {
        hostlist_free(&list);
        return;
    }
    CHECK(e == rc);
    CHECK(e == ERROR_SUCCESS ? list.problem == NULL && list.n == list.n_valid + list.n_invalid
                             : list.problem != NULL && list.n == 0);
    size_t k = 0;
    for (size_t i = 0; i < list.n; i++) {
        const struct hostlist_entry *entry = &list.v[i];
        CHECK(entry->line >= 1 && entry->line <= size + 1);
        CHECK(i == 0 || entry->line > list.v[i - 1].line);
        if (entry->problem)
            continue;
        CHECK(k < h->n && wcscmp(h->v[k].host, entry->name) == 0 && h->v[k].line == entry->line);
        k++;
    }
    CHECK(k == h->n);
    hostlist_free(&list);
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
        DWORD rc = summarize_parse_hosts(text, size, L"hosts", &h, log);
        check(&h, log, size);
        check_hostlist((const uint8_t *)text, size, &h, rc);
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
