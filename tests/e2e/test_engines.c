/* End to end: p2vprep as a citizen of the engines that run migration waves (Ansible,
 * Configuration Manager, Intune, DSC, Systems Manager): --json puts one JSON object on
 * stdout for every command and exit path, --exit-codes msi maps the codes to the Windows
 * Installer ones, and HKLM\SOFTWARE\p2vprep says what the last apply or rollback did. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"
#include "json_check.h"

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define WORK L"C:\\p2vtest"
#define PAYLOAD WORK L"\\payload"
#define LSI L" --target lsilogic --payload " PAYLOAD
#define MARKER L"SOFTWARE\\p2vprep"

static int machine(void **state)
{
    struct fixture f = { L"win2003", { 1, 2 }, 2, { 1, 1, 2, 0 } };
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    fx_shape(&f);
    fx_delete_tree(HKEY_LOCAL_MACHINE, MARKER);
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    static const wchar_t *const m[][2] = { { L"i386", L"x86" }, { L"amd64", L"amd64" } };
    for (int i = 0; i < 2; i++) {
        swprintf(dst, MAX_PATH, L"%ls\\%ls", PAYLOAD, m[i][1]);
        CreateDirectoryW(dst, NULL);
        swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), m[i][0]);
        swprintf(dst, MAX_PATH, L"%ls\\%ls\\symmpi.sys", PAYLOAD, m[i][1]);
        assert_true(fx_copy_file(src, dst));
    }
    return 0;
}

static void assert_has(const char *hay, const char *needle, const wchar_t *args)
{
    if (!strstr(hay, needle))
        fail_msg("%ls: expected %s in:\n%s", args, needle, hay);
}

/* stdout is one JSON object and nothing else; the human text went to stderr. */
static char *run_json(const wchar_t *args, int want_rc, BOOL human_expected)
{
    char *out, *err, why[256];
    int rc = fx_run_split(EXE, args, &out, &err);
    if (rc != want_rc)
        fail_msg("%ls: exit %d, %d expected", args, rc, want_rc);
    if (!json_check(out, strlen(out), why, sizeof why))
        fail_msg("%ls: stdout is not one JSON value (%s):\n%s", args, why, out);
    size_t i = 0;
    while (out[i] == ' ' || out[i] == '\r' || out[i] == '\n')
        i++;
    if (out[i] != '{')
        fail_msg("%ls: stdout does not hold a JSON object:\n%s", args, out);
    char rc_field[32];
    snprintf(rc_field, sizeof rc_field, "\"rc\": %d", rc);
    assert_has(out, rc_field, args);
    assert_has(out, "\"changed\": ", args);
    assert_has(out, "\"msg\": \"", args);
    assert_has(out, "\"findings\": [", args);
    assert_has(out, rc ? "\"failed\": true" : "\"failed\": false", args);
    if (human_expected && !err[0])
        fail_msg("%ls: nothing said on stderr", args);
    free(err);
    return out;
}

static void every_command_puts_one_json_object_on_stdout(void **state)
{
    char *o;
    o = run_json(L"plan --json" LSI, 0, TRUE);
    assert_has(o, "\"command\": \"plan\"", L"plan");
    assert_has(o, "\"changed\": true", L"plan");   /* the what-if: apply would change */
    assert_has(o, "\"kind\": \"registry\"", L"plan");
    free(o);
    o = run_json(L"check --json" LSI, 1, TRUE);
    assert_has(o, "\"ready\": false", L"check");
    assert_has(o, "\"changed\": false", L"check");
    assert_has(o, "\"category\": \"Warning\"", L"check");
    assert_has(o, "check: not ready", L"check");
    free(o);
    o = run_json(L"apply --json" LSI, 0, TRUE);
    assert_has(o, "\"changed\": true", L"apply");
    assert_has(o, "change(s) made", L"apply");
    free(o);
    o = run_json(L"apply --json" LSI, 0, TRUE);
    assert_has(o, "\"changed\": false", L"apply again");
    assert_has(o, "\"writes\": 0", L"apply again");
    assert_has(o, "nothing to do", L"apply again");
    free(o);
    o = run_json(L"check --json" LSI, 0, TRUE);
    assert_has(o, "\"ready\": true", L"check after apply");
    free(o);
    o = run_json(L"rollback --json", 0, TRUE);
    assert_has(o, "\"changed\": true", L"rollback");
    free(o);
    o = run_json(L"rollback --json", 0, TRUE);
    assert_has(o, "\"changed\": false", L"rollback again");
    free(o);
    /* not a run: still one object */
    o = run_json(L"targets --json", 0, TRUE);
    assert_has(o, "\"command\": \"targets\"", L"targets");
    free(o);
    o = run_json(L"--version --json", 0, TRUE);
    free(o);
    o = run_json(L"find --json", 0, TRUE);
    assert_has(o, "\"command\": \"find\"", L"find");
    free(o);
    o = run_json(L"summarize " WORK L" --json", 0, TRUE);
    assert_has(o, "\"command\": \"summarize\"", L"summarize");
    free(o);
    /* usage errors, and a payload that is not there: failed, with the reason as msg */
    o = run_json(L"apply --json --target lsilogic --frobnicate", 2, TRUE);
    assert_has(o, "frobnicate", L"usage error");
    free(o);
    o = run_json(L"apply --json --target lsilogic --payload C:\\nowhere", 3, TRUE);
    assert_has(o, "\"category\": \"Critical\"", L"no payload");
    assert_has(o, "\"id\": \"", L"no payload");
    free(o);
}

/* Configuration Manager and Intune read Windows Installer codes: 1618 means "another one
 * is running, retry", 1639 a bad command line, 1612 the source (payload) missing. The
 * native code stays in the JSON's exit_code. */
static void msi_exit_codes_for_the_engines(void **state)
{
    char *o;
    o = run_json(L"apply --json --exit-codes msi --target lsilogic --frobnicate", 1639, TRUE);
    assert_has(o, "\"exit_code\": 2", L"msi usage");
    free(o);
    o = run_json(L"apply --json --exit-codes msi --target lsilogic --payload C:\\nowhere", 1612, TRUE);
    assert_has(o, "\"exit_code\": 3", L"msi payload");
    free(o);
    o = run_json(L"check --json --exit-codes msi" LSI, 1, TRUE);
    free(o);
    /* another p2vprep holds the lock */
    wchar_t dir[MAX_PATH], lock[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\p2vprep", fx_systemroot());
    CreateDirectoryW(dir, NULL);
    swprintf(lock, MAX_PATH, L"%ls\\p2vprep.lock", dir);
    HANDLE h = CreateFileW(lock, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    o = run_json(L"apply --json --exit-codes msi" LSI, 1618, TRUE);
    assert_has(o, "\"exit_code\": 7", L"msi busy");
    free(o);
    assert_int_equal(fx_run(EXE, L"apply --exit-codes msi" LSI, NULL), 1618);
    CloseHandle(h);
    DeleteFileW(lock);
    o = run_json(L"apply --json --exit-codes msi" LSI, 0, TRUE);
    free(o);
    assert_int_equal(fx_run(EXE, L"rollback --exit-codes msi", NULL), 0);
}

static void sz_is(const wchar_t *name, const wchar_t *want)
{
    wchar_t got[512];
    DWORD type, size = sizeof got;
    if (!fx_get(MARKER, name, &type, (BYTE *)got, &size) || type != REG_SZ)
        fail_msg("HKLM\\%ls\\%ls is not there", MARKER, name);
    got[size / sizeof(wchar_t) < 512 ? size / sizeof(wchar_t) : 511] = 0;
    if (want && wcscmp(got, want))
        fail_msg("HKLM\\%ls\\%ls is \"%ls\", \"%ls\" expected", MARKER, name, got, want);
}

static DWORD dword_of(const wchar_t *name)
{
    DWORD d = 0xffffffff;
    if (!fx_get_dword(MARKER, name, &d))
        fail_msg("HKLM\\%ls\\%ls is not there", MARKER, name);
    return d;
}

/* The marker a detection rule reads: after apply, unchanged by a rerun that changes
 * nothing, and after rollback saying so. */
static void the_marker_says_what_the_last_run_did(void **state)
{
    assert_false(fx_key_exists(MARKER));
    assert_int_equal(fx_run(EXE, L"plan" LSI, NULL), 0);
    assert_false(fx_key_exists(MARKER));   /* plan and check change nothing */
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    sz_is(L"LastCommand", L"apply");
    sz_is(L"Result", L"applied");
    sz_is(L"Targets", L"lsilogic");
    sz_is(L"Version", NULL);
    assert_int_equal(dword_of(L"JournalPresent"), 1);
    assert_int_equal(dword_of(L"ExitCode"), 0);
    wchar_t journal[512], time1[64], time2[64];
    DWORD type, size = sizeof journal;
    assert_true(fx_get(MARKER, L"Journal", &type, (BYTE *)journal, &size));
    assert_non_null(wcsstr(journal, L"apply-0001.journal"));
    size = sizeof time1;
    assert_true(fx_get(MARKER, L"TimeUtc", &type, (BYTE *)time1, &size));
    assert_int_equal(wcslen(time1), 20);   /* 2026-12-05T01:30:00Z */
    assert_true(time1[19] == L'Z' && time1[10] == L'T');
    Sleep(1100);
    assert_int_equal(fx_run(EXE, L"apply" LSI, NULL), 0);
    size = sizeof time2;
    assert_true(fx_get(MARKER, L"TimeUtc", &type, (BYTE *)time2, &size));
    assert_true(!wcscmp(time1, time2));   /* nothing to do: no write, the marker as it was */
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    sz_is(L"LastCommand", L"rollback");
    sz_is(L"Result", L"rolled-back");
    sz_is(L"Journal", L"");
    assert_int_equal(dword_of(L"JournalPresent"), 0);
}

/* One argument as Windows' command-line parser reads it back: quotes escaped, backslashes
 * before a quote doubled. */
static void quote_arg(const wchar_t *in, wchar_t *out)
{
    size_t k = 0;
    out[k++] = L'"';
    for (const wchar_t *c = in; *c; c++) {
        size_t bs = 0;
        while (c[bs] == L'\\')
            bs++;
        if (c[bs] == L'"' || c[bs] == 0) {
            for (size_t i = 0; i < 2 * bs; i++)
                out[k++] = L'\\';
            c += bs;
            if (!*c)
                break;
            out[k++] = L'\\';
            out[k++] = L'"';
        } else {
            for (size_t i = 0; i < bs; i++)
                out[k++] = L'\\';
            c += bs;
            out[k++] = *c;
        }
    }
    out[k++] = L'"';
    out[k] = 0;
}

/* DSC v3 drives the resource (installer/dsc) with its desired state as --input and reads
 * the state back from stdout: get and test are check (not in the desired state is exit 0
 * with _inDesiredState false), set is apply, whatIf is plan. */
static void a_dsc_resource_tests_sets_and_plans(void **state)
{
    static const wchar_t desired[] =
        L"{\"targets\":[\"lsilogic\"],\"payload\":\"C:\\\\p2vtest\\\\payload\",\"_exist\":true}";
    wchar_t arg[512], args[1024];
    quote_arg(desired, arg);
    char *o;
    swprintf(args, 1024, L"check --json --exit-codes dsc --input %ls", arg);
    o = run_json(args, 0, TRUE);
    assert_has(o, "\"_inDesiredState\": false", L"dsc test");
    assert_has(o, "\"exit_code\": 1", L"dsc test");
    assert_has(o, "\"targets\": [\"lsilogic\"]", L"dsc test");
    free(o);
    swprintf(args, 1024, L"plan --json --exit-codes dsc --input %ls", arg);
    o = run_json(args, 0, TRUE);
    assert_has(o, "\"changed\": true", L"dsc whatIf");
    assert_has(o, "\"writes\": 0", L"dsc whatIf");
    free(o);
    swprintf(args, 1024, L"apply --json --exit-codes dsc --input %ls", arg);
    o = run_json(args, 0, TRUE);
    assert_has(o, "\"changed\": true", L"dsc set");
    free(o);
    swprintf(args, 1024, L"check --json --exit-codes dsc --input %ls", arg);
    o = run_json(args, 0, TRUE);
    assert_has(o, "\"_inDesiredState\": true", L"dsc test after set");
    free(o);
    /* a desired state p2vprep cannot take: exit 2 and why, nothing changed */
    quote_arg(L"{\"targets\":[\"lsilogic\"],\"frobnicate\":\"x\"}", arg);
    swprintf(args, 1024, L"apply --json --exit-codes dsc --input %ls", arg);
    o = run_json(args, 2, TRUE);
    assert_has(o, "frobnicate", L"dsc bad input");
    free(o);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(every_command_puts_one_json_object_on_stdout, machine),
        cmocka_unit_test_setup(msi_exit_codes_for_the_engines, machine),
        cmocka_unit_test_setup(the_marker_says_what_the_last_run_did, machine),
        cmocka_unit_test_setup(a_dsc_resource_tests_sets_and_plans, machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
