/* p2vprep push (push.h): the scheduler over the process seam, and the command around it
 * (host list file, PsExec lookup, console progress, Ctrl+C, push-results.csv). */
#include "textfile.h"
#include "push.h"
#include "secure.h"
#include "exitcodes.h"
#include "out.h"
#include "winerr.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- the scheduler ---- */

struct slot {
    struct push_host *host;
    BOOL timed_out, killed;
};

struct sched {
    struct push_list *list;
    const struct push_options *o;
    const wchar_t *psexec, *exe;
    const struct push_spawner *sp;
    struct push_child *kids[PUSH_PARALLEL_MAX];
    struct slot slots[PUSH_PARALLEL_MAX];
    unsigned running;
    DWORD t0;
    push_report_fn report;
    void *report_ctx;
};

static void start_host(struct sched *s, struct push_host *h)
{
    struct wbuf cmd = { 0 };
    wchar_t err[PUSH_TAIL_CCH];
    struct push_child *c = NULL;
    h->started_ms = s->sp->now_ms(s->sp->ctx);
    if (!push_command_line(&cmd, s->psexec, h->name, s->exe, s->o->argc, s->o->argv))
        wcopy(err, COUNTOF(err), L"the command line for PsExec is longer than Windows allows (32767 characters)");
    else
        c = s->sp->start(s->sp->ctx, s->psexec, cmd.s, err, COUNTOF(err));
    wbuf_free(&cmd);
    if (!c) {
        h->outcome = PUSH_START_FAILED;
        h->ended_ms = h->started_ms;
        wcopy(h->tail, COUNTOF(h->tail), err);
        if (s->report)
            s->report(s->report_ctx, s->list, h, h->ended_ms - s->t0);
        return;
    }
    h->outcome = PUSH_RUNNING;
    s->kids[s->running] = c;
    s->slots[s->running].host = h;
    s->slots[s->running].timed_out = s->slots[s->running].killed = FALSE;
    s->running++;
}

static void finish_slot(struct sched *s, unsigned k)
{
    struct slot *sl = &s->slots[k];
    struct push_host *h = sl->host;
    h->exit_code = s->sp->finish(s->sp->ctx, s->kids[k], h->tail, COUNTOF(h->tail));
    h->ended_ms = s->sp->now_ms(s->sp->ctx);
    h->outcome = sl->timed_out ? PUSH_TIMED_OUT : sl->killed ? PUSH_KILLED : PUSH_EXITED;
    s->running--;
    s->kids[k] = s->kids[s->running];
    s->slots[k] = s->slots[s->running];
    if (s->report)
        s->report(s->report_ctx, s->list, h, h->ended_ms - s->t0);
}

/* Ends the children over their time limit; returns how long the next wait may last. */
static DWORD enforce_limits(struct sched *s)
{
    DWORD now = s->sp->now_ms(s->sp->ctx), wait = 500, limit = s->o->timeout_s * 1000u;
    for (unsigned k = 0; k < s->running; k++) {
        struct slot *sl = &s->slots[k];
        if (sl->timed_out || sl->killed)
            continue;
        /* one that ended by itself, not yet finished because others were, is no timeout */
        if (push_overdue(sl->host->started_ms, now, s->o->timeout_s) &&
            s->sp->wait_any(s->sp->ctx, &s->kids[k], 1, 0) < 0) {
            sl->timed_out = TRUE;
            s->sp->kill(s->sp->ctx, s->kids[k]);
            continue;
        }
        DWORD left = limit - (now - sl->host->started_ms);
        if (left < wait)
            wait = left;
    }
    return wait;
}

static void kill_all(struct sched *s)
{
    for (unsigned k = 0; k < s->running; k++)
        if (!s->slots[k].timed_out && !s->slots[k].killed) {
            s->slots[k].killed = TRUE;
            s->sp->kill(s->sp->ctx, s->kids[k]);
        }
}

void push_run(struct push_list *list, const struct push_options *o, const wchar_t *psexec,
              const wchar_t *exe, const struct push_spawner *sp, volatile LONG *stop_requests,
              push_report_fn report, void *report_ctx)
{
    struct sched s;
    size_t next = 0, i;
    memset(&s, 0, sizeof s);
    s.list = list;
    s.o = o;
    s.psexec = psexec;
    s.exe = exe;
    s.sp = sp;
    s.report = report;
    s.report_ctx = report_ctx;
    s.t0 = sp->now_ms(sp->ctx);
    DWORD last_tick = s.t0;
    for (;;) {
        LONG stop = *stop_requests;
        if (stop >= 2)
            kill_all(&s);
        enum push_step step = push_next_step(list, next, s.running, o->parallel, stop >= 1, &i);
        if (step == PUSH_STEP_DONE)
            break;
        if (step == PUSH_STEP_START) {
            start_host(&s, &list->hosts[i]);
            next = i + 1;
            continue;
        }
        int k = sp->wait_any(sp->ctx, s.kids, s.running, enforce_limits(&s));
        if (k >= 0 && (unsigned)k < s.running)
            finish_slot(&s, (unsigned)k);
        DWORD now = sp->now_ms(sp->ctx);
        if (report && now - last_tick >= 1000) {
            last_tick = now;
            report(report_ctx, list, NULL, now - s.t0);
        }
    }
}

/* ---- the command ---- */

static volatile LONG stop_requests;
static BOOL console_out;

static BOOL WINAPI on_ctrl_c(DWORD event)
{
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT)
        return FALSE;   /* closing or logoff: the jobs end the PsExec processes with us */
    InterlockedIncrement(&stop_requests);
    return TRUE;
}

static void console_write(const wchar_t *text)
{
    DWORD done;
    WriteConsoleW(GetStdHandle(STD_OUTPUT_HANDLE), text, (DWORD)wcslen(text), &done, NULL);
}

/* The progress line is rewritten in place: padded to cover a longer previous one. */
static void progress_line(const struct push_list *list, DWORD elapsed_ms)
{
    wchar_t text[256], line[300];
    push_progress_text(list, elapsed_ms, text, COUNTOF(text));
    wfmt(line, COUNTOF(line), L"\r%-78ls", text);
    console_write(line);
}

static void host_line(const struct push_host *h, wchar_t *line, size_t cch)
{
    struct push_verdict v;
    wchar_t code[32] = L"", secs[32] = L"";
    push_classify(h, &v);
    if (v.p2vprep_ran)
        wfmt(code, COUNTOF(code), L"exit %lu, ", (unsigned long)h->exit_code);
    if (h->outcome != PUSH_START_FAILED)
        wfmt(secs, COUNTOF(secs), L"%lu s", (unsigned long)((h->ended_ms - h->started_ms + 500) / 1000));
    wfmt(line, cch, L"%ls: %ls (%ls%ls)", h->name, v.meaning, code, secs);
    if (v.psexec_failed && h->tail[0]) {
        wchar_t tail[PUSH_TAIL_CCH];
        wcopy(tail, COUNTOF(tail), h->tail);
        for (wchar_t *c = tail; *c; c++)
            if (*c == L'\r' || *c == L'\n')
                *c = L' ';
        size_t n = wcslen(line);
        wfmt(line + n, cch - n, L": %ls", tail);
    }
}

/* On a console: a line for each host that did not succeed, under a progress line that
 * is rewritten. Otherwise (a log, a pipe): one plain line per finished host. */
static void report_progress(void *ctx, const struct push_list *list, const struct push_host *h,
                            DWORD elapsed_ms)
{
    static LONG said_stop;
    wchar_t line[1024];
    (void)ctx;
    if (stop_requests != said_stop) {
        said_stop = stop_requests;
        if (console_out)
            console_write(L"\r");
        out_info(said_stop == 1 ? L"Ctrl+C: no more hosts are started; waiting for the running ones "
                                  L"(Ctrl+C again ends them)."
                                : L"Ctrl+C again: ending the running PsExec processes.");
    }
    if (h) {
        struct push_verdict v;
        push_classify(h, &v);
        host_line(h, line, COUNTOF(line));
        if (!console_out)
            out_info(L"%ls", line);
        else if (!(v.p2vprep_ran && h->exit_code == 0)) {
            console_write(L"\r");
            out_info(L"%-78ls", line);
        }
    }
    if (console_out)
        progress_line(list, elapsed_ms);
}

/* The host list file's bytes (hostlist_parse reads them). */
static DWORD read_list(const wchar_t *path, BYTE **data, DWORD *size)
{
    *data = NULL;
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return GetLastError();
    DWORD got = 0, e = ERROR_SUCCESS;
    *size = GetFileSize(f, NULL);
    if (*size == INVALID_FILE_SIZE || *size > HOSTLIST_MAX_BYTES)
        e = ERROR_FILE_TOO_LARGE;
    else if (!(*data = malloc(*size ? *size : 1)))
        e = ERROR_NOT_ENOUGH_MEMORY;
    else if (!ReadFile(f, *data, *size, &got, NULL) || got != *size)
        e = GetLastError() ? GetLastError() : ERROR_READ_FAULT;
    CloseHandle(f);
    if (e != ERROR_SUCCESS) {
        free(*data);
        *data = NULL;
    }
    return e;
}

/* PsExec: --psexec (a full path), else psexec.exe or PsExec64.exe in a PATH folder that is
 * absolute and neither this exe's folder nor the current one. */
static BOOL find_psexec(const wchar_t *given, const wchar_t *exe_dir, wchar_t *out, size_t cch)
{
    if (given) {
        DWORD a = GetFileAttributesW(given);
        return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY) && wcopy(out, cch, given);
    }
    static wchar_t path[32768];
    wchar_t cwd[MAX_PATH] = L"";
    DWORD n = GetEnvironmentVariableW(L"PATH", path, COUNTOF(path));
    if (n == 0 || n >= COUNTOF(path))
        return FALSE;
    GetCurrentDirectoryW(COUNTOF(cwd), cwd);
    static const wchar_t *const names[] = { L"psexec.exe", L"PsExec64.exe" };
    for (wchar_t *dir = path, *next; dir; dir = next) {
        next = wcschr(dir, L';');
        if (next)
            *next++ = 0;
        if (!push_path_entry_usable(dir, exe_dir, cwd))
            continue;
        size_t len = wcslen(dir);
        if (dir[0] == L'"') {   /* a quoted entry */
            dir[len - 1] = 0;
            dir++;
        }
        for (size_t k = 0; k < COUNTOF(names); k++) {
            DWORD got = SearchPathW(dir, names[k], NULL, (DWORD)cch, out, NULL);
            if (got && got < cch)
                return TRUE;
        }
    }
    return FALSE;
}

/* push-results.csv beside the host list unless --results says otherwise. */
static BOOL results_path(const struct push_options *o, wchar_t *out, size_t cch)
{
    wchar_t full[MAX_PATH], *name;
    if (o->results)
        return GetFullPathNameW(o->results, COUNTOF(full), full, &name) < COUNTOF(full) && wcopy(out, cch, full);
    DWORD n = GetFullPathNameW(o->hosts, COUNTOF(full), full, &name);
    if (n == 0 || n >= COUNTOF(full) || !name)
        return FALSE;
    *name = 0;
    return wfmt(out, cch, L"%lspush-results.csv", full) && wcslen(out) < cch - 1;
}

static BOOL folder_of_exists(const wchar_t *file)
{
    wchar_t dir[MAX_PATH];
    wcopy(dir, COUNTOF(dir), file);
    wchar_t *slash = wcsrchr(dir, L'\\');
    if (!slash)
        return TRUE;
    slash[slash == dir + 2 && dir[1] == L':' ? 1 : 0] = 0;   /* C:\ stays a root */
    DWORD a = GetFileAttributesW(dir);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

static void say_skipped(const struct push_options *o, const struct push_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct push_host *h = &list->hosts[i];
        if (h->outcome != PUSH_INVALID)
            continue;
        wchar_t shown[64];
        hostlist_shown(h->name, shown, COUNTOF(shown));
        out_error(L"p2vprep push: %ls line %u: \"%ls\" is not a host name: it %ls; skipped, and listed "
                  L"as invalid in the results.", o->hosts, h->line, shown, h->tail);
    }
    if (list->n_duplicates)
        out_info(L"%lu duplicate name(s) in %ls skipped: each host runs once.",
                 (unsigned long)list->n_duplicates, o->hosts);
}

static int prepare(const struct push_options *o, const wchar_t *exe, struct push_list *list,
                   wchar_t *psexec, wchar_t *results)
{
    wchar_t msg[512], exe_dir[MAX_PATH];
    BYTE *data = NULL;
    DWORD size = 0;
    results[0] = 0;
    DWORD e = read_list(o->hosts, &data, &size);
    if (e != ERROR_SUCCESS) {
        out_error(L"p2vprep push: cannot read the host list %ls: %ls Give a text file with one server "
                  L"name per line. Nothing was run.", o->hosts, win_error_text(e, msg, COUNTOF(msg)));
        return EXIT_USAGE;
    }
    e = push_hosts_parse(data, size, list);
    free(data);
    if (e == ERROR_INVALID_DATA) {
        out_error(L"p2vprep push: the host list %ls %ls. Nothing was run.", o->hosts, list->names.problem);
        return EXIT_USAGE;
    }
    if (e != ERROR_SUCCESS) {
        out_error(L"p2vprep push: out of memory reading %ls. Nothing was run.", o->hosts);
        return EXIT_USAGE;
    }
    say_skipped(o, list);
    if (list->n_valid == 0) {
        out_error(L"p2vprep push: no host names in %ls (one per line, # starts a comment). Nothing was run.",
                  o->hosts);
        return EXIT_USAGE;
    }
    DWORD attr = results_path(o, results, MAX_PATH) ? GetFileAttributesW(results) : INVALID_FILE_ATTRIBUTES;
    if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) {
        out_error(L"p2vprep push: the results file %ls is a folder. Give --results FILE, a file name. "
                  L"Nothing was run.", results);
        return EXIT_USAGE;
    }
    if (!results[0] || !folder_of_exists(results)) {
        out_error(L"p2vprep push: the results file %ls cannot be written: its folder does not exist. "
                  L"Give --results FILE in an existing folder. Nothing was run.",
                  o->results ? o->results : o->hosts);
        return EXIT_USAGE;
    }
    wcopy(exe_dir, COUNTOF(exe_dir), exe);
    wchar_t *slash = wcsrchr(exe_dir, L'\\');
    if (slash)
        *slash = 0;
    /* PsExec copies this exe to every host and runs it there as SYSTEM: whoever may write
     * its folder chooses what every host runs */
    wchar_t who[200];
    if (exe_dir[0] && secure_dir_writers(exe_dir, who, COUNTOF(who))) {
        out_error(L"p2vprep push: this exe's folder %ls can be written by %ls: PsExec would run whatever "
                  L"is there as SYSTEM on every host. Put p2vprep in a folder only Administrators and "
                  L"SYSTEM may write (for example under Program Files) and push from there. Nothing was run.",
                  exe_dir, who);
        return EXIT_USAGE;
    }
    if (!find_psexec(o->psexec, exe_dir, psexec, MAX_PATH)) {
        if (o->psexec)
            out_error(L"p2vprep push: PsExec not found at %ls. Give the full path of PsExec.exe "
                      L"(Sysinternals PsTools). Nothing was run.", o->psexec);
        else
            out_error(L"p2vprep push: psexec.exe not found in the PATH folders (looked in every absolute "
                      L"PATH entry except this exe's folder and the current folder). Install Sysinternals "
                      L"PsTools in such a folder, or give --psexec C:\\full\\path\\PsExec.exe. Nothing was run.");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static void say_totals(const struct push_list *list, const wchar_t *results, DWORD e, int rc)
{
    wchar_t text[256], msg[256];
    push_progress_text(list, 0, text, COUNTOF(text));
    wchar_t *cut = wcsstr(text, L"; ");   /* the counts, not the clock */
    if (cut)
        *cut = 0;
    if (e == ERROR_SUCCESS)
        out_info(L"%ls. Results: %ls (exit code %d)", text, results, rc);
    else
        out_error(L"p2vprep push: %ls, but the results file %ls could not be written: %ls", text, results,
                  win_error_text(e, msg, COUNTOF(msg)));
}

int push_command(int argc, wchar_t **argv, const wchar_t *exe)
{
    struct push_options o;
    struct push_list list = { 0 };
    wchar_t msg[1024], psexec[MAX_PATH], results[MAX_PATH];
    DWORD mode;
    int rc = push_parse_args(argc, argv, &o, msg, COUNTOF(msg));
    if (!rc)
        rc = push_check_command(&o, msg, COUNTOF(msg));
    if (rc) {
        out_error(L"p2vprep %ls. Try \"p2vprep --help\".", msg);
        return rc;
    }
    rc = prepare(&o, exe, &list, psexec, results);
    if (rc == EXIT_OK) {
        console_out = GetConsoleMode(GetStdHandle(STD_OUTPUT_HANDLE), &mode);
        out_info(L"Running on %lu host(s) through %ls, %u at a time, %u s each at most.",
                 (unsigned long)list.n_valid, psexec, o.parallel, o.timeout_s);
        SetConsoleCtrlHandler(on_ctrl_c, TRUE);
        push_run(&list, &o, psexec, exe, push_spawner_win32(), &stop_requests, report_progress, NULL);
        SetConsoleCtrlHandler(on_ctrl_c, FALSE);
        if (console_out)
            console_write(L"\n");
        struct wbuf csv = { 0 };
        push_csv(&list, &csv);
        DWORD e = csv.ok ? text_save_utf8(results, csv.s) : ERROR_NOT_ENOUGH_MEMORY;
        wbuf_free(&csv);
        rc = push_exit_code(&list);
        say_totals(&list, results, e, rc);
        if (e != ERROR_SUCCESS && rc == EXIT_OK)
            rc = EXIT_USAGE;
    }
    push_list_free(&list);
    return rc;
}
