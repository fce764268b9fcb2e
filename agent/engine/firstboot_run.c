/* The first-boot pass (--keep-network): run by the service p2vprep-firstboot at each start
 * of the machine it was registered on, until it is done.
 *
 *   still the source (a captured adapter is present)  nothing, and it stays registered
 *   nothing static was captured                          done
 *   a new adapter for each static one                    the settings moved (journaled), the
 *                                                        ghost's static address cleared, the
 *                                                        new adapter restarted, checked, done
 *   no new adapter yet                                   waited for (bounded); after
 *                                                        FIRSTBOOT_MAX_STARTS starts, given up
 *   ambiguous                                            left alone and said, done
 *
 * Done means: the result in the state folder (firstboot.json), the marker's FirstBoot value,
 * one line on COM1, and the service's registration removed from every control set. The
 * journal is an apply journal like any other: rollback on the VM puts the adapters' values
 * back. A kill at any write leaves the ghost static until the last write: the next start
 * decides again and completes what is left. */
#include "firstboot_run.h"
#include "engine.h"
#include "controlsets.h"
#include "firstboot.h"
#include "journal.h"
#include "marker.h"
#include "targets.h"
#include "netprobe.h"
#include "out.h"
#include "scratch.h"
#include "netadapter.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* How long a start waits for a new adapter's TCP/IP binding: Windows installs a new NIC's
 * driver during the first boot, often after automatic services started. */
static void add_line(struct firstboot_result *res, const wchar_t *fmt, ...);

#define WAIT_ROUNDS 12
#define WAIT_MS 5000

/* A text file apply left in the state folder, name in path: the file, not a link, read
 * whole (at most max bytes) as UTF-8; NULL with why. */
static wchar_t *read_state_text(const struct backend *b, const wchar_t *state, const wchar_t *name, DWORD max,
                                wchar_t *path, size_t path_cch, wchar_t *why, size_t cch)
{
    wchar_t link[2 * MAX_PATH + 128];
    BYTE *data;
    DWORD size;
    wfmt(path, path_cch, L"%ls\\%ls", state, name);
    if (b->path_plain(b->ctx, path, link, COUNTOF(link)) != ERROR_SUCCESS) {
        wfmt(why, cch, L"%ls", link);
        return NULL;
    }
    DWORD e = b->read_file(b->ctx, path, &data, &size);
    if (e != ERROR_SUCCESS) {
        wfmt(why, cch, L"%ls could not be read (error %lu)", path, (unsigned long)e);
        return NULL;
    }
    wchar_t *text = size <= max ? wide_from_utf8((const char *)data, (int)size) : NULL;
    free(data);
    if (!text)
        wfmt(why, cch, L"%ls is not one p2vprep wrote: too long or not UTF-8", path);
    return text;
}

/* The pass's configuration; FALSE with why. */
static BOOL read_cfg(const struct backend *b, const wchar_t *state, struct firstboot_cfg *cfg, wchar_t *why,
                     size_t cch)
{
    wchar_t path[MAX_PATH], detail[160];
    wchar_t *text = read_state_text(b, state, FIRSTBOOT_CONFIG, 4096, path, COUNTOF(path), why, cch);
    BOOL ok = text && firstboot_cfg_parse(text, cfg, detail, COUNTOF(detail));
    if (text && !ok)
        wfmt(why, cch, L"%ls is not one p2vprep wrote: %ls", path, detail);
    free(text);
    return ok;
}

/* The old platform's software, once, where its package uninstalls off the platform. */
static void uninstall_software(struct firstboot_result *res, const struct firstboot_cfg *cfg, const wchar_t *state,
                               const struct firstboot_options *opt)
{
    for (int i = 0; i < cfg->n_uninstall && res->n_uninstalls < (int)COUNTOF(res->uninstalls); i++) {
        struct firstboot_uninstall *u = &res->uninstalls[res->n_uninstalls++];
        wchar_t log[MAX_PATH];
        wcopy(u->code, COUNTOF(u->code), cfg->uninstall[i]);
        wcopy(u->platform, COUNTOF(u->platform), cfg->uninstall_platform[i]);
        wfmt(log, COUNTOF(log), L"%ls\\uninstall-%ls.log", state, u->code);
        u->error = opt->live ? msi_uninstall(u->code, log, 15 * 60 * 1000, &u->exit_code) : ERROR_NOT_SUPPORTED;
        add_line(res, L"%ls %ls: %ls", u->platform, u->code,
                 u->error == WAIT_TIMEOUT ? L"still uninstalling after 15 minutes, left to finish"
                 : u->error ? L"msiexec could not be started"
                 : u->exit_code == 0 || u->exit_code == 3010 || u->exit_code == 1641 ? L"uninstalled"
                 : u->exit_code == 1605 ? L"was not installed" : L"the uninstall failed (see its log)");
    }
}

/* The adapters' record; FALSE with why. */
static BOOL read_record(const struct backend *b, const wchar_t *state, struct net_record *rec, wchar_t *why,
                        size_t cch)
{
    wchar_t path[MAX_PATH], detail[200];
    wchar_t *text = read_state_text(b, state, FIRSTBOOT_RECORD, NET_TEXT_MAX * 4, path, COUNTOF(path), why, cch);
    BOOL ok = text && net_record_parse(text, wcslen(text), rec, detail, COUNTOF(detail));
    if (text && !ok)
        wfmt(why, cch, L"%ls is not a record p2vprep wrote: %ls", path, detail);
    free(text);
    return ok;
}

/* The service's "Starts" value in the current set's Parameters: how many starts waited. */
static DWORD starts_key(const struct machine *m, wchar_t *key, size_t cch)
{
    DWORD current = m->select_present[SEL_CURRENT] ? m->select[SEL_CURRENT] : 1;
    wfmt(key, cch, L"SYSTEM\\ControlSet%03lu\\Services\\%ls\\Parameters", (unsigned long)current, FIRSTBOOT_SERVICE);
    return current;
}

/* Removes the service's registration from every control set: its Parameters, its values,
 * its key. Not journaled: the pass is done, and rollback of the source's apply finds the
 * values gone, as wanted. Returns the first error. */
static DWORD unregister(const struct backend *b, const struct machine *m)
{
    DWORD first = ERROR_SUCCESS;
    for (int s = 0; s < m->n_sets; s++) {
        wchar_t key[P2V_KEY_MAX], sub[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\%ls", m->sets[s], FIRSTBOOT_SERVICE);
        if (b->key_exists(b->ctx, key) != ERROR_SUCCESS)
            continue;
        const wchar_t *keys[] = { sub, key };
        wfmt(sub, COUNTOF(sub), L"%ls\\Parameters", key);
        for (int k = 0; k < 2; k++) {
            if (b->key_exists(b->ctx, keys[k]) != ERROR_SUCCESS)
                continue;
            for (;;) {
                wchar_t name[P2V_NAME_MAX];
                struct regval v;
                if (b->enum_value(b->ctx, keys[k], 0, name, COUNTOF(name), &v) != ERROR_SUCCESS)
                    break;
                DWORD e = b->delete_value(b->ctx, keys[k], name);
                if (e != ERROR_SUCCESS) {
                    if (first == ERROR_SUCCESS)
                        first = e;
                    break;
                }
            }
            DWORD e = b->delete_key(b->ctx, keys[k]);
            if (e != ERROR_SUCCESS && first == ERROR_SUCCESS)
                first = e;
        }
        wchar_t root[64];
        wfmt(root, COUNTOF(root), L"SYSTEM\\%ls", m->sets[s]);
        b->flush_key(b->ctx, root);
    }
    return first;
}

/* The writes of one MAP, each journaled before it is made. */
static DWORD move_settings(struct firstboot_result *res, const struct backend *b, struct journal *j,
                           const struct net_snapshot *s, const struct net_decision *d, const wchar_t *old_guid)
{
    struct net_write w[NET_WRITES_MAX];
    int n = net_writes(s, old_guid, d->new_guid, w, NET_WRITES_MAX);
    if (n < 0)
        return ERROR_BUFFER_OVERFLOW;
    for (int i = 0; i < n; i++) {
        struct jentry e = { .kind = J_VALUE };
        wcopy(e.key, COUNTOF(e.key), w[i].key);
        wcopy(e.name, COUNTOF(e.name), w[i].name);
        e.old = w[i].old;
        DWORD err = b->key_exists(b->ctx, w[i].key);
        if (err == ERROR_FILE_NOT_FOUND) {
            struct jentry k = { .kind = J_KEY };
            wcopy(k.key, COUNTOF(k.key), w[i].key);
            if ((err = journal_add(j, &k)) == ERROR_SUCCESS)
                err = b->create_key(b->ctx, w[i].key);
        }
        if (err == ERROR_SUCCESS)
            err = journal_add(j, &e);
        if (err == ERROR_SUCCESS)
            err = w[i].del ? b->delete_value(b->ctx, w[i].key, w[i].name)
                           : b->set_value(b->ctx, w[i].key, w[i].name, &w[i].want);
        if (err == ERROR_FILE_NOT_FOUND && w[i].del)
            err = ERROR_SUCCESS;
        if (err != ERROR_SUCCESS)
            return err;
        res->writes++;
    }
    return ERROR_SUCCESS;
}

static void add_line(struct firstboot_result *res, const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t len = wcslen(res->detail);
    if (len + 3 < COUNTOF(res->detail)) {
        if (len)
            wcscat(res->detail, L"; ");
        len = wcslen(res->detail);
        wfmtv(res->detail + len, COUNTOF(res->detail) - len, fmt, ap);
    }
    va_end(ap);
}

/* firstboot.json in the state folder, through the backend. */
static void write_result(const struct backend *b, const wchar_t *state, const struct os_info *os,
                         const struct firstboot_result *res)
{
    struct wbuf j = { 0 };
    wchar_t now[32], path[MAX_PATH];
    engine_utc_now(now, COUNTOF(now));
    wbuf_add(&j, L"{\n  \"computer\": ");
    wbuf_json_str(&j, os->computer);
    wbuf_add(&j, L",\n  \"time\": ");
    wbuf_json_str(&j, now);
    wbuf_add(&j, L",\n  \"state\": ");
    wbuf_json_str(&j, firstboot_state_name(res->state));
    wbuf_add(&j, L",\n  \"boot_targets\": ");
    wbuf_json_str(&j, res->boot_targets);
    wbuf_add(&j, L",\n  \"boot_driver_running\": ");
    wbuf_json_str(&j, res->boot_driver);
    wbuf_add(&j, L",\n  \"journal\": ");
    wbuf_json_str(&j, res->journal);
    wbuf_addf(&j, L",\n  \"writes\": %d, \"moved\": %d, \"ambiguous\": %d, \"restarted\": %d,"
                  L" \"gateway_answered\": %d, \"ghosts_removed\": %d, \"registered\": %ls,\n  \"adapters\": [",
              res->writes, res->moved, res->ambiguous, res->restarted, res->gateway_answered,
              res->ghosts_removed, res->still_registered ? L"true" : L"false");
    for (int i = 0; i < res->n_adapters; i++) {
        const struct firstboot_adapter *a = &res->adapters[i];
        wbuf_add(&j, i ? L",\n    {" : L"\n    {");
        wbuf_add(&j, L"\"old_guid\": ");
        wbuf_json_str(&j, a->old_guid);
        wbuf_add(&j, L", \"name\": ");
        wbuf_json_str(&j, a->name);
        wbuf_add(&j, L", \"verdict\": ");
        wbuf_json_str(&j, a->verdict);
        wbuf_add(&j, L", \"new_guid\": ");
        wbuf_json_str(&j, a->new_guid);
        wbuf_add(&j, L", \"why\": ");
        wbuf_json_str(&j, a->why);
        wbuf_addf(&j, L", \"verified\": %ls}", a->verified ? L"true" : L"false");
    }
    wbuf_add(&j, res->n_adapters ? L"\n  ],\n  \"uninstall\": [" : L"],\n  \"uninstall\": [");
    for (int i = 0; i < res->n_uninstalls; i++) {
        const struct firstboot_uninstall *u = &res->uninstalls[i];
        wbuf_add(&j, i ? L",\n    {\"code\": " : L"\n    {\"code\": ");
        wbuf_json_str(&j, u->code);
        wbuf_add(&j, L", \"platform\": ");
        wbuf_json_str(&j, u->platform);
        if (u->error)
            wbuf_addf(&j, L", \"error\": %lu, \"exit_code\": null}", (unsigned long)u->error);
        else
            wbuf_addf(&j, L", \"error\": 0, \"exit_code\": %lu}", (unsigned long)u->exit_code);
    }
    wbuf_add(&j, res->n_uninstalls ? L"\n  ],\n  \"detail\": " : L"],\n  \"detail\": ");
    wbuf_json_str(&j, res->detail);
    wbuf_add(&j, L"\n}\n");
    int len = 0;
    char *utf8 = j.ok ? utf8_from_wide(j.s, &len) : NULL;
    wfmt(path, COUNTOF(path), L"%ls\\%ls", state, FIRSTBOOT_REPORT);
    if (utf8)
        b->write_file(b->ctx, path, (const BYTE *)utf8, (DWORD)len);
    free(utf8);
    wbuf_free(&j);
}

const wchar_t *firstboot_state_name(enum firstboot_state s)
{
    switch (s) {
    case FIRSTBOOT_SOURCE: return L"source";
    case FIRSTBOOT_DONE: return L"done";
    case FIRSTBOOT_NOTHING: return L"nothing-to-move";
    case FIRSTBOOT_WAITING: return L"waiting";
    case FIRSTBOOT_GAVE_UP: return L"gave-up";
    case FIRSTBOOT_FAILED: return L"failed";
    }
    return L"?";
}

/* The disk's driver: of the targets the apply made boot-start (the marker's Targets), the
 * first service that is running. A VM that boots at all runs one of them, unless it boots
 * through a controller no target named. */
static void check_boot_driver(const struct backend *b, struct firstboot_result *res)
{
    struct regval v;
    if (b->read_value(b->ctx, MARKER_KEY, L"Targets", &v) != ERROR_SUCCESS ||
        !regval_string(&v, res->boot_targets, COUNTOF(res->boot_targets)))
        return;
    wchar_t list[128];
    wcopy(list, COUNTOF(list), res->boot_targets);
    for (wchar_t *tok = list, *next; tok && !res->boot_driver[0]; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        const struct target *t = target_find(tok);
        for (size_t k = 0; t && k < t->n_rules && !res->boot_driver[0]; k++)
            for (size_t i = 0; i < t->rules[k].n_services && !res->boot_driver[0]; i++)
                if (service_running(t->rules[k].services[i].name))
                    wcopy(res->boot_driver, COUNTOF(res->boot_driver), t->rules[k].services[i].name);
    }
}

/* Waits (bounded) while the decision is "no new adapter yet" for some static adapter. */
static enum net_pass decide_waiting(const struct backend *b, const struct machine *m, struct net_probe *np,
                                    const struct net_record *rec, struct net_decisions *d, BOOL wait)
{
    struct net_snapshot s;
    net_probe_snapshot(np, &s);
    enum net_pass pass = net_decide(rec, &s, d);
    for (int round = 0; wait && pass == NET_PASS_ACT && round < WAIT_ROUNDS; round++) {
        BOOL waiting = FALSE;
        for (int i = 0; i < d->n; i++)
            waiting |= d->d[i].verdict == NET_NOTHING_NEW;
        if (!waiting)
            break;
        Sleep(WAIT_MS);
        if (net_probe_read(b, m, np) != ERROR_SUCCESS)
            break;
        net_probe_snapshot(np, &s);
        pass = net_decide(rec, &s, d);
    }
    return pass;
}

int firstboot_run(struct firstboot_result *res, const struct backend *b, const struct firstboot_options *opt)
{
    memset(res, 0, sizeof *res);
    struct os_info os;
    wchar_t state[MAX_PATH], why[600];
    if (b->describe_os(b->ctx, &os) != ERROR_SUCCESS)
        return res->state = FIRSTBOOT_FAILED, 1;
    journal_state_dir(os.systemroot, state, COUNTOF(state));
    struct machine *m = machine_new();
    struct net_record *rec = calloc(1, sizeof *rec);
    struct net_probe *np = calloc(1, sizeof *np);
    struct net_decisions *d = calloc(1, sizeof *d);
    if (!m || !rec || !np || !d) {
        res->state = FIRSTBOOT_FAILED;
        goto out;
    }
    m->os = os;
    if (probe_control_sets(b, m) != ERROR_SUCCESS || m->n_sets == 0) {
        add_line(res, L"the control sets could not be read");
        res->state = FIRSTBOOT_FAILED;
        goto out;
    }
    struct firstboot_cfg cfg;
    if (!read_cfg(b, state, &cfg, why, COUNTOF(why)) || !read_record(b, state, rec, why, COUNTOF(why))) {
        /* nothing to act on: said, and the registration removed so that it stops here */
        add_line(res, L"%ls", why);
        res->state = FIRSTBOOT_FAILED;
        unregister(b, m);
        goto report;
    }
    if (net_probe_read(b, m, np) != ERROR_SUCCESS) {
        add_line(res, L"the network settings could not be read");
        res->state = FIRSTBOOT_FAILED;
        res->still_registered = TRUE;
        goto report;
    }
    enum net_pass pass = decide_waiting(b, m, np, rec, d, opt->wait && cfg.network);
    if (pass == NET_PASS_SOURCE) {
        /* the source itself, restarted before its move: the pass waits for the VM */
        res->state = FIRSTBOOT_SOURCE;
        res->still_registered = TRUE;
        add_line(res, L"a network adapter of the source is present: this is still the source machine");
        goto out;   /* no report: the source keeps its own */
    }
    if (pass == NET_PASS_NOTHING || !cfg.network) {
        res->state = FIRSTBOOT_NOTHING;
        add_line(res, cfg.network ? L"no static address was recorded" : L"the network was not to be moved");
        goto finish;
    }
    struct net_snapshot s;
    net_probe_snapshot(np, &s);
    BOOL waiting = FALSE;
    struct journal j;
    memset(&j, 0, sizeof j);
    BOOL journal_open = FALSE;
    DWORD err = ERROR_SUCCESS;
    for (int i = 0; i < d->n && res->n_adapters < (int)COUNTOF(res->adapters); i++) {
        const struct net_decision *dc = &d->d[i];
        const struct net_ident *id = &rec->ids[dc->id];
        struct firstboot_adapter *a = &res->adapters[res->n_adapters++];
        wcopy(a->old_guid, COUNTOF(a->old_guid), id->guid);
        wcopy(a->name, COUNTOF(a->name), id->name);
        wcopy(a->verdict, COUNTOF(a->verdict), net_verdict_name(dc->verdict));
        wcopy(a->new_guid, COUNTOF(a->new_guid), dc->new_guid);
        wcopy(a->why, COUNTOF(a->why), dc->why);
        if (dc->verdict == NET_NOTHING_NEW)
            waiting = TRUE;
        if (dc->verdict == NET_AMBIGUOUS)
            res->ambiguous++;
        if (dc->verdict != NET_MAP || err != ERROR_SUCCESS)
            continue;
        if (!journal_open) {
            wchar_t header[128];
            wfmt(header, COUNTOF(header), L"%ls\tfirstboot", os.computer);
            if ((err = journal_begin(&j, b, state, os.systemroot, header)) != ERROR_SUCCESS) {
                add_line(res, L"the journal could not be made in %ls (error %lu)", state, (unsigned long)err);
                break;
            }
            journal_open = TRUE;
            wcopy(res->journal, COUNTOF(res->journal), j.path);
        }
        err = move_settings(res, b, &j, &s, dc, id->guid);
        if (err != ERROR_SUCCESS) {
            add_line(res, L"moving %ls's settings to %ls stopped at error %lu", id->guid, dc->new_guid,
                     (unsigned long)err);
            continue;
        }
        res->moved++;
    }
    if (journal_open) {
        wchar_t root[64];
        wfmt(root, COUNTOF(root), L"SYSTEM\\%ls", s.set);
        b->flush_key(b->ctx, root);
        journal_end(&j, err == ERROR_SUCCESS ? L"ok" : L"incomplete");
    }
    if (err != ERROR_SUCCESS) {
        /* the next start decides again from what is there, and completes it */
        res->state = FIRSTBOOT_FAILED;
        res->still_registered = TRUE;
        goto report;
    }
    /* in force without a restart where Windows allows it; checked; the ghosts removed */
    for (int i = 0; i < res->n_adapters; i++) {
        struct firstboot_adapter *a = &res->adapters[i];
        if (wcscmp(a->verdict, net_verdict_name(NET_MAP)))
            continue;
        if (opt->live && net_adapter_restart(a->new_guid) == ERROR_SUCCESS)
            res->restarted++;
        if (opt->live && opt->remove_ghosts && net_adapter_remove_ghost(a->old_guid) == ERROR_SUCCESS)
            res->ghosts_removed++;
        /* the old adapter's gateways, as the snapshot before the move held them */
        wchar_t key[P2V_KEY_MAX];
        wfmt(key, COUNTOF(key), L"SYSTEM\\%ls\\Services\\Tcpip\\Parameters\\Interfaces\\%ls", s.set, a->old_guid);
        for (size_t v = 0; opt->live && v < s.n_values; v++) {
            const struct machine_value *mv = &s.values[v];
            if (_wcsicmp(mv->key, key) || _wcsicmp(mv->name, L"DefaultGateway") || mv->v.type != REG_MULTI_SZ ||
                mv->v.truncated)
                continue;
            wchar_t list[REGVAL_MAX / 2 + 1];
            memcpy(list, mv->v.data, mv->v.size);
            list[mv->v.size / 2] = 0;
            if (list[0] && net_ping(list, 1000))
                res->gateway_answered++;
        }
    }
    /* checked: planning the move again finds nothing left to write */
    if (net_probe_read(b, m, np) == ERROR_SUCCESS) {
        struct net_snapshot now;
        net_probe_snapshot(np, &now);
        for (int i = 0; i < res->n_adapters; i++) {
            struct net_write w[NET_WRITES_MAX];
            struct firstboot_adapter *a = &res->adapters[i];
            if (!wcscmp(a->verdict, net_verdict_name(NET_MAP)))
                a->verified = net_writes(&now, a->old_guid, a->new_guid, w, NET_WRITES_MAX) == 0;
        }
    }
    if (waiting) {
        wchar_t key[P2V_KEY_MAX];
        struct regval v;
        DWORD starts = 0;
        starts_key(m, key, COUNTOF(key));
        if (b->read_value(b->ctx, key, L"Starts", &v) == ERROR_SUCCESS && v.present && v.type == REG_DWORD &&
            v.size == 4)
            memcpy(&starts, v.data, 4);
        if (++starts < FIRSTBOOT_MAX_STARTS) {
            regval_dword(&v, starts);
            if (b->key_exists(b->ctx, key) != ERROR_SUCCESS)
                b->create_key(b->ctx, key);
            b->set_value(b->ctx, key, L"Starts", &v);
            res->state = FIRSTBOOT_WAITING;
            res->still_registered = TRUE;
            add_line(res, L"no new adapter for every static one yet: start %lu of %d waits again",
                     (unsigned long)starts, FIRSTBOOT_MAX_STARTS);
            goto report;
        }
        res->state = FIRSTBOOT_GAVE_UP;
        add_line(res, L"no new adapter appeared in %d starts: the static settings stay on the old "
                 L"adapters (see the adapters below)", FIRSTBOOT_MAX_STARTS);
        goto finish;
    }
    res->state = FIRSTBOOT_DONE;
finish:
    if (opt->live)
        check_boot_driver(b, res);
    uninstall_software(res, &cfg, state, opt);
    if (unregister(b, m) != ERROR_SUCCESS) {
        res->still_registered = TRUE;
        add_line(res, L"the service's registration could not be removed from every control set");
    }
report:
    write_result(b, state, &os, res);
    {
        /* the detection marker says it too (HKLM\SOFTWARE\p2vprep FirstBoot), and COM1 */
        wchar_t now[32], line[160];
        struct regval v;
        engine_utc_now(now, COUNTOF(now));
        wfmt(line, COUNTOF(line), L"%ls %ls moved=%d ambiguous=%d", firstboot_state_name(res->state), now,
             res->moved, res->ambiguous);
        regval_sz(&v, REG_SZ, line);
        if (b->key_exists(b->ctx, MARKER_KEY) == ERROR_FILE_NOT_FOUND)
            b->create_key(b->ctx, MARKER_KEY);
        b->set_value(b->ctx, MARKER_KEY, L"FirstBoot", &v);
        if (opt->live) {
            wfmt(line, COUNTOF(line), L"p2vprep-firstboot: %ls moved=%d ambiguous=%d report=%ls\\%ls",
                 firstboot_state_name(res->state), res->moved, res->ambiguous, state, FIRSTBOOT_REPORT);
            serial_line(line);
        }
    }
out:
    if (np)
        net_probe_free(np);
    free(np);
    free(d);
    free(rec);
    machine_free(m);
    return res->state == FIRSTBOOT_FAILED ? 1 : 0;
}
