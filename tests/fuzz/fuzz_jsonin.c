/* The --input reader (jsonin.c) on any text: the input bytes as Latin-1 characters, one per
 * wchar_t (engines pass ASCII JSON; \u escapes reach the rest). Checked beyond the
 * sanitizers: an accepted object's members point into its storage, names and texts are
 * terminated, a refusal says where and leaves no storage. */
#include "jsonin.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wchar_t *text = malloc((size + 1) * sizeof *text);   /* exact size */
    if (!text)
        return 0;
    for (size_t i = 0; i < size; i++)
        text[i] = data[i] ? data[i] : L' ';
    text[size] = 0;
    struct json_member m[JSON_MEMBERS_MAX];
    size_t n = 99;
    wchar_t *store = (wchar_t *)1;
    const wchar_t *why = json_members(text, m, JSON_MEMBERS_MAX, &n, &store);
    if (why) {
        CHECK(n == 0 && store == NULL && wcsstr(why, L"at character"));
    } else {
        CHECK(n <= JSON_MEMBERS_MAX && store != NULL);
        for (size_t i = 0; i < n; i++) {
            CHECK(m[i].name >= store && wcslen(m[i].name) <= size);
            CHECK(m[i].kind >= JSON_STRING && m[i].kind <= JSON_LIST);
            CHECK((m[i].text != NULL) == (m[i].kind == JSON_STRING || m[i].kind == JSON_LIST));
            if (m[i].text)
                CHECK(m[i].text >= store && wcslen(m[i].text) <= size);
        }
        free(store);
    }
    free(text);
    return 0;
}
