/* End to end: p2vprep-<arch>.exe prepares a Windows 2000/XP/2003 server for LSI Logic.
 * Argument: the Windows version to emulate (win2003, winxp; the 64-bit prefix uses
 * winxp64 for XP, as XP x64 is 5.2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"
#include <sddl.h>
#include "json_check.h"

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define FAULT_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"
#define WORK L"C:\\p2vtest"
#define PAYLOAD WORK L"\\payload"
#define REPORT WORK L"\\report.json"

static wchar_t winver[32];
static BOOL os64;
static wchar_t driver_path[MAX_PATH];

#define LSI L" --target lsilogic --payload " PAYLOAD

static const wchar_t *const sets3[] = { L"ControlSet001", L"ControlSet002", L"ControlSet003" };

/* Three control sets, Current=2, LastKnownGood=3; payload for the OS's architecture. */
static int server(void **state)
{
    struct fixture f = { winver, { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    fx_shape(&f);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    swprintf(dst, MAX_PATH, L"%ls\\%ls", PAYLOAD, os64 ? L"amd64" : L"x86");
    CreateDirectoryW(dst, NULL);
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"amd64" : L"i386");
    swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_copy_file(src, dst));
    static const wchar_t *const knobs[] = {
        L"P2VPREP_FAULT_AT", L"P2VPREP_FAULT_COUNT", L"P2VPREP_FAULT_ERR", L"P2VPREP_FAULT_JOURNAL_AT",
        L"P2VPREP_FAULT_FLUSH_AT", L"P2VPREP_FAULT_ANY", L"P2VPREP_FAULT_KILL", L"P2VPREP_LIE",
        L"P2VPREP_LIE_AT",
    };
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
        fx_setenv(knobs[i], NULL);
    return 0;
}

static BOOL state_folder_exists(void)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    return fx_file_exists(path);
}

/* The report's "time": UTC now, as 2026-11-29T23:40:00Z, within a minute of this clock. */
static void assert_report_time(const char *json)
{
    const char *t = strstr(json, "\"time\": \"");
    assert_non_null(t);
    t += 9;
    static const char form[] = "dddd-dd-ddTdd:dd:ddZ\"";
    for (size_t i = 0; form[i]; i++)
        if (form[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != form[i])
            fail_msg("\"time\" is not in ISO 8601 UTC form: %.24s", t);
    SYSTEMTIME st = { 0 }, now;
    FILETIME a, b;
    st.wYear = (WORD)atoi(t);
    st.wMonth = (WORD)atoi(t + 5);
    st.wDay = (WORD)atoi(t + 8);
    st.wHour = (WORD)atoi(t + 11);
    st.wMinute = (WORD)atoi(t + 14);
    st.wSecond = (WORD)atoi(t + 17);
    GetSystemTime(&now);
    assert_true(SystemTimeToFileTime(&st, &a) && SystemTimeToFileTime(&now, &b));
    ULONGLONG x = (ULONGLONG)a.dwHighDateTime << 32 | a.dwLowDateTime;
    ULONGLONG y = (ULONGLONG)b.dwHighDateTime << 32 | b.dwLowDateTime;
    LONGLONG d = (LONGLONG)(y - x);   /* 100 ns units; the report's seconds are cut, not rounded */
    assert_true(d > -10000000LL && d < 60LL * 10000000LL);
}

/* The report, checked to be well-formed JSON by a reader that is not the agent's. */
static char *report(void)
{
    BYTE *data;
    DWORD size;
    char err[128];
    assert_true(fx_read_file(REPORT, &data, &size));
    if (!json_check((const char *)data, size, err, sizeof err))
        fail_msg("the report is not JSON: %s\n%.*s", err, (int)size, (const char *)data);
    char *text = realloc(data, size + 1);
    text[size] = 0;
    return text;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to find: %s\nin:\n%s", needle, hay);
}

static void assert_lsilogic_everywhere(const wchar_t *const *sets, int n)
{
    for (int i = 0; i < n; i++) {
        wchar_t key[256];
        DWORD d, type, size;
        BYTE data[512];
        swprintf(key, 256, L"SYSTEM\\%ls\\Services\\symmpi", sets[i]);
        assert_true(fx_get_dword(key, L"Type", &d));
        assert_int_equal(d, 1);
        assert_true(fx_get_dword(key, L"Start", &d));
        assert_int_equal(d, 0);
        assert_true(fx_get_dword(key, L"ErrorControl", &d));
        assert_int_equal(d, 1);
        size = sizeof data;
        assert_true(fx_get(key, L"Group", &type, data, &size));
        assert_int_equal(type, REG_SZ);
        assert_true(!wcscmp((wchar_t *)data, L"SCSI miniport"));
        size = sizeof data;
        assert_true(fx_get(key, L"ImagePath", &type, data, &size));
        assert_int_equal(type, REG_EXPAND_SZ);
        assert_true(!wcscmp((wchar_t *)data, L"system32\\DRIVERS\\symmpi.sys"));
        swprintf(key, 256, L"SYSTEM\\%ls\\Services\\symmpi\\Parameters\\PnpInterface", sets[i]);
        assert_true(fx_get_dword(key, L"5", &d));
        assert_int_equal(d, 1);
        static const wchar_t *ids[] = { L"pci#ven_1000&dev_0030", L"pci#ven_1000&dev_0030&subsys_197615ad" };
        for (int k = 0; k < 2; k++) {
            swprintf(key, 256, L"SYSTEM\\%ls\\Control\\CriticalDeviceDatabase\\%ls", sets[i], ids[k]);
            size = sizeof data;
            assert_true(fx_get(key, L"ClassGUID", &type, data, &size));
            assert_true(!wcscmp((wchar_t *)data, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}"));
            size = sizeof data;
            assert_true(fx_get(key, L"Service", &type, data, &size));
            assert_true(!wcscmp((wchar_t *)data, L"symmpi"));
        }
    }
}

static void assert_driver_installed(void)
{
    BYTE *a, *b;
    DWORD na, nb;
    wchar_t payload[MAX_PATH];
    swprintf(payload, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_read_file(driver_path, &a, &na));
    assert_true(fx_read_file(payload, &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    if (os64) {   /* a 32-bit p2vprep must not have landed in SysWOW64 */
        wchar_t wow[MAX_PATH];
        swprintf(wow, MAX_PATH, L"%ls\\syswow64\\drivers\\symmpi.sys", fx_systemroot());
        assert_false(fx_file_exists(wow));
    }
}

static void apply_writes_every_set_and_rerun_writes_nothing(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, &out), 0);
    assert_contains(out, "ControlSet001 ControlSet002 ControlSet003");
    assert_contains(out, "Current=2");
    free(out);
    assert_lsilogic_everywhere(sets3, 3);
    assert_driver_installed();
    /* Wine's CurrentControlSet is a key of its own here: it must not be taken for a set. */
    assert_false(fx_key_exists(L"SYSTEM\\CurrentControlSet\\Services\\symmpi"));

    char *json = report();
    assert_contains(json, "\"command\": \"apply\"");
    assert_contains(json, "\"control_sets\": [\"ControlSet001\", \"ControlSet002\", \"ControlSet003\"]");
    assert_contains(json, "\"select\": {\"Current\": 2, \"Default\": 2, \"LastKnownGood\": 3, \"Failed\": 0}");
    assert_contains(json, "\"name\": \"Start\", \"type\": \"REG_DWORD\", \"old_type\": null, \"old\": null, \"new\": 0}");
    assert_contains(json, "\"kind\": \"file\"");
    assert_contains(json, "\"exit_code\": 0");
    assert_contains(json, os64 ? "\"arch\": \"x64\"" : "\"arch\": \"x86\"");
    assert_report_time(json);
    free(json);

    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, NULL), 0);
    json = report();
    assert_contains(json, "\"changes\": []");
    assert_contains(json, "\"writes\": 0");
    assert_contains(json, "\"journal\": null");
    free(json);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);
    assert_int_equal(fx_run(EXE, L"check" LSI, NULL), 0);
}

/* ---- what changed, seen in whole-registry dumps ---- */

/* The lines of a dump as "key\tname\ttype=T data=HEX" (values) and "key" (keys), sorted. */
static int cmp_str(const void *a, const void *b) { return wcscmp(*(wchar_t *const *)a, *(wchar_t *const *)b); }

static wchar_t **dump_lines(const wchar_t *dump, size_t *n)
{
    size_t cap = 64, count = 0;
    wchar_t **out = malloc(cap * sizeof *out), key[1024] = L"";
    const wchar_t *p = dump;
    while (*p) {
        const wchar_t *e = wcschr(p, L'\n');
        size_t len = e ? (size_t)(e - p) : wcslen(p);
        wchar_t *line = malloc((len + 1100) * sizeof(wchar_t));
        if (p[0] == L'[') {
            swprintf(key, 1024, L"%.*ls", (int)len - 2, p + 1);
            wcscpy(line, key);
        } else {
            /*   "name" type=T data=HEX */
            const wchar_t *q1 = wcschr(p, L'"'), *q2 = q1 ? wcschr(q1 + 1, L'"') : NULL;
            swprintf(line, len + 1100, L"%ls\t%.*ls\t%.*ls", key, (int)(q2 - q1 - 1), q1 + 1,
                     (int)(len - (size_t)(q2 + 2 - p)), q2 + 2);
        }
        if (count == cap)
            out = realloc(out, (cap *= 2) * sizeof *out);
        out[count++] = line;
        if (!e)
            break;
        p = e + 1;
    }
    qsort(out, count, sizeof *out, cmp_str);
    *n = count;
    return out;
}

/* Lines of b that a lacks, one per line, in order. */
static wchar_t *only_in(wchar_t **a, size_t na, wchar_t **b, size_t nb)
{
    size_t cap = 1024, len = 0, i = 0;
    wchar_t *out = calloc(cap, sizeof(wchar_t));
    for (size_t k = 0; k < nb; k++) {
        while (i < na && wcscmp(a[i], b[k]) < 0)
            i++;
        if (i < na && !wcscmp(a[i], b[k])) {
            i++;
            continue;
        }
        size_t l = wcslen(b[k]);
        if (len + l + 2 > cap)
            out = realloc(out, (cap = 2 * (len + l + 2)) * sizeof(wchar_t));
        wcscpy(out + len, b[k]);
        len += l;
        out[len++] = L'\n';
        out[len] = 0;
    }
    return out;
}

static void free_lines(wchar_t **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

static void hex_of(const void *data, size_t size, wchar_t *out)
{
    for (size_t i = 0; i < size; i++)
        swprintf(out + 2 * i, 3, L"%02x", ((const BYTE *)data)[i]);
    out[2 * size] = 0;
}

/* What lsilogic must add on Windows 2000/XP/2003 in one control set, written out by hand
 * from VMware KB 1005208 and Microsoft's PnpInterface page, not computed by the planner. */
static void expected_lsilogic(const wchar_t *set, wchar_t **lines, size_t *n)
{
    wchar_t svc[128], par[160], cdd[2][200], hex[256];
    swprintf(svc, 128, L"SYSTEM\\%ls\\Services\\symmpi", set);
    swprintf(par, 160, L"%ls\\Parameters\\PnpInterface", svc);
    swprintf(cdd[0], 200, L"SYSTEM\\%ls\\Control\\CriticalDeviceDatabase\\pci#ven_1000&dev_0030", set);
    swprintf(cdd[1], 200, L"%ls&subsys_197615ad", cdd[0]);
    static const struct { int key; const wchar_t *name; DWORD type; DWORD d; const wchar_t *s; } v[] = {
        { 0, L"Type", REG_DWORD, 1, NULL }, { 0, L"Start", REG_DWORD, 0, NULL },
        { 0, L"ErrorControl", REG_DWORD, 1, NULL }, { 0, L"Group", REG_SZ, 0, L"SCSI miniport" },
        { 0, L"ImagePath", REG_EXPAND_SZ, 0, L"system32\\DRIVERS\\symmpi.sys" },
        { 1, L"5", REG_DWORD, 1, NULL },
        { 2, L"ClassGUID", REG_SZ, 0, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}" },
        { 2, L"Service", REG_SZ, 0, L"symmpi" },
        { 3, L"ClassGUID", REG_SZ, 0, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}" },
        { 3, L"Service", REG_SZ, 0, L"symmpi" },
    };
    const wchar_t *keys[] = { svc, par, cdd[0], cdd[1] };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (v[i].s)
            hex_of(v[i].s, (wcslen(v[i].s) + 1) * sizeof(wchar_t), hex);
        else
            hex_of(&v[i].d, 4, hex);
        lines[*n] = malloc(1024 * sizeof(wchar_t));
        swprintf(lines[(*n)++], 1024, L"%ls\t%ls\ttype=%lu data=%ls", keys[v[i].key], v[i].name,
                 (unsigned long)v[i].type, hex);
    }
    /* the keys: symmpi, Parameters, PnpInterface, the two CriticalDeviceDatabase entries */
    const wchar_t *new_keys[] = { svc, NULL, par, cdd[0], cdd[1] };
    for (int k = 0; k < 5; k++) {
        lines[*n] = malloc(1024 * sizeof(wchar_t));
        if (k == 1)
            swprintf(lines[(*n)++], 1024, L"%ls\\Parameters", svc);
        else
            wcscpy(lines[(*n)++], new_keys[k]);
    }
}

/* Exactly the expected keys and values appear, in every control set; nothing else in
 * HKLM\SYSTEM changes (values not owned are left alone). Plan listed exactly those values. */
static void apply_changes_exactly_the_expected_values_and_plan_named_them(void **state)
{
    /* an admin's own value in symmpi's place in set 2 must survive untouched */
    wchar_t *before = fx_export(L"SYSTEM");
    char *plan;
    assert_int_equal(fx_run(EXE, L"plan" LSI, &plan), 0);
    wchar_t *planned = fx_export(L"SYSTEM");
    assert_true(!wcscmp(before, planned));
    assert_false(fx_file_exists(driver_path));
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    wchar_t *after = fx_export(L"SYSTEM");

    size_t nb, na;
    wchar_t **lb = dump_lines(before, &nb), **la = dump_lines(after, &na);
    wchar_t *removed = only_in(la, na, lb, nb), *added = only_in(lb, nb, la, na);
    if (removed[0])
        fail_msg("apply removed or changed:\n%ls", removed);

    wchar_t *want[64];
    size_t nw = 0;
    for (int s = 0; s < 3; s++)
        expected_lsilogic(sets3[s], want, &nw);
    qsort(want, nw, sizeof *want, cmp_str);
    wchar_t *none = L"";
    wchar_t **empty = &none;
    wchar_t *want_text = only_in(empty, 0, want, nw);
    if (wcscmp(added, want_text))
        fail_msg("apply added:\n%ls\nexpected:\n%ls", added, want_text);

    /* each value plan announced is one apply made, and the reverse */
    int planned_values = 0;
    for (const char *p = plan; (p = strstr(p, "\n  set     HKLM\\")) != NULL; planned_values++) {
        p += strlen("\n  set     HKLM\\");
        const char *eq = strstr(p, " = "), *slash = eq;
        while (*slash != '\\')
            slash--;
        wchar_t line[600];
        swprintf(line, 600, L"%.*hs\t%.*hs\t", (int)(slash - p), p, (int)(eq - slash - 1), slash + 1);
        if (!wcsstr(added, line))
            fail_msg("plan announced %ls, which apply did not set", line);
    }
    assert_int_equal(planned_values, 30);
    assert_non_null(strstr(plan, "copy    file"));
    free(plan);
    free(want_text);
    for (size_t i = 0; i < nw; i++)
        free(want[i]);
    free_lines(lb, nb);
    free_lines(la, na);
    free(removed);
    free(added);
    free(before);
    free(planned);
    free(after);
}

static void disabled_and_wrong_typed_values_are_corrected(void **state)
{
    /* symmpi left disabled in set 2, ErrorControl written as a string in set 3, and a
     * value of the admin's own that must survive */
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"ErrorControl", REG_SZ, L"1");
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"DisplayName", REG_SZ, L"LSI Logic (old)");
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " REPORT, NULL), 0);
    assert_lsilogic_everywhere(sets3, 3);
    BYTE data[256];
    DWORD type, size = sizeof data;
    assert_true(fx_get(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"DisplayName", &type, data, &size));
    assert_true(!wcscmp((wchar_t *)data, L"LSI Logic (old)"));
    char *json = report();
    assert_contains(json, "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet002\\\\Services\\\\symmpi\", \"name\": \"Start\", "
                          "\"type\": \"REG_DWORD\", \"old_type\": \"REG_DWORD\", \"old\": 4, \"new\": 0}");
    assert_contains(json, "\"name\": \"ErrorControl\", \"type\": \"REG_DWORD\", \"old_type\": \"REG_SZ\", \"old\": \"1\", \"new\": 1}");
    free(json);
}

static void rollback_restores_the_exact_registry_and_removes_the_file(void **state)
{
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"ErrorControl", REG_SZ, L"1");
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    wchar_t *applied = fx_export_sets();
    assert_false(!wcscmp(before, applied));
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    /* a second rollback finds nothing left to undo and changes nothing */
    char *out;
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_contains(out, "Nothing to roll back");
    free(out);
    free(before);
    free(applied);
    free(after);
}

/* The old driver comes back with its bytes, its attributes and its rights: a read-only
 * driver with a DACL of its own (not the folder's) does not make apply fail, and neither
 * apply nor rollback leaves the folder's inherited rights in its place. */
static void rollback_puts_back_a_replaced_driver(void **state)
{
    static const char old[] = "MZ an older symmpi.sys that was there";
    assert_true(fx_write_file(driver_path, old, sizeof old));
    /* through the fixture: the x86 test under WOW64 must reach the native drivers folder */
    assert_true(fx_set_file_sddl(driver_path, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)"));
    assert_true(fx_set_file_attributes(driver_path, FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_ARCHIVE));
    DWORD attrs_before = fx_file_attributes(driver_path);
    wchar_t *sd_before = fx_file_sddl(driver_path);
    assert_non_null(sd_before);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    assert_driver_installed();
    wchar_t *sd_applied = fx_file_sddl(driver_path);
    assert_non_null(sd_applied);
    if (wcscmp(sd_applied, sd_before))
        fail_msg("apply left %ls, the driver had %ls", sd_applied, sd_before);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    BYTE *now;
    DWORD n;
    assert_true(fx_read_file(driver_path, &now, &n));
    assert_int_equal(n, sizeof old);
    assert_memory_equal(now, old, n);
    free(now);
    wchar_t *sd_after = fx_file_sddl(driver_path);
    assert_non_null(sd_after);
    if (wcscmp(sd_after, sd_before))
        fail_msg("rollback left %ls, the driver had %ls", sd_after, sd_before);
    assert_int_equal(fx_file_attributes(driver_path), attrs_before);
    fx_set_file_attributes(driver_path, FILE_ATTRIBUTE_NORMAL);
    free(sd_before);
    free(sd_applied);
    free(sd_after);
}

static void failure_midway_leaves_nothing_changed(void **state)
{
    wchar_t *before = fx_export_sets();
    fx_setenv(L"P2VPREP_FAULT_AT", L"12");
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI L" --report " REPORT, &out), 5);
    assert_contains(out, "undone");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    char *json = report();
    assert_contains(json, "\"exit_code\": 5");
    free(json);
    /* what was undone already is not undone twice */
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_contains(out, "Nothing to roll back");
    free(out);
    free(before);
    free(after);
}

static void failure_during_undo_is_reported_and_rollback_finishes_it(void **state)
{
    wchar_t *before = fx_export_sets();
    /* write 12 fails, and so do the first two undo steps */
    fx_setenv(L"P2VPREP_FAULT_AT", L"12");
    fx_setenv(L"P2VPREP_FAULT_COUNT", L"3");
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, NULL), 6);
    fx_setenv(L"P2VPREP_FAULT_AT", NULL);
    fx_setenv(L"P2VPREP_FAULT_COUNT", NULL);
    wchar_t *half = fx_export_sets();
    assert_false(!wcscmp(before, half));
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(half);
    free(after);
}

static void access_denied_is_exit_4_and_nothing_changed(void **state)
{
    wchar_t *before = fx_export_sets();
    fx_setenv(L"P2VPREP_FAULT_AT", L"2");
    fx_setenv(L"P2VPREP_FAULT_ERR", L"5");
    char *out;
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, &out), 4);
    assert_contains(out, "denied. (0x5)");
    assert_contains(out, "run p2vprep as an administrator");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(after);
}

static void missing_payload_is_exit_3_and_nothing_changed(void **state)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    fx_delete_file(path);
    wchar_t *before = fx_export_sets();
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 3);
    assert_contains(out, os64 ? "C:\\p2vtest\\payload\\amd64\\symmpi.sys" : "C:\\p2vtest\\payload\\x86\\symmpi.sys");
    assert_contains(out, "C:\\p2vtest\\payload\\symmpi.sys");
    assert_contains(out, "VMware Tools");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    swprintf(path, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    assert_false(fx_file_exists(path));
    free(before);
    free(after);
}

static void wrong_architecture_payload_is_exit_3(void **state)
{
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    /* the other architecture's driver, put where this one's belongs */
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"i386" : L"amd64");
    swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, os64 ? L"amd64" : L"x86");
    assert_true(fx_copy_file(src, dst));
    wchar_t *before = fx_export_sets();
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 3);
    assert_contains(out, "another processor architecture");
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(driver_path));
    free(before);
    free(after);
}

static void check_names_each_missing_piece_then_says_ready(void **state)
{
    char *out;
    fx_set_dword(L"SYSTEM\\ControlSet003\\Services\\symmpi", L"Start", 4);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report " REPORT, &out), 1);
    assert_contains(out, "ControlSet003: Services\\symmpi\\Start is 4 (REG_DWORD), needs 0 (REG_DWORD)");
    assert_contains(out, "ControlSet001: Services\\symmpi\\Type is absent");
    assert_contains(out, "symmpi.sys is missing");
    free(out);
    char *json = report();
    assert_contains(json, "\"ready\": false");
    assert_contains(json, "\"exit_code\": 1");
    assert_contains(json, "\"code\": \"value-wrong\"");
    free(json);
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --quiet --log " WORK L"\\apply.log", &out), 0);
    assert_true(out[0] == 0);   /* --quiet: nothing on success */
    free(out);
    BYTE *log;
    DWORD n;
    assert_true(fx_read_file(WORK L"\\apply.log", &log, &n));   /* ... but the log has it all */
    assert_contains((char *)log, "ControlSet003\\Services\\symmpi\\Start = 0 (REG_DWORD) (was 4 (REG_DWORD))");
    assert_contains((char *)log, "Applied 31 change(s) in 3 control set(s)");
    free(log);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report " REPORT, NULL), 0);
    json = report();
    assert_contains(json, "\"ready\": true");
    free(json);
}

static void control_sets_are_enumerated_not_assumed(void **state)
{
    /* No ControlSet001 at all: sets 3 and 5, Current=5 */
    struct fixture f = { winver, { 3, 5 }, 2, { 5, 5, 3, 0 } };
    fx_shape(&f);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    static const wchar_t *const sets[] = { L"ControlSet003", L"ControlSet005" };
    assert_lsilogic_everywhere(sets, 2);
    assert_false(fx_key_exists(L"SYSTEM\\ControlSet001"));
}

static void a_second_instance_is_exit_7(void **state)
{
    /* another p2vprep at work holds the lock file in the state folder */
    wchar_t dir[MAX_PATH], lock[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(lock, MAX_PATH, L"%ls\\p2vprep.lock", dir);
    HANDLE h = CreateFileW(lock, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    wchar_t *before = fx_export_sets();
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 7);
    assert_contains(out, "p2vprep.lock");
    free(out);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 7);
    /* reading commands need no lock */
    assert_int_equal(fx_run(EXE, L"check" LSI, NULL), 1);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    CloseHandle(h);
    assert_false(fx_file_exists(lock));
    free(before);
    free(after);
}

/* A named object anyone can create first (the lock of earlier versions) blocks nothing. */
static void a_squatted_global_name_blocks_nothing(void **state)
{
    HANDLE m = CreateMutexW(NULL, TRUE, L"Global\\p2vprep-running");
    assert_non_null(m);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    assert_lsilogic_everywhere(sets3, 3);
    CloseHandle(m);
    /* and the lock is gone with the process that held it */
    wchar_t lock[MAX_PATH];
    swprintf(lock, MAX_PATH, L"%ls\\p2vprep\\p2vprep.lock", fx_systemroot());
    assert_false(fx_file_exists(lock));
}

/* The single-file build for PsExec: no payload folder beside it, the drivers inside. */
static void embedded_payload_needs_no_folder(void **state)
{
    wchar_t beside[MAX_PATH], pattern[MAX_PATH], tmp[MAX_PATH];
    swprintf(beside, MAX_PATH, L"%ls\\payload", fx_bin_dir());
    assert_false(fx_file_exists(beside));
    assert_int_equal(fx_run(L"p2vprep-embedtest-" P2V_ARCH_STR L".exe", L"apply --target lsilogic --report " REPORT, NULL), 0);
    assert_lsilogic_everywhere(sets3, 3);
    assert_driver_installed();
    char *json = report();
    /* the payload it used was its own, unpacked where only administrators write */
    assert_contains(json, "p2vprep\\\\payload-");
    free(json);
    /* and the unpacked copy is gone again */
    (void)tmp;
    swprintf(pattern, MAX_PATH, L"%ls\\p2vprep\\payload-*", fx_systemroot());
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    assert_true(h == INVALID_HANDLE_VALUE);
    /* the plain exe, with no folder and nothing inside, says where it looked */
    char *out;
    assert_int_equal(fx_run(EXE, L"check --target lsilogic", &out), 0);
    free(out);
    fx_delete_file(driver_path);
    assert_int_equal(fx_run(EXE, L"apply --target lsilogic", &out), 3);
    assert_contains(out, "payload\\symmpi.sys");
    free(out);
}

/* A write that "succeeds" but stores something else is caught by reading back: apply
 * undoes everything and exits 5. Without the read-back, each of these would exit 0. */
static void readback_catches_a_write_that_lied(void **state)
{
    static const struct { const wchar_t *mode, *at; } lies[] = {
        { L"data", L"1" }, { L"type", L"5" }, { L"drop", L"9" }, { L"data", L"20" }, { L"truncate", L"1" },
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        wchar_t *before = fx_export_sets();
        char *out;
        fx_setenv(L"P2VPREP_LIE", lies[i].mode);
        fx_setenv(L"P2VPREP_LIE_AT", lies[i].at);
        int rc = fx_run(FAULT_EXE, L"apply" LSI, &out);
        if (rc != 5)
            fail_msg("lie %ls at %ls: exit %d, expected 5\n%s", lies[i].mode, lies[i].at, rc, out);
        assert_contains(out, "Every change was undone");
        free(out);
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        assert_false(fx_file_exists(driver_path));
        free(before);
        free(after);
    }
}

/* "A rerun makes no writes", seen from outside the engine: under a layer that fails and
 * names every write of any kind, the rerun, check and plan succeed and name none. */
static void rerun_check_and_plan_attempt_no_write(void **state)
{
    char *out;
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    assert_int_equal(fx_run(FAULT_EXE, L"plan" LSI, &out), 0);
    assert_null(strstr(out, "fault: attempted"));
    free(out);
    assert_int_equal(fx_run(FAULT_EXE, L"check" LSI, &out), 1);
    assert_null(strstr(out, "fault: attempted"));
    free(out);
    assert_false(state_folder_exists());
    /* the layer does catch writes: the first apply fails on its first one */
    assert_int_equal(fx_run(FAULT_EXE, L"apply" LSI, &out), 5);
    assert_contains(out, "fault: attempted");
    free(out);
    fx_setenv(L"P2VPREP_FAULT_ANY", NULL);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    fx_setenv(L"P2VPREP_FAULT_ANY", L"1");
    static const wchar_t *const cmds[] = { L"apply" LSI, L"check" LSI, L"plan" LSI };
    for (int i = 0; i < 3; i++) {
        int rc = fx_run(FAULT_EXE, cmds[i], &out);
        if (rc != 0 || strstr(out, "fault: attempted"))
            fail_msg("%ls after apply: exit %d\n%s", cmds[i], rc, out);
        free(out);
    }
}

/* Each record is on disk before its change: the journal lists the values in the order
 * apply printed them, framed by its header and "end ok". */
static void journal_records_precede_changes_in_order(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 0);
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\p2vprep\\apply-0001.journal", fx_systemroot());
    BYTE *raw;
    DWORD n;
    assert_true(fx_read_file(path, &raw, &n));
    char *j = realloc(raw, n + 1);
    j[n] = 0;
    assert_true(!strncmp(j, "p2vprep journal 1\nstarted\t", strlen("p2vprep journal 1\nstarted\t")));
    assert_non_null(strstr(j, "\nend\tok\n"));
    assert_true(n >= 8 && !strcmp(j + n - 7, "end\tok\n"));
    /* the driver: recorded relative to %SystemRoot%, as absent before */
    assert_contains(j, "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\tabsent\n");
    const char *o = out, *r = j;
    int values = 0;
    while ((o = strstr(o, "\n  set     HKLM\\")) != NULL) {
        o += strlen("\n  set     HKLM\\");
        const char *eq = strstr(o, " = ");
        const char *slash = eq;
        while (slash > o && *slash != '\\')
            slash--;
        char want[600];
        snprintf(want, sizeof want, "\nvalue\t%.*s\t%.*s\t", (int)(slash - o), o, (int)(eq - slash - 1), slash + 1);
        const char *found = strstr(r, want);
        if (!found)
            fail_msg("journal lacks, or has out of order: %s", want + 1);
        r = found + 1;
        values++;
    }
    assert_int_equal(values, 30);   /* 31 changes: the driver and 30 values */
    free(j);
    free(out);
}

/* Every step of apply, failed in turn: each journal record, each write to the machine,
 * each flush. After each, exit 5 and the machine as it was (the driver absent, symmpi's
 * values in set 2 as the admin left them). */
static void a_failure_at_any_step_leaves_nothing_changed(void **state)
{
    static const wchar_t *const knobs[] = {
        L"P2VPREP_FAULT_JOURNAL_AT", L"P2VPREP_FAULT_AT", L"P2VPREP_FAULT_FLUSH_AT",
    };
    /* an existing, disabled service: its values are changed in a key that stays */
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    fx_set_sz(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Group", REG_SZ, L"Other");
    wchar_t *before = fx_export_sets();
    for (int k = 0; k < 3; k++) {
        /* the first journal appends are its header; "end ok" failing does not undo */
        int first = k == 0 ? 3 : 1, n;
        for (n = first;; n++) {
            wchar_t at[16];
            char *out;
            swprintf(at, 16, L"%d", n);
            fx_setenv(knobs[k], at);
            int rc = fx_run(FAULT_EXE, L"apply" LSI, &out);
            fx_setenv(knobs[k], NULL);
            free(out);
            if (rc == 0) {
                assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
                break;
            }
            if (rc != 5)
                fail_msg("%ls=%d: exit %d, expected 5", knobs[k], n, rc);
            wchar_t *after = fx_export_sets();
            if (wcscmp(before, after))
                fail_msg("%ls=%d: the registry differs after the undo", knobs[k], n);
            free(after);
            assert_false(fx_file_exists(driver_path));
        }
        /* every step was reached: 31 records, 31 writes (3 keys are new), 3 flushes */
        static const int steps[] = { 3 + 35, 1 + 34, 1 + 3 };
        if (n < steps[k])
            fail_msg("%ls: apply succeeded at %d, before every step was failed", knobs[k], n);
    }
    free(before);
}

/* The checker the reports are held to rejects what it should. */
static void json_checker_is_strict(void **state)
{
    static const char *const good[] = { "{}", "[1, -0.5e+3, \"a\\u00e9\\ud83d\\ude00\", true, null]",
                                        " {\"a\": {\"b\": []}} " };
    static const char *const wrong[] = { "{", "{\"a\": 1,}", "[01]", "{\"a\" 1}", "\"\\x\"",
                                         "\"\\ud800\"", "[1] [2]", "{'a': 1}", "\"tab\there\"", "nul",
                                         "\"\xC3\x28\"" };
    char err[128];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!json_check(good[i], strlen(good[i]), err, sizeof err))
            fail_msg("rejected %s: %s", good[i], err);
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
        if (json_check(wrong[i], strlen(wrong[i]), err, sizeof err))
            fail_msg("accepted %s", wrong[i]);
}

/* summarize as an admin runs it: reports of a wave in a folder, one of them damaged, one
 * cut off mid-write; the table, the CSV and the HTML are written and say which is which. */
static void summarize_runs_as_a_command(void **state)
{
    char *out;
    CreateDirectoryW(WORK L"\\wave", NULL);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report " WORK L"\\wave\\", NULL), 1);
    assert_int_equal(fx_run(EXE, L"apply" LSI L" --report " WORK L"\\wave\\applied.json", NULL), 0);
    assert_true(fx_write_file(WORK L"\\wave\\SRV-BROKEN.json", "{\"computer\": ", 14));
    assert_true(fx_write_file(WORK L"\\wave\\notes.txt", "not a report", 12));
    assert_int_equal(fx_run(EXE, L"summarize " WORK L"\\wave --csv " WORK L"\\wave.csv --html " WORK L"\\wave.html", &out), 0);
    assert_contains(out, "SRV-BROKEN");
    free(out);
    BYTE *csv, *html;
    DWORD nc, nh;
    assert_true(fx_read_file(WORK L"\\wave.csv", &csv, &nc));
    assert_true(fx_read_file(WORK L"\\wave.html", &html, &nh));
    csv = realloc(csv, nc + 1);
    csv[nc] = 0;
    html = realloc(html, nh + 1);
    html[nh] = 0;
    assert_contains((char *)csv, "host,os,arch,targets,ready,exit_code");
    assert_contains((char *)csv, "SRV-BROKEN.json");
    assert_contains((char *)csv, ",no,");            /* the damaged one: not valid */
    assert_contains((char *)csv, "applied.json");
    /* --report with a file name of its own: the report is read, and flagged */
    assert_contains((char *)csv, " differs from the file name applied.json\",");
    assert_contains((char *)html, "<table");
    assert_null(strstr((char *)csv, "notes.txt"));
    free(csv);
    free(html);
    /* a folder that is not there: exit 2, saying which */
    assert_int_equal(fx_run(EXE, L"summarize " WORK L"\\nowhere", &out), 2);
    assert_contains(out, "C:\\p2vtest\\nowhere");
    free(out);
}

/* A power cut at any moment of apply: the process ends (TerminateProcess) before or right
 * after each write, and at each journal record. After each: rollback restores registry and
 * driver byte for byte; check is honest in between. */
static void a_kill_at_any_moment_is_rolled_back_exactly(void **state)
{
    if (wcscmp(winver, L"win2003"))   /* the seed's Windows: once is enough, it takes a while */
        return (void)print_message("run on the win2003 cell\n");
    static const struct { const wchar_t *knob, *mode; } cuts[] = {
        { L"P2VPREP_FAULT_AT", L"1" }, { L"P2VPREP_FAULT_AT", L"after" }, { L"P2VPREP_FAULT_JOURNAL_AT", L"1" },
    };
    fx_set_dword(L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start", 4);
    static const char old[] = "MZ an older symmpi.sys that was there";
    assert_true(fx_write_file(driver_path, old, sizeof old));
    wchar_t *before = fx_export_sets();
    int kills = 0;
    for (int c = 0; c < 3; c++) {
        for (int n = 1; n < 200; n++) {
            wchar_t at[16];
            char *out;
            swprintf(at, 16, L"%d", n);
            fx_setenv(L"P2VPREP_FAULT_KILL", cuts[c].mode);
            fx_setenv(cuts[c].knob, at);
            int rc = fx_run(FAULT_EXE, L"apply" LSI, &out);
            fx_setenv(L"P2VPREP_FAULT_KILL", NULL);
            fx_setenv(cuts[c].knob, NULL);
            free(out);
            if (rc != 99) {   /* no Nth step left: the apply ran through */
                assert_int_equal(rc, 0);
                assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
                break;
            }
            kills++;
            if (n == 7 && c == 1) {
                /* once: the next apply says the last one did not finish, and completes it */
                assert_int_equal(fx_run(EXE, L"check" LSI, NULL), 1);
                assert_int_equal(fx_run(EXE, L"apply" LSI, &out), 0);
                assert_contains(out, "did not finish");
                free(out);
                assert_int_equal(fx_run(EXE, L"check" LSI, NULL), 0);
                assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
            }
            int rb = fx_run(EXE, L"rollback", &out);
            if (rb != 0)
                fail_msg("%ls=%d (%ls): rollback exit %d\n%s", cuts[c].knob, n, cuts[c].mode, rb, out);
            free(out);
            wchar_t *after = fx_export_sets();
            if (wcscmp(before, after))
                fail_msg("%ls=%d (%ls): the registry differs after rollback", cuts[c].knob, n, cuts[c].mode);
            free(after);
            BYTE *now;
            DWORD len;
            assert_true(fx_read_file(driver_path, &now, &len));
            if (len != sizeof old || memcmp(now, old, len))
                fail_msg("%ls=%d (%ls): the old driver is not back", cuts[c].knob, n, cuts[c].mode);
            free(now);
            /* nothing left to undo: every journal says so */
            assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
            assert_contains(out, "Nothing to roll back");
            free(out);
        }
    }
    print_message("killed %d times, each rolled back exactly\n", kills);
    assert_true(kills > 60);
    free(before);
}

static void usage_errors_are_exit_2(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"apply", &out), 2);
    assert_contains(out, "--target");
    free(out);
    assert_int_equal(fx_run(EXE, L"apply --target nosuch", NULL), 2);
    assert_int_equal(fx_run(EXE, L"frobnicate", NULL), 2);
    /* --report "C:\dir\" reaches the program as C:\dir" : still that folder */
    CreateDirectoryW(WORK L"\\reports", NULL);
    assert_int_equal(fx_run(EXE, L"check" LSI L" --report \"" WORK L"\\reports\\\"", NULL), 1);
    wchar_t computer[64], expected[MAX_PATH];
    DWORD cn = 64;
    GetComputerNameW(computer, &cn);
    swprintf(expected, MAX_PATH, L"%ls\\reports\\%ls.json", WORK, computer);
    assert_true(fx_file_exists(expected));
    /* a log in a folder that does not exist yet: the folder is made */
    assert_int_equal(fx_run(EXE, L"check" LSI L" --log " WORK L"\\logs\\check.log", NULL), 1);
    assert_true(fx_file_exists(WORK L"\\logs\\check.log"));
    assert_int_equal(fx_run(EXE, L"--version", &out), 0);
    assert_contains(out, "p2vprep ");
    free(out);
}

int main(int argc, char **argv)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    const char *v = argc > 1 ? argv[1] : "win2003";
    /* XP on a 64-bit machine is XP x64, which Wine calls winxp64 */
    if (os64 && !strcmp(v, "winxp"))
        v = "winxp64";
    swprintf(winver, 32, L"%hs", v);
    swprintf(driver_path, MAX_PATH, L"%ls\\system32\\drivers\\symmpi.sys", fx_systemroot());

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(apply_writes_every_set_and_rerun_writes_nothing, server),
        cmocka_unit_test_setup(apply_changes_exactly_the_expected_values_and_plan_named_them, server),
        cmocka_unit_test_setup(disabled_and_wrong_typed_values_are_corrected, server),
        cmocka_unit_test_setup(rollback_restores_the_exact_registry_and_removes_the_file, server),
        cmocka_unit_test_setup(rollback_puts_back_a_replaced_driver, server),
        cmocka_unit_test_setup(failure_midway_leaves_nothing_changed, server),
        cmocka_unit_test_setup(failure_during_undo_is_reported_and_rollback_finishes_it, server),
        cmocka_unit_test_setup(access_denied_is_exit_4_and_nothing_changed, server),
        cmocka_unit_test_setup(missing_payload_is_exit_3_and_nothing_changed, server),
        cmocka_unit_test_setup(wrong_architecture_payload_is_exit_3, server),
        cmocka_unit_test_setup(check_names_each_missing_piece_then_says_ready, server),
        cmocka_unit_test_setup(control_sets_are_enumerated_not_assumed, server),
        cmocka_unit_test_setup(a_second_instance_is_exit_7, server),
        cmocka_unit_test_setup(a_squatted_global_name_blocks_nothing, server),
        cmocka_unit_test_setup(embedded_payload_needs_no_folder, server),
        cmocka_unit_test_setup(usage_errors_are_exit_2, server),
        cmocka_unit_test(json_checker_is_strict),
        cmocka_unit_test_setup(a_kill_at_any_moment_is_rolled_back_exactly, server),
        cmocka_unit_test_setup(summarize_runs_as_a_command, server),
        cmocka_unit_test_setup(readback_catches_a_write_that_lied, server),
        cmocka_unit_test_setup(rerun_check_and_plan_attempt_no_write, server),
        cmocka_unit_test_setup(journal_records_precede_changes_in_order, server),
        cmocka_unit_test_setup(a_failure_at_any_step_leaves_nothing_changed, server),
    };
    printf("emulating %ls, %ls exe on %ls Windows\n", winver, P2V_ARCH_STR, os64 ? L"64-bit" : L"32-bit");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
