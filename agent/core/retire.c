/* --retire: the old platform's services and drivers off in every control set, their names
 * out of every device class's filter lists, and never a driver the disk boots through.
 * Pure, like the rest of the plan: from the snapshot to changes and an inventory.
 *
 * Why both: a filter driver named in a class's UpperFilters or LowerFilters whose service
 * is disabled or gone makes every device of that class fail to start; on the disk or SCSI
 * adapter class that is a 0x7B, on the keyboard or mouse class a console nobody can use.
 * So a name leaves the lists whenever its service is disabled, and a guarded service keeps
 * both its Start and its place in the lists. */
#include "plan.h"
#include "platforms.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const wchar_t *const filter_names[] = { L"UpperFilters", L"LowerFilters" };

/* The load-order groups of the drivers Windows reads its boot disk through. */
static const wchar_t *const storage_groups[] = {
    L"SCSI miniport", L"SCSI Class", L"Primary Disk", L"Boot Bus Extender", L"System Bus Extender",
    L"SCSI Port", L"Filter", L"PnP Filter", NULL,
};

static void service_key(wchar_t *key, size_t cch, const wchar_t *set, const wchar_t *name)
{
    wfmt(key, cch, L"SYSTEM\\%ls\\Services\\%ls", set, name);
}

void retire_requirements(const struct machine *m, struct requirements *r)
{
    if (!r->policy.n_retire)
        return;
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        for (size_t k = 0; k < r->policy.n_retire; k++) {
            const struct platform *pl = r->policy.retire[k];
            for (size_t i = 0; i < pl->n_specs; i++) {
                service_key(key, COUNTOF(key), m->sets[s], pl->specs[i].name);
                requirements_add(r, WANT_READ, NULL, m->sets[s], key, L"Start");
                requirements_add(r, WANT_READ, NULL, m->sets[s], key, L"Group");
            }
        }
        for (int c = 0; c < m->n_classes; c++) {
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class\\%ls", m->sets[s], m->classes[c]);
            for (size_t f = 0; f < COUNTOF(filter_names); f++)
                requirements_add(r, WANT_READ, NULL, m->sets[s], key, filter_names[f]);
        }
    }
}

static BOOL read_dword(const struct regval *v, DWORD *d)
{
    if (!v || v->type != REG_DWORD || v->size != 4)
        return FALSE;
    memcpy(d, v->data, 4);
    return TRUE;
}

/* Why spec must stay, or FALSE. Checked in this order: the table keeps it (a part of
 * Windows); a device's own filter list names it (Enum keys are Windows' to write, so it stays
 * on); a chosen target boots through it; it is a bus driver below every controller; it is a
 * storage driver the disk may be reached through now (a boot-start driver the table marks,
 * or any boot-start driver of a storage load-order group). */
static BOOL guarded(const struct machine *m, const struct target *const *targets, size_t n_targets,
                    const struct retire_spec *spec, wchar_t *why, size_t cch)
{
    if (spec->guard == GUARD_ALWAYS) {
        wfmt(why, cch, L"a part of Windows, idle off its platform, which a VM needs again there");
        return TRUE;
    }
    for (int i = 0; i < m->n_devfilters; i++)
        if (!_wcsicmp(m->devfilters[i].service, spec->name)) {
            wfmt(why, cch, L"the device %ls names it as its own filter, and would not start without it",
                 m->devfilters[i].device);
            return TRUE;
        }
    for (size_t t = 0; t < n_targets; t++)
        for (size_t k = 0; k < targets[t]->n_rules; k++)
            for (size_t i = 0; i < targets[t]->rules[k].n_services; i++)
                if (!_wcsicmp(targets[t]->rules[k].services[i].name, spec->name)) {
                    wfmt(why, cch, L"the target %ls boots through it", targets[t]->name);
                    return TRUE;
                }
    for (const wchar_t *const *bus = p2v_bus_services; *bus; bus++)
        if (!_wcsicmp(*bus, spec->name)) {
            wfmt(why, cch, L"every disk controller sits on it");
            return TRUE;
        }
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX], group[64];
        DWORD start;
        service_key(key, COUNTOF(key), m->sets[s], spec->name);
        if (!read_dword(machine_value(m, key, L"Start"), &start) || start != SERVICE_START_BOOT)
            continue;
        if (spec->guard == GUARD_BOOT) {
            wfmt(why, cch, L"it is boot-start in %ls: the disk may be reached through it now", m->sets[s]);
            return TRUE;
        }
        if (regval_string(machine_value(m, key, L"Group"), group, COUNTOF(group)))
            for (const wchar_t *const *g = storage_groups; *g; g++)
                if (!_wcsicmp(group, *g)) {
                    wfmt(why, cch, L"it is boot-start in %ls, in the \"%ls\" group: it may be on the "
                         L"disk's path now", m->sets[s], group);
                    return TRUE;
                }
    }
    return FALSE;
}

/* The names a retire takes out of the filter lists: every platform's services that are
 * not guarded. */
struct retiring {
    const struct platform *platform[P2V_RETIRE_ITEMS_MAX];
    const wchar_t *name[P2V_RETIRE_ITEMS_MAX];
    size_t n;
};

static const struct platform *retiring_find(const struct retiring *rt, const wchar_t *name, size_t len)
{
    for (size_t i = 0; i < rt->n; i++)
        if (wcslen(rt->name[i]) == len && !_wcsnicmp(rt->name[i], name, len))
            return rt->platform[i];
    return NULL;
}

static struct retire_item *add_item(struct plan *p, const struct platform *pl, const wchar_t *name)
{
    if (p->n_retired >= P2V_RETIRE_ITEMS_MAX)
        return NULL;
    struct retire_item *it = &p->retired[p->n_retired++];
    memset(it, 0, sizeof *it);
    it->platform = pl;
    wcopy(it->name, COUNTOF(it->name), name);
    return it;
}

/* A filter list without the names being retired: TRUE and the new value in out when one
 * was there; *owner the platform of the first. A value that is not a whole REG_MULTI_SZ
 * is reported and left alone (FALSE, *bad set) when it seems to hold one of them. */
static BOOL filters_without(const struct regval *v, const struct retiring *rt, struct plan *p,
                            struct regval *out, const struct platform **owner, BOOL *bad)
{
    *bad = FALSE;
    *owner = NULL;
    if (!v)
        return FALSE;
    size_t n = v->size / sizeof(wchar_t);
    const wchar_t *s = (const wchar_t *)v->data;
    if (v->truncated || v->type != REG_MULTI_SZ || v->size % 2) {
        for (size_t i = 0; i < rt->n; i++) {
            size_t len = wcslen(rt->name[i]);
            for (size_t at = 0; at + len <= n; at++)
                if (!_wcsnicmp(s + at, rt->name[i], len))
                    *bad = TRUE;
        }
        return FALSE;
    }
    wchar_t kept[REGVAL_MAX / sizeof(wchar_t) + 1];
    size_t k = 0;
    BOOL dropped = FALSE;
    for (size_t at = 0; at < n && s[at];) {
        size_t len = 0;
        while (at + len < n && s[at + len])
            len++;
        const struct platform *pl = retiring_find(rt, s + at, len);
        if (pl) {
            dropped = TRUE;
            if (!*owner)
                *owner = pl;
            struct retire_item *it = NULL;
            for (size_t i = 0; i < p->n_retired && !it; i++)
                if (!p->retired[i].product && wcslen(p->retired[i].name) == len &&
                    !_wcsnicmp(p->retired[i].name, s + at, len))
                    it = &p->retired[i];
            if (it)
                it->n_filters++;
        } else {
            memcpy(kept + k, s + at, len * sizeof(wchar_t));
            k += len;
            kept[k++] = 0;
        }
        at += len + 1;
    }
    if (!dropped)
        return FALSE;
    kept[k++] = 0;   /* the empty string that ends the list */
    memset(out, 0, sizeof *out);
    out->present = TRUE;
    out->type = REG_MULTI_SZ;
    out->size = (DWORD)(k * sizeof(wchar_t));
    memcpy(out->data, kept, out->size);
    return TRUE;
}

static void retire_products(const struct machine *m, const struct platform *pl, struct plan *p)
{
    for (int i = 0; i < m->n_products; i++)
        for (size_t k = 0; k < pl->n_products; k++) {
            const struct retire_product *rp = &pl->products[k];
            size_t len = wcslen(rp->display_name);
            if (_wcsnicmp(m->products[i].name, rp->display_name, len))
                continue;
            struct retire_item *it = add_item(p, pl, m->products[i].name);
            if (it) {
                it->product = TRUE;
                wcopy(it->why, COUNTOF(it->why), rp->note);
            }
            plan_add_problem(p, NULL, 0, L"platform-software",
                L"retire %ls: %ls %ls is installed%ls; %ls. %ls", pl->name, m->products[i].name,
                m->products[i].version, m->products[i].msi ? L" (Windows Installer)" : L"", rp->note,
                rp->refuses_off_platform
                    ? L"Uninstall it while the server still runs on that platform; --retire disables "
                      L"its drivers and services, which is what keeps the VM booting."
                    : L"Uninstall it after the move; --retire disables its drivers and services meanwhile.");
            break;
        }
}

void retire_plan(const struct machine *m, const struct target *const *targets, size_t n_targets,
                 struct plan *p)
{
    const struct policy *pol = &p->policy;
    if (!pol->n_retire || p->blocking_exit)
        return;
    if (m->classes_overflow) {
        plan_add_problem(p, NULL, 2, L"too-many-classes",
            L"More than %d device classes under Control\\Class: p2vprep reads every class's filter "
            L"lists before it retires a driver, and could not here. Nothing was changed.",
            P2V_CLASSES_MAX);
        return;
    }
    struct retiring *rt = calloc(1, sizeof *rt);
    if (!rt) {
        plan_add_problem(p, NULL, 2, L"out-of-memory", L"Out of memory.");
        return;
    }
    /* the inventory: every service of the platforms that some control set has */
    for (size_t k = 0; k < pol->n_retire; k++) {
        const struct platform *pl = pol->retire[k];
        for (size_t i = 0; i < pl->n_specs; i++) {
            const struct retire_spec *spec = &pl->specs[i];
            int sets = 0;
            BOOL all_off = TRUE;
            for (int s = 0; s < m->n_sets; s++) {
                wchar_t key[P2V_KEY_MAX];
                DWORD start;
                service_key(key, COUNTOF(key), m->sets[s], spec->name);
                const struct regval *v = machine_value(m, key, L"Start");
                if (!v)
                    continue;
                sets++;
                all_off &= read_dword(v, &start) && start == RETIRE_START_DISABLED;
            }
            wchar_t why[240];
            BOOL guard = guarded(m, targets, n_targets, spec, why, COUNTOF(why));
            if (!guard && rt->n < P2V_RETIRE_ITEMS_MAX) {
                rt->platform[rt->n] = pl;
                rt->name[rt->n++] = spec->name;
            }
            struct retire_item *it = add_item(p, pl, spec->name);
            if (!it)
                continue;
            it->n_sets = sets;
            it->state = guard ? RETIRE_GUARDED : all_off ? RETIRE_OFF : RETIRE_DISABLE;
            if (guard) {
                wcopy(it->why, COUNTOF(it->why), why);
                if (sets)
                    plan_add_problem(p, NULL, 0, L"retire-guarded",
                        L"retire %ls: %ls is left as it is: %ls (the boot guard).", pl->name,
                        spec->name, why);
            }
        }
        retire_products(m, pl, p);
    }
    /* Start = 4 in every control set that has the service */
    for (int s = 0; s < m->n_sets; s++)
        for (size_t i = 0; i < rt->n; i++) {
            wchar_t key[P2V_KEY_MAX];
            service_key(key, COUNTOF(key), m->sets[s], rt->name[i]);
            const struct regval *v = machine_value(m, key, L"Start");
            DWORD start;
            if (!v || (read_dword(v, &start) && start == RETIRE_START_DISABLED))
                continue;
            struct change *c = plan_add_change(p, CHANGE_VALUE, NULL);
            if (!c)
                goto done;
            c->platform = rt->platform[i];
            wcopy(c->set, COUNTOF(c->set), m->sets[s]);
            wcopy(c->key, COUNTOF(c->key), key);
            wcopy(c->name, COUNTOF(c->name), L"Start");
            c->old = *v;
            regval_dword(&c->new, RETIRE_START_DISABLED);
        }
    /* their names out of every class's filter lists, the others kept in their order */
    for (int s = 0; s < m->n_sets; s++)
        for (int k = 0; k < m->n_classes; k++)
            for (size_t f = 0; f < COUNTOF(filter_names); f++) {
                wchar_t key[P2V_KEY_MAX];
                wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class\\%ls", m->sets[s], m->classes[k]);
                const struct regval *v = machine_value(m, key, filter_names[f]);
                const struct platform *owner;
                BOOL bad;
                struct regval nv;
                if (!filters_without(v, rt, p, &nv, &owner, &bad)) {
                    if (bad)
                        plan_add_problem(p, NULL, 2, L"filters-unreadable",
                            L"HKLM\\%ls\\%ls is not a list p2vprep can rewrite (%ls, %lu bytes) and "
                            L"seems to name a driver being retired. Nothing was changed. Look at the "
                            L"value: Windows reads it as a REG_MULTI_SZ list of driver names.", key,
                            filter_names[f], regtype_name(v->type), (unsigned long)v->size);
                    continue;
                }
                struct change *c = plan_add_change(p, CHANGE_VALUE, NULL);
                if (!c)
                    goto done;
                c->platform = owner;
                wcopy(c->set, COUNTOF(c->set), m->sets[s]);
                wcopy(c->key, COUNTOF(c->key), key);
                wcopy(c->name, COUNTOF(c->name), filter_names[f]);
                c->old = *v;
                c->new = nv;
            }
    /* what no control set has and no list names is not part of the inventory; one already
     * off but still in a list is retired by this plan */
    for (size_t i = 0; i < p->n_retired;) {
        struct retire_item *it = &p->retired[i];
        if (!it->product && !it->n_sets && !it->n_filters) {
            memmove(it, it + 1, (p->n_retired - i - 1) * sizeof *it);
            p->n_retired--;
            continue;
        }
        if (it->state == RETIRE_OFF && it->n_filters)
            it->state = RETIRE_DISABLE;
        i++;
    }
done:
    free(rt);
}

const wchar_t *retire_state_text(enum retire_state s)
{
    switch (s) {
    case RETIRE_DISABLE: return L"retire";
    case RETIRE_OFF: return L"off";
    case RETIRE_GUARDED: return L"guarded";
    }
    return L"?";
}
