/* p2vprep: makes a virtual disk controller's driver boot-start before P2V. */
#include "backend.h"
#include "cli.h"
#include "dynapi.h"
#include "engine.h"
#include "exitcodes.h"
#include "out.h"
#include "report.h"
#include "eventlog.h"
#include "offline.h"
#include "push.h"
#include "secure.h"
#include "journal.h"
#include "scratch.h"
#include "service.h"
#include "firstboot_run.h"
#include "summarize.h"
#include <stdlib.h>
#include <string.h>
#include "text.h"
#include "winerr.h"
#include "wow64.h"
#include "hostlist.h"
#include <wchar.h>

static const wchar_t *source_name(enum source s)
{
    return s == SRC_INBOX ? L"inbox" : s == SRC_PACKAGE ? L"payload package" : L"payload";
}

static void list_targets(void)
{
    for (size_t i = 0; i < p2v_n_targets; i++) {
        const struct target *t = &p2v_targets[i];
        out_info(L"%ls: %ls, %ls", t->name, t->title, t->pci_ids);
        if (t->boot_also)
            out_info(L"  with the %ls target, for VMs that boot through it first (unless --no-ide)",
                     t->boot_also);
        if (t->san_online)
            out_info(L"  sets the SAN policy to OnlineAll on Vista and later (unless --san-policy keep)");
        for (size_t k = 0; k < t->n_rules; k++) {
            const struct target_rule *r = &t->rules[k];
            wchar_t gens[96], line[512];
            rule_os_text(r, gens, COUNTOF(gens));
            if (r->refusal) {
                out_info(L"  %ls: refused: %ls", gens, r->refusal);
                continue;
            }
            line[0] = 0;
            for (size_t n = 0; n < r->n_services; n++) {
                wchar_t one[160];
                wfmt(one, COUNTOF(one), L"%ls%ls (%ls %ls%ls)", n ? L", " : L"", r->services[n].name,
                     source_name(r->services[n].source), r->services[n].file,
                     r->services[n].optional ? L", where Windows has it" : L"");
                wcsncat(line, one, COUNTOF(line) - wcslen(line) - 1);
            }
            for (const wchar_t *const *inf = r->packages; inf && *inf; inf++) {
                wchar_t one[160];
                wfmt(one, COUNTOF(one), L" + %ls with its catalog", *inf);
                wcsncat(line, one, COUNTOF(line) - wcslen(line) - 1);
            }
            out_info(L"  %ls: %ls%ls", gens, line,
                     k + 1 < t->n_rules && (t->rules[k + 1].gens & r->gens) &&
                             (t->rules[k + 1].archs & r->archs) && t->rules[k + 1].nt_min == r->nt_min &&
                             t->rules[k + 1].nt_max == r->nt_max
                         ? L"; where present, else:" : L"");
        }
    }
}

/* Member of Administrators with the group enabled (on Vista+ only in an elevated token). */
static BOOL is_elevated(void)
{
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    PSID admins;
    BOOL member = FALSE;
    if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS,
                                  0, 0, 0, 0, 0, 0, &admins))
        return FALSE;
    if (!CheckTokenMembership(NULL, admins, &member))
        member = FALSE;
    FreeSid(admins);
    return member;
}

static BOOL running_under_wow64(void)
{
    BOOL wow = FALSE;
    const struct dynapi *api = dynapi();
    return api->IsWow64Process && api->IsWow64Process(GetCurrentProcess(), &wow) && wow;
}

static struct options opt;
static int run_service_job(void);
static wchar_t exe_path[MAX_PATH], exe_dir[MAX_PATH];
static BOOL as_service;

/* The name a report in a folder takes: the computer's, when it is a host name. An offline
 * Windows' name comes from its hive, which is the converted disk's data: one that is no
 * host name ("..\\..\\x", a long or odd one) never becomes a path; the report is named after
 * the offline Windows folder instead (offline-F-WINDOWS) and says why. */
static const wchar_t *report_stem(const struct os_info *os, wchar_t *buf, size_t cch)
{
    const wchar_t *why = hostlist_name_problem(os->computer);
    if (!why)
        return os->computer;
    size_t n = 0;
    const wchar_t *prefix = L"offline-";
    for (const wchar_t *p = prefix; *p && n + 1 < cch; p++)
        buf[n++] = *p;
    for (const wchar_t *p = os->systemroot; *p && n + 1 < cch && n < 48; p++) {
        wchar_t c = *p;
        BOOL keep = (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') || (c >= L'0' && c <= L'9');
        if (keep)
            buf[n++] = c;
        else if (n && buf[n - 1] != L'-')
            buf[n++] = L'-';
    }
    while (n && buf[n - 1] == L'-')
        n--;
    buf[n] = 0;
    wchar_t shown[80];
    hostlist_shown(os->computer, shown, COUNTOF(shown));
    out_info(L"The %ls's computer name \"%ls\" is not a host name (it %ls): the report is named %ls.json.",
             os->offline ? L"offline Windows" : L"Windows", shown, why, buf);
    return buf;
}

/* --report DIR (an existing folder, or a path ending in \ or /) means DIR\<COMPUTERNAME>.json:
 * one share collects a whole migration wave. */
static void report_path(const wchar_t *arg, const struct os_info *os, wchar_t *path, size_t cch)
{
    wchar_t fixed[MAX_PATH];
    size_t n = wcslen(arg);
    /* "C:\reports\" on a command line arrives as C:\reports" (the backslash escaped the
     * quote); no Windows path holds a quote, so it can only mean the folder */
    if (n && arg[n - 1] == L'"' && wcopy(fixed, COUNTOF(fixed), arg)) {
        fixed[n - 1] = L'\\';
        arg = fixed;
    }
    DWORD attr = GetFileAttributesW(arg);
    BOOL dir = (n && (arg[n - 1] == L'\\' || arg[n - 1] == L'/')) ||
               (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY));
    wchar_t stem[64];
    if (dir)
        wfmt(path, cch, L"%ls%ls%ls.json", arg, n && (arg[n - 1] == L'\\' || arg[n - 1] == L'/') ? L"" : L"\\",
             report_stem(os, stem, COUNTOF(stem)));
    else
        wcopy(path, cch, arg);
}

/* A report folder given as such ("C:\\reports\\") on a local disk that does not exist yet is
 * made admin-only, with the folders above it: the default one lies under %ProgramData%,
 * where ordinary users may create folders and files. A share's folder must exist. */
static DWORD report_folder_make(const wchar_t *arg, const wchar_t *path)
{
    wchar_t dir[MAX_PATH];
    size_t n = wcslen(arg);
    BOOL as_folder = n && (arg[n - 1] == L'\\' || arg[n - 1] == L'/' || arg[n - 1] == L'"');
    if (!wcopy(dir, COUNTOF(dir), path))
        return ERROR_SUCCESS;
    wchar_t *slash = wcsrchr(dir, L'\\');
    if (!slash || dir[1] != L':')
        return ERROR_SUCCESS;
    *slash = 0;
    wchar_t root[4] = { dir[0], L':', L'\\', 0 };
    if (GetDriveTypeW(root) == DRIVE_REMOTE)
        return ERROR_SUCCESS;
    if (GetFileAttributesW(dir) == INVALID_FILE_ATTRIBUTES)
        return as_folder ? secure_dirs_create(dir) : ERROR_SUCCESS;
    /* An existing local folder another account owns or may write: elevated or as SYSTEM,
     * the report is not written into it, where that account could swap it or read it
     * half-written; said with the way to fix it. A share's rights are its owner's matter. */
    wchar_t who[400];
    if (wcslen(dir) > 2 && is_elevated() && secure_path_untrusted(dir, who, COUNTOF(who))) {
        out_error(L"p2vprep: the report folder %ls is %ls, not only by Administrators and SYSTEM; "
                  L"p2vprep, running as an administrator, does not write there. Give it to them alone "
                  L"(icacls \"%ls\" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F), "
                  L"or name a new folder, which p2vprep makes admin-only.", dir, who, dir);
        return ERROR_ACCESS_DENIED;
    }
    return ERROR_SUCCESS;
}

/* The 32-bit exe on 64-bit Windows cannot stage driver packages (SetupAPI refuses WOW64
 * callers); p2vprep-x64.exe beside it does the whole run instead. */
static int hand_off_to_x64(void)
{
    wchar_t x64[MAX_PATH], msg[512];
    if (!wow64_partner_exe(exe_path, x64, COUNTOF(x64)) || GetFileAttributesW(x64) == INVALID_FILE_ATTRIBUTES) {
        out_error(L"p2vprep: this step stages a driver package, which 64-bit Windows lets only a "
                  L"64-bit program do. Run p2vprep-x64.exe, or put it beside this exe (looked for %ls). "
                  L"Nothing was changed.", x64);
        return EXIT_USAGE;
    }
    struct wbuf cmd = { 0 };
    wow64_partner_command_line(GetCommandLineW(), x64, &cmd);
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    out_info(L"Handing this run to %ls (64-bit Windows stages drivers only for 64-bit programs).", x64);
    if (!cmd.ok || !CreateProcessW(x64, cmd.s, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        out_error(L"p2vprep: cannot start %ls: %ls. Nothing was changed.", x64,
                  win_error_text(GetLastError(), msg, COUNTOF(msg)));
        wbuf_free(&cmd);
        return EXIT_USAGE;
    }
    wbuf_free(&cmd);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = EXIT_USAGE;
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return (int)code;
}

static void log_outcome(const struct run *run, int rc)
{
    enum event_kind kind = rc == EXIT_OK ? EVENT_INFO : rc == EXIT_NOT_READY ? EVENT_WARNING : EVENT_ERROR;
    for (size_t t = 0; t < run->opt->n_targets; t++) {
        const struct target *target = run->opt->targets[t];
        if (run->opt->command == CMD_CHECK) {
            for (int v = 0; v < run->n_verdicts; v++)
                if (run->verdicts[v].target == target)
                    eventlog_write(run->verdicts[v].verdict == VERDICT_READY ? EVENT_INFO : EVENT_WARNING,
                                   L"%ls: %ls. %ls", target->name, verdict_text(run->verdicts[v].verdict),
                                   run->verdicts[v].reason);
            continue;
        }
        unsigned n = 0;
        for (size_t c = 0; c < run->p->n_changes; c++)
            n += run->p->changes[c].target == target;
        eventlog_write(kind, L"%ls: %u change(s)%ls.", target->name, n,
                       rc == EXIT_OK ? (n ? L" made" : L", already in place") : L" attempted");
    }
    for (size_t i = 0; i < run->p->n_problems; i++)
        eventlog_write(run->p->problems[i].exit_code == 0 ? EVENT_WARNING : kind, L"%ls",
                       run->p->problems[i].message);
    eventlog_write(kind, L"p2vprep %ls finished with exit code %d.", command_name(run->opt->command), rc);
}

/* --offline: the Windows to repair found, its hive loaded, a backend over it. Ctrl+C and a
 * closing console stop apply between changes (it undoes them) and the hive is unloaded
 * before the process ends. */
static struct offline the_offline;
static HANDLE offline_done;

static BOOL WINAPI on_console_event(DWORD event)
{
    engine_request_stop();
    /* for a closing console, Windows ends the process when this returns: wait for the
     * undo and the unload, within the few seconds Windows allows */
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && offline_done)
        WaitForSingleObject(offline_done, 4000);
    return TRUE;
}

static double ms_since(const LARGE_INTEGER *t0)
{
    LARGE_INTEGER f, t1;
    if (!QueryPerformanceFrequency(&f) || !QueryPerformanceCounter(&t1) || !f.QuadPart)
        return 0;
    return (double)(t1.QuadPart - t0->QuadPart) * 1000.0 / (double)f.QuadPart;
}

static int offline_open(struct backend *ob, const struct backend *inner)
{
    LARGE_INTEGER t0;
    wchar_t msg[4096], err[256];
    offline_unload_stale();
    int rc = offline_locate(inner, offline_host_for_exe(), opt.offline, &the_offline, msg, COUNTOF(msg));
    if (rc != EXIT_OK) {
        out_error(L"p2vprep: %ls", msg);
        return rc;
    }
    out_info(L"Offline Windows: %ls", the_offline.how);
    offline_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console_event, TRUE);
    QueryPerformanceCounter(&t0);
    DWORD e = offline_mount(&the_offline);
    if (e == ERROR_SUCCESS)
        out_info(L"Loaded %ls as HKLM\\%ls in %.1f ms.", the_offline.hive, the_offline.mount, ms_since(&t0));
    if (e != ERROR_SUCCESS) {
        win_error_text(e, err, COUNTOF(err));
        if (e == ERROR_PRIVILEGE_NOT_HELD || e == ERROR_ACCESS_DENIED)
            out_error(L"p2vprep: cannot load %ls: %ls Run p2vprep as an administrator (it needs "
                      L"the backup and restore privileges). Nothing was changed.", the_offline.hive, err);
        else
            out_error(L"p2vprep: cannot load %ls: %ls It may be in use (is that Windows running, "
                      L"or its hive loaded in regedit?) or damaged. Nothing was changed.",
                      the_offline.hive, err);
        SetConsoleCtrlHandler(on_console_event, FALSE);
        return e == ERROR_PRIVILEGE_NOT_HELD || e == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_USAGE;
    }
    backend_offline_init(ob, &the_offline);
    return EXIT_OK;
}

static void offline_close(void)
{
    wchar_t err[256], mount[64];
    LARGE_INTEGER t0;
    wcopy(mount, COUNTOF(mount), the_offline.mount);
    QueryPerformanceCounter(&t0);
    DWORD e = offline_unmount(&the_offline);
    if (e == ERROR_SUCCESS)
        out_info(L"Unloaded HKLM\\%ls in %.1f ms.", mount, ms_since(&t0));
    if (e != ERROR_SUCCESS)
        out_error(L"p2vprep: could not unload the offline hive HKLM\\%ls: %ls The next p2vprep "
                  L"run unloads it; until then do not detach the disk.", the_offline.mount,
                  win_error_text(e, err, COUNTOF(err)));
    if (offline_done)
        SetEvent(offline_done);
    SetConsoleCtrlHandler(on_console_event, FALSE);
}

/* One apply or rollback at a time per Windows: two interleaving journals would make
 * rollback lie. The lock is a file in the state folder, which only administrators and
 * SYSTEM may write, held open exclusively and deleted when the process ends however it
 * ends; a named object in the Global namespace could be created first by any user and
 * would then block every run. */
static HANDLE lock = INVALID_HANDLE_VALUE;
static wchar_t lock_made_dir[MAX_PATH];   /* the state folder, when made for the lock */
static void lock_release(void);

static int lock_take(const wchar_t *windir)
{
    wchar_t dir[MAX_PATH], path[MAX_PATH], msg[256];
    journal_state_dir(windir, dir, COUNTOF(dir));
    if (secure_dir_create(dir))
        wcopy(lock_made_dir, COUNTOF(lock_made_dir), dir);
    wfmt(path, COUNTOF(path), L"%ls\\p2vprep.lock", dir);
    DWORD e = secure_target_check(path);
    if (e == ERROR_SUCCESS) {
        lock = CreateFileW(path, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
        e = lock == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
    }
    if (e == ERROR_SUCCESS)
        return EXIT_OK;
    lock_release();   /* the folder, if made for nothing */
    if (e == ERROR_SHARING_VIOLATION) {
        out_error(L"p2vprep: another p2vprep is running on this Windows (it holds %ls); wait for it "
                  L"to finish and run again. Nothing was changed.", path);
        return EXIT_BUSY;
    }
    out_error(L"p2vprep: cannot take the lock %ls: %ls Nothing was changed.", path,
              win_error_text(e, msg, COUNTOF(msg)));
    return e == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_BUSY;
}

static void lock_release(void)
{
    if (lock != INVALID_HANDLE_VALUE)
        CloseHandle(lock);   /* the file goes with it */
    lock = INVALID_HANDLE_VALUE;
    /* a run that changed nothing leaves no state folder behind (only an empty one goes) */
    if (lock_made_dir[0])
        RemoveDirectoryW(lock_made_dir);
    lock_made_dir[0] = 0;
}

/* --json: one JSON object on stdout, whatever the command and its exit path. */
static struct wbuf json_out;
static BOOL handed_off;

/* One line for a machine reader: what the run did, or why it failed. */
static void run_summary(const struct run *r, int rc, wchar_t *msg, size_t cch)
{
    const wchar_t *cmd = command_name(r->opt->command);
    if (rc != EXIT_OK && rc != EXIT_NOT_READY) {
        const wchar_t *why = out_last_error();
        for (size_t i = 0; !why[0] && i < r->p->n_problems; i++)
            if (r->p->problems[i].exit_code == rc)
                why = r->p->problems[i].message;
        wfmt(msg, cch, L"%ls failed (exit %d)%ls%ls", cmd, rc, why[0] ? L": " : L"", why);
    } else if (r->opt->command == CMD_CHECK) {
        wfmt(msg, cch, rc == EXIT_OK ? L"check: ready" : L"check: not ready (%u problem(s))",
             (unsigned)r->p->n_problems);
    } else if (r->opt->command == CMD_ROLLBACK) {
        wfmt(msg, cch, r->counted.writes ? L"rollback: %u record(s) undone" : L"rollback: nothing to roll back",
             (unsigned)r->p->n_changes);
    } else {
        wfmt(msg, cch, r->p->n_changes ? L"%ls: %u change(s)%ls" : L"%ls: nothing to do", cmd,
             (unsigned)r->p->n_changes, r->opt->command == CMD_PLAN ? L" to make" : L" made");
    }
}

static void json_of_run(const struct run *r, int rc)
{
    wchar_t msg[2048];
    run_summary(r, rc, msg, COUNTOF(msg));
    struct report_result res = {
        /* plan is the what-if: changed says what apply would change */
        .changed = r->opt->command == CMD_PLAN ? r->p->n_changes > 0 && rc == EXIT_OK
                 : r->counted.writes > 0 && rc != EXIT_ROLLED_BACK,
        .failed = exit_code_for(rc, opt.exit_profile) != EXIT_OK,   /* as the process exits */
        .msg = msg,
        .rc = exit_code_for(rc, opt.exit_profile),
    };
    wbuf_free(&json_out);
    report_build_result(r, &res, &json_out);
}

static void json_finish(int rc)
{
    if (handed_off)
        return;
    if (!json_out.s) {   /* not a run: help, targets, find, summarize, service, an error */
        const wchar_t *why = out_last_error();
        wchar_t msg[2048];
        if (rc == EXIT_OK)
            wfmt(msg, COUNTOF(msg), L"%ls: done", command_name(opt.command));
        else
            wfmt(msg, COUNTOF(msg), L"%ls failed (exit %d)%ls%ls", command_name(opt.command), rc,
                 why[0] ? L": " : L"", why);
        struct report_result res = { FALSE, rc != EXIT_OK, msg, exit_code_for(rc, opt.exit_profile) };
        report_minimal(command_name(opt.command), rc, &res, &json_out);
    }
    if (json_out.ok)
        out_result(json_out.s);
    wbuf_free(&json_out);
}

/* plan, apply, check, rollback: in a console or as the service. */
static int run_job(void)
{
    wchar_t msg[512], windir[MAX_PATH];
    BOOL writes = command_changes_machine(opt.command);
    if (writes && !is_elevated()) {
        out_error(L"p2vprep: %ls needs administrator rights: run it from an elevated prompt "
                  L"(Run as administrator), as SYSTEM, or as a member of Administrators. "
                  L"Nothing was changed.", command_name(opt.command));
        return EXIT_ACCESS;
    }
    int rc;
    if (writes && !opt.offline && GetSystemWindowsDirectoryW(windir, COUNTOF(windir)) &&
        (rc = lock_take(windir)) != EXIT_OK)
        return rc;
    /* An offline repair writes nothing to the helper it runs on, its event log included. */
    BOOL logged = !opt.offline && (as_service || opt.command == CMD_APPLY || opt.command == CMD_ROLLBACK);
    if (logged)
        eventlog_write(EVENT_INFO, L"p2vprep %ls %ls started%ls.", P2V_VERSION_STR,
                       command_name(opt.command), as_service ? L" as a service" : L"");

    struct run run;
    const struct backend *b = backend_for_exe(running_under_wow64());
    struct backend offline_backend;
    if (opt.offline) {
        rc = offline_open(&offline_backend, b);
        if (rc == EXIT_OK && writes && (rc = lock_take(the_offline.windir)) != EXIT_OK)
            offline_close();
        if (rc != EXIT_OK)
            return rc;
        b = &offline_backend;
    }
    rc = engine_run(&run, &opt, b, exe_dir);
    if (opt.offline)
        offline_close();
    if (rc == EXIT_HANDOFF) {
        handed_off = TRUE;   /* the 64-bit exe prints the result and maps the code itself */
        engine_free(&run);
        lock_release();       /* the 64-bit p2vprep takes it */
        out_close_log();      /* ... and the log */
        rc = hand_off_to_x64();
        if (logged)
            eventlog_write(rc ? EVENT_ERROR : EVENT_INFO, L"p2vprep-x64.exe did the run: exit code %d.", rc);
    } else {
        if (opt.report && run.m) {
            wchar_t path[MAX_PATH];
            report_path(opt.report, &run.m->os, path, COUNTOF(path));
            DWORD e = report_folder_make(opt.report, path);
            if (e == ERROR_SUCCESS)
                e = report_write(&run, path);
            /* A report that cannot be written never changes what the job's exit code means. */
            if (e != ERROR_SUCCESS) {
                out_error(L"p2vprep: could not write the report %ls: %ls", path,
                          win_error_text(e, msg, COUNTOF(msg)));
                if (logged)
                    eventlog_write(EVENT_WARNING, L"Could not write the report %ls: %ls", path, msg);
            }
        }
        if (logged && run.m && run.p)
            log_outcome(&run, rc);
        if (opt.json && run.m && run.p)
            json_of_run(&run, rc);
        engine_free(&run);
    }
    lock_release();
    eventlog_close();
    return rc;
}

/* The first-boot pass (--keep-network), as the service p2vprep-firstboot runs it at each
 * start, or as an administrator runs it by hand: the result in the state folder, the Event
 * Log and the console. */
static int run_firstboot(void)
{
    wchar_t windir[MAX_PATH];
    if (!is_elevated()) {
        out_error(L"p2vprep: firstboot needs administrator rights. Nothing was changed.");
        return EXIT_ACCESS;
    }
    int rc;
    if (GetSystemWindowsDirectoryW(windir, COUNTOF(windir)) && (rc = lock_take(windir)) != EXIT_OK)
        return rc;
    struct firstboot_result *res = calloc(1, sizeof *res);
    if (!res) {
        lock_release();
        return EXIT_USAGE;
    }
    struct firstboot_options fo = { TRUE, !opt.no_wait, opt.policy.remove_ghost_nics };
    rc = firstboot_run(res, backend_for_exe(running_under_wow64()), &fo);
    enum event_kind kind = res->state == FIRSTBOOT_FAILED ? EVENT_ERROR
                         : res->ambiguous || res->state == FIRSTBOOT_GAVE_UP ? EVENT_WARNING : EVENT_INFO;
    if (res->state != FIRSTBOOT_SOURCE)
        eventlog_write(kind, L"p2vprep first boot: %ls; %d adapter(s) moved, %d ambiguous, %d restarted, "
                       L"%d gateway(s) answered. %ls", firstboot_state_name(res->state), res->moved,
                       res->ambiguous, res->restarted, res->gateway_answered, res->detail);
    out_info(L"first boot: %ls: %d adapter(s) moved, %d ambiguous, %d write(s)%ls%ls",
             firstboot_state_name(res->state), res->moved, res->ambiguous, res->writes,
             res->detail[0] ? L". " : L"", res->detail);
    for (int i = 0; i < res->n_adapters; i++)
        out_info(L"  %ls (%ls): %ls%ls%ls. %ls", res->adapters[i].name, res->adapters[i].old_guid,
                 res->adapters[i].verdict, res->adapters[i].new_guid[0] ? L" to " : L"",
                 res->adapters[i].new_guid, res->adapters[i].why);
    free(res);
    lock_release();
    eventlog_close();
    return rc;
}

static int run_service_job(void)
{
    as_service = TRUE;
    return run_job();
}

static BOOL save_output(const wchar_t *path, void (*render)(const struct summary *, struct wbuf *),
                        const struct summary *s)
{
    struct wbuf b = { 0 };
    wchar_t msg[256];
    render(s, &b);
    DWORD e = b.ok ? summarize_save(path, &b) : ERROR_NOT_ENOUGH_MEMORY;
    wbuf_free(&b);
    if (e != ERROR_SUCCESS)
        out_error(L"p2vprep: cannot write %ls: %ls", path, win_error_text(e, msg, COUNTOF(msg)));
    else
        out_info(L"Wrote %ls", path);
    return e == ERROR_SUCCESS;
}

/* A list summarize joins: read whole, then parsed; an unreadable file (or, given by name,
 * one that is not in its format) stops the summary with exit 2, naming it. */
static BOOL read_list(const wchar_t *path, const wchar_t *what, const wchar_t *hint, BOOL required,
                      DWORD (*parse)(const char *, size_t, const wchar_t *, struct wave_hosts *,
                                     struct summarize_log *),
                      struct wave_hosts *out, struct summarize_log *log)
{
    wchar_t msg[256];
    char *text;
    size_t len;
    DWORD e = summarize_read_file(path, &text, &len);
    if (e == ERROR_FILE_TOO_LARGE) {
        out_error(L"p2vprep: %ls %ls is over %u MB; give the wave's own list.", what, path,
                  SUMMARIZE_MAX_FILE >> 20);
        return FALSE;
    }
    if (e != ERROR_SUCCESS) {
        out_error(L"p2vprep: cannot read %ls %ls: %ls. Give %ls.", what, path,
                  win_error_text(e, msg, COUNTOF(msg)), hint);
        return FALSE;
    }
    e = parse(text, len, path, out, log);
    free(text);
    if (e == ERROR_INVALID_DATA && !required) {
        summarize_log_add(log, L"%ls left out", path);
        return TRUE;
    }
    if (e != ERROR_SUCCESS) {
        for (size_t i = 0; i < log->n; i++)
            out_error(L"p2vprep: %ls", log->line[i]);
        if (e == ERROR_INVALID_DATA)
            out_error(L"p2vprep: %ls %ls cannot be used. Give %ls.", what, path, hint);
        else
            out_error(L"p2vprep: %ls %ls cannot be used: %ls", what, path, win_error_text(e, msg, COUNTOF(msg)));
        return FALSE;
    }
    return TRUE;
}

/* The host list (--hosts) and push results (--push-results, else DIR\push-results.csv
 * when there is one) joined to the rows. */
static BOOL join_lists(const struct options *o, struct summary *s, struct summarize_log *log)
{
    struct wave_hosts hosts = { 0 }, pushed = { 0 };
    wchar_t beside[2 * MAX_PATH];
    const wchar_t *push = o->push_results;
    BOOL ok = TRUE;
    if (!push) {
        size_t n = wcslen(o->dir);
        BOOL sep = n && (o->dir[n - 1] == L'\\' || o->dir[n - 1] == L'/');
        wfmt(beside, COUNTOF(beside), L"%ls%lspush-results.csv", o->dir, sep ? L"" : L"\\");
        DWORD attr = GetFileAttributesW(beside);
        if (attr != INVALID_FILE_ATTRIBUTES && !(attr & FILE_ATTRIBUTE_DIRECTORY))
            push = beside;
    }
    if (o->hosts)
        ok = read_list(o->hosts, L"the host list", L"a text file with one host name per line (# for comments)", TRUE, summarize_parse_hosts, &hosts, log);
    if (ok && push)
        ok = read_list(push, L"the push results", L"the push-results.csv that push wrote",
                       push == o->push_results, summarize_parse_push, &pushed, log);
    if (ok && summarize_join(s, &hosts, &pushed, push, log) != ERROR_SUCCESS) {
        out_error(L"p2vprep: out of memory joining the host list and push results");
        ok = FALSE;
    }
    wave_hosts_free(&hosts);
    wave_hosts_free(&pushed);
    return ok;
}

/* summarize DIR: one table of every report a migration wave wrote to a share. */
static int summarize_command(const struct options *o)
{
    struct summary s = { 0 };
    wchar_t msg[256];
    DWORD e = summarize_dir(o->dir, &s);
    if (e != ERROR_SUCCESS) {
        out_error(L"p2vprep: cannot read the reports in %ls: %ls. Give the folder that --report "
                  L"wrote to.", o->dir, win_error_text(e, msg, COUNTOF(msg)));
        summary_free(&s);
        return EXIT_USAGE;
    }
    struct summarize_log *log = calloc(1, sizeof *log);
    if (!log || !join_lists(o, &s, log)) {
        free(log);
        summary_free(&s);
        return EXIT_USAGE;
    }
    if (s.not_read)
        out_error(L"p2vprep: note: %ls holds %lu more reports than summarize reads (%lu); they are not "
                  L"in the table. Summarize the wave in smaller folders.", o->dir,
                  (unsigned long)s.not_read, (unsigned long)SUMMARIZE_MAX_REPORTS);
    for (size_t i = 0; i < log->n; i++)
        out_error(L"p2vprep: note: %ls", log->line[i]);
    if (log->more)
        out_error(L"p2vprep: note: %lu more lines like these", (unsigned long)log->more);
    free(log);
    struct wbuf table = { 0 };
    summarize_table(&s, &table);
    if (table.ok)
        out_info_lines(L"", table.s);
    wbuf_free(&table);
    BOOL ok = TRUE;
    if (o->csv)
        ok &= save_output(o->csv, summarize_csv, &s);
    if (o->html)
        ok &= save_output(o->html, summarize_html, &s);
    summary_free(&s);
    return ok ? EXIT_OK : EXIT_USAGE;
}

/* find: the offline Windows installations this machine sees. */
static int find_command(void)
{
    struct found_windows *list = calloc(OFFLINE_FOUND_MAX, sizeof *list);
    if (!list)
        return EXIT_USAGE;
    offline_unload_stale();
    int n = offline_find_all(backend_for_exe(running_under_wow64()), offline_host_for_exe(), list, OFFLINE_FOUND_MAX);
    if (n == 0)
        out_info(L"No offline Windows found on this machine's volumes (the running Windows is not "
                 L"listed). Attach the converted disk, bring it online (Disk Management, or "
                 L"diskpart: online disk) and give its volumes letters, then run find again.");
    for (int i = 0; i < n; i++) {
        wchar_t line[1536];
        offline_describe(&list[i], line, COUNTOF(line));
        out_info(L"%ls", line);
    }
    if (n)
        out_info(L"%d offline Windows found. Next: p2vprep check --offline %ls --target <name>",
                 n, n == 1 ? L"auto" : L"<folder>");
    free(list);
    return EXIT_OK;
}

/* --json and --exit-codes before any "--": this run's own output options, read where
 * cli_parse does not (push's words, which push.c parses; a command line cli_parse refused,
 * whose caller still wants JSON and its exit-code profile). The other words go to keep
 * (when given); returns how many. */
static int own_output_options(int argc, wchar_t **argv, wchar_t **keep)
{
    int n = 0;
    BOOL hosts_command = FALSE;
    for (int i = 0; i < argc; i++) {
        hosts_command |= !wcscmp(argv[i], L"--");
        if (!hosts_command && !_wcsicmp(argv[i], L"--json")) {
            opt.json = TRUE;
            continue;
        }
        if (!hosts_command && !_wcsicmp(argv[i], L"--exit-codes") && i + 1 < argc) {
            const wchar_t *v = argv[++i];
            opt.exit_profile = !_wcsicmp(v, L"msi") ? EXIT_PROFILE_MSI
                             : !_wcsicmp(v, L"dsc") ? EXIT_PROFILE_DSC : EXIT_PROFILE_NATIVE;
            continue;
        }
        if (keep)
            keep[n++] = argv[i];
    }
    return n;
}

/* push: the words after "push", less this run's own output options. */
static int push_with_own_options(void)
{
    wchar_t **args = calloc((size_t)opt.push_argc + 1, sizeof *args);
    if (!args)
        return EXIT_USAGE;
    int n = own_output_options(opt.push_argc, opt.push_argv, args);
    out_set_json(opt.json);
    int rc = push_command(n, args, exe_path);
    free(args);
    return rc;
}

static int dispatch(int argc, wchar_t **argv)
{
    wchar_t msg[1024];
    int rc = cli_parse(argc, argv, &opt, msg, COUNTOF(msg));
    if (rc) {
        /* a machine reader asked for JSON and the exit-code profile even if the line is wrong */
        own_output_options(argc - 1, argv + 1, NULL);
        out_set_json(opt.json);
        out_error(L"p2vprep: %ls. Try \"p2vprep --help\".", msg);
        return rc;
    }
    out_set_quiet(opt.quiet);
    out_set_json(opt.json);
    switch (opt.command) {
    case CMD_HELP:
        out_info(L"%ls", cli_usage);
        return EXIT_OK;
    case CMD_VERSION:
        out_info(L"p2vprep %ls (%ls)", P2V_VERSION_STR, P2V_ARCH_STR);
        return EXIT_OK;
    case CMD_TARGETS:
        list_targets();
        return EXIT_OK;
    default:
        break;
    }

    DWORD n = GetModuleFileNameW(NULL, exe_path, COUNTOF(exe_path));
    if (n == 0 || n >= COUNTOF(exe_path))
        exe_path[0] = 0;
    wcopy(exe_dir, COUNTOF(exe_dir), exe_path);
    wchar_t *slash = wcsrchr(exe_dir, L'\\');
    if (slash)
        *slash = 0;

    /* push changes nothing here and takes no lock: PsExec brings the admin's rights to each host */
    if (opt.command == CMD_PUSH)
        return push_with_own_options();
    if (opt.log && !out_open_log(opt.log)) {
        out_error(L"p2vprep: cannot open log file %ls: %ls", opt.log,
                  win_error_text(GetLastError(), msg, COUNTOF(msg)));
        return EXIT_USAGE;
    }
    if (opt.command == CMD_SERVICE_INSTALL || opt.command == CMD_SERVICE_UNINSTALL) {
        if (command_changes_machine(opt.command) && !is_elevated()) {
            out_error(L"p2vprep: %ls needs administrator rights. Nothing was changed.",
                      command_name(opt.command));
            return EXIT_ACCESS;
        }
        DWORD e = opt.command == CMD_SERVICE_INSTALL ? service_install(&opt, exe_path) : service_uninstall();
        if (e != ERROR_SUCCESS) {
            out_error(L"p2vprep: %ls failed: %ls", command_name(opt.command),
                      win_error_text(e, msg, COUNTOF(msg)));
            return e == ERROR_ACCESS_DENIED ? EXIT_ACCESS : EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (opt.command == CMD_SUMMARIZE)
        return summarize_command(&opt);
    if (opt.command == CMD_FIND)
        return find_command();

    if (opt.command == CMD_FIRSTBOOT) {
        if (service_dispatch(run_firstboot, &rc))
            return rc;
        return run_firstboot();
    }
    /* Started by the service control manager? Then this is the service's run. */
    if ((opt.command == CMD_APPLY || opt.command == CMD_CHECK) && service_dispatch(run_service_job, &rc))
        return rc;
    rc = run_job();
    out_close_log();
    return rc;
}

int wmain(int argc, wchar_t **argv)
{
    dll_search_harden();   /* before anything loads a DLL at run time */
    int rc = dispatch(argc, argv);
    if (handed_off)
        return rc;   /* the 64-bit exe's code, already in the profile asked for */
    if (opt.json)
        json_finish(rc);
    return exit_code_for(rc, opt.exit_profile);
}
