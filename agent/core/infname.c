/* Checks on INF-derived names; see infname.h. */
#include "infname.h"
#include "text.h"
#include <string.h>
#include <wchar.h>

/* p2vprep's own service (service.c): an INF naming it would turn the service that runs
 * p2vprep as SYSTEM into a kernel driver of the INF's choosing. */
#define OWN_SERVICE L"p2vprep"

/* The owner inf_inbox_service gives for a service no built-in target prepares. */
static const wchar_t windows_itself[] = L"Windows";

static wchar_t ascii_lower(wchar_t c)
{
    return c >= L'A' && c <= L'Z' ? (wchar_t)(c - L'A' + L'a') : c;
}

/* ASCII case-insensitive equality: both sides are checked to be ASCII before it matters. */
static BOOL same_name(const wchar_t *a, const wchar_t *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower(*a) != ascii_lower(*b))
            return FALSE;
    return *a == *b;
}

static BOOL is_control(wchar_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

static BOOL is_payload_service(const wchar_t *name)
{
    for (size_t t = 0; t < p2v_n_targets; t++)
        for (size_t r = 0; r < p2v_targets[t].n_rules; r++) {
            const struct target_rule *rule = &p2v_targets[t].rules[r];
            for (size_t s = 0; s < rule->n_services; s++)
                if (rule->services[s].source != SRC_INBOX && same_name(rule->services[s].name, name))
                    return TRUE;
        }
    return FALSE;
}

/* "Inbox service name", from the target table: a name Windows itself supplies on this
 * generation, so that taking it over would overwrite Windows' own driver entry (an INF
 * target gets the full payload recipe: Type, Group and ImagePath to the INF's file) in
 * every control set. These are
 *   - every service a rule for gen takes from Windows (SRC_INBOX): atapi, intelide, pciide,
 *     LSI_SCSI, LSI_SAS, msahci, storahci, pvscsii, as the table says per generation;
 *   - every service a CriticalDeviceDatabase entry for gen points to that no rule takes
 *     from a payload or package (disk, the class driver gendisk devices use);
 *   - the bus drivers whose StartOverride is removed on 8 and later (p2v_bus_services).
 * A name the table only knows as a payload driver (symmpi, vmscsi, viostor, ...) is the
 * vendor's and may come from the vendor's INF. */
const wchar_t *inf_inbox_service(const wchar_t *name, unsigned gen)
{
    if (!name)
        return NULL;
    for (const wchar_t *const *bus = p2v_bus_services; *bus; bus++)
        if (same_name(*bus, name))
            return windows_itself;
    for (size_t t = 0; t < p2v_n_targets; t++) {
        const struct target *tg = &p2v_targets[t];
        for (size_t r = 0; r < tg->n_rules; r++) {
            const struct target_rule *rule = &tg->rules[r];
            if (!(rule->gens & gen))
                continue;
            for (size_t s = 0; s < rule->n_services; s++)
                if (rule->services[s].source == SRC_INBOX && same_name(rule->services[s].name, name))
                    return tg->name;
            for (size_t c = 0; c < rule->n_cdd; c++)
                if (same_name(rule->cdd[c].service, name) && !is_payload_service(name))
                    return windows_itself;
        }
    }
    return NULL;
}

wchar_t *inf_name_shown(const wchar_t *name, wchar_t *out, size_t cch)
{
    size_t n = 0, len = wcslen(name);
    if (cch == 0)
        return out;
    BOOL cut = len >= cch;
    size_t keep = cut ? (cch > 4 ? cch - 4 : cch - 1) : len;
    for (; n < keep; n++)
        out[n] = is_control(name[n]) ? L'?' : name[n];
    if (cut && cch > 4)
        for (int k = 0; k < 3; k++)
            out[n++] = L'.';
    out[n] = 0;
    return out;
}

const wchar_t *inf_service_name_problem(const wchar_t *name, unsigned gen, wchar_t *why, size_t cch)
{
    if (!name || !name[0])
        return L"is empty";
    size_t len = wcslen(name);
    if (len > INF_SERVICE_NAME_MAX)
        return wfmt(why, cch, L"is %lu characters long, more than the %d p2vprep takes from an INF",
                    (unsigned long)len, INF_SERVICE_NAME_MAX);
    for (size_t i = 0; i < len; i++) {
        wchar_t c = name[i];
        if (is_control(c))
            return wfmt(why, cch, L"holds the control character 0x%02X at position %lu",
                        (unsigned)c, (unsigned long)i + 1);
        if (c == L'\\' || c == L'/')
            return wfmt(why, cch, L"holds a %ls at position %lu (not allowed in a service name)",
                        c == L'\\' ? L"backslash" : L"slash", (unsigned long)i + 1);
        /* ASCII only: the registry compares key names with Windows' case table, under which
         * a non-ASCII letter may equal an ASCII one (Unicode upper-cases U+0131 dotless i
         * to I and U+017F long s to S), so a non-ASCII name could still reach atapi. Storage
         * drivers' service names are ASCII. */
        if (c > 0x7E)
            return wfmt(why, cch, L"holds the non-ASCII character U+%04X at position %lu",
                        (unsigned)c, (unsigned long)i + 1);
        if (c == L' ')
            return wfmt(why, cch, L"holds a space at position %lu", (unsigned long)i + 1);
    }
    if (same_name(name, OWN_SERVICE))
        return L"is p2vprep's own service";
    const wchar_t *owner = inf_inbox_service(name, gen);
    if (owner == windows_itself)
        return wfmt(why, cch, L"is a service of Windows itself, which an INF may not take over");
    if (owner)
        return wfmt(why, cch, L"is Windows' own driver on this Windows, which an INF may not take "
                    L"over (the built-in target %ls prepares it: --target %ls)", owner, owner);
    return NULL;
}

const wchar_t *inf_hwid_problem(const wchar_t *id, wchar_t *why, size_t cch)
{
    if (!id || _wcsnicmp(id, L"PCI\\", 4) != 0)
        return L"is not a PCI ID";
    size_t len = wcslen(id);
    if (len == 4)
        return L"names no device after PCI\\";
    if (len > INF_HWID_MAX)
        return wfmt(why, cch, L"is %lu characters long, more than Windows' %d",
                    (unsigned long)len, INF_HWID_MAX);
    for (size_t i = 4; i < len; i++) {
        wchar_t c = id[i];
        if (is_control(c))
            return wfmt(why, cch, L"holds the control character 0x%02X at position %lu",
                        (unsigned)c, (unsigned long)i + 1);
        if (c == L'\\')
            return wfmt(why, cch, L"holds a second backslash at position %lu", (unsigned long)i + 1);
        if (c <= 0x20 || c >= 0x7F || c == L',')
            return wfmt(why, cch, L"holds the character U+%04X at position %lu, which a device ID "
                        L"may not contain", (unsigned)c, (unsigned long)i + 1);
    }
    return NULL;
}

const wchar_t *inf_file_name_problem(const wchar_t *name, wchar_t *why, size_t cch)
{
    if (!name || !name[0])
        return L"is empty";
    for (size_t i = 0; name[i]; i++) {
        wchar_t c = name[i];
        if (is_control(c))
            return wfmt(why, cch, L"holds the control character 0x%02X at position %lu",
                        (unsigned)c, (unsigned long)i + 1);
        if (wcschr(L"<>:\"/\\|?*", c))
            return wfmt(why, cch, L"holds '%lc' at position %lu, which a file name may not contain",
                        c, (unsigned long)i + 1);
    }
    return NULL;
}

BOOL inf_cdd_key(const wchar_t *id, wchar_t *key, size_t cch)
{
    size_t i = 0;
    if (!cch)
        return FALSE;
    for (; id[i]; i++) {
        if (i + 1 >= cch) {
            key[0] = 0;
            return FALSE;
        }
        key[i] = id[i] == L'\\' ? L'#' : ascii_lower(id[i]);
    }
    key[i] = 0;
    return TRUE;
}
