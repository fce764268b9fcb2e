#ifndef P2V_JSON_CHECK_H
#define P2V_JSON_CHECK_H
#include <windows.h>
#include <stddef.h>
/* TRUE when text is one well-formed JSON value (UTF-8, no BOM); else err says where. */
BOOL json_check(const char *text, size_t len, char *err, size_t cap);
#endif
