#include "textfile.h"
#include "report.h"
#include "exitcodes.h"
#include "readiness.h"
#include "platforms.h"
#include "netprobe.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void json_str(struct wbuf *b, const wchar_t *s)
{
    wbuf_json_str(b, s);
}

static void json_key(struct wbuf *b, const wchar_t *k)
{
    json_str(b, k);
    wbuf_add(b, L": ");
}

/* DWORD as a number, strings as strings, anything else as hex; absent as null. */
static void json_regval(struct wbuf *b, const struct regval *v)
{
    if (!v->present) {
        wbuf_add(b, L"null");
    } else if (v->type == REG_DWORD && v->size == 4) {
        DWORD d;
        memcpy(&d, v->data, 4);
        wbuf_addf(b, L"%lu", (unsigned long)d);
    } else if ((v->type == REG_SZ || v->type == REG_EXPAND_SZ) && !v->truncated) {
        wchar_t s[REGVAL_MAX / 2 + 1];
        memcpy(s, v->data, v->size);
        s[v->size / 2] = 0;
        json_str(b, s);
    } else {
        char hex[2 * REGVAL_MAX + 1];
        wchar_t w[2 * REGVAL_MAX + 1];
        hex_encode(v->data, v->truncated ? 0 : v->size, hex);
        for (size_t i = 0; i <= strlen(hex); i++)
            w[i] = (wchar_t)hex[i];
        json_str(b, w);
    }
}

/* The name each change kind has in the report (README, "Report"). */
const wchar_t *report_change_kind(enum change_kind kind)
{
    switch (kind) {
    case CHANGE_VALUE: return L"registry";
    case CHANGE_FILE: return L"file";
    case CHANGE_DELETE_KEY: return L"delete-key";
    case CHANGE_STAGE: return L"package";
    }
    return L"unknown";
}

/* One change: kind and target, then what that kind has. A registry value: control set,
 * key, name, type, old type, old and new data. A file: its path and name, "old" absent or
 * a different file, "new" where the copy comes from. A deleted key (StartOverride): its
 * control set and path, "old" the values it holds, "new" null. A driver package: the
 * INF's name and the file staged, "old" null, "new" "staged". */
static void report_change(struct wbuf *b, const struct change *c)
{
    wchar_t path[P2V_KEY_MAX + 8];
    json_key(b, L"kind"); json_str(b, report_change_kind(c->kind));
    wbuf_add(b, L", "); json_key(b, L"target"); json_str(b, c->target ? c->target->name : L"");
    if (c->platform) {
        wbuf_add(b, L", "); json_key(b, L"retire"); json_str(b, c->platform->name);
    }
    switch (c->kind) {
    case CHANGE_FILE:
        wbuf_add(b, L", "); json_key(b, L"path"); json_str(b, c->key);
        wbuf_add(b, L", "); json_key(b, L"name"); json_str(b, c->name);
        wbuf_add(b, L", \"type\": \"file\", "); json_key(b, L"old");
        json_str(b, c->replaces ? L"different file" : L"absent");
        wbuf_add(b, L", "); json_key(b, L"new"); json_str(b, c->src);
        break;
    case CHANGE_STAGE:
        wbuf_add(b, L", "); json_key(b, L"path"); json_str(b, c->src);
        wbuf_add(b, L", "); json_key(b, L"name"); json_str(b, c->name);
        wbuf_add(b, L", \"type\": \"driver package\", \"old\": null, \"new\": \"staged\"");
        break;
    case CHANGE_DELETE_KEY:
        wbuf_add(b, L", "); json_key(b, L"control_set"); json_str(b, c->set);
        wbuf_add(b, L", "); json_key(b, L"path");
        json_str(b, wfmt(path, COUNTOF(path), L"HKLM\\%ls", c->key));
        wbuf_add(b, L", \"name\": null, \"type\": \"key\", "); json_key(b, L"old"); json_str(b, c->detail);
        wbuf_add(b, L", \"new\": null");
        break;
    case CHANGE_VALUE:
    default:
        wbuf_add(b, L", "); json_key(b, L"control_set"); json_str(b, c->set);
        wbuf_add(b, L", "); json_key(b, L"path");
        json_str(b, wfmt(path, COUNTOF(path), L"HKLM\\%ls", c->key));
        wbuf_add(b, L", "); json_key(b, L"name"); json_str(b, c->name);
        wbuf_add(b, L", "); json_key(b, L"type"); json_str(b, regtype_name(c->new.type));
        wbuf_add(b, L", "); json_key(b, L"old_type");
        if (c->old.present)
            json_str(b, regtype_name(c->old.type));
        else
            wbuf_add(b, L"null");
        wbuf_add(b, L", "); json_key(b, L"old"); json_regval(b, &c->old);
        wbuf_add(b, L", "); json_key(b, L"new"); json_regval(b, &c->new);
        break;
    }
}

/* What ran: version, computer, time, live or offline, command, targets (opens the object). */
static void report_run_section(struct wbuf *b, const struct run *r)
{
    const struct os_info *os = &r->m->os;
    wchar_t tmp[64];
    wbuf_add(b, L"{\n  ");
    json_key(b, L"version"); json_str(b, P2V_VERSION_STR);
    wbuf_add(b, L",\n  "); json_key(b, L"exe_arch"); json_str(b, P2V_ARCH_STR);
    wbuf_add(b, L",\n  "); json_key(b, L"computer"); json_str(b, os->computer);
    /* The report's own time: a file's time changes when it is copied off a share, and
     * servers' clocks differ in time zone, not in UTC. */
    wbuf_add(b, L",\n  "); json_key(b, L"time");
    engine_utc_now(tmp, COUNTOF(tmp));
    json_str(b, tmp);
    wbuf_add(b, L",\n  "); json_key(b, L"mode"); json_str(b, os->offline ? L"offline" : L"live");
    wbuf_add(b, L",\n  "); json_key(b, L"offline");
    if (os->offline)
        json_str(b, os->systemroot);
    else
        wbuf_add(b, L"null");
    wbuf_add(b, L",\n  "); json_key(b, L"helper_computer");
    if (os->offline)
        json_str(b, os->helper);
    else
        wbuf_add(b, L"null");
    wbuf_add(b, L",\n  "); json_key(b, L"command"); json_str(b, command_name(r->opt->command));
    wbuf_add(b, L",\n  "); json_key(b, L"targets"); wbuf_add(b, L"[");
    for (size_t i = 0; i < r->opt->n_targets; i++) {
        if (i)
            wbuf_add(b, L", ");
        json_str(b, r->opt->targets[i]->name);
    }
}

/* "os": the Windows prepared. */
static void report_os_section(struct wbuf *b, const struct run *r)
{
    const struct os_info *os = &r->m->os;
    wchar_t tmp[64];
    wbuf_add(b, L"],\n  "); json_key(b, L"os"); wbuf_add(b, L"{");
    json_key(b, L"version");
    json_str(b, wfmt(tmp, COUNTOF(tmp), L"%lu.%lu.%lu", (unsigned long)os->major,
                     (unsigned long)os->minor, (unsigned long)os->build));
    wbuf_addf(b, L", \"service_pack\": %lu, ", (unsigned long)os->sp_major);
    json_key(b, L"arch");
    json_str(b, os->arch == ARCH_X64 ? L"x64" : os->arch == ARCH_X86 ? L"x86" : L"other");
    wbuf_addf(b, L", \"wow64\": %ls, ", os->wow64 ? L"true" : L"false");
    json_key(b, L"systemroot"); json_str(b, os->systemroot);
    wbuf_add(b, L", "); json_key(b, L"product_type");
    json_str(b, os->product_type == VER_NT_WORKSTATION ? L"workstation"
              : os->product_type == VER_NT_DOMAIN_CONTROLLER ? L"domain_controller"
              : os->product_type == VER_NT_SERVER ? L"server" : L"unknown");
}

/* "control_sets", "select", and where the run read and wrote (payload, state, journal). */
static void report_sets_section(struct wbuf *b, const struct run *r)
{
    const struct machine *m = r->m;
    wbuf_add(b, L"},\n  "); json_key(b, L"control_sets"); wbuf_add(b, L"[");
    for (int i = 0; i < m->n_sets; i++) {
        if (i)
            wbuf_add(b, L", ");
        json_str(b, m->sets[i]);
    }
    wbuf_add(b, L"],\n  "); json_key(b, L"select"); wbuf_add(b, L"{");
    for (int s = 0; s < SEL_COUNT; s++) {
        if (s)
            wbuf_add(b, L", ");
        json_key(b, select_names[s]);
        if (m->select_present[s])
            wbuf_addf(b, L"%lu", (unsigned long)m->select[s]);
        else
            wbuf_add(b, L"null");
    }
    wbuf_add(b, L"},\n  "); json_key(b, L"payload_dir"); json_str(b, r->payload_dir);
    wbuf_add(b, L",\n  "); json_key(b, L"state_dir"); json_str(b, r->state_dir);
    wbuf_add(b, L",\n  "); json_key(b, L"journal");
    if (r->journal[0])
        json_str(b, r->journal);
    else
        wbuf_add(b, L"null");
}

/* "changes" and "problems". */
static void report_changes_section(struct wbuf *b, const struct run *r)
{
    wbuf_add(b, L",\n  "); json_key(b, L"changes"); wbuf_add(b, L"[");
    for (size_t i = 0; i < r->p->n_changes; i++) {
        wbuf_add(b, i ? L",\n    {" : L"\n    {");
        report_change(b, &r->p->changes[i]);
        wbuf_add(b, L"}");
    }
    wbuf_add(b, r->p->n_changes ? L"\n  ],\n  " : L"],\n  ");
    json_key(b, L"problems"); wbuf_add(b, L"[");
    for (size_t i = 0; i < r->p->n_problems; i++) {
        wbuf_add(b, i ? L",\n    {" : L"\n    {");
        json_key(b, L"code"); json_str(b, r->p->problems[i].code);
        wbuf_add(b, L", "); json_key(b, L"message"); json_str(b, r->p->problems[i].message);
        wbuf_add(b, L"}");
    }
    wbuf_add(b, r->p->n_problems ? L"\n  ],\n  " : L"],\n  ");
}

/* A finding's label: its code as words ("registry-link" -> "Registry link"). */
static void finding_label(const wchar_t *code, wchar_t *out, size_t cch)
{
    wcopy(out, cch, code);
    for (wchar_t *c = out; *c; c++)
        if (*c == L'-')
            *c = L' ';
    if (out[0] >= L'a' && out[0] <= L'z')
        out[0] = (wchar_t)(out[0] - L'a' + L'A');
}

static void finding(struct wbuf *b, BOOL *first, const wchar_t *code, const wchar_t *category,
                    const wchar_t *message)
{
    wchar_t label[64];
    finding_label(code, label, COUNTOF(label));
    wbuf_add(b, *first ? L"\n    {" : L",\n    {");
    *first = FALSE;
    json_key(b, L"id"); json_str(b, code);
    wbuf_add(b, L", "); json_key(b, L"category"); json_str(b, category);
    wbuf_add(b, L", "); json_key(b, L"label"); json_str(b, label);
    wbuf_add(b, L", "); json_key(b, L"message"); json_str(b, message);
    wbuf_add(b, L"}");
}

/* "findings": the problems and check's readiness notes in the shape migration planners
 * show as plan concerns: Critical (the run is refused), Warning (not ready, or a risk the
 * admin accepted or should look at), Information. */
static void report_findings_section(struct wbuf *b, const struct run *r)
{
    BOOL first = TRUE;
    json_key(b, L"findings"); wbuf_add(b, L"[");
    for (size_t i = 0; i < r->p->n_problems; i++) {
        const struct problem *pr = &r->p->problems[i];
        finding(b, &first, pr->code, pr->exit_code > 1 ? L"Critical" : L"Warning", pr->message);
    }
    for (int i = 0; r->readiness && i < r->readiness->n_notes; i++) {
        const struct readiness_note *n = &r->readiness->notes[i];
        finding(b, &first, n->code, n->warning ? L"Warning" : L"Information", n->message);
    }
    wbuf_add(b, first ? L"],\n  " : L"\n  ],\n  ");
}

/* "verdicts" (check). */
static void report_verdicts_section(struct wbuf *b, const struct run *r)
{
    if (r->n_verdicts) {
        json_key(b, L"verdicts");
        wbuf_add(b, L"[");
        for (int i = 0; i < r->n_verdicts; i++) {
            wbuf_add(b, i ? L",\n    {" : L"\n    {");
            json_key(b, L"target"); json_str(b, r->verdicts[i].name);
            wbuf_add(b, L", "); json_key(b, L"verdict"); json_str(b, verdict_text(r->verdicts[i].verdict));
            wbuf_add(b, L", "); json_key(b, L"reason"); json_str(b, r->verdicts[i].reason);
            wbuf_add(b, L"}");
        }
        wbuf_add(b, L"\n  ],\n  ");
    }
}

/* "retire" (--retire): each platform's services, drivers and software found, and what
 * becomes of each: "retire" (disabled, out of the filter lists), "off" (disabled already),
 * "guarded" (the boot guard keeps it, "why" says what it carries), and their counts. */
static void report_retire_section(struct wbuf *b, const struct run *r)
{
    const struct policy *pol = &r->opt->policy;
    if (!pol->n_retire)
        return;
    size_t found = 0, retired = 0, guarded = 0, software = 0;
    json_key(b, L"retire");
    wbuf_add(b, L"{");
    json_key(b, L"platforms");
    wbuf_add(b, L"[");
    for (size_t i = 0; i < pol->n_retire; i++) {
        wbuf_add(b, i ? L", " : L"");
        json_str(b, pol->retire[i]->name);
    }
    wbuf_add(b, L"], ");
    json_key(b, L"items");
    wbuf_add(b, L"[");
    for (size_t i = 0; i < r->p->n_retired; i++) {
        const struct retire_item *it = &r->p->retired[i];
        wbuf_add(b, i ? L",\n    {" : L"\n    {");
        json_key(b, L"platform"); json_str(b, it->platform->name);
        wbuf_add(b, L", "); json_key(b, L"name"); json_str(b, it->name);
        if (it->product) {
            software++;
            wbuf_add(b, L", \"kind\": \"software\", "); json_key(b, L"note"); json_str(b, it->why);
        } else {
            found++;
            retired += it->state == RETIRE_DISABLE || it->state == RETIRE_OFF;
            guarded += it->state == RETIRE_GUARDED;
            wbuf_add(b, L", \"kind\": \"service\", "); json_key(b, L"state");
            json_str(b, retire_state_text(it->state));
            wbuf_addf(b, L", \"control_sets\": %d, \"filter_lists\": %d, ", it->n_sets, it->n_filters);
            json_key(b, L"why"); json_str(b, it->why);
        }
        wbuf_add(b, L"}");
    }
    wbuf_add(b, r->p->n_retired ? L"\n  ], " : L"], ");
    wbuf_addf(b, L"\"found\": %u, \"retired\": %u, \"guarded\": %u, \"software\": %u, "
                 L"\"software_listed\": %ls},\n  ", (unsigned)found, (unsigned)retired, (unsigned)guarded,
              (unsigned)software, r->m->products_known ? L"true" : L"false");
}

/* "network" (check, --keep-network): every adapter's TCP/IP settings as captured
 * (net_capture_json), and whether the first-boot pass is to move them. */
static void report_network_section(struct wbuf *b, const struct run *r)
{
    if (!r->net || !r->net->capture)
        return;
    wbuf_addf(b, L"\"network\": {\"keep_network\": %ls, \"complete\": %ls, \"control_set\": ",
              r->opt->policy.keep_network ? L"true" : L"false", r->net->capture_complete ? L"true" : L"false");
    json_str(b, r->net->set);
    wbuf_addf(b, L", \"first_boot\": {\"registered\": %ls, \"move_network\": %ls, \"uninstall\": [",
              firstboot_needed(&r->fb) ? L"true" : L"false", r->fb.network ? L"true" : L"false");
    for (int i = 0; i < r->fb.n_uninstall; i++) {
        wbuf_add(b, i ? L", {\"code\": " : L"{\"code\": ");
        json_str(b, r->fb.uninstall[i]);
        wbuf_add(b, L", \"platform\": ");
        json_str(b, r->fb.uninstall_platform[i]);
        wbuf_add(b, L"}");
    }
    wbuf_add(b, L"]}, \"capture\": ");
    net_capture_json(r->net->capture, b);
    wbuf_add(b, L"},\n  ");
}

/* "readiness" (check): facts and notes beyond the registry. */
static void report_readiness_section(struct wbuf *b, const struct run *r)
{
    if (r->readiness) {
        const struct readiness *rd = r->readiness;
        json_key(b, L"readiness");
        wbuf_add(b, L"{");
        json_key(b, L"boot_ini"); json_str(b, rd->boot_ini);
        wbuf_add(b, L", "); json_key(b, L"boot_default"); json_str(b, rd->boot_default);
        wbuf_add(b, L", "); json_key(b, L"boot_volume"); json_str(b, rd->boot_volume);
        wbuf_add(b, L", "); json_key(b, L"system_volume"); json_str(b, rd->system_volume);
        wbuf_addf(b, L", \"boot_files_elsewhere\": %ls, \"dynamic_disk\": %ls, \"hibernation\": %ls, "
                     L"\"fast_startup\": %ls, \"drivers_free_bytes\": %I64u, ",
                  rd->boot_files_elsewhere ? L"true" : L"false", rd->dynamic_disk ? L"true" : L"false",
                  rd->hibernation ? L"true" : L"false", rd->fast_startup ? L"true" : L"false",
                  rd->drivers_free_bytes);
        static const wchar_t *const firmware[] = { L"unknown", L"bios", L"uefi" };
        static const wchar_t *const bitlocker[] = { L"unknown", L"off", L"on" };
        json_key(b, L"firmware"); json_str(b, firmware[rd->facts.firmware]);
        wbuf_add(b, L", "); json_key(b, L"bitlocker"); json_str(b, bitlocker[rd->facts.bitlocker]);
        if (rd->facts.san_present)
            wbuf_addf(b, L", \"san_policy\": %lu, ", (unsigned long)rd->facts.san_policy);
        else
            wbuf_add(b, L", \"san_policy\": null, ");
        json_key(b, L"notes");
        wbuf_add(b, L"[");
        for (int i = 0; i < rd->n_notes; i++) {
            wbuf_add(b, i ? L",\n    {" : L"\n    {");
            json_key(b, L"code"); json_str(b, rd->notes[i].code);
            wbuf_addf(b, L", \"warning\": %ls, ", rd->notes[i].warning ? L"true" : L"false");
            json_key(b, L"message"); json_str(b, rd->notes[i].message);
            wbuf_add(b, L"}");
        }
        wbuf_add(b, rd->n_notes ? L"\n  ]},\n  " : L"]},\n  ");
    }
}

/* "ready", "exit_code", "writes", "elapsed_ms", and for --json the result (closes the object). */
static void report_end_section(struct wbuf *b, const struct run *r, const struct report_result *res)
{
    BOOL ready = r->opt->command == CMD_CHECK ? r->ready
               : (r->exit_code == EXIT_OK && r->opt->command == CMD_APPLY);
    wbuf_addf(b, L"\"ready\": %ls,\n  \"exit_code\": %d,\n  \"writes\": %u,\n  \"elapsed_ms\": %.3f",
              ready ? L"true" : L"false", r->exit_code, r->counted.writes, r->elapsed_ms);
    if (res) {
        /* DSC's name for the verdict a resource's test returns */
        wbuf_addf(b, L",\n  \"_inDesiredState\": %ls", ready ? L"true" : L"false");
        report_result_fields(b, res);
    }
    wbuf_add(b, L"\n}\n");
}

void report_result_fields(struct wbuf *b, const struct report_result *res)
{
    wbuf_addf(b, L",\n  \"changed\": %ls,\n  \"failed\": %ls,\n  ", res->changed ? L"true" : L"false",
              res->failed ? L"true" : L"false");
    json_key(b, L"msg"); json_str(b, res->msg ? res->msg : L"");
    wbuf_addf(b, L",\n  \"rc\": %d", res->rc);
}

void report_minimal(const wchar_t *command, int exit_code, const struct report_result *res, struct wbuf *b)
{
    wbuf_add(b, L"{\n  ");
    json_key(b, L"version"); json_str(b, P2V_VERSION_STR);
    wbuf_add(b, L",\n  "); json_key(b, L"exe_arch"); json_str(b, P2V_ARCH_STR);
    wbuf_add(b, L",\n  "); json_key(b, L"command"); json_str(b, command);
    wbuf_addf(b, L",\n  \"findings\": [],\n  \"exit_code\": %d", exit_code);
    report_result_fields(b, res);
    wbuf_add(b, L"\n}\n");
}

/* One function per section, in the report's order (README, "Report"). */
void report_build(const struct run *r, struct wbuf *b)
{
    report_build_result(r, NULL, b);
}

void report_build_result(const struct run *r, const struct report_result *res, struct wbuf *b)
{
    report_run_section(b, r);
    report_os_section(b, r);
    report_sets_section(b, r);
    report_changes_section(b, r);
    report_retire_section(b, r);
    report_network_section(b, r);
    report_findings_section(b, r);
    report_verdicts_section(b, r);
    report_readiness_section(b, r);
    report_end_section(b, r, res);
}

DWORD report_write(const struct run *r, const wchar_t *path)
{
    struct wbuf b = { 0 };
    report_build(r, &b);
    DWORD err = b.ok ? text_save_utf8(path, b.s) : ERROR_NOT_ENOUGH_MEMORY;
    wbuf_free(&b);
    return err;
}
