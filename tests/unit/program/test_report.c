/* The JSON report: one change of each kind the plan knows, built and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "report.h"
#include "json_check.h"

static char *build(const struct plan *p)
{
    struct options opt;
    memset(&opt, 0, sizeof opt);
    opt.command = CMD_APPLY;
    opt.targets[0] = target_find(L"pvscsi");
    opt.n_targets = 1;
    struct run r;
    memset(&r, 0, sizeof r);
    r.opt = &opt;
    r.m = machine_new();
    assert_non_null(r.m);
    r.m->os.major = 10;
    r.m->os.arch = ARCH_X64;
    wcscpy(r.m->os.systemroot, L"C:\\Windows");
    wcscpy(r.m->os.computer, L"SRV01");
    wcscpy(r.m->sets[r.m->n_sets++], L"ControlSet001");
    r.p = (struct plan *)p;
    struct wbuf b = { 0 };
    report_build(&r, &b);
    assert_true(b.ok);
    char *json = utf8_from_wide(b.s, NULL);
    wbuf_free(&b);
    machine_free(r.m);
    char err[256];
    if (!json_check(json, strlen(json), err, sizeof err))
        fail_msg("not JSON: %s\n%s", err, json);
    return json;
}

static void assert_contains(const char *json, const char *want)
{
    if (!strstr(json, want))
        fail_msg("missing: %s\nin:\n%s", want, json);
}

/* Each kind has its own name and its own fields; none is a registry row of type REG_NONE. */
static void every_change_kind_has_its_own_row(void **state)
{
    struct plan *p = plan_new();
    const struct target *t = target_find(L"pvscsi");
    struct change *c = &p->changes[p->n_changes++];
    c->kind = CHANGE_FILE;
    c->target = t;
    wcscpy(c->key, L"C:\\Windows\\system32\\drivers\\pvscsi.sys");
    wcscpy(c->name, L"pvscsi.sys");
    wcscpy(c->src, L"E:\\payload\\amd64\\pvscsi.sys");
    c = &p->changes[p->n_changes++];
    c->kind = CHANGE_STAGE;
    c->target = t;
    wcscpy(c->name, L"pvscsi.inf");
    wcscpy(c->src, L"E:\\payload\\amd64\\pvscsi.inf");
    c = &p->changes[p->n_changes++];
    c->kind = CHANGE_VALUE;
    c->target = t;
    wcscpy(c->set, L"ControlSet001");
    wcscpy(c->key, L"SYSTEM\\ControlSet001\\Services\\pvscsi");
    wcscpy(c->name, L"Start");
    regval_dword(&c->old, 4);
    regval_dword(&c->new, 0);
    c = &p->changes[p->n_changes++];
    c->kind = CHANGE_DELETE_KEY;
    c->target = t;
    wcscpy(c->set, L"ControlSet001");
    wcscpy(c->key, L"SYSTEM\\ControlSet001\\Services\\pvscsi\\StartOverride");
    wcscpy(c->detail, L"0 = 3 (REG_DWORD)");
    char *json = build(p);
    assert_contains(json, "{\"kind\": \"file\", \"target\": \"pvscsi\", \"path\": "
                          "\"C:\\\\Windows\\\\system32\\\\drivers\\\\pvscsi.sys\", \"name\": \"pvscsi.sys\", "
                          "\"type\": \"file\", \"old\": \"absent\", \"new\": \"E:\\\\payload\\\\amd64\\\\pvscsi.sys\"}");
    assert_contains(json, "{\"kind\": \"package\", \"target\": \"pvscsi\", \"path\": "
                          "\"E:\\\\payload\\\\amd64\\\\pvscsi.inf\", \"name\": \"pvscsi.inf\", "
                          "\"type\": \"driver package\", \"old\": null, \"new\": \"staged\"}");
    assert_contains(json, "{\"kind\": \"registry\", \"target\": \"pvscsi\", \"control_set\": \"ControlSet001\", "
                          "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet001\\\\Services\\\\pvscsi\", \"name\": \"Start\", "
                          "\"type\": \"REG_DWORD\", \"old_type\": \"REG_DWORD\", \"old\": 4, \"new\": 0}");
    assert_contains(json, "{\"kind\": \"delete-key\", \"target\": \"pvscsi\", \"control_set\": \"ControlSet001\", "
                          "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet001\\\\Services\\\\pvscsi\\\\StartOverride\", "
                          "\"name\": null, \"type\": \"key\", \"old\": \"0 = 3 (REG_DWORD)\", \"new\": null}");
    assert_null(strstr(json, "REG_NONE"));
    free(json);
    plan_free(p);
}

/* Every kind the plan can make is named, and no two alike. */
static void change_kinds_have_distinct_names(void **state)
{
    static const enum change_kind kinds[] = { CHANGE_VALUE, CHANGE_FILE, CHANGE_DELETE_KEY, CHANGE_STAGE };
    for (size_t i = 0; i < 4; i++) {
        assert_int_not_equal(wcscmp(report_change_kind(kinds[i]), L"unknown"), 0);
        for (size_t k = 0; k < i; k++)
            assert_int_not_equal(wcscmp(report_change_kind(kinds[i]), report_change_kind(kinds[k])), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_change_kind_has_its_own_row),
        cmocka_unit_test(change_kinds_have_distinct_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
