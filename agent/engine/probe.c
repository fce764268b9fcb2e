#include "probe.h"
#include "signature.h"
#include "dynapi.h"
#include "pe.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>


const wchar_t *payload_arch_dir(const struct os_info *os)
{
    return os->arch == ARCH_X64 ? L"amd64" : L"x86";
}

static WORD os_machine(const struct os_info *os)
{
    return os->arch == ARCH_X64 ? PE_MACHINE_AMD64 : PE_MACHINE_I386;
}

/* Reads path and checks it as a driver. Returns the bytes (caller frees) when readable. */
static BYTE *read_driver(const struct backend *b, const struct os_info *os, const wchar_t *path,
                         int *status, WORD *machine, DWORD *size)
{
    BYTE *data;
    DWORD e = b->read_file(b->ctx, path, &data, size);
    if (e == ERROR_FILE_NOT_FOUND) {
        *status = PE_MISSING;
        return NULL;
    }
    if (e != ERROR_SUCCESS) {
        *status = PE_UNREADABLE;
        return NULL;
    }
    *status = pe_check_driver(data, *size, os_machine(os), machine);
    return data;
}

static DWORD probe_key(const struct backend *b, struct machine *m, const wchar_t *key)
{
    if (machine_key(m, key))
        return ERROR_SUCCESS;
    if (m->n_keys >= (int)COUNTOF(m->keys))
        return ERROR_BUFFER_OVERFLOW;   /* never leave a key unchecked */
    struct machine_key *k = &m->keys[m->n_keys++];
    memset(k, 0, sizeof *k);
    wcopy(k->key, COUNTOF(k->key), key);
    DWORD e = b->key_exists(b->ctx, key);
    if (e == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (e != ERROR_SUCCESS)
        return e;
    k->present = TRUE;
    for (DWORD i = 0;; i++) {
        wchar_t name[P2V_NAME_MAX], one[80], desc[64];
        struct regval v;
        e = b->enum_value(b->ctx, key, i, name, COUNTOF(name), &v);
        if (e != ERROR_SUCCESS)
            break;
        regval_describe(&v, desc, COUNTOF(desc));
        wfmt(one, COUNTOF(one), L"%ls%ls = %ls", i ? L", " : L"", name[0] ? name : L"(default)", desc);
        wcsncat(k->values, one, COUNTOF(k->values) - wcslen(k->values) - 1);
    }
    if (!k->values[0])
        wcopy(k->values, COUNTOF(k->values), L"no values");
    return e == ERROR_NO_MORE_ITEMS ? ERROR_SUCCESS : e;
}

/* Windows 2000/XP/2003 keep inbox drivers that were never installed only in the driver
 * cabinets; a service pack's spN.cab holds newer copies than driver.cab. */
static void find_in_cabs(const struct backend *b, const struct os_info *os, struct machine_file *f)
{
    wchar_t cab[MAX_PATH];
    const wchar_t *arch = os->arch == ARCH_X64 ? L"amd64" : L"i386";
    for (int sp = 6; sp >= 0; sp--) {
        if (sp)
            wfmt(cab, COUNTOF(cab), L"%ls\\Driver Cache\\%ls\\sp%d.cab", os->systemroot, arch, sp);
        else
            wfmt(cab, COUNTOF(cab), L"%ls\\Driver Cache\\%ls\\driver.cab", os->systemroot, arch);
        BYTE *data;
        DWORD size;
        if (b->read_cab_file(b->ctx, cab, f->name, &data, &size) != ERROR_SUCCESS)
            continue;
        WORD mach;
        wcopy(f->cab, COUNTOF(f->cab), cab);
        f->cab_status = pe_check_driver(data, size, os_machine(os), &mach);
        free(data);
        return;
    }
}

static void probe_file(const struct backend *b, struct machine *m, const struct want_file *w,
                       const wchar_t *default_payload)
{
    struct machine_file *f = &m->files[m->n_files++];
    DWORD dst_size = 0, src_size = 0;
    WORD mach = 0;
    const wchar_t *payload = w->payload_dir ? w->payload_dir : default_payload;
    memset(f, 0, sizeof *f);
    wcopy(f->name, COUNTOF(f->name), w->name);
    wfmt(f->dst, COUNTOF(f->dst), L"%ls\\system32\\drivers\\%ls", m->os.systemroot, f->name);
    BYTE *dst = read_driver(b, &m->os, f->dst, &f->dst_status, &mach, &dst_size);

    f->src_status = PE_MISSING;
    f->cab_status = PE_MISSING;
    if (w->sources & (1u << SRC_PAYLOAD | 1u << SRC_PACKAGE)) {
        wfmt(f->looked[0], MAX_PATH, L"%ls\\%ls\\%ls", payload, payload_arch_dir(&m->os), f->name);
        wfmt(f->looked[1], MAX_PATH, L"%ls\\%ls", payload, f->name);
        f->n_looked = 2;
        for (int k = 0; k < f->n_looked && f->src_status == PE_MISSING; k++) {
            BYTE *src = read_driver(b, &m->os, f->looked[k], &f->src_status, &f->src_machine, &src_size);
            if (f->src_status != PE_MISSING)
                wcopy(f->src, COUNTOF(f->src), f->looked[k]);
            if (src) {
                if (pe_has_signature(src, src_size))
                    sig_verify(f->src, TRUE, &f->src_sig);
                if (dst)
                    f->dst_same = src_size == dst_size && memcmp(src, dst, src_size) == 0;
            }
            free(src);
        }
    }
    if ((w->sources & 1u << SRC_INBOX) && machine_gen(&m->os) == GEN_NT5 && f->dst_status != PE_OK)
        find_in_cabs(b, &m->os, f);
    free(dst);
}

/* Is this INF already staged? The installer keeps one copy per distinct INF in the INF
 * folder (as oemNN.inf); an identical file there means the package is in place. Only
 * files of the same size are read. */
static void find_staged(const struct backend *b, const struct machine *m, struct machine_package *pkg)
{
    if (b->find_staged(b->ctx, m->os.systemroot, pkg->inf, pkg->staged_as, COUNTOF(pkg->staged_as)) != ERROR_SUCCESS)
        pkg->staged_as[0] = 0;
}

static void probe_package(const struct backend *b, struct machine *m, const struct want_package *w,
                          const wchar_t *default_payload)
{
    struct machine_package *pkg = &m->packages[m->n_packages++];
    const wchar_t *payload = w->payload_dir ? w->payload_dir : default_payload;
    BYTE *data;
    DWORD size;
    memset(pkg, 0, sizeof *pkg);
    wcopy(pkg->name, COUNTOF(pkg->name), w->inf);
    wfmt(pkg->looked[0], MAX_PATH, L"%ls\\%ls\\%ls", payload, payload_arch_dir(&m->os), w->inf);
    wfmt(pkg->looked[1], MAX_PATH, L"%ls\\%ls", payload, w->inf);
    pkg->n_looked = 2;
    for (int k = 0; k < 2 && !pkg->inf[0]; k++)
        if (b->read_file(b->ctx, pkg->looked[k], &data, &size) == ERROR_SUCCESS) {
            wcopy(pkg->inf, COUNTOF(pkg->inf), pkg->looked[k]);
            free(data);
        }
    if (!pkg->inf[0])
        return;
    /* The catalog the INF names, the architecture-decorated entry first. */
    const wchar_t *keys[] = { m->os.arch == ARCH_X64 ? L"CatalogFile.NTamd64" : L"CatalogFile.NTx86",
                              L"CatalogFile.NT", L"CatalogFile" };
    for (size_t k = 0; k < COUNTOF(keys) && !pkg->catalog[0]; k++)
        GetPrivateProfileStringW(L"Version", keys[k], L"", pkg->catalog, COUNTOF(pkg->catalog), pkg->inf);
    if (pkg->catalog[0]) {
        wchar_t cat[MAX_PATH];
        wcopy(cat, COUNTOF(cat), pkg->inf);
        wchar_t *slash = wcsrchr(cat, L'\\');
        if (slash)
            wcopy(slash + 1, COUNTOF(cat) - (size_t)(slash + 1 - cat), pkg->catalog);
        if (b->read_file(b->ctx, cat, &data, &size) == ERROR_SUCCESS) {
            pkg->catalog_present = TRUE;
            wcopy(pkg->catalog_path, COUNTOF(pkg->catalog_path), cat);
            free(data);
            if (m->os.arch == ARCH_X64)
                sig_verify_catalog(cat, pkg->inf, &pkg->inf_sig);
        }
    }
    find_staged(b, m, pkg);
}

/* 64-bit Windows also loads a driver whose package catalog is signed: a payload driver
 * without a valid embedded signature is looked up in the catalogs of its target's
 * packages; the first catalog that lists it gives its verdict. */
static void probe_catalog_signatures(struct machine *m, const struct requirements *r)
{
    for (int i = 0; i < m->n_files && i < r->n_files; i++) {
        struct machine_file *f = &m->files[i];
        if (f->src_status != PE_OK || f->src_sig.state == SIG_VALID || f->src_sig.state == SIG_BROKEN)
            continue;
        for (int k = 0; k < m->n_packages && k < r->n_packages; k++) {
            const struct machine_package *pkg = &m->packages[k];
            if (r->packages[k].target != r->files[i].target || !pkg->catalog_present)
                continue;
            struct sig_info v;
            sig_verify_catalog(pkg->catalog_path, f->src, &v);
            if (f->cat_sig.state == SIG_NONE || f->cat_sig.state == SIG_NOT_LISTED) {
                f->cat_sig = v;
                wcopy(f->cat, COUNTOF(f->cat), pkg->catalog_path);
            }
            if (v.state != SIG_NOT_LISTED)
                break;
        }
    }
}

DWORD probe_values(const struct backend *b, struct machine *m, const struct requirements *r)
{
    m->n_values = 0;
    m->n_keys = 0;
    for (size_t i = 0; i < r->n_wants; i++) {
        const struct want *w = &r->wants[i];
        DWORD e;
        if (w->kind == WANT_NO_KEY) {
            e = probe_key(b, m, w->key);
        } else {
            struct machine_value *mv = machine_add_value(m, w->key, w->name);
            if (!mv)
                return ERROR_NOT_ENOUGH_MEMORY;
            e = b->read_value(b->ctx, mv->key, mv->name, &mv->v);
        }
        if (e != ERROR_SUCCESS)
            return e;
    }
    return ERROR_SUCCESS;
}

DWORD probe_files(const struct backend *b, struct machine *m, const struct requirements *r,
                  const wchar_t *payload_dir)
{
    m->test_signing = FALSE;
    if (m->os.arch == ARCH_X64 && m->select_present[SEL_CURRENT]) {
        wchar_t key[64], options[512];
        struct regval v;
        wfmt(key, COUNTOF(key), L"SYSTEM\\ControlSet%03lu\\Control", (unsigned long)m->select[SEL_CURRENT]);
        if (b->read_value(b->ctx, key, L"SystemStartOptions", &v) == ERROR_SUCCESS && v.present &&
            regval_string(&v, options, COUNTOF(options)))
            for (const wchar_t *o = options; *o && !m->test_signing; o++)
                m->test_signing = _wcsnicmp(o, L"TESTSIGNING", 11) == 0;
    }
    m->n_files = 0;
    for (int i = 0; i < r->n_files; i++)
        probe_file(b, m, &r->files[i], payload_dir);
    m->n_packages = 0;
    for (int i = 0; i < r->n_packages; i++)
        probe_package(b, m, &r->packages[i], payload_dir);
    if (m->os.arch == ARCH_X64)
        probe_catalog_signatures(m, r);
    return ERROR_SUCCESS;
}
