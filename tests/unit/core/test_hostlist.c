/* The host list of push and summarize (hostlist.h): one reader and one name rule. The
 * same bytes go to push_hosts_parse and to summarize_parse_hosts, and both must take the
 * same hosts from the same lines and refuse the same lines, in UTF-8 (with and without a
 * BOM) and in UTF-16 little-endian with its BOM. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "hostlist.h"
#include "push.h"
#include "summarize.h"
#include "wassert.h"

/* What each command takes from a file: its hosts as "name@line\n", and for each line it
 * refuses "line N: why\n" (push: its invalid hosts; summarize: its notes, which must
 * say the same). */
struct view { struct wbuf hosts, refused; DWORD rc; };

static void push_view(const void *data, size_t size, struct view *v)
{
    struct push_list l;
    memset(v, 0, sizeof *v);
    v->rc = push_hosts_parse(data, size, &l);
    wbuf_add(&v->hosts, L"");
    wbuf_add(&v->refused, L"");
    for (size_t i = 0; v->rc == ERROR_SUCCESS && i < l.n; i++) {
        const struct push_host *h = &l.hosts[i];
        if (h->outcome == PUSH_INVALID) {
            wchar_t shown[48];
            hostlist_shown(h->name, shown, COUNTOF(shown));
            wbuf_addf(&v->refused, L"line %u: \"%ls\" is not a host name: it %ls\n", h->line, shown, h->tail);
        } else {
            assert_int_equal(h->outcome, PUSH_WAITING);
            wbuf_addf(&v->hosts, L"%ls@%u\n", h->name, h->line);
        }
    }
    push_list_free(&l);
}

static void summarize_view(const void *data, size_t size, struct view *v, size_t *duplicates_noted)
{
    struct wave_hosts h = { 0 };
    struct summarize_log log = { 0 };
    memset(v, 0, sizeof *v);
    v->rc = summarize_parse_hosts(data, size, L"hosts.txt", &h, &log);
    wbuf_add(&v->hosts, L"");
    wbuf_add(&v->refused, L"");
    for (size_t i = 0; i < h.n; i++)
        wbuf_addf(&v->hosts, L"%ls@%u\n", h.v[i].host, h.v[i].line);
    *duplicates_noted = 0;
    assert_int_equal(log.more, 0);
    for (size_t i = 0; i < log.n; i++) {
        static const wchar_t skipped[] = L"; line skipped";
        const wchar_t *note = log.line[i];
        size_t n = wcslen(note);
        if (wcsstr(note, L"name a host named before")) {
            unsigned long d = 0;
            assert_int_equal(swscanf(note, L"hosts.txt: %lu line(s)", &d), 1);
            *duplicates_noted = d;
            continue;
        }
        if (v->rc != ERROR_SUCCESS)
            continue;
        assert_true(wcsncmp(note, L"hosts.txt line ", 15) == 0);
        assert_true(n > wcslen(skipped) && wcscmp(note + n - wcslen(skipped), skipped) == 0);
        wbuf_addf(&v->refused, L"%.*ls\n", (int)(n - wcslen(skipped) - 10), note + 10);
    }
    wave_hosts_free(&h);
}

static void view_free(struct view *v)
{
    wbuf_free(&v->hosts);
    wbuf_free(&v->refused);
}

/* Both commands on data: the same hosts and refusals, and the ones wanted. */
static void both_take(const void *data, size_t size, const wchar_t *hosts, const wchar_t *refused,
                      size_t duplicates)
{
    struct view p, s;
    size_t noted;
    push_view(data, size, &p);
    summarize_view(data, size, &s, &noted);
    assert_int_equal(p.rc, ERROR_SUCCESS);
    assert_int_equal(s.rc, ERROR_SUCCESS);
    assert_wstr_equal(p.hosts.s, s.hosts.s);
    assert_wstr_equal(p.refused.s, s.refused.s);
    assert_wstr_equal(p.hosts.s, hosts);
    assert_wstr_equal(p.refused.s, refused);
    assert_int_equal(noted, duplicates);
    struct push_list l;
    assert_int_equal(push_hosts_parse(data, size, &l), ERROR_SUCCESS);
    assert_int_equal(l.n_duplicates, duplicates);
    push_list_free(&l);
    view_free(&p);
    view_free(&s);
}

#define LABEL64_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LABEL64 L"" LABEL64_A

/* One list, as an admin writes it: comments after a name and on their own lines, blank
 * lines, names again in other case, a comma list, an over-long label, addresses. */
static const wchar_t wave_text[] =
    L"# wave 7\r\n"                                        /* 1 */
    L"srv01#old\r\n"                                       /* 2: srv01, the comment cut */
    L"  db01.corp.example.com   # the SQL box\r\n"         /* 3 */
    L"\r\n"                                                /* 4 */
    L"SRV01\r\n"                                           /* 5: srv01 again */
    L"srv1,dc01\r\n"                                       /* 6: PsExec would run on both */
    LABEL64 L"\r\n"                                        /* 7: a label of 64 */
    L"fe80::1:2ff:fe3a:4b5c\r\n"                           /* 8 */
    L"10.1.2.3\r\n"                                        /* 9 */
    L"bad name\r\n"                                        /* 10 */
    L"Z\u00fcrich-FS01\n"                                  /* 11 */
    L"Z\u00dcRICH-fs01\n"                                  /* 12: the same, in other case */
    L"OLD_NT4\t\n"                                         /* 13 */
    L"last";                                               /* 14: no line end */

static const wchar_t wave_hosts_want[] =
    L"srv01@2\ndb01.corp.example.com@3\nfe80::1:2ff:fe3a:4b5c@8\n10.1.2.3@9\nZ\u00fcrich-FS01@11\n"
    L"OLD_NT4@13\nlast@14\n";
/* the 64 letters shown cut to 44 and "..." */
static const wchar_t wave_refused_want[] =
    L"line 6: \"srv1,dc01\" is not a host name: it holds a comma, which PsExec reads as a list of hosts\n"
    L"line 7: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is not a host name: it has a label longer "
    L"than 63 characters\n"
    L"line 10: \"bad name\" is not a host name: it holds a space\n";

static void same_list_same_hosts_in_utf8_and_utf16(void **state)
{
    int len;
    assert_int_equal(wcsstr(wave_refused_want, L"...") - wcsstr(wave_refused_want, L"\"aaa") - 1, 44);
    char *utf8 = utf8_from_wide(wave_text, &len);
    assert_non_null(utf8);
    both_take(utf8, (size_t)len, wave_hosts_want, wave_refused_want, 2);

    char *bom = malloc((size_t)len + 3);
    memcpy(bom, "\xEF\xBB\xBF", 3);
    memcpy(bom + 3, utf8, (size_t)len);
    both_take(bom, (size_t)len + 3, wave_hosts_want, wave_refused_want, 2);

    /* Notepad's "Unicode": UTF-16 little-endian after FF FE, as wchar_t is in memory here */
    size_t units = wcslen(wave_text);
    BYTE *utf16 = malloc(2 + units * 2);
    utf16[0] = 0xFF;
    utf16[1] = 0xFE;
    memcpy(utf16 + 2, wave_text, units * 2);
    both_take(utf16, 2 + units * 2, wave_hosts_want, wave_refused_want, 2);
    free(utf8);
    free(bom);
    free(utf16);
}

/* A line that is not UTF-8 (an old Notepad's ANSI "Z\u00fcrich"), and control characters:
 * refused by both with their line numbers, the rest read. */
static void lines_that_are_no_text_are_refused_by_both(void **state)
{
    static const char text[] = "srv01\nZ\xfcrich\nctl\x01name\nsrv02\r\n  \t \nsrv\r03\n";
    both_take(text, sizeof text - 1, L"srv01@1\nsrv02@4\n",
              L"line 2: \"Z\ufffdrich\" is not a host name: it is not UTF-8 text (save the list as UTF-8, or as "
              L"Notepad's \"Unicode\")\n"
              L"line 3: \"ctl?name\" is not a host name: it holds a control character\n"
              L"line 6: \"srv?03\" is not a host name: it holds a control character\n", 0);
    both_take("", 0, L"", L"", 0);
    both_take("\xEF\xBB\xBF", 3, L"", L"", 0);
    both_take("\xFF\xFE", 2, L"", L"", 0);
}

/* A file that is no host list at all: push runs nothing, summarize stops (exit 2 in
 * main.c), both saying why. */
static void files_that_are_no_host_list_are_refused_by_both(void **state)
{
    static const struct { const char *data; size_t size; const wchar_t *why; } cases[] = {
        { "\xFE\xFF\0s\0r\0v", 8, L"is UTF-16 big-endian text" },
        { "s\0r\0v\0\n\0", 8, L"holds NUL bytes: UTF-16 text without its byte order mark?" },
        { "\xFF\xFEs\0r", 5, L"is UTF-16 text that ends in half a character" },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        struct push_list l;
        struct wave_hosts h = { 0 };
        struct summarize_log log = { 0 };
        assert_int_equal(push_hosts_parse(cases[i].data, cases[i].size, &l), ERROR_INVALID_DATA);
        assert_wstr_contains(l.names.problem, cases[i].why);
        assert_int_equal(l.n, 0);
        push_list_free(&l);
        assert_int_equal(summarize_parse_hosts(cases[i].data, cases[i].size, L"w.txt", &h, &log), ERROR_INVALID_DATA);
        assert_int_equal(h.n, 0);
        assert_int_equal(log.n, 1);
        assert_true(wcsncmp(log.line[0], L"w.txt ", 6) == 0);
        assert_wstr_contains(log.line[0], cases[i].why);
    }
    /* 100,000 lines are read, one more is not a host list to run */
    size_t n = (HOSTLIST_MAX_LINES + 1) * 2;
    char *many = malloc(n);
    for (size_t i = 0; i < n; i += 2)
        many[i] = 'a', many[i + 1] = '\n';
    struct push_list l;
    assert_int_equal(push_hosts_parse(many, n - 2, &l), ERROR_SUCCESS);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_duplicates, HOSTLIST_MAX_LINES - 1);
    push_list_free(&l);
    assert_int_equal(push_hosts_parse(many, n, &l), ERROR_INVALID_DATA);
    assert_wstr_equal(l.names.problem, L"has more than 100,000 lines");
    push_list_free(&l);
    struct wave_hosts h = { 0 };
    struct summarize_log log = { 0 };
    assert_int_equal(summarize_parse_hosts(many, n, L"w.txt", &h, &log), ERROR_INVALID_DATA);
    assert_wstr_equal(log.line[0], L"w.txt has more than 100,000 lines");
    free(many);
}

/* The rule for a name, one case per reason. */
static void host_name_rule(void **state)
{
    wchar_t longest[HOSTLIST_NAME_MAX + 2], label63[64];
    wmemset(label63, L'b', 63);
    label63[63] = 0;
    /* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
    swprintf(longest, COUNTOF(longest), L"%ls.%ls.%ls.%.61ls", label63, label63, label63, label63);
    assert_int_equal(wcslen(longest), HOSTLIST_NAME_MAX);
    static const wchar_t *const good[] = {
        L"srv01", L"SRV-01", L"a", L"OLD_NT4", L"_NT4_", L"Z\u00dcRICH-FS01", L"\u6771\u4eac01",
        L"srv-01.corp.example.com", L"xn--zrich-kva.example", L"1srv.example",
        L"10.1.2.3", L"0.0.0.0", L"255.255.255.255",
        L"::1", L"::", L"fe80::1:2ff:fe3a:4b5c", L"2001:DB8:0:0:0:0:0:1", L"::ffff:192.0.2.1", L"1::",
        L"1:2:3:4:5:6:7::", L"1:2:3:4:5:6:1.2.3.4",
    };
    for (size_t i = 0; i < COUNTOF(good); i++) {
        const wchar_t *why = hostlist_name_problem(good[i]);
        if (why)
            print_error("\"%ls\" refused: %ls\n", good[i], why);
        assert_null(why);
    }
    assert_null(hostlist_name_problem(label63));
    assert_null(hostlist_name_problem(longest));
    wcscat(longest, L"b");
    assert_wstr_equal(hostlist_name_problem(longest), L"is longer than 253 characters");

    static const struct { const wchar_t *name, *why; } bad[] = {
        { L"", L"is empty" },
        { LABEL64, L"has a label longer than 63 characters" },
        { L"srv01." LABEL64, L"has a label longer than 63 characters" },
        { L"srv1,dc01", L"holds a comma, which PsExec reads as a list of hosts" },
        { L"bad name", L"holds a space" },
        { L"tab\tname", L"holds a space" },
        { L"\\\\srv01", L"holds a backslash" },
        { L"srv\"01", L"holds a quote" },
        { L"srv'01", L"holds a quote" },
        { L"srv\x01", L"holds a control character" },
        { L"srv\x7f", L"holds a control character" },
        { L"srv@01", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"srv/01", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"*", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"<b>", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"srv\u00a001", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"srv1\uff0cdc01", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"RTL-\u202egpj.exe", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"fe80::1%eth0", L"holds a character no host name has (letters, digits, hyphens and dots are)" },
        { L"1234", L"is neither a name nor an IPv4 address (four numbers from 0 to 255, no leading zeros)" },
        { L"10.1.2", L"is neither a name nor an IPv4 address (four numbers from 0 to 255, no leading zeros)" },
        { L"010.1.2.3", L"is neither a name nor an IPv4 address (four numbers from 0 to 255, no leading zeros)" },
        { L"256.1.2.3", L"is neither a name nor an IPv4 address (four numbers from 0 to 255, no leading zeros)" },
        { L"1.2.3.4.5", L"is neither a name nor an IPv4 address (four numbers from 0 to 255, no leading zeros)" },
        { L"1:2:3:4:5:6:7:8:9", L"is not an IPv6 address" },
        { L"1:2:3:4:5:6:7", L"is not an IPv6 address" },
        { L"1::2::3", L"is not an IPv6 address" },
        { L":1", L"is not an IPv6 address" },
        { L"1:", L"is not an IPv6 address" },
        { L"12345::1", L"is not an IPv6 address" },
        { L"::1.2.3", L"is not an IPv6 address" },
        { L"srv:01", L"is not an IPv6 address" },
        { L"srv_01.corp.example.com", L"holds an underscore, which only a NetBIOS name (15 characters at most, no dots) may hold" },
        { L"A_NAME_OF_SIXTEEN", L"holds an underscore, which only a NetBIOS name (15 characters at most, no dots) may hold" },
        { L"srv01.", L"has an empty label (two dots in a row, or a dot at the start or end)" },
        { L"srv01..corp", L"has an empty label (two dots in a row, or a dot at the start or end)" },
        { L"-srv.corp", L"has a label that starts or ends with a hyphen" },
        { L"srv.corp-", L"has a label that starts or ends with a hyphen" },
    };
    for (size_t i = 0; i < COUNTOF(bad); i++) {
        const wchar_t *why = hostlist_name_problem(bad[i].name);
        if (!why || wcscmp(why, bad[i].why))
            print_error("\"%ls\": %ls, expected %ls\n", bad[i].name, why ? why : L"accepted", bad[i].why);
        assert_non_null(why);
        assert_wstr_equal(why, bad[i].why);
    }
}

/* push-results.csv names its hosts by the same rule: a host summarize would not take
 * from a host list it does not take from push-results either. */
static void push_results_hosts_follow_the_same_rule(void **state)
{
    static const char text[] =
        "host,exit_code,meaning,seconds,psexec_error\r\n"
        "srv01,0,done/ready,1,\r\n"
        "\"srv1,dc01\",,\"invalid host name: holds a comma, which PsExec reads as a list of hosts\",,\r\n"
        "fe80::1,1,not ready,1,\r\n"
        LABEL64_A ",0,done/ready,1,\r\n"
        "srv01#old,0,done/ready,1,\r\n";
    struct wave_hosts h = { 0 };
    struct summarize_log log = { 0 };
    assert_int_equal(summarize_parse_push(text, sizeof text - 1, L"push-results.csv", &h, &log), ERROR_SUCCESS);
    assert_int_equal(h.n, 2);
    assert_wstr_equal(h.v[0].host, L"srv01");
    assert_wstr_equal(h.v[1].host, L"fe80::1");
    static const wchar_t *const notes[] = {
        L"push-results.csv line 3: \"srv1,dc01\" is not a host name: it holds a comma, which PsExec reads as "
        L"a list of hosts; line skipped",
        L"push-results.csv line 5: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is not a host name: it "
        L"has a label longer than 63 characters; line skipped",
        L"push-results.csv line 6: \"srv01#old\" is not a host name: it holds a character no host name has "
        L"(letters, digits, hyphens and dots are); line skipped",
    };
    assert_int_equal(log.n, COUNTOF(notes));
    for (size_t i = 0; i < COUNTOF(notes); i++)
        assert_wstr_equal(log.line[i], notes[i]);
    wave_hosts_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_list_same_hosts_in_utf8_and_utf16),
        cmocka_unit_test(lines_that_are_no_text_are_refused_by_both),
        cmocka_unit_test(files_that_are_no_host_list_are_refused_by_both),
        cmocka_unit_test(host_name_rule),
        cmocka_unit_test(push_results_hosts_follow_the_same_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
