/* boot.ini as text: its default entry, ARC paths, and the rewrite of the default's
 * partition number (--fix-boot-ini). Pure. */
#ifndef P2V_BOOTINI_H
#define P2V_BOOTINI_H
#include <windows.h>
#include <stddef.h>

/* "D:" for "D:\\WINDOWS"; FALSE for anything that does not start with a drive letter. */
BOOL bootini_volume_of(const wchar_t *path, wchar_t *vol, size_t cch);
/* Parses boot.ini text (ANSI: bytes read as Windows-1252). Returns TRUE when a
 * [boot loader] section has a default= line; arc receives it. title receives the quoted
 * description of the [operating systems] line whose key equals it (case-insensitively),
 * without options such as /fastdetect; empty when no such line exists. Lines starting with
 * ';' are comments; CRLF and LF both end a line. */
BOOL bootini_default(const char *text, size_t len, wchar_t *arc, size_t arc_cch,
                     wchar_t *title, size_t title_cch);

/* multi(0)disk(0)rdisk(0)partition(2)\WINDOWS -> rdisk 0, partition 2, dir \WINDOWS.
 * Also scsi(a)disk(b)rdisk(c)partition(d)\dir, where rdisk is the LUN as written.
 * FALSE (rdisk and partition -1, dir empty) for anything else, including
 * signature(...)disk()rdisk()partition(): that form names the disk by its MBR
 * signature, which no disk ordinal can express. dir is empty when the path ends after
 * partition(n). */
BOOL arc_path_parse(const wchar_t *arc, int *rdisk, int *partition, wchar_t *dir, size_t cch);

/* boot.ini text whose default entry's partition(N) is partition(new_partition): every
 * occurrence of the default's ARC path (the default= line and the [operating systems]
 * lines that start it, with their options) is rewritten, all else is kept byte for byte.
 * *out is malloc'ed. FALSE when there is no default entry or it is no multi()/scsi() path. */
BOOL bootini_set_partition(const char *text, size_t len, int new_partition, char **out, size_t *out_len);

#endif
