/* cmocka's string asserts compare char strings; these compare wide ones. */
#ifndef P2V_WASSERT_H
#define P2V_WASSERT_H
#include <wchar.h>

#define assert_wstr_equal(a, b)                                                     \
    do {                                                                            \
        const wchar_t *a_ = (a), *b_ = (b);                                         \
        if (wcscmp(a_, b_) != 0) {                                                  \
            print_error("\"%ls\" != \"%ls\"\n", a_, b_);                            \
            fail();                                                                 \
        }                                                                           \
    } while (0)

#define assert_wstr_contains(hay, needle)                                           \
    do {                                                                            \
        const wchar_t *h_ = (hay), *n_ = (needle);                                  \
        if (!wcsstr(h_, n_)) {                                                      \
            print_error("\"%ls\" does not contain \"%ls\"\n", h_, n_);              \
            fail();                                                                 \
        }                                                                           \
    } while (0)
#endif
