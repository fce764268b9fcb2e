#include "probe.h"
#include "platforms.h"
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

static void add_class(struct machine *m, const wchar_t *name)
{
    if (wcslen(name) >= COUNTOF(m->classes[0]))
        return;   /* not a {GUID}: no class of Windows' */
    for (int i = 0; i < m->n_classes; i++)
        if (!_wcsicmp(m->classes[i], name))
            return;
    if (m->n_classes >= P2V_CLASSES_MAX) {
        m->classes_overflow = TRUE;
        return;
    }
    wcopy(m->classes[m->n_classes++], COUNTOF(m->classes[0]), name);
}

/* Programs and Features: both registry views' Uninstall keys. */
static DWORD probe_products(const struct backend *b, struct machine *m, const struct policy *policy)
{
    static const wchar_t *const roots[] = {
        L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
        L"SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
    };
    for (size_t r = 0; r < COUNTOF(roots); r++)
        for (DWORD i = 0;; i++) {
            wchar_t sub[128], key[P2V_KEY_MAX], name[128];
            struct regval v;
            DWORD e = b->enum_subkey(b->ctx, roots[r], i, sub, COUNTOF(sub));
            if (e == ERROR_NO_MORE_ITEMS || e == ERROR_FILE_NOT_FOUND)
                break;
            if (e == ERROR_MORE_DATA)
                continue;   /* no product code is that long */
            if (e != ERROR_SUCCESS)
                return e;
            wfmt(key, COUNTOF(key), L"%ls\\%ls", roots[r], sub);
            if (b->read_value(b->ctx, key, L"DisplayName", &v) != ERROR_SUCCESS ||
                !regval_string(&v, name, COUNTOF(name)))
                continue;
            BOOL known = FALSE;
            for (size_t k = 0; k < policy->n_retire && !known; k++)
                for (size_t p = 0; p < policy->retire[k]->n_products && !known; p++) {
                    const wchar_t *prefix = policy->retire[k]->products[p].display_name;
                    known = !_wcsnicmp(name, prefix, wcslen(prefix));
                }
            if (!known || m->n_products >= P2V_PRODUCTS_MAX)
                continue;
            struct machine_product *pr = &m->products[m->n_products++];
            memset(pr, 0, sizeof *pr);
            wcopy(pr->name, COUNTOF(pr->name), name);
            wcopy(pr->code, COUNTOF(pr->code), sub);
            if (b->read_value(b->ctx, key, L"DisplayVersion", &v) == ERROR_SUCCESS)
                regval_string(&v, pr->version, COUNTOF(pr->version));
            DWORD msi = 0;
            if (b->read_value(b->ctx, key, L"WindowsInstaller", &v) == ERROR_SUCCESS && v.present &&
                v.type == REG_DWORD && v.size == 4)
                memcpy(&msi, v.data, 4);
            pr->msi = msi == 1;
        }
    m->products_known = TRUE;
    return ERROR_SUCCESS;
}

static BOOL retiring(const struct policy *policy, const wchar_t *name)
{
    for (size_t k = 0; k < policy->n_retire; k++)
        for (size_t i = 0; i < policy->retire[k]->n_specs; i++)
            if (!_wcsicmp(policy->retire[k]->specs[i].name, name))
                return TRUE;
    return FALSE;
}

/* The devices of the current control set whose own UpperFilters or LowerFilters name a
 * service of the platforms being retired: Enum\<bus>\<device>\<instance>. */
static DWORD probe_device_filters(const struct backend *b, struct machine *m, const struct policy *policy)
{
    static const wchar_t *const lists[] = { L"UpperFilters", L"LowerFilters" };
    wchar_t root[64], k1[P2V_KEY_MAX], k2[P2V_KEY_MAX], k3[P2V_KEY_MAX], n1[128], n2[200], n3[128];
    m->n_devfilters = 0;
    if (!m->select_present[SEL_CURRENT])
        return ERROR_SUCCESS;
    wfmt(root, COUNTOF(root), L"SYSTEM\\ControlSet%03lu\\Enum", (unsigned long)m->select[SEL_CURRENT]);
    for (DWORD a = 0; b->enum_subkey(b->ctx, root, a, n1, COUNTOF(n1)) == ERROR_SUCCESS; a++) {
        wfmt(k1, COUNTOF(k1), L"%ls\\%ls", root, n1);
        for (DWORD d = 0; b->enum_subkey(b->ctx, k1, d, n2, COUNTOF(n2)) == ERROR_SUCCESS; d++) {
            wfmt(k2, COUNTOF(k2), L"%ls\\%ls", k1, n2);
            for (DWORD i = 0; b->enum_subkey(b->ctx, k2, i, n3, COUNTOF(n3)) == ERROR_SUCCESS; i++) {
                wfmt(k3, COUNTOF(k3), L"%ls\\%ls", k2, n3);
                for (size_t l = 0; l < COUNTOF(lists); l++) {
                    struct regval v;
                    if (b->read_value(b->ctx, k3, lists[l], &v) != ERROR_SUCCESS || !v.present ||
                        v.type != REG_MULTI_SZ || v.truncated)
                        continue;
                    const wchar_t *s = (const wchar_t *)v.data;
                    size_t n = v.size / sizeof(wchar_t);
                    for (size_t at = 0; at < n && s[at];) {
                        size_t len = 0;
                        wchar_t one[64];
                        while (at + len < n && s[at + len])
                            len++;
                        if (len < COUNTOF(one)) {
                            memcpy(one, s + at, len * sizeof(wchar_t));
                            one[len] = 0;
                            if (retiring(policy, one) && m->n_devfilters < P2V_DEVFILTERS_MAX) {
                                struct machine_devfilter *f = &m->devfilters[m->n_devfilters++];
                                wcopy(f->service, COUNTOF(f->service), one);
                                wfmt(f->device, COUNTOF(f->device), L"%ls\\%ls\\%ls", n1, n2, n3);
                            }
                        }
                        at += len + 1;
                    }
                }
            }
        }
    }
    return ERROR_SUCCESS;
}

DWORD probe_retire(const struct backend *b, struct machine *m, const struct policy *policy)
{
    m->n_classes = 0;
    m->classes_overflow = FALSE;
    m->n_products = 0;
    m->products_known = FALSE;
    m->n_devfilters = 0;
    if (!policy->n_retire)
        return ERROR_SUCCESS;
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class", m->sets[s]);
        for (DWORD i = 0;; i++) {
            wchar_t name[64];
            DWORD e = b->enum_subkey(b->ctx, key, i, name, COUNTOF(name));
            if (e == ERROR_NO_MORE_ITEMS || e == ERROR_FILE_NOT_FOUND)
                break;
            if (e == ERROR_MORE_DATA)
                continue;
            if (e != ERROR_SUCCESS)
                return e;
            add_class(m, name);
        }
    }
    DWORD e = probe_device_filters(b, m, policy);
    if (e != ERROR_SUCCESS)
        return e;
    return m->os.offline ? ERROR_SUCCESS : probe_products(b, m, policy);
}
