/* Reading the boot.ini file of a live or offline Windows. */
#ifndef P2V_BOOTFILE_H
#define P2V_BOOTFILE_H
#include "readiness_rules.h"
#include "bootini.h"

/* Reads and parses the boot.ini at path: fills out->boot_ini (the path), boot_default,
 * boot_default_title and, when path starts with a drive letter, boot_volume. Returns
 * FALSE, leaving out untouched, when the file cannot be read or has no default entry. */
BOOL bootini_read(const wchar_t *path, struct readiness *out);

#endif
