/* --retire on SYSTEM hives taken from real installs (shared/realhives): what the probe reads
 * of them (tests/realhives/snapshot.py, the hive's own bytes) stands in an in-memory machine,
 * and the engine's probes and the planner run over it as over a live registry. On each:
 * every control set's services and filter lists as the hive says, the boot guard, and then
 * apply (each change written), a rerun that plans nothing, and a rollback (each old value
 * written back) that leaves every key and value byte for byte as the hive had it.
 *   a VirtualBox Windows 8.1 x64 guest: the Guest Additions, VBoxMouse before mouclass in the
 *     mouse class's UpperFilters, and Windows' own Hyper-V drivers (kept);
 *   a VMware Windows 7 SP1 x86 guest on Windows' LSI_SAS: old VMware Tools, VMMouse named as
 *     the PS/2 mouse device's own filter (kept), vmrawdsk disabled already;
 *   a physical Windows XP SP3 machine: nothing of any platform.
 * The argument is the folder of the snapshots; without it the test says so and passes only
 * where the hives are not there (a copy of the repository without shared/). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "mem_backend.h"
#include "platforms.h"
#include "plan.h"
#include "probe.h"
#include "text.h"
#include "wassert.h"

static wchar_t folder[MAX_PATH];

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The snapshot file name (in folder) into m. */
static void load(struct mem_machine *m, const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    wfmt(path, MAX_PATH, L"%ls\\%ls.txt", folder, name);
    FILE *f = _wfopen(path, L"rb");
    if (!f)
        fail_msg("no snapshot %ls", path);
    static char line[65536];
    int values = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *field[5] = { line };
        int n = 1;
        for (char *t = line; *t && n < 5; t++)
            if (*t == '\t') {
                *t = 0;
                field[n++] = t + 1;
            }
        wchar_t *key = wide_from_utf8(field[1], -1);
        if (line[0] == 'K' && n == 2) {
            mem_key(m, key);
        } else if (line[0] == 'V' && n == 5) {
            wchar_t *vname = wide_from_utf8(field[2], -1);
            static BYTE data[32768];
            size_t len = strlen(field[4]) / 2;
            assert_true(len <= sizeof data);
            for (size_t i = 0; i < len; i++)
                data[i] = (BYTE)(hexval(field[4][2 * i]) << 4 | hexval(field[4][2 * i + 1]));
            mem_raw(m, key, vname, (DWORD)atoi(field[3]), data, (DWORD)len);
            free(vname);
            values++;
        } else {
            fail_msg("%ls: a line that is not a snapshot's", path);
        }
        free(key);
    }
    fclose(f);
    assert_true(values > 100);
}

struct outcome {
    struct machine *m;
    struct plan *p;
};

/* What the engine's survey does for --retire, over b. */
static struct outcome survey(const struct backend *b, const struct os_info *os, const wchar_t *platforms)
{
    struct outcome o = { machine_new(), plan_new() };
    struct requirements *r = requirements_new();
    o.m->os = *os;
    wchar_t buf[64];
    wcopy(buf, COUNTOF(buf), platforms);
    for (wchar_t *tok = buf, *next; tok; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        o.p->policy.retire[o.p->policy.n_retire++] = platform_find(tok);
    }
    assert_int_equal(probe_control_sets(b, o.m), ERROR_SUCCESS);
    assert_int_equal(probe_retire(b, o.m, &o.p->policy), ERROR_SUCCESS);
    r->policy = o.p->policy;
    plan_requirements(o.m, NULL, 0, r);
    assert_false(r->overflow);
    assert_int_equal(probe_values(b, o.m, r), ERROR_SUCCESS);
    requirements_free(r);
    plan_make(o.m, NULL, 0, o.p);
    return o;
}

static void done(struct outcome *o)
{
    plan_free(o->p);
    machine_free(o->m);
}

static const struct retire_item *item(const struct plan *p, const wchar_t *name)
{
    for (size_t i = 0; i < p->n_retired; i++)
        if (!_wcsicmp(p->retired[i].name, name))
            return &p->retired[i];
    return NULL;
}

static const struct change *change_at(const struct plan *p, const wchar_t *key, const wchar_t *name)
{
    for (size_t i = 0; i < p->n_changes; i++)
        if (!_wcsicmp(p->changes[i].key, key) && !_wcsicmp(p->changes[i].name, name))
            return &p->changes[i];
    return NULL;
}

/* apply, rerun, rollback over the machine: returns how many changes apply made. */
static size_t apply_rerun_rollback(struct mem_machine *mm, const struct os_info *os, const wchar_t *platforms)
{
    struct backend b = mem_backend(mm);
    wchar_t *before = mem_picture(mm);
    struct outcome o = survey(&b, os, platforms);
    assert_int_equal(o.p->blocking_exit, 0);
    size_t n = o.p->n_changes;
    for (size_t i = 0; i < n; i++) {
        const struct change *c = &o.p->changes[i];
        assert_int_equal(c->kind, CHANGE_VALUE);
        assert_null(c->target);
        assert_non_null(c->platform);
        assert_int_equal(b.set_value(b.ctx, c->key, c->name, &c->new), ERROR_SUCCESS);
    }
    struct outcome again = survey(&b, os, platforms);
    assert_int_equal(again.p->n_changes, 0);
    for (size_t i = 0; i < again.p->n_retired; i++)
        assert_int_not_equal(again.p->retired[i].state, RETIRE_DISABLE);
    done(&again);
    for (size_t i = n; i-- > 0;)
        assert_int_equal(b.set_value(b.ctx, o.p->changes[i].key, o.p->changes[i].name, &o.p->changes[i].old),
                         ERROR_SUCCESS);
    wchar_t *after = mem_picture(mm);
    assert_wstr_equal(before, after);
    free(before);
    free(after);
    done(&o);
    return n;
}

static void virtualbox_81_guest(void **state)
{
    struct mem_machine mm;
    memset(&mm, 0, sizeof mm);
    load(&mm, L"regipy-Win81x64-SYSTEM");
    struct os_info os = { .major = 6, .minor = 3, .build = 9600, .arch = ARCH_X64 };
    wcscpy(os.systemroot, L"C:\\Windows");
    struct backend b = mem_backend(&mm);
    struct outcome o = survey(&b, &os, L"virtualbox");
    assert_int_equal(o.m->n_sets, 1);
    assert_true(o.m->n_classes > 40);
    /* five services and the mouse class's list, in the hive's one control set */
    assert_int_equal(o.p->n_changes, 6);
    static const wchar_t *const off[] = { L"VBoxGuest", L"VBoxMouse", L"VBoxSF", L"VBoxService", L"VBoxVideoW8" };
    for (size_t i = 0; i < COUNTOF(off); i++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet001\\Services\\%ls", off[i]);
        const struct change *c = change_at(o.p, key, L"Start");
        if (!c)
            fail_msg("%ls is not retired", off[i]);
        assert_int_equal(item(o.p, off[i])->state, RETIRE_DISABLE);
    }
    const struct change *mouse = change_at(o.p, L"SYSTEM\\ControlSet001\\Control\\Class\\{4d36e96f-e325-11ce-bfc1-08002be10318}",
                                           L"UpperFilters");
    assert_non_null(mouse);
    assert_int_equal(mouse->old.size, 20 * sizeof(wchar_t));
    assert_memory_equal(mouse->old.data, L"VBoxMouse\0mouclass\0", 20 * sizeof(wchar_t));
    assert_int_equal(mouse->new.size, 10 * sizeof(wchar_t));
    assert_memory_equal(mouse->new.data, L"mouclass\0", 10 * sizeof(wchar_t));
    done(&o);

    /* Hyper-V's drivers are Windows' own here: kept; its integration services go */
    o = survey(&b, &os, L"hyperv");
    assert_int_equal(item(o.p, L"vmbus")->state, RETIRE_GUARDED);
    assert_int_equal(item(o.p, L"storvsc")->state, RETIRE_GUARDED);
    assert_int_equal(item(o.p, L"storflt")->state, RETIRE_GUARDED);
    assert_non_null(change_at(o.p, L"SYSTEM\\ControlSet001\\Services\\vmicheartbeat", L"Start"));
    assert_null(change_at(o.p, L"SYSTEM\\ControlSet001\\Services\\vmbus", L"Start"));
    done(&o);

    assert_int_equal(apply_rerun_rollback(&mm, &os, L"virtualbox"), 6);
    size_t n = apply_rerun_rollback(&mm, &os, L"virtualbox,hyperv");
    print_message("Windows 8.1 VirtualBox guest: virtualbox,hyperv: %u changes made and undone\n", (unsigned)n);
    mem_free(&mm);
}

static void vmware_7_guest(void **state)
{
    struct mem_machine mm;
    memset(&mm, 0, sizeof mm);
    load(&mm, L"regipy-Win7SP1x86-orig-SYSTEM");
    struct os_info os = { .major = 6, .minor = 1, .build = 7601, .arch = ARCH_X86 };
    wcscpy(os.systemroot, L"C:\\Windows");
    struct backend b = mem_backend(&mm);
    struct outcome o = survey(&b, &os, L"vmware");
    assert_int_equal(o.m->n_sets, 2);
    /* the PS/2 mouse names VMMouse as its own filter: vmmouse stays */
    const struct retire_item *mouse = item(o.p, L"vmmouse");
    assert_non_null(mouse);
    assert_int_equal(mouse->state, RETIRE_GUARDED);
    assert_wstr_contains(mouse->why, L"PNP0F13");
    assert_int_equal(item(o.p, L"vmrawdsk")->state, RETIRE_OFF);
    /* VMware Tools' service in every set that has it */
    for (int s = 1; s <= 2; s++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\services\\VMTools", s);
        assert_non_null(change_at(o.p, key, L"Start"));
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03d\\services\\vmci", s);
        assert_non_null(change_at(o.p, key, L"Start"));
    }
    /* Windows' LSI_SAS, which it boots on, and every class list are not touched */
    for (size_t i = 0; i < o.p->n_changes; i++) {
        assert_null(wcsstr(o.p->changes[i].key, L"LSI_SAS"));
        assert_wstr_equal(o.p->changes[i].name, L"Start");
    }
    print_message("Windows 7 VMware guest: %u found, %u changes\n", (unsigned)o.p->n_retired,
                  (unsigned)o.p->n_changes);
    done(&o);
    assert_true(apply_rerun_rollback(&mm, &os, L"vmware") >= 10);
    mem_free(&mm);
}

static void physical_xp(void **state)
{
    struct mem_machine mm;
    memset(&mm, 0, sizeof mm);
    load(&mm, L"bitcurator-WinXPSP3x86-M57-SYSTEM");
    struct os_info os = { .major = 5, .minor = 1, .build = 2600, .arch = ARCH_X86 };
    wcscpy(os.systemroot, L"C:\\WINDOWS");
    struct backend b = mem_backend(&mm);
    struct outcome o = survey(&b, &os, L"vmware,hyperv,xen,virtualbox,parallels");
    assert_int_equal(o.m->n_sets, 2);
    assert_int_equal(o.p->n_changes, 0);
    assert_int_equal(o.p->n_retired, 0);
    assert_int_equal(o.p->blocking_exit, 0);
    done(&o);
    mem_free(&mm);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_message("no snapshot folder: the real hives (../shared/realhives) were not there at build time\n");
        return 0;
    }
    if (argv[1][0] == '/')
        wfmt(folder, MAX_PATH, L"Z:%hs", argv[1]);
    else
        mbstowcs(folder, argv[1], MAX_PATH - 1);
    for (wchar_t *c = folder; *c; c++)
        if (*c == L'/')
            *c = L'\\';
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(virtualbox_81_guest),
        cmocka_unit_test(vmware_7_guest),
        cmocka_unit_test(physical_xp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
