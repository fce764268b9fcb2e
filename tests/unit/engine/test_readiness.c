/* Readiness beyond the registry: the boot.ini and ARC parsers on texts, boot.ini files
 * in a temp folder, and readiness_probe under Wine with a table-driven registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "probe.h"
#include "readiness.h"
#include "text.h"
#include "wassert.h"
#include "mem_backend.h"

/* ---- bootini_default ----------------------------------------------------------------- */

static const char seed_ini[] =
    "[boot loader]\r\n"
    "timeout=30\r\n"
    "default=multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS\r\n"
    "[operating systems]\r\n"
    "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Windows Server 2003, Enterprise\" /noexecute=optout /fastdetect\r\n"
    "C:\\CMDCONS\\BOOTSECT.DAT=\"Microsoft Windows Recovery Console\" /cmdcons\r\n";

static BOOL parse(const char *text, wchar_t *arc, wchar_t *title)
{
    return bootini_default(text, strlen(text), arc, 260, title, 260);
}

static void bootini_seed_default_and_title(void **state)
{
    wchar_t arc[260], title[260];
    assert_true(parse(seed_ini, arc, title));
    assert_wstr_equal(arc, L"multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS");
    assert_wstr_equal(title, L"Windows Server 2003, Enterprise");
}

static void bootini_default_without_entry_has_no_title(void **state)
{
    wchar_t arc[260], title[260];
    const char *text =
        "[boot loader]\r\n"
        "default=multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Windows Server 2003, Enterprise\" /fastdetect\r\n";
    assert_true(parse(text, arc, title));
    assert_wstr_equal(arc, L"multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS");
    assert_wstr_equal(title, L"");
}

static void bootini_keys_ignore_case_and_lf_lines(void **state)
{
    wchar_t arc[260], title[260];
    const char *text =
        "[Boot Loader]\n"
        "Timeout=30\n"
        "DEFAULT = MULTI(0)DISK(0)RDISK(0)PARTITION(1)\\WINNT\n"
        "[Operating Systems]\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\winnt=\"Microsoft Windows 2000 Server\" /fastdetect\n";
    assert_true(parse(text, arc, title));
    assert_wstr_equal(arc, L"MULTI(0)DISK(0)RDISK(0)PARTITION(1)\\WINNT");
    assert_wstr_equal(title, L"Microsoft Windows 2000 Server");
}

static void bootini_without_boot_loader_is_false(void **state)
{
    wchar_t arc[260], title[260];
    const char *text =
        "default=multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS=\"Windows XP\"\r\n";
    assert_false(parse(text, arc, title));
    assert_wstr_equal(arc, L"");
    /* A [boot loader] without default= is no better. */
    assert_false(parse("[boot loader]\r\ntimeout=30\r\n[operating systems]\r\n", arc, title));
    assert_false(parse("", arc, title));
}

static void bootini_comments_are_skipped(void **state)
{
    wchar_t arc[260], title[260];
    const char *text =
        "; written by hand\r\n"
        "[boot loader]\r\n"
        ";default=multi(0)disk(0)rdisk(0)partition(9)\\OLD\r\n"
        "default=multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        ";multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS=\"Commented out\"\r\n"
        "   multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS = \"Windows XP Professional\" /fastdetect\r\n";
    assert_true(parse(text, arc, title));
    assert_wstr_equal(arc, L"multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS");
    assert_wstr_equal(title, L"Windows XP Professional");
}

static void bootini_sections_in_any_order_cp1252_and_unquoted_titles(void **state)
{
    wchar_t arc[260], title[260];
    /* 0x96 is an en dash in Windows-1252, 0xE7 a c-cedilla. */
    const char *text =
        "[operating systems]\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS=\"Windows Server 2003 \x96 Fran\xe7\x61is\" /fastdetect\n"
        "[boot loader]\n"
        "default=multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\n";
    assert_true(parse(text, arc, title));
    assert_wstr_equal(title, L"Windows Server 2003 \x2013 Fran\x00e7" L"ais");

    const char *unquoted =
        "[boot loader]\n"
        "default=multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\n"
        "[operating systems]\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS=Windows XP /fastdetect /noexecute=optin\n";
    assert_true(parse(unquoted, arc, title));
    assert_wstr_equal(title, L"Windows XP");
}

static void bootini_small_buffers_truncate(void **state)
{
    wchar_t arc[8], title[4];
    assert_true(bootini_default(seed_ini, strlen(seed_ini), arc, COUNTOF(arc), title, COUNTOF(title)));
    assert_wstr_equal(arc, L"multi(0");
    assert_wstr_equal(title, L"Win");
}

/* ---- bootini_set_partition ----------------------------------------------------------- */

/* A partition the converter left out shifts the numbers: partition(3) must become (2) in
 * the default line and in every line that starts that installation, nothing else moves. */
static void bootini_partition_is_renumbered_everywhere_and_nothing_else(void **state)
{
    static const char in[] =
        "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        "multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS=\"Windows Server 2003\" /fastdetect\r\n"
        "MULTI(0)DISK(0)RDISK(0)PARTITION(3)\\WINDOWS=\"Safe\" /safeboot:minimal\r\n"
        "multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS2=\"Other\" /fastdetect\r\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\WINNT=\"Old\"\r\n"
        "C:\\CMDCONS\\BOOTSECT.DAT=\"Recovery Console\" /cmdcons\r\n";
    static const char want[] =
        "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS\r\n"
        "[operating systems]\r\n"
        "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Windows Server 2003\" /fastdetect\r\n"
        "multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS=\"Safe\" /safeboot:minimal\r\n"
        "multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS2=\"Other\" /fastdetect\r\n"
        "multi(0)disk(0)rdisk(0)partition(1)\\WINNT=\"Old\"\r\n"
        "C:\\CMDCONS\\BOOTSECT.DAT=\"Recovery Console\" /cmdcons\r\n";
    char *out;
    size_t n;
    assert_true(bootini_set_partition(in, strlen(in), 2, &out, &n));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    free(out);
    /* two-digit numbers, and a number that grows the text */
    assert_true(bootini_set_partition(in, strlen(in), 12, &out, &n));
    assert_int_equal(n, strlen(in) + 3);
    assert_non_null(strstr(out, "default=multi(0)disk(0)rdisk(0)partition(12)\\WINDOWS\r\n"));
    free(out);
    /* no default entry, a signature() path, a nonsense number: nothing to rewrite */
    static const char none[] = "[boot loader]\r\ntimeout=30\r\n";
    static const char sig[] = "[boot loader]\r\ndefault=signature(8b467c12)disk(1)rdisk(0)partition(2)\\WINDOWS\r\n";
    assert_false(bootini_set_partition(none, strlen(none), 2, &out, &n));
    assert_false(bootini_set_partition(sig, strlen(sig), 2, &out, &n));
    assert_false(bootini_set_partition(in, strlen(in), 0, &out, &n));
}

/* A boot.ini whose [operating systems] come first and hold more than 64 entries of the
 * default path: default= is renumbered too, and every entry, however many. */
static void bootini_default_is_renumbered_after_any_number_of_entries(void **state)
{
    const char *entry = "multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS=\"Windows Server 2003\" /fastdetect\r\n";
    size_t cap = 100 * strlen(entry) + 256, len = 0;
    char *in = malloc(cap);
    len += (size_t)sprintf(in + len, "[operating systems]\r\n");
    for (int i = 0; i < 100; i++)
        len += (size_t)sprintf(in + len, "%s", entry);
    len += (size_t)sprintf(in + len, "[boot loader]\r\ntimeout=30\r\ndefault=multi(0)disk(0)rdisk(0)partition(3)\\WINDOWS\r\n");
    char *out;
    size_t n;
    assert_true(bootini_set_partition(in, len, 12, &out, &n));
    assert_int_equal(n, len + 101);   /* 101 paths, each one digit longer */
    assert_non_null(strstr(out, "default=multi(0)disk(0)rdisk(0)partition(12)\\WINDOWS\r\n"));
    assert_null(strstr(out, "partition(3)"));
    free(out);
    free(in);
}

/* ---- arc_path_parse ------------------------------------------------------------------ */

static void arc_multi_path(void **state)
{
    int rdisk, part;
    wchar_t dir[MAX_PATH];
    assert_true(arc_path_parse(L"multi(0)disk(0)rdisk(1)partition(3)\\WINNT", &rdisk, &part, dir, MAX_PATH));
    assert_int_equal(rdisk, 1);
    assert_int_equal(part, 3);
    assert_wstr_equal(dir, L"\\WINNT");

    assert_true(arc_path_parse(L"MULTI(0)DISK(0)RDISK(0)PARTITION(2)\\WINDOWS", &rdisk, &part, dir, MAX_PATH));
    assert_int_equal(rdisk, 0);
    assert_int_equal(part, 2);
    assert_wstr_equal(dir, L"\\WINDOWS");

    /* No folder: the partition itself. */
    assert_true(arc_path_parse(L"multi(0)disk(0)rdisk(0)partition(1)", &rdisk, &part, dir, MAX_PATH));
    assert_int_equal(part, 1);
    assert_wstr_equal(dir, L"");
}

static void arc_scsi_path_gives_the_lun(void **state)
{
    int rdisk, part;
    wchar_t dir[MAX_PATH];
    assert_true(arc_path_parse(L"scsi(0)disk(1)rdisk(0)partition(1)\\WINDOWS", &rdisk, &part, dir, MAX_PATH));
    assert_int_equal(rdisk, 0);
    assert_int_equal(part, 1);
    assert_wstr_equal(dir, L"\\WINDOWS");
}

/* signature() names the disk by its MBR signature: documented as FALSE. */
static void arc_signature_path_is_false(void **state)
{
    int rdisk = 7, part = 7;
    wchar_t dir[MAX_PATH] = L"x";
    assert_false(arc_path_parse(L"signature(8b467c12)disk(1)rdisk(0)partition(2)\\WINDOWS", &rdisk, &part,
                                dir, MAX_PATH));
    assert_int_equal(rdisk, -1);
    assert_int_equal(part, -1);
    assert_wstr_equal(dir, L"");
}

static void arc_garbage_is_false(void **state)
{
    static const wchar_t *const bad[] = {
        L"", L"C:\\WINDOWS", L"multi(0)disk(0)rdisk(0)", L"multi(x)disk(0)rdisk(0)partition(1)\\WINDOWS",
        L"multi(0)disk(0)rdisk(0)partition(2)WINDOWS", L"multi(0)disk(0)rdisk(0)partition(0)\\WINDOWS",
        L"multi(0)rdisk(0)disk(0)partition(1)\\WINDOWS", L"multi(0)disk(0)rdisk(0)partition()\\WINDOWS",
        L"multi(0)disk(0)rdisk(0)partition(1", L"partition(1)\\WINDOWS",
    };
    for (size_t i = 0; i < COUNTOF(bad); i++) {
        int rdisk, part;
        wchar_t dir[MAX_PATH];
        if (arc_path_parse(bad[i], &rdisk, &part, dir, MAX_PATH)) {
            print_error("accepted \"%ls\"\n", bad[i]);
            fail();
        }
    }
}

/* ---- bootini_read and the boot notes ------------------------------------------------- */

static wchar_t tmpdir[MAX_PATH];

static int make_tmpdir(void **state)
{
    wchar_t base[MAX_PATH];
    assert_true(GetTempPathW(MAX_PATH, base) > 0);
    wfmt(tmpdir, MAX_PATH, L"%lsp2vprep-readiness-%lu", base, (unsigned long)GetCurrentProcessId());
    CreateDirectoryW(tmpdir, NULL);
    return 0;
}

static void write_file(const wchar_t *path, const char *text)
{
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD done = 0;
    assert_true(f != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(f, text, (DWORD)strlen(text), &done, NULL));
    CloseHandle(f);
}

static int remove_tmpdir(void **state)
{
    static const wchar_t *const names[] = {L"boot.ini", L"empty.ini"};
    wchar_t path[MAX_PATH];
    for (size_t i = 0; i < COUNTOF(names); i++) {
        wfmt(path, MAX_PATH, L"%ls\\%ls", tmpdir, names[i]);
        DeleteFileW(path);
    }
    RemoveDirectoryW(tmpdir);
    return 0;
}

static struct readiness *readiness_new(void)
{
    struct readiness *r = calloc(1, sizeof *r);
    assert_non_null(r);
    return r;
}

static const struct readiness_note *must_find(const struct readiness *r, const wchar_t *code)
{
    const struct readiness_note *n = readiness_find(r, code);
    if (!n) {
        print_error("no note \"%ls\"; notes:\n", code);
        for (int i = 0; i < r->n_notes; i++)
            print_error("  %ls: %ls\n", r->notes[i].code, r->notes[i].message);
        fail();
    }
    return n;
}

static void bootini_read_fills_the_facts(void **state)
{
    wchar_t path[MAX_PATH], vol[3] = {0};
    struct readiness *r = readiness_new();
    wfmt(path, MAX_PATH, L"%ls\\boot.ini", tmpdir);
    write_file(path, seed_ini);

    assert_true(bootini_read(path, r));
    assert_wstr_equal(r->boot_ini, path);
    assert_wstr_equal(r->boot_default, L"multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS");
    assert_wstr_equal(r->boot_default_title, L"Windows Server 2003, Enterprise");
    vol[0] = (wchar_t)(path[0] & ~0x20);
    vol[1] = L':';
    assert_wstr_equal(r->boot_volume, vol);
    assert_int_equal(r->n_notes, 0);
    free(r);
}

static void bootini_read_missing_or_empty_is_false(void **state)
{
    wchar_t path[MAX_PATH];
    struct readiness *r = readiness_new();
    wfmt(path, MAX_PATH, L"%ls\\absent.ini", tmpdir);
    assert_false(bootini_read(path, r));
    wfmt(path, MAX_PATH, L"%ls\\empty.ini", tmpdir);
    write_file(path, "");
    assert_false(bootini_read(path, r));
    assert_wstr_equal(r->boot_ini, L"");
    assert_wstr_equal(r->boot_volume, L"");
    free(r);
}

/* The seed's layout: boot.ini on a small C:, Windows on D: = partition(2). */
static void boot_files_on_another_volume_warn(void **state)
{
    struct readiness *r = readiness_new();
    struct os_info os;
    memset(&os, 0, sizeof os);
    os.major = 5;
    os.minor = 2;
    wcscpy(os.systemroot, L"D:\\WINDOWS");
    wcscpy(r->boot_ini, L"C:\\boot.ini");
    wcscpy(r->boot_volume, L"C:");
    wcscpy(r->boot_default, L"multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS");
    wcscpy(r->boot_default_title, L"Windows Server 2003, Enterprise");

    readiness_boot_notes(&os, r);
    assert_wstr_equal(r->system_volume, L"D:");
    assert_true(r->boot_files_elsewhere);
    const struct readiness_note *n = must_find(r, L"boot-files-elsewhere");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"C:");
    assert_wstr_contains(n->message, L"D:");
    assert_wstr_contains(n->message, L"reconfiguration");
    n = must_find(r, L"boot-ini-default");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"Windows Server 2003, Enterprise");
    assert_wstr_contains(n->message, L"multi(0)disk(0)rdisk(0)partition(2)\\WINDOWS");
    assert_wstr_contains(n->message, L"partition 2");
    assert_null(readiness_find(r, L"boot-default-other-windows"));
    free(r);
}

static void boot_files_beside_windows_are_fine(void **state)
{
    struct readiness *r = readiness_new();
    struct os_info os;
    memset(&os, 0, sizeof os);
    os.major = 5;
    wcscpy(os.systemroot, L"c:\\windows");
    wcscpy(r->boot_ini, L"C:\\boot.ini");
    wcscpy(r->boot_volume, L"C:");
    wcscpy(r->boot_default, L"multi(0)disk(0)rdisk(0)partition(1)\\WINDOWS\\");

    readiness_boot_notes(&os, r);
    assert_false(r->boot_files_elsewhere);
    assert_null(readiness_find(r, L"boot-files-elsewhere"));
    assert_null(readiness_find(r, L"boot-default-other-windows"));
    assert_wstr_contains(must_find(r, L"boot-ini-default")->message, L"(no title)");
    free(r);
}

static void boot_default_for_another_windows_warns(void **state)
{
    struct readiness *r = readiness_new();
    struct os_info os;
    memset(&os, 0, sizeof os);
    os.major = 5;
    wcscpy(os.systemroot, L"C:\\WINDOWS");
    wcscpy(r->boot_ini, L"C:\\boot.ini");
    wcscpy(r->boot_volume, L"C:");
    wcscpy(r->boot_default, L"multi(0)disk(0)rdisk(0)partition(1)\\WINNT");

    readiness_boot_notes(&os, r);
    assert_true(must_find(r, L"boot-default-other-windows")->warning);
    free(r);
}

/* ---- readiness_probe with a table-driven registry ------------------------------------ */

/* The registry a probe reads: the shared in-memory machine (tests/support/mem_backend.h). */
static void put(struct mem_machine *f, const wchar_t *key, const wchar_t *name, DWORD type, DWORD d,
                const wchar_t *sz)
{
    if (type == REG_SZ)
        mem_sz(f, key, name, REG_SZ, sz);
    else if (type == REG_DWORD)
        mem_dword(f, key, name, d);
    else {
        BYTE one = (BYTE)d;   /* the single byte of a REG_BINARY */
        mem_raw(f, key, name, type, &one, 1);
    }
}

/* The running Wine prefix (systemroot, WOW64) dressed as another Windows version. */
static struct machine *live(DWORD major, DWORD minor, DWORD current)
{
    struct machine *m = machine_new();
    assert_non_null(m);
    struct backend live_b;
    backend_win32_init(&live_b, FALSE);
    live_b.describe_os(live_b.ctx, &m->os);
    m->os.major = major;
    m->os.minor = minor;
    wcscpy(m->sets[m->n_sets++], L"ControlSet001");
    wcscpy(m->sets[m->n_sets++], L"ControlSet002");
    m->select[SEL_CURRENT] = current;
    m->select_present[SEL_CURRENT] = TRUE;
    return m;
}

/* The NT device behind C: in this prefix, as SYSTEM\Setup SystemPartition would name it. */
static wchar_t c_device[MAX_PATH];

static void the_works(struct mem_machine *f)
{
    assert_true(QueryDosDeviceW(L"C:", c_device, MAX_PATH) > 0);
    put(f, L"SYSTEM\\Select", L"Current", REG_DWORD, 1, NULL);
    put(f, L"SYSTEM\\Setup", L"SystemPartition", REG_SZ, 0, c_device);
    put(f, L"SYSTEM\\ControlSet001\\Control\\Power", L"HibernateEnabled", REG_DWORD, 1, NULL);
    put(f, L"SYSTEM\\ControlSet001\\Control\\Session Manager\\Power", L"HiberbootEnabled", REG_DWORD, 1, NULL);
    put(f, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions", L"DenyUnspecified",
        REG_DWORD, 1, NULL);
    put(f, L"SOFTWARE\\Microsoft\\Driver Signing", L"Policy", REG_BINARY, 2, NULL);
}

static void dump(const struct readiness *r)
{
    for (int i = 0; i < r->n_notes; i++)
        print_message("  %-26ls %-7s %ls\n", r->notes[i].code, r->notes[i].warning ? "warning" : "info",
                      r->notes[i].message);
}

/* What holds on any machine, the Wine prefix included. */
static void common_facts(const struct machine *m, const struct readiness *r)
{
    wchar_t vol[3] = {(wchar_t)(m->os.systemroot[0] & ~0x20), L':', 0};
    assert_wstr_equal(r->system_volume, vol);
    assert_true(r->drivers_free_bytes > 0);
    assert_null(readiness_find(r, L"low-space"));
    assert_null(readiness_find(r, L"free-space-unknown"));
    /* Wine has no real disks (its volume IOCTL reports no extents): the layout is
     * unknown, which is information, never "dynamic". */
    assert_false(r->dynamic_disk);
    assert_null(readiness_find(r, L"dynamic-disk"));
    const struct readiness_note *unknown = readiness_find(r, L"disk-layout-unknown");
    if (unknown)
        assert_false(unknown->warning);
    for (int i = 0; i < r->n_notes; i++) {
        assert_true(r->notes[i].code[0] != 0);
        assert_true(r->notes[i].message[0] != 0);
    }
}

static void nt62_fast_startup_hibernation_and_policy_warn(void **state)
{
    struct mem_machine f = {0};
    the_works(&f);
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 2, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    dump(r);
    common_facts(m, r);
    assert_true(r->fast_startup);
    assert_true(r->hibernation);
    const struct readiness_note *n = must_find(r, L"fast-startup-on");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"powercfg /h off");
    assert_true(must_find(r, L"hibernation-on")->warning);
    n = must_find(r, L"driver-install-policy");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"DenyUnspecified=1");
    /* NT5's signing policy is not read on NT6. */
    assert_null(readiness_find(r, L"driver-signing-policy"));
    /* SystemPartition is C:'s device, and the prefix's Windows is on C: too. */
    assert_wstr_equal(r->boot_volume, L"C:");
    assert_wstr_equal(r->boot_ini, L"");
    assert_false(r->boot_files_elsewhere);
    assert_null(readiness_find(r, L"boot-files-elsewhere"));
    assert_null(readiness_find(r, L"system-partition-no-letter"));
    free(r);
    machine_free(m);
}

static void nt5_ignores_power_and_device_install_policy(void **state)
{
    struct mem_machine f = {0};
    the_works(&f);
    struct backend b = mem_backend(&f);
    struct machine *m = live(5, 2, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    dump(r);
    common_facts(m, r);
    assert_false(r->fast_startup);
    assert_false(r->hibernation);
    assert_null(readiness_find(r, L"fast-startup-on"));
    assert_null(readiness_find(r, L"hibernation-on"));
    assert_null(readiness_find(r, L"driver-install-policy"));
    assert_false(must_find(r, L"driver-signing-policy")->warning);
    /* The prefix has no boot.ini of its own (unless a fixed drive has one): either it was
     * found or the absence is said. */
    assert_true((r->boot_ini[0] != 0) != (readiness_find(r, L"no-boot-ini") != NULL));
    free(r);
    machine_free(m);
}

static void nt62_fast_startup_without_hibernation_is_information(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SYSTEM\\ControlSet001\\Control\\Power", L"HibernateEnabled", REG_DWORD, 0, NULL);
    put(&f, L"SYSTEM\\ControlSet001\\Control\\Session Manager\\Power", L"HiberbootEnabled", REG_DWORD, 1, NULL);
    struct backend b = mem_backend(&f);
    struct machine *m = live(10, 0, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    dump(r);
    common_facts(m, r);
    assert_false(r->hibernation);
    assert_true(r->fast_startup);
    assert_false(must_find(r, L"fast-startup-on")->warning);
    assert_null(readiness_find(r, L"hibernation-on"));
    free(r);
    machine_free(m);
}

/* Only Select\Current's control set counts: ControlSet001's values are not the running ones. */
static void power_values_come_from_the_current_control_set(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SYSTEM\\ControlSet001\\Control\\Power", L"HibernateEnabled", REG_DWORD, 1, NULL);
    put(&f, L"SYSTEM\\ControlSet001\\Control\\Session Manager\\Power", L"HiberbootEnabled", REG_DWORD, 1, NULL);
    put(&f, L"SYSTEM\\ControlSet002\\Control\\Power", L"HibernateEnabled", REG_DWORD, 0, NULL);
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 3, 2);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    dump(r);
    assert_false(r->hibernation);
    assert_false(r->fast_startup);
    assert_null(readiness_find(r, L"fast-startup-on"));
    assert_null(readiness_find(r, L"hibernation-on"));
    free(r);
    machine_free(m);
}

/* Nothing set: no hiberfil.sys in the prefix, so hibernation is off; no policy. The SAN
 * policy is OnlineAll: without it a server prefix rightly warns that data disks may stay
 * offline (san_policy_note_says_today_and_what_apply_does). */
static void nt62_quiet_machine_has_no_warnings(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SYSTEM\\ControlSet001\\Services\\partmgr\\Parameters", L"SanPolicy", REG_DWORD, 1, NULL);
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 2, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    dump(r);
    common_facts(m, r);
    assert_false(r->hibernation);
    assert_false(r->fast_startup);
    for (int i = 0; i < r->n_notes; i++)
        assert_false(r->notes[i].warning);
    free(r);
    machine_free(m);
}

static void nt6_deny_device_classes_warns(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions", L"DenyDeviceClasses",
        REG_DWORD, 1, NULL);
    put(&f, L"SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions", L"DenyUnspecified",
        REG_DWORD, 0, NULL);
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 1, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    const struct readiness_note *n = must_find(r, L"driver-install-policy");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"DenyDeviceClasses=1");
    if (wcsstr(n->message, L"DenyUnspecified")) {
        print_error("DenyUnspecified=0 named: %ls\n", n->message);
        fail();
    }
    /* NT6.1 has no Fast Startup to read. */
    assert_false(r->fast_startup);
    free(r);
    machine_free(m);
}

static void nt6_system_partition_without_letter_is_information(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SYSTEM\\Setup", L"SystemPartition", REG_SZ, 0, L"\\Device\\HarddiskVolume99");
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 1, 1);
    struct readiness *r = readiness_new();

    readiness_probe(&b, m, NULL, r);
    const struct readiness_note *n = must_find(r, L"system-partition-no-letter");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"\\Device\\HarddiskVolume99");
    assert_wstr_equal(r->boot_volume, L"");
    assert_false(r->boot_files_elsewhere);
    free(r);
    machine_free(m);
}

/* ---- notes decided from hand-written facts (readiness_notes.c) --------------------- */

static struct os_info os_of(DWORD major, DWORD minor, unsigned arch, BYTE product)
{
    struct os_info os;
    memset(&os, 0, sizeof os);
    os.major = major;
    os.minor = minor;
    os.arch = arch;
    os.product_type = product;
    return os;
}

static struct readiness_job job_of(const struct target **t, size_t n, enum san_choice san)
{
    struct readiness_job j = { t, n, san };
    return j;
}

static int count_notes(const struct readiness *r)
{
    return r->n_notes;
}

static void san_policy_note_says_today_and_what_apply_does(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    const struct target *lsi = target_find(L"lsilogic"), *hv = target_find(L"hyperv");
    struct os_info srv = os_of(10, 0, ARCH_X64, VER_NT_SERVER);
    memset(&f, 0, sizeof f);

    /* not set on a server, target without san_online: the default may be OfflineShared */
    struct readiness_job job = job_of(&lsi, 1, SAN_DEFAULT);
    notes_san_policy(&f, &srv, &job, r);
    const struct readiness_note *n = must_find(r, L"san-policy");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"OfflineShared");
    assert_wstr_contains(n->message, L"--san-policy online");

    /* hyperv turns it on: information */
    memset(r, 0, sizeof *r);
    job = job_of(&hv, 1, SAN_DEFAULT);
    f.san_present = TRUE;
    f.san_policy = 2;
    notes_san_policy(&f, &srv, &job, r);
    n = must_find(r, L"san-policy");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"OfflineShared (SanPolicy=2)");
    assert_wstr_contains(n->message, L"apply sets OnlineAll");

    /* ... unless told to keep it */
    memset(r, 0, sizeof *r);
    job = job_of(&hv, 1, SAN_KEEP);
    notes_san_policy(&f, &srv, &job, r);
    assert_true(must_find(r, L"san-policy")->warning);

    /* explicit online with lsilogic: information */
    memset(r, 0, sizeof *r);
    job = job_of(&lsi, 1, SAN_ONLINE);
    notes_san_policy(&f, &srv, &job, r);
    assert_false(must_find(r, L"san-policy")->warning);

    /* already OnlineAll */
    memset(r, 0, sizeof *r);
    f.san_policy = 1;
    job = job_of(&lsi, 1, SAN_DEFAULT);
    notes_san_policy(&f, &srv, &job, r);
    n = must_find(r, L"san-policy");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"OnlineAll");

    /* client Windows without a value: OnlineAll by default */
    memset(r, 0, sizeof *r);
    f.san_present = FALSE;
    struct os_info client = os_of(6, 1, ARCH_X64, VER_NT_WORKSTATION);
    notes_san_policy(&f, &client, &job, r);
    assert_false(must_find(r, L"san-policy")->warning);

    /* 2003: no SAN policy, no note */
    memset(r, 0, sizeof *r);
    struct os_info w2003 = os_of(5, 2, ARCH_X86, VER_NT_SERVER);
    notes_san_policy(&f, &w2003, &job, r);
    assert_int_equal(count_notes(r), 0);
    free(r);
}

static void pending_reboot_names_each_reason(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    memset(&f, 0, sizeof f);
    notes_pending_reboot(&f, r);
    assert_int_equal(count_notes(r), 0);
    f.pending_renames = TRUE;
    f.update_reboot = TRUE;
    notes_pending_reboot(&f, r);
    const struct readiness_note *n = must_find(r, L"pending-reboot");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"PendingFileRenameOperations");
    assert_wstr_contains(n->message, L"Windows Update");
    assert_null(wcsstr(n->message, L"component servicing"));
    memset(r, 0, sizeof *r);
    memset(&f, 0, sizeof f);
    f.servicing_reboot = TRUE;
    notes_pending_reboot(&f, r);
    assert_wstr_contains(must_find(r, L"pending-reboot")->message, L"component servicing");
    free(r);
}

static void bitlocker_on_warns_and_unknown_is_silent(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    memset(&f, 0, sizeof f);
    f.bitlocker = BITLOCKER_UNKNOWN;
    notes_bitlocker(&f, r);
    f.bitlocker = BITLOCKER_OFF;
    notes_bitlocker(&f, r);
    assert_int_equal(count_notes(r), 0);
    f.bitlocker = BITLOCKER_ON;
    notes_bitlocker(&f, r);
    const struct readiness_note *n = must_find(r, L"bitlocker-on");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"recovery key");
    free(r);
}

static void only_third_party_class_filters_are_named(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    memset(&f, 0, sizeof f);
    f.filters[f.n_filters++] = (struct class_filter){ L"disk drives", TRUE, L"PartMgr" };
    f.filters[f.n_filters++] = (struct class_filter){ L"disk drives", FALSE, L"EhStorClass" };
    notes_class_filters(&f, r);
    assert_int_equal(count_notes(r), 0);
    f.filters[f.n_filters++] = (struct class_filter){ L"SCSI adapters", FALSE, L"acmeflt" };
    notes_class_filters(&f, r);
    const struct readiness_note *n = must_find(r, L"class-filter");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"acmeflt (SCSI adapters, lower)");
    assert_null(wcsstr(n->message, L"PartMgr"));
    free(r);
}

static void old_tools_say_which_drivers_the_target_needs(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    const struct target *pv = target_find(L"pvscsi"), *hv = target_find(L"hyperv");
    struct os_info w2008r2 = os_of(6, 1, ARCH_X64, VER_NT_SERVER);
    memset(&f, 0, sizeof f);
    wcscpy(f.services[f.n_services++], L"VMTools");
    wcscpy(f.services[f.n_services++], L"pvscsi");
    wcscpy(f.services[f.n_services++], L"vmxnet3ndis6");
    /* the VM stays on pvscsi: keep it, information only */
    struct readiness_job job = job_of(&pv, 1, SAN_DEFAULT);
    notes_old_tools(&f, &w2008r2, &job, r);
    const struct readiness_note *n = must_find(r, L"old-tools");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"VMware Tools");
    assert_wstr_contains(n->message, L"boots from pvscsi");
    /* moving to Hyper-V: remove them before converting */
    memset(r, 0, sizeof *r);
    job = job_of(&hv, 1, SAN_DEFAULT);
    notes_old_tools(&f, &w2008r2, &job, r);
    n = must_find(r, L"old-tools");
    assert_true(n->warning);
    assert_wstr_contains(n->message, L"uninstall");
    assert_wstr_contains(n->message, L"pvscsi, vmxnet3ndis6");
    /* a driver without the suite's own service is no suite */
    memset(r, 0, sizeof *r);
    wcscpy(f.services[0], L"vmbus");
    notes_old_tools(&f, &w2008r2, &job, r);
    assert_int_equal(count_notes(r), 0);
    /* Hyper-V's components are inbox from 2008 R2; on 2008 they are an installed suite */
    memset(&f, 0, sizeof f);
    wcscpy(f.services[f.n_services++], L"vmicheartbeat");
    wcscpy(f.services[f.n_services++], L"storvsc");
    notes_old_tools(&f, &w2008r2, &job, r);
    assert_int_equal(count_notes(r), 0);
    struct os_info w2008 = os_of(6, 0, ARCH_X64, VER_NT_SERVER);
    notes_old_tools(&f, &w2008, &job, r);
    n = must_find(r, L"old-tools");
    assert_false(n->warning);
    assert_wstr_contains(n->message, L"boots from storvsc");
    free(r);
}

static void firmware_note_and_hyperv_generation_2_limits(void **state)
{
    struct readiness_facts f;
    struct readiness *r = readiness_new();
    const struct target *hv = target_find(L"hyperv");
    struct readiness_job job = job_of(&hv, 1, SAN_DEFAULT);
    struct os_info w2008r2 = os_of(6, 1, ARCH_X64, VER_NT_SERVER), w2012 = os_of(6, 2, ARCH_X64, VER_NT_SERVER);
    memset(&f, 0, sizeof f);
    notes_firmware(&f, &w2008r2, &job, r);
    assert_int_equal(count_notes(r), 0);   /* unknown: nothing said */
    f.firmware = FIRMWARE_BIOS;
    notes_firmware(&f, &w2008r2, &job, r);
    assert_false(must_find(r, L"firmware")->warning);
    assert_wstr_contains(must_find(r, L"firmware")->message, L"Generation 1");
    assert_null(readiness_find(r, L"firmware-mismatch"));
    memset(r, 0, sizeof *r);
    f.firmware = FIRMWARE_UEFI;
    notes_firmware(&f, &w2008r2, &job, r);
    assert_wstr_contains(must_find(r, L"firmware")->message, L"UEFI");
    assert_true(must_find(r, L"firmware-mismatch")->warning);
    memset(r, 0, sizeof *r);
    notes_firmware(&f, &w2012, &job, r);
    assert_null(readiness_find(r, L"firmware-mismatch"));
    memset(r, 0, sizeof *r);
    struct os_info w10x86 = os_of(10, 0, ARCH_X86, VER_NT_WORKSTATION);
    notes_firmware(&f, &w10x86, &job, r);
    assert_non_null(readiness_find(r, L"firmware-mismatch"));
    memset(r, 0, sizeof *r);
    notes_firmware(&f, &w2008r2, NULL, r);   /* no hyperv in the job */
    assert_null(readiness_find(r, L"firmware-mismatch"));
    free(r);
}

/* The reading side: the current control set's values become the facts. */
static void probe_reads_the_facts_of_the_current_set(void **state)
{
    struct mem_machine f = {0};
    put(&f, L"SYSTEM\\ControlSet002\\Services\\partmgr\\Parameters", L"SanPolicy", REG_DWORD, 3, NULL);
    put(&f, L"SYSTEM\\ControlSet001\\Services\\partmgr\\Parameters", L"SanPolicy", REG_DWORD, 1, NULL);
    put(&f, L"SYSTEM\\ControlSet002\\Control\\Session Manager", L"PendingFileRenameOperations", REG_SZ, 0,
        L"\\??\\C:\\x.tmp");
    put(&f, L"SYSTEM\\ControlSet002\\Control\\Class\\" CLASS_DISKDRIVE, L"UpperFilters", REG_SZ, 0, L"acmeflt");
    put(&f, L"SYSTEM\\ControlSet002\\Services\\VMTools", L"Start", REG_DWORD, 2, NULL);
    put(&f, L"SYSTEM\\ControlSet002\\Services\\pvscsi", L"Start", REG_DWORD, 0, NULL);
    put(&f, L"SYSTEM\\ControlSet001\\Services\\xenbus", L"Start", REG_DWORD, 0, NULL);
    put(&f, L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
        L"x", REG_DWORD, 1, NULL);
    struct backend b = mem_backend(&f);
    struct machine *m = live(6, 3, 2);
    struct readiness *r = readiness_new();
    readiness_probe(&b, m, NULL, r);
    dump(r);
    assert_true(r->facts.san_present);
    assert_int_equal(r->facts.san_policy, 3);
    assert_true(r->facts.pending_renames);
    assert_true(r->facts.servicing_reboot);
    assert_false(r->facts.update_reboot);
    assert_int_equal(r->facts.n_filters, 1);
    assert_wstr_equal(r->facts.filters[0].name, L"acmeflt");
    assert_true(r->facts.filters[0].upper);
    assert_int_equal(r->facts.n_services, 2);   /* xenbus is in another set */
    assert_non_null(readiness_find(r, L"pending-reboot"));
    assert_non_null(readiness_find(r, L"class-filter"));
    assert_non_null(readiness_find(r, L"old-tools"));
    assert_wstr_contains(must_find(r, L"san-policy")->message, L"OfflineAll");
    free(r);
    machine_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bootini_seed_default_and_title),
        cmocka_unit_test(bootini_default_without_entry_has_no_title),
        cmocka_unit_test(bootini_keys_ignore_case_and_lf_lines),
        cmocka_unit_test(bootini_without_boot_loader_is_false),
        cmocka_unit_test(bootini_comments_are_skipped),
        cmocka_unit_test(bootini_sections_in_any_order_cp1252_and_unquoted_titles),
        cmocka_unit_test(bootini_small_buffers_truncate),
        cmocka_unit_test(bootini_partition_is_renumbered_everywhere_and_nothing_else),
        cmocka_unit_test(bootini_default_is_renumbered_after_any_number_of_entries),
        cmocka_unit_test(arc_multi_path),
        cmocka_unit_test(arc_scsi_path_gives_the_lun),
        cmocka_unit_test(arc_signature_path_is_false),
        cmocka_unit_test(arc_garbage_is_false),
        cmocka_unit_test(bootini_read_fills_the_facts),
        cmocka_unit_test(bootini_read_missing_or_empty_is_false),
        cmocka_unit_test(boot_files_on_another_volume_warn),
        cmocka_unit_test(boot_files_beside_windows_are_fine),
        cmocka_unit_test(boot_default_for_another_windows_warns),
        cmocka_unit_test(nt62_fast_startup_hibernation_and_policy_warn),
        cmocka_unit_test(nt5_ignores_power_and_device_install_policy),
        cmocka_unit_test(nt62_fast_startup_without_hibernation_is_information),
        cmocka_unit_test(power_values_come_from_the_current_control_set),
        cmocka_unit_test(nt62_quiet_machine_has_no_warnings),
        cmocka_unit_test(nt6_deny_device_classes_warns),
        cmocka_unit_test(nt6_system_partition_without_letter_is_information),
        cmocka_unit_test(san_policy_note_says_today_and_what_apply_does),
        cmocka_unit_test(pending_reboot_names_each_reason),
        cmocka_unit_test(bitlocker_on_warns_and_unknown_is_silent),
        cmocka_unit_test(only_third_party_class_filters_are_named),
        cmocka_unit_test(old_tools_say_which_drivers_the_target_needs),
        cmocka_unit_test(firmware_note_and_hyperv_generation_2_limits),
        cmocka_unit_test(probe_reads_the_facts_of_the_current_set),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
