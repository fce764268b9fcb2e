/* The name of a Windows release from the numbers a report carries (os.version
 * "major.minor.build", os.service_pack, os.product_type, os.arch). Pure. */
#ifndef P2V_OSNAME_H
#define P2V_OSNAME_H
#include <windows.h>
#include <stddef.h>

enum os_product { OS_PRODUCT_UNKNOWN, OS_PRODUCT_WORKSTATION, OS_PRODUCT_SERVER };

/* "Windows Server 2003 SP2", "Windows XP x64", "Windows 10 22H2", "Windows Server 2022".
 * Where the product type is unknown and a client and a server share the numbers, both:
 * "Windows 7 / Server 2008 R2 SP1". sp: the service pack, 0 or less for none. x64: the
 * report's arch is x64 (5.2 is XP x64 only there). An unknown build of 10.0 gives its
 * number ("Windows 10 (build 19999)"). Returns out, always terminated. */
wchar_t *os_name(unsigned major, unsigned minor, unsigned build, enum os_product product, int sp,
                 BOOL x64, wchar_t *out, size_t cch);
/* The one name a message gives the Windows os describes, its numbers after it:
 * "Windows Server 2003 SP2 x64 (5.2.3790)". */
struct os_info;
wchar_t *os_info_name(const struct os_info *os, wchar_t *out, size_t cch);
/* "workstation", "server", "domain controller", "product type unknown". */
const wchar_t *os_product_text(BYTE product_type);
#endif
