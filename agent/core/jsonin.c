/* A JSON object of simple members (jsonin.h). Pure. Nested objects, numbers and lists of
 * anything but strings are refused: an engine passes p2vprep's options, nothing deeper. */
#include "jsonin.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct reader {
    const wchar_t *s;
    size_t i;
    wchar_t *out;     /* where decoded strings go */
    size_t used, cap;
    wchar_t why[96];
};

static void skip_space(struct reader *r)
{
    while (r->s[r->i] == L' ' || r->s[r->i] == L'\t' || r->s[r->i] == L'\r' || r->s[r->i] == L'\n')
        r->i++;
}

static BOOL fail(struct reader *r, const wchar_t *what)
{
    wfmt(r->why, COUNTOF(r->why), L"%ls at character %u", what, (unsigned)r->i + 1);
    return FALSE;
}

static int hex(wchar_t c)
{
    return c >= L'0' && c <= L'9' ? c - L'0' : c >= L'a' && c <= L'f' ? c - L'a' + 10
         : c >= L'A' && c <= L'F' ? c - L'A' + 10 : -1;
}

static BOOL put(struct reader *r, wchar_t c)
{
    if (r->used >= r->cap)
        return FALSE;
    r->out[r->used++] = c;
    return TRUE;
}

/* A string at r->i into storage; *start receives where it begins there. */
static BOOL string(struct reader *r, size_t *start)
{
    if (r->s[r->i] != L'"')
        return fail(r, L"a string expected");
    r->i++;
    *start = r->used;
    for (;;) {
        wchar_t c = r->s[r->i];
        if (c == 0 || c < 0x20)
            return fail(r, L"an unterminated string");
        r->i++;
        if (c == L'"')
            break;
        if (c == L'\\') {
            wchar_t e = r->s[r->i];
            if (e == 0)
                return fail(r, L"an unterminated string");   /* never past the end */
            r->i++;
            static const wchar_t from[] = L"\"\\/bfnrt", to[] = L"\"\\/\b\f\n\r\t";
            const wchar_t *k = wcschr(from, e);
            if (k) {
                c = to[k - from];
            } else if (e == L'u') {
                int v = 0;
                for (int d = 0; d < 4; d++) {
                    int h = hex(r->s[r->i]);
                    if (h < 0)
                        return fail(r, L"a bad \\u escape");
                    v = v * 16 + h;
                    r->i++;
                }
                c = (wchar_t)v;
            } else {
                return fail(r, L"a bad escape");
            }
        }
        if (c == 0)
            return fail(r, L"a NUL character");
        if (!put(r, c))
            return fail(r, L"too long");
    }
    return put(r, 0) ? TRUE : fail(r, L"too long");
}

static BOOL word(struct reader *r, const wchar_t *w)
{
    size_t n = wcslen(w);
    if (wcsncmp(r->s + r->i, w, n))
        return FALSE;
    r->i += n;
    return TRUE;
}

const wchar_t *json_members(const wchar_t *text, struct json_member *m, size_t max, size_t *n,
                            wchar_t **storage)
{
    static wchar_t why[96];
    struct reader r = { text, 0, NULL, 0, 0, L"" };
    size_t starts[JSON_MEMBERS_MAX][2];
    *n = 0;
    *storage = NULL;
    r.cap = wcslen(text) + 1;   /* decoded text is never longer */
    r.out = malloc(r.cap * sizeof(wchar_t));
    if (!r.out)
        return L"out of memory";
    BOOL ok = TRUE;
    skip_space(&r);
    if (text[r.i] != L'{')
        ok = fail(&r, L"an object expected");
    else
        r.i++;
    skip_space(&r);
    if (ok && text[r.i] == L'}')
        r.i++;
    else
        while (ok) {
            if (*n >= max || *n >= JSON_MEMBERS_MAX) {
                ok = fail(&r, L"too many members");
                break;
            }
            struct json_member *mm = &m[*n];
            memset(mm, 0, sizeof *mm);
            skip_space(&r);
            if (!(ok = string(&r, &starts[*n][0])))
                break;
            skip_space(&r);
            if (text[r.i] != L':') {
                ok = fail(&r, L"':' expected");
                break;
            }
            r.i++;
            skip_space(&r);
            starts[*n][1] = (size_t)-1;
            if (text[r.i] == L'"') {
                mm->kind = JSON_STRING;
                ok = string(&r, &starts[*n][1]);
            } else if (word(&r, L"true") || word(&r, L"false")) {
                mm->kind = JSON_BOOL;
                mm->boolean = text[r.i - 1] == L'e' && text[r.i - 2] == L'u';
            } else if (word(&r, L"null")) {
                mm->kind = JSON_NULL;
            } else if (text[r.i] == L'[') {
                mm->kind = JSON_LIST;
                r.i++;
                skip_space(&r);
                starts[*n][1] = r.used;
                BOOL first = TRUE;
                while (ok && text[r.i] != L']') {
                    size_t s;
                    if (!first && text[r.i] != L',') {
                        ok = fail(&r, L"',' or ']' expected");
                        break;
                    }
                    if (!first) {
                        r.i++;
                        skip_space(&r);
                        r.out[r.used - 1] = L',';   /* the previous item's NUL joins them */
                    }
                    ok = string(&r, &s);
                    skip_space(&r);
                    first = FALSE;
                }
                if (ok && first && !put(&r, 0))
                    ok = fail(&r, L"too long");
                if (ok)
                    r.i++;
            } else {
                ok = fail(&r, L"a string, true, false, null or a list of strings expected");
            }
            if (!ok)
                break;
            (*n)++;
            skip_space(&r);
            if (text[r.i] == L',') {
                r.i++;
                continue;
            }
            if (text[r.i] == L'}') {
                r.i++;
                break;
            }
            ok = fail(&r, L"',' or '}' expected");
        }
    skip_space(&r);
    if (ok && text[r.i])
        ok = fail(&r, L"nothing expected after the object");
    if (!ok) {
        free(r.out);
        *n = 0;
        wcopy(why, COUNTOF(why), r.why);
        return why;
    }
    for (size_t k = 0; k < *n; k++) {
        m[k].name = r.out + starts[k][0];
        m[k].text = starts[k][1] == (size_t)-1 ? NULL : r.out + starts[k][1];
    }
    *storage = r.out;
    return NULL;
}
