/* The planner on hand-made machine snapshots: no registry, no files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <wchar.h>
#include "pe.h"
#include "plan.h"
#include "probe.h"
#include "text.h"
#include "mem_backend.h"
#include "wassert.h"

static const struct target *lsilogic(void) { return target_find(L"lsilogic"); }

static struct machine *server(DWORD major, DWORD minor, unsigned arch, int n_sets)
{
    struct machine *m = machine_new();
    m->os.major = major;
    m->os.minor = minor;
    m->os.arch = arch;
    wcscpy(m->os.systemroot, L"D:\\WINDOWS");
    for (int i = 0; i < n_sets; i++)
        wfmt(m->sets[m->n_sets++], 16, L"ControlSet%03d", i + 1);
    return m;
}

/* The payload is there and valid, the installed copy absent. */
static void payload_ok(struct machine *m, const wchar_t *file)
{
    struct machine_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    wcscpy(f->name, file);
    wfmt(f->src, MAX_PATH, L"E:\\payload\\x86\\%ls", file);
    wfmt(f->dst, MAX_PATH, L"%ls\\system32\\drivers\\%ls", m->os.systemroot, file);
    f->src_status = PE_OK;
    f->dst_status = PE_MISSING;
}

/* Records every wanted value as already present with the wanted data. */
static void everything_present(struct machine *m, const struct target *t)
{
    struct requirements *r = requirements_new();
    plan_requirements(m, &t, 1, r);
    for (size_t i = 0; i < r->n_wants; i++)
        if (r->wants[i].kind == WANT_VALUE)
            machine_add_value(m, r->wants[i].key, r->wants[i].name)->v = r->wants[i].v;
    requirements_free(r);
}

static struct machine_value *find_value(struct machine *m, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < m->n_values; i++)
        if (!_wcsicmp(m->values[i].key, key) && !_wcsicmp(m->values[i].name, name))
            return &m->values[i];
    return NULL;
}

static size_t count_set(const struct plan *p, const wchar_t *set)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_changes; i++)
        n += p->changes[i].kind == CHANGE_VALUE && !wcscmp(p->changes[i].set, set);
    return n;
}

static const struct change *find_change(const struct plan *p, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < p->n_changes; i++)
        if (!_wcsicmp(p->changes[i].key, key) && !_wcsicmp(p->changes[i].name, name))
            return &p->changes[i];
    return NULL;
}

static DWORD dword_of(const struct regval *v)
{
    DWORD d;
    memcpy(&d, v->data, 4);
    return d;
}

static void nt5_fresh_server_gets_every_entry_in_every_set(void **state)
{
    struct machine *m = server(5, 2, ARCH_X86, 3);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    plan_make(m, &t, 1, p);

    assert_int_equal(p->blocking_exit, 0);
    assert_int_equal(p->n_problems, 0);
    /* the driver file first, then per set: 5 service values, PnpInterface, 2 ids x 2 values */
    assert_int_equal(p->changes[0].kind, CHANGE_FILE);
    assert_wstr_equal(p->changes[0].key, L"D:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    for (int s = 1; s <= 3; s++) {
        wchar_t set[16];
        wfmt(set, 16, L"ControlSet%03d", s);
        assert_int_equal(count_set(p, set), 10);
    }
    assert_int_equal(p->n_changes, 31);

    const struct change *c = find_change(p, L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start");
    assert_non_null(c);
    assert_false(c->old.present);
    assert_int_equal(c->new.type, REG_DWORD);
    assert_int_equal(dword_of(&c->new), 0);
    c = find_change(p, L"SYSTEM\\ControlSet003\\Services\\symmpi", L"ImagePath");
    assert_non_null(c);
    assert_int_equal(c->new.type, REG_EXPAND_SZ);
    assert_memory_equal(c->new.data, L"system32\\DRIVERS\\symmpi.sys", c->new.size);
    c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\symmpi\\Parameters\\PnpInterface", L"5");
    assert_non_null(c);
    assert_int_equal(dword_of(&c->new), 1);
    c = find_change(p, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_1000&dev_0030&subsys_197615ad",
                    L"ClassGUID");
    assert_non_null(c);
    assert_memory_equal(c->new.data, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}", c->new.size);
    for (size_t i = 0; i < p->n_changes; i++)
        assert_null(wcsstr(p->changes[i].key, L"CurrentControlSet"));
    plan_free(p);
    machine_free(m);
}

static void complete_machine_needs_nothing(void **state)
{
    struct machine *m = server(5, 1, ARCH_X86, 2);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    m->files[0].dst_status = PE_OK;
    m->files[0].dst_same = TRUE;
    everything_present(m, t);
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 0);
    assert_int_equal(p->n_problems, 0);
    plan_free(p);
    machine_free(m);
}

static void disabled_and_wrong_typed_values_are_corrected_alone(void **state)
{
    struct machine *m = server(5, 2, ARCH_X64, 2);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    m->files[0].dst_status = PE_OK;
    m->files[0].dst_same = TRUE;
    everything_present(m, t);
    regval_dword(&find_value(m, L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start")->v, 4);
    regval_sz(&find_value(m, L"SYSTEM\\ControlSet001\\Services\\symmpi", L"ErrorControl")->v, REG_SZ, L"1");
    plan_make(m, &t, 1, p);

    assert_int_equal(p->n_changes, 2);
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet002\\Services\\symmpi", L"Start");
    assert_non_null(c);
    assert_true(c->old.present);
    assert_int_equal(dword_of(&c->old), 4);
    c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\symmpi", L"ErrorControl");
    assert_non_null(c);
    assert_int_equal(c->old.type, REG_SZ);
    assert_int_equal(c->new.type, REG_DWORD);

    plan_changes_as_problems(p);
    assert_int_equal(p->n_problems, 2);
    assert_wstr_contains(p->problems[0].message, L"ControlSet");
    plan_free(p);
    machine_free(m);
}

static void strings_match_without_case(void **state)
{
    struct machine *m = server(5, 2, ARCH_X86, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    m->files[0].dst_status = PE_OK;
    m->files[0].dst_same = TRUE;
    everything_present(m, t);
    regval_sz(&find_value(m, L"SYSTEM\\ControlSet001\\Services\\symmpi", L"ImagePath")->v,
              REG_EXPAND_SZ, L"System32\\drivers\\SYMMPI.SYS");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 0);
    plan_free(p);
    machine_free(m);
}

static void missing_payload_blocks_with_places_and_advice(void **state)
{
    struct machine *m = server(5, 2, ARCH_X86, 2);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    m->files[0].src_status = PE_MISSING;
    m->files[0].src[0] = 0;
    wcscpy(m->files[0].looked[0], L"E:\\payload\\x86\\symmpi.sys");
    wcscpy(m->files[0].looked[1], L"E:\\payload\\symmpi.sys");
    m->files[0].n_looked = 2;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_int_equal(p->n_problems, 1);
    assert_wstr_equal(p->problems[0].code, L"payload-missing");
    assert_wstr_contains(p->problems[0].message, L"E:\\payload\\x86\\symmpi.sys");
    assert_wstr_contains(p->problems[0].message, L"E:\\payload\\symmpi.sys");
    assert_wstr_contains(p->problems[0].message, L"VMware Tools");
    plan_free(p);
    machine_free(m);
}

static void installed_driver_counts_when_the_payload_is_not_at_hand(void **state)
{
    struct machine *m = server(5, 2, ARCH_X86, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    everything_present(m, t);
    m->files[0].src_status = PE_MISSING;
    m->files[0].dst_status = PE_OK;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(p->n_changes, 0);
    m->files[0].dst_status = PE_WRONG_MACHINE;   /* but not a wrong one */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    plan_free(p);
    machine_free(m);
}

static void wrong_architecture_payload_blocks(void **state)
{
    struct machine *m = server(5, 2, ARCH_X64, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"symmpi.sys");
    m->files[0].src_status = PE_WRONG_MACHINE;
    m->files[0].src_machine = PE_MACHINE_I386;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_equal(p->problems[0].code, L"payload-invalid");
    assert_wstr_contains(p->problems[0].message, L"i386");
    assert_wstr_contains(p->problems[0].message, L"AMD64");
    plan_free(p);
    machine_free(m);
}

static void nt6_inbox_service_keeps_its_own_values(void **state)
{
    struct machine *m = server(6, 1, ARCH_X64, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    struct machine_file *f = &m->files[m->n_files++];
    wcscpy(f->name, L"lsi_scsi.sys");
    f->dst_status = PE_OK;
    everything_present(m, t);
    regval_sz(&find_value(m, L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI", L"ImagePath")->v,
              REG_EXPAND_SZ, L"\\SystemRoot\\System32\\drivers\\lsi_scsi.sys");
    regval_dword(&find_value(m, L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI", L"Start")->v, 3);
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(p->n_changes, 1);
    assert_wstr_equal(p->changes[0].name, L"Start");
    plan_free(p);
    machine_free(m);
}

/* Windows 7 with its own LSI_SCSI, written out by hand: the service as Windows installs
 * it, PnpInterface and the two CriticalDeviceDatabase entries in place, Start=3. */
static struct machine *win7_with_lsi_scsi(void)
{
    struct machine *m = server(6, 1, ARCH_X64, 1);
    static const wchar_t svc[] = L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI";
    static const wchar_t cdd[] = L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_1000&dev_0030";
    static const wchar_t cdd2[] =
        L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_1000&dev_0030&subsys_197615ad";
    struct machine_file *f = &m->files[m->n_files++];
    wcscpy(f->name, L"lsi_scsi.sys");
    f->dst_status = PE_OK;
    regval_dword(&machine_add_value(m, svc, L"Type")->v, 1);
    regval_dword(&machine_add_value(m, svc, L"Start")->v, 3);
    regval_dword(&machine_add_value(m, svc, L"ErrorControl")->v, 1);
    regval_sz(&machine_add_value(m, svc, L"Group")->v, REG_SZ, L"SCSI miniport");
    regval_sz(&machine_add_value(m, svc, L"ImagePath")->v, REG_EXPAND_SZ,
              L"\\SystemRoot\\System32\\drivers\\lsi_scsi.sys");
    regval_dword(&machine_add_value(m, L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI\\Parameters\\PnpInterface",
                                    L"5")->v, 1);
    regval_sz(&machine_add_value(m, cdd, L"ClassGUID")->v, REG_SZ, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}");
    regval_sz(&machine_add_value(m, cdd, L"Service")->v, REG_SZ, L"LSI_SCSI");
    regval_sz(&machine_add_value(m, cdd2, L"ClassGUID")->v, REG_SZ, L"{4D36E97B-E325-11CE-BFC1-08002BE10318}");
    regval_sz(&machine_add_value(m, cdd2, L"Service")->v, REG_SZ, L"LSI_SCSI");
    return m;
}

/* Each of the inbox service's own values, set to what another Windows build or an admin
 * left there, is kept: the only change is Start. Values p2vprep never wants (Tag,
 * DisplayName, DependOnService) are never in a plan. A missing one is filled in. */
static void inbox_service_keeps_each_of_its_values(void **state)
{
    static const wchar_t svc[] = L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI";
    static const struct { const wchar_t *name; DWORD type; DWORD d; const wchar_t *s; } own[] = {
        { L"ImagePath", REG_EXPAND_SZ, 0, L"system32\\drivers\\lsi_scsi_v2.sys" },
        { L"ImagePath", REG_SZ, 0, L"\\SystemRoot\\System32\\drivers\\lsi_scsi.sys" },
        { L"Group", REG_SZ, 0, L"SCSI Miniport (vendor)" },
        { L"Type", REG_DWORD, 2, NULL },
        { L"ErrorControl", REG_DWORD, 3, NULL },
    };
    const struct target *t = lsilogic();
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        struct machine *m = win7_with_lsi_scsi();
        struct plan *p = plan_new();
        struct machine_value *v = find_value(m, svc, own[i].name);
        if (own[i].s)
            regval_sz(&v->v, own[i].type, own[i].s);
        else
            regval_dword(&v->v, own[i].d);
        plan_make(m, &t, 1, p);
        assert_int_equal(p->n_problems, 0);
        if (p->n_changes != 1)
            fail_msg("%ls varied: %u changes", own[i].name, (unsigned)p->n_changes);
        assert_wstr_equal(p->changes[0].key, svc);
        assert_wstr_equal(p->changes[0].name, L"Start");
        assert_int_equal(p->changes[0].new.type, REG_DWORD);
        assert_int_equal(dword_of(&p->changes[0].new), 0);
        plan_free(p);
        machine_free(m);
    }
    /* ImagePath missing: filled in with the recipe's, beside Start */
    struct machine *m = win7_with_lsi_scsi();
    struct plan *p = plan_new();
    find_value(m, svc, L"ImagePath")->v.present = FALSE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 2);
    const struct change *c = find_change(p, svc, L"ImagePath");
    assert_non_null(c);
    assert_int_equal(c->new.type, REG_EXPAND_SZ);
    assert_wstr_equal((const wchar_t *)c->new.data, L"system32\\DRIVERS\\lsi_scsi.sys");
    /* nothing p2vprep does not own is ever asked for */
    struct requirements *r = requirements_new();
    plan_requirements(m, &t, 1, r);
    for (size_t k = 0; k < r->n_wants; k++) {
        assert_int_not_equal(_wcsicmp(r->wants[k].name, L"Tag"), 0);
        assert_int_not_equal(_wcsicmp(r->wants[k].name, L"DisplayName"), 0);
        assert_int_not_equal(_wcsicmp(r->wants[k].name, L"DependOnService"), 0);
    }
    requirements_free(r);
    plan_free(p);
    machine_free(m);
}

/* An inbox driver file, installed. */
static void inbox_present(struct machine *m, const wchar_t *file)
{
    struct machine_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    wcscpy(f->name, file);
    wfmt(f->dst, MAX_PATH, L"%ls\\system32\\drivers\\%ls", m->os.systemroot, file);
    f->dst_status = PE_OK;
    f->src_status = PE_MISSING;
}

static void start_override(struct machine *m, const wchar_t *set, const wchar_t *service)
{
    struct machine_key *k = &m->keys[m->n_keys++];
    memset(k, 0, sizeof *k);
    wfmt(k->key, P2V_KEY_MAX, L"SYSTEM\\%ls\\Services\\%ls\\StartOverride", set, service);
    k->present = TRUE;
    wcscpy(k->values, L"0 = 3 (REG_DWORD)");
}

static size_t count_kind(const struct plan *p, enum change_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_changes; i++)
        n += p->changes[i].kind == kind;
    return n;
}

static void nt62_removes_start_override_in_every_set_and_on_the_bus(void **state)
{
    struct machine *m = server(10, 0, ARCH_X64, 2);
    const struct target *t = target_find(L"lsisas1068");
    struct plan *p = plan_new();
    inbox_present(m, L"lsi_sas.sys");
    everything_present(m, t);
    start_override(m, L"ControlSet001", L"LSI_SAS");
    start_override(m, L"ControlSet002", L"LSI_SAS");
    start_override(m, L"ControlSet002", L"pci");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(p->n_changes, 3);
    assert_int_equal(count_kind(p, CHANGE_DELETE_KEY), 3);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\pci\\StartOverride", L""));
    /* no CriticalDeviceDatabase on Windows 8 and later */
    struct requirements *r = requirements_new();
    plan_requirements(m, &t, 1, r);
    for (size_t i = 0; i < r->n_wants; i++)
        assert_null(wcsstr(r->wants[i].key, L"CriticalDeviceDatabase"));
    requirements_free(r);
    plan_free(p);
    machine_free(m);
}

static void nt62_without_inbox_driver_takes_the_payload_package(void **state)
{
    struct machine *m = server(10, 0, ARCH_X64, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"lsi_scsi.sys");              /* no inbox copy installed */
    struct machine_package *pkg = &m->packages[m->n_packages++];
    wcscpy(pkg->name, L"lsi_scsi.inf");
    wcscpy(pkg->inf, L"E:\\payload\\amd64\\lsi_scsi.inf");
    pkg->catalog_present = TRUE;               /* signed through its catalog */
    pkg->inf_sig.state = SIG_VALID;
    pkg->inf_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    m->files[0].cat_sig.state = SIG_VALID;
    m->files[0].cat_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(p->changes[0].kind, CHANGE_FILE);
    assert_int_equal(p->changes[1].kind, CHANGE_STAGE);
    assert_wstr_equal(p->changes[1].src, L"E:\\payload\\amd64\\lsi_scsi.inf");
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\LSI_SCSI", L"ImagePath");
    assert_non_null(c);   /* a payload service gets its full values */
    /* staged already: no second staging */
    wcscpy(pkg->staged_as, L"oem7.inf");
    plan_make(m, &t, 1, p);
    assert_int_equal(count_kind(p, CHANGE_STAGE), 0);
    plan_free(p);
    machine_free(m);
}

static void unsigned_driver_on_x64_vista_and_later_is_refused_unless_allowed(void **state)
{
    struct machine *m = server(6, 1, ARCH_X64, 1);
    const struct target *t = target_find(L"pvscsi");
    struct plan *p = plan_new();
    payload_ok(m, L"pvscsi.sys");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_equal(p->problems[0].code, L"unsigned-driver");
    p->policy.allow_unsigned = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_wstr_equal(p->problems[0].code, L"unsigned-driver");   /* still said */
    assert_true(p->n_changes > 0);
    p->policy.allow_unsigned = FALSE;
    m->files[0].src_sig.state = SIG_VALID;
    m->files[0].src_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    plan_free(p);
    machine_free(m);
}

/* A signature this Windows trusts only because its root is in the machine's store (a
 * company CA) is not one the 64-bit kernel loads a boot driver from: refused (exit 3)
 * unless the kernel's root is Microsoft's (or cross-signed), the machine boots with test
 * signing, or --allow-unsigned; a package catalog is judged the same way. */
static void a_signature_for_programs_is_not_one_for_the_kernel(void **state)
{
    struct machine *m = server(6, 1, ARCH_X64, 1);
    const struct target *t = target_find(L"pvscsi");
    struct plan *p = plan_new();
    payload_ok(m, L"pvscsi.sys");
    m->files[0].src_sig.state = SIG_VALID;
    wcscpy(m->files[0].src_sig.root, L"Contoso Root CA");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_equal(p->problems[0].code, L"user-mode-signature");
    assert_wstr_contains(p->problems[0].message, L"Contoso Root CA");
    assert_wstr_contains(p->problems[0].message, L"0xc0000428");
    m->test_signing = TRUE;   /* bcdedit /set testsigning on: the kernel takes it */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    m->test_signing = FALSE;
    p->policy.allow_unsigned = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_wstr_equal(p->problems[0].code, L"user-mode-signature");
    p->policy.allow_unsigned = FALSE;
    m->files[0].src_sig.kernel = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    /* not signed itself, its catalog by a company CA */
    m->files[0].src_sig.state = SIG_NONE;
    m->files[0].cat_sig.state = SIG_VALID;
    wcscpy(m->files[0].cat, L"C:\\payload\\amd64\\pvscsi.cat");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_equal(p->problems[0].code, L"user-mode-signature");
    assert_wstr_contains(p->problems[0].message, L"through its catalog");
    m->files[0].cat_sig.kernel = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    plan_free(p);
    machine_free(m);
}

/* The kernel's roots are Microsoft's, by thumbprint: Code Verification Root (the
 * cross-certificates' root) and the Microsoft Root Authority / Root CA 2001, 2010, 2011. */
static void the_kernels_roots_are_microsofts(void **state)
{
    static const BYTE mscvr[20] = { 0x8F, 0xBE, 0x4D, 0x07, 0x0E, 0xF8, 0xAB, 0x1B, 0xCC, 0xAF,
                                    0x2A, 0x9D, 0x5C, 0xCA, 0xE7, 0x28, 0x2A, 0x2C, 0x66, 0xB3 };
    static const BYTE root2010[20] = { 0x3B, 0x1E, 0xFD, 0x3A, 0x66, 0xEA, 0x28, 0xB1, 0x66, 0x97,
                                       0x39, 0x47, 0x03, 0xA7, 0x2C, 0xA3, 0x40, 0xA0, 0x5B, 0xD5 };
    BYTE other[20];
    assert_true(sig_kernel_root(mscvr));
    assert_true(sig_kernel_root(root2010));
    memcpy(other, root2010, 20);
    other[19] ^= 1;
    assert_false(sig_kernel_root(other));
    memset(other, 0, 20);
    assert_false(sig_kernel_root(other));
}

/* What WinVerifyTrust found decides, not the mere presence of a certificate table. */
static void a_signature_must_be_one_windows_accepts(void **state)
{
    struct machine *m = server(6, 1, ARCH_X64, 1);
    const struct target *t = target_find(L"pvscsi");
    struct plan *p = plan_new();
    payload_ok(m, L"pvscsi.sys");
    m->files[0].src_sig.state = SIG_BROKEN;   /* altered after signing: never allowed */
    m->files[0].src_sig.result = (LONG)0x80096010L;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_equal(p->problems[0].code, L"broken-signature");
    assert_wstr_contains(p->problems[0].message, L"0x80096010");
    p->policy.allow_unsigned = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    m->files[0].src_sig.state = SIG_UNTRUSTED;  /* self-signed: only for a test-signed setup */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_wstr_equal(p->problems[0].code, L"untrusted-signature");
    assert_wstr_contains(p->problems[0].message, L"THIS server");
    p->policy.allow_unsigned = FALSE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    /* SHA-2 only: said on 7 / 2008 R2 and Vista / 2008, not on 8 and later */
    m->files[0].src_sig.state = SIG_VALID;
    m->files[0].src_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    m->files[0].src_sig.sha2_only = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_int_equal(p->n_problems, 1);
    assert_wstr_equal(p->problems[0].code, L"sha2-only-signature");
    assert_wstr_contains(p->problems[0].message, L"KB4474419");
    m->os.minor = 0;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 1);
    m->os.major = 6, m->os.minor = 3;
    plan_make(m, &t, 1, p);
    for (size_t i = 0; i < p->n_problems; i++)
        assert_int_not_equal(wcscmp(p->problems[i].code, L"sha2-only-signature"), 0);
    m->files[0].src_sig.sha2_only = FALSE;
    m->os.minor = 1;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    /* 32-bit Windows loads unsigned drivers: no verdict asked */
    m->os.arch = ARCH_X86;
    m->files[0].src_sig.state = SIG_BROKEN;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    plan_free(p);
    machine_free(m);
}

static const struct problem *problem_with(const struct plan *p, const wchar_t *code)
{
    for (size_t i = 0; i < p->n_problems; i++)
        if (!wcscmp(p->problems[i].code, code))
            return &p->problems[i];
    return NULL;
}

/* A package's catalog signs its driver and its INF only when it lists them (by hash) and
 * carries a signature Windows accepts; a changed file or a damaged catalog is never allowed. */
static void a_catalog_signs_only_what_it_lists(void **state)
{
    struct machine *m = server(10, 0, ARCH_X64, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    payload_ok(m, L"lsi_scsi.sys");
    struct machine_file *f = &m->files[0];
    struct machine_package *pkg = &m->packages[m->n_packages++];
    wcscpy(pkg->name, L"lsi_scsi.inf");
    wcscpy(pkg->inf, L"E:\\payload\\amd64\\lsi_scsi.inf");
    wcscpy(pkg->catalog_path, L"E:\\payload\\amd64\\lsi_scsi.cat");
    pkg->catalog_present = TRUE;
    pkg->inf_sig.state = SIG_VALID;
    pkg->inf_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    wcscpy(f->cat, pkg->catalog_path);
    f->cat_sig.state = SIG_VALID;
    f->cat_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_kind(p, CHANGE_STAGE), 1);

    /* the driver changed after the catalog was signed: exit 3, even with --allow-unsigned */
    f->cat_sig.state = SIG_NOT_LISTED;
    f->cat_sig.result = (LONG)0x80092004L;
    for (int allow = 0; allow < 2; allow++) {
        p->policy.allow_unsigned = allow;
        plan_make(m, &t, 1, p);
        assert_int_equal(p->blocking_exit, 3);
        const struct problem *q = problem_with(p, L"driver-not-in-catalog");
        assert_non_null(q);
        assert_wstr_contains(q->message, L"not listed in its package's catalog");
        assert_wstr_contains(q->message, L"lsi_scsi.cat");
    }
    f->cat_sig.state = SIG_BROKEN;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_non_null(problem_with(p, L"broken-catalog"));
    /* a catalog by a certificate Windows does not trust: only for a test-signed setup */
    f->cat_sig.state = SIG_UNTRUSTED;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_wstr_contains(problem_with(p, L"untrusted-signature")->message, L"THIS server");
    p->policy.allow_unsigned = FALSE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    /* no catalog of its target lists it, and no embedded signature */
    f->cat_sig.state = SIG_NONE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_contains(problem_with(p, L"unsigned-driver")->message, L"catalog does not list it");
    /* an embedded signature Windows accepts needs no catalog */
    f->src_sig.state = SIG_VALID;
    f->src_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);

    /* the INF: Windows stages the package only when its catalog lists it */
    pkg->inf_sig.state = SIG_NOT_LISTED;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_non_null(problem_with(p, L"inf-not-in-catalog"));
    assert_int_equal(count_kind(p, CHANGE_STAGE), 0);
    pkg->inf_sig.state = SIG_BROKEN;
    p->policy.allow_unsigned = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_non_null(problem_with(p, L"broken-catalog"));
    pkg->inf_sig.state = SIG_UNTRUSTED;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_non_null(problem_with(p, L"untrusted-catalog"));
    assert_int_equal(count_kind(p, CHANGE_STAGE), 1);
    p->policy.allow_unsigned = FALSE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    /* 32-bit Windows: no verdict asked */
    m->os.arch = ARCH_X86;
    f->src_sig.state = SIG_NONE;
    f->cat_sig.state = SIG_BROKEN;
    plan_make(m, &t, 1, p);
    assert_null(problem_with(p, L"broken-catalog"));
    assert_null(problem_with(p, L"untrusted-catalog"));
    plan_free(p);
    machine_free(m);

    /* a catalog signed with SHA-2 only, on 7 / 2008 R2 */
    m = server(6, 1, ARCH_X64, 1);
    t = target_find(L"pvscsi");
    p = plan_new();
    payload_ok(m, L"pvscsi.sys");
    m->files[0].cat_sig.state = SIG_VALID;
    m->files[0].cat_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    m->files[0].cat_sig.sha2_only = TRUE;
    wcscpy(m->files[0].cat, L"E:\\payload\\amd64\\pvscsi.cat");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_wstr_contains(problem_with(p, L"sha2-only-signature")->message, L"pvscsi.cat");
    plan_free(p);
    machine_free(m);
}

/* Every answer of WinVerifyTrust, including those the emulated Windows never gives. */
static void win_verify_trust_answers_are_classified(void **state)
{
    static const struct { LONG hr; BOOL table; int want; } cases[] = {
        { 0, TRUE, SIG_VALID },
        { (LONG)0x800B0101L, TRUE, SIG_VALID },       /* expired signer: code integrity ignores dates */
        { (LONG)0x800B0109L, TRUE, SIG_UNTRUSTED },   /* untrusted root: self-signed */
        { (LONG)0x800B010AL, TRUE, SIG_UNTRUSTED },   /* chain cannot be built */
        { (LONG)0x800B010CL, TRUE, SIG_UNTRUSTED },   /* revoked */
        { (LONG)0x800B0111L, TRUE, SIG_UNTRUSTED },   /* explicitly distrusted */
        { (LONG)0x80092026L, TRUE, SIG_UNTRUSTED },   /* blocked by policy */
        { (LONG)0x80096010L, TRUE, SIG_BROKEN },      /* bad digest: altered */
        { (LONG)0x80096004L, TRUE, SIG_BROKEN },      /* certificate signature invalid */
        { (LONG)0x80090006L, TRUE, SIG_BROKEN },      /* bad signature (a damaged catalog) */
        { (LONG)0x800B0100L, TRUE, SIG_BROKEN },      /* a table without a readable signature */
        { (LONG)0x800B0100L, FALSE, SIG_NONE },
        { (LONG)0x800B0003L, FALSE, SIG_NONE },
        { (LONG)0x800B0001L, TRUE, SIG_UNCHECKED },   /* no Authenticode provider */
        { (LONG)0x800B0109L, FALSE, SIG_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (sig_classify(cases[i].hr, cases[i].table) != cases[i].want)
            fail_msg("0x%08lx (table %d): %d, expected %d", (unsigned long)cases[i].hr, cases[i].table,
                     sig_classify(cases[i].hr, cases[i].table), cases[i].want);
    }
    assert_true(sig_oid_is_sha2("2.16.840.1.101.3.4.2.1"));    /* SHA-256 */
    assert_true(sig_oid_is_sha2("2.16.840.1.101.3.4.2.3"));    /* SHA-512 */
    assert_false(sig_oid_is_sha2("1.3.14.3.2.26"));            /* SHA-1 */
    assert_false(sig_oid_is_sha2("1.2.840.113549.2.5"));       /* MD5 */
    assert_false(sig_oid_is_sha2(NULL));
}

static void refusals_name_the_reason(void **state)
{
    struct machine *m = server(5, 2, ARCH_X64, 1);
    const struct target *t = target_find(L"buslogic");
    struct plan *p = plan_new();
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_contains(p->problems[0].message, L"64-bit");
    m->os.major = 6;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_contains(p->problems[0].message, L"32-bit Windows 2000/XP/2003");
    t = target_find(L"sata");
    m->os.major = 5;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_contains(p->problems[0].message, L"--inf");
    plan_free(p);
    machine_free(m);
}

static void nt5_ide_takes_missing_inbox_files_from_the_cabinet(void **state)
{
    struct machine *m = server(5, 1, ARCH_X86, 1);
    const struct target *t = target_find(L"ide");
    struct plan *p = plan_new();
    inbox_present(m, L"atapi.sys");
    inbox_present(m, L"pciidex.sys");
    inbox_present(m, L"pciide.sys");
    struct machine_file *f = &m->files[m->n_files++];   /* intelide.sys only in sp2.cab */
    memset(f, 0, sizeof *f);
    wcscpy(f->name, L"intelide.sys");
    wcscpy(f->dst, L"D:\\WINDOWS\\system32\\drivers\\intelide.sys");
    f->dst_status = PE_MISSING;
    wcscpy(f->cab, L"D:\\WINDOWS\\Driver Cache\\i386\\sp2.cab");
    f->cab_status = PE_OK;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_kind(p, CHANGE_FILE), 1);
    assert_true(p->changes[0].from_cab);
    assert_wstr_equal(p->changes[0].src, L"D:\\WINDOWS\\Driver Cache\\i386\\sp2.cab");
    /* three services, and the MergeIDE set of 13 CriticalDeviceDatabase entries */
    assert_int_equal(count_set(p, L"ControlSet001"), 3 * 5 + 13 * 2);
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_8086&dev_7111", L"Service");
    assert_non_null(c);
    assert_memory_equal(c->new.data, L"intelide", c->new.size);
    c = find_change(p, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\gendisk", L"ClassGUID");
    assert_memory_equal(c->new.data, CLASS_DISKDRIVE, c->new.size);
    /* not in any cabinet either: a problem naming the file */
    f->cab_status = PE_MISSING;
    f->cab[0] = 0;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_contains(p->problems[0].message, L"intelide.sys");
    plan_free(p);
    machine_free(m);
}

static void no_control_sets_is_refused(void **state)
{
    struct machine *m = server(5, 2, ARCH_X86, 0);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_equal(p->problems[0].code, L"no-control-sets");
    plan_free(p);
    machine_free(m);
}

static void nt4_is_refused(void **state)
{
    struct machine *m = server(4, 0, ARCH_X86, 1);
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_equal(p->problems[0].code, L"unsupported-os");
    plan_free(p);
    machine_free(m);
}

/* A registry whose HKLM\SYSTEM holds n_sets ControlSetNNN keys among other keys, for
 * probe_control_sets. */
/* More control sets than one run handles: every one is counted, the plan refuses with
 * exit 2 and changes nothing; at the limit, every set is planned. */
static void more_control_sets_than_handled_are_refused_not_cut(void **state)
{
    const struct target *t = lsilogic();
    int cases[] = { 3, P2V_SETS_MAX, P2V_SETS_MAX + 1, 40, 999 };
    for (size_t c = 0; c < COUNTOF(cases); c++) {
        struct machine *m = server(5, 2, ARCH_X86, 0);
        struct plan *p = plan_new();
        payload_ok(m, L"symmpi.sys");
        /* SYSTEM: Select, a ControlSet1000 that is not NNN, then the sets */
        struct mem_machine mm = { 0 };
        struct backend b = mem_backend(&mm);
        for (int s = 0; s < SEL_COUNT; s++)
            mem_dword(&mm, L"SYSTEM\\Select", select_names[s], 1);
        mem_key(&mm, L"SYSTEM\\ControlSet1000");
        for (int s = 1; s <= cases[c]; s++) {
            wchar_t set[64];
            mem_key(&mm, wfmt(set, COUNTOF(set), L"SYSTEM\\ControlSet%03d", s));
        }
        assert_int_equal(probe_control_sets(&b, m), ERROR_SUCCESS);
        mem_free(&mm);
        assert_int_equal(m->n_sets_found, cases[c]);
        assert_int_equal(m->n_sets, cases[c] < P2V_SETS_MAX ? cases[c] : P2V_SETS_MAX);
        plan_make(m, &t, 1, p);
        if (cases[c] <= P2V_SETS_MAX) {
            assert_int_equal(p->blocking_exit, 0);
            assert_wstr_equal(m->sets[cases[c] - 1], cases[c] == 3 ? L"ControlSet003" : L"ControlSet032");
            assert_int_equal(count_set(p, m->sets[cases[c] - 1]), 10);
        } else {
            wchar_t want[64];
            assert_int_equal(p->blocking_exit, 2);
            assert_int_equal(p->n_changes, 0);
            assert_int_equal(p->n_problems, 1);
            assert_wstr_equal(p->problems[0].code, L"too-many-control-sets");
            assert_wstr_contains(p->problems[0].message,
                                 wfmt(want, COUNTOF(want), L"has %d ControlSetNNN keys", cases[c]));
            assert_wstr_contains(p->problems[0].message, L"at most 32");
            assert_wstr_contains(p->problems[0].message, L"Nothing was changed");
        }
        plan_free(p);
        machine_free(m);
    }
}

/* ---- nvme: by Windows version, not only by generation ---- */

/* 8.1 / 2012 R2 and later: inbox stornvme made Start=0, its StartOverride and the bus
 * drivers' (pci, and vpci where Hyper-V/Azure put one) removed in every set; no
 * CriticalDeviceDatabase. */
static void nvme_on_81_is_inbox_stornvme_without_start_override(void **state)
{
    struct machine *m = server(6, 3, ARCH_X64, 2);
    const struct target *t = target_find(L"nvme");
    struct plan *p = plan_new();
    assert_non_null(t);
    inbox_present(m, L"stornvme.sys");
    for (int s = 1; s <= 2; s++) {
        wchar_t set[16];
        wfmt(set, 16, L"ControlSet%03d", s);
        start_override(m, set, L"stornvme");
        start_override(m, set, L"pci");
        start_override(m, set, L"vpci");
    }
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_kind(p, CHANGE_DELETE_KEY), 6);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\vpci\\StartOverride", L""));
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet001\\Services\\stornvme\\StartOverride", L""));
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet002\\Services\\stornvme", L"Start");
    assert_non_null(c);
    assert_int_equal(dword_of(&c->new), 0);
    for (size_t i = 0; i < p->n_changes; i++)
        assert_null(wcsstr(p->changes[i].key, L"CriticalDeviceDatabase"));
    assert_int_equal(count_kind(p, CHANGE_FILE), 0);   /* never copied */
    plan_free(p);
    machine_free(m);
}

/* Windows 8 / 2012 (6.2) has no stornvme: refused with the reason, although it is the
 * same generation as 8.1. */
static void nvme_on_8_is_refused(void **state)
{
    struct machine *m = server(6, 2, ARCH_X64, 1);
    const struct target *t = target_find(L"nvme");
    struct plan *p = plan_new();
    inbox_present(m, L"stornvme.sys");   /* even a stray copy does not make it supported */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_int_equal(p->n_changes, 0);
    const struct problem *pr = problem_with(p, L"unsupported-target");
    assert_non_null(pr);
    assert_wstr_contains(pr->message, L"Windows 8/2012");
    assert_wstr_contains(pr->message, L"--inf");
    plan_free(p);
    machine_free(m);
}

/* 7 / 2008 R2 with Microsoft's update installed: the class-code CriticalDeviceDatabase
 * entry and the boot-start service in every set; without it, a refusal naming both
 * updates, and the payload is never asked for a stornvme.sys. */
static void nvme_on_7_needs_the_update(void **state)
{
    const struct target *t = target_find(L"nvme");
    struct machine *m = server(6, 1, ARCH_X64, 2);
    struct plan *p = plan_new();
    inbox_present(m, L"stornvme.sys");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet002\\Control\\CriticalDeviceDatabase\\pci#cc_010802",
                                         L"Service");
    assert_non_null(c);
    assert_wstr_equal((const wchar_t *)c->new.data, L"stornvme");
    c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\stornvme", L"Start");
    assert_non_null(c);
    assert_int_equal(dword_of(&c->new), 0);
    assert_int_equal(count_kind(p, CHANGE_FILE), 0);
    machine_free(m);

    m = server(6, 1, ARCH_X64, 2);
    struct machine_file *f = &m->files[m->n_files++];   /* looked for, not there */
    memset(f, 0, sizeof *f);
    wcscpy(f->name, L"stornvme.sys");
    f->dst_status = PE_MISSING;
    f->src_status = PE_OK;                               /* a loose copy in the payload */
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_int_equal(p->n_changes, 0);
    const struct problem *pr = problem_with(p, L"unsupported-target");
    assert_non_null(pr);
    assert_wstr_contains(pr->message, L"KB2990941");
    assert_wstr_contains(pr->message, L"KB3087873");
    assert_wstr_contains(pr->message, L"Windows 7/2008 R2");
    plan_free(p);
    machine_free(m);
}

static void nvme_before_7_is_refused(void **state)
{
    static const DWORD versions[][2] = { { 6, 0 }, { 5, 2 }, { 5, 0 } };
    const struct target *t = target_find(L"nvme");
    for (size_t i = 0; i < 3; i++) {
        struct machine *m = server(versions[i][0], versions[i][1], ARCH_X86, 1);
        struct plan *p = plan_new();
        plan_make(m, &t, 1, p);
        assert_int_equal(p->blocking_exit, 2);
        const struct problem *pr = problem_with(p, L"unsupported-target");
        assert_non_null(pr);
        assert_wstr_contains(pr->message, L"no NVMe driver from Microsoft");
        assert_null(wcsstr(pr->message, L"KB2990941"));
        plan_free(p);
        machine_free(m);
    }
}

/* `targets` names the versions a rule covers, not only its generation. */
static void rule_os_text_names_versions(void **state)
{
    const struct target *t = target_find(L"nvme");
    wchar_t buf[128];
    rule_os_text(&t->rules[0], buf, 128);
    assert_wstr_equal(buf, L"Windows 8.1/2012 R2 or later");
    rule_os_text(&t->rules[1], buf, 128);
    assert_wstr_equal(buf, L"Windows 8/2012");
    rule_os_text(&t->rules[2], buf, 128);
    assert_wstr_equal(buf, L"Windows 7/2008 R2");
    rule_os_text(&t->rules[4], buf, 128);
    assert_wstr_equal(buf, L"up to Windows Vista/2008");
    rule_os_text(&target_find(L"buslogic")->rules[1], buf, 128);
    assert_wstr_equal(buf, L"Windows 2000/XP/2003, x64");
    assert_true(rule_covers(&t->rules[0], GEN_NT62, ARCH_X64, 10, 0));
    assert_true(rule_covers(&t->rules[0], GEN_NT62, ARCH_X86, 6, 3));
    assert_false(rule_covers(&t->rules[0], GEN_NT62, ARCH_X64, 6, 2));
    assert_false(rule_covers(&t->rules[2], GEN_NT6, ARCH_X64, 6, 0));
    assert_false(rule_covers(&t->rules[1], GEN_NT62, ARCH_X64, 6, 3));
    assert_false(rule_covers(&t->rules[4], GEN_NT6, ARCH_X64, 6, 1));
}

/* ---- hyperv ---- */

static void hyperv_is_vmbus_and_storvsc_and_storflt_where_present(void **state)
{
    const struct target *t = target_find(L"hyperv");
    struct plan *p = plan_new();
    /* 2012 R2 with storflt: three services boot-start, StartOverride gone from storvsc */
    struct machine *m = server(6, 3, ARCH_X64, 2);
    inbox_present(m, L"vmbus.sys");
    inbox_present(m, L"storvsc.sys");
    inbox_present(m, L"vmstorfl.sys");
    start_override(m, L"ControlSet002", L"storvsc");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    static const wchar_t *const svcs[] = { L"vmbus", L"storvsc", L"storflt" };
    for (int i = 0; i < 3; i++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, P2V_KEY_MAX, L"SYSTEM\\ControlSet001\\Services\\%ls", svcs[i]);
        const struct change *c = find_change(p, key, L"Start");
        if (!c)
            fail_msg("no Start for %ls", svcs[i]);
        assert_int_equal(dword_of(&c->new), 0);
        /* no PCI ID, so no PnpInterface */
        wcscat(key, L"\\Parameters\\PnpInterface");
        assert_null(find_change(p, key, L"5"));
    }
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\storvsc\\StartOverride", L""));
    machine_free(m);

    /* 2008 R2 without storflt: left alone, no problem; no CriticalDeviceDatabase key */
    m = server(6, 1, ARCH_X64, 2);
    inbox_present(m, L"vmbus.sys");
    inbox_present(m, L"storvsc.sys");
    struct machine_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    wcscpy(f->name, L"vmstorfl.sys");
    f->dst_status = PE_MISSING;
    f->src_status = PE_MISSING;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\storvsc", L"Start"));
    for (size_t i = 0; i < p->n_changes; i++) {
        assert_null(wcsstr(p->changes[i].key, L"storflt"));
        assert_null(wcsstr(p->changes[i].key, L"CriticalDeviceDatabase"));
    }
    /* the probe is asked for storflt, even where an earlier probe found it missing (the
     * read-back after apply probes the same machine again) */
    struct requirements *r = requirements_new();
    plan_requirements(m, &t, 1, r);
    BOOL asked = FALSE;
    for (int i = 0; i < r->n_files; i++)
        asked |= !wcscmp(r->files[i].name, L"vmstorfl.sys");
    assert_true(asked);
    requirements_free(r);
    plan_free(p);
    machine_free(m);
}

/* Shaped like the Windows 8.1 x64 SYSTEM hive of a real install (shared/realhives): storflt's
 * ImagePath is system32\DRIVERS\vmstorfl.sys, its Start 0, and a StartOverride "0" = 3 stops
 * it on Hyper-V. The file is the one the ImagePath of the current set names, whatever the
 * table says: here the current set (2) names hvstor.sys, set 1 an older file, and no file of
 * the table's name exists. */
static struct machine *storflt_machine(const wchar_t *image1, const wchar_t *image2)
{
    struct machine *m = server(6, 3, ARCH_X64, 2);
    m->select_present[SEL_CURRENT] = TRUE;
    m->select[SEL_CURRENT] = 2;
    inbox_present(m, L"vmbus.sys");
    inbox_present(m, L"storvsc.sys");
    const wchar_t *images[] = { image1, image2 };
    for (int s = 1; s <= 2; s++) {
        wchar_t key[P2V_KEY_MAX], set[16];
        wfmt(set, 16, L"ControlSet%03d", s);
        wfmt(key, P2V_KEY_MAX, L"SYSTEM\\%ls\\Services\\storflt", set);
        regval_sz(&machine_add_value(m, key, L"ImagePath")->v, REG_EXPAND_SZ, images[s - 1]);
        regval_dword(&machine_add_value(m, key, L"Start")->v, 0);
        start_override(m, set, L"storflt");
    }
    return m;
}

static BOOL asks_for(const struct machine *m, const struct target *t, const wchar_t *file)
{
    struct requirements *r = requirements_new();
    plan_requirements(m, &t, 1, r);
    BOOL asked = FALSE;
    for (int i = 0; i < r->n_files; i++)
        asked |= !_wcsicmp(r->files[i].name, file);
    requirements_free(r);
    return asked;
}

static void storflt_is_the_file_its_image_path_names(void **state)
{
    const struct target *t = target_find(L"hyperv");
    struct plan *p = plan_new();
    /* the real hive's shape */
    struct machine *m = storflt_machine(L"system32\\DRIVERS\\vmstorfl.sys", L"system32\\DRIVERS\\vmstorfl.sys");
    inbox_present(m, L"vmstorfl.sys");
    assert_true(asks_for(m, t, L"vmstorfl.sys"));
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet001\\Services\\storflt\\StartOverride", L""));
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\storflt\\StartOverride", L""));
    /* ImagePath and Start are Windows' own */
    assert_null(find_change(p, L"SYSTEM\\ControlSet001\\Services\\storflt", L"ImagePath"));
    assert_null(find_change(p, L"SYSTEM\\ControlSet001\\Services\\storflt", L"Start"));
    machine_free(m);

    /* a file the table does not name: the current set's ImagePath decides */
    m = storflt_machine(L"\\SystemRoot\\System32\\drivers\\oldflt.sys", L"\\SystemRoot\\System32\\drivers\\hvstor.sys");
    inbox_present(m, L"hvstor.sys");
    struct machine_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    wcscpy(f->name, L"vmstorfl.sys");
    f->dst_status = f->src_status = PE_MISSING;
    assert_true(asks_for(m, t, L"hvstor.sys"));
    assert_false(asks_for(m, t, L"vmstorfl.sys"));
    assert_false(asks_for(m, t, L"oldflt.sys"));
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet002\\Services\\storflt\\StartOverride", L""));
    machine_free(m);

    /* no key anywhere: the table's name, and a missing file leaves storflt alone */
    m = server(6, 3, ARCH_X64, 2);
    inbox_present(m, L"vmbus.sys");
    inbox_present(m, L"storvsc.sys");
    assert_true(asks_for(m, t, L"vmstorfl.sys"));
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    for (size_t i = 0; i < p->n_changes; i++)
        assert_null(wcsstr(p->changes[i].key, L"storflt"));
    plan_free(p);
    machine_free(m);
}

/* Which ImagePath values name a driver file, and which count as absent. */
static void image_paths_name_a_driver_file_or_nothing(void **state)
{
    static const struct { const wchar_t *image; const wchar_t *file; } cases[] = {
        { L"system32\\DRIVERS\\vmstorfl.sys", L"vmstorfl.sys" },
        { L"\\SystemRoot\\system32\\drivers\\storvsc.sys", L"storvsc.sys" },
        { L"System32\\drivers\\vmbus.sys", L"vmbus.sys" },
        { L"%SystemRoot%\\System32\\Drivers\\LSI_SAS.SYS", L"LSI_SAS.SYS" },
        { L"\\??\\C:\\Windows\\system32\\drivers\\x.sys", L"x.sys" },
        { L"system32\\drivers\\vendor\\x.sys", NULL },    /* another folder */
        { L"mysystem32\\drivers\\x.sys", NULL },
        { L"system32\\drivers\\..\\x.sys", NULL },
        { L"system32\\drivers\\x.dll", NULL },
        { L"system32\\drivers\\.sys", NULL },
        { L"system32\\drivers\\a:b.sys", NULL },
        { L"vmstorfl.sys", NULL },
        { L"", NULL },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        struct regval v;
        wchar_t out[64] = L"";
        regval_sz(&v, REG_EXPAND_SZ, cases[i].image);
        BOOL ok = service_image_file(&v, out, COUNTOF(out));
        if (ok != (cases[i].file != NULL))
            fail_msg("%ls: %ls", cases[i].image, ok ? out : L"refused");
        if (ok)
            assert_wstr_equal(out, cases[i].file);
    }
    struct regval v;
    regval_dword(&v, 1);
    wchar_t out[64];
    assert_false(service_image_file(&v, out, COUNTOF(out)));
    v.present = FALSE;
    assert_false(service_image_file(NULL, out, COUNTOF(out)));
}

static void hyperv_refusals_name_the_way_out(void **state)
{
    const struct target *t = target_find(L"hyperv");
    struct plan *p = plan_new();
    struct machine *m = server(5, 2, ARCH_X86, 1);
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_contains(p->problems[0].message, L"--target ide");
    machine_free(m);
    /* 2008 without the Integration Services */
    m = server(6, 0, ARCH_X64, 1);
    inbox_present(m, L"vmstorfl.sys");
    struct machine_file *f = &m->files[m->n_files++];
    memset(f, 0, sizeof *f);
    wcscpy(f->name, L"vmbus.sys");
    f->dst_status = PE_MISSING;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_int_equal(p->n_changes, 0);
    assert_wstr_contains(p->problems[0].message, L"Integration Services");
    plan_free(p);
    machine_free(m);
}

/* ---- xen ---- */

static void xen_takes_the_vendor_drivers_with_their_ids(void **state)
{
    const struct target *t = target_find(L"xen");
    struct plan *p = plan_new();
    struct machine *m = server(5, 2, ARCH_X86, 2);
    payload_ok(m, L"xenbus.sys");
    payload_ok(m, L"xenfilt.sys");
    payload_ok(m, L"xenvbd.sys");
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_kind(p, CHANGE_FILE), 3);
    const struct change *c = find_change(p,
        L"SYSTEM\\ControlSet002\\Control\\CriticalDeviceDatabase\\xenbus#ven_xs0001&dev_vbd&rev_00000001", L"Service");
    assert_non_null(c);
    assert_wstr_equal((const wchar_t *)c->new.data, L"xenvbd");
    c = find_change(p, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_5853&dev_0001", L"Service");
    assert_non_null(c);
    assert_wstr_equal((const wchar_t *)c->new.data, L"xenbus");
    c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\xenfilt", L"Group");
    assert_non_null(c);
    assert_wstr_equal((const wchar_t *)c->new.data, L"Boot Bus Extender");
    machine_free(m);

    /* Windows 8 and later: both packages staged, files copied, no CriticalDeviceDatabase */
    m = server(10, 0, ARCH_X64, 1);
    payload_ok(m, L"xenbus.sys");
    payload_ok(m, L"xenfilt.sys");
    payload_ok(m, L"xenvbd.sys");
    static const wchar_t *const infs[] = { L"xenbus.inf", L"xenvbd.inf" };
    for (int i = 0; i < 2; i++) {
        struct machine_package *pkg = &m->packages[m->n_packages++];
        memset(pkg, 0, sizeof *pkg);
        wcscpy(pkg->name, infs[i]);
        wfmt(pkg->inf, MAX_PATH, L"E:\\payload\\amd64\\%ls", infs[i]);
        pkg->catalog_present = TRUE;
        pkg->inf_sig.state = SIG_VALID;
        pkg->inf_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    }
    for (int i = 0; i < m->n_files; i++) {
        m->files[i].cat_sig.state = SIG_VALID;
        m->files[i].cat_sig.kernel = TRUE;   /* a Microsoft root, or cross-signed */
    }
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_kind(p, CHANGE_STAGE), 2);
    for (size_t i = 0; i < p->n_changes; i++)
        assert_null(wcsstr(p->changes[i].key, L"CriticalDeviceDatabase"));
    /* one package missing: exit 3 naming it */
    m->packages[1].inf[0] = 0;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 3);
    assert_wstr_contains(problem_with(p, L"package-missing")->message, L"xenvbd.inf");
    plan_free(p);
    machine_free(m);
}

/* ---- settings: SanPolicy and AutoReboot ---- */

static size_t count_named(const struct plan *p, const wchar_t *name)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_changes; i++)
        n += !wcscmp(p->changes[i].name, name);
    return n;
}

static struct machine *hyperv_2012r2(int n_sets)
{
    struct machine *m = server(6, 3, ARCH_X64, n_sets);
    inbox_present(m, L"vmbus.sys");
    inbox_present(m, L"storvsc.sys");
    inbox_present(m, L"vmstorfl.sys");
    return m;
}

/* hyperv and nvme turn data disks online in every set unless told to keep the policy;
 * other targets only when asked. A set already at 1 is left alone. */
static void san_policy_online_by_default_for_hyperv_and_nvme(void **state)
{
    const struct target *hv = target_find(L"hyperv");
    struct plan *p = plan_new();
    struct machine *m = hyperv_2012r2(3);
    regval_dword(&machine_add_value(m, L"SYSTEM\\ControlSet001\\Services\\partmgr\\Parameters",
                                    L"SanPolicy")->v, 2);
    regval_dword(&machine_add_value(m, L"SYSTEM\\ControlSet003\\Services\\partmgr\\Parameters",
                                    L"SanPolicy")->v, 1);
    plan_make(m, &hv, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(count_named(p, L"SanPolicy"), 2);
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet001\\Services\\partmgr\\Parameters", L"SanPolicy");
    assert_non_null(c);
    assert_int_equal(dword_of(&c->old), 2);
    assert_int_equal(dword_of(&c->new), 1);
    assert_ptr_equal(c->target, hv);
    c = find_change(p, L"SYSTEM\\ControlSet002\\Services\\partmgr\\Parameters", L"SanPolicy");
    assert_non_null(c);
    assert_false(c->old.present);
    /* the probe is asked for it */
    struct requirements *r = requirements_new();
    plan_requirements(m, &hv, 1, r);
    size_t asked = 0;
    for (size_t i = 0; i < r->n_wants; i++)
        asked += !wcscmp(r->wants[i].name, L"SanPolicy");
    assert_int_equal(asked, 3);
    /* ... and not with keep */
    r->policy.san_policy = SAN_KEEP;
    plan_requirements(m, &hv, 1, r);
    for (size_t i = 0; i < r->n_wants; i++)
        assert_int_not_equal(wcscmp(r->wants[i].name, L"SanPolicy"), 0);
    requirements_free(r);
    p->policy.san_policy = SAN_KEEP;
    plan_make(m, &hv, 1, p);
    assert_int_equal(count_named(p, L"SanPolicy"), 0);
    machine_free(m);

    /* lsisas1068 on 2008 R2: only when asked */
    const struct target *t = target_find(L"lsisas1068");
    m = server(6, 1, ARCH_X64, 2);
    inbox_present(m, L"lsi_sas.sys");
    everything_present(m, t);
    p->policy.san_policy = SAN_DEFAULT;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 0);
    p->policy.san_policy = SAN_ONLINE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 2);
    assert_int_equal(count_named(p, L"SanPolicy"), 2);
    plan_free(p);
    machine_free(m);
}

/* 2000/XP/2003 have no SAN policy: asked for explicitly, refused; by default, nothing. */
static void san_policy_on_nt5_is_refused_when_asked(void **state)
{
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    struct machine *m = server(5, 2, ARCH_X86, 2);
    payload_ok(m, L"symmpi.sys");
    p->policy.san_policy = SAN_ONLINE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 2);
    assert_wstr_contains(problem_with(p, L"san-policy-unsupported")->message, L"Windows 2003");
    assert_int_equal(count_named(p, L"SanPolicy"), 0);
    p->policy.san_policy = SAN_DEFAULT;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->blocking_exit, 0);
    assert_int_equal(count_named(p, L"SanPolicy"), 0);
    plan_free(p);
    machine_free(m);
}

/* --crash-visible: AutoReboot = 0 in every set, any generation, only where it is not. */
static void crash_visible_sets_auto_reboot_in_every_set(void **state)
{
    const struct target *t = lsilogic();
    struct plan *p = plan_new();
    struct machine *m = server(5, 0, ARCH_X86, 3);
    payload_ok(m, L"symmpi.sys");
    everything_present(m, t);
    m->files[0].dst_status = PE_OK;
    m->files[0].dst_same = TRUE;
    regval_dword(&machine_add_value(m, L"SYSTEM\\ControlSet002\\Control\\CrashControl", L"AutoReboot")->v, 0);
    regval_dword(&machine_add_value(m, L"SYSTEM\\ControlSet003\\Control\\CrashControl", L"AutoReboot")->v, 1);
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_changes, 0);
    p->policy.crash_visible = TRUE;
    plan_make(m, &t, 1, p);
    assert_int_equal(p->n_problems, 0);
    assert_int_equal(p->n_changes, 2);
    const struct change *c = find_change(p, L"SYSTEM\\ControlSet003\\Control\\CrashControl", L"AutoReboot");
    assert_non_null(c);
    assert_int_equal(dword_of(&c->old), 1);
    assert_int_equal(dword_of(&c->new), 0);
    assert_int_equal(c->new.type, REG_DWORD);
    assert_non_null(find_change(p, L"SYSTEM\\ControlSet001\\Control\\CrashControl", L"AutoReboot"));
    plan_free(p);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nt5_fresh_server_gets_every_entry_in_every_set),
        cmocka_unit_test(complete_machine_needs_nothing),
        cmocka_unit_test(disabled_and_wrong_typed_values_are_corrected_alone),
        cmocka_unit_test(strings_match_without_case),
        cmocka_unit_test(missing_payload_blocks_with_places_and_advice),
        cmocka_unit_test(wrong_architecture_payload_blocks),
        cmocka_unit_test(installed_driver_counts_when_the_payload_is_not_at_hand),
        cmocka_unit_test(nt6_inbox_service_keeps_its_own_values),
        cmocka_unit_test(inbox_service_keeps_each_of_its_values),
        cmocka_unit_test(nt62_removes_start_override_in_every_set_and_on_the_bus),
        cmocka_unit_test(nt62_without_inbox_driver_takes_the_payload_package),
        cmocka_unit_test(unsigned_driver_on_x64_vista_and_later_is_refused_unless_allowed),
        cmocka_unit_test(a_signature_must_be_one_windows_accepts),
        cmocka_unit_test(a_signature_for_programs_is_not_one_for_the_kernel),
        cmocka_unit_test(the_kernels_roots_are_microsofts),
        cmocka_unit_test(a_catalog_signs_only_what_it_lists),
        cmocka_unit_test(win_verify_trust_answers_are_classified),
        cmocka_unit_test(refusals_name_the_reason),
        cmocka_unit_test(nt5_ide_takes_missing_inbox_files_from_the_cabinet),
        cmocka_unit_test(no_control_sets_is_refused),
        cmocka_unit_test(nt4_is_refused),
        cmocka_unit_test(more_control_sets_than_handled_are_refused_not_cut),
        cmocka_unit_test(nvme_on_81_is_inbox_stornvme_without_start_override),
        cmocka_unit_test(nvme_on_8_is_refused),
        cmocka_unit_test(nvme_on_7_needs_the_update),
        cmocka_unit_test(nvme_before_7_is_refused),
        cmocka_unit_test(rule_os_text_names_versions),
        cmocka_unit_test(hyperv_is_vmbus_and_storvsc_and_storflt_where_present),
        cmocka_unit_test(storflt_is_the_file_its_image_path_names),
        cmocka_unit_test(image_paths_name_a_driver_file_or_nothing),
        cmocka_unit_test(hyperv_refusals_name_the_way_out),
        cmocka_unit_test(xen_takes_the_vendor_drivers_with_their_ids),
        cmocka_unit_test(san_policy_online_by_default_for_hyperv_and_nvme),
        cmocka_unit_test(san_policy_on_nt5_is_refused_when_asked),
        cmocka_unit_test(crash_visible_sets_auto_reboot_in_every_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
