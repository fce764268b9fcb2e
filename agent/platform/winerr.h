/* The one place where Win32 error codes become text. */
#ifndef P2V_WINERR_H
#define P2V_WINERR_H
#include <windows.h>
#include <stddef.h>

/* "Access is denied. (0x5)" -- English where the system has it, no CR/LF.
 * Writes into buf and returns it. */
const wchar_t *win_error_text(DWORD code, wchar_t *buf, size_t cch);
#endif
