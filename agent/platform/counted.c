/* The counting backend (counted.h): every call forwarded to the inner backend with its own
 * context; the calls that change the machine counted first. */
#include "counted.h"

#define C ((struct counted_backend *)ctx)
#define INNER C->inner

static DWORD c_describe_os(void *ctx, struct os_info *os)
{ return INNER->describe_os(INNER->ctx, os); }
static DWORD c_describe_disk(void *ctx, struct disk_info *d)
{ return INNER->describe_disk(INNER->ctx, d); }
static DWORD c_list_adapters(void *ctx, struct net_live *out, int cap, int *n)
{ return INNER->list_adapters(INNER->ctx, out, cap, n); }
static DWORD c_key_exists(void *ctx, const wchar_t *k)
{ return INNER->key_exists(INNER->ctx, k); }
static DWORD c_enum_subkey(void *ctx, const wchar_t *k, DWORD i, wchar_t *n, DWORD cch)
{ return INNER->enum_subkey(INNER->ctx, k, i, n, cch); }
static DWORD c_read_value(void *ctx, const wchar_t *k, const wchar_t *n, struct regval *v)
{ return INNER->read_value(INNER->ctx, k, n, v); }
static DWORD c_enum_value(void *ctx, const wchar_t *k, DWORD i, wchar_t *n, DWORD cch, struct regval *v)
{ return INNER->enum_value(INNER->ctx, k, i, n, cch, v); }
static DWORD c_read_file(void *ctx, const wchar_t *p, BYTE **d, DWORD *n)
{ return INNER->read_file(INNER->ctx, p, d, n); }
static DWORD c_find_staged(void *ctx, const wchar_t *w, const wchar_t *inf, wchar_t *name, DWORD cch)
{ return INNER->find_staged(INNER->ctx, w, inf, name, cch); }
static DWORD c_read_cab_file(void *ctx, const wchar_t *cab, const wchar_t *n, BYTE **d, DWORD *size)
{ return INNER->read_cab_file(INNER->ctx, cab, n, d, size); }
static DWORD c_key_plain(void *ctx, const wchar_t *k)
{ return INNER->key_plain(INNER->ctx, k); }
static DWORD c_path_plain(void *ctx, const wchar_t *p, wchar_t *why, DWORD cch)
{ return INNER->path_plain(INNER->ctx, p, why, cch); }
static DWORD c_list_files(void *ctx, const wchar_t *p, struct wbuf *names)
{ return INNER->list_files(INNER->ctx, p, names); }
static DWORD c_flush_key(void *ctx, const wchar_t *k)
{ return INNER->flush_key(INNER->ctx, k); }
static DWORD c_make_dir(void *ctx, const wchar_t *d)
{ return INNER->make_dir(INNER->ctx, d); }
static DWORD c_append_open(void *ctx, const wchar_t *p, BOOL create_new, HANDLE *h)
{ return INNER->append_open(INNER->ctx, p, create_new, h); }
static DWORD c_append(void *ctx, HANDLE h, const void *d, DWORD n)
{ return INNER->append(INNER->ctx, h, d, n); }
static void c_append_close(void *ctx, HANDLE h)
{ INNER->append_close(INNER->ctx, h); }
static DWORD c_cut(void *ctx, HANDLE h, DWORD size)
{ return INNER->cut(INNER->ctx, h, size); }

static DWORD c_create_key(void *ctx, const wchar_t *k)
{ C->writes++; return INNER->create_key(INNER->ctx, k); }
static DWORD c_delete_key(void *ctx, const wchar_t *k)
{ C->writes++; return INNER->delete_key(INNER->ctx, k); }
static DWORD c_set_value(void *ctx, const wchar_t *k, const wchar_t *n, const struct regval *v)
{ C->writes++; return INNER->set_value(INNER->ctx, k, n, v); }
static DWORD c_delete_value(void *ctx, const wchar_t *k, const wchar_t *n)
{ C->writes++; return INNER->delete_value(INNER->ctx, k, n); }
static DWORD c_write_file(void *ctx, const wchar_t *p, const BYTE *d, DWORD n)
{ C->writes++; return INNER->write_file(INNER->ctx, p, d, n); }
static DWORD c_delete_file(void *ctx, const wchar_t *p)
{ C->writes++; return INNER->delete_file(INNER->ctx, p); }
static DWORD c_stage_inf(void *ctx, const wchar_t *inf, wchar_t *oem, DWORD cch)
{ C->writes++; return INNER->stage_inf(INNER->ctx, inf, oem, cch); }
static DWORD c_unstage_inf(void *ctx, const wchar_t *oem)
{ C->writes++; return INNER->unstage_inf(INNER->ctx, oem); }

void backend_counted_init(struct counted_backend *c, const struct backend *inner)
{
    c->inner = inner;
    c->writes = 0;
    c->self = (struct backend){
        .ctx = c,
        .describe_os = c_describe_os, .describe_disk = c_describe_disk, .list_adapters = c_list_adapters, .key_exists = c_key_exists, .enum_subkey = c_enum_subkey,
        .read_value = c_read_value, .enum_value = c_enum_value, .read_file = c_read_file,
        .find_staged = c_find_staged, .read_cab_file = c_read_cab_file, .key_plain = c_key_plain,
        .path_plain = c_path_plain, .list_files = c_list_files,
        .create_key = c_create_key, .delete_key = c_delete_key, .set_value = c_set_value,
        .delete_value = c_delete_value, .write_file = c_write_file, .delete_file = c_delete_file,
        .stage_inf = c_stage_inf, .unstage_inf = c_unstage_inf, .flush_key = c_flush_key,
        .make_dir = c_make_dir, .append_open = c_append_open, .append = c_append,
        .append_close = c_append_close, .cut = c_cut,
    };
}
