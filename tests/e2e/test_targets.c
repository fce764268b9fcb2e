/* End to end: every target on the Windows generation given as argument (a Wine version
 * name: win2k ... win10), with the real exe, in every control set, then rerun, check
 * and rollback. Fixtures: NT6 and later have their inbox drivers and services (Start=3),
 * Windows 8 and later StartOverride keys; NT5 keeps intelide.sys only in driver.cab. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "fixture.h"
#include "json_check.h"

#define EXE L"p2vprep-" P2V_ARCH_STR L".exe"
#define FAULT_EXE L"p2vprep-fault-" P2V_ARCH_STR L".exe"
#define WORK L"C:\\p2vtest"
#define PAYLOAD WORK L"\\payload"
#define REPORT WORK L"\\report.json"

enum { NT5, NT6, NT62 };
static int gen;
static WORD ver;   /* the emulated version, major << 8 | minor */
static BOOL os64;
static wchar_t winver[32];

/* What each target should leave behind, per generation; NULL service = refused there. */
struct expect {
    const wchar_t *target;
    const wchar_t *service[3];
    const wchar_t *file[3];
    const wchar_t *cdd_id;
    BOOL x86_only;
    BOOL package_on_nt62;   /* stages a driver package on Windows 8+ in this fixture */
    WORD from[3];           /* refused below this version of the generation (0: none) */
    BOOL nt61_update;       /* 6.1: only where an update installed the driver (here: win2008r2) */
    const wchar_t *also[3]; /* further services made boot-start in every set */
};
static const struct expect expects[] = {
    { L"lsilogic", { L"symmpi", L"LSI_SCSI", L"LSI_SCSI" },
      { L"symmpi.sys", L"lsi_scsi.sys", L"lsi_scsi.sys" }, L"pci#ven_1000&dev_0030", FALSE, TRUE, { 0 }, FALSE, { NULL } },
    { L"lsisas1068", { L"LSI_SAS", L"LSI_SAS", L"LSI_SAS" },
      { L"lsi_sas.sys", L"lsi_sas.sys", L"lsi_sas.sys" }, L"pci#ven_1000&dev_0054", FALSE, FALSE, { 0 }, FALSE, { NULL } },
    { L"pvscsi", { L"pvscsi", L"pvscsi", L"pvscsi" },
      { L"pvscsi.sys", L"pvscsi.sys", L"pvscsi.sys" }, L"pci#ven_15ad&dev_07c0", FALSE, TRUE, { 0 }, FALSE, { NULL } },
    { L"buslogic", { L"vmscsi", NULL, NULL }, { L"vmscsi.sys", NULL, NULL },
      L"pci#ven_104b&dev_1040", TRUE, FALSE, { 0 }, FALSE, { NULL } },
    { L"ide", { L"intelide", L"intelide", L"intelide" },
      { L"intelide.sys", L"intelide.sys", L"intelide.sys" }, L"pci#ven_8086&dev_7111", FALSE, FALSE, { 0 }, FALSE, { NULL } },
    { L"sata", { NULL, L"msahci", L"storahci" }, { NULL, L"msahci.sys", L"storahci.sys" },
      L"pci#ven_15ad&dev_07e0", FALSE, FALSE, { 0 }, FALSE, { NULL } },
    { L"virtio-blk", { L"viostor", L"viostor", L"viostor" },
      { L"viostor.sys", L"viostor.sys", L"viostor.sys" }, L"pci#ven_1af4&dev_1001", FALSE, TRUE, { 0 }, FALSE, { NULL } },
    { L"virtio-scsi", { L"vioscsi", L"vioscsi", L"vioscsi" },
      { L"vioscsi.sys", L"vioscsi.sys", L"vioscsi.sys" }, L"pci#ven_1af4&dev_1004", FALSE, TRUE, { 0 }, FALSE, { NULL } },
    { L"nvme", { NULL, L"stornvme", L"stornvme" }, { NULL, L"stornvme.sys", L"stornvme.sys" },
      L"pci#cc_010802", FALSE, FALSE, { 0, 0x0601, 0x0603 }, TRUE, { NULL } },
    /* no CriticalDeviceDatabase entry (VMBus has no PCI ID); the ide set comes along */
    { L"hyperv", { NULL, L"storvsc", L"storvsc" }, { NULL, L"storvsc.sys", L"storvsc.sys" },
      NULL, FALSE, FALSE, { 0, 0x0601, 0 }, FALSE, { L"vmbus", L"intelide", L"atapi" } },
    { L"xen", { L"xenvbd", L"xenvbd", L"xenvbd" }, { L"xenvbd.sys", L"xenvbd.sys", L"xenvbd.sys" },
      L"xenbus#ven_xs0001&dev_vbd&rev_00000001", FALSE, TRUE, { 0 }, FALSE,
      { L"xenbus", L"xenfilt", L"intelide" } },
};

/* Windows 7 / 2008 R2 with Microsoft's NVMe update (KB2990941) installed: here 2008 R2 has
 * it and 7 does not, so both answers are seen. */
static BOOL nt61_update_installed(void) { return ver == 0x0601 && !wcscmp(winver, L"win2008r2"); }

static BOOL refused_here(const struct expect *e)
{
    return !e->service[gen] || (e->x86_only && os64) || ver < e->from[gen] ||
           (e->nt61_update && ver == 0x0601 && !nt61_update_installed());
}

static const wchar_t *const payload_drivers[] = {
    L"symmpi.sys", L"lsi_sas.sys", L"pvscsi.sys", L"vmscsi.sys", L"viostor.sys", L"vioscsi.sys",
    L"lsi_scsi.sys", L"xenbus.sys", L"xenfilt.sys", L"xenvbd.sys", NULL };
static const wchar_t *const packages[] = { L"lsi_scsi", L"pvscsi", L"viostor", L"vioscsi", L"xenbus",
                                           L"xenvbd", NULL };
static const wchar_t *const staged_names[] = { L"lsi_scsi", L"pvscsi", L"viostor", L"vioscsi", L"acme",
                                               L"xenbus", L"xenvbd", NULL };
static const wchar_t *const all_drivers[] = {
    L"symmpi.sys", L"lsi_sas.sys", L"pvscsi.sys", L"vmscsi.sys", L"viostor.sys", L"vioscsi.sys",
    L"lsi_scsi.sys", L"msahci.sys", L"storahci.sys", L"ataport.sys", L"atapi.sys",
    L"intelide.sys", L"pciide.sys", L"pciidex.sys", L"pvscsii.sys", L"acme.sys", L"stornvme.sys",
    L"vpci.sys", L"vmbus.sys", L"storvsc.sys", L"vmstorfl.sys", L"xenbus.sys", L"xenfilt.sys", L"xenvbd.sys", NULL };

/* Inbox drivers of each generation in this fixture; Windows 8+ here no longer has
 * lsi_scsi.sys, so lsilogic takes its package from the payload. */
struct inbox { const wchar_t *service, *file, *group; };
static const struct inbox nt6_inbox[] = {
    { L"LSI_SCSI", L"lsi_scsi.sys", L"SCSI miniport" }, { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport" },
    { L"msahci", L"msahci.sys", L"SCSI miniport" }, { L"atapi", L"atapi.sys", L"SCSI miniport" },
    { L"intelide", L"intelide.sys", L"System Bus Extender" },
    { L"pciide", L"pciide.sys", L"System Bus Extender" }, { NULL, L"pciidex.sys", NULL },
    { NULL, L"ataport.sys", NULL }, { NULL, NULL, NULL } };
static const struct inbox nt62_inbox[] = {
    { L"LSI_SAS", L"lsi_sas.sys", L"SCSI miniport" }, { L"storahci", L"storahci.sys", L"SCSI miniport" },
    { L"atapi", L"atapi.sys", L"SCSI miniport" }, { L"intelide", L"intelide.sys", L"System Bus Extender" },
    { L"pciide", L"pciide.sys", L"System Bus Extender" }, { NULL, L"pciidex.sys", NULL },
    { NULL, L"ataport.sys", NULL }, { L"pci", L"pci.sys", L"Boot Bus Extender" },
    { L"vpci", L"vpci.sys", L"Boot Bus Extender" }, { L"stornvme", L"stornvme.sys", L"SCSI miniport" },
    { NULL, NULL, NULL } };
/* 7 / 2008 R2 and later carry Hyper-V's guest drivers; storflt only from Windows 8 here,
 * so that "where present" is seen both ways. As on real Windows 7, 8.1 and 10 hives, the
 * storflt service runs vmstorfl.sys (there is no storflt.sys) and, from 8 on, a
 * StartOverride stops it. */
static const struct inbox nt61_hyperv[] = {
    { L"vmbus", L"vmbus.sys", L"Boot Bus Extender" }, { L"storvsc", L"storvsc.sys", L"SCSI miniport" },
    { NULL, NULL, NULL } };
static const struct inbox nt62_hyperv[] = {
    { L"vmbus", L"vmbus.sys", L"Boot Bus Extender" }, { L"storvsc", L"storvsc.sys", L"SCSI miniport" },
    { L"storflt", L"vmstorfl.sys", L"SCSI miniport" }, { NULL, NULL, NULL } };
static const struct inbox nt61_update[] = {
    { L"stornvme", L"stornvme.sys", L"SCSI miniport" }, { NULL, NULL, NULL } };

static const wchar_t *arch_dir(void) { return os64 ? L"amd64" : L"x86"; }

/* A 32-bit p2vprep on 64-bit Windows hands package staging to its 64-bit partner beside it
 * (p2vprep-x64.exe; the fault build to p2vprep-fault-x64.exe, which fails and kills as
 * asked, so the fault and kill tests cover the run an admin's x86 exe hands off); without
 * it, it refuses before any change. */
static BOOL handoff_refused_for(const struct expect *e, const wchar_t *partner)
{
    wchar_t x64[MAX_PATH];
    if (!(gen == NT62 && e->package_on_nt62 && os64 && sizeof(void *) == 4))
        return FALSE;
    swprintf(x64, MAX_PATH, L"%ls\\%ls", fx_bin_dir(), partner);
    return !fx_file_exists(x64);
}

static BOOL handoff_refused(const struct expect *e)
{
    return handoff_refused_for(e, L"p2vprep-x64.exe");
}

static BOOL fault_handoff_refused(const struct expect *e)
{
    return handoff_refused(e) || handoff_refused_for(e, L"p2vprep-fault-x64.exe");
}

static wchar_t *path_of(wchar_t *buf, const wchar_t *fmt, const wchar_t *a)
{
    swprintf(buf, MAX_PATH, fmt, fx_systemroot(), a);
    return buf;
}

static BYTE *fake_driver(DWORD *size)
{
    wchar_t src[MAX_PATH];
    BYTE *data;
    swprintf(src, MAX_PATH, L"%ls\\drivers\\%ls\\symmpi.sys", fx_bin_dir(), os64 ? L"amd64" : L"i386");
    assert_true(fx_read_file(src, &data, size));
    return data;
}

/* The test driver with its own name after the image (an overlay, still a valid driver), so
 * that no two files are alike and a restored file is told from a replaced one. */
static BOOL write_driver(const wchar_t *path, const BYTE *drv, DWORD size, const wchar_t *tag)
{
    char tail[160];
    int n = snprintf(tail, sizeof tail, "p2vtest %ls %ls", tag, path);
    BYTE *buf = malloc(size + (DWORD)n);
    memcpy(buf, drv, size);
    memcpy(buf + size, tail, (size_t)n);
    BOOL ok = fx_write_file(path, buf, size + (DWORD)n);
    free(buf);
    return ok;
}

/* Name, size and an FNV-1a hash of every file in a folder (pattern), sorted by the order
 * FindFirstFile gives on one machine: a picture of drivers and staged packages by identity. */
static void picture_files(const wchar_t *pattern, char *out, size_t cap)
{
    WIN32_FIND_DATAW fd;
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    size_t len = strlen(out);
    wcscpy(dir, pattern);
    *wcsrchr(dir, L'\\') = 0;
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return;
    do {
        BYTE *data;
        DWORD n;
        unsigned hash = 2166136261u;
        swprintf(path, MAX_PATH, L"%ls\\%ls", dir, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY || !fx_read_file(path, &data, &n))
            continue;
        for (DWORD i = 0; i < n; i++)
            hash = (hash ^ data[i]) * 16777619u;
        free(data);
        len += (size_t)snprintf(out + len, cap - len, "%ls %lu %08x\n", fd.cFileName, (unsigned long)n, hash);
    } while (FindNextFileW(h, &fd) && len < cap - 400);
    FindClose(h);
}

static char *picture_disk(void)
{
    size_t cap = 256 * 1024;
    char *out = calloc(cap, 1);
    wchar_t pattern[MAX_PATH];
    picture_files(path_of(pattern, L"%ls\\system32\\drivers\\%ls", L"*.sys"), out, cap);
    picture_files(path_of(pattern, L"%ls\\inf\\%ls", L"*.inf"), out, cap);
    return out;
}

/* name.cat: a catalog of name.inf and every driver in its folder (write them first), as
 * a vendor's package has. */
static void write_catalog(const wchar_t *dir, const wchar_t *name, BOOL trusted)
{
    static wchar_t files[32][MAX_PATH];
    wchar_t pattern[MAX_PATH], cat[MAX_PATH];
    const wchar_t *members[32];
    int n = 0;
    WIN32_FIND_DATAW fd;
    swprintf(files[n], MAX_PATH, L"%ls\\%ls.inf", dir, name);
    members[n] = files[n];
    n++;
    swprintf(pattern, MAX_PATH, L"%ls\\*.sys", dir);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            assert_true(n < 32);
            {
                swprintf(files[n], MAX_PATH, L"%ls\\%ls", dir, fd.cFileName);
                members[n] = files[n];
                n++;
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    swprintf(cat, MAX_PATH, L"%ls\\%ls.cat", dir, name);
    assert_true(fx_write_catalog(cat, members, n, trusted));
}

static void write_inf(const wchar_t *dir, const wchar_t *name)
{
    char text[2048];
    wchar_t path[MAX_PATH];
    int n = snprintf(text, sizeof text,
        "[Version]\r\nSignature=\"$Windows NT$\"\r\nClass=SCSIAdapter\r\n"
        "ClassGuid={4D36E97B-E325-11CE-BFC1-08002BE10318}\r\nProvider=%%P%%\r\n"
        "CatalogFile=%ls.cat\r\nDriverVer=01/01/2020,1.0.0.0\r\n\r\n"
        "[Manufacturer]\r\n%%P%%=Models,NTx86,NTamd64\r\n\r\n"
        "[Models]\r\n%%D%%=Install,PCI\\VEN_1234&DEV_0001\r\n"
        "[Models.NTx86]\r\n%%D%%=Install,PCI\\VEN_1234&DEV_0001\r\n"
        "[Models.NTamd64]\r\n%%D%%=Install,PCI\\VEN_1234&DEV_0001\r\n\r\n"
        "[Install]\r\nCopyFiles=Files\r\n[Files]\r\n%ls.sys\r\n"
        "[Install.Services]\r\nAddService=%ls,2,Service\r\n"
        "[Service]\r\nServiceType=1\r\nStartType=0\r\nErrorControl=1\r\n"
        "ServiceBinary=%%12%%\\%ls.sys\r\nLoadOrderGroup=SCSI miniport\r\n\r\n"
        "[Strings]\r\nP=\"p2vprep test vendor\"\r\nD=\"test controller %ls\"\r\n",
        name, name, name, name, name);
    swprintf(path, MAX_PATH, L"%ls\\%ls.inf", dir, name);
    assert_true(fx_write_file(path, text, (DWORD)n));
    write_catalog(dir, name, TRUE);
}
static void reset_files(void)
{
    wchar_t path[MAX_PATH], pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    for (const wchar_t *const *f = all_drivers; *f; f++)
        fx_delete_file(path_of(path, L"%ls\\system32\\drivers\\%ls", *f));
    fx_delete_dir(path_of(path, L"%ls\\Driver Cache", L""));
    for (const wchar_t *const *n = staged_names; *n; n++) {   /* staged by an earlier test */
        swprintf(pattern, MAX_PATH, L"%ls.inf", *n);
        fx_delete_file(path_of(path, L"%ls\\inf\\%ls", pattern));
        swprintf(pattern, MAX_PATH, L"%ls.pnf", *n);
        fx_delete_file(path_of(path, L"%ls\\inf\\%ls", pattern));
    }
    swprintf(pattern, MAX_PATH, L"%ls\\inf\\oem*", fx_systemroot());
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do
            fx_delete_file(path_of(path, L"%ls\\inf\\%ls", fd.cFileName));
        while (FindNextFileW(h, &fd));
        FindClose(h);
    }
}

static void shape_inbox(const struct inbox *list, DWORD size, const BYTE *drv)
{
    wchar_t path[MAX_PATH], key[256], image[128];
    for (const struct inbox *i = list; i->file; i++) {
        assert_true(write_driver(path_of(path, L"%ls\\system32\\drivers\\%ls", i->file), drv, size, L"inbox"));
        if (!i->service)
            continue;
        for (int s = 1; s <= 3; s++) {
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\%ls", s, i->service);
            swprintf(image, 128, L"\\SystemRoot\\System32\\drivers\\%ls", i->file);
            fx_set_dword(key, L"Type", 1);
            fx_set_dword(key, L"Start", 3);
            fx_set_dword(key, L"ErrorControl", 1);
            fx_set_sz(key, L"Group", REG_SZ, i->group);
            fx_set_sz(key, L"ImagePath", REG_EXPAND_SZ, image);
            if (gen == NT62 && (!wcscmp(i->service, L"LSI_SAS") || !wcscmp(i->service, L"storahci") ||
                                !wcscmp(i->service, L"pci") || !wcscmp(i->service, L"vpci") ||
                                !wcscmp(i->service, L"stornvme") || !wcscmp(i->service, L"storvsc") ||
                                !wcscmp(i->service, L"storflt"))) {
                wcscat(key, L"\\StartOverride");
                fx_set_dword(key, L"0", 3);
            }
        }
    }
}

static int machine(void **state)
{
    struct fixture f = { winver, { 1, 2, 3 }, 3, { 2, 2, 3, 0 } };
    wchar_t dir[MAX_PATH], path[MAX_PATH];
    DWORD size;
    fx_shape(&f);
    reset_files();
    BYTE *drv = fake_driver(&size);
    if (gen == NT5) {
        /* atapi, pciide and pciidex installed; intelide only in the driver cabinet */
        static const wchar_t *const nt5[] = { L"atapi.sys", L"pciide.sys", L"pciidex.sys", NULL };
        for (const wchar_t *const *n = nt5; *n; n++)
            assert_true(write_driver(path_of(path, L"%ls\\system32\\drivers\\%ls", *n), drv, size, L"inbox"));
        swprintf(dir, MAX_PATH, L"%ls\\Driver Cache", fx_systemroot());
        CreateDirectoryW(dir, NULL);
        swprintf(dir + wcslen(dir), 16, L"\\%ls", os64 ? L"amd64" : L"i386");
        CreateDirectoryW(dir, NULL);
        wchar_t cab[MAX_PATH];
        swprintf(cab, MAX_PATH, L"%ls\\drivers\\%ls\\driver.cab", fx_bin_dir(), os64 ? L"amd64" : L"i386");
        swprintf(path, MAX_PATH, L"%ls\\driver.cab", dir);
        assert_true(fx_copy_file(cab, path));
    } else {
        shape_inbox(gen == NT6 ? nt6_inbox : nt62_inbox, size, drv);
        if (nt61_update_installed())
            shape_inbox(nt61_update, size, drv);
        if (ver >= 0x0601)
            shape_inbox(gen == NT6 ? nt61_hyperv : nt62_hyperv, size, drv);
    }
    fx_delete_dir(WORK);
    CreateDirectoryW(WORK, NULL);
    CreateDirectoryW(PAYLOAD, NULL);
    swprintf(dir, MAX_PATH, L"%ls\\%ls", PAYLOAD, arch_dir());
    CreateDirectoryW(dir, NULL);
    for (const wchar_t *const *n = payload_drivers; *n; n++) {
        swprintf(path, MAX_PATH, L"%ls\\%ls", dir, *n);
        assert_true(write_driver(path, drv, size, L"payload"));
    }
    for (const wchar_t *const *n = packages; *n; n++)
        write_inf(dir, *n);
    free(drv);
    return 0;
}

static char *read_report(void)
{
    BYTE *data = NULL;
    DWORD size;
    char err[128];
    if (!fx_read_file(REPORT, &data, &size))
        fail_msg("no report at %ls", REPORT);
    if (!json_check((const char *)data, size, err, sizeof err))
        fail_msg("the report is not JSON: %s", err);
    data = realloc(data, size + 1);
    data[size] = 0;
    return (char *)data;
}

static int count_oem_infs(void)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    int n = 0;
    /* the installer names staged INFs oemNN.inf; Wine keeps their own names */
    swprintf(pattern, MAX_PATH, L"%ls\\inf\\*.inf", fx_systemroot());
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do
            n++;
        while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    return n;
}

/* Unsigned test drivers: 64-bit Vista/7 needs --allow-unsigned for payload drivers. */
static const wchar_t *extra_args(void)
{
    return os64 && gen == NT6 ? L" --allow-unsigned" : L"";
}

static void assert_start(const wchar_t *svc, int set, DWORD want)
{
    wchar_t key[256];
    DWORD d = 99;
    swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\%ls", set, svc);
    if (!fx_get_dword(key, L"Start", &d) || d != want)
        fail_msg("%ls: Start is %lu in ControlSet%03d, expected %lu", svc, d, set, want);
}

static void assert_boot_start(const struct expect *e)
{
    const wchar_t *svc = e->service[gen];
    for (int s = 1; s <= 3; s++) {
        wchar_t key[256];
        DWORD d = 99;
        swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\%ls", s, svc);
        assert_true(fx_get_dword(key, L"Start", &d));
        if (d != 0)
            fail_msg("%ls: Start is %lu in ControlSet%03d", svc, d, s);
        wcscat(key, L"\\StartOverride");
        assert_false(fx_key_exists(key));
        if (gen == NT62) {
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\pci\\StartOverride", s);
            assert_false(fx_key_exists(key));
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\vpci\\StartOverride", s);
            assert_false(fx_key_exists(key));
        } else if (e->cdd_id) {
            BYTE data[256];
            DWORD type, size = sizeof data;
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Control\\CriticalDeviceDatabase\\%ls", s, e->cdd_id);
            assert_true(fx_get(key, L"Service", &type, data, &size));
            if (_wcsicmp((wchar_t *)data, svc))
                fail_msg("%ls: CriticalDeviceDatabase %ls -> %ls", e->target, e->cdd_id, (wchar_t *)data);
        }
    }
    for (int s = 1; s <= 3; s++)
        for (int i = 0; i < 3 && e->also[i]; i++)
            assert_start(e->also[i], s, 0);
    wchar_t path[MAX_PATH];
    assert_true(fx_file_exists(path_of(path, L"%ls\\system32\\drivers\\%ls", e->file[gen])));
}

static void one_target(const struct expect *e)
{
    wchar_t args[512], path[MAX_PATH];
    char *out;
    BOOL refused = refused_here(e);
    print_message("--- %ls\n", e->target);
    BOOL file_before = e->file[gen] && fx_file_exists(path_of(path, L"%ls\\system32\\drivers\\%ls", e->file[gen]));
    int oem_before = count_oem_infs();
    wchar_t *before = fx_export_sets();
    char *disk_before = picture_disk();

    swprintf(args, 512, L"apply --target %ls --payload " PAYLOAD L" --report " REPORT L"%ls",
             e->target, extra_args());
    int rc = fx_run(EXE, args, &out);
    if (handoff_refused(e)) {
        print_message("(no p2vprep-x64.exe beside the 32-bit exe: the refusal is what is checked)\n");
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, "Run p2vprep-x64.exe"));
        refused = TRUE;
    }
    if (refused) {
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, "Nothing was changed"));
        if (e->nt61_update && ver == 0x0601)   /* the refusal names the update to install */
            assert_non_null(strstr(out, "KB2990941"));
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        free(after);
        free(out);
        free(before);
        char *disk_after = picture_disk();
        assert_string_equal(disk_before, disk_after);
        free(disk_before);
        free(disk_after);
        return;
    }
    free(out);
    if (rc != 0)
        fail_msg("%ls: apply exit %d", e->target, rc);
    assert_boot_start(e);
    if (gen == NT62 && e->package_on_nt62)
        assert_true(count_oem_infs() > oem_before);   /* the package is staged */

    /* rerun: nothing to do, not a single write */
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    char *json = read_report();
    assert_non_null(strstr(json, "\"writes\": 0"));
    assert_non_null(strstr(json, "\"changes\": []"));
    free(json);
    swprintf(args, 512, L"check --target %ls --payload " PAYLOAD L"%ls", e->target, extra_args());
    assert_int_equal(fx_run(EXE, args, NULL), 0);

    /* rollback: exactly as before */
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    if (wcscmp(before, after))
        fail_msg("%ls: registry differs after rollback", e->target);
    assert_int_equal(fx_file_exists(path_of(path, L"%ls\\system32\\drivers\\%ls", e->file[gen])), file_before);
    assert_int_equal(count_oem_infs(), oem_before);
    /* every driver and staged INF by content, not by count */
    char *disk_after = picture_disk();
    if (strcmp(disk_before, disk_after))
        fail_msg("%ls: files differ after rollback:\n%s---\n%s", e->target, disk_before, disk_after);
    free(disk_after);
    free(disk_before);
    free(before);
    free(after);
}

#define TARGET_TEST(fn, i) static void fn(void **state) { one_target(&expects[i]); }
TARGET_TEST(lsilogic, 0)
TARGET_TEST(lsisas1068, 1)
TARGET_TEST(pvscsi, 2)
TARGET_TEST(buslogic, 3)
TARGET_TEST(ide, 4)
TARGET_TEST(sata, 5)
TARGET_TEST(virtio_blk, 6)
TARGET_TEST(virtio_scsi, 7)
TARGET_TEST(nvme, 8)
TARGET_TEST(hyperv, 9)
TARGET_TEST(xen, 10)

/* hyperv --no-ide leaves the IDE services as they were; storflt is made boot-start where
 * Windows has it (here from Windows 8) and not created where it has not. */
static void hyperv_without_ide_and_storflt_where_present(void **state)
{
    const struct expect *e = &expects[9];
    wchar_t key[256];
    if (refused_here(e))
        return (void)print_message("hyperv is refused here: one_target checks that\n");
    assert_int_equal(fx_run(EXE, L"apply --target hyperv --no-ide --san-policy keep --report " REPORT, NULL), 0);
    char *json = read_report();
    assert_null(strstr(json, "\"ide\""));
    free(json);
    for (int s = 1; s <= 3; s++) {
        assert_start(L"storvsc", s, 0);
        assert_start(L"vmbus", s, 0);
        assert_start(L"intelide", s, 3);
        swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\partmgr\\Parameters", s);
        assert_false(fx_key_exists(key));   /* --san-policy keep */
        if (gen == NT62) {
            assert_start(L"storflt", s, 0);
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\storflt\\StartOverride", s);
            assert_false(fx_key_exists(key));
        } else {
            swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\Services\\storflt", s);
            assert_false(fx_key_exists(key));
        }
    }
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
}

static void several_targets_in_one_run(void **state)
{
    wchar_t args[256];
    swprintf(args, 256, L"apply --target lsilogic,pvscsi --payload " PAYLOAD L"%ls", extra_args());
    if (handoff_refused(&expects[0])) {
        /* a package to stage and no p2vprep-x64.exe beside: refused, nothing changed */
        wchar_t *before = fx_export_sets();
        assert_int_equal(fx_run(EXE, args, NULL), 2);
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        free(before);
        free(after);
        return;
    }
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    assert_boot_start(&expects[0]);
    assert_boot_start(&expects[2]);
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(before);
    free(after);
}

/* Every write of an apply failed in turn, with an old driver in the way of the copy: on
 * NT5 lsilogic and pvscsi (values, keys, a file replaced), on NT6 lsisas1068 and pvscsi
 * (an inbox service, a payload file), on Windows 8+ the same with StartOverride keys
 * deleted and a driver package staged. After each: exit 5, registry, drivers and staged
 * packages as they were. */
static void a_failure_at_any_write_leaves_everything_as_it_was(void **state)
{
    const wchar_t *targets = gen == NT5 ? L"lsilogic,pvscsi" : L"lsisas1068,pvscsi";
    wchar_t args[512], path[MAX_PATH], at[16];
    if (fault_handoff_refused(&expects[2]))
        return (void)print_message("pvscsi stages a package here and no 64-bit partner is beside: "
                                   "several_targets_in_one_run checks that refusal\n");
    DWORD size;
    BYTE *drv = fake_driver(&size);
    assert_true(write_driver(path_of(path, L"%ls\\system32\\drivers\\%ls", L"pvscsi.sys"), drv, size, L"old"));
    free(drv);
    swprintf(args, 512, L"apply --target %ls --payload " PAYLOAD L"%ls", targets, extra_args());
    wchar_t *before = fx_export_sets();
    char *disk_before = picture_disk();
    int n;
    for (n = 1; n < 400; n++) {
        char *out;
        swprintf(at, 16, L"%d", n);
        fx_setenv(L"P2VPREP_FAULT_AT", at);
        int rc = fx_run(FAULT_EXE, args, &out);
        fx_setenv(L"P2VPREP_FAULT_AT", NULL);
        if (rc == 0) {
            free(out);
            break;
        }
        if (rc != 5)
            fail_msg("write %d failed: exit %d, expected 5\n%s", n, rc, out);
        free(out);
        wchar_t *after = fx_export_sets();
        if (wcscmp(before, after))
            fail_msg("write %d failed: the registry differs after the undo", n);
        free(after);
        char *disk_after = picture_disk();
        if (strcmp(disk_before, disk_after))
            fail_msg("write %d failed: files differ after the undo:\n%s---\n%s", n, disk_before, disk_after);
        free(disk_after);
    }
    print_message("apply made %d writes; each one failed in turn was undone\n", n - 1);
    assert_true(n > 5);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    char *disk_after = picture_disk();
    assert_string_equal(disk_before, disk_after);
    free(after);
    free(disk_after);
    free(before);
    free(disk_before);
}

/* Windows 10 with a driver package: the process killed right after each write (staging
 * included: killed after Windows took the package, before the journal named it). After
 * each, rollback puts registry, drivers and the driver store back as they were. */
static void a_kill_after_any_write_on_windows_10_is_rolled_back(void **state)
{
    if (wcscmp(winver, L"win10") || fault_handoff_refused(&expects[2]))
        return (void)print_message("run on the win10 cell of a build that stages packages itself\n");
    wchar_t args[512], at[16];
    swprintf(args, 512, L"apply --target lsisas1068,pvscsi --payload " PAYLOAD L"%ls", extra_args());
    wchar_t *before = fx_export_sets();
    char *disk_before = picture_disk();
    int n, staged_cut = 0;
    for (n = 1; n < 400; n++) {
        char *out;
        swprintf(at, 16, L"%d", n);
        fx_setenv(L"P2VPREP_FAULT_KILL", L"after");
        fx_setenv(L"P2VPREP_FAULT_AT", at);
        int rc = fx_run(FAULT_EXE, args, &out);
        fx_setenv(L"P2VPREP_FAULT_KILL", NULL);
        fx_setenv(L"P2VPREP_FAULT_AT", NULL);
        staged_cut += strstr(out, "stage   driver package") && !strstr(out, "Applied");
        free(out);
        if (rc == 0) {
            assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
            break;
        }
        assert_int_equal(rc, 99);
        int rb = fx_run(EXE, L"rollback", &out);
        if (rb != 0)
            fail_msg("killed after write %d: rollback exit %d\n%s", n, rb, out);
        free(out);
        wchar_t *after = fx_export_sets();
        if (wcscmp(before, after))
            fail_msg("killed after write %d: the registry differs after rollback", n);
        free(after);
        char *disk_after = picture_disk();
        if (strcmp(disk_before, disk_after))
            fail_msg("killed after write %d: files differ after rollback:\n%s---\n%s", n, disk_before, disk_after);
        free(disk_after);
    }
    print_message("killed after each of %d writes (the package staging among them: %d runs got that far)\n",
                  n - 1, staged_cut);
    assert_true(n > 10);
    assert_true(staged_cut > 0);
    free(before);
    free(disk_before);
}

static void assert_dword_in_sets(const wchar_t *sub, const wchar_t *name, DWORD want)
{
    for (int s = 1; s <= 3; s++) {
        wchar_t key[256];
        DWORD d = 99;
        swprintf(key, 256, L"SYSTEM\\ControlSet%03d\\%ls", s, sub);
        if (!fx_get_dword(key, name, &d) || d != want)
            fail_msg("ControlSet%03d\\%ls\\%ls is %lu, expected %lu", s, sub, name, d, want);
    }
}

/* --san-policy online and --crash-visible: SanPolicy = 1 and AutoReboot = 0 in every set,
 * whatever each set held; a rerun writes nothing; rollback restores each set's own value
 * (or its absence). 2000/XP/2003 have no SAN policy: asking for it is refused, nothing
 * changed; hyperv turns it on by default. */
static void san_policy_and_auto_reboot_round_trip(void **state)
{
    wchar_t args[512];
    char *out;
    fx_set_dword(L"SYSTEM\\ControlSet001\\Services\\partmgr\\Parameters", L"SanPolicy", 2);
    fx_set_dword(L"SYSTEM\\ControlSet003\\Services\\partmgr\\Parameters", L"SanPolicy", 3);
    fx_set_dword(L"SYSTEM\\ControlSet002\\Control\\CrashControl", L"AutoReboot", 1);
    fx_set_dword(L"SYSTEM\\ControlSet003\\Control\\CrashControl", L"AutoReboot", 0);
    /* check says today's policy (ControlSet001 is not the current set here) */
    fx_run(EXE, L"check --target ide --report " REPORT, NULL);
    char *json = read_report();
    assert_non_null(strstr(json, "\"firmware\": \""));
    assert_non_null(strstr(json, "\"bitlocker\": \""));
    if (gen != NT5) {
        assert_non_null(strstr(json, "\"code\": \"san-policy\""));
        assert_non_null(strstr(json, "\"san_policy\": null"));   /* Select\Current = 2, whose set has none */
    }
    free(json);
    wchar_t *before = fx_export_sets();
    swprintf(args, 512, L"apply --target ide --san-policy online --crash-visible --report " REPORT);
    int rc = fx_run(EXE, args, &out);
    if (gen == NT5) {
        assert_int_equal(rc, 2);
        assert_non_null(strstr(out, "no SAN policy"));
        free(out);
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        free(after);
        swprintf(args, 512, L"apply --target ide --crash-visible --report " REPORT);
        rc = fx_run(EXE, args, &out);
    }
    if (rc != 0)
        fail_msg("apply exit %d:\n%s", rc, out);
    free(out);
    assert_dword_in_sets(L"Control\\CrashControl", L"AutoReboot", 0);
    if (gen != NT5)
        assert_dword_in_sets(L"Services\\partmgr\\Parameters", L"SanPolicy", 1);
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    json = read_report();
    assert_non_null(strstr(json, "\"writes\": 0"));
    free(json);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    if (wcscmp(before, after))
        fail_msg("the registry differs after rollback");
    free(after);
    free(before);

    /* hyperv: SanPolicy online by default */
    if (refused_here(&expects[9]))
        return;
    assert_int_equal(fx_run(EXE, L"apply --target hyperv", NULL), 0);
    assert_dword_in_sets(L"Services\\partmgr\\Parameters", L"SanPolicy", 1);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
}

/* `targets` names every target, and for the new ones the versions, the update, the ide
 * set and the optional storflt. */
static void targets_lists_every_target(void **state)
{
    char *out;
    assert_int_equal(fx_run(EXE, L"targets", &out), 0);
    for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "%ls: ", expects[i].target);
        if (!strstr(out, name))
            fail_msg("targets does not list %s", name);
    }
    assert_non_null(strstr(out, "PCI\\CC_010802"));
    assert_non_null(strstr(out, "Windows 8.1/2012 R2 or later: stornvme (inbox stornvme.sys)"));
    assert_non_null(strstr(out, "Windows 8/2012: refused"));
    assert_non_null(strstr(out, "KB2990941"));
    assert_non_null(strstr(out, "with the ide target"));
    assert_non_null(strstr(out, "storflt (inbox vmstorfl.sys, where Windows has it)"));
    assert_non_null(strstr(out, "xenbus.inf with its catalog + xenvbd.inf with its catalog"));
    free(out);
}

static void check_all_prints_a_table(void **state)
{
    char *out;
    int rc = fx_run(EXE, L"check --target all --payload " PAYLOAD, &out);
    assert_int_equal(rc, 1);   /* nothing applied yet */
    assert_non_null(strstr(out, "verdict"));
    for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "\n%ls ", expects[i].target);
        const char *row = strstr(out, name);
        if (!row)
            fail_msg("no row for %s", name + 1);
        BOOL refused = refused_here(&expects[i]);
        if (refused != !strncmp(row + 16, "unsupported here", 16))
            fail_msg("row for %ls: %.60s", expects[i].target, row + 1);
    }
    free(out);
}

/* A controller p2vprep has no entry for, given by its vendor INF with its files beside it. */
static void vendor_driver_from_its_inf(void **state)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH], args[512];
    DWORD size;
    swprintf(dir, MAX_PATH, L"%ls\\vendor", WORK);
    CreateDirectoryW(dir, NULL);
    BYTE *drv = fake_driver(&size);
    swprintf(path, MAX_PATH, L"%ls\\acme.sys", dir);
    assert_true(fx_write_file(path, drv, size));
    free(drv);
    write_inf(dir, L"acme");
    static const struct expect acme = { L"inf:acme", { L"acme", L"acme", L"acme" },
        { L"acme.sys", L"acme.sys", L"acme.sys" }, L"pci#ven_1234&dev_0001", FALSE, TRUE, { 0 }, FALSE, { NULL } };

    wchar_t *before = fx_export_sets();
    int oem_before = count_oem_infs();
    char *out;
    if (handoff_refused(&acme)) {
        swprintf(args, 512, L"apply --inf %ls\\acme.inf", dir);
        assert_int_equal(fx_run(EXE, args, NULL), 2);
        wchar_t *after = fx_export_sets();
        assert_true(!wcscmp(before, after));
        free(before);
        free(after);
        return;
    }
    swprintf(args, 512, L"plan --inf %ls\\acme.inf%ls", dir, extra_args());
    assert_int_equal(fx_run(EXE, args, &out), 0);
    assert_non_null(strstr(out, "PCI\\VEN_1234&DEV_0001"));   /* what it derived */
    free(out);
    swprintf(args, 512, L"apply --inf %ls\\acme.inf%ls", dir, extra_args());
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    assert_boot_start(&acme);
    if (gen == NT62)
        assert_true(count_oem_infs() > oem_before);
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    assert_false(fx_file_exists(path_of(path, L"%ls\\system32\\drivers\\%ls", L"acme.sys")));
    assert_int_equal(count_oem_infs(), oem_before);
    free(before);
    free(after);
    /* an INF that is not there: exit 3, nothing changed */
    assert_int_equal(fx_run(EXE, L"apply --inf C:\\nowhere\\x.inf", &out), 3);
    assert_non_null(strstr(out, "x.inf"));
    free(out);
}

/* The staged INF's name, among oemNN.inf files of the INF folder, that is not in names
 * ("|a.inf|b.inf|" as listed before). */
static BOOL new_oem_inf(const wchar_t *names, wchar_t *found)
{
    wchar_t pattern[MAX_PATH], bar[MAX_PATH + 2];
    WIN32_FIND_DATAW fd;
    BOOL got = FALSE;
    swprintf(pattern, MAX_PATH, L"%ls\\inf\\*.inf", fx_systemroot());
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    do {
        swprintf(bar, MAX_PATH + 2, L"|%ls|", fd.cFileName);
        if (!got && !wcsstr(names, bar)) {
            wcscpy(found, fd.cFileName);
            got = TRUE;
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return got;
}

static void list_infs(wchar_t *names, size_t cch)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW fd;
    swprintf(pattern, MAX_PATH, L"%ls\\inf\\*.inf", fx_systemroot());
    wcscpy(names, L"|");
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return;
    do {
        assert_true(wcslen(names) + wcslen(fd.cFileName) + 2 < cch);
        wcscat(names, fd.cFileName);
        wcscat(names, L"|");
    } while (FindNextFileW(h, &fd));
    FindClose(h);
}

/* Windows reuses oemNN.inf names: a package p2vprep staged, removed since, and another one
 * given its name. Rollback leaves that other package alone (the journal kept the digest of
 * the INF it staged) and says so. */
static void rollback_keeps_another_package_under_a_reused_name(void **state)
{
    if (gen != NT62 || handoff_refused(&expects[0])) {
        print_message("no driver packages staged here\n");
        return;
    }
    wchar_t dir[MAX_PATH], path[MAX_PATH], args[512], names[16384], oem[MAX_PATH];
    DWORD size;
    swprintf(dir, MAX_PATH, L"%ls\\reuse", WORK);
    CreateDirectoryW(dir, NULL);
    BYTE *drv = fake_driver(&size);
    swprintf(path, MAX_PATH, L"%ls\\reuse.sys", dir);
    assert_true(fx_write_file(path, drv, size));
    free(drv);
    write_inf(dir, L"reuse");
    list_infs(names, 16384);
    swprintf(args, 512, L"apply --inf %ls\\reuse.inf", dir);
    assert_int_equal(fx_run(EXE, args, NULL), 0);
    assert_true(new_oem_inf(names, oem));
    /* another vendor's package now holds that name */
    static const char other[] = "[Version]\r\nSignature=\"$Windows NT$\"\r\nProvider=\"another vendor\"\r\n";
    swprintf(path, MAX_PATH, L"%ls\\inf\\%ls", fx_systemroot(), oem);
    assert_true(fx_write_file(path, other, sizeof other - 1));
    char *out;
    assert_int_equal(fx_run(EXE, L"rollback", &out), 0);
    assert_non_null(strstr(out, "no longer the package staged"));
    free(out);
    BYTE *now;
    assert_true(fx_read_file(path, &now, &size));
    assert_int_equal(size, sizeof other - 1);
    assert_memory_equal(now, other, size);
    free(now);
    fx_delete_file(path);
}

static void unsigned_payload_on_64bit_vista_is_refused(void **state)
{
    if (!(os64 && gen == NT6)) {
        print_message("not 64-bit Vista/7 here: the same apply needs no flag\n");
        assert_int_equal(fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, NULL),
                         handoff_refused(&expects[2]) ? 2 : 0);
        return;
    }
    char *out;
    wchar_t *before = fx_export_sets();
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, &out), 3);
    assert_non_null(strstr(out, "no Authenticode signature"));
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(out);
    free(after);
    /* the same driver with a signature goes in without the flag */
    wchar_t src[MAX_PATH], dst[MAX_PATH];
    swprintf(src, MAX_PATH, L"%ls\\drivers\\amd64\\signed.sys", fx_bin_dir());
    swprintf(dst, MAX_PATH, L"%ls\\amd64\\pvscsi.sys", PAYLOAD);
    /* the signed driver with one byte of its code changed still carries its certificate
     * table; WinVerifyTrust finds the digest wrong: exit 3 even with --allow-unsigned */
    BYTE *data;
    DWORD size;
    assert_true(fx_read_file(src, &data, &size));
    assert_true(size > 0x500);
    data[0x440] ^= 0x5a;
    assert_true(fx_write_file(dst, data, size));
    free(data);
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --allow-unsigned --payload " PAYLOAD, &out), 3);
    assert_non_null(strstr(out, "altered after it was signed"));
    assert_non_null(strstr(out, "0x80096010"));
    free(out);
    after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(after);
    assert_true(fx_copy_file(src, dst));
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, &out), 0);
    /* signed with SHA-256 only: Vista/7 load it only with SHA-2 code signing support */
    assert_non_null(strstr(out, "KB4474419"));
    free(out);
    free(before);
    assert_boot_start(&expects[2]);
}

/* A signature this Windows trusts only for programs (its root is a CA in the machine's
 * store, as a company CA would be) is not one the 64-bit kernel loads a boot driver from:
 * without test signing in the last boot's options apply refuses it (exit 3, nothing
 * changed); with test signing (the test machines' default) it goes in. Vista/7 judge the
 * driver's own signature, 8 and later its package's catalog. */
static void a_signature_trusted_for_programs_only_is_refused_without_test_signing(void **state)
{
    if (!os64 || gen == NT5) {
        print_message("not 64-bit Vista or later here: no kernel signing policy\n");
        return;
    }
    if (gen == NT6) {
        wchar_t src[MAX_PATH], dst[MAX_PATH];
        swprintf(src, MAX_PATH, L"%ls\\drivers\\amd64\\signed.sys", fx_bin_dir());
        swprintf(dst, MAX_PATH, L"%ls\\amd64\\pvscsi.sys", PAYLOAD);
        assert_true(fx_copy_file(src, dst));
    }
    static const wchar_t control[] = L"SYSTEM\\ControlSet002\\Control";   /* Select Current=2 */
    fx_set_sz(control, L"SystemStartOptions", REG_SZ, L" NOEXECUTE=OPTIN");
    wchar_t *before = fx_export_sets();
    char *out;
    int rc = fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, &out);
    if (rc != 3 || !strstr(out, "not in a root the 64-bit kernel loads boot drivers from"))
        fail_msg("apply without test signing: exit %d (3 expected)\n%s", rc, out);
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(after);
    free(before);
    fx_set_sz(control, L"SystemStartOptions", REG_SZ, L" NOEXECUTE=OPTIN  TESTSIGNING");
    rc = fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, &out);
    if (rc != (handoff_refused(&expects[2]) ? 2 : 0) || strstr(out, "not in a root the 64-bit kernel"))
        fail_msg("apply with test signing: exit %d\n%s", rc, out);
    free(out);
    assert_int_equal(fx_run(EXE, L"rollback", NULL), 0);
}

/* Writes data to path with one bit of byte at changed. */
static void write_flipped(const wchar_t *path, const BYTE *data, DWORD size, DWORD at)
{
    BYTE *copy = malloc(size);
    memcpy(copy, data, size);
    copy[at] ^= 0x01;
    assert_true(fx_write_file(path, copy, size));
    free(copy);
}

/* 64-bit Windows 8 and later: a package's catalog signs its driver and its INF only when
 * it lists them and carries a signature Windows trusts. */
static void a_package_catalog_must_list_its_files_and_be_trusted(void **state)
{
    if (!(os64 && gen == NT62)) {
        print_message("not 64-bit Windows 8 or later here: no package is staged\n");
        return;
    }
    wchar_t dir[MAX_PATH], sys[MAX_PATH], cat[MAX_PATH];
    swprintf(dir, MAX_PATH, L"%ls\\amd64", PAYLOAD);
    swprintf(sys, MAX_PATH, L"%ls\\pvscsi.sys", dir);
    swprintf(cat, MAX_PATH, L"%ls\\pvscsi.cat", dir);
    BYTE *drv, *catalog;
    DWORD n_drv, n_cat;
    assert_true(fx_read_file(sys, &drv, &n_drv));
    assert_true(fx_read_file(cat, &catalog, &n_cat));
    wchar_t *before = fx_export_sets();
    char *disk_before = picture_disk();
    char *out;

    /* the driver changed after its catalog was signed: never, not even with --allow-unsigned */
    write_flipped(sys, drv, n_drv, n_drv - 1);
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --allow-unsigned --payload " PAYLOAD, &out), 3);
    assert_non_null(strstr(out, "pvscsi.sys is not listed in its package's catalog"));
    assert_non_null(strstr(out, "Nothing was changed"));
    free(out);
    assert_true(fx_write_file(sys, drv, n_drv));

    /* a catalog with one byte of its signature changed */
    write_flipped(cat, catalog, n_cat, n_cat - 8);
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --allow-unsigned --payload " PAYLOAD, &out), 3);
    assert_non_null(strstr(out, "damaged or unsigned"));
    free(out);

    /* a catalog by a certificate this Windows does not trust: only with --allow-unsigned */
    write_catalog(dir, L"pvscsi", FALSE);
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --payload " PAYLOAD, &out), 3);
    assert_non_null(strstr(out, "does not trust (WinVerifyTrust: 0x800b0109)"));
    free(out);
    wchar_t *after = fx_export_sets();
    assert_true(!wcscmp(before, after));
    free(after);
    char *disk_after = picture_disk();
    assert_string_equal(disk_before, disk_after);
    free(disk_after);
    free(disk_before);
    assert_int_equal(fx_run(EXE, L"apply --target pvscsi --allow-unsigned --payload " PAYLOAD, &out), 0);
    assert_non_null(strstr(out, "THIS server"));
    free(out);
    assert_boot_start(&expects[2]);
    assert_true(fx_write_file(cat, catalog, n_cat));
    free(before);
    free(drv);
    free(catalog);
}

int main(int argc, char **argv)
{
    BOOL wow = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow);
    os64 = wow || sizeof(void *) == 8;
    const char *v = argc > 1 ? argv[1] : "win2003";
    swprintf(winver, 32, L"%hs", v);
    gen = !strncmp(v, "win8", 4) || !strncmp(v, "win10", 5) || !strncmp(v, "win81", 5) ? NT62
        : !strcmp(v, "vista") || !strncmp(v, "win2008", 7) || !strcmp(v, "win7") ? NT6 : NT5;
    static const struct { const char *name; WORD ver; } versions[] = {
        { "win2k", 0x0500 }, { "winxp", 0x0501 }, { "win2003", 0x0502 }, { "winxp64", 0x0502 },
        { "vista", 0x0600 }, { "win2008", 0x0600 }, { "win7", 0x0601 }, { "win2008r2", 0x0601 },
        { "win8", 0x0602 }, { "win81", 0x0603 }, { "win10", 0x0A00 } };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (!strcmp(v, versions[i].name))
            ver = versions[i].ver;
    if (!ver) {
        fprintf(stderr, "unknown Windows version name %s\n", v);
        return 1;
    }
    printf("emulating %ls, %ls exe on %ls Windows\n", winver, P2V_ARCH_STR, os64 ? L"64-bit" : L"32-bit");

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(lsilogic, machine),
        cmocka_unit_test_setup(lsisas1068, machine),
        cmocka_unit_test_setup(pvscsi, machine),
        cmocka_unit_test_setup(buslogic, machine),
        cmocka_unit_test_setup(ide, machine),
        cmocka_unit_test_setup(sata, machine),
        cmocka_unit_test_setup(virtio_blk, machine),
        cmocka_unit_test_setup(virtio_scsi, machine),
        cmocka_unit_test_setup(nvme, machine),
        cmocka_unit_test_setup(hyperv, machine),
        cmocka_unit_test_setup(xen, machine),
        cmocka_unit_test_setup(hyperv_without_ide_and_storflt_where_present, machine),
        cmocka_unit_test_setup(several_targets_in_one_run, machine),
        cmocka_unit_test_setup(a_failure_at_any_write_leaves_everything_as_it_was, machine),
        cmocka_unit_test_setup(a_kill_after_any_write_on_windows_10_is_rolled_back, machine),
        cmocka_unit_test_setup(san_policy_and_auto_reboot_round_trip, machine),
        cmocka_unit_test(targets_lists_every_target),
        cmocka_unit_test_setup(check_all_prints_a_table, machine),
        cmocka_unit_test_setup(vendor_driver_from_its_inf, machine),
        cmocka_unit_test_setup(unsigned_payload_on_64bit_vista_is_refused, machine),
        cmocka_unit_test_setup(a_package_catalog_must_list_its_files_and_be_trusted, machine),
        cmocka_unit_test_setup(a_signature_trusted_for_programs_only_is_refused_without_test_signing, machine),
        cmocka_unit_test_setup(rollback_keeps_another_package_under_a_reused_name, machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
