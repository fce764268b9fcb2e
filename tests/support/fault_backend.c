/* The backend of p2vprep-fault-<arch>.exe: the real one behind a layer that fails, lies
 * or dies on request, to test what apply promises when the machine misbehaves.
 *   P2VPREP_FAULT_AT=N      the Nth write to the machine (1-based) fails
 *   P2VPREP_FAULT_COUNT=K   and the K-1 writes after it (default 1)
 *   P2VPREP_FAULT_ERR=E     with Win32 error E (default ERROR_WRITE_FAULT)
 *   P2VPREP_FAULT_JOURNAL_AT=N  the Nth append to the state folder (journal records,
 *                           kept copies of replaced files) fails
 *   P2VPREP_FAULT_FLUSH_AT=N    the Nth registry flush fails
 *   P2VPREP_FAULT_ANY=1     every write of any kind fails (registry, files, folders, the
 *                           journal), each one named on stderr: a command that must
 *                           change nothing shows every attempt
 *   P2VPREP_FAULT_KILL=1    instead of failing, the process ends at once (exit 99), as
 *                           in a power cut, before the write happens
 *   P2VPREP_FAULT_KILL=after  ... right after the write was carried out, before anything
 *                           else (the next journal record) is written
 *   P2VPREP_LIE=data|type|drop|truncate  with P2VPREP_LIE_AT=N: the Nth value set (data,
 *                           type, drop) or file written (truncate) reports success but
 *                           stores other data, another type, nothing at all, or a file
 *                           one byte short
 *   P2VPREP_LAYOUT=E:0:1,F:0:2  the disk and partition number of each drive letter, for
 *                           the boot.ini tests (Wine makes the numbers up)
 *   P2VPREP_DISM=PATH       the DISM that stages packages into an offline image (Wine's
 *                           dism.exe does nothing)
 *   P2VPREP_DLL_NO_DEFAULT_DIRS=1  the DLL search order keeps the exe's folder, as on a
 *                           Windows without SetDefaultDllDirectories (XP, 2003, 7 before
 *                           KB2533623)
 *   P2VPREP_DLL_BARE_NAME=1  system DLLs are loaded by bare name, not by System32 path
 *                           (each turns one layer of the DLL hardening off, dynapi.h)
 * and, since Wine does not write a loaded hive back to its file when it is unloaded,
 * --offline saves the hive right before unloading it (the shipped exe never does). */
#include "backend.h"
#include "dynapi.h"
#include "offline.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

static struct backend real, faulty;
static unsigned writes, value_sets, file_writes, appends, flushes, fail_at, fail_count = 1, journal_at, flush_at, lie_at;
static BOOL fail_any, kill, kill_after;
static DWORD fail_err = ERROR_WRITE_FAULT;
static wchar_t lie[16];

static unsigned env_number(const wchar_t *name, unsigned dflt)
{
    wchar_t buf[32];
    DWORD n = GetEnvironmentVariableW(name, buf, 32);
    return n && n < 32 ? (unsigned)wcstoul(buf, NULL, 10) : dflt;
}

/* Decides for one write: ERROR_SUCCESS to carry it out, else the error to return. */
static DWORD fault(const wchar_t *op, const wchar_t *what, BOOL hit)
{
    if (fail_any) {
        fwprintf(stderr, L"fault: attempted %ls %ls\n", op, what);
        return fail_err;
    }
    if (!hit)
        return ERROR_SUCCESS;
    if (kill) {
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 99);
    }
    return fail_err;
}

static BOOL nth_write(void)
{
    writes++;
    return fail_at && writes >= fail_at && writes < fail_at + fail_count;
}

/* The Nth write, or not; with kill-after, the write goes ahead and the process ends
 * right after it (done()). */
static BOOL hit_before(BOOL hit) { return hit && !kill_after; }
static DWORD done(BOOL hit, DWORD result)
{
    if (hit && kill_after) {
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 99);
    }
    return result;
}

static BOOL lying_now(unsigned count, const wchar_t *mode)
{
    return lie_at && count == lie_at && !wcscmp(lie, mode);
}

static DWORD f_create_key(void *c, const wchar_t *k)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"create_key", k, hit_before(hit));
    return e ? e : done(hit, real.create_key(c, k));
}

static DWORD f_delete_key(void *c, const wchar_t *k)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"delete_key", k, hit_before(hit));
    return e ? e : done(hit, real.delete_key(c, k));
}

static DWORD f_set_value(void *c, const wchar_t *k, const wchar_t *n, const struct regval *v)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"set_value", k, hit_before(hit));
    if (e != ERROR_SUCCESS)
        return e;
    struct regval other = *v;
    value_sets++;
    if (lying_now(value_sets, L"drop"))
        return ERROR_SUCCESS;
    if (lying_now(value_sets, L"data") && other.size)
        other.data[0] ^= 0x01;   /* 0 becomes 1, "SCSI miniport" becomes "RCSI miniport" */
    if (lying_now(value_sets, L"type"))
        other.type = other.type == REG_DWORD ? REG_BINARY : other.type == REG_SZ ? REG_EXPAND_SZ : REG_SZ;
    return done(hit, real.set_value(c, k, n, &other));
}

static DWORD f_delete_value(void *c, const wchar_t *k, const wchar_t *n)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"delete_value", k, hit_before(hit));
    return e ? e : done(hit, real.delete_value(c, k, n));
}

static DWORD f_write_file(void *c, const wchar_t *p, const BYTE *d, DWORD s)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"write_file", p, hit_before(hit));
    if (e != ERROR_SUCCESS)
        return e;
    file_writes++;
    if (lying_now(file_writes, L"truncate") && s)
        s--;
    return done(hit, real.write_file(c, p, d, s));
}

static DWORD f_delete_file(void *c, const wchar_t *p)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"delete_file", p, hit_before(hit));
    return e ? e : done(hit, real.delete_file(c, p));
}

static DWORD f_stage_inf(void *c, const wchar_t *i, wchar_t *o, DWORD n)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"stage_inf", i, hit_before(hit));
    return e ? e : done(hit, real.stage_inf(c, i, o, n));
}

static DWORD f_unstage_inf(void *c, const wchar_t *o)
{
    BOOL hit = nth_write();
    DWORD e = fault(L"unstage_inf", o, hit_before(hit));
    return e ? e : done(hit, real.unstage_inf(c, o));
}

static DWORD f_flush_key(void *c, const wchar_t *k)
{
    flushes++;
    DWORD e = fault(L"flush_key", k, flush_at && flushes == flush_at);
    return e ? e : real.flush_key(c, k);
}

static DWORD f_make_dir(void *c, const wchar_t *d)
{
    DWORD e = fault(L"make_dir", d, FALSE);
    return e ? e : real.make_dir(c, d);
}

static DWORD f_append_open(void *c, const wchar_t *p, BOOL create_new, HANDLE *h)
{
    DWORD e = fault(L"append_open", p, FALSE);
    if (e != ERROR_SUCCESS) {
        *h = INVALID_HANDLE_VALUE;
        return e;
    }
    return real.append_open(c, p, create_new, h);
}

static DWORD f_append(void *c, HANDLE h, const void *d, DWORD s)
{
    appends++;
    BOOL hit = journal_at && appends == journal_at;
    DWORD e = fault(L"append", L"(state folder)", hit_before(hit));
    return e ? e : done(hit, real.append(c, h, d, s));
}

static DWORD save_hive(HKEY root, const wchar_t *file)
{
    return RegSaveKeyW(root, file, NULL);
}

/* Read before wmain, whose first step is dll_search_harden. */
__attribute__((constructor)) static void dll_layers_from_environment(void)
{
    dll_test_no_default_dirs = env_number(L"P2VPREP_DLL_NO_DEFAULT_DIRS", 0) != 0;
    dll_test_bare_name = env_number(L"P2VPREP_DLL_BARE_NAME", 0) != 0;
    dll_test_no_preload = env_number(L"P2VPREP_DLL_NO_PRELOAD", 0) != 0;
}

static BOOL layout_number(wchar_t letter, DWORD *disk, DWORD *partition)
{
    wchar_t layout[256];
    if (!GetEnvironmentVariableW(L"P2VPREP_LAYOUT", layout, 256))
        return FALSE;
    for (wchar_t *p = layout; *p;) {
        unsigned d, n;
        wchar_t l;
        if (swscanf(p, L"%lc:%u:%u", &l, &d, &n) == 3 && towupper(l) == towupper(letter)) {
            *disk = d;
            *partition = n;
            return TRUE;
        }
        wchar_t *comma = wcschr(p, L',');
        if (!comma)
            break;
        p = comma + 1;
    }
    return FALSE;
}

static BOOL test_dism(wchar_t *path, size_t cch)
{
    DWORD n = GetEnvironmentVariableW(L"P2VPREP_DISM", path, (DWORD)cch);
    return n && n < cch && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* The helper as the offline tests lay it out: volumes from P2VPREP_LAYOUT, DISM from
 * P2VPREP_DISM (else the helper's own), the hive saved before each unload. */
const struct offline_host *offline_host_for_exe(void)
{
    static struct offline_host host;
    wchar_t dism[8];
    host = offline_host_real;
    if (GetEnvironmentVariableW(L"P2VPREP_DISM", dism, 8))
        host.find_dism = test_dism;
    host.save_hive = save_hive;
    host.volume_number = layout_number;
    return &host;
}

/* P2VPREP_NET_LIVE: the adapters present, for the first-boot tests (Wine lists the host's):
 * "{GUID}=00-0C-29-7E-7E-D3;{GUID}=..." or "none". */
static DWORD f_list_adapters(void *ctx, struct net_live *out, int cap, int *n)
{
    wchar_t spec[1024];
    *n = 0;
    if (!GetEnvironmentVariableW(L"P2VPREP_NET_LIVE", spec, COUNTOF(spec)))
        return real.list_adapters(real.ctx, out, cap, n);
    if (!wcscmp(spec, L"none"))
        return ERROR_SUCCESS;
    for (wchar_t *tok = spec, *next; tok && *tok && *n < cap; tok = next) {
        next = wcschr(tok, L';');
        if (next)
            *next++ = 0;
        wchar_t *eq = wcschr(tok, L'=');
        if (!eq)
            continue;
        *eq = 0;
        struct net_live *l = &out[(*n)++];
        memset(l, 0, sizeof *l);
        wcopy(l->guid, COUNTOF(l->guid), tok);
        wcopy(l->desc, COUNTOF(l->desc), L"test adapter");
        for (const wchar_t *h = eq + 1; l->mac_len < 6 && h[0] && h[1]; h += h[2] ? 3 : 2)
            l->mac[l->mac_len++] = (BYTE)wcstoul((wchar_t[]){ h[0], h[1], 0 }, NULL, 16);
    }
    return ERROR_SUCCESS;
}

const struct backend *backend_for_exe(BOOL wow64)
{
    backend_win32_init(&real, wow64);
    faulty = real;
    faulty.list_adapters = f_list_adapters;
    faulty.create_key = f_create_key;
    faulty.delete_key = f_delete_key;
    faulty.set_value = f_set_value;
    faulty.delete_value = f_delete_value;
    faulty.write_file = f_write_file;
    faulty.delete_file = f_delete_file;
    faulty.stage_inf = f_stage_inf;
    faulty.unstage_inf = f_unstage_inf;
    faulty.flush_key = f_flush_key;
    faulty.make_dir = f_make_dir;
    faulty.append_open = f_append_open;
    faulty.append = f_append;
    fail_at = env_number(L"P2VPREP_FAULT_AT", 0);
    fail_count = env_number(L"P2VPREP_FAULT_COUNT", 1);
    fail_err = env_number(L"P2VPREP_FAULT_ERR", ERROR_WRITE_FAULT);
    journal_at = env_number(L"P2VPREP_FAULT_JOURNAL_AT", 0);
    flush_at = env_number(L"P2VPREP_FAULT_FLUSH_AT", 0);
    fail_any = env_number(L"P2VPREP_FAULT_ANY", 0) != 0;
    wchar_t k[16];
    kill = GetEnvironmentVariableW(L"P2VPREP_FAULT_KILL", k, 16) && wcscmp(k, L"0") != 0;
    kill_after = kill && !wcscmp(k, L"after");
    lie_at = env_number(L"P2VPREP_LIE_AT", 0);
    if (!GetEnvironmentVariableW(L"P2VPREP_LIE", lie, 16))
        lie[0] = 0;
    return &faulty;
}
