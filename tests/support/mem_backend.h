/* A machine in memory behind the backend table (agent/platform/backend.h): keys, values,
 * files and folders, for the unit tests that drive the engine, the probes and the journal
 * without Wine's registry. Every member of the table is there: what a test does not set up
 * behaves as on a plain machine (no links, no staged package, no cabinet). A zeroed struct
 * mem_machine is an empty machine; mem_free releases it. */
#ifndef P2V_MEM_BACKEND_H
#define P2V_MEM_BACKEND_H
#include "backend.h"

struct mem_value { wchar_t key[P2V_KEY_MAX], name[P2V_NAME_MAX]; struct regval v; };
struct mem_file { wchar_t path[MAX_PATH]; BYTE *data; DWORD size; };

struct mem_machine {
    wchar_t (*keys)[P2V_KEY_MAX];   /* every key, parents included, in creation order */
    int n_keys, cap_keys;
    struct mem_value *vals;
    int n_vals, cap_vals;
    struct mem_file *files;         /* folders are files of size 0 named with a trailing \ */
    int n_files, cap_files;
    struct os_info os;              /* what describe_os answers */
    int fail_delete_key;            /* delete_key fails (access denied) this many times */
    struct net_live live[8];        /* the adapters list_adapters answers */
    int n_live;
    BOOL live_unknown;              /* list_adapters: ERROR_NOT_SUPPORTED, as offline */
};

struct backend mem_backend(struct mem_machine *m);
void mem_free(struct mem_machine *m);

/* Set up: a key with its parents; a value (its key made). */
void mem_key(struct mem_machine *m, const wchar_t *key);
void mem_dword(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD d);
void mem_sz(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD type, const wchar_t *s);
void mem_raw(struct mem_machine *m, const wchar_t *key, const wchar_t *name, DWORD type, const void *data,
             DWORD size);
void mem_file(struct mem_machine *m, const wchar_t *path, const void *data, DWORD size);

/* Every key, value and file, one per line, sorted: two pictures are equal when the
 * machines are. malloc'ed. */
wchar_t *mem_picture(const struct mem_machine *m);
#endif
