/* push: host list, options, command lines, classification, CSV, ETA and the scheduler
 * over a simulated clock and simulated PsExec processes (no process is started). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "push.h"
#include "exitcodes.h"
#include "wassert.h"

/* ---- host list (its reader and name rule: test_hostlist.c) ---- */

/* A host list file's bytes (UTF-8) as push reads them. */
static void hosts_from(const char *text, struct push_list *l)
{
    assert_int_equal(push_hosts_parse(text, strlen(text), l), ERROR_SUCCESS);
}

static void host_list_comments_blanks_duplicates_invalid(void **state)
{
    /* UTF-16 with its byte order mark, as wchar_t is in memory here */
    static const wchar_t text[] = L"\xFEFFsrv01\r\n# a comment\r\n\r\n  srv02  # the database\r\nSRV01\n"
                                  L"bad host\nsrv\\03\n\\\\srv04\nsrv\x01" L"05\n\t\nsrv02\nlast";
    struct push_list l;
    assert_int_equal(push_hosts_parse(text, sizeof text - sizeof *text, &l), ERROR_SUCCESS);
    assert_int_equal(l.n, 7);
    assert_int_equal(l.n_valid, 3);
    assert_int_equal(l.n_invalid, 4);
    assert_int_equal(l.n_duplicates, 2);
    assert_wstr_equal(l.hosts[0].name, L"srv01");
    assert_int_equal(l.hosts[0].line, 1);
    assert_wstr_equal(l.hosts[1].name, L"srv02");
    assert_int_equal(l.hosts[1].line, 4);
    assert_wstr_equal(l.hosts[2].name, L"bad host");
    assert_int_equal(l.hosts[2].outcome, PUSH_INVALID);
    assert_wstr_equal(l.hosts[2].tail, L"holds a space");
    assert_int_equal(l.hosts[3].outcome, PUSH_INVALID);
    assert_wstr_contains(l.hosts[3].tail, L"backslash");
    assert_int_equal(l.hosts[4].outcome, PUSH_INVALID);
    assert_int_equal(l.hosts[5].outcome, PUSH_INVALID);
    assert_wstr_equal(l.hosts[5].tail, L"holds a control character");
    assert_wstr_equal(l.hosts[6].name, L"last");
    assert_int_equal(l.hosts[6].outcome, PUSH_WAITING);
    push_list_free(&l);
}

static void empty_list(void **state)
{
    struct push_list l;
    hosts_from("# nothing\r\n\r\n", &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.n_valid, 0);
    push_list_free(&l);
}

/* ---- options ---- */

static int parse(struct push_options *o, wchar_t *err, int argc, ...)
{
    static wchar_t *argv[32];
    va_list ap;
    va_start(ap, argc);
    for (int i = 0; i < argc; i++)
        argv[i] = va_arg(ap, wchar_t *);
    va_end(ap);
    return push_parse_args(argc, argv, o, err, 512);
}

static void options_defaults_and_limits(void **state)
{
    struct push_options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 5, L"--hosts", L"h.txt", L"--", L"check", L"--target"), 0);
    assert_wstr_equal(o.hosts, L"h.txt");
    assert_int_equal(o.parallel, 16);
    assert_int_equal(o.timeout_s, 600);
    assert_null(o.psexec);
    assert_int_equal(o.argc, 2);
    assert_wstr_equal(o.argv[0], L"check");
    assert_int_equal(parse(&o, err, 11, L"--hosts", L"h.txt", L"--parallel", L"64", L"--timeout", L"5",
                           L"--psexec", L"\\\\fs\\tools\\psexec.exe", L"--results", L"r.csv", L"--"), EXIT_USAGE);
    assert_wstr_contains(err, L"after \"--\"");
    assert_int_equal(parse(&o, err, 12, L"--hosts", L"h.txt", L"--parallel", L"64", L"--timeout", L"5",
                           L"--psexec", L"C:\\tools\\psexec.exe", L"--results", L"r.csv", L"--", L"find"), 0);
    assert_int_equal(o.parallel, 64);
    assert_int_equal(o.timeout_s, 5);
    assert_wstr_equal(o.results, L"r.csv");
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--parallel", L"0", L"--", L"find"), EXIT_USAGE);
    assert_wstr_contains(err, L"1 to 64");
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--parallel", L"65", L"--", L"find"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--parallel", L"4x", L"--", L"find"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--timeout", L"-1", L"--", L"find"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 2, L"--", L"find"), EXIT_USAGE);
    assert_wstr_contains(err, L"--hosts");
    assert_int_equal(parse(&o, err, 4, L"--hosts", L"h", L"check", L"--target"), EXIT_USAGE);
    assert_wstr_contains(err, L"unknown option \"check\"");
}

static void relative_psexec_refused(void **state)
{
    struct push_options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--psexec", L"psexec.exe", L"--", L"find"), EXIT_USAGE);
    assert_wstr_contains(err, L"full path");
    assert_wstr_contains(err, L"psexec.exe");
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--psexec", L"tools\\psexec.exe", L"--", L"find"),
                     EXIT_USAGE);
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--psexec", L"C:psexec.exe", L"--", L"find"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--psexec", L"\\psexec.exe", L"--", L"find"), EXIT_USAGE);
}

static void command_for_hosts_checked(void **state)
{
    struct push_options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 5, L"--hosts", L"h", L"--", L"check", L"--target"), 0);
    assert_int_equal(push_check_command(&o, err, 512), EXIT_USAGE);
    assert_wstr_contains(err, L"the command for the hosts");
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--", L"check", L"--target", L"nosuch"), 0);
    assert_int_equal(push_check_command(&o, err, 512), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 6, L"--hosts", L"h", L"--", L"push", L"--hosts", L"x"), 0);
    assert_int_equal(push_check_command(&o, err, 512), EXIT_USAGE);
    assert_wstr_contains(err, L"not a command to run on each host");
    assert_int_equal(parse(&o, err, 8, L"--hosts", L"h", L"--", L"apply", L"--target", L"lsilogic",
                           L"--report", L"\\\\fs\\p2v\\reports\\"), 0);
    assert_int_equal(push_check_command(&o, err, 512), 0);
}

/* ---- command lines: every argument comes back as it went in ---- */

static void quoting_round_trips_through_CommandLineToArgvW(void **state)
{
    static const wchar_t *const args[] = {
        L"plain", L"", L"two words", L"C:\\p2v reports\\", L"C:\\reports\\", L"\\\\fs\\share\\",
        L"say \"hi\"", L"a\\\"b", L"tail\\\\", L"\"", L"\\", L"tab\there", L"x\\\\\"y z",
    };
    for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
        struct wbuf cmd = { 0 };
        wbuf_add(&cmd, L"prog.exe ");
        push_quote_arg(&cmd, args[i]);
        int n = 0;
        wchar_t **back = CommandLineToArgvW(cmd.s, &n);
        assert_non_null(back);
        if (n != 2 || wcscmp(back[1], args[i]) != 0) {
            print_error("[%ls] quoted as [%ls] came back as %d words, [%ls]\n", args[i], cmd.s, n,
                        n > 1 ? back[1] : L"");
            fail();
        }
        LocalFree(back);
        wbuf_free(&cmd);
    }
}

static void psexec_command_line(void **state)
{
    wchar_t *argv[] = { L"apply", L"--target", L"lsilogic", L"--report", L"\\\\fs\\p2v reports\\" };
    struct wbuf cmd = { 0 };
    assert_true(push_command_line(&cmd, L"C:\\Tools\\PsExec.exe", L"srv01", L"C:\\p2v\\p2vprep-x86.exe", 5, argv));
    assert_wstr_equal(cmd.s, L"C:\\Tools\\PsExec.exe \\\\srv01 -accepteula -nobanner -s -c -f "
                             L"C:\\p2v\\p2vprep-x86.exe apply --target lsilogic --report \"\\\\fs\\p2v reports\\\\\"");
    wbuf_free(&cmd);
    wchar_t *big = malloc(40000 * sizeof *big);
    wmemset(big, L'x', 39999);
    big[39999] = 0;
    wchar_t *one[] = { big };
    assert_false(push_command_line(&cmd, L"C:\\psexec.exe", L"srv01", L"C:\\p.exe", 1, one));
    wbuf_free(&cmd);
    free(big);
}

static void path_entries(void **state)
{
    assert_true(push_path_is_absolute(L"C:\\Tools"));
    assert_true(push_path_is_absolute(L"\\\\fs\\tools"));
    assert_false(push_path_is_absolute(L"tools"));
    assert_false(push_path_is_absolute(L"."));
    assert_false(push_path_is_absolute(L"C:tools"));
    assert_false(push_path_is_absolute(L"\\tools"));
    assert_true(push_path_entry_usable(L"C:\\Tools", L"C:\\Users\\me\\Downloads", L"C:\\work"));
    assert_true(push_path_entry_usable(L"\"C:\\Sys Tools\"", L"C:\\Users\\me\\Downloads", L"C:\\work"));
    assert_false(push_path_entry_usable(L"", L"C:\\d", L"C:\\w"));
    assert_false(push_path_entry_usable(L".", L"C:\\d", L"C:\\w"));
    assert_false(push_path_entry_usable(L"bin", L"C:\\d", L"C:\\w"));
    assert_false(push_path_entry_usable(L"c:\\users\\me\\downloads\\", L"C:\\Users\\me\\Downloads", L"C:\\w"));
    assert_false(push_path_entry_usable(L"C:\\work", L"C:\\d", L"C:\\work\\"));
    assert_false(push_path_entry_usable(L"C:\\Tools\\..\\work", L"C:\\d", L"C:\\work"));
}

/* ---- what a run meant ---- */

static struct push_host exited(const wchar_t *name, DWORD code, const wchar_t *tail)
{
    struct push_host h;
    memset(&h, 0, sizeof h);
    h.name = name;
    h.outcome = PUSH_EXITED;
    h.exit_code = code;
    h.started_ms = 1000;
    h.ended_ms = 13440;
    wcscpy(h.tail, tail);
    return h;
}

static void classification(void **state)
{
    struct push_verdict v;
    struct push_host h = exited(L"a", 1, L"p2vprep-x86.exe exited on a with error code 1.\r\n");
    push_classify(&h, &v);
    assert_true(v.p2vprep_ran);
    assert_wstr_equal(v.meaning, L"not ready");
    assert_int_equal(v.severity_code, EXIT_NOT_READY);
    /* PsExec's "Access is denied." exits 5, a number p2vprep uses too */
    h = exited(L"a", 5, L"Couldn't access a:\r\nAccess is denied.\r\n");
    push_classify(&h, &v);
    assert_false(v.p2vprep_ran);
    assert_true(v.psexec_failed);
    assert_wstr_equal(v.meaning, L"psexec failed");
    assert_int_equal(v.severity_code, EXIT_PUSH_HOST_FAILED);
    h = exited(L"a", 53, L"The network path was not found.");
    push_classify(&h, &v);
    assert_true(v.psexec_failed);
    h = exited(L"a", 0, L"");
    push_classify(&h, &v);
    assert_true(v.p2vprep_ran);
    assert_wstr_equal(v.meaning, L"done/ready");
    h = exited(L"a", 4, L"");   /* nothing printed: p2vprep's own code */
    push_classify(&h, &v);
    assert_true(v.p2vprep_ran);
    assert_int_equal(v.severity_code, EXIT_ACCESS);
    h = exited(L"a", 0xC0000005, L"p.exe exited on a with error code -1073741819.");
    push_classify(&h, &v);
    assert_true(v.p2vprep_ran);
    assert_wstr_equal(v.meaning, L"unknown exit code");
    assert_int_equal(v.severity_code, EXIT_PUSH_HOST_FAILED);
    h.outcome = PUSH_TIMED_OUT;
    push_classify(&h, &v);
    assert_wstr_equal(v.meaning, L"timed out");
    assert_false(v.p2vprep_ran);
    h.outcome = PUSH_WAITING;
    push_classify(&h, &v);
    assert_wstr_equal(v.meaning, L"not started (stopped by Ctrl+C)");
}

static void severity_order(void **state)
{
    static const int most_serious_first[] = { 6, 5, 8, 4, 3, 7, 2, 1, 0 };
    for (size_t i = 0; i + 1 < sizeof most_serious_first / sizeof *most_serious_first; i++)
        assert_true(push_severity(most_serious_first[i]) > push_severity(most_serious_first[i + 1]));
}

static void results_csv_and_exit_code(void **state)
{
    struct push_list l;
    hosts_from("ok1\nnr2\ndown3\nbad,=host x\nslow4\nlater5\n=formula\n", &l);
    l.hosts[0] = exited(L"ok1", 0, L"p.exe exited on ok1 with error code 0.");
    l.hosts[1] = exited(L"nr2", 1, L"p.exe exited on nr2 with error code 1.");
    l.hosts[2] = exited(L"down3", 53, L"Couldn't access down3:\r\nThe network path was not found.\r\n");
    l.hosts[4] = exited(L"slow4", 0, L"working, \"still\"\n");
    l.hosts[4].outcome = PUSH_TIMED_OUT;
    struct wbuf csv = { 0 };
    push_csv(&l, &csv);
    assert_wstr_equal(csv.s,
        L"host,exit_code,meaning,seconds,psexec_error\r\n"
        L"ok1,0,done/ready,12.4,\r\n"
        L"nr2,1,not ready,12.4,\r\n"
        L"down3,,psexec failed,12.4,Couldn't access down3: / The network path was not found.\r\n"
        L"\"bad,=host x\",,\"invalid host name: holds a comma, which PsExec reads as a list of hosts\",,\r\n"
        L"slow4,,timed out,12.4,\"working, \"\"still\"\"\"\r\n"
        L"later5,,not started (stopped by Ctrl+C),,\r\n"
        L"\"'=formula\",,\"invalid host name: holds a character no host name has (letters, digits, hyphens "
        L"and dots are)\",,\r\n");
    wbuf_free(&csv);
    assert_int_equal(push_exit_code(&l), EXIT_PUSH_HOST_FAILED);
    l.hosts[2] = exited(L"down3", 6, L"p.exe exited on down3 with error code 6.");
    assert_int_equal(push_exit_code(&l), EXIT_ROLLBACK_INCOMPLETE);
    push_list_free(&l);

    hosts_from("a\nb\n", &l);
    l.hosts[0] = exited(L"a", 0, L"");
    l.hosts[1] = exited(L"b", 0, L"");
    assert_int_equal(push_exit_code(&l), EXIT_OK);
    l.hosts[1] = exited(L"b", 1, L"");
    assert_int_equal(push_exit_code(&l), EXIT_NOT_READY);
    push_list_free(&l);
    hosts_from("a\nb c\n", &l);   /* a name that is not one: the list was wrong */
    l.hosts[0] = exited(L"a", 1, L"");
    assert_int_equal(push_exit_code(&l), EXIT_USAGE);
    push_list_free(&l);
}

static void eta_and_progress(void **state)
{
    assert_int_equal(push_eta_s(0, 10, 5000), -1);
    assert_int_equal(push_eta_s(5, 10, 10000), 10);
    assert_int_equal(push_eta_s(10, 10, 10000), 0);
    assert_int_equal(push_eta_s(1, 300, 2000), 598);
    struct push_list l;
    hosts_from("a\nb\nc\nd\n", &l);
    l.hosts[0] = exited(L"a", 0, L"");
    l.hosts[1] = exited(L"b", 1, L"");
    l.hosts[2].outcome = PUSH_RUNNING;
    wchar_t line[256];
    push_progress_text(&l, 61000, line, 256);
    assert_wstr_equal(line, L"2/4 done: 1 ready, 1 not ready, 0 failed; 1 running; 1:01 elapsed, ETA 1:01");
    push_list_free(&l);
}

static void scheduling_decisions(void **state)
{
    struct push_list l;
    size_t i = 99;
    hosts_from("a\nb c\nd\ne\n", &l);
    assert_int_equal(push_next_step(&l, 0, 0, 2, FALSE, &i), PUSH_STEP_START);
    assert_int_equal(i, 0);
    assert_int_equal(push_next_step(&l, 1, 1, 2, FALSE, &i), PUSH_STEP_START);
    assert_int_equal(i, 2);   /* the invalid name is passed over */
    assert_int_equal(push_next_step(&l, 3, 2, 2, FALSE, &i), PUSH_STEP_WAIT);   /* the limit */
    assert_int_equal(push_next_step(&l, 3, 1, 2, TRUE, &i), PUSH_STEP_WAIT);    /* Ctrl+C */
    assert_int_equal(push_next_step(&l, 3, 0, 2, TRUE, &i), PUSH_STEP_DONE);
    assert_int_equal(push_next_step(&l, 4, 0, 2, FALSE, &i), PUSH_STEP_DONE);
    assert_false(push_overdue(1000, 1999, 1));
    assert_true(push_overdue(1000, 2000, 1));
    assert_false(push_overdue(0xFFFFFF00u, 0x100, 1));    /* GetTickCount wrapped */
    assert_true(push_overdue(0xFFFFFF00u, 0x400, 1));
    push_list_free(&l);
}

/* ---- the scheduler over simulated processes and a simulated clock ---- */

struct sim_child { wchar_t host[64]; DWORD ends; BOOL killed; };
struct sim {
    DWORD now;
    unsigned running, max_running, started, stop_after;
    DWORD second_press_at;   /* simulated time of a second Ctrl+C, 0 for none */
    volatile LONG *stop;
    struct sim_child kids[128];
    unsigned n;
};

static struct push_child *sim_start(void *ctx, const wchar_t *app, const wchar_t *cmdline, wchar_t *err, size_t cch)
{
    struct sim *s = ctx;
    const wchar_t *host = wcsstr(cmdline, L"\\\\") + 2;
    (void)app;
    if (!wcsncmp(host, L"nostart", 7)) {
        wcscpy(err, L"The system cannot find the file specified. (0x2)");
        return NULL;
    }
    struct sim_child *c = &s->kids[s->n++];
    wcsncpy(c->host, host, 63);
    c->host[63] = 0;
    if (wcschr(c->host, L' '))
        *wcschr(c->host, L' ') = 0;
    c->ends = !wcsncmp(host, L"slow", 4) ? 0xFFFFFFFFu : s->now + 1000;
    c->killed = FALSE;
    if (++s->running > s->max_running)
        s->max_running = s->running;
    if (++s->started == s->stop_after)
        *s->stop = 1;   /* the operator's Ctrl+C, right after this start */
    (void)cch;
    return (struct push_child *)c;
}

static int sim_wait(void *ctx, struct push_child *const *children, unsigned n, DWORD ms)
{
    struct sim *s = ctx;
    int first = -1;
    if (s->second_press_at && s->now >= s->second_press_at)
        *s->stop = 2;
    for (unsigned i = 0; i < n; i++) {
        struct sim_child *c = (struct sim_child *)children[i];
        if (first < 0 || c->ends < ((struct sim_child *)children[first])->ends)
            first = (int)i;
    }
    struct sim_child *c = first >= 0 ? (struct sim_child *)children[first] : NULL;
    if (c && c->ends <= s->now + ms) {
        s->now = c->ends > s->now ? c->ends : s->now;
        return first;
    }
    s->now += ms;
    return -1;
}

static void sim_kill(void *ctx, struct push_child *pc)
{
    struct sim *s = ctx;
    struct sim_child *c = (struct sim_child *)pc;
    c->killed = TRUE;
    c->ends = s->now;
}

static DWORD sim_finish(void *ctx, struct push_child *pc, wchar_t *tail, size_t cch)
{
    struct sim *s = ctx;
    struct sim_child *c = (struct sim_child *)pc;
    s->running--;
    wcscpy(tail, !wcsncmp(c->host, L"down", 4) ? L"The network path was not found." : L"");
    (void)cch;
    return c->killed ? ERROR_TIMEOUT : !wcsncmp(c->host, L"down", 4) ? 53 : !wcsncmp(c->host, L"nr", 2) ? 1 : 0;
}

static DWORD sim_now(void *ctx) { return ((struct sim *)ctx)->now; }

static void run_sim(struct push_list *l, const char *list_text, unsigned parallel, unsigned timeout_s,
                    struct sim *s, volatile LONG *stop)
{
    hosts_from(list_text, l);
    struct push_spawner sp = { s, sim_start, sim_wait, sim_kill, sim_finish, sim_now };
    struct push_options o;
    memset(&o, 0, sizeof o);
    o.parallel = parallel;
    o.timeout_s = timeout_s;
    s->stop = stop;
    push_run(l, &o, L"C:\\psexec.exe", L"C:\\p2vprep.exe", &sp, stop, NULL, NULL);
}

static void scheduler_throttles_and_times_out(void **state)
{
    struct sim s;
    struct push_list l;
    volatile LONG stop = 0;
    memset(&s, 0, sizeof s);
    run_sim(&l, "h1\nh2\nslow3\nh4\nnr5\ndown6\nh7\nnostart8\nh9\nh10\nh11\nh12\n", 3, 5, &s, &stop);
    assert_int_equal(s.max_running, 3);
    assert_int_equal(s.started, 11);
    assert_int_equal(s.running, 0);
    for (size_t i = 0; i < l.n; i++)
        assert_int_not_equal(l.hosts[i].outcome, PUSH_WAITING);
    assert_int_equal(l.hosts[2].outcome, PUSH_TIMED_OUT);
    assert_int_equal(l.hosts[2].ended_ms - l.hosts[2].started_ms, 5000);
    assert_int_equal(l.hosts[7].outcome, PUSH_START_FAILED);
    assert_wstr_contains(l.hosts[7].tail, L"cannot find");
    assert_int_equal(l.hosts[5].exit_code, 53);
    assert_int_equal(push_exit_code(&l), EXIT_PUSH_HOST_FAILED);
    /* 11 one-second runs, 3 at a time, one lane held 5 s by the slow host */
    assert_true(s.now <= 6000);
    push_list_free(&l);
}

/* A host over --timeout is a host not done: push exits 8 even when it is the only host
 * that did not end well, every other one ready and no PsExec failure among them. */
static void a_timeout_alone_is_exit_8(void **state)
{
    struct sim s;
    struct push_list l;
    volatile LONG stop = 0;
    memset(&s, 0, sizeof s);
    run_sim(&l, "h1\nslow2\nh3\n", 3, 5, &s, &stop);
    assert_int_equal(l.hosts[1].outcome, PUSH_TIMED_OUT);
    for (size_t i = 0; i < l.n; i++) {
        struct push_verdict v;
        push_classify(&l.hosts[i], &v);
        assert_false(v.psexec_failed);
        if (i == 1) {
            assert_wstr_equal(v.meaning, L"timed out");
            continue;
        }
        assert_int_equal(l.hosts[i].outcome, PUSH_EXITED);
        assert_int_equal(l.hosts[i].exit_code, 0);
        assert_true(v.p2vprep_ran);
        assert_int_equal(v.severity_code, EXIT_OK);
    }
    struct wbuf csv = { 0 };
    push_csv(&l, &csv);
    assert_wstr_equal(csv.s, L"host,exit_code,meaning,seconds,psexec_error\r\n"
                             L"h1,0,done/ready,1.0,\r\nslow2,,timed out,5.0,\r\nh3,0,done/ready,1.0,\r\n");
    wbuf_free(&csv);
    assert_int_equal(push_exit_code(&l), EXIT_PUSH_HOST_FAILED);
    push_list_free(&l);
}

/* Hosts that end by themselves while the scheduler was busy are never counted as timed
 * out, and a busy scheduler still ends the slow one on time. */
static void busy_scheduler_times_out_on_time_only(void **state)
{
    struct sim s;
    struct push_list l;
    volatile LONG stop = 0;
    char text[1024] = "slow0\n";
    memset(&s, 0, sizeof s);
    for (int i = 1; i < 60; i++)
        snprintf(text + strlen(text), 16, "h%d\n", i);
    run_sim(&l, text, 16, 1, &s, &stop);   /* every run lasts exactly the limit: 1 s */
    for (size_t i = 1; i < l.n; i++)
        assert_int_equal(l.hosts[i].outcome, PUSH_EXITED);
    assert_int_equal(l.hosts[0].outcome, PUSH_TIMED_OUT);
    assert_int_equal(l.hosts[0].ended_ms - l.hosts[0].started_ms, 1000);
    push_list_free(&l);
}

static void ctrl_c_stops_new_starts_and_waits(void **state)
{
    struct sim s;
    struct push_list l;
    volatile LONG stop = 0;
    memset(&s, 0, sizeof s);
    s.stop_after = 4;
    run_sim(&l, "h1\nh2\nh3\nh4\nh5\nh6\nh7\n", 2, 60, &s, &stop);
    assert_int_equal(s.started, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(l.hosts[i].outcome, PUSH_EXITED);   /* the running ones finished */
    for (size_t i = 4; i < 7; i++)
        assert_int_equal(l.hosts[i].outcome, PUSH_WAITING);
    struct wbuf csv = { 0 };
    push_csv(&l, &csv);
    assert_wstr_contains(csv.s, L"h7,,not started (stopped by Ctrl+C),,\r\n");
    wbuf_free(&csv);
    assert_int_equal(push_exit_code(&l), EXIT_PUSH_HOST_FAILED);
    push_list_free(&l);
}

static void second_ctrl_c_ends_the_running(void **state)
{
    struct sim s;
    struct push_list l;
    volatile LONG stop = 0;
    memset(&s, 0, sizeof s);
    s.stop_after = 2;          /* first press right after the second start */
    s.second_press_at = 3000;  /* the slow ones would run 600 s */
    run_sim(&l, "slow1\nslow2\nh3\n", 2, 600, &s, &stop);
    assert_int_equal(s.running, 0);
    assert_int_equal(l.hosts[0].outcome, PUSH_KILLED);
    assert_int_equal(l.hosts[1].outcome, PUSH_KILLED);
    assert_int_equal(l.hosts[2].outcome, PUSH_WAITING);
    assert_true(s.now < 5000);
    struct wbuf csv = { 0 };
    push_csv(&l, &csv);
    assert_wstr_contains(csv.s, L"slow1,,stopped by Ctrl+C while running,3.5,\r\n");
    wbuf_free(&csv);
    push_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_list_comments_blanks_duplicates_invalid),
        cmocka_unit_test(empty_list),
        cmocka_unit_test(options_defaults_and_limits),
        cmocka_unit_test(relative_psexec_refused),
        cmocka_unit_test(command_for_hosts_checked),
        cmocka_unit_test(quoting_round_trips_through_CommandLineToArgvW),
        cmocka_unit_test(psexec_command_line),
        cmocka_unit_test(path_entries),
        cmocka_unit_test(classification),
        cmocka_unit_test(severity_order),
        cmocka_unit_test(results_csv_and_exit_code),
        cmocka_unit_test(eta_and_progress),
        cmocka_unit_test(scheduling_decisions),
        cmocka_unit_test(scheduler_throttles_and_times_out),
        cmocka_unit_test(a_timeout_alone_is_exit_8),
        cmocka_unit_test(busy_scheduler_times_out_on_time_only),
        cmocka_unit_test(ctrl_c_stops_new_starts_and_waits),
        cmocka_unit_test(second_ctrl_c_ends_the_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
