/* push.h: the pure decisions of p2vprep push. No Win32 calls beyond string handling. */
#include "push.h"
#include "cli.h"
#include "exitcodes.h"
#include "summarize.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- host list ---- */

DWORD push_hosts_parse(const void *data, size_t size, struct push_list *list)
{
    memset(list, 0, sizeof *list);
    DWORD e = hostlist_parse(data, size, &list->names);
    if (e != ERROR_SUCCESS)
        return e;
    if (list->names.n && !(list->hosts = calloc(list->names.n, sizeof *list->hosts)))
        return ERROR_NOT_ENOUGH_MEMORY;
    for (size_t i = 0; i < list->names.n; i++) {
        const struct hostlist_entry *entry = &list->names.v[i];
        struct push_host *h = &list->hosts[i];
        h->name = entry->name;
        h->line = entry->line;
        if (entry->problem) {
            h->outcome = PUSH_INVALID;
            wcopy(h->tail, COUNTOF(h->tail), entry->problem);
        }
    }
    list->n = list->names.n;
    list->n_valid = list->names.n_valid;
    list->n_invalid = list->names.n_invalid;
    list->n_duplicates = list->names.n_duplicates;
    return ERROR_SUCCESS;
}

void push_list_free(struct push_list *list)
{
    hostlist_free(&list->names);
    free(list->hosts);
    memset(list, 0, sizeof *list);
}

/* ---- options ---- */

static int push_usage(wchar_t *err, size_t cch, const wchar_t *fmt, const wchar_t *arg)
{
    wfmt(err, cch, fmt, arg);
    return EXIT_USAGE;
}

static BOOL parse_number(const wchar_t *s, unsigned lo, unsigned hi, unsigned *out)
{
    wchar_t *end;
    if (!s || !*s || *s == L'-' || *s == L'+')
        return FALSE;
    unsigned long v = wcstoul(s, &end, 10);
    if (*end || v < lo || v > hi)
        return FALSE;
    *out = (unsigned)v;
    return TRUE;
}

int push_parse_args(int argc, wchar_t **argv, struct push_options *o, wchar_t *err, size_t cch)
{
    memset(o, 0, sizeof *o);
    o->parallel = PUSH_PARALLEL_DEFAULT;
    o->timeout_s = PUSH_TIMEOUT_DEFAULT;
    err[0] = 0;
    int i;
    for (i = 0; i < argc && wcscmp(argv[i], L"--") != 0; i++) {
        const wchar_t *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        BOOL number = _wcsicmp(a, L"--parallel") == 0 || _wcsicmp(a, L"--timeout") == 0;
        const wchar_t **slot = _wcsicmp(a, L"--hosts") == 0     ? &o->hosts
                               : _wcsicmp(a, L"--results") == 0 ? &o->results
                               : _wcsicmp(a, L"--psexec") == 0  ? &o->psexec
                                                                : NULL;
        if (!slot && !number)
            return push_usage(err, cch, L"push: unknown option \"%ls\" (the command for the hosts "
                              L"goes after \"--\")", a);
        if (!v || !*v || wcscmp(v, L"--") == 0)
            return push_usage(err, cch, L"push: %ls needs a value", a);
        i++;
        if (slot) {
            *slot = v;
        } else if (_wcsicmp(a, L"--parallel") == 0) {
            if (!parse_number(v, 1, PUSH_PARALLEL_MAX, &o->parallel))
                return push_usage(err, cch, L"push: --parallel is a number from 1 to 64, not \"%ls\"", v);
        } else if (!parse_number(v, 1, PUSH_TIMEOUT_MAX, &o->timeout_s)) {
            return push_usage(err, cch, L"push: --timeout is seconds, from 1 to 86400, not \"%ls\"", v);
        }
    }
    if (!o->hosts)
        return push_usage(err, cch, L"push needs %ls", L"--hosts FILE (one server name per line)");
    if (o->psexec && !push_path_is_absolute(o->psexec))
        return push_usage(err, cch, L"push: --psexec needs a full path (e.g. C:\\Tools\\PsExec.exe), "
                          L"not \"%ls\": a relative one would be looked up in the current folder", o->psexec);
    if (i >= argc || i + 1 >= argc)
        return push_usage(err, cch, L"push needs the command for each host after \"--\", e.g. %ls",
                          L"push --hosts hosts.txt -- check --target lsilogic --report \\\\fs\\p2v\\reports\\");
    o->argc = argc - (i + 1);
    o->argv = argv + i + 1;
    return 0;
}

int push_check_command(const struct push_options *o, wchar_t *err, size_t cch)
{
    wchar_t **argv = calloc((size_t)o->argc + 1, sizeof *argv), msg[512];
    struct options parsed;
    if (!argv)
        return push_usage(err, cch, L"push: %ls", L"out of memory");
    argv[0] = L"p2vprep";
    memcpy(argv + 1, o->argv, (size_t)o->argc * sizeof *argv);
    int rc = cli_parse(o->argc + 1, argv, &parsed, msg, COUNTOF(msg));
    free(argv);
    if (rc)
        return push_usage(err, cch, L"push: the command for the hosts: %ls", msg);
    if (parsed.command == CMD_PUSH || parsed.command == CMD_HELP || parsed.command == CMD_VERSION)
        return push_usage(err, cch, L"push: \"%ls\" is not a command to run on each host (plan, apply, "
                          L"check, rollback, find, targets or service are)", o->argv[0]);
    return 0;
}

/* ---- command lines ---- */

void push_quote_arg(struct wbuf *cmd, const wchar_t *arg)
{
    if (*arg && !wcspbrk(arg, L" \t\n\v\""))  {
        wbuf_add(cmd, arg);
        return;
    }
    wbuf_add(cmd, L"\"");
    for (const wchar_t *c = arg;; c++) {
        size_t slashes = 0;
        while (*c == L'\\') {
            slashes++;
            c++;
        }
        /* backslashes are literal unless a quote follows: before the closing quote or an
         * escaped one, each must be doubled */
        size_t copies = *c == 0 || *c == L'"' ? slashes * 2 : slashes;
        for (size_t k = 0; k < copies; k++)
            wbuf_add(cmd, L"\\");
        if (*c == 0)
            break;
        wbuf_add(cmd, *c == L'"' ? L"\\\"" : (wchar_t[]){ *c, 0 });
    }
    wbuf_add(cmd, L"\"");
}

BOOL push_command_line(struct wbuf *cmd, const wchar_t *psexec, const wchar_t *host,
                       const wchar_t *exe, int argc, wchar_t *const *argv)
{
    wchar_t unc[HOSTLIST_NAME_MAX + 3];
    wfmt(unc, COUNTOF(unc), L"\\\\%ls", host);
    push_quote_arg(cmd, psexec);
    wbuf_add(cmd, L" ");
    push_quote_arg(cmd, unc);
    wbuf_add(cmd, L" -accepteula -nobanner -s -c -f ");
    push_quote_arg(cmd, exe);
    for (int i = 0; i < argc; i++) {
        wbuf_add(cmd, L" ");
        push_quote_arg(cmd, argv[i]);
    }
    return cmd->ok && cmd->len < PUSH_CMDLINE_MAX;
}

BOOL push_path_is_absolute(const wchar_t *p)
{
    BOOL drive = ((p[0] >= L'A' && p[0] <= L'Z') || (p[0] >= L'a' && p[0] <= L'z')) && p[1] == L':' &&
                 (p[2] == L'\\' || p[2] == L'/');
    BOOL unc = (p[0] == L'\\' || p[0] == L'/') && (p[1] == L'\\' || p[1] == L'/') && p[2] &&
               p[2] != L'\\' && p[2] != L'/';
    return drive || unc;
}

BOOL push_path_entry_usable(const wchar_t *entry, const wchar_t *exe_dir, const wchar_t *cwd)
{
    wchar_t dir[MAX_PATH];
    size_t n = wcslen(entry);
    if (n >= 2 && entry[0] == L'"' && entry[n - 1] == L'"') {
        if (n - 1 > COUNTOF(dir))
            return FALSE;
        wmemcpy(dir, entry + 1, n - 2);
        dir[n - 2] = 0;
    } else if (!wcopy(dir, COUNTOF(dir), entry)) {
        return FALSE;
    }
    if (!push_path_is_absolute(dir) || wcsstr(dir, L"\\..") || wcsstr(dir, L"/.."))
        return FALSE;
    return !(exe_dir && *exe_dir && same_folder(dir, exe_dir)) && !(cwd && *cwd && same_folder(dir, cwd));
}

/* ---- what a run meant ---- */

const wchar_t *push_exit_meaning(DWORD code)
{
    static const wchar_t *const meanings[] = {
        L"done/ready", L"not ready", L"usage error or target unsupported", L"payload problem",
        L"not elevated or access denied", L"apply failed, rolled back",
        L"apply failed, rollback incomplete", L"busy: another p2vprep is running",
    };
    return code < COUNTOF(meanings) ? meanings[code] : L"unknown exit code";
}

int push_severity(int code)
{
    /* changes left half made first; then a failed apply; then hosts whose state nobody
     * knows (unreachable, timed out, not started, an unknown code); then the refusals, the
     * busy host, a wrong command; "not ready" is an answer, the mildest non-zero one */
    static const int order[] = { EXIT_OK, EXIT_NOT_READY, EXIT_USAGE, EXIT_BUSY, EXIT_PAYLOAD,
                                 EXIT_ACCESS, EXIT_PUSH_HOST_FAILED, EXIT_ROLLED_BACK,
                                 EXIT_ROLLBACK_INCOMPLETE };
    for (size_t i = 0; i < COUNTOF(order); i++)
        if (order[i] == code)
            return (int)i;
    return -1;
}

void push_classify(const struct push_host *h, struct push_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->severity_code = EXIT_PUSH_HOST_FAILED;
    switch (h->outcome) {
    case PUSH_WAITING:
        v->meaning = L"not started (stopped by Ctrl+C)";
        return;
    case PUSH_RUNNING:
    case PUSH_KILLED:
        v->meaning = L"stopped by Ctrl+C while running";
        return;
    case PUSH_TIMED_OUT:
        v->meaning = L"timed out";
        v->psexec_failed = h->tail[0] != 0;
        return;
    case PUSH_START_FAILED:
        v->meaning = L"psexec failed";
        v->psexec_failed = TRUE;
        return;
    case PUSH_INVALID:
        v->meaning = L"invalid host name";
        v->severity_code = EXIT_USAGE;
        return;
    case PUSH_EXITED:
        break;
    }
    BOOL said_exit = wcsstr(h->tail, L" with error code ") != NULL;
    BOOL p2v_code = h->exit_code <= EXIT_BUSY;
    if (said_exit || h->exit_code == 0 || (p2v_code && !h->tail[0])) {
        v->p2vprep_ran = TRUE;
        v->meaning = push_exit_meaning(h->exit_code);
        v->severity_code = p2v_code ? (int)h->exit_code : EXIT_PUSH_HOST_FAILED;
        return;
    }
    v->meaning = L"psexec failed";
    v->psexec_failed = TRUE;
}

/* The tail on one line: line breaks become " / ", blank lines and PsExec's own
 * "exited ... with error code" line left out. */
static void tail_one_line(const wchar_t *tail, wchar_t *out, size_t cch)
{
    wchar_t copy[PUSH_TAIL_CCH];
    struct wbuf b = { 0 };
    wcopy(copy, COUNTOF(copy), tail);
    for (wchar_t *line = copy, *next; line; line = next) {
        next = wcspbrk(line, L"\r\n");
        if (next)
            *next++ = 0;
        while (*line == L' ' || *line == L'\t')
            line++;
        if (!*line || wcsstr(line, L" with error code "))
            continue;
        if (b.len)
            wbuf_add(&b, L" / ");
        wbuf_add(&b, line);
    }
    wcopy_cut(out, cch, b.ok && b.s ? b.s : L"");
    wbuf_free(&b);
}

static DWORD host_seconds_x10(const struct push_host *h)
{
    return ((h->ended_ms - h->started_ms) + 50) / 100;
}

void push_csv(const struct push_list *list, struct wbuf *out)
{
    wbuf_add(out, L"host,exit_code,meaning,seconds,psexec_error\r\n");
    for (size_t i = 0; i < list->n; i++) {
        const struct push_host *h = &list->hosts[i];
        struct push_verdict v;
        wchar_t code[16] = L"", secs[24] = L"", err[PUSH_TAIL_CCH] = L"", meaning[192];
        push_classify(h, &v);
        if (v.p2vprep_ran)
            wfmt(code, COUNTOF(code), L"%lu", (unsigned long)h->exit_code);
        if (h->outcome == PUSH_EXITED || h->outcome == PUSH_TIMED_OUT || h->outcome == PUSH_KILLED) {
            DWORD t = host_seconds_x10(h);
            wfmt(secs, COUNTOF(secs), L"%lu.%lu", (unsigned long)(t / 10), (unsigned long)(t % 10));
        }
        if (h->outcome == PUSH_INVALID)
            wfmt(meaning, COUNTOF(meaning), L"%ls: %ls", v.meaning, h->tail);
        else
            wcopy(meaning, COUNTOF(meaning), v.meaning);
        if (v.psexec_failed)
            tail_one_line(h->tail, err, COUNTOF(err));
        summarize_csv_cell(out, h->name, FALSE);
        summarize_csv_cell(out, code, FALSE);
        summarize_csv_cell(out, meaning, FALSE);
        summarize_csv_cell(out, secs, FALSE);
        summarize_csv_cell(out, err, TRUE);
    }
}

int push_exit_code(const struct push_list *list)
{
    int worst = EXIT_OK;
    for (size_t i = 0; i < list->n; i++) {
        struct push_verdict v;
        push_classify(&list->hosts[i], &v);
        if (push_severity(v.severity_code) > push_severity(worst))
            worst = v.severity_code;
    }
    return worst;
}

/* ---- progress ---- */

long push_eta_s(size_t done, size_t total, DWORD elapsed_ms)
{
    if (done == 0 || done > total)
        return -1;
    double per_host = (double)elapsed_ms / 1000.0 / (double)done;
    return (long)(per_host * (double)(total - done) + 0.5);
}

static void clock_text(long s, wchar_t *buf, size_t cch)
{
    if (s < 0)
        wcopy(buf, cch, L"?");
    else if (s >= 3600)
        wfmt(buf, cch, L"%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        wfmt(buf, cch, L"%ld:%02ld", s / 60, s % 60);
}

void push_progress_text(const struct push_list *list, DWORD elapsed_ms, wchar_t *buf, size_t cch)
{
    size_t done = 0, ready = 0, not_ready = 0, failed = 0, running = 0;
    for (size_t i = 0; i < list->n; i++) {
        const struct push_host *h = &list->hosts[i];
        struct push_verdict v;
        if (h->outcome == PUSH_INVALID || h->outcome == PUSH_WAITING)
            continue;
        if (h->outcome == PUSH_RUNNING) {
            running++;
            continue;
        }
        done++;
        push_classify(h, &v);
        if (v.p2vprep_ran && h->exit_code == 0)
            ready++;
        else if (v.p2vprep_ran && h->exit_code == EXIT_NOT_READY)
            not_ready++;
        else
            failed++;
    }
    wchar_t elapsed[16], eta[16];
    clock_text((long)(elapsed_ms / 1000), elapsed, COUNTOF(elapsed));
    clock_text(push_eta_s(done, list->n_valid, elapsed_ms), eta, COUNTOF(eta));
    wfmt(buf, cch, L"%lu/%lu done: %lu ready, %lu not ready, %lu failed; %lu running; %ls elapsed, ETA %ls",
         (unsigned long)done, (unsigned long)list->n_valid, (unsigned long)ready, (unsigned long)not_ready,
         (unsigned long)failed, (unsigned long)running, elapsed, eta);
}

/* ---- scheduling ---- */

enum push_step push_next_step(const struct push_list *list, size_t next, unsigned running,
                              unsigned parallel, BOOL stopping, size_t *index)
{
    if (!stopping && running < parallel) {
        for (size_t i = next; i < list->n; i++)
            if (list->hosts[i].outcome == PUSH_WAITING) {
                *index = i;
                return PUSH_STEP_START;
            }
    }
    if (running)
        return PUSH_STEP_WAIT;
    return PUSH_STEP_DONE;
}

BOOL push_overdue(DWORD started_ms, DWORD now_ms, unsigned timeout_s)
{
    return (DWORD)(now_ms - started_ms) >= (DWORD)timeout_s * 1000u;
}
