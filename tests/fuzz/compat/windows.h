/* The part of <windows.h> that p2vprep's pure files use, for building them natively on
 * Linux with clang for the fuzz targets. Nothing here reaches a Win32 API: the files built
 * with it (text.c, pe.c, targets.c, infname.c, summarize_json.c, summarize_out.c,
 * summarize_lists.c, hostlist.c, osname.c, journal_parse.c) call none.
 *
 * wchar_t is 32 bits here and 16 on Windows. These files treat a wchar_t as one UTF-16
 * code unit and never assume its size, so the conversions below (compat.c) produce and
 * take UTF-16 code units, surrogates included, one per wchar_t: the agent sees the same
 * strings, lengths and surrogate pairs as on Windows. DWORD and the other integer types
 * have their Windows sizes. */
#ifndef P2V_FUZZ_COMPAT_WINDOWS_H
#define P2V_FUZZ_COMPAT_WINDOWS_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

typedef int BOOL;
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint32_t UINT;
typedef int32_t LONG;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef void *HANDLE;
typedef wchar_t WCHAR;
typedef DWORD REGSAM;

#define TRUE 1
#define FALSE 0
#define MAX_PATH 260
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)

/* winerror.h */
#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_DATA 13
#define ERROR_NOT_SUPPORTED 50
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_ALREADY_EXISTS 183
#define ERROR_FILE_TOO_LARGE 223
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define ERROR_SECTION_NOT_FOUND 0xE0000101
#define ERROR_LINE_NOT_FOUND 0xE0000102

/* winnt.h */
#define REG_NONE 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_BINARY 3
#define REG_DWORD 4
#define REG_MULTI_SZ 7
#define REG_QWORD 11
#define VER_NT_WORKSTATION 1
#define VER_NT_DOMAIN_CONTROLLER 2
#define VER_NT_SERVER 3
#define IMAGE_SUBSYSTEM_NATIVE 1
#define IMAGE_DIRECTORY_ENTRY_SECURITY 4

/* winnls.h: only CP_UTF8, with Windows' rules (flags 0): an invalid sequence becomes
 * U+FFFD, as on Vista and later; len -1 means up to and with the terminator; a result
 * that does not fit cch is 0 (ERROR_INSUFFICIENT_BUFFER). */
#define CP_UTF8 65001
int MultiByteToWideChar(UINT codepage, DWORD flags, const char *s, int len, wchar_t *out, int cch);
int WideCharToMultiByte(UINT codepage, DWORD flags, const wchar_t *w, int len, char *out, int cb,
                        const char *default_char, BOOL *used_default);
DWORD GetLastError(void);

/* msvcrt: bounded wide formatting (-1 when cut) and case-insensitive comparison, which in
 * msvcrt's default "C" locale folds ASCII letters only. */
int _vsnwprintf(wchar_t *buf, size_t cch, const wchar_t *fmt, va_list ap);
int _wcsicmp(const wchar_t *a, const wchar_t *b);
int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);
#endif
