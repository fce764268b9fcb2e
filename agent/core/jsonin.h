/* A JSON object of simple members, as an engine passes a resource's properties (DSC v3's
 * jsonInputArg): {"name": "text", "flag": true, "list": ["a", "b"], "none": null}. Pure. */
#ifndef P2V_JSONIN_H
#define P2V_JSONIN_H
#include <windows.h>
#include <stddef.h>

enum json_kind { JSON_STRING = 1, JSON_BOOL, JSON_NULL, JSON_LIST };

struct json_member {
    const wchar_t *name;
    enum json_kind kind;
    const wchar_t *text;   /* JSON_STRING; JSON_LIST: the items joined with ',' */
    BOOL boolean;          /* JSON_BOOL */
};

#define JSON_MEMBERS_MAX 32

/* Parses text (UTF-16, NUL-terminated) into members; the strings point into *storage,
 * malloc'ed (free it). Returns NULL, or what is wrong ("a string expected at character 12"). */
const wchar_t *json_members(const wchar_t *text, struct json_member *m, size_t max, size_t *n,
                            wchar_t **storage);
#endif
