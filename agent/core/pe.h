/* Is a file a kernel driver for this machine? Pure checks on the file's bytes. */
#ifndef P2V_PE_H
#define P2V_PE_H
#include <windows.h>
#include <stddef.h>

enum pe_status {
    PE_OK = 0,
    PE_MISSING,         /* not found where looked */
    PE_NOT_PE,          /* no MZ/PE headers */
    PE_TRUNCATED,       /* headers or sections run past the end of the file */
    PE_NOT_NATIVE,      /* subsystem is not native: not a driver */
    PE_WRONG_MACHINE,   /* i386 driver for x64 Windows or the reverse */
    PE_UNREADABLE,      /* exists but could not be read */
};

#define PE_MACHINE_I386 0x014c
#define PE_MACHINE_AMD64 0x8664

enum pe_status pe_check_driver(const BYTE *buf, size_t len, WORD want_machine, WORD *machine);
/* The image carries an Authenticode signature (its certificate table is present and inside
 * the file). Whether Windows trusts it is decided by Windows at load time. */
BOOL pe_has_signature(const BYTE *buf, size_t len);
const wchar_t *pe_status_text(enum pe_status s);
const wchar_t *pe_machine_name(WORD machine);
#endif
