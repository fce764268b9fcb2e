/* importcheck: fail when an exe imports something its oldest supported Windows lacks.
 *
 *   importcheck [--expect N] [--expect-problem DLL!FUNC]... <exe> <allowlist> <baseline>
 *
 * A static import that the running Windows does not export stops the loader before
 * main() runs, so nothing inside the agent can report it: it has to be caught at build
 * time. Every import (normal and delay-loaded) must come from a DLL that has a section
 * in the allowlist, be listed there by name, and have a minimum Windows version no newer
 * than <baseline>. The PE file is parsed here rather than through ImageHlp/DbgHelp so
 * the check does not depend on what Wine implements.
 *
 * --expect N makes a run that finds exactly N problems succeed (a test that proves the
 * check can fail); each --expect-problem names one import that must be among them.
 *
 * Exit: 0 clean (or as expected), 1 problems (or not as expected), 2 usage/IO/parse error.
 */
#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_CLEAN = 0, EXIT_PROBLEMS = 1, EXIT_ERROR = 2 };

static _Noreturn void fatal(const char *fmt, ...)
{
    va_list ap;
    fputs("importcheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_ERROR);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        fatal("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* Versions are "major.minor" and compared as major * 100 + minor. */
static int parse_version(const char *s, int *out)
{
    char *end;
    long major, minor;

    if (*s < '0' || *s > '9')
        return 0;
    major = strtol(s, &end, 10);
    if (*end != '.' || end[1] < '0' || end[1] > '9')
        return 0;
    minor = strtol(end + 1, &end, 10);
    if (*end || major > 99 || minor > 99)
        return 0;
    *out = (int)(major * 100 + minor);
    return 1;
}

static const char *version_str(int v)
{
    static char buf[2][8];
    static int which;
    char *b = buf[which ^= 1];   /* two slots: a message may show two versions */
    snprintf(b, sizeof buf[0], "%d.%d", v / 100, v % 100);
    return b;
}

/* ---- allowlist ------------------------------------------------------------------ */

struct allowed {
    size_t dll;             /* index into allowlist.dlls */
    char *func;
    int version;
};

struct allowlist {
    char **dlls;            /* one per [section]: the DLLs that ship with Windows */
    char *runtime_only;     /* per section: "[x.dll] runtime" - never a static import */
    size_t ndlls;
    struct allowed *funcs;
    size_t nfuncs;
};

static long find_dll(const struct allowlist *al, const char *dll)
{
    for (size_t i = 0; i < al->ndlls; i++)
        if (_stricmp(al->dlls[i], dll) == 0)
            return (long)i;
    return -1;
}

static const struct allowed *find_func(const struct allowlist *al, size_t dll, const char *func)
{
    for (size_t i = 0; i < al->nfuncs; i++)
        if (al->funcs[i].dll == dll && strcmp(al->funcs[i].func, func) == 0)
            return &al->funcs[i];
    return NULL;
}

static void load_allowlist(const char *path, struct allowlist *al)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int lineno = 0;
    long dll = -1;

    if (!f)
        fatal("cannot open allowlist %s", path);
    while (fgets(line, sizeof line, f)) {
        char *tok[3], *hash;
        int ntok = 0, version;

        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            fatal("%s:%d: line too long", path, lineno);
        if ((hash = strchr(line, '#')))
            *hash = '\0';
        for (char *t = strtok(line, " \t\r\n"); t && ntok < 3; t = strtok(NULL, " \t\r\n"))
            tok[ntok++] = t;
        if (ntok == 0)
            continue;

        if (tok[0][0] == '[') {
            size_t n = strlen(tok[0]);
            if ((ntok != 1 && !(ntok == 2 && !strcmp(tok[1], "runtime"))) || n < 3 || tok[0][n - 1] != ']')
                fatal("%s:%d: expected a section header like [kernel32.dll] or [setupapi.dll] runtime",
                      path, lineno);
            tok[0][n - 1] = '\0';
            dll = find_dll(al, tok[0] + 1);
            if (dll < 0) {
                al->dlls = xrealloc(al->dlls, (al->ndlls + 1) * sizeof *al->dlls);
                al->runtime_only = xrealloc(al->runtime_only, al->ndlls + 1);
                al->dlls[al->ndlls] = xstrdup(tok[0] + 1);
                al->runtime_only[al->ndlls] = 0;
                dll = (long)al->ndlls++;
            }
            if (ntok == 2)
                al->runtime_only[dll] = 1;
            continue;
        }

        if (dll < 0)
            fatal("%s:%d: function listed before any [dll] section", path, lineno);
        if (ntok != 2 || !parse_version(tok[1], &version))
            fatal("%s:%d: expected 'FunctionName  minversion' (e.g. 'CreateFileW 5.0')",
                  path, lineno);
        /* A second entry could silently contradict the first one's version. */
        if (find_func(al, (size_t)dll, tok[0]))
            fatal("%s:%d: %s is listed twice in [%s]", path, lineno, tok[0], al->dlls[dll]);
        al->funcs = xrealloc(al->funcs, (al->nfuncs + 1) * sizeof *al->funcs);
        al->funcs[al->nfuncs].dll = (size_t)dll;
        al->funcs[al->nfuncs].func = xstrdup(tok[0]);
        al->funcs[al->nfuncs].version = version;
        al->nfuncs++;
    }
    if (ferror(f))
        fatal("cannot read allowlist %s", path);
    fclose(f);
}

/* ---- PE image ------------------------------------------------------------------- */

struct image {
    const char *name;                   /* for messages */
    unsigned char *data;
    size_t size;
    int pe32plus;
    ULONGLONG image_base;
    DWORD size_of_headers;
    IMAGE_DATA_DIRECTORY dirs[IMAGE_NUMBEROF_DIRECTORY_ENTRIES];
    IMAGE_SECTION_HEADER *sections;
    unsigned nsections;
};

static void read_file(const char *path, struct image *img)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n;

    if (!f)
        fatal("cannot open %s", path);
    img->data = NULL;
    img->size = 0;
    do {
        if (img->size == cap)
            img->data = xrealloc(img->data, cap = cap ? cap * 2 : 1 << 16);
        n = fread(img->data + img->size, 1, cap - img->size, f);
        img->size += n;
    } while (n > 0);
    if (ferror(f))
        fatal("cannot read %s", path);
    fclose(f);
}

/* Copies len bytes at file offset off, or fails the whole run: a truncated or
 * inconsistent image is a parse error, never a silently shorter import list. */
static void get(const struct image *img, size_t off, void *out, size_t len)
{
    if (off > img->size || len > img->size - off)
        fatal("%s: truncated or corrupt PE image (offset 0x%zx)", img->name, off);
    memcpy(out, img->data + off, len);
}

static size_t rva_to_off(const struct image *img, DWORD rva)
{
    for (unsigned i = 0; i < img->nsections; i++) {
        const IMAGE_SECTION_HEADER *s = &img->sections[i];
        DWORD vsize = s->Misc.VirtualSize ? s->Misc.VirtualSize : s->SizeOfRawData;
        if (rva >= s->VirtualAddress && rva - s->VirtualAddress < vsize) {
            /* The tail past SizeOfRawData is zero-filled memory with no file bytes. */
            if (rva - s->VirtualAddress >= s->SizeOfRawData)
                fatal("%s: RVA 0x%lx is not backed by the file", img->name, (unsigned long)rva);
            return (size_t)s->PointerToRawData + (rva - s->VirtualAddress);
        }
    }
    if (rva < img->size_of_headers)
        return rva;
    fatal("%s: RVA 0x%lx is outside every section", img->name, (unsigned long)rva);
}

static const char *get_str(const struct image *img, DWORD rva)
{
    size_t off = rva_to_off(img, rva);
    if (off >= img->size || !memchr(img->data + off, '\0', img->size - off))
        fatal("%s: unterminated name at RVA 0x%lx", img->name, (unsigned long)rva);
    return (const char *)img->data + off;
}

static void parse_headers(struct image *img)
{
    IMAGE_DOS_HEADER dos;
    IMAGE_FILE_HEADER fh;
    DWORD sig, ndirs;
    WORD magic;
    size_t nt, opt;

    get(img, 0, &dos, sizeof dos);
    if (dos.e_magic != IMAGE_DOS_SIGNATURE)
        fatal("%s: not an MZ executable", img->name);
    nt = (size_t)(DWORD)dos.e_lfanew;
    get(img, nt, &sig, sizeof sig);
    if (sig != IMAGE_NT_SIGNATURE)
        fatal("%s: no PE signature", img->name);
    get(img, nt + 4, &fh, sizeof fh);
    opt = nt + 4 + sizeof fh;
    get(img, opt, &magic, sizeof magic);

    memset(img->dirs, 0, sizeof img->dirs);
    if (magic == IMAGE_NT_OPTIONAL_HDR32_MAGIC) {
        IMAGE_OPTIONAL_HEADER32 oh;
        if (fh.SizeOfOptionalHeader < offsetof(IMAGE_OPTIONAL_HEADER32, DataDirectory))
            fatal("%s: optional header too small", img->name);
        memset(&oh, 0, sizeof oh);
        get(img, opt, &oh, fh.SizeOfOptionalHeader < sizeof oh ? fh.SizeOfOptionalHeader
                                                                  : sizeof oh);
        img->pe32plus = 0;
        img->image_base = oh.ImageBase;
        img->size_of_headers = oh.SizeOfHeaders;
        ndirs = oh.NumberOfRvaAndSizes;
        memcpy(img->dirs, oh.DataDirectory, sizeof img->dirs);
    } else if (magic == IMAGE_NT_OPTIONAL_HDR64_MAGIC) {
        IMAGE_OPTIONAL_HEADER64 oh;
        if (fh.SizeOfOptionalHeader < offsetof(IMAGE_OPTIONAL_HEADER64, DataDirectory))
            fatal("%s: optional header too small", img->name);
        memset(&oh, 0, sizeof oh);
        get(img, opt, &oh, fh.SizeOfOptionalHeader < sizeof oh ? fh.SizeOfOptionalHeader
                                                                  : sizeof oh);
        img->pe32plus = 1;
        img->image_base = oh.ImageBase;
        img->size_of_headers = oh.SizeOfHeaders;
        ndirs = oh.NumberOfRvaAndSizes;
        memcpy(img->dirs, oh.DataDirectory, sizeof img->dirs);
    } else {
        fatal("%s: unknown optional header magic 0x%x", img->name, magic);
    }
    /* Directories past NumberOfRvaAndSizes (or past the optional header) are absent. */
    for (DWORD i = ndirs; i < IMAGE_NUMBEROF_DIRECTORY_ENTRIES; i++)
        img->dirs[i].VirtualAddress = img->dirs[i].Size = 0;

    img->nsections = fh.NumberOfSections;
    img->sections = xrealloc(NULL, (img->nsections + 1) * sizeof *img->sections);
    get(img, opt + fh.SizeOfOptionalHeader, img->sections,
        img->nsections * sizeof *img->sections);
}

/* ---- checking ------------------------------------------------------------------- */

struct expectation {
    const char *dll, *func;     /* func is "#N" for an ordinal */
    int seen;
};

struct check {
    const struct allowlist *al;
    const char *allow_path;
    int baseline;
    unsigned nimports, nproblems;
    const char **dlls;          /* distinct imported DLLs, for the summary */
    unsigned ndlls;
    struct expectation *expect;
    unsigned nexpect;
};

static void note_dll(struct check *c, const char *dll)
{
    for (unsigned i = 0; i < c->ndlls; i++)
        if (_stricmp(c->dlls[i], dll) == 0)
            return;
    c->dlls = xrealloc(c->dlls, (c->ndlls + 1) * sizeof *c->dlls);
    c->dlls[c->ndlls++] = dll;
}

static void problem(struct check *c, const char *dll, const char *func, const char *how,
                    const char *fmt, ...)
{
    va_list ap;

    c->nproblems++;
    for (unsigned i = 0; i < c->nexpect; i++)
        if (_stricmp(c->expect[i].dll, dll) == 0 && strcmp(c->expect[i].func, func) == 0)
            c->expect[i].seen = 1;
    printf("  FAIL  %s!%s%s: ", dll, func, how);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* func is NULL for an import by ordinal. */
static void check_import(struct check *c, const char *dll, const char *func, unsigned ordinal,
                         int delayed)
{
    const char *how = delayed ? " (delay-loaded)" : "";
    const struct allowed *a;
    char ordname[16];
    long d;

    c->nimports++;
    note_dll(c, dll);
    if (!func) {
        snprintf(ordname, sizeof ordname, "#%u", ordinal);
        func = ordname;
    }
    d = find_dll(c->al, dll);
    if (d < 0) {
        problem(c, dll, func, how, "%s is not a system DLL (no [%s] section in %s)",
                dll, dll, c->allow_path);
        return;
    }
    /* Not a KnownDLL on every supported Windows: a static import is resolved before
     * main() through the DLL search order, which starts in the exe's own folder, so a
     * copy planted beside the exe (a download folder, a share) would run as SYSTEM. */
    if (c->al->runtime_only[d]) {
        problem(c, dll, func, how, "%s must not be imported statically: load it at run time "
                "by its System32 path (agent/platform/dynapi.c)", dll);
        return;
    }
    /* Ordinals of system DLLs are not stable across Windows versions, and the
     * allowlist could not tell what the import is anyway. */
    if (func == ordname) {
        problem(c, dll, func, how, "imported by ordinal %u; import it by name", ordinal);
        return;
    }
    a = find_func(c->al, (size_t)d, func);
    if (!a) {
        problem(c, dll, func, how, "not reviewed: add it to [%s] in %s with its minimum "
                "Windows version", c->al->dlls[d], c->allow_path);
        return;
    }
    if (a->version > c->baseline) {
        problem(c, dll, func, how, "needs Windows %s, newer than the baseline %s; look it "
                "up at run time instead", version_str(a->version), version_str(c->baseline));
        return;
    }
    printf("  ok    %s!%s%s  %s\n", dll, func, how, version_str(a->version));
}

/* Walks one zero-terminated thunk array of names/ordinals. Delay-load tables written
 * by old linkers hold VAs instead of RVAs; base is what turns them into RVAs. */
static void check_thunks(struct check *c, const struct image *img, const char *dll,
                         DWORD table, ULONGLONG base, int delayed)
{
    size_t width = img->pe32plus ? 8 : 4;
    ULONGLONG ordinal_flag = img->pe32plus ? IMAGE_ORDINAL_FLAG64 : IMAGE_ORDINAL_FLAG32;
    size_t off = rva_to_off(img, table);

    for (;; off += width) {
        ULONGLONG v = 0;
        get(img, off, &v, width);
        if (v == 0)
            break;
        if (v & ordinal_flag)
            check_import(c, dll, NULL, (unsigned)(v & 0xffff), delayed);
        else  /* skip the 2-byte hint in front of the name */
            check_import(c, dll, get_str(img, (DWORD)(v - base) + 2), 0, delayed);
    }
}

static void check_imports(struct check *c, const struct image *img)
{
    const IMAGE_DATA_DIRECTORY *dir = &img->dirs[IMAGE_DIRECTORY_ENTRY_IMPORT];
    const IMAGE_DATA_DIRECTORY *ddir = &img->dirs[IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT];

    if (dir->VirtualAddress) {
        size_t off = rva_to_off(img, dir->VirtualAddress);
        for (;; off += sizeof(IMAGE_IMPORT_DESCRIPTOR)) {
            IMAGE_IMPORT_DESCRIPTOR d;
            get(img, off, &d, sizeof d);
            if (d.Name == 0 && d.FirstThunk == 0)
                break;
            /* Without a name table the IAT is the only list (of names until bound). */
            check_thunks(c, img, get_str(img, d.Name),
                         d.OriginalFirstThunk ? d.OriginalFirstThunk : d.FirstThunk, 0, 0);
        }
    }

    if (ddir->VirtualAddress) {
        size_t off = rva_to_off(img, ddir->VirtualAddress);
        for (;; off += sizeof(IMAGE_DELAYLOAD_DESCRIPTOR)) {
            IMAGE_DELAYLOAD_DESCRIPTOR d;
            ULONGLONG base;
            get(img, off, &d, sizeof d);
            if (d.DllNameRVA == 0)
                break;
            base = (d.Attributes.AllAttributes & 1) ? 0 : img->image_base;
            check_thunks(c, img, get_str(img, (DWORD)(d.DllNameRVA - base)),
                         (DWORD)(d.ImportNameTableRVA - base), base, 1);
        }
    }
}

static _Noreturn void usage(void)
{
    fputs("usage: importcheck [--expect N] [--expect-problem DLL!FUNC]... "
          "<exe> <allowlist> <baseline>\n"
          "  baseline: the oldest Windows the exe supports, e.g. 5.0 (2000), 5.2 (XP x64)\n",
          stderr);
    exit(EXIT_ERROR);
}

int main(int argc, char **argv)
{
    struct allowlist al = {0};
    struct image img = {0};
    struct check c = {0};
    const char *pos[3];
    int npos = 0, expect = -1, ok;

    c.expect = xrealloc(NULL, (size_t)argc * sizeof *c.expect);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
            char *end;
            expect = (int)strtol(argv[++i], &end, 10);
            if (*end || expect < 0)
                usage();
        } else if (strcmp(argv[i], "--expect-problem") == 0 && i + 1 < argc) {
            char *bang = strchr(argv[++i], '!');
            if (!bang || bang == argv[i] || !bang[1])
                usage();
            *bang = '\0';
            c.expect[c.nexpect].dll = argv[i];
            c.expect[c.nexpect].func = bang + 1;
            c.expect[c.nexpect++].seen = 0;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            usage();
        } else if (npos < 3) {
            pos[npos++] = argv[i];
        } else {
            usage();
        }
    }
    if (npos != 3)
        usage();
    if (!parse_version(pos[2], &c.baseline))
        fatal("baseline '%s' is not a Windows version like 5.0", pos[2]);

    load_allowlist(pos[1], &al);
    c.al = &al;
    c.allow_path = pos[1];

    /* Messages name the exe without its directory: build trees differ, names do not. */
    img.name = pos[0];
    for (const char *p = pos[0]; *p; p++)
        if (*p == '/' || *p == '\\')
            img.name = p + 1;
    read_file(pos[0], &img);
    parse_headers(&img);

    printf("importcheck: %s (%s) against %s, baseline %s\n", img.name,
           img.pe32plus ? "PE32+" : "PE32", pos[1], version_str(c.baseline));
    check_imports(&c, &img);
    printf("importcheck: %s: %u imports from %u DLL%s, %u problem%s (baseline %s)\n",
           img.name, c.nimports, c.ndlls, c.ndlls == 1 ? "" : "s",
           c.nproblems, c.nproblems == 1 ? "" : "s", version_str(c.baseline));

    if (expect < 0 && c.nexpect == 0)
        return c.nproblems ? EXIT_PROBLEMS : EXIT_CLEAN;

    ok = expect < 0 || (unsigned)expect == c.nproblems;
    if (!ok)
        printf("importcheck: expected %d problems, found %u\n", expect, c.nproblems);
    for (unsigned i = 0; i < c.nexpect; i++) {
        if (!c.expect[i].seen) {
            printf("importcheck: expected a problem with %s!%s, found none\n",
                   c.expect[i].dll, c.expect[i].func);
            ok = 0;
        }
    }
    if (ok)
        printf("importcheck: found the expected problems\n");
    return ok ? EXIT_CLEAN : EXIT_PROBLEMS;
}
