/* `summarize` (summarize.c): the JSON reader on strings, the sample reports in
 * tests/unit/fleet/reports (the folder comes as the first argument, a Unix path; Wine shows it
 * as Z:), temp folders for file names and times, and the table, CSV and HTML outputs.
 *
 * last_run is the report's "time" (APP01, NAS01, WEB03), else the file's last-write time,
 * which a checkout sets to "now": the sample test checks its form on every row, then
 * blanks the file times before comparing the CSV with reports/expected.csv byte for byte.
 * A file time itself is checked on a temp copy whose time the test sets
 * (file_time_is_utc_minutes). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "summarize.h"
#include "text.h"
#include "wassert.h"

static wchar_t reports_dir[MAX_PATH];

/* ---- summarize_parse on strings -------------------------------------------------------- */

/* Parses len bytes placed right before a no-access page, so that reading one byte past
 * the end crashes the test. Parsed fields start stale; file and last_run must survive. */
static const struct host_row *parse_n(const char *json, size_t len)
{
    static struct host_row row;
    SYSTEM_INFO si;
    DWORD old;
    GetSystemInfo(&si);
    size_t page = si.dwPageSize, span = (len + page - 1) / page * page;
    BYTE *base = VirtualAlloc(NULL, span + page, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    assert_non_null(base);
    assert_true(VirtualProtect(base + span, page, PAGE_NOACCESS, &old));
    char *text = (char *)base + span - len;
    memcpy(text, json, len);

    memset(&row, 0, sizeof row);
    wcscpy(row.file, L"(file)");
    wcscpy(row.last_run, L"(last_run)");
    wcscpy(row.reason, L"(stale)");
    wcscpy(row.host, L"(stale)");
    wcscpy(row.os, L"(stale)");
    wcscpy(row.arch, L"(st)");
    wcscpy(row.command, L"(stale)");
    wcscpy(row.targets, L"(stale)");
    wcscpy(row.first_problem, L"(stale)");
    row.valid = 42;
    row.ready = row.exit_code = row.n_problems = 42;
    summarize_parse(len ? text : NULL, len, &row);
    VirtualFree(base, 0, MEM_RELEASE);

    assert_wstr_equal(row.file, L"(file)");
    if (!row.last_run_from_report)
        assert_wstr_equal(row.last_run, L"(last_run)");
    assert_true(row.valid || !row.last_run_from_report);
    assert_true(row.valid == TRUE || row.valid == FALSE);
    return &row;
}

static const struct host_row *parse(const char *json)
{
    return parse_n(json, strlen(json));
}

static void assert_valid(const struct host_row *r)
{
    if (!r->valid)
        print_error("invalid: %ls\n", r->reason);
    assert_true(r->valid);
    assert_wstr_equal(r->reason, L"");
}

/* An invalid row carries its reason and nothing else. */
static void assert_invalid(const struct host_row *r, const wchar_t *reason)
{
    assert_false(r->valid);
    assert_wstr_equal(r->reason, reason);
    assert_wstr_equal(r->host, L"");
    assert_wstr_equal(r->os, L"");
    assert_wstr_equal(r->arch, L"");
    assert_wstr_equal(r->command, L"");
    assert_wstr_equal(r->targets, L"");
    assert_wstr_equal(r->first_problem, L"");
    assert_int_equal(r->ready, -1);
    assert_int_equal(r->exit_code, -1);
    assert_int_equal(r->n_problems, 0);
}

static const char full_report[] =
    "{\n"
    "  \"version\": \"0.1.0\",\n"
    "  \"exe_arch\": \"x86\",\n"
    "  \"computer\": \"SRV-DB07\",\n"
    "  \"command\": \"check\",\n"
    "  \"targets\": [\"lsilogic\", \"pvscsi\"],\n"
    "  \"os\": {\"version\": \"5.2.3790\", \"service_pack\": 2, \"arch\": \"x86\", \"wow64\": false, "
    "\"systemroot\": \"C:\\\\WINDOWS\", \"product_type\": \"server\"},\n"
    "  \"control_sets\": [\"ControlSet001\", \"ControlSet002\"],\n"
    "  \"select\": {\"Current\": 1, \"Default\": 1, \"LastKnownGood\": 2, \"Failed\": null},\n"
    "  \"payload_dir\": \"C:\\\\p2v\\\\payload\",\n"
    "  \"state_dir\": \"C:\\\\WINDOWS\\\\p2vprep\",\n"
    "  \"journal\": null,\n"
    "  \"changes\": [\n"
    "    {\"kind\": \"registry\", \"target\": \"lsilogic\", \"control_set\": \"ControlSet002\", "
    "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet002\\\\Services\\\\symmpi\", \"name\": \"Start\", "
    "\"type\": \"REG_DWORD\", \"old_type\": \"REG_DWORD\", \"old\": 3, \"new\": 0},\n"
    "    {\"kind\": \"file\", \"target\": \"pvscsi\", \"path\": \"C:\\\\WINDOWS\\\\system32\\\\drivers\\\\pvscsi.sys\", "
    "\"name\": \"pvscsi.sys\", \"type\": \"file\", \"old\": \"absent\", \"new\": \"C:\\\\p2v\\\\payload\\\\x86\\\\pvscsi.sys\"}\n"
    "  ],\n"
    "  \"problems\": [\n"
    "    {\"code\": \"value-wrong\", \"message\": \"lsilogic: ControlSet002: Services\\\\symmpi\\\\Start is 3 (REG_DWORD), needs 0 (REG_DWORD).\"},\n"
    "    {\"code\": \"file-missing\", \"message\": \"pvscsi: C:\\\\WINDOWS\\\\system32\\\\drivers\\\\pvscsi.sys is missing; \\u00e9\\ud83d\\ude00 "
    "Z\xc3\xbc" "rich \xe2\x82\xac \xf0\x9f\x98\x80\"}\n"
    "  ],\n"
    "  \"ready\": false,\n"
    "  \"exit_code\": 1,\n"
    "  \"writes\": 0,\n"
    "  \"elapsed_ms\": 12.500\n"
    "}\n";

static void full_report_fills_every_field(void **state)
{
    const struct host_row *r = parse(full_report);
    assert_valid(r);
    assert_wstr_equal(r->host, L"SRV-DB07");
    assert_wstr_equal(r->os, L"5.2.3790");
    assert_wstr_equal(r->arch, L"x86");
    assert_wstr_equal(r->command, L"check");
    assert_wstr_equal(r->targets, L"lsilogic,pvscsi");
    assert_int_equal(r->ready, 0);
    assert_int_equal(r->exit_code, 1);
    assert_int_equal(r->n_problems, 2);
    assert_wstr_equal(r->first_problem,
                      L"lsilogic: ControlSet002: Services\\symmpi\\Start is 3 (REG_DWORD), needs 0 (REG_DWORD).");

    r = parse("{\"computer\":\"A\",\"ready\":true,\"exit_code\":0}");
    assert_valid(r);
    assert_int_equal(r->ready, 1);
    assert_int_equal(r->exit_code, 0);
}

static void missing_and_null_optional_fields_are_empty(void **state)
{
    const struct host_row *r = parse("{\"computer\":\"LONELY\"}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"LONELY");
    assert_wstr_equal(r->os, L"");
    assert_wstr_equal(r->arch, L"");
    assert_wstr_equal(r->command, L"");
    assert_wstr_equal(r->targets, L"");
    assert_wstr_equal(r->first_problem, L"");
    assert_int_equal(r->ready, -1);
    assert_int_equal(r->exit_code, -1);
    assert_int_equal(r->n_problems, 0);

    r = parse("{\"computer\":\"N\",\"command\":null,\"targets\":null,\"os\":null,\"problems\":null,"
              "\"ready\":null,\"exit_code\":null}");
    assert_valid(r);
    assert_wstr_equal(r->command, L"");
    assert_wstr_equal(r->targets, L"");
    assert_wstr_equal(r->os, L"");
    assert_int_equal(r->ready, -1);
    assert_int_equal(r->exit_code, -1);
    assert_int_equal(r->n_problems, 0);

    r = parse("{\"computer\":\"E\",\"targets\":[],\"os\":{},\"problems\":[]}");
    assert_valid(r);
    assert_wstr_equal(r->targets, L"");
    assert_wstr_equal(r->os, L"");

    /* a problem without a message shows its code */
    r = parse("{\"computer\":\"C\",\"problems\":[{\"code\":\"only-code\"},{\"message\":\"second\"}]}");
    assert_valid(r);
    assert_int_equal(r->n_problems, 2);
    assert_wstr_equal(r->first_problem, L"only-code");
}

static void string_escapes(void **state)
{
    const struct host_row *r = parse("{\"computer\":\"A\\\"B\\\\C\\/D\\bE\\fF\\nG\\rH\\tI\"}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"A\"B\\C/D\bE\fF\nG\rH\tI");

    r = parse("{\"computer\":\"X\",\"problems\":[{\"message\":\"say \\\"hi\\\", then\\nleave\"}]}");
    assert_valid(r);
    assert_wstr_equal(r->first_problem, L"say \"hi\", then\nleave");

    /* keys are unescaped before they are compared */
    r = parse("{\"comp\\u0075ter\":\"ESCAPED-KEY\"}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"ESCAPED-KEY");
}

static void unicode_escapes_and_surrogate_pairs(void **state)
{
    const struct host_row *r = parse("{\"computer\":\"Z\\u00fcrich-\\u20ac-\\uD83D\\uDE00-\\u0041\"}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"Z\u00fcrich-\u20ac-\U0001F600-A");
    assert_int_equal(r->host[9], 0xD83D);
    assert_int_equal(r->host[10], 0xDE00);

    /* the same characters as raw UTF-8 */
    r = parse("{\"computer\":\"Z\xc3\xbc" "rich-\xe2\x82\xac-\xf0\x9f\x98\x80-A\"}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"Z\u00fcrich-\u20ac-\U0001F600-A");

    /* the highest code point, lowercase hex */
    r = parse("{\"computer\":\"\\udbff\\udfff\"}");
    assert_valid(r);
    assert_int_equal(r->host[0], 0xDBFF);
    assert_int_equal(r->host[1], 0xDFFF);
    assert_int_equal(r->host[2], 0);
}

static void bad_strings_are_refused_with_the_byte(void **state)
{
    static const struct { const char *json; const wchar_t *reason; } cases[] = {
        /* {"computer":" is 13 bytes: the string's text starts at byte 13 */
        { "{\"computer\":\"\\ud800\"}", L"not JSON: unpaired surrogate \\uD800 at byte 13" },
        { "{\"computer\":\"\\udc00\"}", L"not JSON: unpaired surrogate \\uDC00 at byte 13" },
        { "{\"computer\":\"\\ud800\\u0041\"}", L"not JSON: unpaired surrogate \\uD800 at byte 13" },
        { "{\"computer\":\"\\ud800x\"}", L"not JSON: unpaired surrogate \\uD800 at byte 13" },
        { "{\"computer\":\"\\ud800\\n\"}", L"not JSON: unpaired surrogate \\uD800 at byte 13" },
        { "{\"computer\":\"\\u12G4\"}", L"not JSON: bad \\u escape at byte 13" },
        { "{\"computer\":\"\\x\"}", L"not JSON: bad escape at byte 13" },
        { "{\"computer\":\"\\U00e9\"}", L"not JSON: bad escape at byte 13" },
        { "{\"computer\":\"a\xc3\x28\"}", L"not JSON: invalid UTF-8 at byte 14" },
        { "{\"computer\":\"\xc0\x80\"}", L"not JSON: invalid UTF-8 at byte 13" },          /* overlong */
        { "{\"computer\":\"\xe0\x80\xaf\"}", L"not JSON: invalid UTF-8 at byte 13" },      /* overlong */
        { "{\"computer\":\"\xed\xa0\x80\"}", L"not JSON: invalid UTF-8 at byte 13" },      /* surrogate */
        { "{\"computer\":\"\xf4\x90\x80\x80\"}", L"not JSON: invalid UTF-8 at byte 13" },  /* > U+10FFFF */
        { "{\"computer\":\"\x80\"}", L"not JSON: invalid UTF-8 at byte 13" },
        { "{\"computer\":\"\xff\"}", L"not JSON: invalid UTF-8 at byte 13" },
        { "{\"computer\":\"a\tb\"}", L"not JSON: control character 0x09 in a string at byte 14" },
        { "{\"computer\":\"a\nb\"}", L"not JSON: control character 0x0A in a string at byte 14" },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        print_message("    %s\n", cases[i].json);
        assert_invalid(parse(cases[i].json), cases[i].reason);
    }
}

static void not_json_is_refused_with_the_byte(void **state)
{
    /* sizeof: the length with any NULs inside */
#define CASE(json, reason) { json, reason, sizeof(json) - 1 }
    static const struct { const char *json; const wchar_t *reason; size_t len; } cases[] = {
        CASE("hello", L"not JSON: unexpected 'h' at byte 0"),
        CASE("<html><body>404</body></html>", L"not JSON: unexpected '<' at byte 0"),
        CASE("   \r\n", L"not JSON: unexpected end at byte 5"),
        CASE("\xff\xfe{\0\"\0", L"not JSON: UTF-16 text, expected UTF-8"),
        CASE("{'computer':1}", L"not JSON: unexpected ''' at byte 1"),
        CASE("{computer:1}", L"not JSON: unexpected 'c' at byte 1"),
        CASE("{\"computer\" \"A\"}", L"not JSON: unexpected '\"' at byte 12"),
        CASE("{\"computer\":\"A\" \"ready\":true}", L"not JSON: unexpected '\"' at byte 16"),
        CASE("{\"computer\":\"A\",}", L"not JSON: unexpected '}' at byte 16"),
        CASE("{\"computer\":\"A\"} x", L"not JSON: unexpected 'x' at byte 17"),
        CASE("{\"computer\":\"A\"}{}", L"not JSON: unexpected '{' at byte 16"),
        CASE("{\"computer\":\"A\",\"ready\":tru}", L"not JSON: unexpected '}' at byte 27"),
        CASE("{\"computer\":\"A\",\"ready\":TRUE}", L"not JSON: unexpected 'T' at byte 24"),
        CASE("{\"computer\":\"A\",\"x\":[1,]}", L"not JSON: unexpected ']' at byte 23"),
        CASE("{\"computer\":\"A\",\"x\":[,1]}", L"not JSON: unexpected ',' at byte 21"),
        CASE("{\"computer\":\"A\",\"x\":[1 2]}", L"not JSON: unexpected '2' at byte 23"),
        CASE("{\"computer\":\"A\",\"x\":{\"k\"}}", L"not JSON: unexpected '}' at byte 24"),
        CASE("{\"computer\":\"A\",\"x\":\x01}", L"not JSON: unexpected byte 0x01 at byte 20"),
        CASE("{\"computer\":\"A\"}\x00", L"not JSON: unexpected byte 0x00 at byte 16"),
        CASE("[1,2]", L"not a report: the top level is an array, not an object"),
        CASE("\"text\"", L"not a report: the top level is a string, not an object"),
        CASE("null", L"not a report: the top level is null, not an object"),
        CASE("[1,2] [", L"not JSON: unexpected '[' at byte 6"),
    };
#undef CASE
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        print_message("    %s\n", cases[i].json);
        assert_invalid(parse_n(cases[i].json, cases[i].len), cases[i].reason);
    }
    assert_invalid(parse_n("", 0), L"empty file");

    /* a UTF-8 BOM is allowed */
    assert_valid(parse("\xef\xbb\xbf{\"computer\":\"BOM\"}"));
    /* whitespace around the object is allowed */
    assert_valid(parse(" \t\r\n{ \"computer\" : \"WS\" } \r\n"));
}

static void numbers(void **state)
{
    static const char *const ok[] = {
        "0", "-0", "7", "-12", "3.25", "-0.5e-3", "1E+10", "2e9", "1.0E-2",
        "123456789012345678901234567890", "-123456789012345678901234567890.5",
    };
    static const struct { const char *num; const wchar_t *reason; } bad[] = {
        /* {"computer":"A","n": is 20 bytes */
        { "01", L"not JSON: unexpected '1' at byte 21" },
        { "-01", L"not JSON: unexpected '1' at byte 22" },
        { "1.", L"not JSON: unexpected '}' at byte 22" },
        { "-", L"not JSON: unexpected '}' at byte 21" },
        { ".5", L"not JSON: unexpected '.' at byte 20" },
        { "+1", L"not JSON: unexpected '+' at byte 20" },
        { "1e", L"not JSON: unexpected '}' at byte 22" },
        { "1e+", L"not JSON: unexpected '}' at byte 23" },
        { "0x10", L"not JSON: unexpected 'x' at byte 21" },
        { "1.5.2", L"not JSON: unexpected '.' at byte 23" },
        { "NaN", L"not JSON: unexpected 'N' at byte 20" },
        { "-Infinity", L"not JSON: unexpected 'I' at byte 21" },
    };
    char json[128];
    for (size_t i = 0; i < COUNTOF(ok); i++) {
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"n\":%s}", ok[i]);
        print_message("    %s\n", json);
        assert_valid(parse(json));
    }
    for (size_t i = 0; i < COUNTOF(bad); i++) {
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"n\":%s}", bad[i].num);
        print_message("    %s\n", json);
        assert_invalid(parse(json), bad[i].reason);
    }

    static const struct { const char *num; int value; } codes[] = {
        { "0", 0 }, { "7", 7 }, { "-3", -3 }, { "2147483647", 2147483647 },
        { "-2147483648", -2147483647 - 1 }, { "-0", 0 },
    };
    for (size_t i = 0; i < COUNTOF(codes); i++) {
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"exit_code\":%s}", codes[i].num);
        const struct host_row *r = parse(json);
        assert_valid(r);
        assert_int_equal(r->exit_code, codes[i].value);
    }
    static const char *const not_int[] = { "1.5", "1e2", "2147483648", "-2147483649",
                                           "99999999999999999999999", "0.0" };
    for (size_t i = 0; i < COUNTOF(not_int); i++) {
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"exit_code\":%s}", not_int[i]);
        print_message("    %s\n", json);
        assert_invalid(parse(json), L"\"exit_code\" is not an integer in the range of int");
    }
}

static void unknown_keys_and_nested_objects_are_skipped(void **state)
{
    const struct host_row *r = parse(
        "{\"version\":\"9.9\",\"extra\":{\"computer\":\"WRONG\",\"ready\":false,\"os\":{\"arch\":\"bad\"},"
        "\"list\":[{\"computer\":\"W2\"},[[{\"exit_code\":9}]],\"s\",1.5e3,true,false,null,{}],\"e\":[]},"
        "\"computer\":\"REAL\",\"os\":{\"version\":\"5.2.3790\",\"nested\":{\"arch\":\"WRONG\",\"version\":\"X\"},"
        "\"arch\":\"x86\",\"more\":[{\"arch\":\"W\"}]},"
        "\"problems\":[{\"code\":\"c1\",\"message\":\"first\",\"detail\":{\"message\":\"WRONG\"}},"
        "{\"message\":\"second\",\"list\":[1,[2,[3]]]}],"
        "\"ready\":true,\"exit_code\":0,\"tail\":{\"problems\":[{\"message\":\"W\"}],\"computer\":\"W3\"},"
        "\"Computer\":\"case matters\",\"\":\"empty key\",\"\\u00e9\":1}");
    assert_valid(r);
    assert_wstr_equal(r->host, L"REAL");
    assert_wstr_equal(r->os, L"5.2.3790");
    assert_wstr_equal(r->arch, L"x86");
    assert_wstr_equal(r->first_problem, L"first");
    assert_int_equal(r->n_problems, 2);
    assert_int_equal(r->ready, 1);
    assert_int_equal(r->exit_code, 0);
}

static void depth_limit(void **state)
{
    char json[256];
    /* {"computer":"A","x": is 20 bytes; the object counts as the first level */
    for (int levels = SUMMARIZE_MAX_DEPTH - 1; levels <= SUMMARIZE_MAX_DEPTH; levels++) {
        int n = snprintf(json, sizeof json, "{\"computer\":\"A\",\"x\":");
        for (int i = 0; i < levels; i++)
            json[n++] = '[';
        for (int i = 0; i < levels; i++)
            json[n++] = ']';
        json[n++] = '}';
        json[n] = 0;
        const struct host_row *r = parse(json);
        if (levels < SUMMARIZE_MAX_DEPTH) {
            assert_valid(r);
        } else {
            wchar_t want[96];
            wfmt(want, COUNTOF(want), L"not JSON: nested deeper than %d at byte %d", SUMMARIZE_MAX_DEPTH,
                 20 + SUMMARIZE_MAX_DEPTH - 1);
            assert_invalid(r, want);
        }
    }
    /* objects count too, and a deep document is refused without a crash */
    static char deep[100000];
    size_t n = 0;
    for (int i = 0; i < 20000; i++)
        memcpy(deep + n, "{\"a\":", 5), n += 5;
    const struct host_row *r = parse_n(deep, n);
    assert_invalid(r, L"not JSON: nested deeper than 32 at byte 160");
}

/* A half-written report, cut at any byte, is "unexpected end" at that byte. */
static void every_truncation_is_unexpected_end(void **state)
{
    size_t full = strlen(full_report);
    size_t end = strrchr(full_report, '}') - full_report + 1;   /* the rest is a newline */
    for (size_t len = 1; len < end; len++) {
        wchar_t want[64];
        const struct host_row *r = parse_n(full_report, len);
        wfmt(want, COUNTOF(want), L"not JSON: unexpected end at byte %lu", (unsigned long)len);
        if (r->valid || wcscmp(r->reason, want))
            print_error("cut at %lu: %ls\n", (unsigned long)len, r->reason);
        assert_invalid(r, want);
    }
    assert_valid(parse_n(full_report, end));
    assert_valid(parse_n(full_report, full));
}

static void wrong_types_are_named(void **state)
{
    static const struct { const char *json; const wchar_t *reason; } cases[] = {
        { "{\"computer\":5}", L"\"computer\" is a number, expected a string" },
        { "{\"computer\":null}", L"\"computer\" is null, expected a string" },
        { "{\"computer\":[\"A\"]}", L"\"computer\" is an array, expected a string" },
        { "{\"computer\":\"\"}", L"\"computer\" is empty" },
        { "{\"version\":\"0.1.0\",\"ready\":true}", L"not a report: no \"computer\"" },
        { "{}", L"not a report: no \"computer\"" },
        { "{\"computer\":\"A\",\"command\":[]}", L"\"command\" is an array, expected a string" },
        { "{\"computer\":\"A\",\"targets\":\"lsilogic\"}", L"\"targets\" is a string, expected an array" },
        { "{\"computer\":\"A\",\"targets\":[\"lsilogic\",7]}", L"\"targets[1]\" is a number, expected a string" },
        { "{\"computer\":\"A\",\"os\":[]}", L"\"os\" is an array, expected an object" },
        { "{\"computer\":\"A\",\"os\":{\"arch\":64}}", L"\"os.arch\" is a number, expected a string" },
        { "{\"computer\":\"A\",\"os\":{\"version\":{}}}", L"\"os.version\" is an object, expected a string" },
        { "{\"computer\":\"A\",\"problems\":{}}", L"\"problems\" is an object, expected an array" },
        { "{\"computer\":\"A\",\"problems\":[{\"message\":\"x\"},\"y\"]}",
          L"\"problems[1]\" is a string, expected an object" },
        { "{\"computer\":\"A\",\"problems\":[{\"code\":\"c\",\"message\":false}]}",
          L"\"problems[0].message\" is a boolean, expected a string" },
        { "{\"computer\":\"A\",\"problems\":[{},{\"code\":1}]}", L"\"problems[1].code\" is a number, expected a string" },
        { "{\"computer\":\"A\",\"ready\":1}", L"\"ready\" is a number, expected true or false" },
        { "{\"computer\":\"A\",\"ready\":\"yes\"}", L"\"ready\" is a string, expected true or false" },
        { "{\"computer\":\"A\",\"exit_code\":\"1\"}", L"\"exit_code\" is a string, expected an integer" },
        { "{\"computer\":\"A\",\"exit_code\":false}", L"\"exit_code\" is a boolean, expected an integer" },
        { "{\"computer\":\"A\",\"computer\":\"B\"}", L"duplicate key \"computer\"" },
        { "{\"computer\":\"A\",\"ready\":true,\"ready\":false}", L"duplicate key \"ready\"" },
        /* the first wrong type is named */
        { "{\"computer\":\"A\",\"ready\":0,\"exit_code\":\"x\"}", L"\"ready\" is a number, expected true or false" },
        /* a wrong type in a report that is also cut short: cut short wins */
        { "{\"computer\":5,\"ready\":tr", L"not JSON: unexpected end at byte 24" },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        print_message("    %s\n", cases[i].json);
        assert_invalid(parse(cases[i].json), cases[i].reason);
    }
}

static void long_fields_are_cut_with_an_ellipsis(void **state)
{
    char json[4096];
    wchar_t want[512];
    int n;

    /* host: 253 characters fit (the longest host name), 254 do not */
    char name[300];
    wchar_t wname[300];
    memset(name, 'h', 254);
    name[253] = 0;
    n = snprintf(json, sizeof json, "{\"computer\":\"%s\"}", name);
    assert_wstr_equal(parse(json)->host, wfmt(wname, COUNTOF(wname), L"%hs", name));
    name[253] = 'h';
    name[254] = 0;
    n = snprintf(json, sizeof json, "{\"computer\":\"%s\"}", name);
    wfmt(wname, COUNTOF(wname), L"%.250hs...", name);
    assert_wstr_equal(parse(json)->host, wname);

    /* targets: a long list ends in "..." */
    n = snprintf(json, sizeof json, "{\"computer\":\"A\",\"targets\":[");
    for (int i = 0; i < 20; i++)
        n += snprintf(json + n, sizeof json - n, "%s\"target%02d\"", i ? "," : "", i);
    snprintf(json + n, sizeof json - n, "]}");
    const struct host_row *r = parse(json);
    assert_valid(r);
    assert_int_equal(wcslen(r->targets), COUNTOF(r->targets) - 1);
    assert_wstr_equal(r->targets + COUNTOF(r->targets) - 4, L"...");
    assert_memory_equal(r->targets, L"target00,target01,", 18 * sizeof(wchar_t));

    /* first problem: 251 letters then an emoji across the cut: the pair is not split */
    n = snprintf(json, sizeof json, "{\"computer\":\"A\",\"problems\":[{\"message\":\"");
    for (int i = 0; i < 251; i++)
        json[n++] = 'a';
    snprintf(json + n, sizeof json - n, "\\ud83d\\ude00 and more text\"}]}");
    r = parse(json);
    assert_valid(r);
    for (int i = 0; i < 251; i++)
        want[i] = L'a';
    wcscpy(want + 251, L"...");
    assert_wstr_equal(r->first_problem, want);
}

/* "time" (report.c writes it with GetSystemTime) becomes last_run; the file's time stays
 * only when there is none; a time in another form makes the report invalid. */
static void report_time_is_last_run(void **state)
{
    const struct host_row *r = parse("{\"computer\":\"A\",\"time\":\"2026-11-29T23:40:00Z\"}");
    assert_valid(r);
    assert_true(r->last_run_from_report);
    assert_wstr_equal(r->last_run, L"2026-11-29 23:40");
    r = parse("{\"time\":\"2024-02-29T00:00:59.125Z\",\"computer\":\"A\"}");
    assert_valid(r);
    assert_wstr_equal(r->last_run, L"2024-02-29 00:00");
    r = parse("{\"computer\":\"A\",\"time\":null}");
    assert_valid(r);
    assert_false(r->last_run_from_report);
    assert_wstr_equal(r->last_run, L"(last_run)");
    r = parse("{\"computer\":\"A\"}");
    assert_false(r->last_run_from_report);
    assert_wstr_equal(r->last_run, L"(last_run)");

    static const char *const bad[] = {
        "\"2026-11-29 23:40:00Z\"", "\"2026-11-29T23:40:00\"", "\"2026-11-29T23:40:00+01:00\"",
        "\"2026-13-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"2026-11-29T24:00:00Z\"",
        "\"2026-11-29T23:60:00Z\"", "\"2026-11-29T23:40:00.Z\"", "\"26-11-29T23:40:00Z\"",
        "\"\"", "\"2026-11-29T23:40:00Z \"", "\"=1+1\"",
    };
    for (size_t i = 0; i < COUNTOF(bad); i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"time\":%s}", bad[i]);
        r = parse(json);
        assert_invalid(r, L"\"time\" is not a UTC time like 2026-11-29T23:40:00Z");
        assert_wstr_equal(r->last_run, L"(last_run)");
    }
    assert_invalid(parse("{\"computer\":\"A\",\"time\":1764459600}"), L"\"time\" is a number, expected a string");
    /* a report cut short after its time is cut short, and keeps the file's time */
    r = parse("{\"computer\":\"A\",\"time\":\"2026-11-29T23:40:00Z\",");
    assert_false(r->valid);
    assert_wstr_equal(r->last_run, L"(last_run)");
}

/* ---- the sample folder ------------------------------------------------------------------ */

static const wchar_t *const sample_order[] = {
    L"APP01.json", L"app02.json", L"DB01.json", L"DB02.json", L"FILESRV.json", L"MAIL01.json",
    L"NAS01.json", L"PRINT01.json", L"SQL01.json", L"WEB03.json", L"Z\u00dcRICH-FS01.json",
};

static void load_samples(struct summary *s)
{
    DWORD rc = summarize_dir(reports_dir, s);
    assert_int_equal(rc, ERROR_SUCCESS);
    assert_int_equal(s->n, COUNTOF(sample_order));
}

static char *read_all(const wchar_t *path, DWORD *size)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    *size = GetFileSize(h, NULL);
    char *buf = malloc(*size + 1);
    DWORD done = 0;
    assert_true(ReadFile(h, buf, *size, &done, NULL));
    assert_int_equal(done, *size);
    CloseHandle(h);
    buf[*size] = 0;
    return buf;
}

static BOOL is_minute_stamp(const wchar_t *s)
{
    static const wchar_t form[] = L"dddd-dd-dd dd:dd";
    if (wcslen(s) != wcslen(form))
        return FALSE;
    for (size_t i = 0; form[i]; i++)
        if (form[i] == L'd' ? !(s[i] >= L'0' && s[i] <= L'9') : s[i] != form[i])
            return FALSE;
    return TRUE;
}

static void sample_folder_matches_expected_csv(void **state)
{
    struct summary s;
    load_samples(&s);
    for (size_t i = 0; i < s.n; i++)
        assert_wstr_equal(s.rows[i].file, sample_order[i]);
    assert_int_equal(s.ready, 4);
    assert_int_equal(s.not_ready, 2);
    assert_int_equal(s.invalid, 5);
    assert_int_equal(s.name_differs, 1);

    const struct host_row *db01 = &s.rows[2], *zurich = &s.rows[10], *nas = &s.rows[6];
    /* a report under another computer's name: still read, flagged in the reason column */
    assert_true(nas->valid);
    assert_true(nas->name_differs);
    assert_wstr_equal(nas->host, L"NAS02");
    assert_wstr_equal(nas->reason, L"computer \"NAS02\" differs from the file name NAS01.json");
    /* the case of the file name does not matter (app02.json holds "app02", APP01.json "APP01") */
    for (size_t i = 0; i < s.n; i++)
        assert_true(s.rows[i].name_differs == (i == 6));
    /* the report's own time wins over the file's */
    assert_true(s.rows[0].last_run_from_report);
    assert_wstr_equal(s.rows[0].last_run, L"2026-11-29 23:40");
    assert_wstr_equal(nas->last_run, L"2026-11-30 02:15");
    assert_wstr_equal(s.rows[9].file, L"WEB03.json");
    assert_wstr_equal(s.rows[9].last_run, L"2026-11-28 08:05");
    assert_valid(db01);
    assert_wstr_equal(db01->host, L"DB01");
    assert_wstr_equal(db01->first_problem,
                      L"lsilogic: ControlSet002: Services\\symmpi\\Group is \"SCSI Class\" (REG_SZ), "
                      L"needs \"SCSI miniport\" (REG_SZ).\nRun \"apply\", then check again.");
    assert_wstr_equal(zurich->host, L"Z\u00dcRICH-FS01");
    assert_wstr_equal(s.rows[3].reason, L"not JSON: unexpected end at byte 613");

    for (size_t i = 0; i < s.n; i++) {
        if (!is_minute_stamp(s.rows[i].last_run))
            print_error("%ls: last_run \"%ls\"\n", s.rows[i].file, s.rows[i].last_run);
        assert_true(is_minute_stamp(s.rows[i].last_run));
        assert_true(s.rows[i].last_run_from_report == (i == 0 || i == 6 || i == 9));
        if (!s.rows[i].last_run_from_report)
            s.rows[i].last_run[0] = 0;   /* the checkout's time */
    }

    struct wbuf table = { 0 };
    summarize_table(&s, &table);
    assert_true(table.ok);
    assert_wstr_contains(table.s, L"11 reports: 4 ready, 2 not ready, 5 invalid; 1 under a file name "
                                  L"that is not its computer's");
    assert_wstr_contains(table.s, L"computer \"NAS02\" differs from the file name NAS01.json");
    wbuf_free(&table);

    struct wbuf csv = { 0 };
    summarize_csv(&s, &csv);
    assert_true(csv.ok);
    int len;
    char *got = utf8_from_wide(csv.s, &len);
    wchar_t path[MAX_PATH];
    DWORD size;
    char *want = read_all(wfmt(path, COUNTOF(path), L"%ls\\expected.csv", reports_dir), &size);
    if ((DWORD)len != size || memcmp(got, want, size)) {
        size_t k = 0;
        while (k < size && k < (size_t)len && got[k] == want[k])
            k++;
        print_error("CSV differs from expected.csv at byte %lu (%d vs %lu bytes)\n--- got:\n%s\n",
                    (unsigned long)k, len, (unsigned long)size, got);
    }
    assert_int_equal(len, size);
    assert_memory_equal(got, want, size);
    free(got);
    free(want);
    wbuf_free(&csv);
    summary_free(&s);
    assert_null(s.rows);
    assert_int_equal(s.n, 0);
}

/* ---- temp folders ----------------------------------------------------------------------- */

static void remove_tree(const wchar_t *dir);

static void temp_dir(wchar_t *dir, const wchar_t *name)
{
    wchar_t tmp[MAX_PATH];
    assert_true(GetTempPathW(MAX_PATH, tmp) > 0);
    wfmt(dir, MAX_PATH, L"%lsp2v-summarize-%ls-%lu", tmp, name, (unsigned long)GetCurrentProcessId());
    remove_tree(dir);                       /* left by an earlier run that failed */
    assert_true(CreateDirectoryW(dir, NULL));
}

static void put_file(const wchar_t *dir, const wchar_t *name, const char *text, const FILETIME *when)
{
    wchar_t path[MAX_PATH];
    DWORD done;
    wfmt(path, COUNTOF(path), L"%ls\\%ls", dir, name);
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(h != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(h, text, (DWORD)strlen(text), &done, NULL));
    if (when)
        assert_true(SetFileTime(h, NULL, NULL, when));
    CloseHandle(h);
}

static void remove_tree(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(wfmt(pattern, COUNTOF(pattern), L"%ls\\*", dir), &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            wfmt(path, COUNTOF(path), L"%ls\\%ls", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(path);
            else
                DeleteFileW(path);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

static void only_json_files_count_and_file_time_is_utc_minutes(void **state)
{
    wchar_t dir[MAX_PATH], sub[MAX_PATH];
    SYSTEMTIME st = { 2026, 11, 4, 26, 1, 2, 33, 500 };   /* 2026-11-26 01:02:33.5 UTC */
    FILETIME ft;
    struct summary s;
    assert_true(SystemTimeToFileTime(&st, &ft));
    temp_dir(dir, L"files");
    put_file(dir, L"bravo.json", "{\"computer\":\"BRAVO\",\"ready\":true}", &ft);
    put_file(dir, L"alpha.JSON", "{\"computer\":\"alpha\",\"ready\":false}", NULL);
    put_file(dir, L"bravo.json.tmp", "{\"computer\":\"TEMP\"}", NULL);
    put_file(dir, L"notes.txt", "not a report", NULL);
    put_file(dir, L"x.jsonl", "{\"computer\":\"JSONL\"}", NULL);
    put_file(dir, L".json", "{\"computer\":\"NO-STEM\"}", NULL);
    CreateDirectoryW(wfmt(sub, COUNTOF(sub), L"%ls\\folder.json", dir), NULL);
    put_file(sub, L"inner.json", "{\"computer\":\"INNER\"}", NULL);

    /* with and without a trailing backslash */
    for (int k = 0; k < 2; k++) {
        wchar_t arg[MAX_PATH];
        wfmt(arg, COUNTOF(arg), k ? L"%ls\\" : L"%ls", dir);
        assert_int_equal(summarize_dir(arg, &s), ERROR_SUCCESS);
        assert_int_equal(s.n, 2);
        assert_wstr_equal(s.rows[0].host, L"alpha");
        assert_wstr_equal(s.rows[0].file, L"alpha.JSON");
        assert_wstr_equal(s.rows[1].host, L"BRAVO");
        assert_wstr_equal(s.rows[1].last_run, L"2026-11-26 01:02");
        assert_int_equal(s.ready, 1);
        assert_int_equal(s.not_ready, 1);
        assert_int_equal(s.invalid, 0);
        assert_int_equal(s.not_read, 0);
        summary_free(&s);
    }
    /* a cap on what is read: the rest is counted, never read */
    assert_int_equal(summarize_dir_max(dir, &s, 1), ERROR_SUCCESS);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.not_read, 1);
    summary_free(&s);
    remove_tree(dir);
}

/* Invalid rows sort by file name without ".json", among the hosts; ties by file name. */
static void invalid_rows_sort_by_file_stem(void **state)
{
    wchar_t dir[MAX_PATH];
    struct summary s;
    temp_dir(dir, L"sort");
    put_file(dir, L"c.json", "{\"computer\":\"B-HOST\"}", NULL);
    put_file(dir, L"A-BROKEN.json", "{\"computer\":", NULL);
    put_file(dir, L"c-broken.json", "", NULL);
    put_file(dir, L"a.json", "{\"computer\":\"b-host\"}", NULL);
    assert_int_equal(summarize_dir(dir, &s), ERROR_SUCCESS);
    assert_int_equal(s.n, 4);
    assert_wstr_equal(s.rows[0].file, L"A-BROKEN.json");
    assert_wstr_equal(s.rows[1].file, L"a.json");      /* B-HOST = b-host: by file name */
    assert_wstr_equal(s.rows[2].file, L"c.json");
    assert_wstr_equal(s.rows[3].file, L"c-broken.json");
    assert_int_equal(s.invalid, 2);
    assert_int_equal(s.not_ready, 2);
    summary_free(&s);
    remove_tree(dir);
}

/* A file over SUMMARIZE_MAX_FILE is not read; one just under is (and is not JSON). */
static void huge_file_is_invalid(void **state)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    struct summary s;
    temp_dir(dir, L"huge");
    for (int k = 0; k < 2; k++) {
        HANDLE h = CreateFileW(wfmt(path, COUNTOF(path), L"%ls\\%ls", dir, k ? L"big.json" : L"huge.json"),
                               GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        assert_true(h != INVALID_HANDLE_VALUE);
        assert_int_not_equal(SetFilePointer(h, SUMMARIZE_MAX_FILE + 1 - k, NULL, FILE_BEGIN),
                             INVALID_SET_FILE_POINTER);
        assert_true(SetEndOfFile(h));
        CloseHandle(h);
    }
    assert_int_equal(summarize_dir(dir, &s), ERROR_SUCCESS);
    assert_int_equal(s.n, 2);
    assert_wstr_equal(s.rows[0].file, L"big.json");
    assert_wstr_equal(s.rows[0].reason, L"not JSON: unexpected byte 0x00 at byte 0");
    assert_wstr_equal(s.rows[1].file, L"huge.json");
    assert_wstr_equal(s.rows[1].reason, L"too big for a report (over 16 MB)");
    summary_free(&s);
    remove_tree(dir);
}

static void missing_folder_is_an_error_empty_folder_is_not(void **state)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    struct summary s;
    temp_dir(dir, L"empty");
    assert_int_equal(summarize_dir(dir, &s), ERROR_SUCCESS);
    assert_int_equal(s.n, 0);
    assert_null(s.rows);

    DWORD rc = summarize_dir(wfmt(path, COUNTOF(path), L"%ls\\no-such-folder", dir), &s);
    assert_true(rc == ERROR_PATH_NOT_FOUND || rc == ERROR_FILE_NOT_FOUND);
    assert_int_equal(s.n, 0);

    put_file(dir, L"plain.txt", "x", NULL);
    rc = summarize_dir(wfmt(path, COUNTOF(path), L"%ls\\plain.txt", dir), &s);
    assert_int_not_equal(rc, ERROR_SUCCESS);
    assert_int_equal(s.n, 0);
    summary_free(&s);
    remove_tree(dir);
}

/* ---- outputs ---------------------------------------------------------------------------- */

static void table_lines_up(void **state)
{
    struct summary s;
    struct wbuf t = { 0 };
    load_samples(&s);
    summarize_table(&s, &t);
    assert_true(t.ok);

    /* the counts per target set and per OS first */
    assert_true(wcsncmp(t.s, L"TARGETS  ", 9) == 0);
    static const struct { const wchar_t *name; int width, n[5]; } groups[] = {
        /* the widest name of each block sets its width: lsilogic,pvscsi and Windows Server 2008 R2 SP1 */
        { L"TARGETS", 15, { -1 } },
        { L"(unknown)", 15, { 0, 0, 5, 0, 5 } },
        { L"lsilogic", 15, { 2, 1, 0, 0, 3 } },
        { L"lsilogic,pvscsi", 15, { 1, 0, 0, 0, 1 } },
        { L"lsisas1068", 15, { 0, 1, 0, 0, 1 } },
        { L"pvscsi", 15, { 1, 0, 0, 0, 1 } },
        { L"OS", 26, { -1 } },
        { L"(unknown)", 26, { 0, 0, 5, 0, 5 } },
        { L"Windows Server 2003 SP2", 26, { 2, 1, 0, 0, 3 } },
        { L"<script>\"'&</x>", 26, { 1, 0, 0, 0, 1 } },   /* app02's hostile os.version, no name */
        { L"Windows 2000 SP4", 26, { 0, 1, 0, 0, 1 } },
        { L"Windows Server 2008 R2 SP1", 26, { 1, 0, 0, 0, 1 } },
    };
    const wchar_t *at = t.s;
    for (size_t i = 0; i < COUNTOF(groups); i++) {
        wchar_t want[160];
        if (groups[i].n[0] < 0)
            wfmt(want, COUNTOF(want), L"%-*ls      READY  NOT READY    INVALID    MISSING      TOTAL\n",
                 groups[i].width, groups[i].name);
        else
            wfmt(want, COUNTOF(want), L"%-*ls  %9d  %9d  %9d  %9d  %9d\n", groups[i].width, groups[i].name,
                 groups[i].n[0], groups[i].n[1], groups[i].n[2], groups[i].n[3], groups[i].n[4]);
        if (wcsncmp(at, want, wcslen(want)))
            print_error("want: %ls\ngot:  %.*ls\n", want, (int)wcslen(want), at);
        assert_true(wcsncmp(at, want, wcslen(want)) == 0);
        at += wcslen(want);
        if (i == 5) {
            assert_true(*at == L'\n');   /* a blank line between the blocks */
            at++;
        }
    }
    wchar_t *table = wcsstr(t.s, L"\nHOST ");
    assert_non_null(table);

    /* one line per report, a header and the totals: DB01's newline is a space here */
    wchar_t *lines[32];
    size_t n = 0;
    for (wchar_t *p = table + 1; *p && n < COUNTOF(lines);) {
        lines[n++] = p;
        wchar_t *nl = wcschr(p, L'\n');
        assert_non_null(nl);
        *nl = 0;
        p = nl + 1;
    }
    assert_int_equal(n, s.n + 2);
    assert_wstr_equal(lines[n - 1], L"11 reports: 4 ready, 2 not ready, 5 invalid; 1 under a file name "
                                    L"that is not its computer's");
    for (size_t i = 0; i < n; i++)
        for (wchar_t *p = lines[i]; *p; p++)
            assert_true(*p >= 0x20);

    /* every column starts where its title does */
    const wchar_t *h = lines[0];
    assert_true(wcsncmp(h, L"HOST ", 5) == 0);
    size_t c_os = wcsstr(h, L"  VERSION ") - h + 2, c_ready = wcsstr(h, L"  READY") - h + 2;
    size_t c_name = wcsstr(h, L"  OS ") - h + 2;
    size_t c_last = wcsstr(h, L"  LAST RUN (UTC)") - h + 2, c_msg = wcsstr(h, L"  FIRST PROBLEM") - h + 2;
    for (size_t i = 0; i < s.n; i++) {
        const struct host_row *r = &s.rows[i];
        const wchar_t *l = lines[i + 1];
        assert_true(wcslen(l) >= c_last + 16);
        assert_true(wcsncmp(l, r->valid ? r->host : r->file, wcslen(r->valid ? r->host : r->file)) == 0);
        assert_true(l[c_os - 1] == L' ' && l[c_ready - 1] == L' ' && l[c_last - 1] == L' ');
        assert_true(wcsncmp(l + c_last, r->last_run, wcslen(r->last_run)) == 0);
        /* the file's time is marked as such */
        BOOL marked = wcsncmp(l + c_last + wcslen(r->last_run), L" (file)", 7) == 0;
        assert_int_equal(marked, !r->last_run_from_report);
        if (r->valid) {
            assert_true(wcsncmp(l + c_name, r->os_name, wcslen(r->os_name)) == 0);
            assert_true(wcsncmp(l + c_os, r->os, wcslen(r->os)) == 0);
            assert_true(wcsncmp(l + c_ready, r->ready == 1 ? L"yes " : L"no ", r->ready == 1 ? 4 : 3) == 0);
        } else {
            assert_true(wcsncmp(l + c_ready, L"INVALID", 7) == 0);
            assert_wstr_equal(l + c_msg, r->reason);
        }
    }
    /* DB01: its newline as a space, cut to 120 characters */
    assert_wstr_equal(lines[3] + c_msg, L"lsilogic: ControlSet002: Services\\symmpi\\Group is \"SCSI Class\" "
                                        L"(REG_SZ), needs \"SCSI miniport\" (REG_SZ). Run \"apply\",...");
    assert_int_equal(wcslen(lines[3] + c_msg), 120);
    wbuf_free(&t);

    /* an empty summary still has its header and totals */
    struct summary none = { 0 };
    summarize_table(&none, &t);
    assert_non_null(wcsstr(t.s, L"HOST"));
    assert_non_null(wcsstr(t.s, L"\n0 reports: 0 ready, 0 not ready, 0 invalid\n"));
    wbuf_free(&t);
    summary_free(&s);
}

static struct host_row crafted_row(const wchar_t *host, const wchar_t *message, int ready)
{
    struct host_row r;
    memset(&r, 0, sizeof r);
    r.valid = TRUE;
    wcscpy(r.host, host);
    wcscpy(r.os, L"5.2.3790");
    wcscpy(r.arch, L"x86");
    wcscpy(r.command, L"check");
    wcscpy(r.targets, L"lsilogic");
    wcscpy(r.first_problem, message);
    wcscpy(r.file, L"f.json");
    wcscpy(r.last_run, L"2026-11-26 01:02");
    wcscpy(r.os_name, L"Windows Server 2003");
    r.last_run_from_report = TRUE;
    r.ready = ready;
    r.exit_code = ready == 1 ? 0 : ready == 0 ? 1 : -1;
    r.n_problems = message[0] ? 1 : 0;
    return r;
}

/* A --retire report's counts reach the row, the totals and the CSV; counts that are not
 * numbers of services make the report invalid. */
static void retire_counts_are_read_and_summed(void **state)
{
    static const char good[] =
        "{\"computer\": \"VM1\", \"command\": \"apply\", \"ready\": true, \"exit_code\": 0,"
        " \"retire\": {\"platforms\": [\"vmware\"], \"items\": [{\"name\": \"vmci\"}],"
        " \"found\": 7, \"retired\": 5, \"guarded\": 2, \"software\": 1}}";
    static const char plain[] = "{\"computer\": \"VM2\", \"command\": \"apply\", \"ready\": true}";
    static const char bad[] = "{\"computer\": \"VM3\", \"retire\": {\"found\": \"seven\"}}";
    static const char negative[] = "{\"computer\": \"VM4\", \"retire\": {\"found\": -1}}";
    struct host_row rows[2];
    memset(rows, 0, sizeof rows);
    summarize_parse(good, sizeof good - 1, &rows[0]);
    assert_true(rows[0].valid);
    assert_int_equal(rows[0].retire_found, 7);
    assert_int_equal(rows[0].retire_retired, 5);
    assert_int_equal(rows[0].retire_guarded, 2);
    summarize_parse(plain, sizeof plain - 1, &rows[1]);
    assert_true(rows[1].valid);
    assert_int_equal(rows[1].retire_found, -1);
    struct host_row r;
    summarize_parse(bad, sizeof bad - 1, &r);
    assert_false(r.valid);
    assert_wstr_contains(r.reason, L"retire.found");
    summarize_parse(negative, sizeof negative - 1, &r);
    assert_false(r.valid);

    struct summary s = { rows, 2, 2, 2, 0, 0, 0, 0, 0 };
    struct wbuf b = { 0 };
    summarize_table(&s, &b);
    assert_wstr_contains(b.s, L"old platform on 1 host: 7 services found, 5 retired, 2 kept by the boot guard");
    wbuf_free(&b);
    memset(&b, 0, sizeof b);
    summarize_csv(&s, &b);
    assert_wstr_contains(b.s, L",7,5,2\r\n");
    assert_wstr_contains(b.s, L"file,,,,,\r\n");   /* VM2: no --retire, no counts */
    wbuf_free(&b);
}

static void csv_quotes_and_defuses_formulas(void **state)
{
    struct host_row rows[5];
    rows[0] = crafted_row(L"=HYPERLINK(\"http://x\")", L"a,b", 1);
    rows[1] = crafted_row(L"-2+3", L"he said \"hi\"", 0);
    rows[2] = crafted_row(L"@SUM", L"x\r\ny", -1);
    rows[3] = crafted_row(L"+1", L"\tindent", 0);
    memset(&rows[4], 0, sizeof rows[4]);
    wcscpy(rows[4].file, L"bad,name.json");
    wcscpy(rows[4].reason, L"not JSON: unexpected 'x' at byte 3");
    rows[4].ready = rows[4].exit_code = -1;
    rows[1].pushed = TRUE;
    rows[1].push_exit = -5;
    wcscpy(rows[1].push_meaning, L"=cmd|' /C calc'!A0");
    for (int i = 1; i < 4; i++)
        rows[i].retire_found = rows[i].retire_retired = rows[i].retire_guarded = -1;
    rows[0].retire_found = 3;   /* a --retire report: its counts in the last three columns */
    rows[0].retire_retired = 2;
    rows[0].retire_guarded = 1;
    struct summary s = { rows, 5, 5, 1, 3, 1, 0, 0, 0 };
    struct wbuf b = { 0 };
    summarize_csv(&s, &b);
    assert_true(b.ok);
    assert_wstr_equal(b.s,
        L"\xFEFFhost,os,arch,targets,ready,exit_code,problems,first_problem,last_run,file,valid,reason,notes,"
        L"os_name,state,last_run_from,push_exit,push_meaning,retire_found,retire_retired,retire_guarded\r\n"
        L"\"'=HYPERLINK(\"\"http://x\"\")\",5.2.3790,x86,lsilogic,yes,0,1,\"a,b\",2026-11-26 01:02,f.json,yes,,,"
        L"Windows Server 2003,ready,report,,,3,2,1\r\n"
        L"\"'-2+3\",5.2.3790,x86,lsilogic,no,1,1,\"he said \"\"hi\"\"\",2026-11-26 01:02,f.json,yes,,,"
        L"Windows Server 2003,not ready,report,\"'-5\",\"'=cmd|' /C calc'!A0\",,,\r\n"
        L"\"'@SUM\",5.2.3790,x86,lsilogic,,,1,\"x\r\ny\",2026-11-26 01:02,f.json,yes,,,"
        L"Windows Server 2003,not ready,report,,,,,\r\n"
        L"\"'+1\",5.2.3790,x86,lsilogic,no,1,1,\"'\tindent\",2026-11-26 01:02,f.json,yes,,,"
        L"Windows Server 2003,not ready,report,,,,,\r\n"
        L",,,,,,,,,\"bad,name.json\",no,not JSON: unexpected 'x' at byte 3,,,invalid,file,,,,,\r\n");
    wbuf_free(&b);

    /* UTF-8 with a BOM once saved */
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    DWORD size;
    struct summary one = { rows, 1, 1, 1, 0, 0, 0, 0, 0 };
    wcscpy(rows[0].host, L"Z\u00dcRICH");
    summarize_csv(&one, &b);
    temp_dir(dir, L"save");
    wfmt(path, COUNTOF(path), L"%ls\\out.csv", dir);
    assert_int_equal(summarize_save(path, &b), ERROR_SUCCESS);
    char *bytes = read_all(path, &size);
    assert_true(size > 3);
    assert_memory_equal(bytes, "\xef\xbb\xbfhost,", 8);
    assert_non_null(strstr(bytes, "\r\nZ\xc3\x9cRICH,5.2.3790,"));
    free(bytes);
    wchar_t tmp[MAX_PATH];
    assert_int_equal(GetFileAttributesW(wfmt(tmp, COUNTOF(tmp), L"%ls.tmp", path)), INVALID_FILE_ATTRIBUTES);
    wbuf_free(&b);
    remove_tree(dir);
}

/* Every rule of summarize_csv_cell on its own, and a cell far longer than any row field
 * comes out whole. */
static void csv_cells_are_quoted_for_every_locale_and_never_cut(void **state)
{
    static const struct { const wchar_t *in, *out; } cases[] = {
        { L"plain", L"plain," },
        { L"", L"," },
        { L"a;b", L"\"a;b\"," },                 /* the separator where ',' is the decimal mark */
        { L"1,5", L"\"1,5\"," },
        { L"a\tb", L"\"a\tb\"," },
        { L"=1+1", L"\"'=1+1\"," },
        { L"+1", L"\"'+1\"," },
        { L"-1", L"\"'-1\"," },
        { L"@A1", L"\"'@A1\"," },
        { L"\t=1", L"\"'\t=1\"," },
        { L"\r=1", L"\"'\r=1\"," },
        { L"=A1;B1", L"\"'=A1;B1\"," },
        { L"x;=1+1;", L"\"x;'=1+1;\"," },          /* a ';' locale splits there */
        { L"a;-1;b;@c;+d", L"\"a;'-1;b;'@c;'+d\"," },
        { L";=1", L"\";'=1\"," },
        { L"x=1", L"x=1," },
        { L"say \"hi\"", L"\"say \"\"hi\"\"\"," },
        { L"DB01", L"DB01," },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        struct wbuf b = { 0 };
        summarize_csv_cell(&b, cases[i].in, FALSE);
        assert_true(b.ok);
        assert_wstr_equal(b.s, cases[i].out);
        wbuf_free(&b);
    }
    struct wbuf b = { 0 };
    summarize_csv_cell(&b, L"-", TRUE);
    assert_wstr_equal(b.s, L"\"'-\"\r\n");
    wbuf_free(&b);

    /* 1000 quotes after a formula start: 1 + 2000 + quotes, apostrophe and CRLF */
    wchar_t *in = malloc(1002 * sizeof *in), *want = malloc(2010 * sizeof *want);
    size_t n = 0;
    in[0] = L'=';
    for (int i = 1; i <= 1000; i++)
        in[i] = L'"';
    in[1001] = 0;
    want[n++] = L'"';
    want[n++] = L'\'';
    want[n++] = L'=';
    for (int i = 0; i < 2000; i++)
        want[n++] = L'"';
    want[n++] = L'"';
    want[n++] = L'\r';
    want[n++] = L'\n';
    want[n] = 0;
    summarize_csv_cell(&b, in, TRUE);
    assert_true(b.ok);
    assert_int_equal(wcslen(b.s), n);
    assert_wstr_equal(b.s, want);
    wbuf_free(&b);
    free(in);
    free(want);
}

/* A whole CSV row read as a spreadsheet of a ';' locale reads it: split at every ';' and
 * ',' with no regard for quotes. No piece starts like a formula. */
static void csv_rows_hold_no_formula_for_a_semicolon_locale(void **state)
{
    static const wchar_t *const hostile[] = { L"x;=1+1;", L"a\";=cmd|' /C calc'!A0;\"", L"=1;+2;-3;@4", L"ok" };
    struct wbuf b = { 0 };
    for (size_t i = 0; i < COUNTOF(hostile); i++)
        summarize_csv_cell(&b, hostile[i], i + 1 == COUNTOF(hostile));
    assert_true(b.ok);
    for (wchar_t *p = b.s; *p; p++) {
        BOOL piece_start = p == b.s || p[-1] == L';' || p[-1] == L',';
        if (piece_start && (*p == L'=' || *p == L'+' || *p == L'-' || *p == L'@'))
            fail_msg("a piece starts with %lc at %d in %ls", *p, (int)(p - b.s), b.s);
        /* a quote then a formula is the same to a spreadsheet */
        if (piece_start && *p == L'"' && (p[1] == L'=' || p[1] == L'+' || p[1] == L'-' || p[1] == L'@'))
            fail_msg("a quoted piece starts with %lc at %d in %ls", p[1], (int)(p - b.s), b.s);
    }
    wbuf_free(&b);
}

static size_t count(const wchar_t *hay, const wchar_t *needle)
{
    size_t n = 0;
    for (const wchar_t *p = hay; (p = wcsstr(p, needle)); p += wcslen(needle))
        n++;
    return n;
}

static void html_escapes_everything(void **state)
{
    struct host_row rows[4];
    rows[0] = crafted_row(L"<script>alert(1)</script>", L"a & b \"c\" 'd' <b>", 1);
    wcscpy(rows[0].targets, L"<svg onload=alert(3)>");
    wcscpy(rows[0].os_name, L"</td><script>x</script>");
    rows[1] = crafted_row(L"DB01", L"line one\nline two", 0);
    rows[1].last_run_from_report = FALSE;
    memset(&rows[2], 0, sizeof rows[2]);
    wcscpy(rows[2].file, L"<img src=x onerror=alert(2)>.json");
    wcscpy(rows[2].reason, L"not JSON: unexpected '<' at byte 0");
    rows[2].ready = rows[2].exit_code = -1;
    memset(&rows[3], 0, sizeof rows[3]);
    wcscpy(rows[3].host, L"GONE01");
    wcscpy(rows[3].reason, L"no report");
    wcscpy(rows[3].push_meaning, L"psexec failed: <i>The network path was not found.</i>");
    rows[3].missing = rows[3].pushed = TRUE;
    rows[3].push_exit = 53;
    rows[3].ready = rows[3].exit_code = -1;
    struct summary s = { rows, 4, 4, 1, 1, 1, 0, 1, 0 };
    struct wbuf b = { 0 };
    summarize_html(&s, &b);
    assert_true(b.ok);
    const wchar_t *h = b.s;
    assert_true(wcsncmp(h, L"<!DOCTYPE html>\n", 16) == 0);
    assert_int_equal(wcscmp(h + wcslen(h) - 8, L"</html>\n"), 0);
    assert_non_null(wcsstr(h, L"<meta charset=\"utf-8\">"));
    assert_non_null(wcsstr(h, L"<style>"));
    assert_non_null(wcsstr(h, L"default-src 'none'"));
    assert_int_equal(count(h, L"<script"), 0);
    assert_int_equal(count(h, L"<img"), 0);
    assert_int_equal(count(h, L"<b>"), 0);
    assert_int_equal(count(h, L"<i>"), 0);
    assert_int_equal(count(h, L"<svg onload"), 0);
    /* the host table: a header and one row per host, each state its own class */
    assert_int_equal(count(h, L"<tr class="), 4);
    assert_non_null(wcsstr(h, L"<tr class=\"missing\"><td class=\"host\">GONE01</td>"));
    assert_non_null(wcsstr(h, L"no report; push: psexec failed: &lt;i&gt;The network path was not found.&lt;/i&gt;"));
    assert_non_null(wcsstr(h, L"<td class=\"host\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
    /* the summary: per target set and per OS, hostile names escaped, a bar per group */
    assert_non_null(wcsstr(h, L"<td>&lt;svg onload=alert(3)&gt;</td>"));
    assert_non_null(wcsstr(h, L"<td>&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;</td>"));
    assert_int_equal(count(h, L"<svg class=\"bar\""), 3 + 3);      /* 3 target sets, 3 OS */
    assert_int_equal(count(h, L"<svg class=\"chart\""), 1);
    assert_non_null(wcsstr(h, L"<title>missing: 1</title>"));
    /* a file time is marked, a report time is not */
    assert_non_null(wcsstr(h, L"<td class=\"when\">2026-11-26 01:02 <span class=\"filetime\">(file time)</span></td>"));
    assert_non_null(wcsstr(h, L"<td class=\"when\">2026-11-26 01:02</td>"));
    assert_non_null(wcsstr(h, L"a &amp; b &quot;c&quot; &#39;d&#39; &lt;b&gt;"));
    assert_non_null(wcsstr(h, L"&lt;img src=x onerror=alert(2)&gt;.json"));
    assert_non_null(wcsstr(h, L"line one\nline two"));
    assert_non_null(wcsstr(h, L"4 hosts: 1 ready, 1 not ready, 1 invalid, 1 missing (no report)"));
    assert_non_null(wcsstr(h, L"<tr class=\"invalid\">"));
    assert_non_null(wcsstr(h, L"<tr class=\"ready\">"));
    assert_non_null(wcsstr(h, L"<tr class=\"notready\">"));
    wbuf_free(&b);
}

/* The sample app02.json carries markup, quotes and "&" in every field the page shows
 * beside the host name: command, os.version, os.arch and its readiness notes (and in
 * os.product_type, which only picks the OS name). Each is escaped in its cell and in
 * the per-OS summary; none comes through raw. */
static void html_escapes_hostile_fields_of_the_sample_reports(void **state)
{
    struct summary s;
    load_samples(&s);
    const struct host_row *app02 = &s.rows[1];
    assert_wstr_equal(app02->file, L"app02.json");
    assert_valid(app02);
    assert_wstr_equal(app02->command, L"\"onmouseover='x");
    assert_wstr_equal(app02->os, L"<script>\"'&</x>");
    assert_wstr_equal(app02->arch, L"<script");
    assert_wstr_equal(app02->notes, L"<script>alert('n')</script>, a&b\"onmouseover=");
    assert_wstr_equal(app02->os_name, L"");           /* no version numbers, no name */
    struct wbuf b = { 0 };
    summarize_html(&s, &b);
    assert_true(b.ok);
    const wchar_t *h = b.s;
    /* nothing raw: no element, no quote that would close an attribute, no bare "&" */
    assert_int_equal(count(h, L"<script"), 0);
    assert_int_equal(count(h, L"</x>"), 0);
    assert_int_equal(count(h, L"\"onmouseover"), 0);
    assert_int_equal(count(h, L"'x"), 0);
    assert_int_equal(count(h, L"'n'"), 0);
    assert_int_equal(count(h, L"&b"), 0);
    assert_int_equal(count(h, L"alert(1)"), 0);      /* os.product_type is never shown */
    assert_null(wcsstr(h, app02->command));
    assert_null(wcsstr(h, app02->os));
    assert_null(wcsstr(h, app02->notes));
    /* each field escaped, in its own cell: OS name (none), version, arch, command */
    assert_non_null(wcsstr(h, L"<tr class=\"ready\"><td class=\"host\">app02</td><td></td>"
                              L"<td>&lt;script&gt;&quot;&#39;&amp;&lt;/x&gt;</td><td>&lt;script</td>"
                              L"<td>&quot;onmouseover=&#39;x</td><td>lsilogic,pvscsi</td>"));
    assert_non_null(wcsstr(h, L"<td>&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt;, a&amp;b&quot;onmouseover=</td>"
                              L"<td class=\"when\">"));
    /* the version names app02's group in the per-OS counts */
    const wchar_t *by_os = wcsstr(h, L"id=\"by-os\"");
    assert_non_null(by_os);
    assert_non_null(wcsstr(by_os, L"<tr><td>&lt;script&gt;&quot;&#39;&amp;&lt;/x&gt;</td><td class=\"num\">1</td>"));
    wbuf_free(&b);
    summary_free(&s);
}

/* ---- OS names ----------------------------------------------------------------------------- */

static void os_names_from_version_product_and_build(void **state)
{
    enum { U = OS_PRODUCT_UNKNOWN, W = OS_PRODUCT_WORKSTATION, S = OS_PRODUCT_SERVER };
    static const struct { unsigned major, minor, build; int product, sp; BOOL x64; const wchar_t *name; } cases[] = {
        { 5, 0, 2195, S, 4, FALSE, L"Windows 2000 SP4" },
        { 5, 0, 2195, W, 4, FALSE, L"Windows 2000 SP4" },
        { 5, 0, 2195, U, 0, FALSE, L"Windows 2000" },
        { 5, 1, 2600, W, 3, FALSE, L"Windows XP SP3" },
        { 5, 1, 2600, U, 2, FALSE, L"Windows XP SP2" },
        { 5, 2, 3790, S, 2, FALSE, L"Windows Server 2003 SP2" },
        { 5, 2, 3790, S, 2, TRUE, L"Windows Server 2003 SP2" },
        { 5, 2, 3790, W, 2, TRUE, L"Windows XP x64 SP2" },
        { 5, 2, 3790, U, 2, TRUE, L"Windows XP x64 / Server 2003 SP2" },
        { 5, 2, 3790, U, 1, FALSE, L"Windows Server 2003 SP1" },     /* no 32-bit XP is 5.2 */
        { 6, 0, 6002, W, 2, FALSE, L"Windows Vista SP2" },
        { 6, 0, 6002, S, 2, TRUE, L"Windows Server 2008 SP2" },
        { 6, 1, 7601, U, 1, TRUE, L"Windows 7 / Server 2008 R2 SP1" },
        { 6, 1, 7601, S, 1, TRUE, L"Windows Server 2008 R2 SP1" },
        { 6, 1, 7600, W, 0, FALSE, L"Windows 7" },
        { 6, 2, 9200, S, 0, TRUE, L"Windows Server 2012" },
        { 6, 3, 9600, W, 0, TRUE, L"Windows 8.1" },
        { 6, 3, 9600, U, -1, TRUE, L"Windows 8.1 / Server 2012 R2" },
        { 10, 0, 10240, W, 0, TRUE, L"Windows 10 1507" },
        { 10, 0, 10586, U, 0, TRUE, L"Windows 10 1511" },
        { 10, 0, 14393, S, 0, TRUE, L"Windows Server 2016" },
        { 10, 0, 14393, W, 0, TRUE, L"Windows 10 1607" },
        { 10, 0, 14393, U, 0, TRUE, L"Windows 10 1607 / Server 2016" },
        { 10, 0, 15063, W, 0, TRUE, L"Windows 10 1703" },
        { 10, 0, 16299, W, 0, TRUE, L"Windows 10 1709" },
        { 10, 0, 17134, W, 0, TRUE, L"Windows 10 1803" },
        { 10, 0, 17763, S, 0, TRUE, L"Windows Server 2019" },
        { 10, 0, 17763, U, 0, TRUE, L"Windows 10 1809 / Server 2019" },
        { 10, 0, 18362, W, 0, TRUE, L"Windows 10 1903" },
        { 10, 0, 18363, W, 0, TRUE, L"Windows 10 1909" },
        { 10, 0, 19041, W, 0, TRUE, L"Windows 10 2004" },
        { 10, 0, 19042, W, 0, TRUE, L"Windows 10 20H2" },
        { 10, 0, 19043, W, 0, TRUE, L"Windows 10 21H1" },
        { 10, 0, 19044, W, 0, TRUE, L"Windows 10 21H2" },
        { 10, 0, 19045, U, 0, TRUE, L"Windows 10 22H2" },
        { 10, 0, 20348, S, 0, TRUE, L"Windows Server 2022" },
        { 10, 0, 20348, U, 0, TRUE, L"Windows Server 2022" },
        { 10, 0, 22000, W, 0, TRUE, L"Windows 11 21H2" },
        { 10, 0, 22621, W, 0, TRUE, L"Windows 11 22H2" },
        { 10, 0, 22631, U, 0, TRUE, L"Windows 11 23H2" },
        { 10, 0, 26100, W, 0, TRUE, L"Windows 11 24H2" },
        { 10, 0, 26100, S, 0, TRUE, L"Windows Server 2025" },
        { 10, 0, 26100, U, 0, TRUE, L"Windows 11 24H2 / Server 2025" },
        { 10, 0, 99999, S, 0, TRUE, L"Windows Server (build 99999)" },
        { 10, 0, 27000, W, 0, TRUE, L"Windows 11 (build 27000)" },
        { 10, 0, 12345, U, 0, TRUE, L"Windows 10.0 (build 12345)" },
        { 4, 0, 1381, S, 6, FALSE, L"Windows NT 4.0 SP6" },
        { 7, 3, 1, U, 0, TRUE, L"Windows 7.3" },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        wchar_t name[48];
        os_name(cases[i].major, cases[i].minor, cases[i].build, (enum os_product)cases[i].product, cases[i].sp,
                cases[i].x64, name, COUNTOF(name));
        if (wcscmp(name, cases[i].name))
            print_error("%u.%u.%u: \"%ls\", expected \"%ls\"\n", cases[i].major, cases[i].minor,
                        cases[i].build, name, cases[i].name);
        assert_wstr_equal(name, cases[i].name);
    }
    /* a small buffer is cut, and terminated */
    wchar_t small[8];
    os_name(6, 1, 7601, OS_PRODUCT_UNKNOWN, 1, TRUE, small, COUNTOF(small));
    assert_int_equal(wcslen(small), 7);
}

/* The report's os object names the release; a version in another form names none. */
static void reports_name_their_os(void **state)
{
    static const struct { const char *os; const wchar_t *name; } cases[] = {
        { "{\"version\":\"5.2.3790\",\"service_pack\":2,\"arch\":\"x64\",\"product_type\":\"workstation\"}",
          L"Windows XP x64 SP2" },
        { "{\"version\":\"5.2.3790\",\"service_pack\":2,\"arch\":\"x64\",\"product_type\":\"domain_controller\"}",
          L"Windows Server 2003 SP2" },
        { "{\"version\":\"6.1.7601\",\"service_pack\":1,\"arch\":\"x64\"}", L"Windows 7 / Server 2008 R2 SP1" },
        { "{\"version\":\"6.1.7601\",\"service_pack\":null,\"arch\":\"x64\",\"product_type\":\"unknown\"}",
          L"Windows 7 / Server 2008 R2" },
        { "{\"version\":\"10.0.20348\",\"service_pack\":0,\"arch\":\"x64\",\"product_type\":\"server\"}",
          L"Windows Server 2022" },
        { "{\"version\":\"10.0.19045\",\"arch\":\"x64\",\"product_type\":\"workstation\"}", L"Windows 10 22H2" },
        { "{\"version\":\"10.0\"}", L"" },
        { "{\"version\":\"10.0.19045.3803\"}", L"" },
        { "{\"version\":\"1234567890.0.1\"}", L"" },
        { "{\"version\":\"a.b.c\"}", L"" },
        { "{}", L"" },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"computer\":\"A\",\"os\":%s}", cases[i].os);
        const struct host_row *r = parse(json);
        assert_valid(r);
        assert_wstr_equal(r->os_name, cases[i].name);
    }
    assert_invalid(parse("{\"computer\":\"A\",\"os\":{\"service_pack\":\"2\"}}"),
                   L"\"os.service_pack\" is a string, expected an integer");
    assert_invalid(parse("{\"computer\":\"A\",\"os\":{\"product_type\":1}}"),
                   L"\"os.product_type\" is a number, expected a string");
}

/* ---- host lists and push-results ---------------------------------------------------------- */

static void host_list_comments_blanks_and_bad_lines(void **state)
{
    /* the reader and name rule are push's (hostlist.c; test_hostlist.c has the rule) */
    static const char text[] =
        "\xef\xbb\xbf# wave 3\r\n"
        "SRV01\r\n"
        "  srv02\t  # the old one\r\n"
        "\r\n"
        "   \n"
        "SRV#3\n"                                   /* a comment after SRV */
        "bad name\n"
        "ctl\x01name\n"
        "\xc3\x28\n"
        "123456789012345678901234567890123456789012345678901234567890123x\n"          /* a label of 64 */
        "12345678901234567890123456789012345678901234567890123456789012x\n"
        "Z\xc3\xbcrich\n"
        "srv01\n"                                   /* SRV01 again */
        "db01.corp.example.com";                    /* no line end at the end */
    struct wave_hosts h = { 0 };
    struct summarize_log log = { 0 };
    assert_int_equal(summarize_parse_hosts(text, sizeof text - 1, L"hosts.txt", &h, &log), ERROR_SUCCESS);
    static const struct { const wchar_t *host; unsigned line; } want[] = {
        { L"SRV01", 2 }, { L"srv02", 3 }, { L"SRV", 6 },
        { L"12345678901234567890123456789012345678901234567890123456789012x", 11 },
        { L"Z\u00fcrich", 12 }, { L"db01.corp.example.com", 14 },
    };
    assert_int_equal(h.n, COUNTOF(want));
    for (size_t i = 0; i < COUNTOF(want); i++) {
        assert_wstr_equal(h.v[i].host, want[i].host);
        assert_int_equal(h.v[i].line, want[i].line);
        assert_false(h.v[i].pushed);
    }
    static const wchar_t *const notes[] = {
        L"hosts.txt line 7: \"bad name\" is not a host name: it holds a space; line skipped",
        L"hosts.txt line 8: \"ctl?name\" is not a host name: it holds a control character; line skipped",
        L"hosts.txt line 9: \"\ufffd(\" is not a host name: it is not UTF-8 text (save the list as UTF-8, "
        L"or as Notepad's \"Unicode\"); line skipped",
        L"hosts.txt line 10: \"12345678901234567890123456789012345678901234...\" is not a host name: it has a "
        L"label longer than 63 characters; line skipped",
        L"hosts.txt: 1 line(s) name a host named before; each host counts once",
    };
    for (size_t i = 0; i < log.n; i++)
        print_message("    %ls\n", log.line[i]);
    assert_int_equal(log.n, COUNTOF(notes));
    for (size_t i = 0; i < COUNTOF(notes); i++)
        assert_wstr_equal(log.line[i], notes[i]);
    wave_hosts_free(&h);

    /* an empty file is an empty list; a log keeps its first lines and counts the rest */
    assert_int_equal(summarize_parse_hosts("", 0, L"e", &h, &log), ERROR_SUCCESS);
    assert_int_equal(h.n, 0);
    static char many[4000];
    size_t n = 0;
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "a b%d\n", i);
    memset(&log, 0, sizeof log);
    assert_int_equal(summarize_parse_hosts(many, n, L"many", &h, &log), ERROR_SUCCESS);
    assert_int_equal(log.n, SUMMARIZE_LOG_MAX);
    assert_int_equal(log.more, 30 - SUMMARIZE_LOG_MAX);
    wave_hosts_free(&h);
}

static void push_results_are_strict_rfc4180(void **state)
{
    static const char text[] =
        "host,exit_code,meaning,seconds,psexec_error\r\n"
        "SRV01,0,ready,12.5,\r\n"                                          /* line 2 */
        "\"SRV02\",\"'-1073741510\",\"'=HYPERLINK(\"\"x\"\")\",3,\r\n"      /* 3: defused cells */
        "SRV03,53,,21,\"The network path was not found.\"\r\n"             /* 4: meaning from psexec_error */
        "SRV04,2,\"two\r\nlines, and a comma\",1,\n"                        /* 5-6 */
        "SRV05,\"1\"x,a,1,\r\n"                                             /* 7 */
        "SRV06,1,a\"b,1,\r\n"                                               /* 8 */
        "SRV07,1,a,1\r\n"                                                   /* 9: four cells */
        "SRV08,1,a,1,,extra\r\n"                                            /* 10 */
        "SRV09,one,a,1,\r\n"                                                /* 11 */
        "SRV10,99999999999,a,1,\r\n"                                        /* 12 */
        "SRV11,1,a,1s,\r\n"                                                 /* 13 */
        "SRV 12,1,a,1,\r\n"                                                 /* 14 */
        "SRV13,1,\xff,1,\r\n"                                               /* 15 */
        "SRV14,1,a\rb,1,\r\n"                                               /* 16 */
        "'=SRV15,1,a,1,\r\n"                                                /* 17: unquoted: no host name */
        "\r\n"                                                              /* 18: blank */
        "SRV16,-3,\"unclosed,1,\r\n"                                        /* 19 */
        "SRV17,4,after,1,\r\n";                                             /* 20 */
    struct wave_hosts h = { 0 };
    struct summarize_log log = { 0 };
    assert_int_equal(summarize_parse_push(text, sizeof text - 1, L"push-results.csv", &h, &log), ERROR_SUCCESS);
    static const struct { const wchar_t *host; int exit_code; const wchar_t *meaning; unsigned line; } want[] = {
        { L"SRV01", 0, L"ready", 2 },
        { L"SRV02", -1073741510, L"=HYPERLINK(\"x\")", 3 },
        { L"SRV03", 53, L"The network path was not found.", 4 },
        { L"SRV04", 2, L"two\r\nlines, and a comma", 5 },
        { L"SRV17", 4, L"after", 20 },
    };
    for (size_t i = 0; i < h.n && i < COUNTOF(want); i++)
        print_message("    %ls %d %ls line %u\n", h.v[i].host, h.v[i].exit_code, h.v[i].meaning, h.v[i].line);
    for (size_t i = 0; i < log.n; i++)
        print_message("    %ls\n", log.line[i]);
    assert_int_equal(h.n, COUNTOF(want));
    for (size_t i = 0; i < COUNTOF(want); i++) {
        assert_wstr_equal(h.v[i].host, want[i].host);
        assert_int_equal(h.v[i].exit_code, want[i].exit_code);
        assert_wstr_equal(h.v[i].meaning, want[i].meaning);
        assert_int_equal(h.v[i].line, want[i].line);
        assert_true(h.v[i].pushed);
    }
    static const wchar_t *const notes[] = {
        L"push-results.csv line 7: text after a closing quote; line skipped",
        L"push-results.csv line 8: a quote inside a cell that does not start with one; line skipped",
        L"push-results.csv line 9: not the header's number of cells; line skipped",
        L"push-results.csv line 10: not the header's number of cells; line skipped",
        L"push-results.csv line 11: exit_code is not a whole number; line skipped",
        L"push-results.csv line 12: exit_code is not a whole number; line skipped",
        L"push-results.csv line 13: seconds is not a number; line skipped",
        L"push-results.csv line 14: \"SRV 12\" is not a host name: it holds a space; line skipped",
        L"push-results.csv line 15: not UTF-8 text; line skipped",
        L"push-results.csv line 16: a carriage return outside quotes; line skipped",
        L"push-results.csv line 17: \"'=SRV15\" is not a host name: it holds a quote; line skipped",
        L"push-results.csv line 19: a quote that is never closed; line skipped",
    };
    assert_int_equal(log.n, COUNTOF(notes));
    for (size_t i = 0; i < COUNTOF(notes); i++)
        assert_wstr_equal(log.line[i], notes[i]);
    wave_hosts_free(&h);

    /* a cell over the limit is refused, one at the limit is read */
    static char big[3000];
    int n = snprintf(big, sizeof big, "host,exit_code,meaning,seconds,psexec_error\nA,1,");
    memset(big + n, 'm', SUMMARIZE_MAX_CELL);
    n += SUMMARIZE_MAX_CELL;
    n += snprintf(big + n, sizeof big - n, ",1,\nB,1,m");
    memset(big + n, 'm', SUMMARIZE_MAX_CELL);
    n += SUMMARIZE_MAX_CELL;
    n += snprintf(big + n, sizeof big - n, ",1,\n");
    memset(&log, 0, sizeof log);
    assert_int_equal(summarize_parse_push(big, (size_t)n, L"big", &h, &log), ERROR_SUCCESS);
    assert_int_equal(h.n, 1);
    assert_wstr_equal(h.v[0].host, L"A");
    assert_int_equal(wcslen(h.v[0].meaning), COUNTOF(h.v[0].meaning) - 1);   /* cut with "..." */
    assert_wstr_equal(log.line[0], L"big line 3: a cell longer than 1024 bytes; line skipped");
    wave_hosts_free(&h);

    /* push.cmd's two columns; any other header is not a push-results file */
    memset(&log, 0, sizeof log);
    assert_int_equal(summarize_parse_push("\xef\xbb\xbfhost,exit_code\r\nSRV01,7\r\n", 30, L"old", &h, &log),
                     ERROR_SUCCESS);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.v[0].exit_code, 7);
    assert_wstr_equal(h.v[0].meaning, L"");
    wave_hosts_free(&h);
    static const char *const headers[] = {
        "", "host", "Host,exit_code\n", "host,exit_code,meaning\n", "host,exit_code,meaning,seconds,psexec_error,x\n",
        "\"host,exit_code\n", "host;exit_code;meaning;seconds;psexec_error\n",
    };
    for (size_t i = 0; i < COUNTOF(headers); i++) {
        memset(&log, 0, sizeof log);
        assert_int_equal(summarize_parse_push(headers[i], strlen(headers[i]), L"x.csv", &h, &log), ERROR_INVALID_DATA);
        assert_int_equal(h.n, 0);
        assert_wstr_equal(log.line[0], L"x.csv: the first line is not host,exit_code,meaning,seconds,psexec_error "
                                       L"(or host,exit_code): not a push-results file");
    }
}

static void load_list(const wchar_t *name, BOOL push, struct wave_hosts *h, struct summarize_log *log)
{
    wchar_t path[MAX_PATH];
    char *text;
    size_t len;
    assert_int_equal(summarize_read_file(wfmt(path, COUNTOF(path), L"%ls\\%ls", reports_dir, name), &text, &len),
                     ERROR_SUCCESS);
    DWORD rc = push ? summarize_parse_push(text, len, name, h, log) : summarize_parse_hosts(text, len, name, h, log);
    assert_int_equal(rc, ERROR_SUCCESS);
    free(text);
}

/* The sample folder with its host list and push results: hosts without a report are
 * missing rows, pushed hosts carry their result; compared with reports/expected-wave.csv. */
static void sample_wave_joins_hosts_and_push_results(void **state)
{
    struct summary s;
    struct wave_hosts hosts = { 0 }, pushed = { 0 };
    struct summarize_log log = { 0 };
    load_samples(&s);
    load_list(L"hosts.txt", FALSE, &hosts, &log);
    load_list(L"push-results.csv", TRUE, &pushed, &log);
    assert_int_equal(summarize_join(&s, &hosts, &pushed, L"push-results.csv", &log), ERROR_SUCCESS);
    static const wchar_t *const notes[] = {
        L"hosts.txt line 11: \"bad name\" is not a host name: it holds a space; line skipped",
        L"hosts.txt line 12: \"?CTRL\" is not a host name: it holds a control character; line skipped",
        L"hosts.txt: 2 line(s) name a host named before; each host counts once",
        L"push-results.csv line 7: text after a closing quote; line skipped",
        L"push-results.csv line 8: exit_code is not a whole number; line skipped",
        L"push-results.csv line 11: APP01 again (line 2 before); the later line counts",
    };
    for (size_t i = 0; i < log.n; i++)
        print_message("    %ls\n", log.line[i]);
    assert_int_equal(log.n, COUNTOF(notes));
    for (size_t i = 0; i < COUNTOF(notes); i++)
        assert_wstr_equal(log.line[i], notes[i]);
    assert_int_equal(s.n, 15);
    assert_int_equal(s.missing, 4);
    assert_int_equal(s.ready, 4);
    assert_int_equal(s.not_ready, 2);
    assert_int_equal(s.invalid, 5);
    for (size_t i = 0; i < s.n; i++)
        if (!s.rows[i].last_run_from_report)
            s.rows[i].last_run[0] = 0;   /* the checkout's time */
    struct wbuf csv = { 0 };
    summarize_csv(&s, &csv);
    assert_true(csv.ok);
    int len;
    char *got = utf8_from_wide(csv.s, &len);
    wchar_t path[MAX_PATH];
    DWORD size;
    char *want = read_all(wfmt(path, COUNTOF(path), L"%ls\\expected-wave.csv", reports_dir), &size);
    if ((DWORD)len != size || memcmp(got, want, size)) {
        wchar_t tmp[MAX_PATH], out[MAX_PATH];
        GetTempPathW(MAX_PATH, tmp);
        HANDLE f = CreateFileW(wfmt(out, COUNTOF(out), L"%lsp2v-wave-got.csv", tmp), GENERIC_WRITE, 0, NULL,
                               CREATE_ALWAYS, 0, NULL);
        DWORD done;
        WriteFile(f, got, (DWORD)len, &done, NULL);
        CloseHandle(f);
        print_error("CSV differs from expected-wave.csv; got in %ls\n", out);
    }
    assert_int_equal(len, size);
    assert_memory_equal(got, want, size);
    free(got);
    free(want);
    wbuf_free(&csv);
    wave_hosts_free(&hosts);
    wave_hosts_free(&pushed);
    summary_free(&s);
}

/* A generated wave: every Windows generation, a host list naming some hosts twice in
 * other case, malformed reports among them; each row's name, state and push result. */
static void generated_wave(void **state)
{
    wchar_t dir[MAX_PATH], name[64];
    static const struct { const char *host, *os, *product, *arch; int sp, ready; const wchar_t *os_name; } hosts[] = {
        { "W2K", "5.0.2195", "server", "x86", 4, 1, L"Windows 2000 SP4" },
        { "XP", "5.1.2600", "workstation", "x86", 3, 0, L"Windows XP SP3" },
        { "XP64", "5.2.3790", "workstation", "x64", 2, 1, L"Windows XP x64 SP2" },
        { "W2K3", "5.2.3790", "server", "x86", 2, 1, L"Windows Server 2003 SP2" },
        { "W2K8R2", "6.1.7601", NULL, "x64", 1, 0, L"Windows 7 / Server 2008 R2 SP1" },
        { "W2016", "10.0.14393", "server", "x64", 0, 1, L"Windows Server 2016" },
        { "W10", "10.0.19045", "workstation", "x64", 0, 1, L"Windows 10 22H2" },
        { "W2022", "10.0.20348", "domain_controller", "x64", 0, 0, L"Windows Server 2022" },
        { "W11", "10.0.26100", NULL, "x64", 0, 1, L"Windows 11 24H2 / Server 2025" },
    };
    struct summary s;
    temp_dir(dir, L"generated");
    for (size_t i = 0; i < COUNTOF(hosts); i++) {
        char json[512];
        snprintf(json, sizeof json, "{\"computer\":\"%s\",\"time\":\"2026-11-2%uT10:00:00Z\",\"targets\":[\"lsilogic\"],"
                 "\"os\":{\"version\":\"%s\",\"service_pack\":%d,\"arch\":\"%s\"%s%s%s},\"ready\":%s,\"exit_code\":%d}",
                 hosts[i].host, (unsigned)i % 10, hosts[i].os, hosts[i].sp, hosts[i].arch,
                 hosts[i].product ? ",\"product_type\":\"" : "", hosts[i].product ? hosts[i].product : "",
                 hosts[i].product ? "\"" : "", hosts[i].ready ? "true" : "false", hosts[i].ready ? 0 : 1);
        wfmt(name, COUNTOF(name), L"%hs.json", hosts[i].host);
        put_file(dir, name, json, NULL);
    }
    put_file(dir, L"CUT.json", "{\"computer\":\"CUT\",\"os\":{\"version\":\"6.1", NULL);
    put_file(dir, L"EMPTY.json", "", NULL);
    assert_int_equal(summarize_dir(dir, &s), ERROR_SUCCESS);
    static const char hosts_txt[] = "w2k\nXP\nxp\ncut\nLOST1\nlost1\nLOST2\n";
    static const char push_csv[] = "host,exit_code,meaning,seconds,psexec_error\n"
                                   "w2k,0,ready,1,\nlost2,6,\"psexec failed: Access is denied.\",2,Access is denied.\n";
    struct wave_hosts h = { 0 }, p = { 0 };
    struct summarize_log log = { 0 };
    assert_int_equal(summarize_parse_hosts(hosts_txt, sizeof hosts_txt - 1, L"hosts", &h, &log), ERROR_SUCCESS);
    assert_int_equal(summarize_parse_push(push_csv, sizeof push_csv - 1, L"push", &p, &log), ERROR_SUCCESS);
    assert_int_equal(summarize_join(&s, &h, &p, L"push", &log), ERROR_SUCCESS);
    assert_int_equal(log.n, 1);
    assert_wstr_equal(log.line[0], L"hosts: 2 line(s) name a host named before; each host counts once");
    /* 9 reports, CUT.json and EMPTY.json (invalid), LOST1, LOST2 */
    assert_int_equal(s.n, COUNTOF(hosts) + 4);
    assert_int_equal(s.missing, 2);
    assert_int_equal(s.invalid, 2);
    assert_int_equal(s.ready, 6);
    assert_int_equal(s.not_ready, 3);
    for (size_t i = 0; i < COUNTOF(hosts); i++) {
        wchar_t host[16];
        wfmt(host, COUNTOF(host), L"%hs", hosts[i].host);
        const struct host_row *r = NULL;
        for (size_t k = 0; k < s.n; k++)
            if (s.rows[k].valid && !wcscmp(s.rows[k].host, host))
                r = &s.rows[k];
        assert_non_null(r);
        assert_wstr_equal(r->os_name, hosts[i].os_name);
        assert_int_equal(r->pushed, i == 0);
    }
    const struct host_row *lost1 = NULL, *lost2 = NULL;
    for (size_t k = 0; k < s.n; k++) {
        if (!wcscmp(s.rows[k].host, L"LOST1"))
            lost1 = &s.rows[k];
        if (!wcscmp(s.rows[k].host, L"lost2"))
            lost2 = &s.rows[k];
    }
    assert_non_null(lost1);
    assert_non_null(lost2);
    assert_true(lost1->missing && !lost1->pushed);
    assert_true(lost2->missing && lost2->pushed);
    assert_int_equal(lost2->push_exit, 6);
    assert_wstr_equal(lost2->push_meaning, L"psexec failed: Access is denied.");
    struct wbuf t = { 0 };
    summarize_table(&s, &t);
    assert_wstr_contains(t.s, L"no report; push: psexec failed: Access is denied.");
    assert_wstr_contains(t.s, L"13 hosts: 6 ready, 3 not ready, 2 invalid, 2 missing (no report)");
    wbuf_free(&t);
    wave_hosts_free(&h);
    wave_hosts_free(&p);
    summary_free(&s);
    remove_tree(dir);
}

/* Rows in any order come out sorted by host name, each row whole (its fields move with
 * it): every permutation of five rows, with a host list adding a missing sixth. */
static void rows_in_any_order_are_sorted_whole(void **state)
{
    static const wchar_t *names[5] = { L"alpha", L"Bravo", L"charlie", L"DELTA", L"echo" };
    int perm[5] = { 0, 1, 2, 3, 4 };
    for (int count = 0; count < 120; count++) {
        /* the next permutation, in lexicographic order (the first is the identity) */
        if (count) {
            int i = 3;
            while (perm[i] > perm[i + 1])
                i--;
            int j = 4;
            while (perm[j] < perm[i])
                j--;
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
            for (int a = i + 1, b = 4; a < b; a++, b--) {
                t = perm[a]; perm[a] = perm[b]; perm[b] = t;
            }
        }
        struct summary sm = { 0 };
        sm.rows = calloc(5, sizeof *sm.rows);
        sm.n = sm.cap = 5;
        for (int i = 0; i < 5; i++) {
            struct host_row *r = &sm.rows[i];
            r->valid = TRUE;
            r->ready = perm[i] % 2;
            r->exit_code = perm[i];
            wcscpy(r->host, names[perm[i]]);
            swprintf(r->file, MAX_PATH, L"%ls.json", names[perm[i]]);
            swprintf(r->first_problem, 256, L"problem of %ls", names[perm[i]]);
        }
        struct wave_hosts hosts = { 0 };
        struct summarize_log log = { 0 };
        static const char list[] = "foxtrot\r\nalpha\r\n";
        assert_int_equal(summarize_parse_hosts(list, sizeof list - 1, L"hosts.txt", &hosts, &log), ERROR_SUCCESS);
        assert_int_equal(summarize_join(&sm, &hosts, NULL, L"push-results.csv", &log), ERROR_SUCCESS);
        assert_int_equal(sm.n, 6);
        for (int i = 0; i < 5; i++) {
            wchar_t want[256];
            assert_wstr_equal(sm.rows[i].host, names[i]);
            assert_int_equal(sm.rows[i].exit_code, i);
            assert_int_equal(sm.rows[i].ready, i % 2);
            swprintf(want, 256, L"problem of %ls", names[i]);
            assert_wstr_equal(sm.rows[i].first_problem, want);
        }
        assert_wstr_equal(sm.rows[5].host, L"foxtrot");
        assert_true(sm.rows[5].missing);
        wave_hosts_free(&hosts);
        summary_free(&sm);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_summarize DIR  (the folder of the sample reports, a Unix path)\n");
        return 2;
    }
    /* Wine maps the Unix root to Z:. */
    wchar_t *p = reports_dir;
    if (argv[1][0] == '/') {
        wcscpy(reports_dir, L"Z:");
        p += 2;
    }
    mbstowcs(p, argv[1], MAX_PATH - 3);
    for (p = reports_dir; *p; p++)
        if (*p == L'/')
            *p = L'\\';

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_report_fills_every_field),
        cmocka_unit_test(missing_and_null_optional_fields_are_empty),
        cmocka_unit_test(string_escapes),
        cmocka_unit_test(unicode_escapes_and_surrogate_pairs),
        cmocka_unit_test(bad_strings_are_refused_with_the_byte),
        cmocka_unit_test(not_json_is_refused_with_the_byte),
        cmocka_unit_test(numbers),
        cmocka_unit_test(unknown_keys_and_nested_objects_are_skipped),
        cmocka_unit_test(depth_limit),
        cmocka_unit_test(every_truncation_is_unexpected_end),
        cmocka_unit_test(wrong_types_are_named),
        cmocka_unit_test(long_fields_are_cut_with_an_ellipsis),
        cmocka_unit_test(report_time_is_last_run),
        cmocka_unit_test(sample_folder_matches_expected_csv),
        cmocka_unit_test(only_json_files_count_and_file_time_is_utc_minutes),
        cmocka_unit_test(invalid_rows_sort_by_file_stem),
        cmocka_unit_test(huge_file_is_invalid),
        cmocka_unit_test(missing_folder_is_an_error_empty_folder_is_not),
        cmocka_unit_test(table_lines_up),
        cmocka_unit_test(retire_counts_are_read_and_summed),
        cmocka_unit_test(csv_quotes_and_defuses_formulas),
        cmocka_unit_test(csv_rows_hold_no_formula_for_a_semicolon_locale),
        cmocka_unit_test(csv_cells_are_quoted_for_every_locale_and_never_cut),
        cmocka_unit_test(html_escapes_everything),
        cmocka_unit_test(html_escapes_hostile_fields_of_the_sample_reports),
        cmocka_unit_test(os_names_from_version_product_and_build),
        cmocka_unit_test(reports_name_their_os),
        cmocka_unit_test(host_list_comments_blanks_and_bad_lines),
        cmocka_unit_test(push_results_are_strict_rfc4180),
        cmocka_unit_test(sample_wave_joins_hosts_and_push_results),
        cmocka_unit_test(generated_wave),
        cmocka_unit_test(rows_in_any_order_are_sorted_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
