/* p2vprep push end to end: the real exe runs fake-psexec.exe (tests/support/fake_psexec.c)
 * for each host, which records in a folder what it was run for, how many ran at once,
 * and whether it was ended. */
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
#define WORK L"C:\\p2vpush"
#define REC WORK L"\\rec"
#define HOSTS WORK L"\\hosts.txt"
#define RESULTS WORK L"\\push-results.csv"

static wchar_t fake[MAX_PATH], args[4096];

static int clean(void **state)
{
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(REC, NULL);
    swprintf(fake, MAX_PATH, L"%ls\\fake-psexec.exe", fx_bin_dir());
    fx_setenv(L"FAKE_PSEXEC_DIR", REC);
    fx_setenv(L"FAKE_PSEXEC_MS", L"0");
    fx_setenv(L"FAKE_PSEXEC_SLOW_MS", NULL);
    return 0;
}

static void write_hosts(const char *text)
{
    assert_true(fx_write_file(HOSTS, text, (DWORD)strlen(text)));
}

static BOOL recorded(const wchar_t *prefix, const wchar_t *host)
{
    wchar_t path[MAX_PATH];
    swprintf(path, MAX_PATH, L"%ls\\%ls%ls", REC, prefix, host);
    return fx_file_exists(path);
}

static int count_recorded(const wchar_t *pattern_name)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    int n = 0;
    swprintf(pattern, MAX_PATH, L"%ls\\%ls", REC, pattern_name);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        n++;
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

/* The most PsExec processes that ran at once (fake-psexec's max-N files). */
static int max_at_once(void)
{
    int max = 0;
    for (int n = 1; n <= 64; n++) {
        wchar_t name[16];
        swprintf(name, 16, L"%d", n);
        if (recorded(L"max-", name))
            max = n;
    }
    return max;
}

/* push-results.csv with each non-blank seconds cell (the 4th) replaced by S. */
static char *results_without_times(void)
{
    BYTE *data;
    DWORD size;
    if (!fx_read_file(RESULTS, &data, &size))
        return NULL;
    char *out = calloc(size + 1, 1), *o = out;
    int field = 0, line = 0;
    BOOL quoted = FALSE;
    for (DWORD i = 0; i < size; i++) {
        char c = (char)data[i];
        quoted ^= c == '"';
        if (!quoted && c == '\n') {
            field = 0;
            line++;
        }
        if (line > 0 && field == 3 && c != ',') {
            if (o[-1] == ',')
                *o++ = 'S';
            continue;
        }
        field += !quoted && c == ',';
        *o++ = c;
    }
    free(data);
    return out;
}

static int push(const wchar_t *options, const wchar_t *command, char **output)
{
    swprintf(args, 4096, L"push --hosts " HOSTS L" --psexec \"%ls\" %ls -- %ls", fake, options, command);
    return fx_run(EXE, args, output);
}

static void at_most_n_at_once_each_host_once(void **state)
{
    write_hosts("ok-01\nok-02\nok-03\nok-04\nok-05\nok-06\nok-07\nok-08\nok-09\nok-10\nok-11\nok-12\n");
    fx_setenv(L"FAKE_PSEXEC_MS", L"700");
    assert_int_equal(push(L"--parallel 3", L"check --target lsilogic", NULL), 0);
    int max = max_at_once();
    if (max > 3 || max < 2)
        fail_msg("at most %d PsExec ran at once; expected 2 or 3 with --parallel 3", max);
    assert_int_equal(count_recorded(L"ran-*"), 12);
    assert_int_equal(count_recorded(L"twice-*"), 0);
    assert_int_equal(count_recorded(L"done-*"), 12);
    assert_int_equal(count_recorded(L"running-*"), 0);
    char *csv = results_without_times();
    assert_non_null(csv);
    assert_string_equal(csv, "host,exit_code,meaning,seconds,psexec_error\r\n"
                             "ok-01,0,done/ready,S,\r\nok-02,0,done/ready,S,\r\nok-03,0,done/ready,S,\r\n"
                             "ok-04,0,done/ready,S,\r\nok-05,0,done/ready,S,\r\nok-06,0,done/ready,S,\r\n"
                             "ok-07,0,done/ready,S,\r\nok-08,0,done/ready,S,\r\nok-09,0,done/ready,S,\r\n"
                             "ok-10,0,done/ready,S,\r\nok-11,0,done/ready,S,\r\nok-12,0,done/ready,S,\r\n");
    free(csv);
}

/* push with --json and --exit-codes before its "--": one JSON object on stdout (the progress
 * and the table on stderr), the wave's most serious code under the profile asked for. */
static void push_speaks_json_and_msi_codes(void **state)
{
    write_hosts("ok-01\nnotready-b\n");
    char *out, *err, why[256];
    swprintf(args, 4096, L"push --json --exit-codes msi --hosts " HOSTS L" --psexec \"%ls\" -- check --target lsilogic",
             fake);
    int rc = fx_run_split(EXE, args, &out, &err);
    assert_int_equal(rc, 1);   /* not ready somewhere: 1 in both profiles */
    if (!json_check(out, strlen(out), why, sizeof why))
        fail_msg("push --json: stdout is not one JSON value (%s):\n%s", why, out);
    assert_non_null(strstr(out, "\"command\": \"push\""));
    assert_non_null(strstr(out, "\"rc\": 1"));
    assert_non_null(strstr(out, "\"failed\": true"));
    assert_non_null(strstr(err, "notready-b"));   /* the human table went to stderr */
    free(out);
    free(err);
    /* a host list that is not there: exit 2 native, 1639 under msi, still one object */
    swprintf(args, 4096, L"push --json --exit-codes msi --hosts C:\\nowhere.txt --psexec \"%ls\" -- check --target lsilogic",
             fake);
    rc = fx_run_split(EXE, args, &out, &err);
    assert_int_equal(rc, 1639);
    assert_true(json_check(out, strlen(out), why, sizeof why));
    assert_non_null(strstr(out, "\"exit_code\": 2"));
    free(out);
    free(err);
}

static void every_outcome_in_the_results(void **state)
{
    write_hosts("# wave 3\r\nok-a\r\n\r\nnotready-b   # the file server\r\ndown-c\r\nOK-A\r\n"
                "bad host\r\nexit5-d\r\nslow-e\r\nslowtree-f\r\n\\\\srv-g\r\nnotready-b\r\n");
    char *out;
    /* 5 (apply failed, rolled back) is more serious than 8 (not done), 1 and 0 */
    assert_int_equal(push(L"--timeout 4", L"check --target lsilogic --report \"C:\\p2v reports\\\\\"", &out), 5);
    assert_non_null(strstr(out, "line 7: \"bad host\" is not a host name: it holds a space; skipped"));
    assert_non_null(strstr(out, "line 11: \"\\\\srv-g\" is not a host name: it holds a backslash;"));
    assert_non_null(strstr(out, "2 duplicate name(s)"));
    free(out);
    char *csv = results_without_times();
    assert_non_null(csv);
    assert_string_equal(csv,
        "host,exit_code,meaning,seconds,psexec_error\r\n"
        "ok-a,0,done/ready,S,\r\n"
        "notready-b,1,not ready,S,\r\n"
        "down-c,,psexec failed,S,Connecting to down-c... / Couldn't access down-c: / The network path was not found.\r\n"
        "bad host,,invalid host name: holds a space,,\r\n"
        "exit5-d,5,\"apply failed, rolled back\",S,\r\n"
        "slow-e,,timed out,S,Connecting to slow-e...\r\n"
        "slowtree-f,,timed out,S,Connecting to slowtree-f... / Connecting to slowchild-f...\r\n"
        "\\\\srv-g,,invalid host name: holds a backslash,,\r\n");
    free(csv);
    /* the hosts over the limit were ended, and what they had started with them */
    assert_true(recorded(L"ran-", L"slowchild-f"));
    assert_int_equal(count_recorded(L"running-*"), 0);
    assert_false(recorded(L"done-", L"slow-e"));
    assert_false(recorded(L"done-", L"slowtree-f"));
    assert_false(recorded(L"done-", L"slowchild-f"));
    assert_int_equal(count_recorded(L"twice-*"), 0);
    assert_false(recorded(L"ran-", L"bad host"));
    /* the command reached PsExec word for word */
    BYTE *words;
    DWORD size;
    assert_true(fx_read_file(REC L"\\ran-ok-a", &words, &size));
    assert_string_equal((char *)words, "check\n--target\nlsilogic\n--report\nC:\\p2v reports\\\n");
    free(words);
}

static void exit_code_is_the_most_serious(void **state)
{
    write_hosts("ok-a\nnotready-b\n");
    assert_int_equal(push(L"", L"check --target lsilogic", NULL), 1);
    write_hosts("exit5-a\nexit6-b\ndown-c\n");
    assert_int_equal(push(L"", L"check --target lsilogic", NULL), 6);
    write_hosts("ok-a\ndown-c\nexit3-d\n");
    assert_int_equal(push(L"", L"check --target lsilogic", NULL), 8);
}

/* A host over --timeout, the only host of the wave that did not end well (the others
 * ready, no PsExec failure): push exits 8 for it alone. */
static void a_timeout_alone_is_exit_8(void **state)
{
    write_hosts("ok-a\nslow-b\nok-c\n");
    char *out;
    assert_int_equal(push(L"--timeout 2", L"check --target lsilogic", &out), 8);
    assert_non_null(strstr(out, "slow-b: timed out"));
    free(out);
    char *csv = results_without_times();
    assert_non_null(csv);
    assert_string_equal(csv, "host,exit_code,meaning,seconds,psexec_error\r\n"
                             "ok-a,0,done/ready,S,\r\n"
                             "slow-b,,timed out,S,Connecting to slow-b...\r\n"
                             "ok-c,0,done/ready,S,\r\n");
    free(csv);
    assert_true(recorded(L"done-", L"ok-a"));
    assert_true(recorded(L"done-", L"ok-c"));
    assert_false(recorded(L"done-", L"slow-b"));
    assert_int_equal(count_recorded(L"running-*"), 0);
}

/* A list Notepad saved as "Unicode" (UTF-16 with its BOM), comments after names. */
static void utf16_host_list(void **state)
{
    static const wchar_t text[] = L"\xFEFFok-a#old\r\nnotready-b  # the file server\r\nok-c,ok-d\r\n";
    assert_true(fx_write_file(HOSTS, text, sizeof text - sizeof *text));
    char *out;
    assert_int_equal(push(L"", L"check --target lsilogic", &out), 2);
    assert_non_null(strstr(out, "line 3: \"ok-c,ok-d\" is not a host name: it holds a comma"));
    free(out);
    char *csv = results_without_times();
    assert_non_null(csv);
    assert_string_equal(csv, "host,exit_code,meaning,seconds,psexec_error\r\n"
                             "ok-a,0,done/ready,S,\r\n"
                             "notready-b,1,not ready,S,\r\n"
                             "\"ok-c,ok-d\",,\"invalid host name: holds a comma, which PsExec reads as a list of "
                             "hosts\",,\r\n");
    free(csv);
    assert_int_equal(count_recorded(L"ran-*"), 2);
}

static void refusals_write_nothing(void **state)
{
    char *out;
    write_hosts("ok-a\n");
    swprintf(args, 4096, L"push --hosts " HOSTS L" --psexec fake-psexec.exe -- check --target lsilogic");
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_non_null(strstr(out, "--psexec needs a full path"));
    free(out);
    swprintf(args, 4096, L"push --hosts " WORK L"\\nosuch.txt --psexec \"%ls\" -- check --target lsilogic", fake);
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_non_null(strstr(out, "cannot read the host list C:\\p2vpush\\nosuch.txt"));
    free(out);
    swprintf(args, 4096, L"push --hosts " HOSTS L" --psexec C:\\nosuch\\psexec.exe -- check --target lsilogic");
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_non_null(strstr(out, "PsExec not found at C:\\nosuch\\psexec.exe"));
    free(out);
    assert_int_equal(push(L"", L"check --target nosuch", &out), 2);
    assert_non_null(strstr(out, "the command for the hosts"));
    free(out);
    swprintf(args, 4096, L"push --hosts " HOSTS L" --results " WORK L" --psexec \"%ls\" -- check --target lsilogic",
             fake);
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_non_null(strstr(out, "is a folder"));
    free(out);
    swprintf(args, 4096, L"push --hosts " HOSTS L" --results C:\\nosuch\\r.csv --psexec \"%ls\" -- check --target lsilogic",
             fake);
    assert_int_equal(fx_run(EXE, args, &out), 2);
    assert_non_null(strstr(out, "its folder does not exist"));
    free(out);
    write_hosts("# only comments\n\n");
    assert_int_equal(push(L"", L"check --target lsilogic", &out), 2);
    assert_non_null(strstr(out, "no host names in"));
    free(out);
    /* an exe in a folder others may write: PsExec would run what is there as SYSTEM */
    {
        wchar_t exe_copy[MAX_PATH];
        CreateDirectoryW(WORK L"\\open", NULL);
        swprintf(exe_copy, MAX_PATH, L"%ls\\" EXE, fx_bin_dir());
        assert_true(fx_copy_file(exe_copy, WORK L"\\open\\" EXE));
        assert_true(fx_set_file_sddl(WORK L"\\open", L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;WD)"));
        write_hosts("ok-a\n");
        swprintf(args, 4096, L"push --hosts " HOSTS L" --psexec \"%ls\" -- check --target lsilogic", fake);
        assert_int_equal(fx_run(WORK L"\\open\\" EXE, args, &out), 2);
        assert_non_null(strstr(out, "can be written by"));
        free(out);
    }
    static const char big_endian[] = "\xFE\xFF\0o\0k\0-\0a\0\n";
    assert_true(fx_write_file(HOSTS, big_endian, sizeof big_endian - 1));
    assert_int_equal(push(L"", L"check --target lsilogic", &out), 2);
    assert_non_null(strstr(out, "the host list C:\\p2vpush\\hosts.txt is UTF-16 big-endian text"));
    free(out);
    assert_false(fx_file_exists(RESULTS));
    assert_int_equal(count_recorded(L"ran-*"), 0);
}

/* PsExec from PATH: a full-path PATH folder is used; the folder of the p2vprep exe (a
 * download folder) and the current folder are not, even when PATH names them. */
static void psexec_from_path_never_beside_the_exe(void **state)
{
    wchar_t path[4096], old_path[4096], exe_copy[MAX_PATH], cwd[MAX_PATH], cmd[1024];
    char *out;
    CreateDirectoryW(WORK L"\\tools", NULL);
    CreateDirectoryW(WORK L"\\dl", NULL);
    assert_true(fx_copy_file(fake, WORK L"\\tools\\psexec.exe"));
    assert_true(fx_copy_file(fake, WORK L"\\dl\\psexec.exe"));
    swprintf(exe_copy, MAX_PATH, L"%ls\\" EXE, fx_bin_dir());
    assert_true(fx_copy_file(exe_copy, WORK L"\\dl\\" EXE));
    write_hosts("ok-a\n");
    GetEnvironmentVariableW(L"PATH", old_path, 4096);
    GetCurrentDirectoryW(MAX_PATH, cwd);

    /* only the exe's own folder, a relative entry and the current folder: refused */
    SetCurrentDirectoryW(WORK L"\\tools");
    swprintf(path, 4096, L"%ls;tools;%ls", WORK L"\\dl", WORK L"\\tools");
    fx_setenv(L"PATH", path);
    swprintf(cmd, 1024, L"push --hosts " HOSTS L" -- check --target lsilogic");
    assert_int_equal(fx_run(WORK L"\\dl\\" EXE, cmd, &out), 2);
    assert_non_null(strstr(out, "psexec.exe not found in the PATH folders"));
    free(out);
    assert_int_equal(count_recorded(L"ran-*"), 0);

    /* a PATH folder of its own: used */
    SetCurrentDirectoryW(cwd);
    swprintf(path, 4096, L"%ls;\"%ls\";%ls", WORK L"\\dl", WORK L"\\tools", old_path);
    fx_setenv(L"PATH", path);
    assert_int_equal(fx_run(WORK L"\\dl\\" EXE, cmd, &out), 0);
    assert_non_null(strstr(out, "through C:\\p2vpush\\tools\\psexec.exe"));
    free(out);
    fx_setenv(L"PATH", old_path);
    assert_true(recorded(L"ran-", L"ok-a"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(at_most_n_at_once_each_host_once, clean),
        cmocka_unit_test_setup(push_speaks_json_and_msi_codes, clean),
        cmocka_unit_test_setup(every_outcome_in_the_results, clean),
        cmocka_unit_test_setup(exit_code_is_the_most_serious, clean),
        cmocka_unit_test_setup(a_timeout_alone_is_exit_8, clean),
        cmocka_unit_test_setup(utf16_host_list, clean),
        cmocka_unit_test_setup(refusals_write_nothing, clean),
        cmocka_unit_test_setup(psexec_from_path_never_beside_the_exe, clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
