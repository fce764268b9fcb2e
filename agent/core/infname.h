/* Checks on the names a vendor INF hands p2vprep (--inf): the service name and the PCI
 * hardware IDs. They end up in registry paths (Services\<name>,
 * CriticalDeviceDatabase\<id>), in the tab-separated journal and in reports, all written
 * as SYSTEM, so an INF is untrusted text. Pure functions, no Win32 calls: they build for
 * Windows and natively for the fuzz targets (tests/fuzz). */
#ifndef P2V_INFNAME_H
#define P2V_INFNAME_H
#include "targets.h"
#include <stddef.h>

/* Longest service name taken from an INF. Windows allows 256; storage drivers' names are
 * short (the longest in the target table has 8 characters), and the name must still fit
 * "inf:<name>" and the deepest key p2vprep writes below it
 * (SYSTEM\ControlSetNNN\Services\<name>\Parameters\PnpInterface) with room to spare. */
#define INF_SERVICE_NAME_MAX 64
/* Longest hardware ID: MAX_DEVICE_ID_LEN of cfgmgr32.h, the limit of Windows' PnP manager. */
#define INF_HWID_MAX 200

/* NULL when name is usable as a service name from an INF; else a sentence fragment saying
 * why not (static text, or written into why[cch]). Refused: empty, longer than
 * INF_SERVICE_NAME_MAX, a backslash or slash (CreateService refuses both; a backslash
 * would reach another key than Services\<name>), a control character (tab and newline
 * would split a journal record), and the name of a service Windows itself supplies for
 * generation gen (inf_inbox_service). */
const wchar_t *inf_service_name_problem(const wchar_t *name, unsigned gen, wchar_t *why, size_t cch);

/* NULL when id is a PCI hardware ID p2vprep can write as a CriticalDeviceDatabase key;
 * else why not. Windows' rule for device IDs: characters above 0x20 and below 0x7F, no
 * comma; plus: "PCI\" and a non-empty rest without another backslash (the one after the
 * enumerator becomes '#' in the key; a second would make the key a path), at most
 * INF_HWID_MAX characters. */
const wchar_t *inf_hwid_problem(const wchar_t *id, wchar_t *why, size_t cch);

/* NULL when name (a file name without folder: ServiceBinary, CopyFiles) is usable; else
 * why not: empty, a control character (the journal records paths in tab-separated lines),
 * or a character Windows refuses in file names. */
const wchar_t *inf_file_name_problem(const wchar_t *name, wchar_t *why, size_t cch);

/* The CriticalDeviceDatabase key of a hardware ID: lowercase ASCII, '\' -> '#'. FALSE (and
 * key empty) when it does not fit key[cch]. */
BOOL inf_cdd_key(const wchar_t *id, wchar_t *key, size_t cch);

/* When Windows supplies a service of that name on generation gen (GEN_*), the built-in
 * target that prepares it ("ide", "lsilogic", ...) or L"Windows" for one that no target
 * names as a service (disk, pci, vpci); else NULL. Case is ignored, as Windows does. */
const wchar_t *inf_inbox_service(const wchar_t *name, unsigned gen);

/* name with every control character shown as '?', cut to cch-1 characters ("..." at the
 * end when cut): safe to put in a message. Returns out. */
wchar_t *inf_name_shown(const wchar_t *name, wchar_t *out, size_t cch);
#endif
