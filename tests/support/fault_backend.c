/* The backend of p2vprep-fault-<arch>.exe: the real one behind a layer that makes chosen
 * writes fail, to test that a failure midway leaves the machine as it was.
 *   P2VPREP_FAULT_AT=N     the Nth write (1-based) fails
 *   P2VPREP_FAULT_COUNT=K  and the K-1 writes after it (default 1)
 *   P2VPREP_FAULT_ERR=E    with Win32 error E (default ERROR_WRITE_FAULT) */
#include "backend.h"
#include <stdlib.h>

static struct backend real, faulty;
static unsigned writes, fail_at, fail_count = 1;
static DWORD fail_err = ERROR_WRITE_FAULT;

static unsigned env_number(const wchar_t *name, unsigned dflt)
{
    wchar_t buf[32];
    DWORD n = GetEnvironmentVariableW(name, buf, 32);
    return n && n < 32 ? (unsigned)wcstoul(buf, NULL, 10) : dflt;
}

static BOOL should_fail(void)
{
    writes++;
    return fail_at && writes >= fail_at && writes < fail_at + fail_count;
}

static DWORD f_create_key(void *c, const wchar_t *k)
{ return should_fail() ? fail_err : real.create_key(c, k); }
static DWORD f_delete_key(void *c, const wchar_t *k)
{ return should_fail() ? fail_err : real.delete_key(c, k); }
static DWORD f_set_value(void *c, const wchar_t *k, const wchar_t *n, const struct regval *v)
{ return should_fail() ? fail_err : real.set_value(c, k, n, v); }
static DWORD f_delete_value(void *c, const wchar_t *k, const wchar_t *n)
{ return should_fail() ? fail_err : real.delete_value(c, k, n); }
static DWORD f_write_file(void *c, const wchar_t *p, const BYTE *d, DWORD s)
{ return should_fail() ? fail_err : real.write_file(c, p, d, s); }
static DWORD f_delete_file(void *c, const wchar_t *p)
{ return should_fail() ? fail_err : real.delete_file(c, p); }
static DWORD f_stage_inf(void *c, const wchar_t *i, wchar_t *o, DWORD n)
{ return should_fail() ? fail_err : real.stage_inf(c, i, o, n); }
static DWORD f_unstage_inf(void *c, const wchar_t *o)
{ return should_fail() ? fail_err : real.unstage_inf(c, o); }

const struct backend *backend_for_exe(BOOL wow64)
{
    backend_win32_init(&real, wow64);
    faulty = real;
    faulty.create_key = f_create_key;
    faulty.delete_key = f_delete_key;
    faulty.set_value = f_set_value;
    faulty.delete_value = f_delete_value;
    faulty.write_file = f_write_file;
    faulty.delete_file = f_delete_file;
    faulty.stage_inf = f_stage_inf;
    faulty.unstage_inf = f_unstage_inf;
    fail_at = env_number(L"P2VPREP_FAULT_AT", 0);
    fail_count = env_number(L"P2VPREP_FAULT_COUNT", 1);
    fail_err = env_number(L"P2VPREP_FAULT_ERR", ERROR_WRITE_FAULT);
    return &faulty;
}
