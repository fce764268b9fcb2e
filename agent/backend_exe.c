#include "backend.h"
#include "offline.h"

/* The shipped exe works on the real machine only. */
const struct backend *backend_for_exe(BOOL wow64)
{
    static struct backend b;
    backend_win32_init(&b, wow64);
    return &b;
}

/* ... and the helper as it is. */
const struct offline_host *offline_host_for_exe(void)
{
    return &offline_host_real;
}
