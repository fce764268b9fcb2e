/* push.h: the Win32 process seam. Each PsExec runs in a job object of its own (Windows
 * 2000 has them), so that a timeout ends it and whatever it started; its stdout and stderr
 * share one pipe, read by a thread that keeps the last few KB. Its stdin is NUL: PsExec
 * forwards its input to the remote program, which must not wait for a keyboard. */
#include "push.h"
#include "winerr.h"
#include <stdlib.h>
#include <string.h>

#define KEEP_BYTES 4096

struct push_child {
    HANDLE process, job, reader, pipe;
    CRITICAL_SECTION lock;
    char buf[2 * KEEP_BYTES];
    size_t len;
    BOOL cut;          /* the start of the output was dropped */
};

static DWORD WINAPI read_output(void *arg)
{
    struct push_child *c = arg;
    char chunk[1024];
    DWORD got;
    while (ReadFile(c->pipe, chunk, sizeof chunk, &got, NULL) && got) {
        EnterCriticalSection(&c->lock);
        if (c->len + got > sizeof c->buf) {   /* keep the newest KEEP_BYTES */
            size_t drop = c->len - KEEP_BYTES;
            memmove(c->buf, c->buf + drop, KEEP_BYTES);
            c->len = KEEP_BYTES;
            c->cut = TRUE;
        }
        memcpy(c->buf + c->len, chunk, got);
        c->len += got;
        LeaveCriticalSection(&c->lock);
    }
    return 0;
}

static void child_free(struct push_child *c)
{
    if (c->job)
        CloseHandle(c->job);
    if (c->process)
        CloseHandle(c->process);
    if (c->pipe)
        CloseHandle(c->pipe);
    DeleteCriticalSection(&c->lock);
    free(c);
}

/* A job that ends its processes when it is closed (and so when p2vprep ends); NULL where
 * the process cannot join one (older Windows inside another job): then only PsExec itself
 * can be ended. */
static HANDLE job_for(HANDLE process)
{
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (!job)
        return NULL;
    memset(&limits, 0, sizeof limits);
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    if (!AssignProcessToJobObject(job, process)) {
        CloseHandle(job);
        return NULL;
    }
    return job;
}

/* Only the main thread starts processes, and the write end is inheritable only for the
 * moment of its own child's CreateProcess: no child holds another's pipe open. */
static BOOL spawn(struct push_child *c, const wchar_t *app, wchar_t *cmd, wchar_t *err, size_t cch)
{
    SECURITY_ATTRIBUTES inherit = { sizeof inherit, NULL, TRUE };
    HANDLE rd = NULL, wr = NULL, wr_child = NULL, nul;
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    BOOL ok = FALSE;
    nul = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit, OPEN_EXISTING, 0, NULL);
    if (CreatePipe(&rd, &wr, NULL, 0) &&
        DuplicateHandle(GetCurrentProcess(), wr, GetCurrentProcess(), &wr_child, 0, TRUE, DUPLICATE_SAME_ACCESS)) {
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = nul;
        si.hStdOutput = si.hStdError = wr_child;
        /* a process group of its own: the operator's Ctrl+C reaches p2vprep, not PsExec */
        ok = CreateProcessW(app, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP, NULL,
                            NULL, &si, &pi);
    }
    DWORD e = GetLastError();
    if (wr)
        CloseHandle(wr);
    if (wr_child)
        CloseHandle(wr_child);
    if (nul != INVALID_HANDLE_VALUE)
        CloseHandle(nul);
    if (!ok) {
        if (rd)
            CloseHandle(rd);
        win_error_text(e, err, cch);
        return FALSE;
    }
    c->process = pi.hProcess;
    c->pipe = rd;
    c->job = job_for(pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    return TRUE;
}

static struct push_child *start(void *ctx, const wchar_t *app, const wchar_t *cmdline, wchar_t *err, size_t cch)
{
    (void)ctx;
    struct push_child *c = calloc(1, sizeof *c);
    wchar_t *cmd = _wcsdup(cmdline);   /* CreateProcessW may write to it */
    if (!c || !cmd) {
        free(c);
        free(cmd);
        win_error_text(ERROR_NOT_ENOUGH_MEMORY, err, cch);
        return NULL;
    }
    InitializeCriticalSection(&c->lock);
    BOOL ok = spawn(c, app, cmd, err, cch);
    free(cmd);
    if (!ok) {
        child_free(c);
        return NULL;
    }
    c->reader = CreateThread(NULL, 64 * 1024, read_output, c, 0, NULL);
    return c;
}

static int wait_any(void *ctx, struct push_child *const *children, unsigned n, DWORD ms)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS];
    (void)ctx;
    if (n == 0 || n > MAXIMUM_WAIT_OBJECTS) {
        Sleep(ms);
        return -1;
    }
    for (unsigned i = 0; i < n; i++)
        h[i] = children[i]->process;
    DWORD r = WaitForMultipleObjects(n, h, FALSE, ms);
    return r < WAIT_OBJECT_0 + n ? (int)(r - WAIT_OBJECT_0) : -1;
}

static void kill_child(void *ctx, struct push_child *c)
{
    (void)ctx;
    if (!c->job || !TerminateJobObject(c->job, ERROR_TIMEOUT))
        TerminateProcess(c->process, ERROR_TIMEOUT);
}

/* PsExec writes its own messages in the console's code page; p2vprep, through PsExec,
 * UTF-8. Whichever decodes. */
static void decode_tail(const char *bytes, size_t len, BOOL cut, wchar_t *tail, size_t cch)
{
    wchar_t *w = calloc(len + 1, sizeof *w);
    tail[0] = 0;
    if (!w)
        return;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, bytes, (int)len, w, (int)len);
    if (n <= 0)
        n = MultiByteToWideChar(CP_OEMCP, 0, bytes, (int)len, w, (int)len);
    w[n > 0 ? n : 0] = 0;
    const wchar_t *from = w;
    size_t total = wcslen(w);
    if (total >= cch)
        from = w + total - (cch - 1), cut = TRUE;
    if (cut && wcschr(from, L'\n'))   /* start at a whole line */
        from = wcschr(from, L'\n') + 1;
    wcopy(tail, cch, from);
    free(w);
}

static DWORD finish(void *ctx, struct push_child *c, wchar_t *tail, size_t cch)
{
    DWORD code = 0;
    (void)ctx;
    WaitForSingleObject(c->process, 5000);
    GetExitCodeProcess(c->process, &code);
    /* the pipe ends when the last process holding it has; a straggler outside the job
     * could hold it longer: the output read so far is used, and the child is left to the
     * thread */
    BOOL reader_done = !c->reader || WaitForSingleObject(c->reader, 5000) == WAIT_OBJECT_0;
    EnterCriticalSection(&c->lock);
    decode_tail(c->buf, c->len, c->cut, tail, cch);
    LeaveCriticalSection(&c->lock);
    if (c->reader)
        CloseHandle(c->reader);
    if (reader_done)
        child_free(c);
    return code;
}

static DWORD now_ms(void *ctx)
{
    (void)ctx;
    return GetTickCount();
}

const struct push_spawner *push_spawner_win32(void)
{
    static const struct push_spawner sp = { NULL, start, wait_any, kill_child, finish, now_ms };
    return &sp;
}
