#include "plan.h"
#include "pe.h"
#include "text.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Service values of a boot-start kernel driver (NT5 recipe, VMware KB 1005208):
 * Type 1 = SERVICE_KERNEL_DRIVER, Start 0 = SERVICE_BOOT_START,
 * ErrorControl 1 = SERVICE_ERROR_NORMAL. */
#define SERVICE_TYPE_KERNEL 1
#define SERVICE_START_BOOT 0
#define SERVICE_ERROR_NORMAL_ 1
/* Parameters\PnpInterface "5" = 1: the miniport is enumerated on PCI (interface type 5);
 * without it a miniport may not initialize ("Registry Entries for Plug and Play SCSI
 * Miniport Drivers"). */
#define PNP_INTERFACE_PCI L"5"

struct requirements *requirements_new(void)
{
    struct requirements *r = calloc(1, sizeof *r);
    if (r && !(r->wants = calloc(P2V_ITEMS_MAX, sizeof *r->wants))) {
        free(r);
        return NULL;
    }
    return r;
}

void requirements_free(struct requirements *r)
{
    if (r) {
        free(r->wants);
        free(r);
    }
}

struct plan *plan_new(void)
{
    struct plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->changes = calloc(P2V_ITEMS_MAX, sizeof *p->changes);
    p->problems = calloc(P2V_PROBLEMS_MAX, sizeof *p->problems);
    if (!p->changes || !p->problems) {
        plan_free(p);
        return NULL;
    }
    return p;
}

void plan_free(struct plan *p)
{
    if (p) {
        free(p->changes);
        free(p->problems);
        free(p);
    }
}

void plan_reset(struct plan *p)
{
    p->n_changes = p->n_problems = 0;
    p->blocking_exit = 0;
}

void plan_add_problem(struct plan *p, int exit_code, const wchar_t *code, const wchar_t *fmt, ...)
{
    if (exit_code > 1 && (p->blocking_exit == 0 || exit_code < p->blocking_exit))
        p->blocking_exit = exit_code;
    if (p->n_problems >= P2V_PROBLEMS_MAX)
        return;
    struct problem *pr = &p->problems[p->n_problems++];
    va_list ap;
    va_start(ap, fmt);
    wfmtv(pr->message, COUNTOF(pr->message), fmt, ap);
    va_end(ap);
    wcopy(pr->code, COUNTOF(pr->code), code);
    pr->exit_code = exit_code;
}

static struct want *add_want(struct requirements *r, const struct target *t, const wchar_t *set,
                             const wchar_t *key, const wchar_t *name)
{
    if (r->n_wants >= P2V_ITEMS_MAX)
        return NULL;
    struct want *w = &r->wants[r->n_wants++];
    memset(w, 0, sizeof *w);
    w->target = t;
    wcopy(w->set, COUNTOF(w->set), set);
    wcopy(w->key, COUNTOF(w->key), key);
    wcopy(w->name, COUNTOF(w->name), name);
    return w;
}

static void want_dword(struct requirements *r, const struct target *t, const wchar_t *set,
                       const wchar_t *key, const wchar_t *name, DWORD d, BOOL only_if_absent)
{
    struct want *w = add_want(r, t, set, key, name);
    if (w) {
        regval_dword(&w->v, d);
        w->only_if_absent = only_if_absent;
    }
}

static void want_sz(struct requirements *r, const struct target *t, const wchar_t *set,
                    const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s,
                    BOOL only_if_absent)
{
    struct want *w = add_want(r, t, set, key, name);
    if (w) {
        regval_sz(&w->v, type, s);
        w->only_if_absent = only_if_absent;
    }
}

static void want_file(struct requirements *r, const struct target *t, const struct target_rule *rule)
{
    for (int i = 0; i < r->n_files; i++)
        if (_wcsicmp(r->files[i].name, rule->file) == 0)
            return;
    if (r->n_files < P2V_FILES_MAX)
        r->files[r->n_files++] = (struct want_file){ t, rule->file, rule->inbox };
}

static void want_rule(struct requirements *r, const struct target *t, const struct target_rule *rule,
                      const wchar_t *set)
{
    wchar_t svc[P2V_KEY_MAX], params[P2V_KEY_MAX], image[MAX_PATH];
    BOOL inbox = rule->inbox;

    wfmt(svc, COUNTOF(svc), L"SYSTEM\\%ls\\Services\\%ls", set, rule->service);
    wfmt(params, COUNTOF(params), L"%ls\\Parameters\\PnpInterface", svc);
    wfmt(image, COUNTOF(image), L"system32\\DRIVERS\\%ls", rule->file);

    /* An inbox service already carries Windows' own values: only Start is ours to set;
     * the rest is filled in only if missing. A payload driver gets the full recipe. */
    want_dword(r, t, set, svc, L"Type", SERVICE_TYPE_KERNEL, inbox);
    want_dword(r, t, set, svc, L"Start", SERVICE_START_BOOT, FALSE);
    want_dword(r, t, set, svc, L"ErrorControl", SERVICE_ERROR_NORMAL_, inbox);
    want_sz(r, t, set, svc, L"Group", REG_SZ, rule->group, inbox);
    want_sz(r, t, set, svc, L"ImagePath", REG_EXPAND_SZ, image, inbox);
    want_dword(r, t, set, params, PNP_INTERFACE_PCI, 1, FALSE);

    for (const wchar_t *const *id = rule->device_ids; id && *id; id++) {
        wchar_t cdd[P2V_KEY_MAX];
        wfmt(cdd, COUNTOF(cdd), L"SYSTEM\\%ls\\Control\\CriticalDeviceDatabase\\%ls", set, *id);
        want_sz(r, t, set, cdd, L"ClassGUID", REG_SZ, rule->class_guid, FALSE);
        want_sz(r, t, set, cdd, L"Service", REG_SZ, rule->service, FALSE);
    }
}

static const wchar_t *arch_name(unsigned arch)
{
    return arch == ARCH_X64 ? L"x64" : arch == ARCH_X86 ? L"x86" : L"unsupported architecture";
}

void plan_requirements(const struct machine *m, const struct target *const *targets,
                       size_t n_targets, struct requirements *r, struct plan *p)
{
    unsigned gen = machine_gen(&m->os);
    r->n_wants = 0;
    r->n_files = 0;

    if (gen == 0 || m->os.arch == 0) {
        if (p)
            plan_add_problem(p, 2, L"unsupported-os",
                L"Windows %lu.%lu (%ls) is not supported: p2vprep prepares Windows 2000 SP4 "
                L"to Windows Server 2025 on x86 and x64.",
                (unsigned long)m->os.major, (unsigned long)m->os.minor, arch_name(m->os.arch));
        return;
    }
    if (m->n_sets == 0) {
        if (p)
            plan_add_problem(p, 2, L"no-control-sets",
                L"No HKLM\\SYSTEM\\ControlSetNNN key was found; Windows boots from one of them. "
                L"Check that p2vprep runs on the live Windows it should prepare.");
        return;
    }
    for (size_t i = 0; i < n_targets; i++) {
        const struct target *t = targets[i];
        const struct target_rule *rule = target_rule_for(t, gen, m->os.arch);
        if (!rule) {
            if (p)
                plan_add_problem(p, 2, L"unsupported-target",
                    L"%ls: not supported on %ls %ls by this version of p2vprep; nothing was changed.",
                    t->name, gen_name(gen), arch_name(m->os.arch));
            continue;
        }
        want_file(r, t, rule);
        for (int s = 0; s < m->n_sets; s++)
            want_rule(r, t, rule, m->sets[s]);
    }
}

static void problem_for_file(struct plan *p, const struct target *t, const struct machine_file *f,
                             const struct machine *m)
{
    if (f->inbox) {
        plan_add_problem(p, 3, L"inbox-driver-missing",
            L"%ls: %ls, which ships with this Windows, is %ls in %ls. Repair the Windows "
            L"installation (sfc /scannow) before converting.",
            t->name, f->name, pe_status_text(f->dst_status), f->dst);
        return;
    }
    wchar_t where[2 * MAX_PATH + 16] = L"";
    for (int i = 0; i < f->n_looked; i++) {
        if (i)
            wcscat(where, L", ");
        wcscat(where, f->looked[i]);
    }
    wchar_t detail[128] = L"";
    if (f->src_status == PE_WRONG_MACHINE)
        wfmt(detail, COUNTOF(detail), L": it is %ls, this Windows needs %ls",
             pe_machine_name(f->src_machine),
             pe_machine_name(m->os.arch == ARCH_X64 ? PE_MACHINE_AMD64 : PE_MACHINE_I386));
    if (f->src_status == PE_MISSING)
        plan_add_problem(p, 3, L"payload-missing",
            L"%ls: driver %ls not found (looked in %ls). To get it: %ls. Put the %ls copy in "
            L"the payload folder and run again; nothing was changed.",
            t->name, f->name, where, t->where_to_get, arch_name(m->os.arch));
    else
        plan_add_problem(p, 3, L"payload-invalid",
            L"%ls: payload driver %ls is %ls%ls. To get a good copy: %ls. Nothing was changed.",
            t->name, f->src, pe_status_text(f->src_status), detail, t->where_to_get);
}

void plan_make(const struct machine *m, const struct target *const *targets, size_t n_targets,
               struct plan *p)
{
    struct requirements *r = requirements_new();
    plan_reset(p);
    if (!r) {
        plan_add_problem(p, 2, L"out-of-memory", L"Out of memory.");
        return;
    }
    plan_requirements(m, targets, n_targets, r, p);

    /* Files first: a service must never point at a driver that is not there yet. */
    for (int i = 0; i < r->n_files; i++) {
        const struct machine_file *f = machine_file((struct machine *)m, r->files[i].name);
        if (!f)
            continue;
        if (f->inbox) {
            if (f->dst_status != PE_OK)
                problem_for_file(p, r->files[i].target, f, m);
            continue;
        }
        if (f->src_status != PE_OK) {
            problem_for_file(p, r->files[i].target, f, m);
            continue;
        }
        if (f->dst_status == PE_OK && f->dst_same)
            continue;
        if (p->n_changes >= P2V_ITEMS_MAX)
            break;
        struct change *c = &p->changes[p->n_changes++];
        memset(c, 0, sizeof *c);
        c->kind = CHANGE_FILE;
        c->target = r->files[i].target;
        wcopy(c->key, COUNTOF(c->key), f->dst);
        wcopy(c->name, COUNTOF(c->name), f->name);
        wcopy(c->src, COUNTOF(c->src), f->src);
        c->replaces = f->dst_status != PE_MISSING;
    }

    for (size_t i = 0; i < r->n_wants; i++) {
        const struct want *w = &r->wants[i];
        const struct regval *cur = machine_value(m, w->key, w->name);
        if (cur && (w->only_if_absent || regval_equal(cur, &w->v)))
            continue;
        if (p->n_changes >= P2V_ITEMS_MAX) {
            plan_add_problem(p, 2, L"too-many-changes", L"More than %d changes; refusing.",
                             P2V_ITEMS_MAX);
            break;
        }
        struct change *c = &p->changes[p->n_changes++];
        memset(c, 0, sizeof *c);
        c->kind = CHANGE_VALUE;
        c->target = w->target;
        wcopy(c->set, COUNTOF(c->set), w->set);
        wcopy(c->key, COUNTOF(c->key), w->key);
        wcopy(c->name, COUNTOF(c->name), w->name);
        if (cur)
            c->old = *cur;
        c->new = w->v;
    }
    requirements_free(r);
}

void change_describe(const struct change *c, wchar_t *buf, size_t cch)
{
    if (c->kind == CHANGE_FILE) {
        wfmt(buf, cch, L"%ls file %ls <- %ls", c->replaces ? L"replace" : L"copy   ", c->key, c->src);
        return;
    }
    wchar_t oldv[300], newv[300];
    regval_describe(&c->old, oldv, COUNTOF(oldv));
    regval_describe(&c->new, newv, COUNTOF(newv));
    if (c->old.present)
        wfmt(buf, cch, L"set     HKLM\\%ls\\%ls = %ls (was %ls)", c->key, c->name, newv, oldv);
    else
        wfmt(buf, cch, L"set     HKLM\\%ls\\%ls = %ls (new)", c->key, c->name, newv);
}

void plan_changes_as_problems(struct plan *p)
{
    for (size_t i = 0; i < p->n_changes; i++) {
        const struct change *c = &p->changes[i];
        if (c->kind == CHANGE_FILE) {
            plan_add_problem(p, 1, c->replaces ? L"file-differs" : L"file-missing",
                L"%ls: %ls %ls; the payload copy is %ls.", c->target->name, c->key,
                c->replaces ? L"differs from the payload" : L"is missing", c->src);
            continue;
        }
        wchar_t oldv[300], newv[300];
        regval_describe(&c->old, oldv, COUNTOF(oldv));
        regval_describe(&c->new, newv, COUNTOF(newv));
        const wchar_t *rel = c->key + wcslen(L"SYSTEM\\") + wcslen(c->set) + 1;
        plan_add_problem(p, 1, c->old.present ? L"value-wrong" : L"value-missing",
            L"%ls: %ls: %ls\\%ls is %ls, needs %ls.", c->target->name, c->set, rel, c->name,
            oldv, newv);
    }
}
