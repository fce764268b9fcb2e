#include "engine.h"
#include "osname.h"
#include "embedded.h"
#include "exitcodes.h"
#include "inf.h"
#include "journal.h"
#include "marker.h"
#include "scratch.h"
#include "readiness.h"
#include "secure.h"
#include "out.h"
#include "pe.h"
#include "probe.h"
#include "netprobe.h"
#include "firstboot.h"
#include "platforms.h"
#include "text.h"
#include "winerr.h"
#include "wow64.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define JENTRIES_MAX (P2V_ITEMS_MAX * 4)

static volatile LONG stop_requested;

void engine_request_stop(void)
{
    InterlockedExchange(&stop_requested, 1);
}

/* A file of the state folder (a journal of nothing, a scratch copy): the machine is not
 * changed, so not counted as a write. */
static void state_delete(struct run *r, const wchar_t *path)
{
    r->counted.inner->delete_file(r->counted.inner->ctx, path);
}

const wchar_t *verdict_text(enum verdict_kind v)
{
    return v == VERDICT_READY ? L"ready" : v == VERDICT_NOT_READY ? L"not ready" : L"unsupported here";
}

static void fail(const wchar_t *what, DWORD e)
{
    wchar_t msg[512];
    out_error(L"error: %ls: %ls", what, win_error_text(e, msg, COUNTOF(msg)));
}

static void show_machine(const struct machine *m)
{
    const struct os_info *os = &m->os;
    if (os->offline)
        out_info(L"Offline Windows at %ls (this computer, %ls, is only the helper):", os->systemroot,
                 os->helper);
    wchar_t name[160];
    out_info(L"%ls, %ls%ls, SystemRoot %ls, computer %ls", os_info_name(os, name, COUNTOF(name)),
             os_product_text(os->product_type), os->wow64 ? L" (32-bit p2vprep under WOW64)" : L"",
             os->systemroot, os->computer);
    wchar_t sets[P2V_SETS_MAX * 16] = L"", sel[128] = L"";
    for (int i = 0; i < m->n_sets; i++) {
        wcscat(sets, L" ");
        wcscat(sets, m->sets[i]);
    }
    for (int s = 0; s < SEL_COUNT; s++) {
        wchar_t one[40];
        if (m->select_present[s])
            wfmt(one, COUNTOF(one), L" %ls=%lu", select_names[s], (unsigned long)m->select[s]);
        else
            wfmt(one, COUNTOF(one), L" %ls=absent", select_names[s]);
        wcscat(sel, one);
    }
    out_info(L"control sets:%ls; Select:%ls", m->n_sets ? sets : L" none", sel);
}

static void show_problems(const struct plan *p)
{
    for (size_t i = 0; i < p->n_problems; i++) {
        int code = p->problems[i].exit_code;
        out_error(L"%ls: %ls", code == 0 ? L"warning" : code == 1 ? L"not ready" : L"error",
                  p->problems[i].message);
    }
}

/* NT5 offline: boot.ini's default entry must lead to the Windows folder. A partition the
 * converter left out (a recovery or OEM partition) shifts the numbers: partition(N) then
 * names a volume without it, the most frequent 0x7B after P2V on 2000/XP/2003. Read afresh
 * at each survey, so that apply's read-back sees the corrected file. */
static void survey_boot_ini(struct run *r)
{
    const struct disk_info *bt = &r->disk;
    const wchar_t *windir = r->m->os.systemroot;
    BYTE *text = NULL;
    DWORD size;
    wchar_t arc[260], title[260], dir[MAX_PATH];
    int rdisk, partition;
    if (!bt->boot_ini[0] || r->b->read_file(r->b->ctx, bt->boot_ini, &text, &size) != ERROR_SUCCESS)
        return;
    if (!bootini_default((const char *)text, size, arc, COUNTOF(arc), title, COUNTOF(title)) ||
        !arc_path_parse(arc, &rdisk, &partition, dir, COUNTOF(dir)) || windir[1] != L':') {
        free(text);
        return;
    }
    if (!same_folder(dir, windir + 2)) {
        plan_add_problem(r->p, NULL, r->opt->command == CMD_CHECK ? 1 : 0, L"boot-ini-other-folder",
                         L"%ls: the default entry %ls starts %ls, not %ls: set default= to this "
                         L"Windows' entry in boot.ini (or pick it at the boot menu).",
                         bt->boot_ini, arc, dir[0] ? dir : L"\\", windir + 2);
    } else if (bt->numbers_known && partition != bt->actual_partition) {
        char *fixed = NULL;
        size_t n = 0;
        if (r->opt->fix_boot_ini && r->opt->command == CMD_APPLY &&
            bootini_set_partition((const char *)text, size, bt->actual_partition, &fixed, &n)) {
            /* the corrected file goes through the same journaled copy as a driver */
            wchar_t src[MAX_PATH];
            HANDLE h;
            DWORD e = r->p->n_changes < P2V_ITEMS_MAX ? ERROR_SUCCESS : ERROR_BUFFER_OVERFLOW;
            if (e == ERROR_SUCCESS && !r->bootini_dir[0] &&
                !scratch_dir_create(windir, L"bootini", r->bootini_dir, COUNTOF(r->bootini_dir)))
                e = GetLastError() ? GetLastError() : ERROR_PATH_NOT_FOUND;
            wfmt(src, COUNTOF(src), L"%ls\\boot.ini", r->bootini_dir);
            if (e == ERROR_SUCCESS)
                state_delete(r, src);   /* an earlier survey's copy */
            if (e == ERROR_SUCCESS && (e = r->b->append_open(r->b->ctx, src, TRUE, &h)) == ERROR_SUCCESS) {
                e = r->b->append(r->b->ctx, h, fixed, (DWORD)n);
                r->b->append_close(r->b->ctx, h);
            }
            if (e == ERROR_SUCCESS) {
                struct change *c = &r->p->changes[r->p->n_changes++];
                memset(c, 0, sizeof *c);
                c->kind = CHANGE_FILE;
                c->replaces = TRUE;
                wcopy(c->key, COUNTOF(c->key), bt->boot_ini);
                wcopy(c->name, COUNTOF(c->name), L"boot.ini");
                wcopy(c->src, COUNTOF(c->src), src);
            } else {
                plan_add_problem(r->p, NULL, EXIT_USAGE, L"boot-ini-partition",
                                 L"%ls: could not prepare the corrected boot.ini in %ls (error %lu). "
                                 L"Nothing was changed.", bt->boot_ini, r->bootini_dir, (unsigned long)e);
            }
            free(fixed);
        } else {
            plan_add_problem(r->p, NULL, r->opt->command == CMD_CHECK ? 1 : 0, L"boot-ini-partition",
                             L"%ls: the default entry %ls names partition %d, but %ls is on partition "
                             L"%d of that disk (a partition left out of the conversion shifts the "
                             L"numbers), so the VM cannot find its Windows. Run apply --offline %ls "
                             L"--fix-boot-ini to point it at partition %d (the old file is kept and "
                             L"rollback restores it).",
                             bt->boot_ini, arc, partition, windir, bt->actual_partition,
                             windir, bt->actual_partition);
        }
    }
    free(text);
}

/* --offline: what only an offline repair has to decide. */
static void survey_offline(struct run *r)
{
    const struct disk_info *d = &r->disk;
    const wchar_t *dism = d->dism;
    DWORD major = d->dism_major, minor = d->dism_minor;
    const struct os_info *os = &r->m->os;
    for (size_t i = 0; i < r->p->n_changes; i++) {
        const struct target *t = r->p->changes[i].target;
        if (r->p->changes[i].kind != CHANGE_STAGE)
            continue;
        if (!d->dism_found)
            plan_add_problem(r->p, t, EXIT_PAYLOAD, L"no-dism",
                             L"%ls: an offline Windows 8 or later takes driver packages through DISM, "
                             L"which was not found at %ls. Run p2vprep on a helper with Windows 8 / "
                             L"Server 2012 or later, or in a WinPE that has DISM. Nothing was changed.",
                             t ? t->name : L"package", dism);
        /* DISM services images of its own Windows version and older only */
        else if (d->dism_version_known &&
                 (major < os->major || (major == os->major && minor < os->minor)))
            plan_add_problem(r->p, t, EXIT_PAYLOAD, L"old-dism",
                             L"%ls: %ls is DISM %lu.%lu, which cannot service a Windows %lu.%lu image. "
                             L"Run p2vprep on a helper (or WinPE) of Windows %lu.%lu or later. Nothing "
                             L"was changed.", t ? t->name : L"package", dism, (unsigned long)major,
                             (unsigned long)minor, (unsigned long)os->major, (unsigned long)os->minor,
                             (unsigned long)os->major, (unsigned long)os->minor);
        break;
    }
    if (machine_gen(&r->m->os) == GEN_NT5)
        survey_boot_ini(r);
}

/* Every key a change writes or deletes, looked at level by level: one that is a registry
 * link (a converted disk's hive can hold one pointing anywhere) refuses the run before
 * anything changes. Each key is asked once; a write would be refused anyway. */
static void survey_links(struct run *r)
{
    const wchar_t *last = L"";
    for (size_t i = 0; i < r->p->n_changes; i++) {
        const struct change *c = &r->p->changes[i];
        if ((c->kind != CHANGE_VALUE && c->kind != CHANGE_DELETE_KEY) || !_wcsicmp(c->key, last))
            continue;
        last = c->key;
        DWORD e = r->b->key_plain(r->b->ctx, c->key);
        if (e == ERROR_UNTRUSTED_MOUNT_POINT)
            plan_add_problem(r->p, c->target, EXIT_USAGE, L"registry-link",
                L"HKLM\\%ls, or a key above it, is a registry link: p2vprep writes through no link, "
                L"which could lead anywhere in the registry. Nothing was changed. Look at the key "
                L"(a link has a SymbolicLinkValue) before you trust this Windows' registry.", c->key);
        else if (e != ERROR_SUCCESS)
            plan_add_problem(r->p, c->target, EXIT_USAGE, L"registry-unreadable",
                L"HKLM\\%ls could not be checked for registry links (error %lu). Nothing was "
                L"changed.", c->key, (unsigned long)e);
    }
}

/* A file or folder a run writes, looked at level by level: a link on the way is refused
 * with what it is and where it leads. TRUE when path is plain. */
static BOOL path_plain(struct run *r, const wchar_t *path, const struct target *t)
{
    wchar_t why[2 * MAX_PATH + 128];
    DWORD e = r->b->path_plain(r->b->ctx, path, why, COUNTOF(why));
    if (e == ERROR_SUCCESS)
        return TRUE;
    if (e == ERROR_UNTRUSTED_MOUNT_POINT)
        plan_add_problem(r->p, t, EXIT_USAGE, L"file-link",
            L"%ls. p2vprep writes through no link: %ls Nothing was changed. Look at it (dir /AL "
            L"lists links) and remove the link, or repair from a copy of the disk you trust.", why,
            r->disk.offline ? L"the disk came from another machine, and a link on it can lead into this "
                         L"helper." : L"a link in a system folder leads where whoever made it chose.");
    else
        plan_add_problem(r->p, t, EXIT_USAGE, L"file-unreadable",
            L"%ls (error %lu), so it could not be checked for links. Nothing was changed.", why,
            (unsigned long)e);
    return FALSE;
}

/* Every file a change writes, the state folder (journal, old copies) and, offline, the
 * boot.ini: a link on the way refuses the run before anything changes. */
static BOOL survey_paths(struct run *r)
{
    if (!path_plain(r, r->state_dir, NULL))
        return FALSE;
    if (r->disk.boot_ini[0] && !path_plain(r, r->disk.boot_ini, NULL))
        return FALSE;
    if (firstboot_needed(&r->fb)) {
        wchar_t path[MAX_PATH];
        wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_RECORD);
        if (!path_plain(r, path, NULL))
            return FALSE;
        wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_CONFIG);
        if (!path_plain(r, path, NULL))
            return FALSE;
        wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_EXE);
        if (!path_plain(r, path, NULL))
            return FALSE;
    }
    for (size_t i = 0; i < r->p->n_changes; i++) {
        const struct change *c = &r->p->changes[i];
        if (c->kind == CHANGE_FILE && !path_plain(r, c->key, c->target))
            return FALSE;   /* the first is said: a linked folder would be said for each file */
    }
    return TRUE;
}

/* The drivers in the payload folder (and an --inf package's folder) become boot-start
 * kernel code, installed as SYSTEM: whoever may write there chooses them. apply refuses such
 * a folder (exit 3) unless --allow-open-payload says the admin knows; check and plan say
 * what apply would do. A share's folder rights are often broader than its share rights,
 * which p2vprep cannot see: the option is for that case. */
static void survey_open_payload(struct run *r)
{
    wchar_t who[192], inf_dir[MAX_PATH];
    const wchar_t *folders[2] = { NULL, NULL };
    if (r->payload_dir[0] && wcscmp(r->payload_dir, r->embedded_dir))
        folders[0] = r->payload_dir;
    if (r->opt->inf && wcopy(inf_dir, COUNTOF(inf_dir), r->opt->inf)) {
        wchar_t *slash = wcsrchr(inf_dir, L'\\');
        if (slash && slash > inf_dir)
            *slash = 0;
        folders[1] = slash ? inf_dir : NULL;
    }
    for (int i = 0; i < 2; i++) {
        if (!folders[i] || !secure_dir_writers(folders[i], who, COUNTOF(who)))
            continue;
        if (r->opt->allow_open_payload)
            plan_add_problem(r->p, NULL, 0, L"open-payload",
                L"the %ls folder %ls can be written by %ls, not only by Administrators and SYSTEM; "
                L"used because of --allow-open-payload. Whoever can write there chooses the drivers "
                L"p2vprep makes boot-start as SYSTEM.", i ? L"--inf" : L"payload", folders[i], who);
        else
            plan_add_problem(r->p, NULL, EXIT_PAYLOAD, L"open-payload",
                L"the %ls folder %ls can be written by %ls, not only by Administrators and SYSTEM: "
                L"whoever can write there chooses the drivers p2vprep makes boot-start as SYSTEM, so "
                L"apply does not take them from it. Make the folder admin-only (icacls \"%ls\" "
                L"/inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F), copy the "
                L"drivers to such a folder, or, for a share whose folder rights are broader than its "
                L"share rights, run with --allow-open-payload.", i ? L"--inf" : L"payload", folders[i],
                who, folders[i]);
    }
}

/* --keep-network: the exe the first-boot service runs on this Windows: this one, or for a
 * 32-bit Windows, when this is the 64-bit exe, p2vprep-x86.exe beside it. */
static BOOL firstboot_source(struct run *r)
{
    wchar_t own[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, own, COUNTOF(own));
    if (!n || n >= COUNTOF(own))
        return FALSE;
    BOOL own_is_x64 = wcscmp(P2V_ARCH_STR, L"x64") == 0;
    if (r->m->os.arch == ARCH_X64 || !own_is_x64) {
        wcopy(r->firstboot_exe, COUNTOF(r->firstboot_exe), own);
        return TRUE;
    }
    wchar_t *slash = wcsrchr(own, L'\\');
    if (slash)
        slash[1] = 0;
    wfmt(r->firstboot_exe, COUNTOF(r->firstboot_exe), L"%lsp2vprep-x86.exe", own);
    return GetFileAttributesW(r->firstboot_exe) != INVALID_FILE_ATTRIBUTES;
}

/* The adapters' settings: what check says of them, and what --keep-network needs. */
static void survey_network(struct run *r)
{
    struct net_probe *np = r->net;
    const struct policy *pol = &r->opt->policy;
    if (!np)
        return;
    BOOL pass = firstboot_needed(&r->fb);
    if (!np->capture_complete) {
        plan_add_problem(r->p, NULL, pass ? EXIT_USAGE : 0, L"network-capture-incomplete",
            L"%ls has more network adapters or settings than p2vprep records (%d adapters, %d values)%ls",
            np->set, NET_ADAPTERS_MAX, NETPROBE_VALUES_MAX,
            pass ? L"; the first-boot pass tells the VM from the source by them, and records all or "
                   L"none. Nothing was changed." : L".");
        return;
    }
    const struct net_capture *c = np->capture;
    for (int i = 0; i < c->n_adapters; i++) {
        const struct net_adapter *a = &c->adapters[i];
        wchar_t mac[32], gw[64] = L"";
        if (!a->is_static)
            continue;
        net_mac_text(a->mac, a->mac_len, mac, COUNTOF(mac));
        if (a->n_gw)
            wfmt(gw, COUNTOF(gw), L", gateway %ls", a->gw[0]);
        if (pol->keep_network)
            plan_add_problem(r->p, NULL, 0, L"network-kept",
                L"keep-network: adapter \"%ls\" (%ls, %ls%ls): static %ls/%ls%ls is recorded; the "
                L"first-boot pass moves it to the VM's new adapter.", a->name, a->guid,
                a->mac_len ? L"MAC " : L"MAC unknown", mac, a->ip[0], a->mask[0], gw);
        else
            plan_add_problem(r->p, NULL, 0, L"static-network",
                L"adapter \"%ls\" (%ls%ls%ls) has the static address %ls/%ls%ls: the VM's new adapter "
                L"will start with DHCP and this address stays on a hidden adapter. Run apply with "
                L"--keep-network to move it at the VM's first boot.", a->name, a->guid,
                a->mac_len ? L", MAC " : L"", mac, a->ip[0], a->mask[0], gw);
    }
    /* a --nic-map entry must name an adapter of this machine */
    for (int k = 0; k < r->opt->n_nic_maps; k++) {
        const struct net_map *mp = &r->opt->nic_maps[k];
        BOOL found = FALSE;
        for (int i = 0; i < c->n_adapters && !found; i++) {
            const struct net_adapter *a = &c->adapters[i];
            found = mp->old_guid[0] ? !_wcsicmp(mp->old_guid, a->guid)
                                    : a->mac_len == mp->old_mac_len && !memcmp(a->mac, mp->old_mac, a->mac_len);
        }
        if (!found) {
            wchar_t mac[32];
            plan_add_problem(r->p, NULL, EXIT_USAGE, L"nic-map-unknown",
                L"--nic-map: %ls is no network adapter of this machine (see the adapters check lists). "
                L"Nothing was changed.", mp->old_guid[0] ? mp->old_guid
                                                         : net_mac_text(mp->old_mac, mp->old_mac_len, mac, COUNTOF(mac)));
        }
    }
    for (int i = 0; i < r->fb.n_uninstall; i++)
        plan_add_problem(r->p, NULL, 0, L"uninstall-staged",
            L"retire %ls: the Windows Installer package %ls is removed by the first-boot pass on the "
            L"VM (msiexec /x, once, its result in firstboot.json).", r->fb.uninstall_platform[i],
            r->fb.uninstall[i]);
    if (pass && r->opt->command != CMD_ROLLBACK && !firstboot_source(r))
        plan_add_problem(r->p, NULL, EXIT_PAYLOAD, L"firstboot-exe-missing",
            L"the first-boot pass: this 64-bit p2vprep cannot run on the 32-bit Windows it prepares, and "
            L"%ls is not there to run its first-boot pass. Put p2vprep-x86.exe beside this exe. "
            L"Nothing was changed.", r->firstboot_exe);
}

/* Reads the machine and decides. Returns ERROR_SUCCESS or the read error. */
static DWORD survey(struct run *r)
{
    struct requirements *req = requirements_new();
    if (!req)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD e = probe_control_sets(r->b, r->m);
    if (e == ERROR_SUCCESS)
        e = probe_retire(r->b, r->m, &r->opt->policy);
    if (e == ERROR_SUCCESS && (r->opt->policy.keep_network || r->opt->policy.n_retire ||
                               r->opt->command == CMD_CHECK)) {
        if (!(r->net = calloc(1, sizeof *r->net)))
            e = ERROR_NOT_ENOUGH_MEMORY;
        else if ((e = net_probe_read(r->b, r->m, r->net)) == ERROR_SUCCESS)
            net_probe_capture(r->net);
    }
    if (e == ERROR_SUCCESS) {
        req->policy = r->opt->policy;
        plan_requirements(r->m, r->opt->targets, r->opt->n_targets, req);
        e = probe_values(r->b, r->m, req);
        /* the registry read, inbox services' files are named by their own ImagePath */
        if (e == ERROR_SUCCESS) {
            plan_requirements(r->m, r->opt->targets, r->opt->n_targets, req);
            e = probe_files(r->b, r->m, req, r->payload_dir);
        }
    }
    requirements_free(req);
    if (e == ERROR_SUCCESS) {
        r->p->policy = r->opt->policy;
        plan_make(r->m, r->opt->targets, r->opt->n_targets, r->p);
        firstboot_cfg_of(r->m, &r->opt->policy, &r->fb);
        survey_network(r);
        survey_links(r);
        if (r->opt->command != CMD_ROLLBACK)
            survey_open_payload(r);
        /* the boot.ini survey makes a scratch folder in the state folder: only a plain one */
        if (survey_paths(r) && r->disk.offline)
            survey_offline(r);
    }
    return e;
}

/* RegFlushKey on every control set: the changes are on disk before p2vprep says so.
 * Returns the first error. */
static DWORD flush_sets(struct run *r)
{
    DWORD first = ERROR_SUCCESS;
    for (int s = 0; s < r->m->n_sets; s++) {
        wchar_t root[64];
        wfmt(root, COUNTOF(root), L"SYSTEM\\%ls", r->m->sets[s]);
        DWORD e = r->b->flush_key(r->b->ctx, root);
        if (e != ERROR_SUCCESS && first == ERROR_SUCCESS) {
            fail(root, e);
            first = e;
        }
    }
    return first;
}

/* ---- undo: shared by a failed apply and by rollback ---- */

/* The oemNN.inf a J_STAGED record names now holds another INF than the one staged: that
 * package was removed since and Windows gave its name to another one. Older journals
 * carry no digest: their oemNN.inf is taken as still theirs. */
static BOOL staged_replaced(struct run *r, const struct jentry *e)
{
    wchar_t path[MAX_PATH], now[SHA256_HEX_LEN + 1];
    BYTE *data;
    DWORD n;
    if (!e->hash[0])
        return FALSE;
    wfmt(path, COUNTOF(path), L"%ls\\inf\\%ls", r->m->os.systemroot, e->name);
    if (r->b->read_file(r->b->ctx, path, &data, &n) != ERROR_SUCCESS)
        return FALSE;   /* gone (nothing to do) or unreadable (removal reports why) */
    sha256_hex(data, n, now);
    free(data);
    return wcscmp(now, e->hash) != 0;
}

static DWORD undo_entry(struct run *r, const struct jentry *e)
{
    const struct backend *b = r->b;
    DWORD err;
    switch (e->kind) {
    case J_VALUE:
        if (e->old.present)
            return b->set_value(b->ctx, e->key, e->name, &e->old);
        err = b->delete_value(b->ctx, e->key, e->name);
        return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
    case J_KEY:
        err = b->delete_key(b->ctx, e->key);
        if (err != ERROR_SUCCESS && err != ERROR_FILE_NOT_FOUND) {
            /* once the driver has run, the kernel adds a volatile Enum subkey to its
             * service key; it is not ours to keep */
            wchar_t sub[P2V_KEY_MAX];
            wfmt(sub, COUNTOF(sub), L"%ls\\Enum", e->key);
            if (b->delete_key(b->ctx, sub) == ERROR_SUCCESS)
                err = b->delete_key(b->ctx, e->key);
        }
        return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
    case J_FILE:
        if (e->backup[0]) {
            BYTE *data;
            DWORD size;
            err = b->read_file(b->ctx, e->backup, &data, &size);
            if (err != ERROR_SUCCESS)
                return err;
            err = b->write_file(b->ctx, e->key, data, size);
            free(data);
            return err;
        }
        err = b->delete_file(b->ctx, e->key);
        return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
    case J_KEY_DELETED:
        return b->create_key(b->ctx, e->key);
    case J_STAGED:
        if (!e->name[0])
            return ERROR_SUCCESS;   /* it was in the driver store before */
        if (staged_replaced(r, e)) {
            out_info(L"  keep    driver package %ls: it is no longer the package staged from %ls "
                     L"(Windows reuses these names), so it is not removed", e->name, e->key);
            return ERROR_SUCCESS;
        }
        err = b->unstage_inf(b->ctx, e->name);
        return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
    case J_STAGING:
        break;   /* a note; the J_STAGED after it is what undoes */
    }
    return ERROR_SUCCESS;
}

static void describe_entry(const struct jentry *e, wchar_t *buf, size_t cch)
{
    wchar_t v[300];
    switch (e->kind) {
    case J_KEY:
        wfmt(buf, cch, L"delete  key HKLM\\%ls", e->key);
        break;
    case J_VALUE:
        regval_describe(&e->old, v, COUNTOF(v));
        if (e->old.present)
            wfmt(buf, cch, L"restore HKLM\\%ls\\%ls = %ls", e->key, e->name, v);
        else
            wfmt(buf, cch, L"delete  HKLM\\%ls\\%ls", e->key, e->name);
        break;
    case J_FILE:
        if (e->backup[0])
            wfmt(buf, cch, L"restore file %ls <- %ls", e->key, e->backup);
        else
            wfmt(buf, cch, L"delete  file %ls", e->key);
        break;
    case J_KEY_DELETED:
        wfmt(buf, cch, L"create  key HKLM\\%ls", e->key);
        break;
    case J_STAGED:
        if (e->name[0])
            wfmt(buf, cch, L"remove  driver package %ls (staged from %ls)", e->name, e->key);
        else
            wfmt(buf, cch, L"(driver package %ls was in the driver store before)", e->key);
        break;
    case J_STAGING:
        wfmt(buf, cch, L"(staging of %ls began here)", e->key);
        break;
    }
}

/* Is the entry's "before" state what the machine holds now? */
static BOOL entry_restored(struct run *r, const struct jentry *e)
{
    const struct backend *b = r->b;
    switch (e->kind) {
    case J_KEY:
        return b->key_exists(b->ctx, e->key) == ERROR_FILE_NOT_FOUND;
    case J_KEY_DELETED:
        return b->key_exists(b->ctx, e->key) == ERROR_SUCCESS;
    case J_STAGED: {
        if (!e->name[0] || staged_replaced(r, e))
            return TRUE;
        wchar_t path[MAX_PATH];
        BYTE *data = NULL;
        DWORD n;
        wfmt(path, COUNTOF(path), L"%ls\\inf\\%ls", r->m->os.systemroot, e->name);
        DWORD e1 = b->read_file(b->ctx, path, &data, &n);
        free(data);
        return e1 == ERROR_FILE_NOT_FOUND;
    }
    case J_STAGING:
        return TRUE;
    case J_VALUE: {
        struct regval now;
        if (b->read_value(b->ctx, e->key, e->name, &now) != ERROR_SUCCESS)
            return FALSE;
        if (now.present != e->old.present)
            return FALSE;
        return !now.present || (now.type == e->old.type && now.size == e->old.size &&
                                memcmp(now.data, e->old.data, now.size) == 0);
    }
    case J_FILE: {
        BYTE *now = NULL, *old = NULL;
        DWORD nn = 0, no = 0;
        DWORD e1 = b->read_file(b->ctx, e->key, &now, &nn);
        BOOL ok;
        if (!e->backup[0]) {
            ok = e1 == ERROR_FILE_NOT_FOUND;
        } else {
            DWORD e2 = b->read_file(b->ctx, e->backup, &old, &no);
            ok = e1 == ERROR_SUCCESS && e2 == ERROR_SUCCESS && nn == no && memcmp(now, old, nn) == 0;
        }
        free(now);
        free(old);
        return ok;
    }
    }
    return TRUE;
}

/* Undoes entries in reverse order, then checks each. Returns how many are not restored. */
/* A staging cut short after Windows took the package but before the journal named it
 * leaves "staging" with no "staged" after it. The plan stages only a package Windows does
 * not have, so an INF of identical bytes in the INF folder now is the one p2vprep staged. */
static DWORD undo_interrupted_staging(struct run *r, const struct jentry *intent)
{
    const struct backend *b = r->b;
    wchar_t name[64];
    DWORD e = b->find_staged(b->ctx, r->m->os.systemroot, intent->key, name, COUNTOF(name));
    if (e == ERROR_NOT_FOUND)
        return ERROR_SUCCESS;   /* Windows never took it */
    if (e != ERROR_SUCCESS) {
        out_error(L"warning: %ls, whose staging was interrupted, cannot be read: check Windows' "
                  L"driver store for it by hand (pnputil -e).", intent->key);
        return ERROR_SUCCESS;
    }
    e = b->unstage_inf(b->ctx, name);
    out_info(L"  remove  driver package %ls (an interrupted staging of %ls left it)", name, intent->key);
    return e;
}


int engine_undo(struct run *r, const struct jentry *entries, size_t n)
{
    int failed = 0;
    for (size_t i = n; i-- > 0;) {
        wchar_t line[1024];
        describe_entry(&entries[i], line, COUNTOF(line));
        if (entries[i].kind == J_STAGING &&
            !(i + 1 < n && entries[i + 1].kind == J_STAGED && !_wcsicmp(entries[i + 1].key, entries[i].key))) {
            DWORD e = undo_interrupted_staging(r, &entries[i]);
            if (e != ERROR_SUCCESS) {
                fail(line, e);
                failed++;
            }
            continue;
        }
        DWORD e = undo_entry(r, &entries[i]);
        if (e != ERROR_SUCCESS) {
            fail(line, e);
            failed++;
        } else {
            out_info(L"  %ls", line);
        }
    }
    flush_sets(r);   /* an error is printed; each record is checked just below */
    if (failed == 0)
        for (size_t i = 0; i < n; i++)
            if (!entry_restored(r, &entries[i])) {
                wchar_t line[1024];
                describe_entry(&entries[i], line, COUNTOF(line));
                out_error(L"error: not restored after undo: %ls", line);
                failed++;
            }
    return failed;
}

/* ---- apply ---- */

struct applying {
    struct journal j;
    struct jentry *entries;
    size_t n;
    const wchar_t *last_key;   /* the key of the previous value change: known to exist */
};

static DWORD record(struct run *r, struct applying *a, const struct jentry *e)
{
    if (a->n >= JENTRIES_MAX)
        return ERROR_NOT_ENOUGH_MEMORY;
    DWORD err = journal_add(&a->j, e);
    if (err == ERROR_SUCCESS)
        a->entries[a->n++] = *e;
    else
        fail(L"writing the journal", err);
    return err;
}

/* Creates the missing keys on the path to key, each recorded first, top-down, below
 * SYSTEM\ControlSetNNN (which exists). */
static DWORD ensure_key(struct run *r, struct applying *a, const wchar_t *key)
{
    const struct backend *b = r->b;
    /* changes come grouped by key: one look per key, not per value */
    if (a->last_key && _wcsicmp(a->last_key, key) == 0)
        return ERROR_SUCCESS;
    /* there (or there but not to be looked at, access denied): nothing to create */
    if (b->key_exists(b->ctx, key) != ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    const wchar_t *set_end = wcschr(key, L'\\');
    set_end = set_end ? wcschr(set_end + 1, L'\\') : NULL;   /* end of SYSTEM\ControlSetNNN */
    if (!set_end)
        return ERROR_SUCCESS;
    /* The shortest missing level, looked for upward from the key's parent: a new key's
     * parent is there nearly always, so one look rather than one per level from the top.
     * A level that is there (or not to be looked at) has every level above it. */
    size_t n = wcslen(key), base = (size_t)(set_end - key), first = n;
    for (size_t end = n;;) {
        size_t up = end - 1;
        while (up > base && key[up] != L'\\')
            up--;
        if (up <= base)
            break;   /* the control set's own key */
        wchar_t level[P2V_KEY_MAX];
        if (up >= COUNTOF(level))
            return ERROR_BUFFER_OVERFLOW;
        memcpy(level, key, up * sizeof(wchar_t));
        level[up] = 0;
        if (b->key_exists(b->ctx, level) != ERROR_FILE_NOT_FOUND)
            break;
        first = end = up;
    }
    for (size_t end = first;;) {
        struct jentry e = { .kind = J_KEY };
        if (end >= COUNTOF(e.key))
            return ERROR_BUFFER_OVERFLOW;
        memcpy(e.key, key, end * sizeof(wchar_t));
        e.key[end] = 0;
        DWORD err = record(r, a, &e);
        if (err != ERROR_SUCCESS)
            return err;
        err = b->create_key(b->ctx, e.key);
        if (err != ERROR_SUCCESS) {
            wchar_t what[P2V_KEY_MAX + 32];
            fail(wfmt(what, COUNTOF(what), L"creating HKLM\\%ls", e.key), err);
            return err;
        }
        if (end == n)
            return ERROR_SUCCESS;
        for (end++; end < n && key[end] != L'\\'; end++)
            ;
    }
}

static DWORD apply_value(struct run *r, struct applying *a, const struct change *c)
{
    const struct backend *b = r->b;
    wchar_t what[P2V_KEY_MAX + P2V_NAME_MAX + 32];
    wfmt(what, COUNTOF(what), L"HKLM\\%ls\\%ls", c->key, c->name);
    DWORD err = ensure_key(r, a, c->key);
    if (err != ERROR_SUCCESS)
        return err;
    /* The journal keeps what is there at this moment, not what the plan saw. */
    struct jentry e = { .kind = J_VALUE };
    wcopy(e.key, COUNTOF(e.key), c->key);
    wcopy(e.name, COUNTOF(e.name), c->name);
    err = b->read_value(b->ctx, c->key, c->name, &e.old);
    if (err == ERROR_SUCCESS && e.old.truncated)
        err = ERROR_INVALID_DATA;   /* too large to record exactly: leave it alone */
    if (err != ERROR_SUCCESS) {
        fail(what, err);
        return err;
    }
    if ((err = record(r, a, &e)) != ERROR_SUCCESS)
        return err;
    err = b->set_value(b->ctx, c->key, c->name, &c->new);
    if (err != ERROR_SUCCESS)
        fail(what, err);
    else
        a->last_key = c->key;
    return err;
}

static DWORD apply_file(struct run *r, struct applying *a, const struct change *c)
{
    const struct backend *b = r->b;
    BYTE *old = NULL, *src = NULL, *back = NULL;
    DWORD n_old = 0, n_src = 0, n_back = 0;
    struct jentry e = { .kind = J_FILE };
    wcopy(e.key, COUNTOF(e.key), c->key);

    DWORD err = b->read_file(b->ctx, c->key, &old, &n_old);
    if (err == ERROR_SUCCESS)
        err = journal_keep_copy(&a->j, c->name, old, n_old, e.backup, COUNTOF(e.backup));
    else if (err == ERROR_FILE_NOT_FOUND)
        err = ERROR_SUCCESS;
    if (err == ERROR_SUCCESS)
        err = record(r, a, &e);
    if (err == ERROR_SUCCESS)
        err = c->from_cab ? b->read_cab_file(b->ctx, c->src, c->name, &src, &n_src)
                          : b->read_file(b->ctx, c->src, &src, &n_src);
    if (err == ERROR_SUCCESS) {
        err = b->write_file(b->ctx, c->key, src, n_src);
    }
    /* Read back what landed: a driver that is not exactly the payload is not installed. */
    if (err == ERROR_SUCCESS && (err = b->read_file(b->ctx, c->key, &back, &n_back)) == ERROR_SUCCESS &&
        (n_back != n_src || memcmp(back, src, n_src) != 0))
        err = ERROR_INVALID_DATA;
    if (err != ERROR_SUCCESS)
        fail(c->key, err);
    free(old);
    free(src);
    free(back);
    return err;
}

/* Deletes a StartOverride key: each value recorded and deleted, then the key itself. */
static DWORD apply_delete_key(struct run *r, struct applying *a, const struct change *c)
{
    const struct backend *b = r->b;
    wchar_t what[P2V_KEY_MAX + 16];
    DWORD err;
    a->last_key = NULL;
    wfmt(what, COUNTOF(what), L"HKLM\\%ls", c->key);
    for (;;) {
        struct jentry e = { .kind = J_VALUE };
        wcopy(e.key, COUNTOF(e.key), c->key);
        err = b->enum_value(b->ctx, c->key, 0, e.name, COUNTOF(e.name), &e.old);
        if (err == ERROR_NO_MORE_ITEMS)
            break;
        if (err == ERROR_SUCCESS && e.old.truncated)
            err = ERROR_INVALID_DATA;
        if (err == ERROR_SUCCESS)
            err = record(r, a, &e);
        if (err == ERROR_SUCCESS) {
            err = b->delete_value(b->ctx, c->key, e.name);
        }
        if (err != ERROR_SUCCESS) {
            fail(what, err);
            return err;
        }
    }
    struct jentry k = { .kind = J_KEY_DELETED };
    wcopy(k.key, COUNTOF(k.key), c->key);
    if ((err = record(r, a, &k)) != ERROR_SUCCESS)
        return err;
    err = b->delete_key(b->ctx, c->key);
    if (err != ERROR_SUCCESS)
        fail(what, err);
    return err;
}

/* Stages a driver package. Its oemNN.inf name is known only afterwards: an intent record
 * goes first, the undoable one right after the call. */
static DWORD apply_stage(struct run *r, struct applying *a, const struct change *c)
{
    struct jentry intent = { .kind = J_STAGING }, e = { .kind = J_STAGED };
    wcopy(intent.key, COUNTOF(intent.key), c->src);
    wcopy(e.key, COUNTOF(e.key), c->src);
    BYTE *inf;
    DWORD inf_size;
    /* Windows keeps the INF's bytes as oemNN.inf: its digest tells rollback whether that
     * name still holds this package */
    if (r->b->read_file(r->b->ctx, c->src, &inf, &inf_size) == ERROR_SUCCESS) {
        sha256_hex(inf, inf_size, e.hash);
        free(inf);
    }
    DWORD err = record(r, a, &intent);
    if (err != ERROR_SUCCESS)
        return err;
    err = r->b->stage_inf(r->b->ctx, c->src, e.name, COUNTOF(e.name));
    if (err == ERROR_FILE_EXISTS) {
        /* Windows has this very INF already: not ours to remove. Said in the journal, so
         * that the intent above is not taken for an interrupted staging. */
        e.name[0] = 0;
        if (a->n < JENTRIES_MAX)
            a->entries[a->n++] = e;
        err = journal_add(&a->j, &e);
        if (err != ERROR_SUCCESS)
            fail(L"writing the journal", err);
        return err;
    }
    if (err != ERROR_SUCCESS && !e.name[0]) {
        fail(c->src, err);
        return err;
    }
    /* In the undo list even if the journal cannot take it, and even when staging failed
     * after the package landed (a backend names it then): it must still be removed. */
    if (a->n < JENTRIES_MAX)
        a->entries[a->n++] = e;
    DWORD jerr = journal_add(&a->j, &e);
    if (jerr != ERROR_SUCCESS)
        fail(L"writing the journal", jerr);
    if (err != ERROR_SUCCESS)
        fail(c->src, err);
    return err != ERROR_SUCCESS ? err : jerr;
}

/* ---- --keep-network: what the first-boot pass finds in the state folder ---- */

/* The record of the adapters (net_record_format, UTF-8) and a copy of p2vprep, both in the
 * state folder, which only administrators and SYSTEM may write: the pass trusts nothing
 * else. Written through the backend before the service is registered. */
/* A file of the state folder, written only when it does not hold data already: a rerun
 * writes nothing, and one after the adapters changed brings the record up to date. */
static DWORD write_if_changed(struct run *r, const wchar_t *path, const BYTE *data, DWORD size)
{
    BYTE *now;
    DWORD now_size;
    if (r->b->read_file(r->b->ctx, path, &now, &now_size) == ERROR_SUCCESS) {
        BOOL same = now_size == size && !memcmp(now, data, size);
        free(now);
        if (same)
            return ERROR_SUCCESS;
    }
    return r->b->write_file(r->b->ctx, path, data, size);
}

static DWORD write_firstboot_files(struct run *r)
{
    struct net_record *rec = calloc(1, sizeof *rec);
    struct wbuf text = { 0 };
    wchar_t path[MAX_PATH];
    DWORD e = ERROR_NOT_ENOUGH_MEMORY;
    if (rec) {
        net_record_from_capture(r->net->capture, r->opt->nic_maps, r->opt->n_nic_maps, rec);
        net_record_format(rec, &text);
    }
    int len = 0;
    char *utf8 = text.ok ? utf8_from_wide(text.s, &len) : NULL;
    if (utf8) {
        wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_RECORD);
        e = write_if_changed(r, path, (const BYTE *)utf8, (DWORD)len);
        if (e != ERROR_SUCCESS)
            fail(path, e);
    }
    free(utf8);
    wbuf_free(&text);
    free(rec);
    if (e != ERROR_SUCCESS)
        return e;
    struct wbuf cfg = { 0 };
    firstboot_cfg_format(&r->fb, &cfg);
    utf8 = cfg.ok ? utf8_from_wide(cfg.s, &len) : NULL;
    wbuf_free(&cfg);
    wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_CONFIG);
    e = utf8 ? write_if_changed(r, path, (const BYTE *)utf8, (DWORD)len) : ERROR_NOT_ENOUGH_MEMORY;
    free(utf8);
    if (e != ERROR_SUCCESS) {
        fail(path, e);
        return e;
    }
    BYTE *exe;
    DWORD size;
    /* the exe is read as the helper's own file: it is this program, not the disk's */
    struct backend plain;
    backend_win32_init(&plain, r->m->os.wow64);
    if ((e = plain.read_file(plain.ctx, r->firstboot_exe, &exe, &size)) != ERROR_SUCCESS) {
        fail(r->firstboot_exe, e);
        return e;
    }
    wfmt(path, COUNTOF(path), L"%ls\\%ls", r->state_dir, FIRSTBOOT_EXE);
    e = write_if_changed(r, path, exe, size);
    free(exe);
    if (e != ERROR_SUCCESS)
        fail(path, e);
    else
        out_info(L"  first boot: the adapters' record, the configuration and the pass (%ls) are in %ls",
                 FIRSTBOOT_EXE, r->state_dir);
    return e;
}

/* ---- the detection marker (marker.h) ---- */

void engine_utc_now(wchar_t *out, size_t cch)
{
    SYSTEMTIME t;
    GetSystemTime(&t);
    wfmt(out, cch, L"%04u-%02u-%02uT%02u:%02u:%02uZ", t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
}

static size_t marker_of(const struct run *r, const wchar_t *result, const wchar_t *journal, int exit_code,
                        wchar_t *targets, size_t cch, wchar_t *now, size_t now_cch,
                        const wchar_t **names, struct regval *values)
{
    targets[0] = 0;
    for (size_t i = 0; r->opt->command == CMD_APPLY && i < r->opt->n_targets; i++)
        wfmt(targets + wcslen(targets), cch - wcslen(targets), L"%ls%ls", i ? L"," : L"",
             r->opt->targets[i]->name);
    engine_utc_now(now, now_cch);
    struct marker mk = { P2V_VERSION_STR, command_name(r->opt->command), targets, result, now, journal, exit_code };
    return marker_values(&mk, names, values, MARKER_VALUES_MAX);
}

/* apply: the marker written like any change, journaled, so that rolling this apply back
 * puts back what was there (or removes it). Its records go in one flushed write before its
 * values are set: one flush, not nine. */
static DWORD apply_marker(struct run *r, struct applying *a)
{
    const wchar_t *names[MARKER_VALUES_MAX];
    struct regval values[MARKER_VALUES_MAX];
    struct jentry e[MARKER_VALUES_MAX + 1];
    wchar_t targets[256], now[32];
    if (r->disk.offline)
        return ERROR_SUCCESS;   /* the offline SOFTWARE hive is not loaded */
    size_t n = marker_of(r, L"applied", r->journal, EXIT_OK, targets, COUNTOF(targets), now, COUNTOF(now),
                         names, values);
    const struct backend *b = r->b;
    DWORD err = b->key_plain(b->ctx, MARKER_KEY);
    if (err != ERROR_SUCCESS) {
        fail(L"HKLM\\" MARKER_KEY, err);
        return err;
    }
    BOOL create = b->key_exists(b->ctx, MARKER_KEY) == ERROR_FILE_NOT_FOUND;
    size_t k = 0;
    memset(e, 0, sizeof e);
    if (create) {
        e[k].kind = J_KEY;
        wcopy(e[k++].key, COUNTOF(e[0].key), MARKER_KEY);
    }
    for (size_t i = 0; i < n; i++, k++) {
        e[k].kind = J_VALUE;
        wcopy(e[k].key, COUNTOF(e[k].key), MARKER_KEY);
        wcopy(e[k].name, COUNTOF(e[k].name), names[i]);
        if (!create && (err = b->read_value(b->ctx, MARKER_KEY, names[i], &e[k].old)) == ERROR_SUCCESS &&
            e[k].old.truncated)
            err = ERROR_INVALID_DATA;   /* too large to record exactly: leave it alone */
        if (err != ERROR_SUCCESS) {
            fail(L"HKLM\\" MARKER_KEY, err);
            return err;
        }
    }
    if (a->n + k > JENTRIES_MAX)
        return ERROR_NOT_ENOUGH_MEMORY;
    if ((err = journal_add_all(&a->j, e, k)) != ERROR_SUCCESS) {
        fail(L"writing the journal", err);
        return err;
    }
    memcpy(&a->entries[a->n], e, k * sizeof e[0]);
    a->n += k;
    if (create && (err = b->create_key(b->ctx, MARKER_KEY)) != ERROR_SUCCESS) {
        fail(L"creating HKLM\\" MARKER_KEY, err);
        return err;
    }
    for (size_t i = 0; i < n && err == ERROR_SUCCESS; i++)
        if ((err = b->set_value(b->ctx, MARKER_KEY, names[i], &values[i])) != ERROR_SUCCESS)
            fail(L"HKLM\\" MARKER_KEY, err);
    a->last_key = NULL;
    return err;
}

/* rollback: the marker says what rollback did and which journal is still in place. Not
 * journaled: it describes the undo itself. */
static void rollback_marker(struct run *r, int left)
{
    const wchar_t *names[MARKER_VALUES_MAX];
    struct regval values[MARKER_VALUES_MAX];
    wchar_t targets[8], now[32], still[MAX_PATH] = L"";
    if (r->disk.offline)
        return;
    if (left)
        wcopy(still, COUNTOF(still), r->journal);
    else if (journal_find_last(r->b, r->state_dir, still, COUNTOF(still)) != ERROR_SUCCESS)
        still[0] = 0;   /* no earlier apply left in place */
    size_t n = marker_of(r, left ? L"rollback-incomplete" : L"rolled-back", still,
                         left ? EXIT_ROLLBACK_INCOMPLETE : EXIT_OK, targets, COUNTOF(targets), now, COUNTOF(now),
                         names, values);
    const struct backend *b = r->b;
    DWORD e = b->key_plain(b->ctx, MARKER_KEY);
    if (e == ERROR_SUCCESS)
        e = b->create_key(b->ctx, MARKER_KEY);
    for (size_t i = 0; i < n && e == ERROR_SUCCESS; i++)
        e = b->set_value(b->ctx, MARKER_KEY, names[i], &values[i]);
    if (e != ERROR_SUCCESS)
        out_error(L"warning: the detection marker HKLM\\%ls could not be written (error %lu); the "
                  L"rollback itself is done.", MARKER_KEY, (unsigned long)e);
}

static int cmd_apply(struct run *r)
{
    struct plan *p = r->p;
    show_problems(p);   /* the blocking ones, or warnings the admin accepted */
    if (p->blocking_exit)
        return p->blocking_exit;
    if (wow64_hand_off_plan(r->m->os.wow64, p))
        return EXIT_HANDOFF;   /* before any change */
    if (p->n_changes == 0) {
        /* registered already: the record follows the adapters as they are now */
        if (firstboot_needed(&r->fb) && r->net && r->net->capture_complete &&
            write_firstboot_files(r) != ERROR_SUCCESS)
            return EXIT_ROLLED_BACK;
        out_info(L"Nothing to do: every control set already holds every entry.");
        return EXIT_OK;
    }

    /* a run cut short (power loss, a kill) left its journal without an end: this apply
     * completes the job, and rollback undoes this one first, then that one */
    wchar_t last[MAX_PATH], last_status[32];
    struct jentry *last_entries;
    size_t last_n;
    if (journal_find_last(r->b, r->state_dir, last, COUNTOF(last)) == ERROR_SUCCESS &&
        journal_load(r->b, last, &last_entries, &last_n, last_status, COUNTOF(last_status)) == ERROR_SUCCESS) {
        free(last_entries);
        if (!wcscmp(last_status, L"incomplete"))
            out_info(L"An earlier apply did not finish (%ls, %u record(s)); this apply completes it. "
                     L"rollback undoes this apply first, then that one.", last, (unsigned)last_n);
    }

    /* Power Users may write %SystemRoot% on 2000/XP/2003: a state folder someone else made
     * or opened up would let them edit the journal that rollback trusts */
    if (secure_dir_tighten(r->state_dir))
        out_info(L"The state folder %ls let others than Administrators and SYSTEM write into it; "
                 L"it is now Administrators and SYSTEM only.", r->state_dir);

    struct applying a = { 0 };
    a.entries = calloc(JENTRIES_MAX, sizeof *a.entries);
    if (!a.entries)
        return EXIT_ROLLED_BACK;
    wchar_t header[512];
    wfmt(header, COUNTOF(header), L"%ls\tapply", r->m->os.computer);
    DWORD err = journal_begin(&a.j, r->b, r->state_dir, r->m->os.systemroot, header);
    /* recorded as %BootIni%: its drive letter belongs to this helper */
    wcopy(a.j.boot_ini, COUNTOF(a.j.boot_ini), r->disk.boot_ini);
    if (err != ERROR_SUCCESS) {
        journal_close(&a.j);
        if (a.j.path[0])   /* a journal of nothing must not stand for an apply */
            state_delete(r, a.j.path);
        free(a.entries);
        fail(L"creating the journal in the state folder", err);
        out_error(L"Nothing was changed (state folder %ls).", r->state_dir);
        return err == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_ROLLED_BACK;
    }
    wcopy(r->journal, COUNTOF(r->journal), a.j.path);
    if (firstboot_needed(&r->fb) && r->net && r->net->capture_complete)
        err = write_firstboot_files(r);

    size_t done = 0;
    for (; done < p->n_changes && err == ERROR_SUCCESS; done++) {
        const struct change *c = &p->changes[done];
        if (stop_requested) {
            out_error(L"Stopped (Ctrl+C or the console closed).");
            err = ERROR_CANCELLED;
            break;
        }
        wchar_t line[1024];
        change_describe(c, line, COUNTOF(line));
        out_info(L"  %ls", line);
        switch (c->kind) {
        case CHANGE_FILE: err = apply_file(r, &a, c); break;
        case CHANGE_VALUE: err = apply_value(r, &a, c); break;
        case CHANGE_DELETE_KEY: err = apply_delete_key(r, &a, c); break;
        case CHANGE_STAGE: err = apply_stage(r, &a, c); break;
        }
    }
    if (err == ERROR_SUCCESS && !stop_requested)
        err = apply_marker(r, &a);
    if (err == ERROR_SUCCESS)
        err = flush_sets(r);
    if (err == ERROR_SUCCESS) {
        /* Verify by reading everything back and planning again: nothing may be left. */
        struct plan *check = plan_new();
        struct plan *saved = r->p;
        if (!check) {
            err = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            r->p = check;
            err = survey(r);
            if (err == ERROR_SUCCESS && (check->n_changes || check->blocking_exit)) {
                wchar_t line[1024] = L"";
                if (check->n_changes)
                    change_describe(&check->changes[0], line, COUNTOF(line));
                out_error(L"error: read back after apply differs: %ls", line);
                err = ERROR_INVALID_DATA;
            }
            r->p = saved;
            plan_free(check);
        }
    }

    int rc = EXIT_OK;
    if (err == ERROR_SUCCESS) {
        journal_end(&a.j, L"ok");
        out_info(L"Applied %u change(s) in %d control set(s). Journal: %ls",
                 (unsigned)p->n_changes, r->m->n_sets, r->journal);
    } else {
        out_error(L"Apply failed; undoing the %u change(s) made so far.", (unsigned)a.n);
        int left = engine_undo(r, a.entries, a.n);
        journal_end(&a.j, left ? L"rollback-incomplete" : L"rolled-back");
        if (left) {
            out_error(L"Rollback incomplete: %d change(s) could not be undone; they are listed "
                      L"above and in %ls.", left, r->journal);
            rc = EXIT_ROLLBACK_INCOMPLETE;
        } else {
            out_error(L"Every change was undone; the machine is as it was.");
            rc = err == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_ROLLED_BACK;
            if (rc == EXIT_ACCESS)
                out_error(L"Access was denied: run p2vprep as an administrator or as SYSTEM; "
                          L"security software may also block writes to the registry or to "
                          L"system32\\drivers.");
        }
        p->n_changes = done;   /* the report lists what was attempted */
    }
    free(a.entries);
    return rc;
}

/* Rollback's look at a path a journal names (or the state folder): a link on the way
 * refuses the whole rollback, before anything is undone. TRUE when it is refused. */
static BOOL rollback_refuses(struct run *r, const wchar_t *path)
{
    wchar_t why[2 * MAX_PATH + 128];
    DWORD e = r->b->path_plain(r->b->ctx, path, why, COUNTOF(why));
    if (e == ERROR_SUCCESS)
        return FALSE;
    if (e == ERROR_UNTRUSTED_MOUNT_POINT)
        out_error(L"error: %ls. p2vprep follows no link%ls: nothing was rolled back. Look at it (dir /AL "
                  L"lists links), remove the link, and run rollback again.", why,
                  r->disk.offline ? L" on a disk it repairs (a link there can lead into this helper)" : L"");
    else
        out_error(L"error: %ls (error %lu), so it could not be checked for links: nothing was rolled "
                  L"back.", why, (unsigned long)e);
    return TRUE;
}

static int cmd_rollback(struct run *r)
{
    wchar_t status[32];
    struct jentry *entries;
    size_t n;
    if (rollback_refuses(r, r->state_dir))
        return EXIT_USAGE;
    DWORD err = journal_find_last(r->b, r->state_dir, r->journal, COUNTOF(r->journal));
    if (err == ERROR_FILE_NOT_FOUND) {
        out_info(L"Nothing to roll back: no apply journal in %ls.", r->state_dir);
        return EXIT_OK;
    }
    /* a live state folder is admin-only: a journal someone else could have put or changed
     * there is not taken as orders (an offline disk's journal is checked record by record) */
    if (!r->disk.offline) {
        const wchar_t *const whose[] = { r->state_dir, r->journal };
        for (int i = 0; i < 2; i++) {
            wchar_t who[400];
            if (!secure_path_untrusted(whose[i], who, COUNTOF(who)))
                continue;
            out_error(L"error: %ls is %ls, not only by Administrators and SYSTEM: a journal there may have "
                      L"been planted or changed, so nothing was rolled back. Give the state folder %ls and "
                      L"its files back to Administrators and SYSTEM alone, check its journals (plain "
                      L"text), and run rollback again.", whose[i], who, r->state_dir);
            return EXIT_USAGE;
        }
    }
    err = journal_load(r->b, r->journal, &entries, &n, status, COUNTOF(status));
    if (err != ERROR_SUCCESS) {
        fail(r->journal, err);
        out_error(L"The journal cannot be read, so nothing was rolled back. Keep the state "
                  L"folder %ls as it is; its records are plain text.", r->state_dir);
        return EXIT_ROLLBACK_INCOMPLETE;
    }
    /* a state folder copied from another server (an image, a restored backup) would undo
     * that server's changes here: refused unless this server was renamed since */
    wchar_t written_on[64];
    if (journal_computer(r->b, r->journal, written_on, COUNTOF(written_on)) == ERROR_SUCCESS && written_on[0] &&
        _wcsicmp(written_on, r->m->os.computer) != 0 && !r->opt->renamed) {
        free(entries);
        out_error(L"error: %ls was written on %ls, and this Windows is %ls: nothing was rolled back. "
                  L"Its records describe that server's registry and files. If this server was renamed "
                  L"since the apply, run rollback --renamed; if the state folder %ls came from another "
                  L"server, remove that journal.", r->journal, written_on, r->m->os.computer, r->state_dir);
        return EXIT_USAGE;
    }
    const wchar_t *boot_ini = r->disk.boot_ini[0] ? r->disk.boot_ini : NULL;
    journal_resolve(entries, n, r->m->os.systemroot, boot_ini);
    /* a boot.ini record left unresolved (a live rollback) names no file here: said, kept out */
    size_t kept = 0;
    BOOL marker_said = FALSE;
    for (size_t i = 0; i < n; i++) {
        /* offline, the SOFTWARE hive with the detection marker is not loaded: left as it is */
        if (r->disk.offline && (entries[i].kind == J_KEY || entries[i].kind == J_VALUE) &&
            !_wcsicmp(entries[i].key, MARKER_KEY)) {
            if (!marker_said)
                out_info(L"The detection marker HKLM\\%ls this apply wrote is in the SOFTWARE hive, which "
                         L"an offline run does not load: it stays as it is until a rollback on the booted "
                         L"Windows.", MARKER_KEY);
            marker_said = TRUE;
            continue;
        }
        if (entries[i].kind == J_FILE && !_wcsicmp(entries[i].key, L"%BootIni%")) {
            out_error(L"This journal also corrected boot.ini on the converted disk's system partition "
                      L"(--fix-boot-ini); that is undone offline only: run rollback --offline from a "
                      L"helper, or put back the old copy %ls by hand.", entries[i].backup);
            continue;
        }
        entries[kept++] = entries[i];
    }
    n = kept;
    if (r->m->os.offline && journal_rebase(entries, n, r->m->os.systemroot))
        out_info(L"The journal names files as the booted Windows saw them; they are taken as "
                 L"under %ls.", r->m->os.systemroot);
    /* a journal is data, not orders: every record must be one apply writes, or none is undone */
    wchar_t files_dir[MAX_PATH];
    size_t jl = wcslen(r->journal);
    wcopy(files_dir, COUNTOF(files_dir), r->journal);
    if (jl > 8 && !_wcsicmp(files_dir + jl - 8, L".journal"))
        files_dir[jl - 8] = 0;
    struct journal_scope scope = { r->m->os.systemroot, files_dir, boot_ini };
    for (size_t i = 0; i < n; i++) {
        const wchar_t *why = journal_record_problem(&entries[i], &scope);
        if (!why)
            continue;
        wchar_t line[1024];
        describe_entry(&entries[i], line, COUNTOF(line));
        out_error(L"error: %ls holds a record p2vprep never writes, %ls: \"%ls\". Nothing was rolled "
                  L"back. A journal is undone whole or not at all; this one was changed or planted. "
                  L"Keep the state folder %ls as it is for an investigation, and put back what that "
                  L"apply changed by hand (its records are plain text).", r->journal, why, line, r->state_dir);
        free(entries);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        const struct jentry *e = &entries[i];
        if (e->kind == J_FILE && (rollback_refuses(r, e->key) || (e->backup[0] && rollback_refuses(r, e->backup)))) {
            free(entries);
            return EXIT_USAGE;
        }
    }
    if (wow64_hand_off_journal(r->m->os.wow64, entries, n)) {
        free(entries);
        return EXIT_HANDOFF;
    }
    out_info(L"Rolling back %ls (%u record(s), status %ls):", r->journal, (unsigned)n, status);
    int left = engine_undo(r, entries, n);
    free(entries);
    struct journal j;
    if (journal_reopen(&j, r->b, r->journal) == ERROR_SUCCESS)
        journal_end(&j, left ? L"rollback-incomplete" : L"rolled-back");
    rollback_marker(r, left);
    if (left) {
        out_error(L"Rollback incomplete: %d record(s) not restored.", left);
        return EXIT_ROLLBACK_INCOMPLETE;
    }
    out_info(L"Rolled back: the machine is as it was before that apply.");
    return EXIT_OK;
}

/* --inf: the vendor INF becomes one more target, for this Windows and architecture. */
static int load_inf_target(struct run *r)
{
    wchar_t err[1024];
    const struct os_info *os = &r->m->os;
    unsigned gen = machine_gen(os);
    if (gen == 0 || os->arch == 0) {
        out_error(L"error: Windows %lu.%lu is not supported.", (unsigned long)os->major,
                  (unsigned long)os->minor);
        return EXIT_USAGE;
    }
    if (!(r->inf = calloc(1, sizeof *r->inf)))
        return EXIT_USAGE;
    if (inf_load_target(r->opt->inf, gen, os->arch, os->major, os->minor, r->inf, err,
                        COUNTOF(err)) != ERROR_SUCCESS) {
        out_error(L"error: %ls Nothing was changed.", err);
        return EXIT_PAYLOAD;
    }
    if (r->own_opt.n_targets >= P2V_TARGETS_MAX) {
        out_error(L"error: too many targets.");
        return EXIT_USAGE;
    }
    r->own_opt.targets[r->own_opt.n_targets++] = &r->inf->target;
    if (r->opt->command == CMD_PLAN) {
        struct wbuf b = { 0 };
        inf_describe(r->inf, &b);
        if (b.ok) {
            out_info(L"From %ls:", r->opt->inf);
            out_info_lines(L"  ", b.s);
        }
        wbuf_free(&b);
    }
    return EXIT_OK;
}

static void show_readiness(const struct readiness *rd)
{
    for (int i = 0; i < rd->n_notes; i++)
        out_info(L"%ls %ls", rd->notes[i].warning ? L"warning:" : L"note:   ", rd->notes[i].message);
}

static size_t count_problems(const struct plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_problems; i++)
        n += p->problems[i].exit_code != 0;
    return n;
}

static BOOL refused_here(const struct plan *p)
{
    for (size_t i = 0; i < p->n_problems; i++)
        if (!wcscmp(p->problems[i].code, L"unsupported-target") || !wcscmp(p->problems[i].code, L"unsupported-os"))
            return TRUE;
    return FALSE;
}

/* One row per --retire platform: ready when nothing of it is left to disable. Returns
 * whether all are. */
static BOOL check_retire(struct run *r)
{
    BOOL ready = TRUE;
    for (size_t k = 0; k < r->opt->policy.n_retire && r->n_verdicts < (int)COUNTOF(r->verdicts); k++) {
        const struct platform *pl = r->opt->policy.retire[k];
        struct verdict *v = &r->verdicts[r->n_verdicts++];
        size_t pending = 0, guarded = 0, found = 0;
        const struct change *first = NULL;
        for (size_t i = 0; i < r->p->n_changes; i++)
            if (r->p->changes[i].platform == pl && pending++ == 0)
                first = &r->p->changes[i];
        for (size_t i = 0; i < r->p->n_retired; i++)
            if (r->p->retired[i].platform == pl && !r->p->retired[i].product) {
                found++;
                guarded += r->p->retired[i].state == RETIRE_GUARDED;
            }
        v->target = NULL;
        wfmt(v->name, COUNTOF(v->name), L"retire %ls", pl->name);
        v->verdict = pending || r->p->blocking_exit ? VERDICT_NOT_READY : VERDICT_READY;
        if (first)
            wfmt(v->reason, COUNTOF(v->reason), L"%u change(s) to make, first %ls\\%ls in %ls; %u of %u "
                 L"found left alone by the boot guard", (unsigned)pending, wcsrchr(first->key, L'\\') + 1,
                 first->name, first->set, (unsigned)guarded, (unsigned)found);
        else
            wfmt(v->reason, COUNTOF(v->reason), L"%u found, %u left alone by the boot guard",
                 (unsigned)found, (unsigned)guarded);
        ready &= v->verdict == VERDICT_READY;
        wchar_t shown[112];
        if (!wcopy(shown, COUNTOF(shown), v->reason))
            wcscpy(shown + COUNTOF(shown) - 4, L"...");
        out_info(L"%-14ls %-17ls %ls", v->name, verdict_text(v->verdict), shown);
    }
    return ready;
}

/* One verdict per target, then every problem. With --target all, targets this Windows
 * cannot run are listed but do not make the machine "not ready". */
static int cmd_check(struct run *r)
{
    struct plan *one = plan_new();
    BOOL ready = TRUE;
    int counted = 0;
    if (!one)
        return EXIT_USAGE;
    out_info(L"%-14ls %-17ls %ls", L"target", L"verdict", L"reason");
    for (size_t i = 0; i < r->opt->n_targets && r->n_verdicts < (int)COUNTOF(r->verdicts); i++) {
        const struct target *t = r->opt->targets[i];
        struct verdict *v = &r->verdicts[r->n_verdicts++];
        one->policy = r->opt->policy;
        one->policy.n_retire = 0;   /* --retire and --keep-network have rows of their own */
        one->policy.keep_network = FALSE;
        plan_make(r->m, &t, 1, one);
        plan_changes_as_problems(one);
        v->target = t;
        wcopy(v->name, COUNTOF(v->name), t->name);
        v->reason[0] = 0;
        size_t problems = count_problems(one);
        if (problems == 0) {
            v->verdict = VERDICT_READY;
        } else {
            v->verdict = refused_here(one) ? VERDICT_UNSUPPORTED : VERDICT_NOT_READY;
            const wchar_t *msg = one->problems[0].message;
            for (size_t k = 0; k < one->n_problems; k++)
                if (one->problems[k].exit_code != 0) {
                    msg = one->problems[k].message;
                    break;
                }
            size_t skip = wcslen(t->name);
            if (!wcsncmp(msg, t->name, skip) && msg[skip] == L':')   /* the name is in column 1 */
                msg += skip + 2;
            wcopy(v->reason, COUNTOF(v->reason), msg);
            if (problems > 1) {
                wchar_t more[32];
                wfmt(more, COUNTOF(more), L" (+%u more)", (unsigned)problems - 1);
                wcsncat(v->reason, more, COUNTOF(v->reason) - wcslen(v->reason) - 1);
            }
        }
        if (r->opt->all && v->verdict == VERDICT_UNSUPPORTED)
            ;
        else {
            counted++;
            ready &= v->verdict == VERDICT_READY;
        }
        /* the console row stays one line; the report keeps the whole reason */
        wchar_t shown[112];
        if (!wcopy(shown, COUNTOF(shown), v->reason))
            wcscpy(shown + COUNTOF(shown) - 4, L"...");
        out_info(L"%-14ls %-17ls %ls", t->name, verdict_text(v->verdict), shown);
    }
    plan_free(one);
    ready &= check_retire(r);
    counted += (int)r->opt->policy.n_retire;
    if (firstboot_needed(&r->fb) && r->n_verdicts < (int)COUNTOF(r->verdicts)) {
        struct verdict *v = &r->verdicts[r->n_verdicts++];
        size_t pending = 0;
        for (size_t i = 0; i < r->p->n_changes; i++)
            pending += !r->p->changes[i].target && !r->p->changes[i].platform;
        v->target = NULL;
        wcopy(v->name, COUNTOF(v->name), L"first-boot");
        v->verdict = pending || r->p->blocking_exit ? VERDICT_NOT_READY : VERDICT_READY;
        if (pending)
            wfmt(v->reason, COUNTOF(v->reason), L"the first-boot pass is not registered: %u value(s) to "
                 L"write", (unsigned)pending);
        else
            wfmt(v->reason, COUNTOF(v->reason), L"the first-boot pass is registered in every control set");
        out_info(L"%-14ls %-17ls %ls", v->name, verdict_text(v->verdict), v->reason);
        ready &= v->verdict == VERDICT_READY;
        counted++;
    }
    /* problems of no one target (an offline boot.ini) make the machine not ready too */
    for (size_t i = 0; i < r->p->n_problems; i++)
        if (!r->p->problems[i].target[0] && r->p->problems[i].exit_code == 1)
            ready = FALSE;
    plan_changes_as_problems(r->p);
    if (!r->opt->all)
        show_problems(r->p);
    if ((r->readiness = calloc(1, sizeof *r->readiness)) != NULL) {
        struct readiness_job job = { r->opt->targets, r->opt->n_targets, r->opt->policy.san_policy };
        readiness_probe(r->b, r->m, &job, r->readiness);
        show_readiness(r->readiness);
    }
    r->ready = ready && counted > 0;
    out_info(r->ready ? L"Ready: this machine will boot on the target controller(s)."
                      : L"Not ready: %u problem(s).", (unsigned)count_problems(r->p));
    return r->ready ? EXIT_OK : EXIT_NOT_READY;
}

int engine_run(struct run *r, const struct options *opt, const struct backend *b, const wchar_t *exe_dir)
{
    DWORD t0 = GetTickCount();
    LARGE_INTEGER f, c0, c1;
    BOOL hires = QueryPerformanceFrequency(&f) && QueryPerformanceCounter(&c0);

    memset(r, 0, sizeof *r);
    r->own_opt = *opt;
    r->opt = opt = &r->own_opt;
    backend_counted_init(&r->counted, b);
    r->b = b = &r->counted.self;
    r->m = machine_new();
    r->p = plan_new();
    if (!r->m || !r->p) {
        out_error(L"error: out of memory");
        return r->exit_code = EXIT_USAGE;
    }
    DWORD e = b->describe_disk(b->ctx, &r->disk);
    if (e == ERROR_SUCCESS)
        e = b->describe_os(b->ctx, &r->m->os);
    if (e != ERROR_SUCCESS) {
        fail(r->disk.offline ? L"reading the offline Windows" : L"reading this Windows", e);
        return r->exit_code = EXIT_USAGE;
    }
    /* --payload; else the folder beside the exe; else the payload built into the exe */
    if (opt->payload) {
        wcopy(r->payload_dir, COUNTOF(r->payload_dir), opt->payload);
    } else {
        wfmt(r->payload_dir, COUNTOF(r->payload_dir), L"%ls\\payload", exe_dir);
        if (GetFileAttributesW(r->payload_dir) == INVALID_FILE_ATTRIBUTES &&
            opt->command != CMD_ROLLBACK &&
            embedded_payload_extract(r->m->os.systemroot, r->embedded_dir, COUNTOF(r->embedded_dir)))
            wcopy(r->payload_dir, COUNTOF(r->payload_dir), r->embedded_dir);
    }
    journal_state_dir(r->m->os.systemroot, r->state_dir, COUNTOF(r->state_dir));

    int rc;
    DWORD err = ERROR_SUCCESS;
    if (opt->inf && (rc = load_inf_target(r)) != EXIT_OK)
        return r->exit_code = rc;
    if (opt->command == CMD_ROLLBACK) {
        err = probe_control_sets(b, r->m);
        if (err == ERROR_SUCCESS)
            show_machine(r->m);
        rc = err == ERROR_SUCCESS ? cmd_rollback(r) : EXIT_ROLLBACK_INCOMPLETE;
    } else {
        err = survey(r);
        if (err == ERROR_SUCCESS)
            show_machine(r->m);
        if (err != ERROR_SUCCESS) {
            fail(L"reading the registry", err);
            rc = err == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_USAGE;
        } else if (opt->command == CMD_APPLY) {
            rc = cmd_apply(r);
        } else {
            for (size_t i = 0; i < r->p->n_changes; i++) {
                wchar_t line[1024];
                change_describe(&r->p->changes[i], line, COUNTOF(line));
                if (opt->command == CMD_PLAN)
                    out_info(L"  %ls", line);
            }
            if (opt->command == CMD_PLAN) {
                show_problems(r->p);
                if (!r->p->blocking_exit)
                    out_info(r->p->n_changes ? L"Plan: %u change(s); run apply to make them."
                                             : L"Plan: %u changes; nothing to do.",
                             (unsigned)r->p->n_changes);
                rc = r->p->blocking_exit ? r->p->blocking_exit : EXIT_OK;
            } else {
                rc = cmd_check(r);
            }
        }
    }
    if (hires && QueryPerformanceCounter(&c1))
        r->elapsed_ms = (double)(c1.QuadPart - c0.QuadPart) * 1000.0 / (double)f.QuadPart;
    else
        r->elapsed_ms = GetTickCount() - t0;
    return r->exit_code = rc;
}

void engine_free(struct run *r)
{
    scratch_dir_remove(r->bootini_dir);
    r->bootini_dir[0] = 0;
    embedded_payload_remove(r->embedded_dir);
    r->embedded_dir[0] = 0;
    free(r->inf);
    free(r->readiness);
    if (r->net) {
        net_probe_free(r->net);
        free(r->net);
        r->net = NULL;
    }
    machine_free(r->m);
    plan_free(r->p);
    r->m = NULL;
    r->p = NULL;
}
