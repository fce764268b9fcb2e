/* --retire, the pure decision: services off in every control set, their names out of every
 * class's filter lists in order, the boot guard, the inventory, and the journal's scope for
 * class keys. The machines are shaped like SYSTEM hives of real installs (shared/realhives):
 * a VMware Windows 7 SP1 guest booting on LSI_SAS with old VMware Tools, whose PS/2 mouse
 * device names VMMouse as its own filter, and a VirtualBox Windows 8.1 guest whose mouse
 * class lists VBoxMouse before mouclass. Built twice like test_core: under Wine and natively
 * with the sanitizers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "cli.h"
#include "firstboot.h"
#include "jrecord.h"
#include "plan.h"
#include "platforms.h"
#include "text.h"
#include "wassert.h"

#define MOUSE L"{4D36E96F-E325-11CE-BFC1-08002BE10318}"
#define DISK L"{4D36E967-E325-11CE-BFC1-08002BE10318}"

static struct machine *guest(DWORD major, DWORD minor, unsigned arch, int n_sets)
{
    struct machine *m = machine_new();
    m->os.major = major;
    m->os.minor = minor;
    m->os.arch = arch;
    wcscpy(m->os.systemroot, L"C:\\Windows");
    for (int i = 0; i < n_sets; i++)
        wfmt(m->sets[m->n_sets++], 16, L"ControlSet%03d", i + 1);
    m->select_present[SEL_CURRENT] = TRUE;
    m->select[SEL_CURRENT] = 1;
    return m;
}

static void service(struct machine *m, const wchar_t *name, DWORD start, const wchar_t *group)
{
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", m->sets[s], name);
        regval_dword(&machine_add_value(m, key, L"Start")->v, start);
        if (group)
            regval_sz(&machine_add_value(m, key, L"Group")->v, REG_SZ, group);
    }
}

static void add_class(struct machine *m, const wchar_t *guid)
{
    for (int i = 0; i < m->n_classes; i++)
        if (!wcscmp(m->classes[i], guid))
            return;
    wcscpy(m->classes[m->n_classes++], guid);
}

/* A filter list ("a\0b\0\0") in every set. */
static void filters(struct machine *m, const wchar_t *guid, const wchar_t *name, const wchar_t *list,
                    size_t chars)
{
    add_class(m, guid);
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class\\%ls", m->sets[s], guid);
        struct regval *v = &machine_add_value(m, key, name)->v;
        v->present = TRUE;
        v->type = REG_MULTI_SZ;
        v->size = (DWORD)(chars * sizeof(wchar_t));
        memcpy(v->data, list, v->size);
    }
}

static struct plan *retire(const struct machine *m, const wchar_t *platforms,
                           const struct target *const *targets, size_t n_targets)
{
    struct plan *p = plan_new();
    wchar_t buf[64];
    wcscpy(buf, platforms);
    for (wchar_t *tok = buf, *next; tok; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        p->policy.retire[p->policy.n_retire++] = platform_find(tok);
    }
    plan_make(m, targets, n_targets, p);
    return p;
}

static const struct change *change_at(const struct plan *p, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < p->n_changes; i++)
        if (!_wcsicmp(p->changes[i].key, key) && !_wcsicmp(p->changes[i].name, name))
            return &p->changes[i];
    return NULL;
}

static const struct retire_item *item(const struct plan *p, const wchar_t *name)
{
    for (size_t i = 0; i < p->n_retired; i++)
        if (!_wcsicmp(p->retired[i].name, name))
            return &p->retired[i];
    return NULL;
}

static DWORD dword_of(const struct regval *v)
{
    DWORD d;
    memcpy(&d, v->data, 4);
    return d;
}

/* What apply leaves (every change's new value), or rollback (every old one). */
static void carry_out(struct machine *m, const struct plan *p, BOOL undo)
{
    for (size_t i = 0; i < p->n_changes; i++) {
        const struct change *c = &p->changes[i];
        struct machine_value *mv = NULL;
        for (size_t k = 0; k < m->n_values && !mv; k++)
            if (!_wcsicmp(m->values[k].key, c->key) && !_wcsicmp(m->values[k].name, c->name))
                mv = &m->values[k];
        assert_non_null(mv);
        mv->v = undo ? c->old : c->new;
    }
}

/* The VirtualBox 8.1 guest: VBoxGuest boot-start in "Base", VBoxMouse an UpperFilter of the
 * mouse class before mouclass, VBoxSF a file system driver, VBoxService, VBoxVideoW8; it
 * boots through Windows' storahci. Two control sets here, as on a server. */
static struct machine *virtualbox_guest(void)
{
    struct machine *m = guest(6, 3, ARCH_X64, 2);
    service(m, L"VBoxGuest", 0, L"Base");
    service(m, L"VBoxMouse", 3, NULL);
    service(m, L"VBoxSF", 1, L"NetworkProvider");
    service(m, L"VBoxService", 2, L"Base");
    service(m, L"VBoxVideoW8", 3, L"Video");
    service(m, L"storahci", 0, L"SCSI Miniport");
    filters(m, MOUSE, L"UpperFilters", L"VBoxMouse\0mouclass\0", 20);
    filters(m, DISK, L"UpperFilters", L"partmgr\0", 9);
    return m;
}

static void virtualbox_is_retired_in_every_set_and_rollback_is_exact(void **state)
{
    struct machine *m = virtualbox_guest();
    struct machine_value *before = malloc(m->n_values * sizeof *before);
    size_t n_before = m->n_values;
    memcpy(before, m->values, n_before * sizeof *before);

    struct plan *p = retire(m, L"virtualbox", NULL, 0);
    assert_int_equal(p->blocking_exit, 0);
    /* 5 services x 2 sets, and the mouse class's list in each set */
    assert_int_equal(p->n_changes, 12);
    const wchar_t *names[] = { L"VBoxGuest", L"VBoxMouse", L"VBoxSF", L"VBoxService", L"VBoxVideoW8" };
    for (int s = 1; s <= 2; s++) {
        wchar_t key[P2V_KEY_MAX];
        for (size_t i = 0; i < COUNTOF(names); i++) {
            wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\Services\\%ls", s, names[i]);
            const struct change *c = change_at(p, key, L"Start");
            assert_non_null(c);
            assert_int_equal(dword_of(&c->new), 4);
            assert_ptr_equal(c->platform, platform_find(L"virtualbox"));
            assert_null(c->target);
        }
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, MOUSE);
        const struct change *c = change_at(p, key, L"UpperFilters");
        assert_non_null(c);
        assert_int_equal(c->new.type, REG_MULTI_SZ);
        assert_int_equal(c->new.size, 10 * sizeof(wchar_t));   /* "mouclass\0\0" */
        assert_memory_equal(c->new.data, L"mouclass\0", 10 * sizeof(wchar_t));
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\Control\\Class\\%ls", s, DISK);
        assert_null(change_at(p, key, L"UpperFilters"));   /* nothing of VirtualBox there */
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\Services\\storahci", s);
        assert_null(change_at(p, key, L"Start"));           /* Windows' own driver */
    }
    const struct retire_item *it = item(p, L"VBoxMouse");
    assert_non_null(it);
    assert_int_equal(it->state, RETIRE_DISABLE);
    assert_int_equal(it->n_sets, 2);
    assert_int_equal(it->n_filters, 2);
    assert_null(item(p, L"VBoxWddm"));   /* not installed, in no list: not found */

    /* applied: a rerun has nothing to do, and says each is off */
    carry_out(m, p, FALSE);
    struct plan *again = retire(m, L"virtualbox", NULL, 0);
    assert_int_equal(again->n_changes, 0);
    assert_int_equal(item(again, L"VBoxMouse")->state, RETIRE_OFF);
    plan_free(again);

    /* rolled back: every value byte for byte as before */
    carry_out(m, p, TRUE);
    assert_int_equal(m->n_values, n_before);
    for (size_t i = 0; i < n_before; i++) {
        assert_wstr_equal(m->values[i].key, before[i].key);
        assert_int_equal(m->values[i].v.type, before[i].v.type);
        assert_int_equal(m->values[i].v.size, before[i].v.size);
        assert_memory_equal(m->values[i].v.data, before[i].v.data, before[i].v.size);
    }
    plan_free(p);
    free(before);
    machine_free(m);
}

/* The VMware 7 guest: VMTools and VMMEMCTL automatic, vmci and vmmouse on demand, vmrawdsk
 * disabled already; it boots on Windows' LSI_SAS. Its PS/2 mouse device names VMMouse as
 * its own UpperFilter: vmmouse stays on, or the console's mouse would not start. */
static void vmware_guest_keeps_a_device_filter_and_windows_drivers(void **state)
{
    struct machine *m = guest(6, 1, ARCH_X86, 2);
    service(m, L"VMTools", 2, NULL);
    service(m, L"VMMEMCTL", 2, L"Extended Base");
    service(m, L"vmci", 3, L"Extended Base");
    service(m, L"vmmouse", 3, L"Pointer Port");
    service(m, L"vmrawdsk", 4, L"Base");
    service(m, L"LSI_SAS", 0, L"SCSI Miniport");
    filters(m, MOUSE, L"UpperFilters", L"mouclass\0", 10);
    wcscpy(m->devfilters[0].service, L"VMMouse");
    wcscpy(m->devfilters[0].device, L"ACPI\\PNP0F13\\4&25ee97c0&0");
    m->n_devfilters = 1;

    struct plan *p = retire(m, L"vmware", NULL, 0);
    assert_int_equal(p->blocking_exit, 0);
    assert_int_equal(p->n_changes, 6);   /* VMTools, VMMEMCTL, vmci in two sets */
    assert_non_null(change_at(p, L"SYSTEM\\ControlSet002\\Services\\VMMEMCTL", L"Start"));
    assert_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\vmmouse", L"Start"));
    assert_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\vmrawdsk", L"Start"));
    assert_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\LSI_SAS", L"Start"));
    const struct retire_item *mouse = item(p, L"vmmouse");
    assert_int_equal(mouse->state, RETIRE_GUARDED);
    assert_wstr_contains(mouse->why, L"ACPI\\PNP0F13\\4&25ee97c0&0");
    assert_int_equal(item(p, L"vmrawdsk")->state, RETIRE_OFF);
    assert_null(item(p, L"LSI_SAS"));
    plan_free(p);
    machine_free(m);
}

/* pvscsi boot-start: the disk may be on it now; with the target pvscsi chosen, kept whatever
 * its Start; the hyperv set's VMBus drivers are never retired. */
static void the_boot_guard(void **state)
{
    struct machine *m = guest(10, 0, ARCH_X64, 2);
    service(m, L"pvscsi", 0, NULL);   /* no group: the table's mark alone keeps it */
    service(m, L"VMTools", 2, NULL);
    struct plan *p = retire(m, L"vmware", NULL, 0);
    assert_int_equal(item(p, L"pvscsi")->state, RETIRE_GUARDED);
    assert_wstr_contains(item(p, L"pvscsi")->why, L"boot-start in ControlSet001");
    assert_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\pvscsi", L"Start"));
    assert_non_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\VMTools", L"Start"));
    BOOL warned = FALSE;
    for (size_t i = 0; i < p->n_problems; i++)
        warned |= !wcscmp(p->problems[i].code, L"retire-guarded") && p->problems[i].exit_code == 0 &&
                  wcsstr(p->problems[i].message, L"pvscsi") != NULL;
    assert_true(warned);
    plan_free(p);
    machine_free(m);

    m = guest(10, 0, ARCH_X64, 1);
    service(m, L"pvscsi", 3, L"SCSI miniport");
    const struct target *pvscsi = target_find(L"pvscsi");
    p = retire(m, L"vmware", &pvscsi, 1);
    assert_int_equal(item(p, L"pvscsi")->state, RETIRE_GUARDED);
    assert_wstr_contains(item(p, L"pvscsi")->why, L"the target pvscsi");
    for (size_t i = 0; i < p->n_changes; i++)
        assert_true(p->changes[i].target || wcscmp(p->changes[i].name, L"Start") ||
                    !wcsstr(p->changes[i].key, L"pvscsi"));
    plan_free(p);
    /* without the target and not boot-start: retired */
    p = retire(m, L"vmware", NULL, 0);
    assert_int_equal(item(p, L"pvscsi")->state, RETIRE_DISABLE);
    plan_free(p);
    machine_free(m);

    m = guest(6, 3, ARCH_X64, 1);
    service(m, L"vmbus", 0, L"System Bus Extender");
    service(m, L"storvsc", 0, L"Base");
    service(m, L"vpci", 3, L"System Bus Extender");
    service(m, L"vmicheartbeat", 3, NULL);
    p = retire(m, L"hyperv", NULL, 0);
    assert_int_equal(p->n_changes, 1);
    assert_non_null(change_at(p, L"SYSTEM\\ControlSet001\\Services\\vmicheartbeat", L"Start"));
    assert_int_equal(item(p, L"vpci")->state, RETIRE_GUARDED);
    assert_int_equal(item(p, L"vmbus")->state, RETIRE_GUARDED);
    plan_free(p);
    machine_free(m);
}

/* A boot-start driver of a storage group is kept even where the table does not mark it
 * (prl_scsi), and then stays in the lists too; prl_strg leaves the disk class's
 * LowerFilters with the other names kept in order. */
static void storage_groups_are_guarded_and_lists_keep_their_order(void **state)
{
    struct machine *m = guest(5, 2, ARCH_X86, 1);
    service(m, L"prl_scsi", 0, L"SCSI miniport");
    service(m, L"prl_strg", 3, NULL);
    service(m, L"prl_time", 2, NULL);
    filters(m, DISK, L"LowerFilters", L"EhStorClass\0prl_strg\0prl_scsi\0iaStorF\0", 39);
    struct plan *p = retire(m, L"parallels", NULL, 0);
    assert_int_equal(item(p, L"prl_scsi")->state, RETIRE_GUARDED);
    assert_wstr_contains(item(p, L"prl_scsi")->why, L"SCSI miniport");
    const struct change *c = change_at(p, L"SYSTEM\\ControlSet001\\Control\\Class\\" DISK, L"LowerFilters");
    assert_non_null(c);
    assert_int_equal(c->new.size, 30 * sizeof(wchar_t));
    assert_memory_equal(c->new.data, L"EhStorClass\0prl_scsi\0iaStorF\0", 30 * sizeof(wchar_t));
    assert_int_equal(c->old.size, 39 * sizeof(wchar_t));
    assert_int_equal(p->n_changes, 3);   /* prl_strg, prl_time, the list */
    plan_free(p);

    /* the last name gone: an empty list, never a value cut in half */
    machine_free(m);
    m = guest(5, 2, ARCH_X86, 1);
    filters(m, DISK, L"LowerFilters", L"prl_strg\0", 10);
    p = retire(m, L"parallels", NULL, 0);
    c = change_at(p, L"SYSTEM\\ControlSet001\\Control\\Class\\" DISK, L"LowerFilters");
    assert_non_null(c);
    assert_int_equal(c->new.size, sizeof(wchar_t));
    assert_int_equal(item(p, L"prl_strg")->n_sets, 0);   /* named in a list, not installed */
    assert_int_equal(item(p, L"prl_strg")->n_filters, 1);
    plan_free(p);
    machine_free(m);
}

/* A filter list that is not a REG_MULTI_SZ and holds a retired name: refused whole. */
static void an_unreadable_filter_list_refuses(void **state)
{
    struct machine *m = guest(6, 3, ARCH_X64, 1);
    service(m, L"VBoxMouse", 3, NULL);
    add_class(m, MOUSE);
    struct regval *v = &machine_add_value(m, L"SYSTEM\\ControlSet001\\Control\\Class\\" MOUSE, L"UpperFilters")->v;
    regval_sz(v, REG_SZ, L"VBoxMouse");
    struct plan *p = retire(m, L"virtualbox", NULL, 0);
    assert_int_equal(p->blocking_exit, 2);
    BOOL said = FALSE;
    for (size_t i = 0; i < p->n_problems; i++)
        said |= !wcscmp(p->problems[i].code, L"filters-unreadable");
    assert_true(said);
    plan_free(p);
    m->classes_overflow = TRUE;
    p = retire(m, L"virtualbox", NULL, 0);
    assert_int_equal(p->blocking_exit, 2);
    assert_int_equal(p->n_changes, 0);
    plan_free(p);
    machine_free(m);
}

/* Installed software of the platform is listed, with what its uninstaller does. */
static void installed_software_is_listed(void **state)
{
    struct machine *m = guest(6, 1, ARCH_X64, 1);
    wcscpy(m->products[0].name, L"VMware Tools");
    wcscpy(m->products[0].version, L"12.3.5.22544099");
    m->products[0].msi = TRUE;
    wcscpy(m->products[1].name, L"VMware vSphere Client");   /* not the Tools */
    m->n_products = 2;
    m->products_known = TRUE;
    struct plan *p = retire(m, L"vmware", NULL, 0);
    const struct retire_item *it = item(p, L"VMware Tools");
    assert_non_null(it);
    assert_true(it->product);
    assert_null(item(p, L"VMware vSphere Client"));
    BOOL said = FALSE;
    for (size_t i = 0; i < p->n_problems; i++)
        said |= !wcscmp(p->problems[i].code, L"platform-software") &&
                wcsstr(p->problems[i].message, L"12.3.5") && wcsstr(p->problems[i].message, L"while the server");
    assert_true(said);
    plan_free(p);
    machine_free(m);
}

/* A journal may name a class key's filter lists, and nothing else of a class or a device. */
static void the_journal_owns_class_filter_lists_only(void **state)
{
    struct journal_scope scope = { L"C:\\Windows", NULL, NULL };
    struct jentry e;
    memset(&e, 0, sizeof e);
    e.kind = J_VALUE;
    wcscpy(e.key, L"SYSTEM\\ControlSet001\\Control\\Class\\" MOUSE);
    wcscpy(e.name, L"UpperFilters");
    assert_null(journal_record_problem(&e, &scope));
    wcscpy(e.key, L"system\\controlset002\\control\\class\\{4d36e96f-e325-11ce-bfc1-08002be10318}");
    wcscpy(e.name, L"LowerFilters");
    assert_null(journal_record_problem(&e, &scope));
    wcscpy(e.name, L"Class");
    assert_non_null(journal_record_problem(&e, &scope));
    wcscpy(e.name, L"UpperFilters");
    e.kind = J_KEY;
    assert_non_null(journal_record_problem(&e, &scope));
    e.kind = J_VALUE;
    wcscpy(e.key, L"SYSTEM\\ControlSet001\\Control\\Class\\" MOUSE L"\\0000");
    assert_non_null(journal_record_problem(&e, &scope));
    wcscpy(e.key, L"SYSTEM\\ControlSet001\\Control\\Class\\{not-a-guid}");
    assert_non_null(journal_record_problem(&e, &scope));
    wcscpy(e.key, L"SYSTEM\\ControlSet001\\Enum\\ACPI\\PNP0F13\\4&25ee97c0&0");
    assert_non_null(journal_record_problem(&e, &scope));
}

static void the_command_line(void **state)
{
    struct options o;
    wchar_t err[512];
    wchar_t *ok[] = { L"p2vprep", L"check", L"--retire", L"VMware,xen" };
    assert_int_equal(cli_parse(4, ok, &o, err, 512), 0);
    assert_int_equal(o.policy.n_retire, 2);
    assert_ptr_equal(o.policy.retire[0], platform_find(L"vmware"));
    wchar_t *unknown[] = { L"p2vprep", L"plan", L"--retire", L"esx" };
    assert_int_equal(cli_parse(4, unknown, &o, err, 512), EXIT_USAGE);
    assert_wstr_contains(err, L"virtualbox");
    wchar_t *service[] = { L"p2vprep", L"service", L"install", L"--target", L"pvscsi", L"--retire", L"vmware" };
    assert_int_equal(cli_parse(7, service, &o, err, 512), EXIT_USAGE);
    wchar_t *input[] = { L"p2vprep", L"apply", L"--input", L"{\"targets\": [\"pvscsi\"], \"retire\": [\"vmware\", \"parallels\"]}" };
    assert_int_equal(cli_parse(4, input, &o, err, 512), 0);
    assert_int_equal(o.policy.n_retire, 2);
    assert_ptr_equal(o.policy.retire[1], platform_find(L"parallels"));
    cli_free(&o);
}

/* The first-boot pass's configuration: what retire stages (a Windows Installer package known
 * to uninstall off its platform, never VMware Tools), its text, and a parser that takes only
 * what the formatter writes. */
static void the_first_boot_configuration(void **state)
{
    struct machine *m = guest(6, 1, ARCH_X64, 1);
    struct policy pol = { 0 };
    pol.retire[pol.n_retire++] = platform_find(L"xen");
    pol.retire[pol.n_retire++] = platform_find(L"vmware");
    static const struct { const wchar_t *name, *code; BOOL msi; } sw[] = {
        { L"XCP-ng Windows PV Tools", L"{AF9B2559-3E91-4206-98C2-F560009FF7F1}", TRUE },
        { L"VMware Tools", L"{FE2F6A2C-196E-4210-9C04-2B1BC21F07EF}", TRUE },   /* refuses: not staged */
        { L"Citrix XenServer Windows Management Agent", L"XenAgent", TRUE },     /* no product code */
        { L"Red Hat Paravirtualized Xen Drivers for Windows", L"{11111111-2222-3333-4444-555555555555}", FALSE },
    };
    for (size_t i = 0; i < COUNTOF(sw); i++) {
        wcscpy(m->products[i].name, sw[i].name);
        wcscpy(m->products[i].code, sw[i].code);
        m->products[i].msi = sw[i].msi;
    }
    m->n_products = (int)COUNTOF(sw);
    struct firstboot_cfg cfg, back;
    firstboot_cfg_of(m, &pol, &cfg);
    assert_int_equal(cfg.n_uninstall, 1);
    assert_wstr_equal(cfg.uninstall[0], L"{AF9B2559-3E91-4206-98C2-F560009FF7F1}");
    assert_wstr_equal(cfg.uninstall_platform[0], L"xen");
    assert_false(cfg.network);
    assert_true(firstboot_needed(&cfg));
    struct wbuf b = { 0 };
    firstboot_cfg_format(&cfg, &b);
    assert_wstr_equal(b.s, L"p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1} xen\nend 1\n");
    wchar_t why[160];
    assert_true(firstboot_cfg_parse(b.s, &back, why, COUNTOF(why)));
    assert_int_equal(back.n_uninstall, 1);
    assert_wstr_equal(back.uninstall[0], cfg.uninstall[0]);
    wbuf_free(&b);
    static const wchar_t *const bad[] = {
        L"",
        L"p2vprep-firstboot 2\nnetwork no\nend 0\n",
        L"p2vprep-firstboot 1\nnetwork maybe\nend 0\n",
        L"p2vprep-firstboot 1\nnetwork no\n",                                  /* cut: no end */
        L"p2vprep-firstboot 1\nnetwork no\nend 1\n",                          /* count */
        L"p2vprep-firstboot 1\nnetwork no\nend 0",                             /* no newline */
        L"p2vprep-firstboot 1\nnetwork no\nend 0\nuninstall x\n",            /* after end */
        L"p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1} esx\nend 1\n",
        L"p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1}\" & calc\nend 1\n",
        L"p2vprep-firstboot 1\nnetwork no\nuninstall /i{AF9B2559-3E91-4206-98C2-F560009FF7F} xen\nend 1\n",
        L"p2vprep-firstboot 1\nnetwork no\nuninstall {AF9B2559-3E91-4206-98C2-F560009FF7F1} XEN\nend 1\n",
        L"p2vprep-firstboot 1\nnetwork no\nend 00\n",
    };
    for (size_t i = 0; i < COUNTOF(bad); i++)
        if (firstboot_cfg_parse(bad[i], &back, why, COUNTOF(why)))
            fail_msg("accepted bad configuration %u", (unsigned)i);
    /* --keep-network alone needs the pass too */
    struct policy net = { 0 };
    net.keep_network = TRUE;
    firstboot_cfg_of(m, &net, &cfg);
    assert_true(cfg.network && firstboot_needed(&cfg) && cfg.n_uninstall == 0);
    machine_free(m);
}

/* The first-boot pass's journal names adapters' TCP/IP keys, and nothing beside them. */
static void the_journal_owns_the_adapters_tcpip_keys(void **state)
{
    struct journal_scope scope = { L"C:\\Windows", NULL, NULL };
    struct jentry e;
    memset(&e, 0, sizeof e);
    e.kind = J_VALUE;
    wcscpy(e.name, L"IPAddress");
    static const wchar_t *const ok[] = {
        L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}",
        L"SYSTEM\\ControlSet001\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}",
        L"SYSTEM\\ControlSet001\\Services\\{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}\\Parameters\\Tcpip",
    };
    for (size_t i = 0; i < COUNTOF(ok); i++) {
        wcscpy(e.key, ok[i]);
        assert_null(journal_record_problem(&e, &scope));
    }
    static const wchar_t *const refused[] = {
        L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces",
        L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\notaguid",
        L"SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces\\{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}\\x",
        L"SYSTEM\\ControlSet001\\Services\\NetBT\\Parameters\\Interfaces\\Tcpip_x",
        L"SYSTEM\\ControlSet001\\Services\\Dnscache\\Parameters\\Interfaces\\{6E4D1F1A-2B3C-4D5E-8F90-A1B2C3D4E5F6}",
        L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    };
    for (size_t i = 0; i < COUNTOF(refused); i++) {
        wcscpy(e.key, refused[i]);
        if (!journal_record_problem(&e, &scope))
            fail_msg("a journal may name %ls", refused[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(virtualbox_is_retired_in_every_set_and_rollback_is_exact),
        cmocka_unit_test(vmware_guest_keeps_a_device_filter_and_windows_drivers),
        cmocka_unit_test(the_boot_guard),
        cmocka_unit_test(storage_groups_are_guarded_and_lists_keep_their_order),
        cmocka_unit_test(an_unreadable_filter_list_refuses),
        cmocka_unit_test(installed_software_is_listed),
        cmocka_unit_test(the_journal_owns_class_filter_lists_only),
        cmocka_unit_test(the_command_line),
        cmocka_unit_test(the_first_boot_configuration),
        cmocka_unit_test(the_journal_owns_the_adapters_tcpip_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
