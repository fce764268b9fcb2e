/* INF-derived targets (--inf); see inf.h.
 *
 * The INF is read with SetupAPI, so that its syntax (quoting, line continuation, %strings%,
 * appended INFs) is Windows' own. Only the SetupAPI functions Windows 2000 has and that
 * tests/imports.allow already lists are used: SetupOpenInfFileW, SetupCloseInfFile,
 * SetupFindFirstLineW, SetupFindNextLine and SetupGetStringFieldW. Counting fields, finding
 * the next line with a key and reading numbers are done on top of those. */
#include "inf.h"
#include "dynapi.h"
#include "infname.h"
#include "winerr.h"
#include <setupapi.h>
#include <stdarg.h>
#include <string.h>
#include <wchar.h>

struct inf_reader {
    HINF inf;
    const wchar_t *path;   /* as named in messages */
    wchar_t *err;
    size_t cch;
};

static DWORD fail(struct inf_reader *r, DWORD code, const wchar_t *fmt, ...)
{
    if (r->err && r->cch) {
        va_list ap;
        va_start(ap, fmt);
        wfmtv(r->err, r->cch, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Field i of a line (0 is the key), %strings% substituted by SetupAPI.
 * 1: read; 0: the line has no such field; -1: longer than cch (buf then empty). */
static int field(INFCONTEXT *ic, DWORD i, wchar_t *buf, DWORD cch)
{
    DWORD need = 0;
    SetLastError(ERROR_SUCCESS);   /* Wine 8 fails past the last field without setting one */
    if (setupapi()->SetupGetStringFieldW(ic, i, buf, cch, &need))
        return 1;
    buf[0] = 0;
    return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -1 : 0;
}

static BOOL section_has_lines(HINF inf, const wchar_t *section)
{
    INFCONTEXT ic;
    return setupapi()->SetupFindFirstLineW(inf, section, NULL, &ic);
}

/* The next line of the section whose key is key (SetupFindNextMatchLine without importing it). */
static BOOL next_with_key(INFCONTEXT *ic, const wchar_t *key)
{
    wchar_t k[64];
    while (setupapi()->SetupFindNextLine(ic, ic))
        if (field(ic, 0, k, COUNTOF(k)) == 1 && _wcsicmp(k, key) == 0)
            return TRUE;
    return FALSE;
}

/* Field 1 of the first line with that key. */
static int key_value(HINF inf, const wchar_t *section, const wchar_t *key, wchar_t *buf, DWORD cch)
{
    INFCONTEXT ic;
    buf[0] = 0;
    if (!setupapi()->SetupFindFirstLineW(inf, section, key, &ic))
        return 0;
    return field(&ic, 1, buf, cch);
}

/* ASCII only: msvcrt's isw* would add an import for nothing. */
static BOOL is_digit(wchar_t c) { return c >= L'0' && c <= L'9'; }
static BOOL is_xdigit(wchar_t c)
{
    return is_digit(c) || (c >= L'a' && c <= L'f') || (c >= L'A' && c <= L'F');
}

/* A number as SetupGetIntField reads it: 0x... hexadecimal, else decimal. */
static BOOL parse_dword(const wchar_t *s, DWORD *out)
{
    wchar_t *end;
    unsigned long v;
    while (*s == L' ' || *s == L'\t')
        s++;
    if (s[0] == L'0' && (s[1] == L'x' || s[1] == L'X')) {
        if (!is_xdigit(s[2]))
            return FALSE;
        v = wcstoul(s + 2, &end, 16);
    } else {
        if (!is_digit(s[0]))
            return FALSE;
        v = wcstoul(s, &end, 10);
    }
    while (*end == L' ' || *end == L'\t')
        end++;
    if (*end)
        return FALSE;
    *out = (DWORD)v;
    return TRUE;
}

static DWORD int_value(HINF inf, const wchar_t *section, const wchar_t *key)
{
    wchar_t v[64];
    DWORD d;
    if (key_value(inf, section, key, v, COUNTOF(v)) == 1 && parse_dword(v, &d))
        return d;
    return INF_VALUE_ABSENT;
}

static const wchar_t *base_name(const wchar_t *path)
{
    const wchar_t *b = path;
    for (const wchar_t *p = path; *p; p++)
        if (*p == L'\\' || *p == L'/' || *p == L':')
            b = p + 1;
    return b;
}

static const wchar_t *arch_decoration(unsigned arch)
{
    return arch == ARCH_X64 ? L"amd64" : L"x86";
}

/* ---- [Manufacturer] decorations: NT[arch][.major[.minor[.product[.suite[.build]]]]] ---- */

struct decoration {
    BOOL valid, arch_specific;
    DWORD major, minor;
};

static struct decoration parse_decoration(const wchar_t *d, unsigned arch)
{
    struct decoration r = { FALSE, FALSE, 0, 0 };
    wchar_t a[16];
    size_t n = 0;
    if (_wcsnicmp(d, L"NT", 2) != 0)
        return r;
    d += 2;
    while (*d && *d != L'.' && n < COUNTOF(a) - 1)
        a[n++] = *d++;
    a[n] = 0;
    if (*d && *d != L'.')
        return r;
    if (n) {
        if (_wcsicmp(a, arch_decoration(arch)) != 0)
            return r;   /* another architecture (or ia64, arm64...) */
        r.arch_specific = TRUE;
    }
    /* Version fields; an empty one counts as 0. Product type, suite mask and build number
     * are not known here and are not checked. */
    for (int part = 0; part < 2 && *d == L'.'; part++) {
        DWORD v = 0;
        d++;
        while (is_digit(*d))
            v = v * 10 + (DWORD)(*d++ - L'0');
        if (*d && *d != L'.')
            return r;
        if (part == 0)
            r.major = v;
        else
            r.minor = v;
    }
    r.valid = TRUE;
    return r;
}

static BOOL os_at_least(const struct decoration *d, DWORD major, DWORD minor)
{
    return major > d->major || (major == d->major && minor >= d->minor);
}

/* Is a better than b: higher version first, then architecture-specific over plain NT. */
static BOOL better(const struct decoration *a, const struct decoration *b)
{
    if (a->major != b->major)
        return a->major > b->major;
    if (a->minor != b->minor)
        return a->minor > b->minor;
    return a->arch_specific && !b->arch_specific;
}

/* Picks the models section of one [Manufacturer] line. Returns 1 found, 0 none for this
 * Windows (why in note), -1 error already reported. */
static int pick_models(struct inf_reader *r, INFCONTEXT *ic, struct inf_target *t, wchar_t *note,
                       size_t note_cch)
{
    wchar_t base[128], dec[64], best_dec[64] = L"";
    struct decoration best = { FALSE, FALSE, 0, 0 };
    int n_dec = 0, f;

    f = field(ic, 1, base, COUNTOF(base));
    if (f != 1 || !base[0]) {
        wfmt(note, note_cch, L"No models section named");
        return 0;
    }
    for (DWORD i = 2; (f = field(ic, i, dec, COUNTOF(dec))) != 0; i++) {
        if (f < 0 || !dec[0])
            continue;
        n_dec++;
        struct decoration d = parse_decoration(dec, t->arch);
        if (!d.valid || !os_at_least(&d, t->os_major, t->os_minor))
            continue;
        if (!best.valid || better(&d, &best)) {
            best = d;
            wcopy(best_dec, COUNTOF(best_dec), dec);
        }
    }

    /* Windows 2000 does not know decorations and always uses the undecorated section. */
    BOOL win2000 = t->os_major == 5 && t->os_minor == 0;
    if (best.valid && !win2000) {
        if (wcslen(base) + 1 + wcslen(best_dec) >= COUNTOF(t->models_section)) {
            wfmt(note, note_cch, L"A models section name too long (%ls.%ls)", base, best_dec);
            return 0;
        }
        wfmt(t->models_section, COUNTOF(t->models_section), L"%ls.%ls", base, best_dec);
        wcopy(t->decoration, COUNTOF(t->decoration), best_dec);
        if (!section_has_lines(r->inf, t->models_section)) {
            fail(r, ERROR_SECTION_NOT_FOUND,
                 L"%ls names the models section [%ls] in [Manufacturer] but has no such section "
                 L"(or it is empty).",
                 r->path, t->models_section);
            return -1;
        }
        return 1;
    }
    /* No decoration matches (or none is given): the undecorated section, which 64-bit
     * Windows never uses, and which Windows 2000 always uses. */
    if (t->arch == ARCH_X64) {
        if (n_dec)
            wfmt(note, note_cch, L"No models for NTamd64 %lu.%lu", (unsigned long)t->os_major,
                 (unsigned long)t->os_minor);
        else
            wfmt(note, note_cch,
                 L"No models for NTamd64 (only the undecorated [%ls], which 64-bit Windows does "
                 L"not use)", base);
        return 0;
    }
    if (!section_has_lines(r->inf, base)) {
        if (win2000 && n_dec)
            wfmt(note, note_cch,
                 L"No models for Windows 2000, which reads only the undecorated [%ls] (missing),",
                 base);
        else
            wfmt(note, note_cch, L"No models for NTx86 %lu.%lu", (unsigned long)t->os_major,
                 (unsigned long)t->os_minor);
        return 0;
    }
    wcopy(t->models_section, COUNTOF(t->models_section), base);
    t->decoration[0] = 0;
    return 1;
}

static DWORD read_manufacturer(struct inf_reader *r, struct inf_target *t)
{
    INFCONTEXT ic;
    wchar_t note[256] = L"";
    if (!setupapi()->SetupFindFirstLineW(r->inf, L"Manufacturer", NULL, &ic))
        return fail(r, ERROR_SECTION_NOT_FOUND, L"%ls has no [Manufacturer] section.", r->path);
    do {
        int got = pick_models(r, &ic, t, note, COUNTOF(note));
        if (got < 0)
            return ERROR_SECTION_NOT_FOUND;
        if (got > 0)
            return ERROR_SUCCESS;
    } while (setupapi()->SetupFindNextLine(&ic, &ic));
    return fail(r, ERROR_SECTION_NOT_FOUND, L"%ls in [Manufacturer] of %ls.", note, r->path);
}

/* ---- the models section: hardware IDs and the install section ---- */

static BOOL is_pci_id(const wchar_t *id)
{
    return _wcsnicmp(id, L"PCI\\", 4) == 0;
}

static DWORD read_models(struct inf_reader *r, struct inf_target *t, wchar_t *install, size_t cch)
{
    INFCONTEXT ic;
    wchar_t desc[256], inst[128], id[512], key[512];
    int f;

    install[0] = 0;
    if (!setupapi()->SetupFindFirstLineW(r->inf, t->models_section, NULL, &ic))
        return fail(r, ERROR_SECTION_NOT_FOUND, L"%ls has no lines in its models section [%ls].",
                    r->path, t->models_section);
    do {
        t->n_models++;
        if (field(&ic, 1, inst, COUNTOF(inst)) != 1 || !inst[0])
            continue;
        if (!install[0]) {
            wcopy(install, cch, inst);
            if (field(&ic, 0, desc, COUNTOF(desc)) != 0)
                wcopy(t->title, COUNTOF(t->title), desc);
        } else if (_wcsicmp(install, inst) != 0 && !t->other_install[0]) {
            wcopy(t->other_install, COUNTOF(t->other_install), inst);
        }
        for (DWORD i = 2; (f = field(&ic, i, id, COUNTOF(id))) != 0; i++) {
            if (f < 0 || !is_pci_id(id))
                continue;   /* longer than any device ID Windows accepts (200), or not PCI */
            wchar_t why[160], shown[80];
            const wchar_t *bad = inf_hwid_problem(id, why, COUNTOF(why));
            if (bad)
                return fail(r, ERROR_INVALID_DATA, L"%ls lists the PCI ID %ls in [%ls], which %ls.",
                            r->path, inf_name_shown(id, shown, COUNTOF(shown)),
                            t->models_section, bad);
            if (!inf_cdd_key(id, key, COUNTOF(key)))
                return fail(r, ERROR_NOT_SUPPORTED, L"%ls lists a PCI ID too long in [%ls].",
                            r->path, t->models_section);
            int dup = 0;
            for (int k = 0; k < t->n_hwids && !dup; k++)
                dup = _wcsicmp(t->cdd_keys[k], key) == 0;
            if (dup)
                continue;
            if (t->n_hwids == INF_MAX_IDS)
                return fail(r, ERROR_NOT_SUPPORTED,
                            L"%ls lists more than %d PCI IDs in [%ls], more than p2vprep can "
                            L"write.",
                            r->path, INF_MAX_IDS, t->models_section);
            wcopy(t->hwids[t->n_hwids], INF_ID_CCH, id);
            wcopy(t->cdd_keys[t->n_hwids], INF_ID_CCH, key);
            t->n_hwids++;
        }
    } while (setupapi()->SetupFindNextLine(&ic, &ic));

    if (!install[0])
        return fail(r, ERROR_SECTION_NOT_FOUND,
                    L"%ls names no install section in its models section [%ls].", r->path,
                    t->models_section);
    if (!t->n_hwids)
        return fail(r, ERROR_LINE_NOT_FOUND, L"%ls has no PCI hardware ID in [%ls].", r->path,
                    t->models_section);
    return ERROR_SUCCESS;
}

/* The install section Windows uses: <install>.NTamd64|.NTx86, then .NT, then undecorated.
 * A section counts as present when it or its .Services section has lines. */
static DWORD resolve_install(struct inf_reader *r, struct inf_target *t, const wchar_t *install)
{
    wchar_t cand[3][128], svc[140];
    wfmt(cand[0], COUNTOF(cand[0]), L"%ls.NT%ls", install, arch_decoration(t->arch));
    wfmt(cand[1], COUNTOF(cand[1]), L"%ls.NT", install);
    wcopy(cand[2], COUNTOF(cand[2]), install);
    for (int i = 0; i < 3; i++) {
        wfmt(svc, COUNTOF(svc), L"%ls.Services", cand[i]);
        if (section_has_lines(r->inf, cand[i]) || section_has_lines(r->inf, svc)) {
            wcopy(t->install_section, COUNTOF(t->install_section), cand[i]);
            wcopy(t->services_section, COUNTOF(t->services_section), svc);
            return ERROR_SUCCESS;
        }
    }
    return fail(r, ERROR_SECTION_NOT_FOUND,
                L"%ls has no install section [%ls] (nor [%ls] or [%ls]) for the models in [%ls].",
                r->path, cand[0], cand[1], cand[2], t->models_section);
}

/* ---- <install>.Services: AddService and the service-install section ---- */

static DWORD read_service(struct inf_reader *r, struct inf_target *t)
{
    INFCONTEXT ic;
    wchar_t name[128], flags[32], sect[128], bin[MAX_PATH];
    BOOL found = FALSE;

    if (setupapi()->SetupFindFirstLineW(r->inf, t->services_section, L"AddService", &ic)) {
        do {
            DWORD fl = 0;
            int got = field(&ic, 1, name, COUNTOF(name));
            if (got < 0)
                return fail(r, ERROR_INVALID_DATA,
                            L"%ls: AddService in [%ls] names a service longer than %d characters.",
                            r->path, t->services_section, INF_SERVICE_NAME_MAX);
            if (got == 0 || !name[0])
                continue;   /* AddService = ,2: a null service */
            if (field(&ic, 2, flags, COUNTOF(flags)) == 1 && flags[0])
                parse_dword(flags, &fl);
            if (!found || ((fl & SPSVCINST_ASSOCSERVICE) &&
                           !(t->service_flags & SPSVCINST_ASSOCSERVICE))) {
                if (field(&ic, 3, sect, COUNTOF(sect)) != 1)
                    sect[0] = 0;
                wcopy(t->service_name, COUNTOF(t->service_name), name);
                wcopy(t->service_section, COUNTOF(t->service_section), sect);
                t->service_flags = fl;
                found = TRUE;
            }
        } while (next_with_key(&ic, L"AddService"));
    }
    if (!found)
        return fail(r, ERROR_LINE_NOT_FOUND,
                    L"%ls has no AddService directive naming a service in [%ls].", r->path,
                    t->services_section);
    wchar_t why[200], shown[80];
    const wchar_t *bad = inf_service_name_problem(t->service_name, t->gen, why, COUNTOF(why));
    if (bad)
        return fail(r, ERROR_INVALID_DATA, L"%ls: the service name %ls in [%ls] %ls.", r->path,
                    inf_name_shown(t->service_name, shown, COUNTOF(shown)), t->services_section,
                    bad);
    if (!t->service_section[0])
        return fail(r, ERROR_LINE_NOT_FOUND,
                    L"%ls: AddService for %ls in [%ls] names no service-install section.", r->path,
                    t->service_name, t->services_section);
    if (!section_has_lines(r->inf, t->service_section))
        return fail(r, ERROR_SECTION_NOT_FOUND,
                    L"%ls has no service-install section [%ls] for service %ls.", r->path,
                    t->service_section, t->service_name);

    t->service_type = int_value(r->inf, t->service_section, L"ServiceType");
    t->start_type = int_value(r->inf, t->service_section, L"StartType");
    t->error_control = int_value(r->inf, t->service_section, L"ErrorControl");
    if (key_value(r->inf, t->service_section, L"LoadOrderGroup", t->group, COUNTOF(t->group)) != 1 ||
        !t->group[0])
        wcopy(t->group, COUNTOF(t->group), L"SCSI miniport");

    if (key_value(r->inf, t->service_section, L"ServiceBinary", bin, COUNTOF(bin)) != 1 ||
        !*base_name(bin))
        return fail(r, ERROR_LINE_NOT_FOUND, L"%ls has no ServiceBinary in [%ls] (service %ls).",
                    r->path, t->service_section, t->service_name);
    if (!wcopy(t->service_file, COUNTOF(t->service_file), base_name(bin)))
        return fail(r, ERROR_NOT_SUPPORTED, L"%ls: the ServiceBinary file name in [%ls] is too long.",
                    r->path, t->service_section);
    if ((bad = inf_file_name_problem(t->service_file, why, COUNTOF(why))) != NULL)
        return fail(r, ERROR_INVALID_DATA, L"%ls: the ServiceBinary file name %ls in [%ls] %ls.",
                    r->path, inf_name_shown(t->service_file, shown, COUNTOF(shown)),
                    t->service_section, bad);
    return ERROR_SUCCESS;
}

/* ---- CopyFiles ---- */

static DWORD add_file(struct inf_reader *r, struct inf_target *t, const wchar_t *name)
{
    name = base_name(name);
    if (!*name)
        return ERROR_SUCCESS;
    for (int i = 0; i < t->n_files; i++)
        if (_wcsicmp(t->files[i], name) == 0)
            return ERROR_SUCCESS;
    if (t->n_files == INF_MAX_FILES)
        return fail(r, ERROR_NOT_SUPPORTED,
                    L"%ls copies more than %d files in [%ls], more than p2vprep handles.", r->path,
                    INF_MAX_FILES, t->install_section);
    wchar_t why[200], shown[80];
    const wchar_t *bad = inf_file_name_problem(name, why, COUNTOF(why));
    if (bad)
        return fail(r, ERROR_INVALID_DATA, L"%ls: the file name %ls in [%ls] %ls.", r->path,
                    inf_name_shown(name, shown, COUNTOF(shown)), t->install_section, bad);
    if (!wcopy(t->files[t->n_files], COUNTOF(t->files[0]), name))
        return fail(r, ERROR_NOT_SUPPORTED, L"%ls: the file name %ls in [%ls] is too long.",
                    r->path, name, t->install_section);
    t->n_files++;
    return ERROR_SUCCESS;
}

static DWORD read_files(struct inf_reader *r, struct inf_target *t)
{
    INFCONTEXT ic, fc;
    wchar_t v[128], file[MAX_PATH];
    DWORD e;
    int f;

    if (!setupapi()->SetupFindFirstLineW(r->inf, t->install_section, L"CopyFiles", &ic))
        return ERROR_SUCCESS;
    do {
        for (DWORD i = 1; (f = field(&ic, i, v, COUNTOF(v))) != 0; i++) {
            if (f < 0 || !v[0])
                continue;
            if (v[0] == L'@') {
                if ((e = add_file(r, t, v + 1)) != ERROR_SUCCESS)
                    return e;
                continue;
            }
            /* A file-list section: destination-file-name[,source-file-name][,temp][,flag] */
            if (!setupapi()->SetupFindFirstLineW(r->inf, v, NULL, &fc))
                continue;
            do {
                if (field(&fc, 1, file, COUNTOF(file)) == 1 &&
                    (e = add_file(r, t, file)) != ERROR_SUCCESS)
                    return e;
            } while (setupapi()->SetupFindNextLine(&fc, &fc));
        }
    } while (next_with_key(&ic, L"CopyFiles"));
    return ERROR_SUCCESS;
}

/* ---- [Version] ---- */

static void read_version(struct inf_reader *r, struct inf_target *t)
{
    wchar_t key[40];
    if (key_value(r->inf, L"Version", L"ClassGuid", t->class_guid, COUNTOF(t->class_guid)) != 1 ||
        !t->class_guid[0])
        wcopy(t->class_guid, COUNTOF(t->class_guid), CLASS_SCSIADAPTER);
    wfmt(key, COUNTOF(key), L"CatalogFile.NT%ls", arch_decoration(t->arch));
    if (key_value(r->inf, L"Version", key, t->catalog, COUNTOF(t->catalog)) == 1 && t->catalog[0])
        return;
    if (key_value(r->inf, L"Version", L"CatalogFile.NT", t->catalog, COUNTOF(t->catalog)) == 1 &&
        t->catalog[0])
        return;
    if (key_value(r->inf, L"Version", L"CatalogFile", t->catalog, COUNTOF(t->catalog)) != 1)
        t->catalog[0] = 0;
}

/* ---- the target ---- */

static void join_ids(struct inf_target *t)
{
    size_t cap = COUNTOF(t->pci_ids), len = 0;
    wchar_t more[32];
    t->pci_ids[0] = 0;
    for (int i = 0; i < t->n_hwids; i++) {
        size_t n = wcslen(t->hwids[i]) + (i ? 2 : 0);
        if (len + n + 20 >= cap) {   /* keep room for " (+NN more)" */
            wfmt(more, COUNTOF(more), L" (+%d more)", t->n_hwids - i);
            wcscat(t->pci_ids, more);
            return;
        }
        if (i)
            wcscat(t->pci_ids, L", ");
        wcscat(t->pci_ids, t->hwids[i]);
        len += n;
    }
}

static void fill_target(struct inf_target *t)
{
    wfmt(t->name, COUNTOF(t->name), L"inf:%ls", t->service_name);
    if (!t->title[0])
        wcopy(t->title, COUNTOF(t->title), t->service_name);
    join_ids(t);
    wfmt(t->where_to_get, COUNTOF(t->where_to_get), L"the files named by %ls must sit beside it",
         t->inf_path);

    t->service.name = t->service_name;
    t->service.file = t->service_file;
    t->service.group = t->group;
    t->service.source = t->gen == GEN_NT62 ? SRC_PACKAGE : SRC_PAYLOAD;
    t->service.pnp_interface = t->n_hwids > 0;
    t->service.optional = FALSE;

    t->n_cdd = 0;
    if (t->gen != GEN_NT62)
        for (int i = 0; i < t->n_hwids; i++) {
            t->cdd[t->n_cdd].id = t->cdd_keys[i];
            t->cdd[t->n_cdd].service = t->service_name;
            t->cdd[t->n_cdd].class_guid = t->class_guid;
            t->n_cdd++;
        }

    t->rule.gens = t->gen;
    t->rule.archs = t->arch;
    t->rule.refusal = NULL;
    t->rule.nt_min = t->rule.nt_max = 0;   /* the INF was read for this very version */
    t->rule.services = &t->service;
    t->rule.n_services = 1;
    t->rule.cdd = t->n_cdd ? t->cdd : NULL;
    t->rule.n_cdd = t->n_cdd;
    t->rule.libraries = NULL;
    t->packages[0] = t->inf_file;
    t->packages[1] = NULL;
    t->rule.packages = t->gen == GEN_NT62 ? t->packages : NULL;

    t->target.name = t->name;
    t->target.title = t->title;
    t->target.pci_ids = t->pci_ids;
    t->target.where_to_get = t->where_to_get;
    t->target.rules = &t->rule;
    t->target.n_rules = 1;
    t->target.payload_dir = t->payload_dir;
    t->target.boot_also = NULL;
    t->target.san_online = FALSE;
}

DWORD inf_load_target(const wchar_t *inf_path, unsigned gen, unsigned arch, DWORD os_major,
                      DWORD os_minor, struct inf_target *out, wchar_t *err, size_t cch)
{
    struct inf_reader r = { INVALID_HANDLE_VALUE, inf_path, err, cch };
    UINT line = 0;
    DWORD e;

    if (err && cch)
        err[0] = 0;
    if (!out || !inf_path || !inf_path[0])
        return fail(&r, ERROR_INVALID_PARAMETER, L"No INF was named.");
    if ((gen != GEN_NT5 && gen != GEN_NT6 && gen != GEN_NT62) || (arch != ARCH_X86 && arch != ARCH_X64))
        return fail(&r, ERROR_INVALID_PARAMETER, L"%ls: unknown Windows generation or architecture.",
                    inf_path);

    if (!setupapi())
        return fail(&r, ERROR_MOD_NOT_FOUND, L"%ls: SetupAPI (setupapi.dll in System32) could not "
                    L"be loaded to read it.", inf_path);
    memset(out, 0, sizeof *out);
    out->gen = gen;
    out->arch = arch;
    out->os_major = os_major;
    out->os_minor = os_minor;

    /* A bare file name would make SetupOpenInfFile search %windir%\inf: make it full. */
    wchar_t *file_part = NULL;
    DWORD n = GetFullPathNameW(inf_path, COUNTOF(out->inf_path), out->inf_path, &file_part);
    if (n == 0 || n >= COUNTOF(out->inf_path)) {
        if (!wcopy(out->inf_path, COUNTOF(out->inf_path), inf_path))
            return fail(&r, ERROR_FILENAME_EXCED_RANGE, L"The INF path %ls is too long.", inf_path);
    }
    wcopy(out->inf_file, COUNTOF(out->inf_file), base_name(out->inf_path));
    wcopy(out->payload_dir, COUNTOF(out->payload_dir), out->inf_path);
    wchar_t *b = (wchar_t *)base_name(out->payload_dir);
    if (b > out->payload_dir && (b[-1] == L'\\' || b[-1] == L'/') &&
        !(b - 1 == out->payload_dir || (b - 2 >= out->payload_dir && b[-2] == L':')))
        b[-1] = 0;   /* drop "\driver.inf"; keep the root's backslash (C:\) */
    else
        b[0] = 0;

    r.inf = setupapi()->SetupOpenInfFileW(out->inf_path, NULL, INF_STYLE_WIN4, &line);
    if (r.inf == INVALID_HANDLE_VALUE) {
        wchar_t why[300];
        e = GetLastError();
        if (e == ERROR_SUCCESS)
            e = ERROR_GEN_FAILURE;
        /* SetupAPI's own codes (0xE000xxxx) have no system message text: say what they mean. */
        const wchar_t *what = e == ERROR_EXPECTED_SECTION_NAME    ? L"a line outside any section"
                              : e == ERROR_BAD_SECTION_NAME_LINE  ? L"a bad section header"
                              : e == ERROR_SECTION_NAME_TOO_LONG  ? L"a section name too long"
                              : e == ERROR_GENERAL_SYNTAX         ? L"a syntax error"
                              : e == ERROR_WRONG_INF_STYLE        ? L"not a Windows NT INF (no "
                                                                    L"Signature=\"$Windows NT$\")"
                                                                  : NULL;
        win_error_text(e, why, COUNTOF(why));
        if (what && line)
            return fail(&r, e, L"Cannot read the INF %ls: %ls at line %u (%ls).", inf_path, what,
                        line, why);
        if (what)
            return fail(&r, e, L"Cannot read the INF %ls: %ls (%ls).", inf_path, what, why);
        if (line)
            return fail(&r, e, L"Cannot read the INF %ls: %ls, at line %u.", inf_path, why, line);
        return fail(&r, e, L"Cannot read the INF %ls: %ls.", inf_path, why);
    }

    wchar_t install[128];
    if ((e = read_manufacturer(&r, out)) == ERROR_SUCCESS &&
        (e = read_models(&r, out, install, COUNTOF(install))) == ERROR_SUCCESS &&
        (e = resolve_install(&r, out, install)) == ERROR_SUCCESS &&
        (e = read_service(&r, out)) == ERROR_SUCCESS &&
        (e = read_files(&r, out)) == ERROR_SUCCESS) {
        read_version(&r, out);
        fill_target(out);
    }
    setupapi()->SetupCloseInfFile(r.inf);
    return e;
}

/* ---- describe ---- */

static void add_dword(struct wbuf *out, const wchar_t *name, DWORD v)
{
    if (v == INF_VALUE_ABSENT)
        wbuf_addf(out, L"%ls (not set)", name);
    else
        wbuf_addf(out, L"%ls %lu", name, (unsigned long)v);
}

void inf_describe(const struct inf_target *t, struct wbuf *out)
{
    wbuf_addf(out, L"INF %ls, read for Windows %lu.%lu %ls (%ls)\n", t->inf_path,
              (unsigned long)t->os_major, (unsigned long)t->os_minor,
              t->arch == ARCH_X64 ? L"x64" : L"x86",
              t->gen == GEN_NT5 ? L"2000/XP/2003 rules" : t->gen == GEN_NT6 ? L"Vista to 2008 R2 rules"
                                                                             : L"Windows 8 and later rules");
    if (t->decoration[0])
        wbuf_addf(out, L"models section [%ls] (decoration %ls chosen in [Manufacturer])\n",
                  t->models_section, t->decoration);
    else
        wbuf_addf(out, L"models section [%ls] (undecorated)\n", t->models_section);
    wbuf_addf(out, L"device: %ls (%d model line%ls)\n", t->title, t->n_models,
              t->n_models == 1 ? L"" : L"s");
    wbuf_addf(out, L"install section [%ls], services in [%ls]\n", t->install_section,
              t->services_section);
    if (t->other_install[0])
        wbuf_addf(out,
                  L"note: the models also name install section %ls; the first one's (%ls) is "
                  L"used for every ID\n",
                  t->other_install, t->install_section);
    wbuf_addf(out, L"PCI IDs (%d):\n", t->n_hwids);
    for (int i = 0; i < t->n_hwids; i++) {
        if (t->gen == GEN_NT62)
            wbuf_addf(out, L"  %ls\n", t->hwids[i]);
        else
            wbuf_addf(out, L"  %ls -> CriticalDeviceDatabase\\%ls (class %ls)\n", t->hwids[i],
                      t->cdd_keys[i], t->class_guid);
    }
    wbuf_addf(out, L"service %ls (AddService flags 0x%lx, [%ls]): ", t->service_name,
              (unsigned long)t->service_flags, t->service_section);
    add_dword(out, L"ServiceType", t->service_type);
    wbuf_add(out, L", ");
    add_dword(out, L"StartType", t->start_type);
    wbuf_add(out, L", ");
    add_dword(out, L"ErrorControl", t->error_control);
    wbuf_addf(out, L", LoadOrderGroup %ls, ServiceBinary %ls\n", t->group, t->service_file);
    if (t->start_type != SERVICE_START_BOOT)
        wbuf_add(out, L"note: the service is made boot-start (Start 0) whatever StartType the INF gives\n");
    if (t->n_files) {
        wbuf_add(out, L"files:");
        for (int i = 0; i < t->n_files; i++)
            wbuf_addf(out, L" %ls", t->files[i]);
        wbuf_add(out, L"\n");
    } else {
        wbuf_add(out, L"files: none named by CopyFiles\n");
    }
    BOOL listed = FALSE;
    for (int i = 0; i < t->n_files; i++)
        listed |= _wcsicmp(t->files[i], t->service_file) == 0;
    if (!listed)
        wbuf_addf(out, L"note: ServiceBinary %ls is not among the CopyFiles files\n", t->service_file);
    wbuf_addf(out, L"catalog: %ls\n", t->catalog[0] ? t->catalog : L"none");
    if (t->gen == GEN_NT62)
        wbuf_addf(out, L"source: driver package %ls in %ls\n", t->inf_file, t->payload_dir);
    else
        wbuf_addf(out, L"source: payload folder %ls\n", t->payload_dir);
}
