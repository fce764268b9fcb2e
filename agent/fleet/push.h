/* `p2vprep push`: runs one p2vprep command on every server of a host list through PsExec,
 * several at a time, each within a time limit, and writes push-results.csv.
 *
 * The decisions (host list, options, command lines, what a PsExec run meant, which exit
 * code wins, the CSV, the ETA) are pure functions below; starting, waiting for and ending
 * PsExec processes goes through struct push_spawner (push_win32.c on Windows, a fake in
 * the unit tests). */
#ifndef P2V_PUSH_H
#define P2V_PUSH_H
#include <windows.h>
#include "hostlist.h"
#include "text.h"

#define PUSH_PARALLEL_DEFAULT 16
#define PUSH_PARALLEL_MAX     64      /* WaitForMultipleObjects waits for at most 64 */
#define PUSH_TIMEOUT_DEFAULT  600     /* seconds per host */
#define PUSH_TIMEOUT_MAX      86400
#define PUSH_TAIL_CCH         512     /* what is kept of PsExec's output per host */
#define PUSH_CMDLINE_MAX      32767   /* CreateProcess' limit, terminator included */

enum push_outcome {
    PUSH_WAITING,        /* not started (yet, or ever: stopped by Ctrl+C) */
    PUSH_RUNNING,
    PUSH_EXITED,         /* PsExec ended by itself: exit_code and tail tell what happened */
    PUSH_TIMED_OUT,      /* over the time limit: PsExec and what it started were ended */
    PUSH_KILLED,         /* ended by a second Ctrl+C */
    PUSH_START_FAILED,   /* PsExec could not be started: tail holds the reason */
    PUSH_INVALID,        /* not a host name: tail holds why; never run */
};

struct push_host {
    const wchar_t *name;           /* points into the host list's text */
    unsigned line;                 /* 1-based line in the host list */
    enum push_outcome outcome;
    DWORD exit_code;               /* PUSH_EXITED only */
    DWORD started_ms, ended_ms;    /* the spawner's clock */
    wchar_t tail[PUSH_TAIL_CCH];   /* the last lines PsExec printed, or why it never ran */
};

struct push_list {
    struct hostlist names;         /* the host list as read; hosts[].name points into it */
    struct push_host *hosts;       /* in host-list order, invalid names included */
    size_t n;
    size_t n_valid;                /* hosts to run */
    size_t n_duplicates, n_invalid;
};

/* The host list file's bytes, read by hostlist_parse (hostlist.h: the one reader and name
 * rule, shared with summarize): one host per entry, in file order; a line that is no
 * host name is a PUSH_INVALID host whose tail says why (it is never run). Returns
 * ERROR_SUCCESS, ERROR_INVALID_DATA (list->names.problem says why the file is no host
 * list) or ERROR_NOT_ENOUGH_MEMORY. Free list with push_list_free in any case. */
DWORD push_hosts_parse(const void *data, size_t size, struct push_list *list);
void push_list_free(struct push_list *list);

struct push_options {
    const wchar_t *hosts;          /* --hosts FILE */
    const wchar_t *results;        /* --results FILE; NULL: push-results.csv beside the list */
    const wchar_t *psexec;         /* --psexec PATH (absolute); NULL: searched on PATH */
    unsigned parallel;             /* --parallel N */
    unsigned timeout_s;            /* --timeout S */
    int argc;                      /* the command for each host, after "--" */
    wchar_t **argv;
};

/* argv: the words after "push". Returns 0, or EXIT_USAGE with a one-line message in err.
 * The command after "--" is not checked here (push_check_command does that). */
int push_parse_args(int argc, wchar_t **argv, struct push_options *o, wchar_t *err, size_t cch);
/* The command for the hosts, checked as p2vprep would check it on each host, so that a
 * mistake is one message here rather than one failure per server. */
int push_check_command(const struct push_options *o, wchar_t *err, size_t cch);

/* Adds arg to cmd the way CommandLineToArgvW and the C runtime read it back: bare when it
 * holds no space, tab, line break or quote and is not empty; else quoted, with quotes
 * escaped and the backslashes before a quote (or the closing quote) doubled. */
void push_quote_arg(struct wbuf *cmd, const wchar_t *arg);
/* "<psexec>" \\host -accepteula -nobanner -s -c -f "<exe>" <args...>. FALSE when the
 * line would be longer than CreateProcess takes (or out of memory). */
BOOL push_command_line(struct wbuf *cmd, const wchar_t *psexec, const wchar_t *host,
                       const wchar_t *exe, int argc, wchar_t *const *argv);

/* A PATH entry where PsExec may be looked for: absolute (X:\... or \\server\share...),
 * and neither the folder of the p2vprep exe nor the current folder (a download folder
 * must not be able to supply a psexec.exe). entry may be quoted. */
BOOL push_path_entry_usable(const wchar_t *entry, const wchar_t *exe_dir, const wchar_t *cwd);
BOOL push_path_is_absolute(const wchar_t *path);

/* What a finished host's run meant, for the CSV and the summary line. */
struct push_verdict {
    const wchar_t *meaning;        /* "done/ready", "not ready", "timed out", ... */
    BOOL p2vprep_ran;              /* exit_code is p2vprep's own */
    BOOL psexec_failed;            /* psexec_error is worth a column */
    int severity_code;             /* the exit code this host contributes to push's own */
};
/* PsExec reports the remote program's exit code as its own and prints
 * "<exe> exited on <host> with error code N." when the program ran. Its own failures
 * (host unreachable, access denied, service not started) print an error and exit with a
 * Win32 error code, which may be a number p2vprep also uses (5 = access denied). So: the
 * "with error code" line, or exit 0, or a p2vprep code with nothing printed, means
 * p2vprep ran and its code counts; anything else is a PsExec failure. */
void push_classify(const struct push_host *h, struct push_verdict *v);
/* The meaning of a p2vprep exit code, as in the README's table. */
const wchar_t *push_exit_meaning(DWORD code);
/* How serious an exit code is: higher wins (push exits with the most serious one seen). */
int push_severity(int exit_code);

/* RFC 4180, UTF-8 without a byte order mark, CRLF line ends: the header
 *   host,exit_code,meaning,seconds,psexec_error
 * then one record per host in host-list order (duplicates left out), cells through
 * summarize_csv_cell. exit_code is blank unless p2vprep ran; seconds is blank for a host
 * never started. */
void push_csv(const struct push_list *list, struct wbuf *out);
/* The exit code of the whole push: 0 when every host's p2vprep exited 0, else the most
 * serious code any host contributed (an invalid name counts as a usage error). */
int push_exit_code(const struct push_list *list);

/* Seconds left, from the pace so far; -1 when nothing has finished yet. */
long push_eta_s(size_t done, size_t total, DWORD elapsed_ms);
/* "12/300 done: 9 ready, 2 not ready, 1 failed; 16 running; 0:41 elapsed, ETA 16:08" */
void push_progress_text(const struct push_list *list, DWORD elapsed_ms, wchar_t *buf, size_t cch);

/* The scheduler's decision: start host *index, wait, or stop (nothing runs, nothing
 * more will be started). stopping: Ctrl+C asked for no new starts. */
enum push_step { PUSH_STEP_START, PUSH_STEP_WAIT, PUSH_STEP_DONE };
enum push_step push_next_step(const struct push_list *list, size_t next, unsigned running,
                              unsigned parallel, BOOL stopping, size_t *index);
/* TRUE when a host started at started_ms is over its limit at now_ms (wraps safely). */
BOOL push_overdue(DWORD started_ms, DWORD now_ms, unsigned timeout_s);

/* The process seam. A child is PsExec for one host, with its output captured. */
struct push_child;
struct push_spawner {
    void *ctx;
    /* Starts app (a full path) with cmdline; NULL with the reason in err when it cannot. */
    struct push_child *(*start)(void *ctx, const wchar_t *app, const wchar_t *cmdline, wchar_t *err,
                                size_t cch);
    /* Waits up to ms for any of the n children to end: its index, or -1. */
    int (*wait_any)(void *ctx, struct push_child *const *children, unsigned n, DWORD ms);
    /* Ends the child and everything it started (it still has to be finished). */
    void (*kill)(void *ctx, struct push_child *c);
    /* Once it ended: its exit code and the tail of its output; frees it. */
    DWORD (*finish)(void *ctx, struct push_child *c, wchar_t *tail, size_t cch);
    DWORD (*now_ms)(void *ctx);
};

/* Called after each host ends (and, with host NULL, every second or so). */
typedef void (*push_report_fn)(void *ctx, const struct push_list *list, const struct push_host *host,
                               DWORD elapsed_ms);

/* Runs every valid host of list. *stop_requests is read at each step: 1 = start no more,
 * wait for those running; 2 or more = end the running ones too. */
void push_run(struct push_list *list, const struct push_options *o, const wchar_t *psexec,
              const wchar_t *exe, const struct push_spawner *sp, volatile LONG *stop_requests,
              push_report_fn report, void *report_ctx);

/* The push command (main.c): exe is the running p2vprep. Returns the exit code. */
int push_command(int argc, wchar_t **argv, const wchar_t *exe);
/* The Win32 spawner: a job object per child where Windows allows one, the output read
 * through a pipe by a thread. */
const struct push_spawner *push_spawner_win32(void);
#endif
