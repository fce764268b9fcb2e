/* INF-derived targets (inf.c) on hand-written INFs in tests/unit/engine/inf, read with the real
 * SetupAPI. The folder comes as the first argument (a Unix path; Wine shows it as Z:). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "inf.h"
#include "infname.h"
#include "text.h"
#include "wassert.h"

static wchar_t inf_dir[MAX_PATH];

#define assert_wstr_iequal(a, b)                                                    \
    do {                                                                            \
        const wchar_t *a_ = (a), *b_ = (b);                                         \
        if (_wcsicmp(a_, b_) != 0) {                                                \
            print_error("\"%ls\" != \"%ls\" (ignoring case)\n", a_, b_);            \
            fail();                                                                 \
        }                                                                           \
    } while (0)

static void inf_path(const wchar_t *name, wchar_t *buf)
{
    wfmt(buf, MAX_PATH, L"%ls\\%ls", inf_dir, name);
}

static struct inf_target *load(const wchar_t *name, unsigned gen, unsigned arch, DWORD major,
                               DWORD minor)
{
    wchar_t path[MAX_PATH], err[512] = L"(untouched)";
    struct inf_target *t = malloc(sizeof *t);
    assert_non_null(t);
    inf_path(name, path);
    DWORD rc = inf_load_target(path, gen, arch, major, minor, t, err, COUNTOF(err));
    if (rc != ERROR_SUCCESS)
        print_error("inf_load_target(%ls) = %lu: %ls\n", name, (unsigned long)rc, err);
    assert_int_equal(rc, ERROR_SUCCESS);
    return t;
}

/* Loads an INF that must be refused; returns the code, err receives the sentence. */
static DWORD load_fails(const wchar_t *name, unsigned gen, unsigned arch, DWORD major, DWORD minor,
                        wchar_t *err, size_t cch)
{
    wchar_t path[MAX_PATH];
    struct inf_target *t = malloc(sizeof *t);
    assert_non_null(t);
    inf_path(name, path);
    wcopy(err, cch, L"(untouched)");
    DWORD rc = inf_load_target(path, gen, arch, major, minor, t, err, cch);
    free(t);
    assert_int_not_equal(rc, ERROR_SUCCESS);
    print_message("    %ls -> %lu: %ls\n", name, (unsigned long)rc, err);
    assert_wstr_contains(err, name);
    return rc;
}

static void assert_cdd(const struct inf_target *t, size_t i, const wchar_t *id, const wchar_t *service,
                       const wchar_t *class_guid)
{
    assert_true(i < t->n_cdd);
    assert_wstr_equal(t->cdd[i].id, id);
    assert_wstr_equal(t->cdd[i].service, service);
    assert_wstr_iequal(t->cdd[i].class_guid, class_guid);
}

static wchar_t *describe(const struct inf_target *t)
{
    struct wbuf b = { 0 };
    inf_describe(t, &b);
    assert_true(b.ok);
    assert_non_null(b.s);
    return b.s;
}

/* (1) NT5 style: undecorated [Manufacturer] line and models section. */
static void nt5_undecorated_miniport(void **state)
{
    (void)state;
    struct inf_target *t = load(L"acmescsi.inf", GEN_NT5, ARCH_X86, 5, 2);

    assert_wstr_equal(t->models_section, L"AcmeModels");
    assert_wstr_equal(t->decoration, L"");
    assert_wstr_equal(t->install_section, L"acmescsi_Inst");
    assert_wstr_equal(t->services_section, L"acmescsi_Inst.Services");
    /* the AddService with flag 0x2 wins over the one before it */
    assert_wstr_equal(t->service_section, L"acmescsi_Service_Inst");
    assert_int_equal(t->service_flags, 0x12);   /* ASSOCSERVICE | NOCLOBBER_STARTTYPE */
    assert_wstr_equal(t->other_install, L"");

    assert_wstr_equal(t->target.name, L"inf:acmescsi");
    assert_wstr_equal(t->target.title, L"Acme UltraStor 410 SCSI Controller");
    assert_wstr_equal(t->target.pci_ids,
                      L"PCI\\VEN_1A5C&DEV_0410&SUBSYS_00011A5C, PCI\\VEN_1A5C&DEV_0410");
    assert_wstr_iequal(t->target.payload_dir, inf_dir);
    wchar_t path[MAX_PATH];
    inf_path(L"acmescsi.inf", path);
    assert_wstr_iequal(t->inf_path, path);
    assert_wstr_contains(t->target.where_to_get, path);
    assert_ptr_equal(t->target.rules, &t->rule);
    assert_int_equal(t->target.n_rules, 1);

    /* the duplicate and the ACPI ID are left out */
    assert_int_equal(t->n_cdd, 2);
    assert_cdd(t, 0, L"pci#ven_1a5c&dev_0410&subsys_00011a5c", L"acmescsi", CLASS_SCSIADAPTER);
    assert_cdd(t, 1, L"pci#ven_1a5c&dev_0410", L"acmescsi", CLASS_SCSIADAPTER);

    const struct target_rule *r = &t->rule;
    assert_int_equal(r->gens, GEN_NT5);
    assert_int_equal(r->archs, ARCH_X86);
    assert_null(r->refusal);
    assert_null(r->libraries);
    assert_null(r->packages);
    assert_ptr_equal(r->cdd, t->cdd);
    assert_int_equal(r->n_cdd, 2);
    assert_int_equal(r->n_services, 1);
    assert_ptr_equal(r->services, &t->service);
    assert_wstr_equal(r->services[0].name, L"acmescsi");
    assert_wstr_equal(r->services[0].file, L"acmescsi.sys");
    assert_wstr_equal(r->services[0].group, L"SCSI miniport");
    assert_int_equal(r->services[0].source, SRC_PAYLOAD);
    assert_true(r->services[0].pnp_interface);

    assert_int_equal(t->service_type, 1);
    assert_int_equal(t->start_type, 0);
    assert_int_equal(t->error_control, 1);   /* written 0x1 */

    /* acmescsi_Files lists both; @acmelog.sys is not counted twice */
    assert_int_equal(t->n_files, 2);
    assert_wstr_equal(t->files[0], L"acmescsi.sys");
    assert_wstr_equal(t->files[1], L"acmelog.sys");
    assert_wstr_equal(t->catalog, L"acmescsi.cat");
    free(t);
}

/* Windows 2000 reads the same INF the same way; NT6 keeps the CriticalDeviceDatabase. */
static void nt5_inf_on_windows_2000_and_nt6(void **state)
{
    (void)state;
    struct inf_target *t = load(L"acmescsi.inf", GEN_NT5, ARCH_X86, 5, 0);
    assert_wstr_equal(t->models_section, L"AcmeModels");
    assert_int_equal(t->n_cdd, 2);
    free(t);

    t = load(L"acmescsi.inf", GEN_NT6, ARCH_X86, 6, 1);
    assert_int_equal(t->rule.gens, GEN_NT6);
    assert_int_equal(t->n_cdd, 2);
    assert_int_equal(t->service.source, SRC_PAYLOAD);
    free(t);
}

/* 64-bit Windows never uses an undecorated models section. */
static void nt5_inf_refused_on_x64(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"acmescsi.inf", GEN_NT5, ARCH_X64, 5, 2, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_SECTION_NOT_FOUND);
    assert_wstr_contains(err, L"NTamd64");
    assert_wstr_contains(err, L"[Manufacturer]");
}

/* (2) decorated per architecture: Models.NTx86 / Models.NTamd64, Install.NTx86 / .NTamd64. */
static void decorated_x86(void **state)
{
    (void)state;
    struct inf_target *t = load(L"vdisk.inf", GEN_NT6, ARCH_X86, 6, 1);
    assert_wstr_equal(t->models_section, L"Models.NTx86");
    assert_wstr_equal(t->decoration, L"NTx86");
    assert_wstr_equal(t->install_section, L"Install.NTx86");
    assert_wstr_equal(t->services_section, L"Install.NTx86.Services");
    assert_wstr_equal(t->service_section, L"Service.x86");
    assert_wstr_equal(t->target.name, L"inf:vdisk");
    assert_wstr_equal(t->target.title, L"Northwind VirtuDisk SCSI Controller");
    assert_wstr_equal(t->service.file, L"vdisk.sys");
    assert_wstr_equal(t->service.group, L"SCSI miniport");
    assert_int_equal(t->start_type, 0);
    assert_int_equal(t->n_files, 1);
    assert_wstr_equal(t->files[0], L"vdisk.sys");
    assert_wstr_equal(t->catalog, L"vdisk.cat");
    assert_int_equal(t->n_cdd, 2);
    assert_cdd(t, 0, L"pci#ven_1d0f&dev_8061&subsys_00011d0f", L"vdisk", CLASS_SCSIADAPTER);
    assert_cdd(t, 1, L"pci#ven_1d0f&dev_8061", L"vdisk", CLASS_SCSIADAPTER);
    assert_int_equal(t->rule.archs, ARCH_X86);
    free(t);
}

static void decorated_x64(void **state)
{
    (void)state;
    struct inf_target *t = load(L"vdisk.inf", GEN_NT6, ARCH_X64, 6, 1);
    assert_wstr_equal(t->models_section, L"Models.NTamd64");
    assert_wstr_equal(t->decoration, L"NTamd64");
    assert_wstr_equal(t->install_section, L"Install.NTamd64");
    assert_wstr_equal(t->service_section, L"Service.x64");
    assert_wstr_equal(t->target.title, L"Northwind VirtuDisk SCSI Controller (64-bit)");
    assert_wstr_equal(t->service.file, L"vdisk64.sys");
    /* no LoadOrderGroup in Service.x64: the miniport default */
    assert_wstr_equal(t->service.group, L"SCSI miniport");
    assert_int_equal(t->start_type, 3);   /* as the INF says; the plan makes it boot-start */
    assert_int_equal(t->n_files, 1);
    assert_wstr_equal(t->files[0], L"vdisk64.sys");
    assert_wstr_equal(t->catalog, L"vdisk64.cat");
    assert_int_equal(t->n_cdd, 3);
    assert_cdd(t, 0, L"pci#ven_1d0f&dev_8061&subsys_00011d0f", L"vdisk", CLASS_SCSIADAPTER);
    assert_cdd(t, 1, L"pci#ven_1d0f&dev_8061", L"vdisk", CLASS_SCSIADAPTER);
    assert_cdd(t, 2, L"pci#ven_1d0f&dev_8062", L"vdisk", CLASS_SCSIADAPTER);
    assert_int_equal(t->rule.archs, ARCH_X64);
    assert_int_equal(t->service.source, SRC_PAYLOAD);
    assert_null(t->rule.packages);
    free(t);
}

/* NT6.2+: a driver package, no CriticalDeviceDatabase. */
static void decorated_nt62_is_a_package(void **state)
{
    (void)state;
    struct inf_target *t = load(L"vdisk.inf", GEN_NT62, ARCH_X64, 6, 3);
    assert_int_equal(t->rule.gens, GEN_NT62);
    assert_int_equal(t->service.source, SRC_PACKAGE);
    assert_non_null(t->rule.packages);
    assert_wstr_iequal(t->rule.packages[0], L"vdisk.inf");
    assert_null(t->rule.packages[1]);
    assert_int_equal(t->n_cdd, 0);
    assert_int_equal(t->rule.n_cdd, 0);
    assert_null(t->rule.cdd);
    assert_int_equal(t->n_hwids, 3);   /* still known, for `targets` and plan */
    assert_wstr_contains(t->target.pci_ids, L"PCI\\VEN_1D0F&DEV_8062");
    assert_wstr_equal(t->service.file, L"vdisk64.sys");
    free(t);
}

/* Windows 2000 ignores decorations: vdisk.inf has no undecorated [Models] for it. */
static void decorated_only_refused_on_windows_2000(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"vdisk.inf", GEN_NT5, ARCH_X86, 5, 0, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_SECTION_NOT_FOUND);
    assert_wstr_contains(err, L"Windows 2000");
    assert_wstr_contains(err, L"[Models]");

    struct inf_target *t = load(L"vdisk.inf", GEN_NT5, ARCH_X86, 5, 1);   /* XP reads NTx86 */
    assert_wstr_equal(t->models_section, L"Models.NTx86");
    free(t);
}

/* (3) version-decorated models: the highest version not above the running Windows. */
static void versioned_models_by_os_version(void **state)
{
    (void)state;
    struct inf_target *t = load(L"vstor.inf", GEN_NT5, ARCH_X64, 5, 2);
    assert_wstr_equal(t->models_section, L"Contoso.NTamd64");
    assert_wstr_equal(t->install_section, L"vstor52.NT");
    assert_wstr_equal(t->service.file, L"vstor52.sys");
    assert_int_equal(t->n_cdd, 1);
    assert_cdd(t, 0, L"pci#ven_15c7&dev_0520", L"vstor", CLASS_HDC);
    free(t);

    t = load(L"vstor.inf", GEN_NT6, ARCH_X64, 6, 1);
    assert_wstr_equal(t->models_section, L"Contoso.NTamd64.6.0");
    assert_wstr_equal(t->decoration, L"NTamd64.6.0");
    assert_wstr_equal(t->install_section, L"vstor60");
    assert_wstr_equal(t->services_section, L"vstor60.Services");
    assert_wstr_equal(t->service.file, L"vstor.sys");
    assert_wstr_equal(t->service.group, L"SCSI Miniport");
    assert_int_equal(t->n_cdd, 2);
    assert_cdd(t, 0, L"pci#ven_15c7&dev_0600", L"vstor", CLASS_HDC);
    assert_cdd(t, 1, L"pci#ven_15c7&dev_0520", L"vstor", CLASS_HDC);
    assert_int_equal(t->n_files, 1);
    assert_wstr_equal(t->files[0], L"vstor.sys");
    free(t);

    t = load(L"vstor.inf", GEN_NT62, ARCH_X64, 6, 3);   /* 8.1: still the 6.0 models */
    assert_wstr_equal(t->models_section, L"Contoso.NTamd64.6.0");
    free(t);

    t = load(L"vstor.inf", GEN_NT62, ARCH_X64, 10, 0);
    assert_wstr_equal(t->models_section, L"Contoso.NTamd64.10.0");
    assert_wstr_equal(t->install_section, L"vstor100");
    assert_int_equal(t->n_hwids, 3);
    assert_wstr_equal(t->cdd_keys[1], L"pci#cc_010802");
    /* the older device's line names another install section: the first one's is used */
    assert_wstr_equal(t->cdd_keys[2], L"pci#ven_15c7&dev_0600");
    assert_wstr_equal(t->other_install, L"vstor60");
    wchar_t *s = describe(t);
    assert_wstr_contains(s, L"note: the models also name install section vstor60");
    free(s);
    assert_int_equal(t->n_files, 2);
    assert_wstr_equal(t->files[0], L"vstor.sys");
    assert_wstr_equal(t->files[1], L"vstorhlp.sys");
    assert_wstr_equal(t->catalog, L"vstor.cat");
    free(t);

    t = load(L"vstor.inf", GEN_NT6, ARCH_X86, 6, 0);
    assert_wstr_equal(t->models_section, L"Contoso.NTx86.6.0");
    free(t);
}

/* x86 XP: NTx86.6.0 is too new and there is no undecorated section to fall back to. */
static void versioned_models_too_new(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"vstor.inf", GEN_NT5, ARCH_X86, 5, 1, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_SECTION_NOT_FOUND);
    assert_wstr_contains(err, L"No models for NTx86 5.1 in [Manufacturer] of");
}

/* (4) errors */
static void missing_file(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"nosuch.inf", GEN_NT5, ARCH_X86, 5, 2, err, COUNTOF(err));
    assert_true(rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND);
    assert_wstr_contains(err, L"Cannot read the INF");
}

static void unparsable_file_names_the_line(void **state)
{
    (void)state;
    wchar_t err[512];
    load_fails(L"broken.inf", GEN_NT5, ARCH_X86, 5, 2, err, COUNTOF(err));
    assert_wstr_contains(err, L"Cannot read the INF");
    assert_wstr_contains(err, L"a bad section header at line 7");
}

static void not_a_windows_nt_inf(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"nosig.inf", GEN_NT5, ARCH_X86, 5, 2, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_WRONG_INF_STYLE);
    assert_wstr_contains(err, L"not a Windows NT INF");
}

static void no_addservice(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"noaddsvc.inf", GEN_NT6, ARCH_X64, 6, 1, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_LINE_NOT_FOUND);
    assert_wstr_contains(err, L"AddService");
    assert_wstr_contains(err, L"[NullInstall.NT.Services]");
}

static void amd64_only_asked_for_x86(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"amd64only.inf", GEN_NT6, ARCH_X86, 6, 1, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_SECTION_NOT_FOUND);
    assert_wstr_contains(err, L"No models for NTx86 6.1");
    assert_wstr_contains(err, L"[Manufacturer]");

    struct inf_target *t = load(L"amd64only.inf", GEN_NT6, ARCH_X64, 6, 1);   /* fine on x64 */
    assert_wstr_equal(t->target.name, L"inf:tsraid");
    assert_wstr_equal(t->install_section, L"tsraid_Inst.NT");
    free(t);
}

static void no_pci_ids(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"nopci.inf", GEN_NT5, ARCH_X86, 5, 1, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_LINE_NOT_FOUND);
    assert_wstr_contains(err, L"no PCI hardware ID");
    assert_wstr_contains(err, L"[Woodgrove.NTx86]");
}

static void no_service_binary(void **state)
{
    (void)state;
    wchar_t err[512];
    DWORD rc = load_fails(L"nobinary.inf", GEN_NT5, ARCH_X86, 5, 2, err, COUNTOF(err));
    assert_int_equal(rc, ERROR_LINE_NOT_FOUND);
    assert_wstr_contains(err, L"ServiceBinary");
    assert_wstr_contains(err, L"[lwhba_Service]");
}

/* A compatible ID longer than any device ID (made up on the spot, in %TEMP%) is skipped,
 * and the IDs after it are still read. */
static void overlong_id_is_skipped(void **state)
{
    (void)state;
    char dir[MAX_PATH], path[MAX_PATH];
    assert_true(GetTempPathA(sizeof dir, dir) > 0);
    snprintf(path, sizeof path, "%sp2v-longid.inf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models\n[Models]\n"
               "D=Inst,PCI\\VEN_1234&DEV_0001,ACME\\");
    for (int i = 0; i < 600; i++)
        fputc('X', f);
    fprintf(f, ",PCI\\VEN_1234&DEV_0002\n[Inst]\nCopyFiles=@long.sys\n[Inst.Services]\n"
               "AddService=long,2,Svc\n[Svc]\nServiceType=1\nStartType=0\nErrorControl=1\n"
               "ServiceBinary=%%12%%\\long.sys\n");
    fclose(f);

    wchar_t wpath[MAX_PATH], err[512] = L"";
    struct inf_target *t = malloc(sizeof *t);
    assert_non_null(t);
    mbstowcs(wpath, path, MAX_PATH);
    DWORD rc = inf_load_target(wpath, GEN_NT5, ARCH_X86, 5, 1, t, err, COUNTOF(err));
    DeleteFileA(path);
    if (rc)
        print_error("%ls\n", err);
    assert_int_equal(rc, ERROR_SUCCESS);
    assert_int_equal(t->n_cdd, 2);
    assert_cdd(t, 1, L"pci#ven_1234&dev_0002", L"long", CLASS_SCSIADAPTER);
    assert_wstr_equal(t->target.title, L"D");
    free(t);
}

/* (5) what `plan` prints */
static void describe_names_sections_and_ids(void **state)
{
    (void)state;
    struct inf_target *t = load(L"acmescsi.inf", GEN_NT5, ARCH_X86, 5, 2);
    wchar_t *s = describe(t);
    print_message("%ls", s);
    assert_wstr_contains(s, L"models section [AcmeModels] (undecorated)");
    assert_wstr_contains(s, L"install section [acmescsi_Inst]");
    assert_wstr_contains(s, L"PCI\\VEN_1A5C&DEV_0410&SUBSYS_00011A5C -> CriticalDeviceDatabase\\"
                            L"pci#ven_1a5c&dev_0410&subsys_00011a5c");
    assert_wstr_contains(s, L"CriticalDeviceDatabase\\pci#ven_1a5c&dev_0410 (class");
    assert_wstr_contains(s, L"service acmescsi (AddService flags 0x12, [acmescsi_Service_Inst])");
    assert_wstr_contains(s, L"StartType 0");
    assert_wstr_contains(s, L"ServiceBinary acmescsi.sys");
    assert_wstr_contains(s, L"files: acmescsi.sys acmelog.sys");
    assert_wstr_contains(s, L"catalog: acmescsi.cat");
    assert_null(wcsstr(s, L"note: the service is made boot-start"));
    assert_null(wcsstr(s, L"note: the models also name"));
    free(s);
    free(t);

    t = load(L"vdisk.inf", GEN_NT62, ARCH_X64, 10, 0);
    s = describe(t);
    print_message("%ls", s);
    assert_wstr_contains(s, L"models section [Models.NTamd64] (decoration NTamd64");
    assert_wstr_contains(s, L"install section [Install.NTamd64]");
    assert_wstr_contains(s, L"PCI\\VEN_1D0F&DEV_8062");
    assert_null(wcsstr(s, L"CriticalDeviceDatabase"));   /* none on NT6.2+ */
    assert_wstr_contains(s, L"StartType 3");
    assert_wstr_contains(s, L"note: the service is made boot-start");
    assert_wstr_contains(s, L"catalog: vdisk64.cat");
    assert_wstr_contains(s, L"driver package vdisk.inf");
    free(s);
    free(t);
}

/* (6) untrusted names: the pure checks (infname.c) */
static void service_names_are_checked(void **state)
{
    (void)state;
    wchar_t why[200], long_name[INF_SERVICE_NAME_MAX + 2];
    assert_null(inf_service_name_problem(L"acmescsi", GEN_NT5, why, COUNTOF(why)));
    assert_null(inf_service_name_problem(L"iaStor_2", GEN_NT6, why, COUNTOF(why)));
    assert_non_null(inf_service_name_problem(L"", GEN_NT5, why, COUNTOF(why)));
    assert_wstr_contains(inf_service_name_problem(L"acme\tscsi", GEN_NT5, why, COUNTOF(why)),
                         L"control character 0x09 at position 5");
    assert_wstr_contains(inf_service_name_problem(L"acme\nscsi", GEN_NT5, why, COUNTOF(why)),
                         L"control character 0x0A");
    assert_wstr_contains(inf_service_name_problem(L"a\x85z", GEN_NT5, why, COUNTOF(why)),
                         L"control character 0x85");
    assert_wstr_contains(inf_service_name_problem(L"x\\..\\atapi", GEN_NT5, why, COUNTOF(why)),
                         L"backslash at position 2");
    assert_wstr_contains(inf_service_name_problem(L"a/b", GEN_NT5, why, COUNTOF(why)), L"slash");
    assert_wstr_contains(inf_service_name_problem(L"atap\x0131", GEN_NT5, why, COUNTOF(why)),
                         L"non-ASCII character U+0131");
    assert_wstr_contains(inf_service_name_problem(L"acme scsi", GEN_NT5, why, COUNTOF(why)), L"space");
    for (int i = 0; i < INF_SERVICE_NAME_MAX; i++)
        long_name[i] = L'a';
    long_name[INF_SERVICE_NAME_MAX] = 0;
    assert_null(inf_service_name_problem(long_name, GEN_NT5, why, COUNTOF(why)));
    long_name[INF_SERVICE_NAME_MAX] = L'a';
    long_name[INF_SERVICE_NAME_MAX + 1] = 0;
    assert_wstr_contains(inf_service_name_problem(long_name, GEN_NT5, why, COUNTOF(why)),
                         L"65 characters long");
    assert_wstr_contains(inf_service_name_problem(L"P2VPREP", GEN_NT5, why, COUNTOF(why)),
                         L"p2vprep's own service");
}

/* What "inbox" means comes from the target table, per generation: the services a rule
 * takes from Windows, a CriticalDeviceDatabase service no rule supplies (disk), the bus
 * drivers; a name the table only knows as a payload driver stays the vendor's. */
static void inbox_service_names_come_from_the_target_table(void **state)
{
    (void)state;
    wchar_t why[200];
    assert_wstr_equal(inf_inbox_service(L"ATAPI", GEN_NT5), L"ide");
    assert_wstr_equal(inf_inbox_service(L"pciide", GEN_NT62), L"ide");
    assert_wstr_equal(inf_inbox_service(L"Disk", GEN_NT5), L"Windows");
    assert_wstr_equal(inf_inbox_service(L"PCI", GEN_NT5), L"Windows");
    assert_wstr_equal(inf_inbox_service(L"vpci", GEN_NT62), L"Windows");
    assert_wstr_equal(inf_inbox_service(L"storahci", GEN_NT62), L"sata");
    assert_wstr_equal(inf_inbox_service(L"msahci", GEN_NT6), L"sata");
    assert_wstr_equal(inf_inbox_service(L"LSI_SAS", GEN_NT6), L"lsisas1068");
    assert_wstr_equal(inf_inbox_service(L"lsi_scsi", GEN_NT62), L"lsilogic");
    assert_wstr_equal(inf_inbox_service(L"pvscsii", GEN_NT62), L"pvscsi");
    /* 2000/XP/2003 have no LSI SAS or AHCI driver of their own: the vendor's INF names them */
    assert_null(inf_inbox_service(L"LSI_SAS", GEN_NT5));
    assert_null(inf_inbox_service(L"msahci", GEN_NT5));
    assert_null(inf_inbox_service(L"symmpi", GEN_NT5));
    assert_null(inf_inbox_service(L"viostor", GEN_NT62));
    assert_null(inf_inbox_service(L"acmescsi", GEN_NT6));
    for (size_t t = 0; t < p2v_n_targets; t++)
        for (size_t r = 0; r < p2v_targets[t].n_rules; r++) {
            const struct target_rule *rule = &p2v_targets[t].rules[r];
            for (size_t k = 0; k < rule->n_services; k++)
                if (rule->services[k].source == SRC_INBOX) {
                    for (unsigned gen = GEN_NT5; gen <= GEN_NT62; gen <<= 1)
                        if (rule->gens & gen) {
                            assert_non_null(inf_inbox_service(rule->services[k].name, gen));
                            assert_wstr_contains(inf_service_name_problem(rule->services[k].name, gen,
                                                                          why, COUNTOF(why)),
                                                 L"an INF may not take over");
                        }
                }
        }
}

static void hardware_ids_are_checked(void **state)
{
    (void)state;
    wchar_t why[200], key[INF_ID_CCH], id[INF_HWID_MAX + 2];
    assert_null(inf_hwid_problem(L"PCI\\VEN_1A5C&DEV_0410&SUBSYS_00011A5C&REV_01", why, COUNTOF(why)));
    assert_null(inf_hwid_problem(L"pci\\cc_010601", why, COUNTOF(why)));
    assert_non_null(inf_hwid_problem(L"ACPI\\ACM0410", why, COUNTOF(why)));
    assert_non_null(inf_hwid_problem(L"PCI\\", why, COUNTOF(why)));
    assert_wstr_contains(inf_hwid_problem(L"PCI\\VEN_1\\..\\..\\Services\\atapi", why, COUNTOF(why)),
                         L"second backslash at position 10");
    assert_wstr_contains(inf_hwid_problem(L"PCI\\VEN_1\t", why, COUNTOF(why)), L"control character 0x09");
    assert_wstr_contains(inf_hwid_problem(L"PCI\\VEN 1", why, COUNTOF(why)), L"U+0020");
    assert_wstr_contains(inf_hwid_problem(L"PCI\\VEN,1", why, COUNTOF(why)), L"U+002C");
    assert_wstr_contains(inf_hwid_problem(L"PCI\\VEN_\x00e9", why, COUNTOF(why)), L"U+00E9");
    wcscpy(id, L"PCI\\");
    for (int i = 4; i < INF_HWID_MAX; i++)
        id[i] = L'A';
    id[INF_HWID_MAX] = 0;
    assert_null(inf_hwid_problem(id, why, COUNTOF(why)));
    assert_true(inf_cdd_key(id, key, COUNTOF(key)));
    assert_int_equal(wcslen(key), INF_HWID_MAX);
    id[INF_HWID_MAX] = L'A';
    id[INF_HWID_MAX + 1] = 0;
    assert_wstr_contains(inf_hwid_problem(id, why, COUNTOF(why)), L"201 characters long");
    assert_false(inf_cdd_key(id, key, COUNTOF(key)));
    assert_wstr_equal(key, L"");

    assert_true(inf_cdd_key(L"PCI\\VEN_1AF4&DEV_1001", key, COUNTOF(key)));
    assert_wstr_equal(key, L"pci#ven_1af4&dev_1001");

    wchar_t shown[8];
    assert_wstr_equal(inf_name_shown(L"a\tb", shown, COUNTOF(shown)), L"a?b");
    assert_wstr_equal(inf_name_shown(L"abcdefghij", shown, COUNTOF(shown)), L"abcd...");
    assert_wstr_contains(inf_file_name_problem(L"a\tb.sys", why, COUNTOF(why)), L"control character");
    assert_wstr_contains(inf_file_name_problem(L"a|b.sys", why, COUNTOF(why)), L"'|'");
    assert_null(inf_file_name_problem(L"acme_scsi-2.sys", why, COUNTOF(why)));
}

/* An INF made on the spot in %TEMP% with the given AddService name and PCI ID. */
static DWORD load_made_up(const char *service, const char *pci_id, unsigned gen, wchar_t *err, size_t cch)
{
    char dir[MAX_PATH], path[MAX_PATH];
    assert_true(GetTempPathA(sizeof dir, dir) > 0);
    snprintf(path, sizeof path, "%sp2v-names.inf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models,NTx86\n"
               "[Models.NTx86]\nD=Inst,%s\n[Inst]\nCopyFiles=@made.sys\n[Inst.Services]\n"
               "AddService=\"%s\",2,Svc\n[Svc]\nServiceType=1\nStartType=0\nErrorControl=1\n"
               "ServiceBinary=%%12%%\\made.sys\n", pci_id, service);
    fclose(f);
    wchar_t wpath[MAX_PATH];
    struct inf_target *t = malloc(sizeof *t);
    assert_non_null(t);
    mbstowcs(wpath, path, MAX_PATH);
    wcopy(err, cch, L"");
    DWORD rc = inf_load_target(wpath, gen, ARCH_X86, gen == GEN_NT5 ? 5 : 6, gen == GEN_NT5 ? 2 : 1,
                               t, err, cch);
    DeleteFileA(path);
    free(t);
    if (rc)
        print_message("    -> %lu: %ls\n", (unsigned long)rc, err);
    return rc;
}

static void an_inf_cannot_take_over_an_inbox_service_or_smuggle_a_path(void **state)
{
    (void)state;
    wchar_t err[512];
    assert_int_equal(load_made_up("made", "PCI\\VEN_1234&DEV_0001", GEN_NT5, err, COUNTOF(err)),
                     ERROR_SUCCESS);
    assert_int_equal(load_made_up("ATAPI", "PCI\\VEN_1234&DEV_0001", GEN_NT5, err, COUNTOF(err)),
                     ERROR_INVALID_DATA);
    assert_wstr_contains(err, L"the service name ATAPI in [Inst.Services]");
    assert_wstr_contains(err, L"--target ide");
    /* LSI_SAS is the vendor's driver on 2003, Windows' own from Vista on */
    assert_int_equal(load_made_up("LSI_SAS", "PCI\\VEN_1000&DEV_0054", GEN_NT5, err, COUNTOF(err)),
                     ERROR_SUCCESS);
    assert_int_equal(load_made_up("LSI_SAS", "PCI\\VEN_1000&DEV_0054", GEN_NT6, err, COUNTOF(err)),
                     ERROR_INVALID_DATA);
    assert_wstr_contains(err, L"--target lsisas1068");
    assert_int_equal(load_made_up("made\\..\\atapi", "PCI\\VEN_1234&DEV_0001", GEN_NT5, err,
                                  COUNTOF(err)), ERROR_INVALID_DATA);
    assert_wstr_contains(err, L"backslash");
    assert_int_equal(load_made_up("made", "PCI\\VEN_1234\\..\\..\\Services\\atapi", GEN_NT5, err,
                                  COUNTOF(err)), ERROR_INVALID_DATA);
    assert_wstr_contains(err, L"second backslash");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_inf DIR  (the folder of the test INFs, a Unix path)\n");
        return 2;
    }
    /* Wine maps the Unix root to Z:. */
    wchar_t *p = inf_dir;
    if (argv[1][0] == '/') {
        wcscpy(inf_dir, L"Z:");
        p += 2;
    }
    mbstowcs(p, argv[1], MAX_PATH - 3);
    for (p = inf_dir; *p; p++)
        if (*p == L'/')
            *p = L'\\';

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nt5_undecorated_miniport),
        cmocka_unit_test(nt5_inf_on_windows_2000_and_nt6),
        cmocka_unit_test(nt5_inf_refused_on_x64),
        cmocka_unit_test(decorated_x86),
        cmocka_unit_test(decorated_x64),
        cmocka_unit_test(decorated_nt62_is_a_package),
        cmocka_unit_test(decorated_only_refused_on_windows_2000),
        cmocka_unit_test(versioned_models_by_os_version),
        cmocka_unit_test(versioned_models_too_new),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(unparsable_file_names_the_line),
        cmocka_unit_test(not_a_windows_nt_inf),
        cmocka_unit_test(no_addservice),
        cmocka_unit_test(amd64_only_asked_for_x86),
        cmocka_unit_test(no_pci_ids),
        cmocka_unit_test(no_service_binary),
        cmocka_unit_test(overlong_id_is_skipped),
        cmocka_unit_test(describe_names_sections_and_ids),
        cmocka_unit_test(service_names_are_checked),
        cmocka_unit_test(inbox_service_names_come_from_the_target_table),
        cmocka_unit_test(hardware_ids_are_checked),
        cmocka_unit_test(an_inf_cannot_take_over_an_inbox_service_or_smuggle_a_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
