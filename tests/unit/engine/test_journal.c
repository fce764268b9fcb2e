/* The journal: records written, read back, and the newest live journal found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "journal.h"
#include "scratch.h"
#include "text.h"
#include "wassert.h"

static wchar_t dir[MAX_PATH];
static struct backend disk;

/* A fresh, empty folder per test (the agent's own scratch folders), removed after. */
static int make_dir(void **state)
{
    backend_win32_init(&disk, FALSE);
    return scratch_dir_create(NULL, L"journaltest", dir, MAX_PATH) ? 0 : -1;
}

static int drop_dir(void **state)
{
    scratch_dir_remove(dir);
    return 0;
}

static void write_text(const wchar_t *path, const char *text)
{
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD done;
    WriteFile(f, text, (DWORD)strlen(text), &done, NULL);
    CloseHandle(f);
}

static void sample(struct jentry e[4])
{
    memset(e, 0, 4 * sizeof *e);
    e[0].kind = J_KEY;
    wcscpy(e[0].key, L"SYSTEM\\ControlSet002\\Services\\symmpi");
    e[1].kind = J_VALUE;
    wcscpy(e[1].key, e[0].key);
    wcscpy(e[1].name, L"Start");
    e[2].kind = J_VALUE;
    wcscpy(e[2].key, L"SYSTEM\\ControlSet001\\Services\\symmpi");
    wcscpy(e[2].name, L"Group");
    regval_sz(&e[2].old, REG_SZ, L"SCSI miniport \x00e9t\x00e9");   /* non-ASCII survives */
    e[3].kind = J_FILE;
    wcscpy(e[3].key, L"D:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    wcscpy(e[3].backup, L"D:\\WINDOWS\\p2vprep\\apply-0001\\symmpi.sys");
}

static void records_read_back_exactly(void **state)
{
    struct journal j;
    struct jentry in[4], *out;
    size_t n;
    wchar_t status[32];
    sample(in);
    assert_int_equal(journal_begin(&j, &disk, dir, L"D:\\WINDOWS", L"SRV01\tapply"), ERROR_SUCCESS);
    assert_non_null(wcsstr(j.path, L"apply-0001.journal"));
    for (int i = 0; i < 4; i++)
        assert_int_equal(journal_add(&j, &in[i]), ERROR_SUCCESS);

    /* before the end record, it reads as an apply that never finished */
    assert_int_equal(journal_load(&disk, j.path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_wstr_equal(status, L"incomplete");
    free(out);

    wchar_t path[MAX_PATH];
    wcscpy(path, j.path);
    assert_int_equal(journal_end(&j, L"ok"), ERROR_SUCCESS);
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_wstr_equal(status, L"ok");
    assert_int_equal(n, 4);
    journal_resolve(out, n, L"D:\\WINDOWS", NULL);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(out[i].kind, in[i].kind);
        assert_wstr_equal(out[i].key, in[i].key);
        assert_wstr_equal(out[i].name, in[i].name);
        assert_wstr_equal(out[i].backup, in[i].backup);
        assert_int_equal(out[i].old.present, in[i].old.present);
        assert_int_equal(out[i].old.type, in[i].old.type);
        assert_int_equal(out[i].old.size, in[i].old.size);
        assert_memory_equal(out[i].old.data, in[i].old.data, in[i].old.size);
    }
    free(out);
}

/* SHA-256 against FIPS 180-4's examples, and lengths around the padding boundary. */
static void sha256_matches_the_standard(void **state)
{
    wchar_t hex[SHA256_HEX_LEN + 1];
    sha256_hex("abc", 3, hex);
    assert_wstr_equal(hex, L"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    assert_wstr_equal(hex, L"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";   /* 56 bytes */
    sha256_hex(two, strlen(two), hex);
    assert_wstr_equal(hex, L"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, hex);
    free(million);
    assert_wstr_equal(hex, L"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* A staged package's record keeps the INF's digest; journals without one still load, and a
 * digest that is not 64 lowercase hex digits makes the journal unreadable, not half-read. */
static void staged_records_keep_the_digest(void **state)
{
    struct journal j;
    struct jentry in[2], *out;
    size_t n;
    wchar_t status[32], path[MAX_PATH];
    memset(in, 0, sizeof in);
    in[0].kind = in[1].kind = J_STAGED;
    wcscpy(in[0].name, L"oem12.inf");
    wcscpy(in[0].key, L"E:\\payload\\amd64\\viostor.inf");
    sha256_hex("[Version]", 9, in[0].hash);
    wcscpy(in[1].name, L"oem13.inf");
    wcscpy(in[1].key, L"E:\\payload\\amd64\\vioscsi.inf");   /* no digest, as older versions wrote */
    assert_int_equal(journal_begin(&j, &disk, dir, L"D:\\WINDOWS", L"SRV01\tapply"), ERROR_SUCCESS);
    wcscpy(path, j.path);
    for (int i = 0; i < 2; i++)
        assert_int_equal(journal_add(&j, &in[i]), ERROR_SUCCESS);
    assert_int_equal(journal_end(&j, L"ok"), ERROR_SUCCESS);
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 2);
    for (int i = 0; i < 2; i++) {
        assert_wstr_equal(out[i].name, in[i].name);
        assert_wstr_equal(out[i].key, in[i].key);
        assert_wstr_equal(out[i].hash, in[i].hash);
    }
    free(out);
    static const char *bad[] = { "not-hex", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, JOURNAL_MAGIC "\nstaged\toem1.inf\tE:\\a.inf\t%s\nend\tok\n", bad[i]);
        assert_int_equal(journal_parse(text, strlen(text), &out, &n, status, 32), ERROR_INVALID_DATA);
    }
}

/* The computer a journal was written for, from its "started" line; none from text that has
 * no such line or cuts it short. */
static void the_computer_a_journal_was_written_on(void **state)
{
    wchar_t name[64];
    static const char good[] = JOURNAL_MAGIC "\nstarted\tSRV-01\tapply\nkey\tSYSTEM\\x\n";
    assert_true(journal_written_on(good, sizeof good - 1, name, 64));
    assert_wstr_equal(name, L"SRV-01");
    static const char utf8[] = JOURNAL_MAGIC "\nstarted\tS\xc3\x89RVEUR\tapply\n";
    assert_true(journal_written_on(utf8, sizeof utf8 - 1, name, 64));
    assert_wstr_equal(name, L"S\x00c9RVEUR");
    static const char *bad[] = { JOURNAL_MAGIC "\n", JOURNAL_MAGIC "\nstarted\t", JOURNAL_MAGIC "\nstarted\t\tapply\n",
                                 JOURNAL_MAGIC "\nstarted\tSRV" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(journal_written_on(bad[i], strlen(bad[i]), name, 64));
        assert_int_equal(name[0], 0);
    }
}

/* A journal written from a helper that sees the offline disk as F:\WINDOWS is undone by
 * the booted Windows that sees it as C:\WINDOWS; files elsewhere keep their full path. */
static void files_under_systemroot_are_recorded_relative_to_it(void **state)
{
    struct journal j;
    struct jentry in[4], *out;
    size_t n;
    wchar_t status[32], path[MAX_PATH];
    sample(in);
    wcscpy(in[3].key, L"F:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    wcscpy(in[3].backup, L"F:\\windows\\p2vprep\\apply-0001\\symmpi.sys");   /* any case */
    in[2].kind = J_FILE;
    wcscpy(in[2].key, L"F:\\WINDOWSX\\other.sys");   /* a sibling folder, not under it */
    in[2].backup[0] = 0;
    assert_int_equal(journal_begin(&j, &disk, dir, L"F:\\WINDOWS", L"SRV01\tapply"), ERROR_SUCCESS);
    for (int i = 0; i < 4; i++)
        assert_int_equal(journal_add(&j, &in[i]), ERROR_SUCCESS);
    wcscpy(path, j.path);
    assert_int_equal(journal_end(&j, L"ok"), ERROR_SUCCESS);

    BYTE *raw;
    DWORD size;
    struct backend *b = &disk;
    assert_int_equal(b->read_file(b->ctx, path, &raw, &size), ERROR_SUCCESS);
    raw = realloc(raw, size + 1);
    raw[size] = 0;
    assert_non_null(strstr((char *)raw, "file\t%SystemRoot%\\system32\\drivers\\symmpi.sys\t"
                                        "%SystemRoot%\\p2vprep\\apply-0001\\symmpi.sys\n"));
    assert_non_null(strstr((char *)raw, "file\tF:\\WINDOWSX\\other.sys\tabsent\n"));
    assert_null(strstr((char *)raw, "F:\\WINDOWS\\"));
    free(raw);

    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 4);
    journal_resolve(out, n, L"C:\\WINDOWS", NULL);
    assert_wstr_equal(out[3].key, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    assert_wstr_equal(out[3].backup, L"C:\\WINDOWS\\p2vprep\\apply-0001\\symmpi.sys");
    assert_wstr_equal(out[2].key, L"F:\\WINDOWSX\\other.sys");
    assert_wstr_equal(out[0].key, in[0].key);   /* registry keys are relative to HKLM already */
    free(out);

    /* a journal of an earlier version, with full paths, is taken as it is */
    write_text(path, "p2vprep journal 1\nstarted\tSRV\tapply\n"
                     "file\tD:\\WINDOWS\\system32\\drivers\\symmpi.sys\tabsent\nend\tok\n");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    journal_resolve(out, n, L"C:\\WINDOWS", NULL);
    assert_int_equal(n, 1);
    assert_wstr_equal(out[0].key, L"D:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    free(out);
}

static void old_absolute_paths_are_rebased_onto_the_offline_folder_only_by_name(void **state)
{
    struct jentry e[4];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 4; i++)
        e[i].kind = J_FILE;
    wcscpy(e[0].key, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    wcscpy(e[0].backup, L"C:\\windows\\p2vprep\\apply-0001\\symmpi.sys");
    wcscpy(e[1].key, L"D:\\WINNT\\system32\\drivers\\a.sys");      /* another folder name */
    wcscpy(e[2].key, L"F:\\WINDOWS\\system32\\drivers\\b.sys");    /* already there */
    wcscpy(e[3].key, L"C:\\WINDOWSX\\c.sys");                       /* a longer name */
    assert_int_equal(journal_rebase(e, 4, L"F:\\WINDOWS"), 2);
    assert_wstr_equal(e[0].key, L"F:\\WINDOWS\\system32\\drivers\\symmpi.sys");
    assert_wstr_equal(e[0].backup, L"F:\\WINDOWS\\p2vprep\\apply-0001\\symmpi.sys");
    assert_wstr_equal(e[1].key, L"D:\\WINNT\\system32\\drivers\\a.sys");
    assert_wstr_equal(e[2].key, L"F:\\WINDOWS\\system32\\drivers\\b.sys");
    assert_wstr_equal(e[3].key, L"C:\\WINDOWSX\\c.sys");
}

static void newest_live_journal_is_found(void **state)
{
    struct journal j;
    struct jentry in[4];
    wchar_t found[MAX_PATH], first[MAX_PATH], second[MAX_PATH];
    sample(in);
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_FILE_NOT_FOUND);

    journal_begin(&j, &disk, dir, NULL, L"a");
    journal_add(&j, &in[0]);
    wcscpy(first, j.path);
    journal_end(&j, L"ok");
    journal_begin(&j, &disk, dir, NULL, L"b");
    journal_add(&j, &in[1]);
    wcscpy(second, j.path);
    journal_end(&j, L"ok");
    assert_non_null(wcsstr(second, L"apply-0002.journal"));

    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_SUCCESS);
    assert_wstr_equal(found, second);
    /* once the second is rolled back, the first is next */
    assert_int_equal(journal_reopen(&j, &disk, second), ERROR_SUCCESS);
    journal_end(&j, L"rolled-back");
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_SUCCESS);
    assert_wstr_equal(found, first);
    assert_int_equal(journal_reopen(&j, &disk, first), ERROR_SUCCESS);
    journal_end(&j, L"rolled-back");
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_FILE_NOT_FOUND);
}

static void torn_last_line_is_ignored_but_damage_inside_is_not(void **state)
{
    wchar_t path[MAX_PATH], status[32];
    struct jentry *out;
    size_t n;
    wfmt(path, MAX_PATH, L"%ls\\apply-0007.journal", dir);
    write_text(path, "p2vprep journal 1\nstarted\tSRV\tapply\nkey\tSYSTEM\\ControlSet001\\Services\\x\nvalue\tSYSTEM\\Cont");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    assert_wstr_equal(status, L"incomplete");
    free(out);

    write_text(path, "p2vprep journal 1\nvalue\tbroken\nkey\tSYSTEM\\ControlSet001\\Services\\x\n");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_INVALID_DATA);
    /* rollback is pointed at the damaged journal, not at an older one behind it */
    wchar_t found[MAX_PATH];
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_SUCCESS);
    assert_wstr_equal(found, path);
    write_text(path, "something else\n");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_INVALID_DATA);
    /* empty, or its first line cut short: an apply that ended before it recorded anything,
     * so there is nothing to undo; a first line that is something else is not a journal */
    write_text(path, "");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    assert_wstr_equal(status, L"incomplete");
    free(out);
    write_text(path, "p2vprep jour");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 0);
    free(out);
    write_text(path, "p2vprep jourX");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_INVALID_DATA);
    /* a last record that parses but lost its newline was cut mid-write: not a record */
    write_text(path, "p2vprep journal 1\nkey\tSYSTEM\\ControlSet001\\Services\\x\n"
                     "value\tSYSTEM\\ControlSet001\\Services\\x\tStart\t4\t");
    assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
    assert_int_equal(n, 1);
    free(out);
    DeleteFileW(path);
}

/* A power cut leaves zeros or half a record at the end; the final status written by
 * rollback must land after the last whole record, or the journal reads as unfinished. */
static void a_torn_or_zeroed_tail_is_cut_before_the_end_is_appended(void **state)
{
    static const char *const tails[] = { "\0\0\0\0\0\0\0\0", "value\tSYSTEM\\ControlSet001\\Serv", "key\tSYS\n\0\0" };
    for (int i = 0; i < 3; i++) {
        wchar_t path[MAX_PATH], status[32];
        struct jentry *out;
        size_t n;
        char text[256];
        int len = snprintf(text, sizeof text, "p2vprep journal 1\nstarted\tSRV\tapply\n"
                           "key\tSYSTEM\\ControlSet001\\Services\\x\n");
        size_t tl = i == 0 ? 8 : strlen(tails[i]) + (i == 2 ? 2 : 0);
        memcpy(text + len, tails[i], tl);
        wfmt(path, MAX_PATH, L"%ls\\apply-0001.journal", dir);
        HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
        DWORD done;
        WriteFile(f, text, (DWORD)(len + tl), &done, NULL);
        CloseHandle(f);

        struct journal j;
        assert_int_equal(journal_reopen(&j, &disk, path), ERROR_SUCCESS);
        assert_int_equal(journal_end(&j, L"rolled-back"), ERROR_SUCCESS);
        assert_int_equal(journal_load(&disk, path, &out, &n, status, 32), ERROR_SUCCESS);
        assert_wstr_equal(status, L"rolled-back");
        assert_int_equal(n, i == 2 ? 2 : 1);
        free(out);
        wchar_t found[MAX_PATH];
        assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_FILE_NOT_FOUND);
        DeleteFileW(path);
    }
}

/* A journal deleted by hand leaves a gap in the numbers: the older ones stay reachable. */
static void a_gap_in_the_numbers_does_not_block_rollback(void **state)
{
    struct journal j;
    struct jentry in[4];
    wchar_t first[MAX_PATH], third[MAX_PATH], found[MAX_PATH];
    sample(in);
    for (int k = 0; k < 3; k++) {
        assert_int_equal(journal_begin(&j, &disk, dir, NULL, L"x"), ERROR_SUCCESS);
        journal_add(&j, &in[0]);
        if (k == 0)
            wcscpy(first, j.path);
        if (k == 2)
            wcscpy(third, j.path);
        journal_end(&j, L"ok");
    }
    wchar_t second[MAX_PATH];
    wfmt(second, MAX_PATH, L"%ls\\apply-0002.journal", dir);
    assert_true(DeleteFileW(second));
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_SUCCESS);
    assert_wstr_equal(found, third);
    assert_int_equal(journal_reopen(&j, &disk, third), ERROR_SUCCESS);
    journal_end(&j, L"rolled-back");
    assert_int_equal(journal_find_last(&disk, dir, found, MAX_PATH), ERROR_SUCCESS);
    assert_wstr_equal(found, first);
}

/* Which records a rollback accepts: what apply writes, nothing beyond. */
static void records_beyond_what_apply_writes_are_named(void **state)
{
    const struct journal_scope live = { L"C:\\WINDOWS", L"C:\\WINDOWS\\p2vprep\\apply-0003", NULL };
    const struct journal_scope off = { L"F:\\WINDOWS", L"F:\\WINDOWS\\p2vprep\\apply-0001", L"E:\\boot.ini" };
    static const struct { enum jentry_kind kind; const wchar_t *key, *name, *backup; BOOL offline, ok; } cases[] = {
        { J_KEY, L"SYSTEM\\ControlSet001\\Services\\symmpi", NULL, NULL, FALSE, TRUE },
        { J_KEY, L"SYSTEM\\ControlSet012\\Services\\symmpi\\Parameters", NULL, NULL, FALSE, TRUE },
        { J_KEY, L"SYSTEM\\ControlSet001\\Services\\symmpi\\Parameters\\PnpInterface", NULL, NULL, FALSE, TRUE },
        { J_VALUE, L"SYSTEM\\ControlSet002\\Services\\partmgr\\Parameters", L"SanPolicy", NULL, FALSE, TRUE },
        { J_VALUE, L"SYSTEM\\ControlSet002\\Control\\CrashControl", L"AutoReboot", NULL, FALSE, TRUE },
        { J_VALUE, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase\\pci#ven_1000&dev_0030", L"Service", NULL, FALSE, TRUE },
        { J_KEY, L"SYSTEM\\ControlSet001\\Control\\CriticalDeviceDatabase", NULL, NULL, FALSE, TRUE },
        { J_KEY_DELETED, L"SYSTEM\\ControlSet001\\Services\\storvsc\\StartOverride", NULL, NULL, FALSE, TRUE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys", NULL, L"C:\\WINDOWS\\p2vprep\\apply-0003\\symmpi.sys", FALSE, TRUE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys", NULL, NULL, FALSE, TRUE },
        { J_FILE, L"E:\\boot.ini", NULL, L"F:\\WINDOWS\\p2vprep\\apply-0001\\boot.ini", TRUE, TRUE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"oem12.inf", NULL, FALSE, TRUE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"", NULL, FALSE, TRUE },
        /* beyond */
        { J_VALUE, L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", L"x", NULL, FALSE, FALSE },
        { J_KEY, L"SYSTEM\\CurrentControlSet\\Services\\symmpi", NULL, NULL, FALSE, FALSE },
        { J_KEY, L"SYSTEM\\ControlSet001", NULL, NULL, FALSE, FALSE },
        { J_KEY, L"SYSTEM\\ControlSet001\\Services", NULL, NULL, FALSE, FALSE },
        { J_KEY, L"SYSTEM\\ControlSet001\\Services\\..\\..\\..\\SOFTWARE", NULL, NULL, FALSE, FALSE },
        { J_KEY, L"SYSTEM\\ControlSet001\\Services\\x\\Enum\\Root", NULL, NULL, FALSE, FALSE },
        { J_VALUE, L"SYSTEM\\ControlSet001\\Control\\Session Manager", L"BootExecute", NULL, FALSE, FALSE },
        { J_KEY_DELETED, L"SYSTEM\\ControlSet001\\Services\\Tcpip", NULL, NULL, FALSE, FALSE },
        { J_FILE, L"C:\\WINDOWS\\system32\\evil.dll", NULL, NULL, FALSE, FALSE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\..\\evil.dll", NULL, NULL, FALSE, FALSE },
        { J_FILE, L"C:\\secret\\x.txt", NULL, NULL, FALSE, FALSE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys", NULL, L"C:\\secret\\x.txt", FALSE, FALSE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys", NULL, L"\\\\host\\share\\x", FALSE, FALSE },
        { J_FILE, L"C:\\WINDOWS\\system32\\drivers\\symmpi.sys", NULL, L"C:\\WINDOWS\\p2vprep\\apply-0002\\symmpi.sys", FALSE, FALSE },
        { J_FILE, L"E:\\boot.ini", NULL, NULL, FALSE, FALSE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"oem1.inf /Online", NULL, FALSE, FALSE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"..\\x.inf", NULL, FALSE, FALSE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"pvscsi.inf", NULL, FALSE, TRUE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"oem1.inf\"", NULL, FALSE, FALSE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L".inf", NULL, FALSE, FALSE },
        { J_STAGED, L"C:\\payload\\pvscsi.inf", L"oem1.sys", NULL, FALSE, FALSE },
    };
    for (size_t i = 0; i < COUNTOF(cases); i++) {
        struct jentry e;
        memset(&e, 0, sizeof e);
        e.kind = cases[i].kind;
        wcscpy(e.key, cases[i].key);
        if (cases[i].name)
            wcscpy(e.name, cases[i].name);
        if (cases[i].backup)
            wcscpy(e.backup, cases[i].backup);
        const wchar_t *why = journal_record_problem(&e, cases[i].offline ? &off : &live);
        if ((why == NULL) != cases[i].ok)
            fail_msg("%ls %ls: %ls", cases[i].key, cases[i].name ? cases[i].name : L"",
                     why ? why : L"accepted");
    }
}

/* Journal numbers come from the names listed, highest first, whatever else is there. */
static void journal_numbers_are_listed_not_counted(void **state)
{
    static const wchar_t *const names[] = {
        L"apply-0002.journal", L"apply-0010.journal", L"apply-999999999.journal", L"apply-2147483647.journal",
        L"apply-0002.JOURNAL", L"apply-x.journal", L"apply-.journal", L"apply-0000.journal", L"apply-0003.journal.bak",
        L"apply-0001.journal", L"p2vprep.lock", L"apply--5.journal",
    };
    int numbers[16];
    size_t n = journal_numbers(names, COUNTOF(names), numbers, 16);
    assert_int_equal(n, 4);
    assert_int_equal(numbers[0], 999999999);
    assert_int_equal(numbers[1], 10);
    assert_int_equal(numbers[2], 2);
    assert_int_equal(numbers[3], 1);
    assert_int_equal(journal_number(L"apply-0042.journal"), 42);
    assert_int_equal(journal_number(L"apply-2147483647.journal"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(records_read_back_exactly, make_dir, drop_dir),
        cmocka_unit_test(sha256_matches_the_standard),
        cmocka_unit_test(the_computer_a_journal_was_written_on),
        cmocka_unit_test(records_beyond_what_apply_writes_are_named),
        cmocka_unit_test(journal_numbers_are_listed_not_counted),
        cmocka_unit_test_setup_teardown(staged_records_keep_the_digest, make_dir, drop_dir),
        cmocka_unit_test_setup_teardown(files_under_systemroot_are_recorded_relative_to_it, make_dir, drop_dir),
        cmocka_unit_test_setup_teardown(newest_live_journal_is_found, make_dir, drop_dir),
        cmocka_unit_test(old_absolute_paths_are_rebased_onto_the_offline_folder_only_by_name),
        cmocka_unit_test_setup_teardown(a_torn_or_zeroed_tail_is_cut_before_the_end_is_appended, make_dir, drop_dir),
        cmocka_unit_test_setup_teardown(a_gap_in_the_numbers_does_not_block_rollback, make_dir, drop_dir),
        cmocka_unit_test_setup_teardown(torn_last_line_is_ignored_but_damage_inside_is_not, make_dir, drop_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
