/* What the running machine says outside its registry and the files p2vprep writes: which
 * drive letter a device has, which drives are fixed, whether a volume lies on a dynamic
 * disk, free space, the firmware, BitLocker. Readiness (engine/readiness.c) decides from
 * these; only this file opens volumes and disks, sends IOCTLs or asks WMI. Everything here
 * reads; nothing is written. */
#ifndef P2V_HOSTFACTS_H
#define P2V_HOSTFACTS_H
#include <windows.h>
#include <stddef.h>
#include "readiness_rules.h"

/* The drive letter ("C:") whose DOS device is the NT device name dev
 * (\Device\HarddiskVolume1); FALSE when none. */
BOOL host_letter_of_device(const wchar_t *dev, wchar_t *vol, size_t cch);
/* The fixed drives, one bit per letter (bit 0 = A:). */
DWORD host_fixed_drives(void);
/* Whether any disk under volume ("C:") is dynamic; checked: how many disks could be read
 * (0 when the volume reports none). The first read error, else ERROR_SUCCESS. */
DWORD host_volume_dynamic(const wchar_t *volume, BOOL *dynamic, DWORD *checked);
/* A file is there, even one the system holds open (hiberfil.sys, pagefile.sys). */
BOOL host_file_present(const wchar_t *path);
/* Free bytes for the caller on path's volume; wow64: path is in the native system32. */
DWORD host_free_space(const wchar_t *path, BOOL wow64, ULONGLONG *avail);
/* BIOS or UEFI as this machine's firmware answers; FIRMWARE_UNKNOWN when it does not. */
enum firmware host_firmware(void);
/* BitLocker protection of volume ("C:") as Windows' own provider reports it (Vista and
 * later, administrators only); BITLOCKER_UNKNOWN when anything fails. */
enum bitlocker host_bitlocker(const wchar_t *volume);
#endif
