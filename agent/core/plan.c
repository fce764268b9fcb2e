#include "plan.h"
#include "platforms.h"
#include "firstboot.h"
#include "pe.h"
#include "text.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
    p->retired = calloc(P2V_RETIRE_ITEMS_MAX, sizeof *p->retired);
    if (!p->changes || !p->problems || !p->retired) {
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
        free(p->retired);
        free(p);
    }
}

void plan_reset(struct plan *p)
{
    p->n_changes = p->n_problems = p->n_retired = 0;
    p->blocking_exit = 0;
}

void plan_add_problem(struct plan *p, const struct target *t, int exit_code, const wchar_t *code,
                      const wchar_t *fmt, ...)
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
    wcopy(pr->target, COUNTOF(pr->target), t ? t->name : L"");
    pr->exit_code = exit_code;
}

/* ---- what a rule needs ---- */

struct want *requirements_add(struct requirements *r, enum want_kind kind, const struct target *t,
                              const wchar_t *set, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < r->n_wants; i++)   /* two targets may share a service (ide, sata) */
        if (r->wants[i].kind == kind && !_wcsicmp(r->wants[i].key, key) &&
            !_wcsicmp(r->wants[i].name, name))
            return NULL;
    if (r->n_wants >= P2V_ITEMS_MAX) {
        r->overflow = TRUE;
        return NULL;
    }
    struct want *w = &r->wants[r->n_wants++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->target = t;
    wcopy(w->set, COUNTOF(w->set), set);
    wcopy(w->key, COUNTOF(w->key), key);
    wcopy(w->name, COUNTOF(w->name), name);
    return w;
}

static void want_dword(struct requirements *r, const struct target *t, const wchar_t *set,
                       const wchar_t *key, const wchar_t *name, DWORD d, BOOL only_if_absent)
{
    struct want *w = requirements_add(r, WANT_VALUE, t, set, key, name);
    if (w) {
        regval_dword(&w->v, d);
        w->only_if_absent = only_if_absent;
    }
}

static void want_sz(struct requirements *r, const struct target *t, const wchar_t *set,
                    const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s,
                    BOOL only_if_absent)
{
    struct want *w = requirements_add(r, WANT_VALUE, t, set, key, name);
    if (w) {
        regval_sz(&w->v, type, s);
        w->only_if_absent = only_if_absent;
    }
}

static void want_no_start_override(struct requirements *r, const struct target *t,
                                   const wchar_t *set, const wchar_t *service)
{
    wchar_t key[P2V_KEY_MAX];
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls\\StartOverride", set, service);
    requirements_add(r, WANT_NO_KEY, t, set, key, L"");
}

static void want_file(struct requirements *r, const struct target *t, const wchar_t *name,
                      enum source source)
{
    for (int i = 0; i < r->n_files; i++)
        if (_wcsicmp(r->files[i].name, name) == 0) {
            r->files[i].sources |= 1u << source;
            return;
        }
    if (r->n_files >= P2V_FILES_MAX) {
        r->overflow = TRUE;
        return;
    }
    struct want_file *w = &r->files[r->n_files++];
    w->target = t;
    wcopy(w->name, COUNTOF(w->name), name);
    w->sources = 1u << source;
    w->payload_dir = t->payload_dir;
}

BOOL service_image_file(const struct regval *v, wchar_t *out, size_t cch)
{
    wchar_t image[REGVAL_MAX / sizeof(wchar_t) + 1];
    if (!regval_string(v, image, COUNTOF(image)))
        return FALSE;
    size_t n = wcslen(image);
    const wchar_t *slash = wcsrchr(image, L'\\');
    if (!slash)
        return FALSE;
    const wchar_t *name = slash + 1;
    size_t len = n - (size_t)(name - image);
    static const wchar_t folder[] = L"system32\\drivers";
    size_t nf = COUNTOF(folder) - 1;
    size_t at = (size_t)(slash - image);
    if (at < nf || _wcsnicmp(slash - nf, folder, nf) || (at > nf && slash[-(ptrdiff_t)nf - 1] != L'\\'))
        return FALSE;
    if (len < 5 || len >= cch || _wcsicmp(name + len - 4, L".sys"))
        return FALSE;
    for (const wchar_t *c = name; *c; c++)
        if (*c < 0x20 || wcschr(L"/:*?\"<>|", *c))
            return FALSE;
    if (name[0] == L'.' || name[0] == L' ')
        return FALSE;
    wcopy(out, cch, name);
    return TRUE;
}

/* The file an inbox service runs, as Windows loads it: its own ImagePath where it has one
 * (storflt runs vmstorfl.sys on every Windows 7, 8.1 and 10 SYSTEM hive checked), taken from
 * the current control set, else from the first set that has the key; the table's name
 * where no set has it. A payload driver's ImagePath is p2vprep's to set: the table's. */
static const wchar_t *service_file(const struct machine *m, const struct service_spec *sv,
                                   wchar_t *buf, size_t cch)
{
    if (sv->source != SRC_INBOX)
        return sv->file;
    int order[P2V_SETS_MAX], n = 0;
    for (int pass = 0; pass < 2; pass++)   /* the current set first */
        for (int s = 0; s < m->n_sets; s++) {
            BOOL current = m->select_present[SEL_CURRENT] &&
                           wcstoul(m->sets[s] + 10, NULL, 10) == m->select[SEL_CURRENT];
            if (current == !pass)
                order[n++] = s;
        }
    for (int i = 0; i < n; i++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", m->sets[order[i]], sv->name);
        if (service_image_file(machine_value(m, key, L"ImagePath"), buf, cch))
            return buf;
    }
    return sv->file;
}

/* An optional inbox service is skipped when the probe found its file missing. For the
 * probe's own list (probed = FALSE) it is always wanted, so that the probe looks. */
static BOOL service_skipped(const struct machine *m, const struct service_spec *sv, BOOL probed)
{
    if (!sv->optional || !probed)
        return FALSE;
    wchar_t buf[64];
    const struct machine_file *f = machine_file(m, service_file(m, sv, buf, COUNTOF(buf)));
    return !f || f->dst_status != PE_OK;
}

static void rule_requirements(struct requirements *r, const struct machine *m, const struct target *t,
                              const struct target_rule *rule, unsigned gen, BOOL probed)
{
    for (size_t i = 0; i < rule->n_services; i++) {
        wchar_t buf[64];
        if (!service_skipped(m, &rule->services[i], probed))
            want_file(r, t, service_file(m, &rule->services[i], buf, COUNTOF(buf)),
                      rule->services[i].source);
    }
    for (const wchar_t *const *lib = rule->libraries; lib && *lib; lib++)
        want_file(r, t, *lib, SRC_INBOX);
    for (const wchar_t *const *inf = rule->packages; inf && *inf; inf++)
        if (r->n_packages < P2V_FILES_MAX)
            r->packages[r->n_packages++] = (struct want_package){ t, *inf, t->payload_dir };
        else
            r->overflow = TRUE;

    for (int s = 0; s < m->n_sets; s++) {
        const wchar_t *set = m->sets[s];
        for (size_t i = 0; i < rule->n_services; i++) {
            const struct service_spec *sv = &rule->services[i];
            wchar_t key[P2V_KEY_MAX], params[P2V_KEY_MAX], image[MAX_PATH];
            if (service_skipped(m, sv, probed))
                continue;
            /* An inbox service already carries Windows' own values: only Start is ours to
             * set; the rest is filled in only if missing. A payload driver gets the full
             * recipe. */
            BOOL inbox = sv->source == SRC_INBOX;
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", set, sv->name);
            wchar_t buf[64];
            wfmt(image, COUNTOF(image), L"system32\\DRIVERS\\%ls", service_file(m, sv, buf, COUNTOF(buf)));
            want_dword(r, t, set, key, L"Type", SERVICE_TYPE_KERNEL, inbox);
            want_dword(r, t, set, key, L"Start", SERVICE_START_BOOT, FALSE);
            want_dword(r, t, set, key, L"ErrorControl", SERVICE_ERROR_NORMAL_, inbox);
            want_sz(r, t, set, key, L"Group", REG_SZ, sv->group, inbox);
            want_sz(r, t, set, key, L"ImagePath", REG_EXPAND_SZ, image, inbox);
            if (sv->pnp_interface) {
                wfmt(params, COUNTOF(params), L"%ls\\Parameters\\PnpInterface", key);
                want_dword(r, t, set, params, PNP_INTERFACE_PCI, 1, FALSE);
            }
            if (gen == GEN_NT62)
                want_no_start_override(r, t, set, sv->name);
        }
        if (gen == GEN_NT62) {
            for (const wchar_t *const *bus = p2v_bus_services; *bus; bus++)
                want_no_start_override(r, t, set, *bus);
            continue;
        }
        for (size_t i = 0; i < rule->n_cdd; i++) {
            wchar_t cdd[P2V_KEY_MAX];
            wfmt(cdd, COUNTOF(cdd), L"SYSTEM\\%ls\\Control\\CriticalDeviceDatabase\\%ls", set,
                 rule->cdd[i].id);
            want_sz(r, t, set, cdd, L"ClassGUID", REG_SZ, rule->cdd[i].class_guid, FALSE);
            want_sz(r, t, set, cdd, L"Service", REG_SZ, rule->cdd[i].service, FALSE);
        }
    }
}

static BOOL rule_matches(const struct target_rule *rule, const struct machine *m, unsigned gen)
{
    return rule_covers(rule, gen, m->os.arch, m->os.major, m->os.minor);
}

/* ---- settings beside the driver: every control set, like the services ---- */

/* Data disks offline after the move: under SanPolicy OfflineShared (the default of Windows
 * Server 2008 Enterprise/Datacenter and of every Server 2016 edition, Microsoft's
 * VDS_SAN_POLICY documentation) disks found on a new bus stay offline; 1 = OnlineAll.
 * partmgr reads it from Vista / 2008 on; 2000/XP/2003 have no SAN policy. */
#define SAN_POLICY_ONLINE_ALL 1

/* The target a setting is reported under: the first that asks for it, else the first. */
static const struct target *san_target(const struct target *const *targets, size_t n,
                                       enum san_choice choice)
{
    if (choice == SAN_KEEP || n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (targets[i]->san_online)
            return targets[i];
    return choice == SAN_ONLINE ? targets[0] : NULL;
}

static void settings_requirements(struct requirements *r, const struct machine *m,
                                  const struct target *const *targets, size_t n, unsigned gen)
{
    const struct target *san = gen == GEN_NT5 ? NULL : san_target(targets, n, r->policy.san_policy);
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        const wchar_t *set = m->sets[s];
        if (san) {
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\partmgr\\Parameters", set);
            want_dword(r, san, set, key, L"SanPolicy", SAN_POLICY_ONLINE_ALL, FALSE);
        }
        /* A STOP 0x7B that reboots at once is a loop nobody can read; AutoReboot = 0 keeps
         * it on the console (virt-v2v sets it for the same reason). */
        if (r->policy.crash_visible && n) {
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\CrashControl", set);
            want_dword(r, targets[0], set, key, L"AutoReboot", 0, FALSE);
        }
    }
}

void plan_requirements(const struct machine *m, const struct target *const *targets,
                       size_t n_targets, struct requirements *r)
{
    unsigned gen = machine_gen(&m->os);
    r->n_wants = 0;
    r->n_files = r->n_packages = 0;
    r->overflow = FALSE;
    if (gen == 0 || m->os.arch == 0)
        return;
    for (size_t i = 0; i < n_targets; i++)
        for (size_t k = 0; k < targets[i]->n_rules; k++) {
            const struct target_rule *rule = &targets[i]->rules[k];
            if (!rule_matches(rule, m, gen))
                continue;
            if (rule->refusal)
                break;
            rule_requirements(r, m, targets[i], rule, gen, FALSE);
        }
    settings_requirements(r, m, targets, n_targets, gen);
    retire_requirements(m, r);
    firstboot_requirements(m, r);
}

/* ---- choosing among a target's rules ---- */

static BOOL inbox_available(const struct machine *m, const wchar_t *file)
{
    const struct machine_file *f = machine_file(m, file);
    return f && (f->dst_status == PE_OK || (f->cab[0] && f->cab_status == PE_OK));
}

static BOOL rule_inbox_available(const struct machine *m, const struct target_rule *rule)
{
    for (size_t i = 0; i < rule->n_services; i++) {
        wchar_t buf[64];
        if (rule->services[i].source == SRC_INBOX && !rule->services[i].optional &&
            !inbox_available(m, service_file(m, &rule->services[i], buf, COUNTOF(buf))))
            return FALSE;
    }
    return TRUE;
}

/* The first matching rule whose inbox files are there; the last one regardless, so that
 * its problems (a payload to provide) are what the admin sees. */
static const struct target_rule *choose_rule(const struct machine *m, const struct target *t,
                                             unsigned gen)
{
    const struct target_rule *last = NULL;
    for (size_t k = 0; k < t->n_rules; k++) {
        const struct target_rule *rule = &t->rules[k];
        if (!rule_matches(rule, m, gen))
            continue;
        if (rule->refusal || rule_inbox_available(m, rule))
            return rule;
        last = rule;
    }
    return last;
}

/* ---- problems with files ---- */

static void list_looked(wchar_t *where, size_t cch, const wchar_t (*looked)[MAX_PATH], int n)
{
    where[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            wcsncat(where, L", ", cch - wcslen(where) - 1);
        wcsncat(where, looked[i], cch - wcslen(where) - 1);
    }
}

static void problem_for_file(struct plan *p, const struct target *t, const struct machine_file *f,
                             BOOL inbox, const struct machine *m)
{
    wchar_t where[4 * MAX_PATH + 16], detail[128] = L"";
    list_looked(where, COUNTOF(where), f->looked, f->n_looked);
    if (inbox) {
        plan_add_problem(p, t, 3, L"inbox-driver-missing",
            L"%ls: %ls, which ships with Windows, is %ls in %ls%ls%ls. Repair the Windows "
            L"installation (sfc /scannow, or copy it from the installation media) before converting.",
            t->name, f->name, pe_status_text(f->dst_status), f->dst,
            f->cab[0] ? L"; the copy in " : L"", f->cab[0] ? f->cab : L"");
        return;
    }
    if (f->src_status == PE_WRONG_MACHINE)
        wfmt(detail, COUNTOF(detail), L": it is %ls, this Windows needs %ls",
             pe_machine_name(f->src_machine),
             pe_machine_name(m->os.arch == ARCH_X64 ? PE_MACHINE_AMD64 : PE_MACHINE_I386));
    if (f->src_status == PE_MISSING)
        plan_add_problem(p, t, 3, L"payload-missing",
            L"%ls: driver %ls not found (looked in %ls). To get it: %ls. Put the %ls copy in "
            L"the payload folder and run again; nothing was changed.",
            t->name, f->name, where, t->where_to_get, arch_name(m->os.arch));
    else
        plan_add_problem(p, t, 3, L"payload-invalid",
            L"%ls: payload driver %ls is %ls%ls. To get a good copy: %ls. Nothing was changed.",
            t->name, f->src, pe_status_text(f->src_status), detail, t->where_to_get);
}

/* x64 Windows Vista and later load only signed kernel drivers; a boot driver copied by
 * hand needs its own (embedded) signature, a staged package may rely on its catalog.
 * A boot-start driver that fails code integrity stops Windows at boot (0xc0000428), and
 * the driver is made boot-start on this very server too, not only in the VM. */
static void check_signature(struct plan *p, const struct target *t, const struct machine_file *f,
                            const struct machine_package *pkg, const struct machine *m, unsigned gen)
{
    static const wchar_t allowed[] =
        L" (--allow-unsigned given: apply goes ahead. A boot-start driver that fails code integrity "
        L"stops THIS server from booting too, with 0xc0000428, unless test signing is on: be sure it "
        L"is signed in a way this Windows accepts)";
    static const wchar_t how[] =
        L", or pass --allow-unsigned only for a test-signed setup (a boot-start driver that fails "
        L"code integrity stops this server from booting too, with 0xc0000428)";
    if (m->os.arch != ARCH_X64 || gen == GEN_NT5)
        return;
    switch (f->src_sig.state) {
    case SIG_VALID:
        if (!f->src_sig.kernel && !m->test_signing)
            break;   /* trusted for programs only: its package's catalog may still sign it */
        /* Vista, 2008, 7 and 2008 R2 check SHA-2 signatures only with SHA-2 code signing
         * support installed (KB4474419, with KB4490628); without it the driver does not load */
        if (f->src_sig.sha2_only && m->os.major == 6 && m->os.minor <= 1)
            plan_add_problem(p, t, 0, L"sha2-only-signature",
                L"%ls: %ls is signed with SHA-2 only; Windows %lu.%lu loads it only with SHA-2 code "
                L"signing support installed (KB4474419 and KB4490628). Without it this server and the "
                L"VM stop at boot with 0xc0000428: install the updates first, or use a driver signed "
                L"with SHA-1 as well.", t->name, f->src, (unsigned long)m->os.major,
                (unsigned long)m->os.minor);
        return;
    case SIG_UNCHECKED:
        return;   /* a signature, and no means to check it here: as Windows did before */
    case SIG_BROKEN:
        /* no setting of this Windows loads it: never allowed */
        plan_add_problem(p, t, 3, L"broken-signature",
            L"%ls: %ls %ls (WinVerifyTrust: 0x%08lx). Windows will not load it. Get a clean copy: %ls. "
            L"Nothing was changed.", t->name, f->src, sig_state_text(SIG_BROKEN),
            (unsigned long)f->src_sig.result, t->where_to_get);
        return;
    default:
        break;   /* none, or one Windows does not trust: its package's catalog may sign it */
    }
    const struct sig_info *cat = &f->cat_sig;
    switch (cat->state) {
    case SIG_VALID:
        if (!cat->kernel && !m->test_signing)
            break;
        if (cat->sha2_only && m->os.major == 6 && m->os.minor <= 1)
            plan_add_problem(p, t, 0, L"sha2-only-signature",
                L"%ls: the catalog %ls that signs %ls is signed with SHA-2 only; Windows %lu.%lu "
                L"accepts it only with SHA-2 code signing support installed (KB4474419 and "
                L"KB4490628). Without it this server and the VM stop at boot with 0xc0000428: "
                L"install the updates first, or use a package signed with SHA-1 as well.",
                t->name, f->cat, f->src, (unsigned long)m->os.major, (unsigned long)m->os.minor);
        return;
    case SIG_UNCHECKED:
        return;
    case SIG_NOT_LISTED:
    case SIG_BROKEN:
        /* a changed driver or a damaged catalog: no setting of this Windows loads it */
        plan_add_problem(p, t, 3, cat->state == SIG_NOT_LISTED ? L"driver-not-in-catalog" : L"broken-catalog",
            L"%ls: %ls %ls (catalog %ls, 0x%08lx). Windows will not load it. Get the vendor's "
            L"package again, unchanged: %ls. Nothing was changed.", t->name, f->src,
            cat->state == SIG_NOT_LISTED ? sig_state_text(SIG_NOT_LISTED)
                                         : L"is signed through a catalog that is damaged or unsigned",
            f->cat, (unsigned long)cat->result, t->where_to_get);
        return;
    case SIG_UNTRUSTED:
        plan_add_problem(p, t, p->policy.allow_unsigned ? 0 : 3, L"untrusted-signature",
            L"%ls: %ls is signed through its catalog %ls, by a certificate this Windows does not "
            L"trust (WinVerifyTrust: 0x%08lx); 64-bit Windows will not load it and the VM would "
            L"stop with 0x7B. Use the vendor's signed package%ls.", t->name, f->src, f->cat,
            (unsigned long)cat->result, p->policy.allow_unsigned ? allowed : how);
        return;
    default:
        break;
    }
    /* a signature this Windows trusts for programs (a company CA in its root store), not one
     * the kernel loads boot drivers from */
    const struct sig_info *programs = cat->state == SIG_VALID ? cat : f->src_sig.state == SIG_VALID ? &f->src_sig : NULL;
    if (programs) {
        plan_add_problem(p, t, p->policy.allow_unsigned ? 0 : 3, L"user-mode-signature",
            L"%ls: %ls is signed%ls by a chain that ends in %ls, which this Windows trusts for programs, "
            L"but not in a root the 64-bit kernel loads boot drivers from (Microsoft's, or a "
            L"commercial CA Microsoft cross-signed); without test signing (bcdedit /set testsigning "
            L"on) this server and the VM stop at boot with 0xc0000428. Use the vendor's signed "
            L"driver%ls.", t->name, f->src, programs == cat ? L" through its catalog" : L"",
            programs->root[0] ? programs->root : L"a root", p->policy.allow_unsigned ? allowed : how);
        return;
    }
    if (f->src_sig.state == SIG_UNTRUSTED) {
        plan_add_problem(p, t, p->policy.allow_unsigned ? 0 : 3, L"untrusted-signature",
            L"%ls: %ls %ls (WinVerifyTrust: 0x%08lx); 64-bit Windows will not load it and the VM "
            L"would stop with 0x7B. Use the vendor's signed driver%ls.", t->name, f->src,
            sig_state_text(SIG_UNTRUSTED), (unsigned long)f->src_sig.result,
            p->policy.allow_unsigned ? allowed : how);
        return;
    }
    plan_add_problem(p, t, p->policy.allow_unsigned ? 0 : 3, L"unsigned-driver",
        L"%ls: %ls has no Authenticode signature%ls; 64-bit Windows will not load it and the "
        L"VM would stop with 0x7B. Use the vendor's signed driver%ls.",
        t->name, f->src, !pkg ? L"" : pkg->catalog_present ? L" and its package's catalog does not list it"
                                                           : L" and its package has no catalog",
        p->policy.allow_unsigned ? allowed : how);
}

struct change *plan_add_change(struct plan *p, enum change_kind kind, const struct target *t)
{
    if (p->n_changes >= P2V_ITEMS_MAX) {
        plan_add_problem(p, NULL, 2, L"too-many-changes", L"More than %d changes; refusing.",
                         P2V_ITEMS_MAX);
        return NULL;
    }
    struct change *c = &p->changes[p->n_changes++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->target = t;
    return c;
}

/* ---- the decision ---- */

static void plan_files(struct plan *p, const struct machine *m, const struct requirements *r, unsigned gen)
{
    for (int i = 0; i < r->n_files; i++) {
        const struct want_file *w = &r->files[i];
        const struct machine_file *f = machine_file(m, w->name);
        if (!f)
            continue;
        BOOL inbox = w->sources == 1u << SRC_INBOX;
        if (inbox) {
            if (f->dst_status == PE_OK)
                continue;
            if (!f->cab[0] || f->cab_status != PE_OK) {
                problem_for_file(p, w->target, f, TRUE, m);
                continue;
            }
        } else {
            /* No payload at hand, but a valid driver is installed already (a check run
             * from a share, a rerun without the folder): it is what will boot. */
            if (f->src_status == PE_MISSING && f->dst_status == PE_OK)
                continue;
            if (f->src_status != PE_OK) {
                problem_for_file(p, w->target, f, FALSE, m);
                continue;
            }
            const struct machine_package *pkg = NULL;
            for (int k = 0; k < r->n_packages && !pkg; k++)
                if (r->packages[k].target == w->target)
                    pkg = machine_package(m, r->packages[k].inf);
            check_signature(p, w->target, f, pkg, m, gen);
            if (f->dst_status == PE_OK && f->dst_same)
                continue;
        }
        struct change *c = plan_add_change(p, CHANGE_FILE, w->target);
        if (!c)
            return;
        wcopy(c->key, COUNTOF(c->key), f->dst);
        wcopy(c->name, COUNTOF(c->name), f->name);
        wcopy(c->src, COUNTOF(c->src), inbox ? f->cab : f->src);
        c->from_cab = inbox;
        c->replaces = f->dst_status != PE_MISSING;
    }
}

static void plan_packages(struct plan *p, const struct machine *m, const struct requirements *r)
{
    for (int i = 0; i < r->n_packages; i++) {
        const struct want_package *w = &r->packages[i];
        const struct machine_package *pkg = machine_package(m, w->inf);
        if (!pkg)
            continue;
        if (!pkg->inf[0]) {
            wchar_t where[2 * MAX_PATH + 8];
            list_looked(where, COUNTOF(where), pkg->looked, pkg->n_looked);
            plan_add_problem(p, w->target, 3, L"package-missing",
                L"%ls: driver package %ls not found (looked in %ls). Windows 8 and later need "
                L"the whole package (INF, catalog and driver) in the payload folder. To get it: %ls.",
                w->target->name, w->inf, where, w->target->where_to_get);
            continue;
        }
        if (pkg->staged_as[0])
            continue;
        /* Windows stages a package only when its catalog lists the INF and is signed */
        if (m->os.arch == ARCH_X64 && pkg->catalog_present) {
            const struct sig_info *v = &pkg->inf_sig;
            if (v->state == SIG_NOT_LISTED || v->state == SIG_BROKEN) {
                plan_add_problem(p, w->target, 3, v->state == SIG_NOT_LISTED ? L"inf-not-in-catalog" : L"broken-catalog",
                    L"%ls: %ls %ls (catalog %ls, 0x%08lx); Windows will not stage this package. "
                    L"Get the vendor's package again, unchanged: %ls. Nothing was changed.",
                    w->target->name, pkg->inf,
                    v->state == SIG_NOT_LISTED ? sig_state_text(SIG_NOT_LISTED)
                                               : L"comes with a catalog that is damaged or unsigned",
                    pkg->catalog_path, (unsigned long)v->result, w->target->where_to_get);
                continue;
            }
            if (v->state == SIG_UNTRUSTED)
                plan_add_problem(p, w->target, p->policy.allow_unsigned ? 0 : 3, L"untrusted-catalog",
                    L"%ls: the catalog %ls of %ls is signed by a certificate this Windows does not "
                    L"trust (WinVerifyTrust: 0x%08lx); Windows will not stage the package%ls.",
                    w->target->name, pkg->catalog_path, pkg->inf, (unsigned long)v->result,
                    p->policy.allow_unsigned ? L" unless test signing is on (--allow-unsigned given: going ahead)"
                                      : L". Use the vendor's signed package, or pass --allow-unsigned only "
                                        L"for a test-signed setup");
        }
        struct change *c = plan_add_change(p, CHANGE_STAGE, w->target);
        if (!c)
            return;
        wcopy(c->name, COUNTOF(c->name), pkg->name);
        wcopy(c->src, COUNTOF(c->src), pkg->inf);
    }
}

static void plan_registry(struct plan *p, const struct machine *m, const struct requirements *r)
{
    for (size_t i = 0; i < r->n_wants; i++) {
        const struct want *w = &r->wants[i];
        if (w->kind == WANT_READ)
            continue;
        if (w->kind == WANT_NO_KEY) {
            const struct machine_key *k = machine_key(m, w->key);
            if (!k || !k->present)
                continue;
            struct change *c = plan_add_change(p, CHANGE_DELETE_KEY, w->target);
            if (!c)
                return;
            wcopy(c->set, COUNTOF(c->set), w->set);
            wcopy(c->key, COUNTOF(c->key), w->key);
            wcopy(c->detail, COUNTOF(c->detail), k->values);
            continue;
        }
        const struct regval *cur = machine_value(m, w->key, w->name);
        if (cur && (w->only_if_absent || regval_equal(cur, &w->v)))
            continue;
        struct change *c = plan_add_change(p, CHANGE_VALUE, w->target);
        if (!c)
            return;
        wcopy(c->set, COUNTOF(c->set), w->set);
        wcopy(c->key, COUNTOF(c->key), w->key);
        wcopy(c->name, COUNTOF(c->name), w->name);
        if (cur)
            c->old = *cur;
        c->new = w->v;
    }
}

void plan_make(const struct machine *m, const struct target *const *targets, size_t n_targets,
               struct plan *p)
{
    unsigned gen = machine_gen(&m->os);
    plan_reset(p);
    if (gen == 0 || m->os.arch == 0) {
        plan_add_problem(p, NULL, 2, L"unsupported-os",
            L"Windows %lu.%lu (%ls) is not supported: p2vprep prepares Windows 2000 SP4 to "
            L"Windows Server 2025 on x86 and x64.",
            (unsigned long)m->os.major, (unsigned long)m->os.minor, arch_name(m->os.arch));
        return;
    }
    if (m->n_sets == 0) {
        plan_add_problem(p, NULL, 2, L"no-control-sets",
            L"No HKLM\\SYSTEM\\ControlSetNNN key was found; Windows boots from one of them. "
            L"Check that p2vprep runs on the live Windows it should prepare.");
        return;
    }
    if (m->n_sets_found > m->n_sets) {
        plan_add_problem(p, NULL, 2, L"too-many-control-sets",
            L"HKLM\\SYSTEM has %d ControlSetNNN keys; p2vprep prepares at most %d, and "
            L"prepares all of them or none. Nothing was changed. Windows boots only from the "
            L"sets HKLM\\SYSTEM\\Select names: remove the others (after a backup of the "
            L"SYSTEM hive) and run p2vprep again.", m->n_sets_found, P2V_SETS_MAX);
        return;
    }
    struct requirements *r = requirements_new();
    if (!r) {
        plan_add_problem(p, NULL, 2, L"out-of-memory", L"Out of memory.");
        return;
    }
    r->policy = p->policy;
    const struct target *accepted[P2V_FILES_MAX];   /* the settings follow these only */
    size_t n_accepted = 0;
    for (size_t i = 0; i < n_targets; i++) {
        const struct target *t = targets[i];
        const struct target_rule *rule = choose_rule(m, t, gen);
        if (rule && !rule->refusal && n_accepted < COUNTOF(accepted))
            accepted[n_accepted++] = t;
        if (!rule)
            plan_add_problem(p, t, 2, L"unsupported-target",
                L"%ls: not supported on %ls %ls by this version of p2vprep; nothing was changed.",
                t->name, windows_name(m->os.major, m->os.minor), arch_name(m->os.arch));
        else if (rule->refusal)
            plan_add_problem(p, t, 2, L"unsupported-target",
                L"%ls on %ls %ls: %ls. Nothing was changed.", t->name,
                windows_name(m->os.major, m->os.minor),
                arch_name(m->os.arch), rule->refusal);
        else
            rule_requirements(r, m, t, rule, gen, TRUE);
    }
    if (gen == GEN_NT5 && p->policy.san_policy == SAN_ONLINE)
        plan_add_problem(p, n_targets ? targets[0] : NULL, 2, L"san-policy-unsupported",
            L"--san-policy online: %ls has no SAN policy (partmgr's SanPolicy came with "
            L"Vista / 2008); data disks there come online by themselves. Leave the option out. "
            L"Nothing was changed.", windows_name(m->os.major, m->os.minor));
    settings_requirements(r, m, accepted, n_accepted, gen);
    retire_requirements(m, r);
    firstboot_requirements(m, r);
    if (r->overflow) {
        plan_add_problem(p, NULL, 2, L"too-many-entries",
            L"These targets need more entries in %d control sets than one run handles; run "
            L"p2vprep for fewer targets at a time. Nothing was changed.", m->n_sets);
        requirements_free(r);
        return;
    }
    /* Files first, then the package: a service must never point at a driver that is
     * not there yet. */
    plan_files(p, m, r, gen);
    plan_packages(p, m, r);
    plan_registry(p, m, r);
    requirements_free(r);
    retire_plan(m, targets, n_targets, p);
}

void change_describe(const struct change *c, wchar_t *buf, size_t cch)
{
    wchar_t oldv[300], newv[300];
    switch (c->kind) {
    case CHANGE_FILE:
        wfmt(buf, cch, L"%ls file %ls <- %ls%ls", c->replaces ? L"replace" : L"copy   ", c->key,
             c->src, c->from_cab ? L" (extracted)" : L"");
        return;
    case CHANGE_STAGE:
        wfmt(buf, cch, L"stage   driver package %ls (Windows' driver store)", c->src);
        return;
    case CHANGE_DELETE_KEY:
        wfmt(buf, cch, L"delete  key HKLM\\%ls (%ls)", c->key, c->detail);
        return;
    case CHANGE_VALUE:
        regval_describe(&c->old, oldv, COUNTOF(oldv));
        regval_describe(&c->new, newv, COUNTOF(newv));
        if (c->old.present)
            wfmt(buf, cch, L"set     HKLM\\%ls\\%ls = %ls (was %ls)", c->key, c->name, newv, oldv);
        else
            wfmt(buf, cch, L"set     HKLM\\%ls\\%ls = %ls (new)", c->key, c->name, newv);
        return;
    }
}

const wchar_t *change_owner(const struct change *c, wchar_t *buf, size_t cch)
{
    if (c->target)
        wcopy(buf, cch, c->target->name);
    else if (c->platform)
        wfmt(buf, cch, L"retire %ls", c->platform->name);
    else
        wcopy(buf, cch, L"first-boot");   /* the first-boot pass's registration */
    return buf;
}

void plan_changes_as_problems(struct plan *p)
{
    size_t n = p->n_changes;
    for (size_t i = 0; i < n; i++) {
        const struct change *c = &p->changes[i];
        const wchar_t *rel = c->set[0] ? c->key + wcslen(L"SYSTEM\\") + wcslen(c->set) + 1 : c->key;
        wchar_t oldv[300], newv[300], owner[48];
        change_owner(c, owner, COUNTOF(owner));
        switch (c->kind) {
        case CHANGE_FILE:
            plan_add_problem(p, c->target, 1, c->replaces ? L"file-differs" : L"file-missing",
                L"%ls: %ls %ls; the copy to install is %ls.", owner, c->key,
                c->replaces ? L"differs from the payload" : L"is missing", c->src);
            break;
        case CHANGE_STAGE:
            plan_add_problem(p, c->target, 1, L"package-not-staged",
                L"%ls: driver package %ls is not in Windows' driver store.", owner, c->src);
            break;
        case CHANGE_DELETE_KEY:
            plan_add_problem(p, c->target, 1, L"start-override",
                L"%ls: %ls: %ls is present (%ls); Windows would not load the driver at boot.",
                owner, c->set, rel, c->detail);
            break;
        case CHANGE_VALUE:
            regval_describe(&c->old, oldv, COUNTOF(oldv));
            regval_describe(&c->new, newv, COUNTOF(newv));
            plan_add_problem(p, c->target, 1, c->platform ? L"retire-pending" : c->old.present ? L"value-wrong" : L"value-missing",
                L"%ls: %ls: %ls\\%ls is %ls, needs %ls.", owner, c->set, rel, c->name,
                oldv, newv);
            break;
        }
    }
}
