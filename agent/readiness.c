/* Readiness beyond the registry; see readiness.h. Facts from
 * shared/reference/storage-targets.md and Microsoft's documentation of boot.ini, the
 * disk IOCTLs, power settings and device installation policies. Everything here reads;
 * nothing is written. */
#define COBJMACROS
#include "readiness.h"
#include "wow64.h"
#include "dynapi.h"
#include <ole2.h>
#include <wbemcli.h>
#include "text.h"
#include "winerr.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <winioctl.h>

/* The disk IOCTLs are codes, not imports: Windows 2000 answers what it knows and fails the
 * rest, which is handled. Defined here in case a header hides them for _WIN32_WINNT=0x0500. */
#ifndef IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS
#define IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS CTL_CODE(0x56, 0, METHOD_BUFFERED, FILE_ANY_ACCESS)
#endif
#ifndef IOCTL_DISK_GET_DRIVE_LAYOUT_EX
#define IOCTL_DISK_GET_DRIVE_LAYOUT_EX \
    CTL_CODE(IOCTL_DISK_BASE, 0x0014, METHOD_BUFFERED, FILE_ANY_ACCESS)
#endif
#ifndef PARTITION_LDM
#define PARTITION_LDM 0x42
#endif
/* The kernel returns entries of this size whatever the headers' NTDDI_VERSION adds. */
_Static_assert(sizeof(PARTITION_INFORMATION_EX) == 144, "PARTITION_INFORMATION_EX layout");

/* GPT partition types of a dynamic disk: LDM metadata and LDM data. */
static const GUID gpt_ldm_metadata =
    {0x5808C8AA, 0x7E8F, 0x42E0, {0x85, 0xD2, 0xE1, 0xE9, 0x04, 0x34, 0xCF, 0xB3}};
static const GUID gpt_ldm_data =
    {0xAF9B60A0, 0x1431, 0x4F62, {0xBC, 0x68, 0x33, 0x11, 0x71, 0x4A, 0x69, 0xAD}};

#define MB (1024ull * 1024)
#define BOOTINI_MAX (256u * 1024)   /* a boot.ini is a few hundred bytes */

static BOOL nt6(const struct os_info *os) { return os->major >= 6; }
static BOOL nt62(const struct os_info *os)
{
    return os->major > 6 || (os->major == 6 && os->minor >= 2);
}

void readiness_note(struct readiness *r, BOOL warning, const wchar_t *code, const wchar_t *fmt, ...)
{
    if (r->n_notes >= READINESS_NOTES_MAX)
        return;
    struct readiness_note *n = &r->notes[r->n_notes++];
    va_list ap;
    wcopy(n->code, COUNTOF(n->code), code);
    va_start(ap, fmt);
    wfmtv(n->message, COUNTOF(n->message), fmt, ap);
    va_end(ap);
    n->warning = warning;
}

const struct readiness_note *readiness_find(const struct readiness *r, const wchar_t *code)
{
    for (int i = 0; i < r->n_notes; i++)
        if (!wcscmp(r->notes[i].code, code))
            return &r->notes[i];
    return NULL;
}

/* "D:" for "D:\WINDOWS"; FALSE for anything that does not start with a drive letter. */
static BOOL volume_of(const wchar_t *path, wchar_t *vol, size_t cch)
{
    wchar_t c = path[0];
    if (cch < 3 || !((c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z')) || path[1] != L':')
        return FALSE;
    vol[0] = c >= L'a' ? (wchar_t)(c - L'a' + L'A') : c;
    vol[1] = L':';
    vol[2] = 0;
    return TRUE;
}

/* Select\Current names the control set the running system uses; without it,
 * CurrentControlSet (a link, fine for reading). */
static void current_set(const struct machine *m, wchar_t *set, size_t cch)
{
    if (m->select_present[SEL_CURRENT])
        wfmt(set, cch, L"ControlSet%03lu", (unsigned long)m->select[SEL_CURRENT]);
    else
        wcopy(set, cch, L"CurrentControlSet");
}

/* ---- boot.ini ---------------------------------------------------------------------- */

/* Windows-1252 bytes 0x80..0x9F; the rest of the code page equals Latin-1. Five of these
 * are unassigned and kept as the C1 control of the same number. */
static const wchar_t cp1252_80[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static wchar_t from_1252(unsigned char c)
{
    return c >= 0x80 && c < 0xA0 ? cp1252_80[c - 0x80] : (wchar_t)c;
}

/* Copies bytes [s, e) into a wide buffer, trimmed of blanks. */
static void span_to_wide(const char *s, const char *e, wchar_t *out, size_t cch)
{
    size_t n = 0;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if (cch == 0)
        return;
    for (; s < e && n + 1 < cch; s++)
        out[n++] = from_1252((unsigned char)*s);
    out[n] = 0;
}

enum bootini_section { SEC_OTHER, SEC_LOADER, SEC_SYSTEMS };

/* One key=value line of boot.ini and the section it is in. */
struct bootini_line {
    enum bootini_section section;
    const char *key, *key_end, *value, *value_end;
};

/* The first c in [s, e), or NULL. (memchr is not on the exe's reviewed import list.) */
static const char *find_byte(const char *s, const char *e, char c)
{
    for (; s < e; s++)
        if (*s == c)
            return s;
    return NULL;
}

/* Splits text into lines; returns FALSE at the end. *pos is the cursor. */
static BOOL next_line(const char *text, size_t len, size_t *pos, const char **s, const char **e)
{
    if (*pos >= len)
        return FALSE;
    const char *p = text + *pos, *end = text + len;
    const char *nl = find_byte(p, end, '\n');
    const char *le = nl ? nl : end;
    *pos = (size_t)((nl ? nl + 1 : end) - text);
    while (le > p && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
        le--;
    while (p < le && (*p == ' ' || *p == '\t'))
        p++;
    *s = p;
    *e = le;
    return TRUE;
}

static BOOL span_ieq(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - s) != n)
        return FALSE;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return FALSE;
    }
    return TRUE;
}

/* Walks the lines of boot.ini: section headers switch the section, comments and blank
 * lines are skipped, and key=value lines are returned one by one. */
static BOOL next_entry(const char *text, size_t len, size_t *pos, enum bootini_section *sec,
                       BOOL *saw_loader, struct bootini_line *out)
{
    const char *s, *e;
    while (next_line(text, len, pos, &s, &e)) {
        if (s == e || *s == ';')
            continue;
        if (*s == '[') {
            const char *close = find_byte(s, e, ']');
            const char *a = s + 1, *b = close ? close : e;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            if (span_ieq(a, b, "boot loader")) {
                *sec = SEC_LOADER;
                *saw_loader = TRUE;
            } else if (span_ieq(a, b, "operating systems")) {
                *sec = SEC_SYSTEMS;
            } else {
                *sec = SEC_OTHER;
            }
            continue;
        }
        const char *eq = find_byte(s, e, '=');
        if (!eq)
            continue;
        out->section = *sec;
        out->key = s;
        out->key_end = eq;
        while (out->key_end > s && (out->key_end[-1] == ' ' || out->key_end[-1] == '\t'))
            out->key_end--;
        out->value = eq + 1;
        out->value_end = e;
        while (out->value < e && (*out->value == ' ' || *out->value == '\t'))
            out->value++;
        return TRUE;
    }
    return FALSE;
}

/* Case-insensitive comparison of two spans of boot.ini (ASCII letters fold). */
static BOOL span_ieq_span(const char *a, const char *ae, const char *b, const char *be)
{
    if (ae - a != be - b)
        return FALSE;
    for (; a < ae; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return FALSE;
    }
    return TRUE;
}

BOOL bootini_default(const char *text, size_t len, wchar_t *arc, size_t arc_cch,
                     wchar_t *title, size_t title_cch)
{
    struct bootini_line l;
    enum bootini_section sec = SEC_OTHER;
    BOOL saw_loader = FALSE;
    const char *def = NULL, *def_end = NULL;
    size_t pos = 0;

    if (arc_cch)
        arc[0] = 0;
    if (title_cch)
        title[0] = 0;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l)) {
        if (l.section == SEC_LOADER && span_ieq(l.key, l.key_end, "default")) {
            def = l.value;
            def_end = l.value_end;
            break;
        }
    }
    if (!saw_loader || !def || def == def_end)
        return FALSE;
    span_to_wide(def, def_end, arc, arc_cch);

    /* The [operating systems] section may come before or after [boot loader]. The key is
     * compared as bytes, so that a short arc buffer does not hide the title. */
    pos = 0;
    sec = SEC_OTHER;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l)) {
        if (l.section != SEC_SYSTEMS || !span_ieq_span(l.key, l.key_end, def, def_end))
            continue;
        const char *v = l.value, *ve = l.value_end;
        if (v < ve && *v == '"') {
            const char *q = find_byte(v + 1, ve, '"');
            span_to_wide(v + 1, q ? q : ve, title, title_cch);
        } else {
            /* An unquoted description runs to the first option. */
            const char *opt = v;
            while (opt < ve && !(*opt == '/' && (opt == v || opt[-1] == ' ' || opt[-1] == '\t')))
                opt++;
            span_to_wide(v, opt, title, title_cch);
        }
        break;
    }
    return TRUE;
}

/* Matches name(N) at *p, case-insensitively; advances *p past it. */
static BOOL arc_component(const wchar_t **p, const wchar_t *name, int *value)
{
    size_t n = wcslen(name);
    const wchar_t *s = *p;
    if (_wcsnicmp(s, name, n) != 0 || s[n] != L'(')
        return FALSE;
    s += n + 1;
    long v = 0;
    int digits = 0;
    while (*s >= L'0' && *s <= L'9' && digits < 9) {
        v = v * 10 + (*s++ - L'0');
        digits++;
    }
    if (digits == 0 || *s != L')')
        return FALSE;
    *value = (int)v;
    *p = s + 1;
    return TRUE;
}

BOOL arc_path_parse(const wchar_t *arc, int *rdisk, int *partition, wchar_t *dir, size_t cch)
{
    const wchar_t *p = arc;
    int adapter, disk, rd, part;
    *rdisk = *partition = -1;
    if (cch)
        dir[0] = 0;
    if (!arc_component(&p, L"multi", &adapter) && !arc_component(&p, L"scsi", &adapter))
        return FALSE;
    if (!arc_component(&p, L"disk", &disk) || !arc_component(&p, L"rdisk", &rd) ||
        !arc_component(&p, L"partition", &part) || part < 1)
        return FALSE;
    if (*p != 0 && *p != L'\\')
        return FALSE;
    *rdisk = rd;
    *partition = part;
    if (cch)
        wcopy(dir, cch, p);
    return TRUE;
}

static BOOL arc_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '\\' || c == '_' || c == '-' || c == '.' || c == '(' || c == ')' || c == '$';
}

BOOL bootini_set_partition(const char *text, size_t len, int new_partition, char **out, size_t *out_len)
{
    struct bootini_line l;
    enum bootini_section sec = SEC_OTHER;
    BOOL saw_loader = FALSE;
    const char *def = NULL, *def_end = NULL;
    size_t pos = 0;
    *out = NULL;
    while (next_entry(text, len, &pos, &sec, &saw_loader, &l))
        if (l.section == SEC_LOADER && span_ieq(l.key, l.key_end, "default")) {
            def = l.value;
            def_end = l.value_end;
            break;
        }
    if (!def || def == def_end || new_partition < 1 || new_partition > 999)
        return FALSE;
    /* the new ARC path: the old one with its partition(N) renumbered */
    size_t dlen = (size_t)(def_end - def);
    const char *part = NULL;
    for (const char *p = def; p + 10 <= def_end && !part; p++)
        if (span_ieq(p, p + 10, "partition("))
            part = p + 10;
    if (!part || !((dlen > 6 && span_ieq(def, def + 6, "multi(")) ||
                   (dlen > 5 && span_ieq(def, def + 5, "scsi("))))
        return FALSE;
    const char *digits_end = part;
    while (digits_end < def_end && *digits_end >= '0' && *digits_end <= '9')
        digits_end++;
    if (digits_end == part || digits_end >= def_end || *digits_end != ')')
        return FALSE;
    char arc[600], num[4];
    int digits = 0;
    for (int v = new_partition; v; v /= 10)
        num[digits++] = (char)('0' + v % 10);
    size_t head = (size_t)(part - def), tail = (size_t)(def_end - digits_end);
    if (dlen >= sizeof arc || head + (size_t)digits + tail >= sizeof arc)
        return FALSE;
    memcpy(arc, def, head);
    for (int k = 0; k < digits; k++)
        arc[head + (size_t)k] = num[digits - 1 - k];
    memcpy(arc + head + digits, digits_end, tail);
    size_t n = head + (size_t)digits + tail;
    char old[600];
    memcpy(old, def, dlen);
    old[dlen] = 0;

    char *buf = malloc(len + 64 * (n + 1) + 1);
    size_t o = 0, grow = 0;
    if (!buf)
        return FALSE;
    for (size_t i = 0; i < len;) {
        /* an occurrence of the old path that is not the start of a longer one */
        if (i + dlen <= len && span_ieq_span(text + i, text + i + dlen, old, old + dlen) &&
            (i + dlen == len || !arc_char(text[i + dlen])) && (i == 0 || !arc_char(text[i - 1])) &&
            grow < 64) {
            memcpy(buf + o, arc, n);
            o += n;
            i += dlen;
            grow++;
        } else {
            buf[o++] = text[i++];
        }
    }
    *out = buf;
    *out_len = o;
    return TRUE;
}

BOOL bootini_read(const wchar_t *path, struct readiness *out)
{
    wchar_t arc[COUNTOF(out->boot_default)], title[COUNTOF(out->boot_default_title)];
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    DWORD high = 0, size = GetFileSize(f, &high), got = 0;
    char *buf = NULL;
    BOOL ok = FALSE;
    if (size != INVALID_FILE_SIZE && high == 0 && size <= BOOTINI_MAX &&
        (buf = malloc(size ? size : 1)) != NULL && ReadFile(f, buf, size, &got, NULL) && got == size)
        ok = bootini_default(buf, size, arc, COUNTOF(arc), title, COUNTOF(title));
    free(buf);
    CloseHandle(f);
    if (!ok)
        return FALSE;
    wcopy(out->boot_ini, COUNTOF(out->boot_ini), path);
    wcopy(out->boot_default, COUNTOF(out->boot_default), arc);
    wcopy(out->boot_default_title, COUNTOF(out->boot_default_title), title);
    if (!volume_of(path, out->boot_volume, COUNTOF(out->boot_volume)))
        out->boot_volume[0] = 0;
    return TRUE;
}

void readiness_boot_notes(const struct os_info *os, struct readiness *out)
{
    if (!volume_of(os->systemroot, out->system_volume, COUNTOF(out->system_volume)))
        out->system_volume[0] = 0;
    out->boot_files_elsewhere = out->boot_volume[0] && out->system_volume[0] &&
                                _wcsicmp(out->boot_volume, out->system_volume) != 0;
    if (out->boot_files_elsewhere)
        /* The seed's layout: boot.ini on a 100 MB C:, \WINDOWS on D: = partition(2).
         * Converters that reconfigure the copy offline assume C:\WINDOWS and fail here
         * (VMware KB 1005208, "virtual machine reconfiguration failed"). */
        readiness_note(out, TRUE, L"boot-files-elsewhere",
             L"The boot files (%ls) are on %ls but Windows is on %ls: p2vprep prepares the "
             L"running system, so this layout is fine for it, but a converter's own "
             L"reconfiguration step may fail on it and should be skipped.",
             out->boot_ini[0] ? L"boot.ini, ntldr" : L"bootmgr, \\Boot\\BCD",
             out->boot_volume, out->system_volume);

    if (!out->boot_ini[0])
        return;
    int rdisk, partition;
    wchar_t dir[MAX_PATH];
    if (arc_path_parse(out->boot_default, &rdisk, &partition, dir, COUNTOF(dir)))
        readiness_note(out, FALSE, L"boot-ini-default",
             L"%ls starts \"%ls\" by default from %ls (disk %d, partition %d, folder %ls).",
             out->boot_ini, out->boot_default_title[0] ? out->boot_default_title : L"(no title)",
             out->boot_default, rdisk, partition, dir[0] ? dir : L"\\");
    else
        readiness_note(out, FALSE, L"boot-ini-default", L"%ls starts \"%ls\" by default from %ls.",
             out->boot_ini, out->boot_default_title[0] ? out->boot_default_title : L"(no title)",
             out->boot_default);
    /* A multi-boot machine whose default is another installation: the VM would start a
     * Windows p2vprep did not prepare. Only the folder can be compared: rdisk() counts
     * BIOS disks, which need not match Windows' disk numbers. */
    if (dir[0] && os->systemroot[0] && os->systemroot[1] == L':' &&
        !same_folder(dir, os->systemroot + 2))
        readiness_note(out, TRUE, L"boot-default-other-windows",
             L"boot.ini's default entry starts %ls but this Windows is %ls: choose this "
             L"Windows as boot.ini's default before converting, or the VM starts an "
             L"installation p2vprep did not prepare.",
             out->boot_default, os->systemroot);
}

/* ---- volumes ---------------------------------------------------------------------- */

/* The drive letter ("C:") whose DOS device is the NT device name dev
 * (\Device\HarddiskVolume1). */
static BOOL letter_of_device(const wchar_t *dev, wchar_t *vol, size_t cch)
{
    DWORD drives = GetLogicalDrives();
    for (int i = 0; i < 26; i++) {
        wchar_t name[3] = {(wchar_t)(L'A' + i), L':', 0}, target[MAX_PATH];
        if (!(drives & (1u << i)))
            continue;
        if (QueryDosDeviceW(name, target, COUNTOF(target)) && !_wcsicmp(target, dev))
            return wcopy(vol, cch, name);
    }
    return FALSE;
}

/* HKLM\SYSTEM\Setup SystemPartition: the NT name of the partition holding the boot
 * files (ntldr + boot.ini on NT5, bootmgr + \Boot\BCD on NT6+). */
static BOOL read_system_partition(const struct backend *b, wchar_t *dev, size_t cch)
{
    struct regval v;
    if (b->read_value(b->ctx, L"SYSTEM\\Setup", L"SystemPartition", &v) != ERROR_SUCCESS ||
        !v.present || v.truncated || (v.type != REG_SZ && v.type != REG_EXPAND_SZ) || v.size < 4)
        return FALSE;
    size_t n = v.size / sizeof(wchar_t);
    if (n >= cch)
        n = cch - 1;
    memcpy(dev, v.data, n * sizeof(wchar_t));
    dev[n] = 0;
    return dev[0] != 0;
}

static void probe_boot_files(const struct backend *b, const struct machine *m, struct readiness *out)
{
    wchar_t dev[MAX_PATH], vol[8], path[MAX_PATH];
    BOOL have_dev = read_system_partition(b, dev, COUNTOF(dev));
    BOOL lettered = have_dev && letter_of_device(dev, vol, COUNTOF(vol));

    if (!nt6(&m->os)) {
        /* boot.ini is on the system partition (the active one, with ntldr), which need not
         * be C:. Without a usable SystemPartition, the first fixed drive with one. */
        BOOL found = FALSE;
        if (lettered) {
            wfmt(path, COUNTOF(path), L"%ls\\boot.ini", vol);
            found = bootini_read(path, out);
        }
        DWORD drives = GetLogicalDrives();
        for (int i = 0; i < 26 && !found; i++) {
            wchar_t root[4] = {(wchar_t)(L'A' + i), L':', L'\\', 0};
            if (!(drives & (1u << i)) || GetDriveTypeW(root) != DRIVE_FIXED)
                continue;
            wfmt(path, COUNTOF(path), L"%lsboot.ini", root);
            found = bootini_read(path, out);
        }
        /* ntldr is on the system partition even when boot.ini is not found there. */
        if (!found && lettered)
            wcopy(out->boot_volume, COUNTOF(out->boot_volume), vol);
        if (!found)
            readiness_note(out, FALSE, L"no-boot-ini",
                 L"No boot.ini with a default entry was found on the system partition%ls%ls or at "
                 L"the root of any fixed drive, so the boot layout could not be checked.",
                 lettered ? L" " : L"", lettered ? vol : L"");
    } else if (lettered) {
        wcopy(out->boot_volume, COUNTOF(out->boot_volume), vol);
    } else if (have_dev) {
        readiness_note(out, FALSE, L"system-partition-no-letter",
             L"The system partition (%ls, holding bootmgr and \\Boot\\BCD) has no drive letter; "
             L"converters normally copy it as it is.", dev);
    }
    readiness_boot_notes(&m->os, out);
}

/* Runs a METHOD_BUFFERED IOCTL with no input, growing the output buffer as needed.
 * On success *out (malloc'ed) holds *got bytes. */
static DWORD ioctl_read(HANDLE h, DWORD code, BYTE **out, DWORD *got)
{
    DWORD size = 16 * 1024, e;
    *out = NULL;
    for (;;) {
        BYTE *buf = malloc(size);
        if (!buf)
            return ERROR_NOT_ENOUGH_MEMORY;
        if (DeviceIoControl(h, code, NULL, 0, buf, size, got, NULL)) {
            *out = buf;
            return ERROR_SUCCESS;
        }
        e = GetLastError();
        free(buf);
        if (e != ERROR_INSUFFICIENT_BUFFER || size >= 1024 * 1024)
            return e;
        size *= 4;
    }
}

/* Whether any partition of \\.\PhysicalDriveN marks a dynamic disk: MBR type 0x42
 * (PARTITION_LDM) or a GPT LDM partition. */
static DWORD disk_is_dynamic(DWORD disk, BOOL *dynamic)
{
    wchar_t name[32];
    DWORD e, got = 0;
    BYTE *buf;
    *dynamic = FALSE;
    wfmt(name, COUNTOF(name), L"\\\\.\\PhysicalDrive%lu", (unsigned long)disk);

    /* IOCTL_DISK_GET_DRIVE_LAYOUT_EX (XP and later) needs no access rights. */
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    e = ioctl_read(h, IOCTL_DISK_GET_DRIVE_LAYOUT_EX, &buf, &got);
    CloseHandle(h);
    if (e == ERROR_SUCCESS) {
        const size_t head = offsetof(DRIVE_LAYOUT_INFORMATION_EX, PartitionEntry);
        const DRIVE_LAYOUT_INFORMATION_EX *l = (const DRIVE_LAYOUT_INFORMATION_EX *)buf;
        size_t room = got >= head ? (got - head) / sizeof(PARTITION_INFORMATION_EX) : 0;
        for (DWORD i = 0; i < room && i < l->PartitionCount; i++) {
            const PARTITION_INFORMATION_EX *p = &l->PartitionEntry[i];
            if (p->PartitionStyle == PARTITION_STYLE_MBR && p->Mbr.PartitionType == PARTITION_LDM)
                *dynamic = TRUE;
            if (p->PartitionStyle == PARTITION_STYLE_GPT &&
                (!memcmp(&p->Gpt.PartitionType, &gpt_ldm_metadata, sizeof(GUID)) ||
                 !memcmp(&p->Gpt.PartitionType, &gpt_ldm_data, sizeof(GUID))))
                *dynamic = TRUE;
        }
        free(buf);
        return ERROR_SUCCESS;
    }
    if (e != ERROR_INVALID_FUNCTION && e != ERROR_NOT_SUPPORTED && e != ERROR_INVALID_PARAMETER)
        return e;

    /* Windows 2000: IOCTL_DISK_GET_DRIVE_LAYOUT (MBR disks only), which wants read access. */
    h = CreateFileW(name, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0,
                    NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    e = ioctl_read(h, IOCTL_DISK_GET_DRIVE_LAYOUT, &buf, &got);
    CloseHandle(h);
    if (e != ERROR_SUCCESS)
        return e;
    const size_t head = offsetof(DRIVE_LAYOUT_INFORMATION, PartitionEntry);
    const DRIVE_LAYOUT_INFORMATION *l = (const DRIVE_LAYOUT_INFORMATION *)buf;
    size_t room = got >= head ? (got - head) / sizeof(PARTITION_INFORMATION) : 0;
    for (DWORD i = 0; i < room && i < l->PartitionCount; i++)
        if (l->PartitionEntry[i].PartitionType == PARTITION_LDM)
            *dynamic = TRUE;
    free(buf);
    return ERROR_SUCCESS;
}

/* Every disk under %SystemRoot%'s volume (a dynamic volume may span several). */
static void probe_dynamic_disk(struct readiness *out)
{
    wchar_t name[16], err[256];
    union {
        VOLUME_DISK_EXTENTS v;
        BYTE raw[sizeof(VOLUME_DISK_EXTENTS) + 31 * sizeof(DISK_EXTENT)];
    } ext;
    DWORD got = 0, e = ERROR_SUCCESS;

    if (!out->system_volume[0])
        return;
    wfmt(name, COUNTOF(name), L"\\\\.\\%ls", out->system_volume);
    HANDLE h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        e = GetLastError();
    } else {
        if (!DeviceIoControl(h, IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, NULL, 0, &ext, sizeof ext,
                             &got, NULL))
            e = GetLastError();
        CloseHandle(h);
    }
    DWORD checked = 0;
    for (DWORD i = 0; e == ERROR_SUCCESS && i < ext.v.NumberOfDiskExtents && i < 32; i++) {
        BOOL dyn = FALSE;
        e = disk_is_dynamic(ext.v.Extents[i].DiskNumber, &dyn);
        if (dyn)
            out->dynamic_disk = TRUE;
        checked += e == ERROR_SUCCESS;
    }
    if (out->dynamic_disk)
        readiness_note(out, TRUE, L"dynamic-disk",
             L"%ls is on a dynamic disk: converters and this kind of preparation assume basic "
             L"disks and the VM's disk stays dynamic, so check that your converter supports "
             L"dynamic disks before converting.",
             out->system_volume);
    else if (e != ERROR_SUCCESS)
        readiness_note(out, FALSE, L"disk-layout-unknown",
             L"Could not determine whether %ls is on a dynamic disk (%ls).", out->system_volume,
             win_error_text(e, err, COUNTOF(err)));
    else if (checked == 0)
        /* Wine answers the volume IOCTL with no extents at all. */
        readiness_note(out, FALSE, L"disk-layout-unknown",
             L"Could not determine whether %ls is on a dynamic disk (the volume reported no disks).",
             out->system_volume);
}

/* ---- registry ---------------------------------------------------------------------- */

/* A REG_DWORD, or the first byte of a REG_BINARY (Driver Signing\Policy is stored both
 * ways). FALSE when absent, unreadable or of another type. */
static BOOL read_number(const struct backend *b, const wchar_t *key, const wchar_t *name, DWORD *d)
{
    struct regval v;
    if (b->read_value(b->ctx, key, name, &v) != ERROR_SUCCESS || !v.present || v.truncated)
        return FALSE;
    if (v.type == REG_DWORD && v.size == 4) {
        memcpy(d, v.data, 4);
        return TRUE;
    }
    if (v.type == REG_BINARY && v.size >= 1) {
        *d = v.data[0];
        return TRUE;
    }
    return FALSE;
}

static BOOL file_exists(const wchar_t *path)
{
    /* FindFirstFile, not GetFileAttributes: the latter can fail with a sharing violation
     * on files the system holds open, as hiberfil.sys and pagefile.sys are. */
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(path, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_SHARING_VIOLATION;
    FindClose(h);
    return TRUE;
}

static void probe_power(const struct backend *b, const struct machine *m, struct readiness *out)
{
    wchar_t set[32], key[P2V_KEY_MAX], path[MAX_PATH];
    DWORD d;
    if (!nt62(&m->os))
        return;
    current_set(m, set, COUNTOF(set));

    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Power", set);
    if (read_number(b, key, L"HibernateEnabled", &d)) {
        out->hibernation = d != 0;
    } else if (out->system_volume[0]) {
        wfmt(path, COUNTOF(path), L"%ls\\hiberfil.sys", out->system_volume);
        out->hibernation = file_exists(path);
    }
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Session Manager\\Power", set);
    out->fast_startup = read_number(b, key, L"HiberbootEnabled", &d) && d == 1;

    if (out->hibernation)
        readiness_note(out, TRUE, L"hibernation-on",
             L"Hibernation is on: a hibernated Windows leaves its volumes in a state converters "
             L"may copy inconsistently, so run powercfg /h off before converting.");
    if (out->fast_startup && out->hibernation)
        readiness_note(out, TRUE, L"fast-startup-on",
             L"Fast Startup is on (HiberbootEnabled=1): a shut-down Windows is really "
             L"hibernated and converters may copy its volumes inconsistently, so run "
             L"powercfg /h off (which also turns Fast Startup off) before converting.");
    else if (out->fast_startup)
        /* Fast Startup needs the hibernation file; with hibernation off it does nothing. */
        readiness_note(out, FALSE, L"fast-startup-on",
             L"Fast Startup is set (HiberbootEnabled=1) but has no effect while hibernation "
             L"is off; leave hibernation off until the conversion is done.");
}

static void probe_free_space(const struct machine *m, struct readiness *out)
{
    wchar_t path[MAX_PATH], err[256];
    ULARGE_INTEGER avail, total, free_total;
    PVOID old = NULL;
    BOOL off = FALSE, ok;
    DWORD e = ERROR_SUCCESS;

    if (!m->os.systemroot[0])
        return;
    wfmt(path, COUNTOF(path), L"%ls\\system32\\drivers", m->os.systemroot);
    /* A 32-bit p2vprep on 64-bit Windows asks about the native folder, not SysWOW64's
     * (same volume, but SysWOW64\drivers need not exist). */
    const struct dynapi *api = dynapi();
    if (wow64_redirection_off(m->os.wow64) && api->Wow64DisableWow64FsRedirection && api->Wow64RevertWow64FsRedirection)
        off = api->Wow64DisableWow64FsRedirection(&old);
    ok = GetDiskFreeSpaceExW(path, &avail, &total, &free_total);
    if (!ok)
        e = GetLastError();
    if (off)
        api->Wow64RevertWow64FsRedirection(old);
    if (!ok && out->system_volume[0]) {
        /* The folder should always exist; its volume's root answers the same question. */
        wfmt(path, COUNTOF(path), L"%ls\\", out->system_volume);
        ok = GetDiskFreeSpaceExW(path, &avail, &total, &free_total);
    }
    if (!ok) {
        readiness_note(out, FALSE, L"free-space-unknown", L"Could not read the free space of %ls: %ls.",
             path, win_error_text(e, err, COUNTOF(err)));
        return;
    }
    out->drivers_free_bytes = avail.QuadPart;
    if (avail.QuadPart < READINESS_LOW_SPACE_BYTES)
        readiness_note(out, TRUE, L"low-space",
             L"Only %lu MB is free on %ls (the volume of %ls\\system32\\drivers): free at least "
             L"%lu MB before preparing and converting.",
             (unsigned long)(avail.QuadPart / MB), out->system_volume[0] ? out->system_volume : path,
             m->os.systemroot, (unsigned long)(READINESS_LOW_SPACE_BYTES / MB));
}

static void probe_policies(const struct backend *b, const struct machine *m, struct readiness *out)
{
    DWORD d;
    if (nt6(&m->os)) {
        /* Device Installation Restrictions (Group Policy, Vista and later): Windows refuses
         * to install drivers for devices the policy does not allow, which blocks staging
         * the controller's driver package and installing it for the VM's new device. */
        static const wchar_t key[] =
            L"SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions";
        static const wchar_t *const names[] = {
            L"DenyUnspecified", L"DenyDeviceClasses", L"DenyDeviceIDs",
        };
        wchar_t which[128] = L"";
        for (size_t i = 0; i < COUNTOF(names); i++)
            if (read_number(b, key, names[i], &d) && d == 1)
                wfmt(which + wcslen(which), COUNTOF(which) - wcslen(which), L"%ls%ls=1",
                     which[0] ? L", " : L"", names[i]);
        if (which[0])
            readiness_note(out, TRUE, L"driver-install-policy",
                 L"Group Policy restricts device installation (HKLM\\%ls: %ls): Windows may "
                 L"refuse the virtual controller's driver, so allow its device class or "
                 L"hardware ID, or lift the restriction, before converting.",
                 key, which);
    } else {
        /* NT5 driver signing policy: 0 ignore, 1 warn, 2 block. p2vprep copies the driver
         * and writes its registry entries itself, so Windows' installer never asks. */
        if (read_number(b, L"SOFTWARE\\Microsoft\\Driver Signing", L"Policy", &d) && d == 2)
            readiness_note(out, FALSE, L"driver-signing-policy",
                 L"Driver signing policy is set to block unsigned drivers: Windows' own installer "
                 L"would refuse an unsigned payload driver, but p2vprep installs the files "
                 L"itself, so this only matters if you install drivers by other means.");
    }
}

/* ---- the facts readiness_notes.c decides from ---------------------------------------- */

static BOOL key_present(const struct backend *b, const wchar_t *key)
{
    return b->key_exists(b->ctx, key) == ERROR_SUCCESS;
}

/* UpperFilters / LowerFilters of the disk drive and SCSI adapter classes (REG_MULTI_SZ). */
static void probe_class_filters(const struct backend *b, const wchar_t *set, struct readiness_facts *f)
{
    static const struct { const wchar_t *guid, *name; } classes[] = {
        { CLASS_DISKDRIVE, L"disk drives" }, { CLASS_SCSIADAPTER, L"SCSI adapters" },
    };
    for (size_t c = 0; c < COUNTOF(classes); c++)
        for (int upper = 1; upper >= 0; upper--) {
            wchar_t key[P2V_KEY_MAX];
            struct regval v;
            wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Class\\%ls", set, classes[c].guid);
            if (b->read_value(b->ctx, key, upper ? L"UpperFilters" : L"LowerFilters", &v) != ERROR_SUCCESS ||
                !v.present || v.truncated || (v.type != REG_MULTI_SZ && v.type != REG_SZ))
                continue;
            const wchar_t *p = (const wchar_t *)v.data, *end = p + v.size / sizeof(wchar_t);
            while (p < end && *p && f->n_filters < READINESS_FILTERS_MAX) {
                size_t n = 0;
                while (p + n < end && p[n])
                    n++;
                struct class_filter *cf = &f->filters[f->n_filters++];
                size_t k;
                cf->class_name = classes[c].name;
                cf->upper = upper;
                for (k = 0; k < n && k + 1 < COUNTOF(cf->name); k++)
                    cf->name[k] = p[k];
                cf->name[k] = 0;
                p += n + 1;
            }
        }
}

/* BIOS or UEFI: GetFirmwareType (8 and later), else the firmware-variable call, which a
 * BIOS machine fails with ERROR_INVALID_FUNCTION (XP and later); offline, the
 * PEFirmwareType value Windows records (1 BIOS, 2 UEFI). 2000/XP/2003 boot only with BIOS
 * on x86 and x64. */
static enum firmware probe_firmware(const struct backend *b, const struct machine *m, const wchar_t *set)
{
    wchar_t key[P2V_KEY_MAX];
    DWORD d;
    const struct dynapi *api = dynapi();
    if (!m->os.offline) {
        int type = 0;
        if (api->GetFirmwareType && api->GetFirmwareType(&type) && (type == 1 || type == 2))
            return type == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
        if (api->GetFirmwareEnvironmentVariableW) {
            BYTE buf[4];
            if (!api->GetFirmwareEnvironmentVariableW(L"", L"{00000000-0000-0000-0000-000000000000}", buf, 0))
                return GetLastError() == ERROR_INVALID_FUNCTION ? FIRMWARE_BIOS : FIRMWARE_UEFI;
        }
    }
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control", set);
    if (read_number(b, key, L"PEFirmwareType", &d) && (d == 1 || d == 2))
        return d == 1 ? FIRMWARE_BIOS : FIRMWARE_UEFI;
    return m->os.major == 5 ? FIRMWARE_BIOS : FIRMWARE_UNKNOWN;
}

/* COM and OLE automation, loaded from System32 only when the BitLocker query runs: as
 * static imports every run (--version and apply included) paid for loading them. */
struct com_api {
    __typeof__(&CoInitializeEx) CoInitializeEx;
    __typeof__(&CoUninitialize) CoUninitialize;
    __typeof__(&CoCreateInstance) CoCreateInstance;
    __typeof__(&CoSetProxyBlanket) CoSetProxyBlanket;
    __typeof__(&SysAllocString) SysAllocString;
    __typeof__(&SysFreeString) SysFreeString;
    __typeof__(&VariantClear) VariantClear;
};

static const struct com_api *com_api(void)
{
    static struct com_api api;
    static int state;   /* 0 not tried, 1 loaded, -1 unavailable */
    if (state == 0) {
        HMODULE ole = system_dll(L"ole32.dll"), aut = system_dll(L"oleaut32.dll");
        state = -1;
#define GET(m, f) (api.f = (__typeof__(api.f))(void *)GetProcAddress(m, #f))
        if (ole && aut && GET(ole, CoInitializeEx) && GET(ole, CoUninitialize) &&
            GET(ole, CoCreateInstance) && GET(ole, CoSetProxyBlanket) && GET(aut, SysAllocString) &&
            GET(aut, SysFreeString) && GET(aut, VariantClear))
            state = 1;
#undef GET
    }
    return state == 1 ? &api : NULL;
}

/* wbemuuid's GUIDs, here rather than linked: its library brings every WMI GUID along */
static const CLSID p2v_CLSID_WbemLocator =
    { 0x4590f811, 0x1d3a, 0x11d0, { 0x89, 0x1f, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 } };
static const IID p2v_IID_IWbemLocator =
    { 0xdc12a687, 0x737f, 0x11cf, { 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24 } };

/* BitLocker protection of the system volume, as Windows' own BitLocker WMI provider
 * reports it (Win32_EncryptableVolume.ProtectionStatus: 0 off, 1 on; Vista and later,
 * administrators only). Reading the volume's boot sector would not tell: an unlocked
 * BitLocker volume shows the plain file system to readers. Anything that fails is unknown. */
static enum bitlocker probe_bitlocker(const struct machine *m, const wchar_t *volume)
{
    enum bitlocker result = BITLOCKER_UNKNOWN;
    wchar_t query[96];
    const struct com_api *com;
    if (m->os.offline || m->os.major < 6 || !volume[0] || !(com = com_api()))
        return result;
    HRESULT hr = com->CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
        return result;
    BOOL uninit = SUCCEEDED(hr);
    IWbemLocator *loc = NULL;
    IWbemServices *svc = NULL;
    IEnumWbemClassObject *en = NULL;
    IWbemClassObject *obj = NULL;
    BSTR ns = com->SysAllocString(L"ROOT\\CIMV2\\Security\\MicrosoftVolumeEncryption");
    BSTR wql = com->SysAllocString(L"WQL");
    wfmt(query, COUNTOF(query), L"SELECT ProtectionStatus FROM Win32_EncryptableVolume WHERE DriveLetter='%ls'",
         volume);
    BSTR q = com->SysAllocString(query);
    ULONG got = 0;
    VARIANT v;
    memset(&v, 0, sizeof v);   /* VT_EMPTY, as VariantInit leaves it */
    if (ns && wql && q &&
        SUCCEEDED(com->CoCreateInstance(&p2v_CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                                        &p2v_IID_IWbemLocator, (void **)&loc)) &&
        SUCCEEDED(IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL, &svc)) &&
        SUCCEEDED(com->CoSetProxyBlanket((IUnknown *)svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL,
                                    RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE)) &&
        SUCCEEDED(IWbemServices_ExecQuery(svc, wql, q, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY,
                                          NULL, &en)) &&
        IEnumWbemClassObject_Next(en, 10000, 1, &obj, &got) == WBEM_S_NO_ERROR && got == 1 &&
        SUCCEEDED(IWbemClassObject_Get(obj, L"ProtectionStatus", 0, &v, NULL, NULL)) &&
        (v.vt == VT_I4 || v.vt == VT_UI4)) {
        if (v.lVal == 1)
            result = BITLOCKER_ON;
        else if (v.lVal == 0)
            result = BITLOCKER_OFF;
    }
    com->VariantClear(&v);
    if (obj)
        IWbemClassObject_Release(obj);
    if (en)
        IEnumWbemClassObject_Release(en);
    if (svc)
        IWbemServices_Release(svc);
    if (loc)
        IWbemLocator_Release(loc);
    com->SysFreeString(q);
    com->SysFreeString(wql);
    com->SysFreeString(ns);
    if (uninit)
        com->CoUninitialize();
    return result;
}

static void probe_facts(const struct backend *b, const struct machine *m, struct readiness_facts *f)
{
    wchar_t set[32], key[P2V_KEY_MAX];
    struct regval v;
    DWORD d;
    current_set(m, set, COUNTOF(set));
    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\partmgr\\Parameters", set);
    f->san_present = read_number(b, key, L"SanPolicy", &d);
    f->san_policy = f->san_present ? d : 0;

    wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Control\\Session Manager", set);
    /* an empty REG_MULTI_SZ is one or two terminators */
    f->pending_renames = b->read_value(b->ctx, key, L"PendingFileRenameOperations", &v) == ERROR_SUCCESS &&
                         v.present && v.size > 2 * sizeof(wchar_t);
    if (!m->os.offline) {   /* offline, only the SYSTEM hive is reachable */
        f->servicing_reboot = key_present(b,
            L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending");
        f->update_reboot = key_present(b,
            L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired");
    }
    probe_class_filters(b, set, f);
    for (const wchar_t *const *s = readiness_tool_services(); *s && f->n_services < READINESS_SERVICES_MAX; s++) {
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", set, *s);
        if (key_present(b, key))
            wcopy(f->services[f->n_services++], COUNTOF(f->services[0]), *s);
    }
    f->firmware = probe_firmware(b, m, set);
}

void readiness_probe(const struct backend *b, const struct machine *m, const struct readiness_job *job,
                     struct readiness *out)
{
    memset(out, 0, sizeof *out);
    /* An offline Windows' boot files are judged by --offline's own boot.ini check; the
     * running system partition is the helper's, not its. */
    if (m->os.offline) {
        if (!volume_of(m->os.systemroot, out->system_volume, COUNTOF(out->system_volume)))
            out->system_volume[0] = 0;
        readiness_note(out, FALSE, L"offline-software-not-read",
             L"Offline, only the SYSTEM hive is read: device-installation and driver-signing "
             L"policies (in the SOFTWARE hive) are not checked.");
    } else {
        probe_boot_files(b, m, out);     /* also sets system_volume */
    }
    probe_dynamic_disk(out);
    probe_power(b, m, out);
    probe_free_space(m, out);
    probe_policies(b, m, out);
    probe_facts(b, m, &out->facts);
    out->facts.bitlocker = probe_bitlocker(m, out->system_volume);
    readiness_decide(&out->facts, &m->os, job, out);
}
