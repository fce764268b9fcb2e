#include "backend.h"

/* The shipped exe works on the real machine only. */
const struct backend *backend_for_exe(BOOL wow64)
{
    static struct backend b;
    backend_win32_init(&b, wow64);
    return &b;
}
