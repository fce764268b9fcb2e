/* The journal reader (journal_parse.c) on any bytes, then the path rewriting rollback does
 * with the records (journal_resolve, journal_rebase). Checked beyond the sanitizers: every
 * record has a known kind and terminated strings, a rejected journal returns nothing, and
 * the status is terminated. */
#include "jrecord.h"
#include "text.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void terminated(const wchar_t *s, size_t cch)
{
    CHECK(wmemchr(s, 0, cch) != NULL);
}

static void check_entries(const struct jentry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(e[i].kind >= J_KEY && e[i].kind <= J_STAGING);
        terminated(e[i].key, COUNTOF(e[i].key));
        terminated(e[i].name, COUNTOF(e[i].name));
        terminated(e[i].backup, COUNTOF(e[i].backup));
        CHECK(e[i].old.size <= REGVAL_MAX);
        CHECK(e[i].kind == J_VALUE || !e[i].old.present);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);   /* exact size: a read past the end is caught */
    if (!text)
        return 0;
    memcpy(text, data, size);
    struct jentry *e = (struct jentry *)&e;   /* must be replaced, also on failure */
    size_t n = 99;
    wchar_t status[32];
    DWORD rc = journal_parse(text, size, &e, &n, status, COUNTOF(status));
    free(text);
    terminated(status, COUNTOF(status));
    if (rc != ERROR_SUCCESS) {
        CHECK(e == NULL && n == 0);
        CHECK(rc == ERROR_INVALID_DATA || rc == ERROR_NOT_ENOUGH_MEMORY || rc == ERROR_FILE_TOO_LARGE);
        return 0;
    }
    CHECK(e != NULL);
    check_entries(e, n);
    journal_rebase(e, n, L"F:\\WINDOWS");
    check_entries(e, n);
    journal_resolve(e, n, L"F:\\WINDOWS", L"E:\\boot.ini");
    check_entries(e, n);
    free(e);
    return 0;
}
