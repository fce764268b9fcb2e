#include "pe.h"
#include <string.h>

static DWORD rd32(const BYTE *p) { return p[0] | p[1] << 8 | p[2] << 16 | (DWORD)p[3] << 24; }
static WORD rd16(const BYTE *p) { return (WORD)(p[0] | p[1] << 8); }

enum pe_status pe_check_driver(const BYTE *buf, size_t len, WORD want_machine, WORD *machine)
{
    if (machine)
        *machine = 0;
    if (len < 2 || buf[0] != 'M' || buf[1] != 'Z')
        return PE_NOT_PE;
    if (len < 0x40)
        return PE_TRUNCATED;
    DWORD pe = rd32(buf + 0x3c);
    if (pe > len || len - pe < 4 + 20)
        return pe > 0x10000 ? PE_NOT_PE : PE_TRUNCATED;
    if (memcmp(buf + pe, "PE\0\0", 4) != 0)
        return PE_NOT_PE;
    const BYTE *fh = buf + pe + 4;
    WORD mach = rd16(fh), nsect = rd16(fh + 2), optsize = rd16(fh + 16);
    if (machine)
        *machine = mach;
    size_t opt = pe + 4 + 20;
    if (optsize < 70 || len - opt < optsize)
        return PE_TRUNCATED;
    WORD magic = rd16(buf + opt);
    if (magic != 0x10b && magic != 0x20b)
        return PE_NOT_PE;
    size_t sect = opt + optsize;
    if (len < sect || (len - sect) / 40 < nsect)
        return PE_TRUNCATED;
    /* A copy cut short still has whole headers: every section's raw data must be there. */
    for (WORD i = 0; i < nsect; i++) {
        const BYTE *s = buf + sect + 40u * i;
        DWORD raw_size = rd32(s + 16), raw_ptr = rd32(s + 20);
        if (raw_size && (raw_ptr > len || len - raw_ptr < raw_size))
            return PE_TRUNCATED;
    }
    if (rd16(buf + opt + 68) != IMAGE_SUBSYSTEM_NATIVE)
        return PE_NOT_NATIVE;
    if (mach != want_machine)
        return PE_WRONG_MACHINE;
    return PE_OK;
}

BOOL pe_has_signature(const BYTE *buf, size_t len)
{
    WORD machine;
    enum pe_status st = pe_check_driver(buf, len, 0, &machine);
    if (st != PE_OK && st != PE_WRONG_MACHINE && st != PE_NOT_NATIVE)
        return FALSE;
    size_t opt = rd32(buf + 0x3c) + 4 + 20;
    WORD magic = rd16(buf + opt), optsize = rd16(buf + opt - 4);
    /* data directories follow the fixed part: 96 bytes in PE32, 112 in PE32+ */
    size_t fixed = magic == 0x20b ? 112 : 96, dirs = opt + fixed, count_at = dirs - 4;
    if (optsize < fixed || rd32(buf + count_at) <= IMAGE_DIRECTORY_ENTRY_SECURITY ||
        dirs + 8 * (IMAGE_DIRECTORY_ENTRY_SECURITY + 1) > opt + optsize)
        return FALSE;
    const BYTE *sec = buf + dirs + 8 * IMAGE_DIRECTORY_ENTRY_SECURITY;
    DWORD offset = rd32(sec), size = rd32(sec + 4);   /* a file offset, not an RVA */
    return size >= 8 && offset >= opt + optsize && offset <= len && len - offset >= size;
}

const wchar_t *pe_status_text(enum pe_status s)
{
    switch (s) {
    case PE_OK: return L"valid driver";
    case PE_MISSING: return L"not found";
    case PE_NOT_PE: return L"not a Windows executable image";
    case PE_TRUNCATED: return L"truncated (an incomplete copy)";
    case PE_NOT_NATIVE: return L"not a kernel driver (its subsystem is not native)";
    case PE_WRONG_MACHINE: return L"built for another processor architecture";
    case PE_UNREADABLE: return L"could not be read";
    }
    return L"?";
}

const wchar_t *pe_machine_name(WORD machine)
{
    switch (machine) {
    case PE_MACHINE_I386: return L"i386 (32-bit)";
    case PE_MACHINE_AMD64: return L"AMD64 (64-bit)";
    case 0x0200: return L"IA64";
    case 0xaa64: return L"ARM64";
    default: return L"unknown";
    }
}
