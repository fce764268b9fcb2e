/* Journal replay: records written to disk, read back, and undone through the backend
 * interface against an in-memory machine — the registry and files exactly as before. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "backend.h"
#include "engine.h"
#include "counted.h"
#include "journal.h"
#include "scratch.h"
#include "text.h"
#include "wassert.h"
#include "mem_backend.h"

#define SVC L"SYSTEM\\ControlSet002\\Services\\symmpi"
#define LSI L"SYSTEM\\ControlSet002\\Services\\LSI_SAS"
#define DRV L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys"
#define OLD L"C:\\WINDOWS\\system32\\drivers\\lsi_sas.sys"

static wchar_t dir[MAX_PATH];

/* Before: ControlSet002 with LSI_SAS (Start 3, StartOverride 0=3) and an old lsi_sas.sys. */
static void before_state(struct mem_machine *m)
{
    mem_free(m);   /* empty, whatever it held */
    struct backend b = mem_backend(m);
    struct regval v;
    b.create_key(m, L"SYSTEM\\ControlSet002");
    b.create_key(m, L"SYSTEM\\ControlSet002\\Services");
    b.create_key(m, LSI);
    b.create_key(m, LSI L"\\StartOverride");
    regval_dword(&v, 3);
    b.set_value(m, LSI, L"Start", &v);
    b.set_value(m, LSI L"\\StartOverride", L"0", &v);
    b.write_file(m, OLD, (const BYTE *)"old driver", 10);
}

/* What an apply would record, written to a journal on disk and read back. */
static struct jentry *journal_of_an_apply(struct mem_machine *m, size_t *n, wchar_t *path)
{
    struct journal j;
    struct jentry e[8];
    struct regval v;
    memset(e, 0, sizeof e);
    e[0].kind = J_KEY;          wcscpy(e[0].key, SVC);
    e[1].kind = J_VALUE;        wcscpy(e[1].key, SVC); wcscpy(e[1].name, L"Start");
    e[2].kind = J_VALUE;        wcscpy(e[2].key, LSI); wcscpy(e[2].name, L"Start");
    regval_dword(&e[2].old, 3);
    e[3].kind = J_VALUE;        wcscpy(e[3].key, LSI L"\\StartOverride"); wcscpy(e[3].name, L"0");
    regval_dword(&e[3].old, 3);
    e[4].kind = J_KEY_DELETED;  wcscpy(e[4].key, LSI L"\\StartOverride");
    e[5].kind = J_FILE;         wcscpy(e[5].key, DRV);
    e[6].kind = J_FILE;         wcscpy(e[6].key, OLD);
    wfmt(e[6].backup, MAX_PATH, L"%ls\\old-lsi_sas.sys", dir);
    struct backend disk;
    backend_win32_init(&disk, FALSE);
    assert_int_equal(journal_begin(&j, &disk, dir, L"C:\\WINDOWS", L"TEST\tapply"), ERROR_SUCCESS);
    for (int i = 0; i < 7; i++)
        assert_int_equal(journal_add(&j, &e[i]), ERROR_SUCCESS);
    wcscpy(path, j.path);
    journal_end(&j, L"ok");

    /* ... and the machine as that apply left it */
    struct backend b = mem_backend(m);
    b.create_key(m, SVC);
    regval_dword(&v, 0);
    b.set_value(m, SVC, L"Start", &v);
    b.set_value(m, LSI, L"Start", &v);
    b.delete_value(m, LSI L"\\StartOverride", L"0");
    b.delete_key(m, LSI L"\\StartOverride");
    b.write_file(m, DRV, (const BYTE *)"symmpi", 6);
    b.write_file(m, e[6].backup, (const BYTE *)"old driver", 10);   /* the copy kept aside */
    b.write_file(m, OLD, (const BYTE *)"new driver", 10);

    struct jentry *loaded;
    wchar_t status[32];
    assert_int_equal(journal_load(&disk, path, &loaded, n, status, 32), ERROR_SUCCESS);
    assert_int_equal(*n, 7);
    journal_resolve(loaded, *n, L"C:\\WINDOWS", NULL);
    return loaded;
}

/* A fresh, empty folder per test (the agent's own scratch folders), removed after. */
static int make_dir(void **state)
{
    return scratch_dir_create(NULL, L"replaytest", dir, MAX_PATH) ? 0 : -1;
}

static int drop_dir(void **state)
{
    scratch_dir_remove(dir);
    return 0;
}

static struct run run_on(struct backend *b)
{
    struct run r;
    memset(&r, 0, sizeof r);
    r.b = b;
    r.m = machine_new();
    wcscpy(r.m->sets[r.m->n_sets++], L"ControlSet002");
    wcscpy(r.m->os.systemroot, L"C:\\WINDOWS");
    return r;
}

static void replay_restores_everything_exactly(void **state)
{
    struct mem_machine *m = calloc(1, sizeof *m);
    wchar_t path[MAX_PATH];
    size_t n;
    before_state(m);
    wchar_t *before = mem_picture(m);
    struct jentry *entries = journal_of_an_apply(m, &n, path);
    /* the backup copy lives in the state folder, not part of the "before" machine */
    wchar_t *applied = mem_picture(m);
    assert_true(wcscmp(before, applied) != 0);

    struct backend b = mem_backend(m);
    struct run r = run_on(&b);
    assert_int_equal(engine_undo(&r, entries, n), 0);
    /* replaying every record again is harmless: each is already in its "before" state */
    wchar_t *once = mem_picture(m);
    assert_int_equal(engine_undo(&r, entries, n), 0);
    wchar_t *twice = mem_picture(m);
    assert_wstr_equal(once, twice);
    free(once);
    free(twice);
    b.delete_file(b.ctx, entries[6].backup);
    wchar_t *after = mem_picture(m);
    if (wcscmp(before, after))
        fail_msg("before:\n%ls\nafter:\n%ls", before, after);
    machine_free(r.m);
    free(entries);
    free(before);
    free(applied);
    free(after);
    mem_free(m);
    free(m);
}

static void an_undo_that_cannot_be_done_is_counted(void **state)
{
    struct mem_machine *m = calloc(1, sizeof *m);
    wchar_t path[MAX_PATH];
    size_t n;
    before_state(m);
    struct jentry *entries = journal_of_an_apply(m, &n, path);
    m->fail_delete_key = 3;   /* the created key, and its Enum retry, refuse */
    struct backend b = mem_backend(m);
    struct run r = run_on(&b);
    assert_int_equal(engine_undo(&r, entries, n), 1);
    machine_free(r.m);
    free(entries);
    mem_free(m);
    free(m);
}

/* The counting backend counts what changes the machine, each call once, reads and flushes
 * never, and passes every call to the machine underneath with that machine's context. */
static void the_counting_backend_counts_writes_only(void **state)
{
    struct mem_machine *m = calloc(1, sizeof *m);
    struct backend inner = mem_backend(m);
    struct counted_backend c;
    backend_counted_init(&c, &inner);
    const struct backend *b = &c.self;
    struct regval v, got;
    regval_dword(&v, 7);
    assert_int_equal(b->create_key(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x"), ERROR_SUCCESS);
    assert_int_equal(b->set_value(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x", L"Start", &v), ERROR_SUCCESS);
    assert_int_equal(c.writes, 2);
    assert_int_equal(b->read_value(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x", L"Start", &got), ERROR_SUCCESS);
    assert_true(got.present && regval_equal(&got, &v));   /* reached the machine underneath */
    b->key_exists(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x");
    b->flush_key(b->ctx, L"SYSTEM\\ControlSet001");
    assert_int_equal(c.writes, 2);
    b->delete_value(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x", L"Start");
    b->delete_key(b->ctx, L"SYSTEM\\ControlSet001\\Services\\x");
    b->write_file(b->ctx, L"C:\\x.sys", (const BYTE *)"MZ", 2);
    b->delete_file(b->ctx, L"C:\\x.sys");
    b->unstage_inf(b->ctx, L"oem1.inf");
    assert_int_equal(c.writes, 7);
    mem_free(m);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(replay_restores_everything_exactly, make_dir, drop_dir),
        cmocka_unit_test_setup_teardown(an_undo_that_cannot_be_done_is_counted, make_dir, drop_dir),
        cmocka_unit_test(the_counting_backend_counts_writes_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
