/* Release names (osname.h). The numbers are Microsoft's: GetVersionEx's major.minor and,
 * from Windows 10 on, the build, which tells the feature update ("Windows 10 release
 * information", "Windows 11 release information", "Windows Server release information"
 * on learn.microsoft.com). A client and a server release share their numbers up to 8.1
 * and in some builds of 10.0; the product type tells them apart. */
#include "osname.h"
#include "machine.h"
#include "targets.h"
#include "text.h"
#include <string.h>
#include <wchar.h>

static const struct { unsigned major, minor; const wchar_t *client, *server; } nt_releases[] = {
    { 4, 0, L"Windows NT 4.0", L"Windows NT 4.0" },
    { 5, 0, L"Windows 2000", L"Windows 2000" },
    { 5, 1, L"Windows XP", NULL },
    { 5, 2, L"Windows XP x64", L"Windows Server 2003" },
    { 6, 0, L"Windows Vista", L"Windows Server 2008" },
    { 6, 1, L"Windows 7", L"Windows Server 2008 R2" },
    { 6, 2, L"Windows 8", L"Windows Server 2012" },
    { 6, 3, L"Windows 8.1", L"Windows Server 2012 R2" },
};

/* Windows 10 and 11 (10.0): the build names the feature update. Server builds with a
 * version number (1709 to 20H2, 23H2) are the Semi-Annual Channel releases. */
static const struct { unsigned build; const wchar_t *client, *server; } nt10_builds[] = {
    { 10240, L"Windows 10 1507", NULL },
    { 10586, L"Windows 10 1511", NULL },
    { 14393, L"Windows 10 1607", L"Windows Server 2016" },
    { 15063, L"Windows 10 1703", NULL },
    { 16299, L"Windows 10 1709", L"Windows Server 1709" },
    { 17134, L"Windows 10 1803", L"Windows Server 1803" },
    { 17763, L"Windows 10 1809", L"Windows Server 2019" },
    { 18362, L"Windows 10 1903", L"Windows Server 1903" },
    { 18363, L"Windows 10 1909", L"Windows Server 1909" },
    { 19041, L"Windows 10 2004", L"Windows Server 2004" },
    { 19042, L"Windows 10 20H2", L"Windows Server 20H2" },
    { 19043, L"Windows 10 21H1", NULL },
    { 19044, L"Windows 10 21H2", NULL },
    { 19045, L"Windows 10 22H2", NULL },
    { 20348, NULL, L"Windows Server 2022" },
    { 22000, L"Windows 11 21H2", NULL },
    { 22621, L"Windows 11 22H2", NULL },
    { 22631, L"Windows 11 23H2", NULL },
    { 25398, NULL, L"Windows Server 23H2" },
    { 26100, L"Windows 11 24H2", L"Windows Server 2025" },
    { 26200, L"Windows 11 25H2", NULL },
};

/* One name when the product type or the numbers decide, else "client / Server ...". */
static void pick(const wchar_t *client, const wchar_t *server, enum os_product product,
                 wchar_t *out, size_t cch)
{
    if (!client || !server || !wcscmp(client, server) || product != OS_PRODUCT_UNKNOWN) {
        const wchar_t *one = product == OS_PRODUCT_SERVER ? server : client;
        wcopy(out, cch, one ? one : client ? client : server);
        return;
    }
    const wchar_t *short_server = wcsncmp(server, L"Windows ", 8) ? server : server + 8;
    wfmt(out, cch, L"%ls / %ls", client, short_server);
}

static void name_nt10(unsigned build, enum os_product product, wchar_t *out, size_t cch)
{
    for (size_t i = 0; i < COUNTOF(nt10_builds); i++)
        if (nt10_builds[i].build == build) {
            pick(nt10_builds[i].client, nt10_builds[i].server, product, out, cch);
            return;
        }
    if (product == OS_PRODUCT_SERVER)
        wfmt(out, cch, L"Windows Server (build %u)", build);
    else if (product == OS_PRODUCT_WORKSTATION)
        wfmt(out, cch, L"Windows %u (build %u)", build >= 22000 ? 11u : 10u, build);
    else
        wfmt(out, cch, L"Windows 10.0 (build %u)", build);
}

wchar_t *os_name(unsigned major, unsigned minor, unsigned build, enum os_product product, int sp,
                 BOOL x64, wchar_t *out, size_t cch)
{
    if (!cch)
        return out;
    out[0] = 0;
    if (major == 10 && minor == 0) {
        name_nt10(build, product, out, cch);
        return out;
    }
    size_t i = 0;
    while (i < COUNTOF(nt_releases) && !(nt_releases[i].major == major && nt_releases[i].minor == minor))
        i++;
    if (i == COUNTOF(nt_releases)) {
        wfmt(out, cch, L"Windows %u.%u", major, minor);
    } else {
        /* 5.2 on a workstation is XP x64 only; the 32-bit 5.2 is Server 2003 */
        const wchar_t *client = major == 5 && minor == 2 && !x64 ? NULL : nt_releases[i].client;
        pick(client, nt_releases[i].server, product, out, cch);
    }
    if (sp > 0) {
        size_t len = wcslen(out);
        wfmt(out + len, cch - len, L" SP%d", sp);
    }
    return out;
}

const wchar_t *os_product_text(BYTE product_type)
{
    return product_type == VER_NT_WORKSTATION ? L"workstation"
         : product_type == VER_NT_DOMAIN_CONTROLLER ? L"domain controller"
         : product_type == VER_NT_SERVER ? L"server" : L"product type unknown";
}

wchar_t *os_info_name(const struct os_info *os, wchar_t *out, size_t cch)
{
    enum os_product product = os->product_type == VER_NT_WORKSTATION ? OS_PRODUCT_WORKSTATION
                            : os->product_type ? OS_PRODUCT_SERVER : OS_PRODUCT_UNKNOWN;
    wchar_t name[96];
    os_name(os->major, os->minor, os->build, product, (int)os->sp_major, os->arch == ARCH_X64, name,
            COUNTOF(name));
    wfmt(out, cch, L"%ls %ls (%lu.%lu.%lu)", name,
         os->arch == ARCH_X64 ? L"x64" : os->arch == ARCH_X86 ? L"x86" : L"other architecture",
         (unsigned long)os->major, (unsigned long)os->minor, (unsigned long)os->build);
    return out;
}
