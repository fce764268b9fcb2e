/* summarize on a fleet: writes N reports (default 10,000, about 3 KB each, in the format
 * of report.c, across Windows 2000 to Server 2022; every 100th one cut short) into a temp
 * folder, with a host list naming every report's host and N/20 hosts without one, and a
 * push-results.csv for every host; times summarize_dir, the joins and the three outputs
 * with QueryPerformanceCounter, prints the median of 5 runs, deletes the folder. Not a
 * test: toolchain/run bench runs it, or by hand:
 *   WINEPREFIX=... wine summarize_bench.exe [N] */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "summarize.h"
#include "text.h"

#define RUNS 5

static const char *const versions[] = { "5.0.2195", "5.2.3790", "6.1.7601", "10.0.17763", "10.0.20348" };
static const char *const targets[] = { "lsilogic", "lsisas1068", "pvscsi" };
static const char *const services[] = { "symmpi", "LSI_SAS", "pvscsi" };

static int report_text(char *buf, size_t cap, unsigned i)
{
    const char *ver = versions[i % 5], *arch = i % 3 ? "x86" : "x64";
    const char *target = targets[i % 3], *svc = services[i % 3];
    int ready = i % 4 != 0, n = 0;
#define ADD(...) (n += snprintf(buf + n, cap - n, __VA_ARGS__))
    ADD("{\n  \"version\": \"0.1.0\",\n  \"exe_arch\": \"%s\",\n  \"computer\": \"SRV%05u\",\n"
        "  \"time\": \"2026-11-29T23:%02u:00Z\",\n"
        "  \"command\": \"%s\",\n  \"targets\": [\"%s\"],\n"
        "  \"os\": {\"version\": \"%s\", \"service_pack\": 2, \"arch\": \"%s\", \"wow64\": false, "
        "\"systemroot\": \"C:\\\\WINDOWS\", \"product_type\": \"server\"},\n"
        "  \"control_sets\": [\"ControlSet001\", \"ControlSet002\", \"ControlSet003\"],\n"
        "  \"select\": {\"Current\": 1, \"Default\": 1, \"LastKnownGood\": 3, \"Failed\": 2},\n"
        "  \"payload_dir\": \"\\\\\\\\fs01\\\\p2v$\\\\payload\",\n"
        "  \"state_dir\": \"C:\\\\WINDOWS\\\\p2vprep\",\n  \"journal\": null,\n  \"changes\": [",
        arch, i, i % 60, i % 2 ? "check" : "apply", target, ver, arch);
    ADD("\n    {\"kind\": \"file\", \"target\": \"%s\", \"path\": \"C:\\\\WINDOWS\\\\system32\\\\drivers\\\\%s.sys\", "
        "\"name\": \"%s.sys\", \"type\": \"file\", \"old\": \"absent\", "
        "\"new\": \"\\\\\\\\fs01\\\\p2v$\\\\payload\\\\%s\\\\%s.sys\"}",
        target, svc, svc, arch[1] == '6' ? "amd64" : "x86", svc);
    for (int c = 0; c < 9; c++) {
        int set = c % 3 + 1;
        if (c < 6)
            ADD(",\n    {\"kind\": \"registry\", \"target\": \"%s\", \"control_set\": \"ControlSet%03d\", "
                "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet%03d\\\\Services\\\\%s\", \"name\": \"%s\", "
                "\"type\": \"REG_DWORD\", \"old_type\": \"REG_DWORD\", \"old\": 3, \"new\": 0}",
                target, set, set, svc, c < 3 ? "Start" : "Tag");
        else
            ADD(",\n    {\"kind\": \"registry\", \"target\": \"%s\", \"control_set\": \"ControlSet%03d\", "
                "\"path\": \"HKLM\\\\SYSTEM\\\\ControlSet%03d\\\\Control\\\\CriticalDeviceDatabase\\\\"
                "pci#ven_1000&dev_0030\", \"name\": \"ClassGUID\", \"type\": \"REG_SZ\", \"old_type\": null, "
                "\"old\": null, \"new\": \"{4D36E97B-E325-11CE-BFC1-08002BE10318}\"}",
                target, set, set);
    }
    ADD("\n  ],\n  \"problems\": [");
    for (int p = 0; !ready && p < 4; p++)
        ADD("%s\n    {\"code\": \"value-wrong\", \"message\": \"%s: ControlSet%03d: Services\\\\%s\\\\Start "
            "is 3 (REG_DWORD), needs 0 (REG_DWORD).\"}", p ? "," : "", target, p % 3 + 1, svc);
    ADD("%s],\n  \"ready\": %s,\n  \"exit_code\": %d,\n  \"writes\": %d,\n  \"elapsed_ms\": %u.%03u\n}\n",
        ready ? "" : "\n  ", ready ? "true" : "false", ready ? 0 : 1, i % 2 ? 0 : 18, 20 + i % 70, i % 1000);
#undef ADD
    if (i % 100 == 99)
        n = n * 2 / 3;                         /* a half-written report */
    return n;
}

static double ms(LARGE_INTEGER a, LARGE_INTEGER b, LARGE_INTEGER f)
{
    return (double)(b.QuadPart - a.QuadPart) * 1000.0 / (double)f.QuadPart;
}

static size_t utf8_size(const struct wbuf *b)
{
    int len = 0;
    char *s = b->s ? utf8_from_wide(b->s, &len) : NULL;
    free(s);
    return (size_t)len;
}

static void remove_dir(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(wfmt(pattern, COUNTOF(pattern), L"%ls\\*", dir), &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
                DeleteFileW(wfmt(path, COUNTOF(path), L"%ls\\%ls", dir, fd.cFileName));
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

struct timing { double dir, join, table, csv, html, total; };

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int by_total(const void *a, const void *b)
{
    double x = ((const struct timing *)a)->total, y = ((const struct timing *)b)->total;
    return x < y ? -1 : x > y;
}

/* What listing, opening, reading and closing the same files costs with nothing else done:
 * the floor any summarize has on this system (under Wine most of the total). ms, or -1. */
static double file_io_floor(const wchar_t *dir, LARGE_INTEGER f)
{
    wchar_t pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW fd;
    static char buf[1 << 16];
    LARGE_INTEGER t0, t1;
    wfmt(pattern, COUNTOF(pattern), L"%ls\\*.json", dir);
    QueryPerformanceCounter(&t0);
    HANDLE h = FindFirstFileW(pattern, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    do {
        DWORD done;
        HANDLE file = CreateFileW(wfmt(path, COUNTOF(path), L"%ls\\%ls", dir, fd.cFileName), GENERIC_READ,
                                  FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (file != INVALID_HANDLE_VALUE) {
            ReadFile(file, buf, sizeof buf, &done, NULL);
            CloseHandle(file);
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    QueryPerformanceCounter(&t1);
    return ms(t0, t1, f);
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 10000;
    wchar_t tmp[MAX_PATH], dir[MAX_PATH], path[MAX_PATH];
    static char text[16384];
    char **texts = NULL;
    int *lens = NULL;
    size_t bytes = 0;
    LARGE_INTEGER f, t[5];
    struct timing runs[RUNS];
    size_t sizes[3] = { 0, 0, 0 };
    struct summary s = { 0 };

    if (n == 0)
        n = 10000;
    /* the wave's host list (every host, and n/20 that wrote no report) and push results */
    unsigned gone = n / 20;
    char *hosts_txt = malloc((size_t)(n + gone) * 16 + 64), *push_csv = malloc((size_t)(n + gone) * 80 + 64);
    size_t hosts_len = 0, push_len = 0;
    if (!hosts_txt || !push_csv)
        return 1;
    push_len += (size_t)sprintf(push_csv, "host,exit_code,meaning,seconds,psexec_error\r\n");
    for (unsigned i = 0; i < n + gone; i++) {
        const char *name = i < n ? "SRV" : "GONE";
        unsigned k = i < n ? i : i - n;
        hosts_len += (size_t)sprintf(hosts_txt + hosts_len, "%s%05u\r\n", name, k);
        if (i < n)
            push_len += (size_t)sprintf(push_csv + push_len, "srv%05u,%d,%s,%u.%u,\r\n", k, i % 4 ? 0 : 1,
                                        i % 4 ? "ready" : "not ready", 5 + i % 30, i % 10);
        else
            push_len += (size_t)sprintf(push_csv + push_len, "%s%05u,53,\"psexec failed: The network path "
                                        "was not found.\",21.0,The network path was not found.\r\n", name, k);
    }
    QueryPerformanceFrequency(&f);
    GetTempPathW(MAX_PATH, tmp);
    wfmt(dir, COUNTOF(dir), L"%lsp2v-summarize-bench-%lu", tmp, (unsigned long)GetCurrentProcessId());
    if (!CreateDirectoryW(dir, NULL)) {
        fprintf(stderr, "cannot create %ls (%lu)\n", dir, (unsigned long)GetLastError());
        return 1;
    }
    texts = calloc(n, sizeof *texts);
    lens = calloc(n, sizeof *lens);
    for (unsigned i = 0; i < n; i++) {
        int len = report_text(text, sizeof text, i);
        if (texts && lens && (texts[i] = malloc(len))) {
            memcpy(texts[i], text, len);
            lens[i] = len;
        }
        DWORD done;
        HANDLE h = CreateFileW(wfmt(path, COUNTOF(path), L"%ls\\SRV%05u.json", dir, i), GENERIC_WRITE, 0,
                               NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE || !WriteFile(h, text, (DWORD)len, &done, NULL)) {
            fprintf(stderr, "cannot write %ls (%lu)\n", path, (unsigned long)GetLastError());
            remove_dir(dir);
            return 1;
        }
        CloseHandle(h);
        bytes += (size_t)len;
    }

    for (int r = 0; r < RUNS; r++) {
        struct wbuf table = { 0 }, csv = { 0 }, html = { 0 };
        struct wave_hosts hosts = { 0 }, pushed = { 0 };
        struct summarize_log log = { 0 };
        LARGE_INTEGER tj;
        QueryPerformanceCounter(&t[0]);
        DWORD rc = summarize_dir(dir, &s);
        QueryPerformanceCounter(&tj);
        if (rc == ERROR_SUCCESS)
            rc = summarize_parse_hosts(hosts_txt, hosts_len, L"hosts.txt", &hosts, &log);
        if (rc == ERROR_SUCCESS)
            rc = summarize_parse_push(push_csv, push_len, L"push-results.csv", &pushed, &log);
        if (rc == ERROR_SUCCESS)
            rc = summarize_join(&s, &hosts, &pushed, L"push-results.csv", &log);
        wave_hosts_free(&hosts);
        wave_hosts_free(&pushed);
        QueryPerformanceCounter(&t[1]);
        summarize_table(&s, &table);
        QueryPerformanceCounter(&t[2]);
        summarize_csv(&s, &csv);
        QueryPerformanceCounter(&t[3]);
        summarize_html(&s, &html);
        QueryPerformanceCounter(&t[4]);
        if (rc != ERROR_SUCCESS || s.n != n + gone || s.missing != gone || log.n || !table.ok || !csv.ok ||
            !html.ok) {
            fprintf(stderr, "summarize failed: rc %lu, %lu of %u reports\n", (unsigned long)rc,
                    (unsigned long)s.n, n);
            remove_dir(dir);
            return 1;
        }
        runs[r].dir = ms(t[0], tj, f);
        runs[r].join = ms(tj, t[1], f);
        runs[r].table = ms(t[1], t[2], f);
        runs[r].csv = ms(t[2], t[3], f);
        runs[r].html = ms(t[3], t[4], f);
        runs[r].total = ms(t[0], t[4], f);
        if (r == RUNS - 1) {
            sizes[0] = utf8_size(&table);
            sizes[1] = utf8_size(&csv);
            sizes[2] = utf8_size(&html);
            printf("%lu ready, %lu not ready, %lu invalid, %lu missing\n", (unsigned long)s.ready,
                   (unsigned long)s.not_ready, (unsigned long)s.invalid, (unsigned long)s.missing);
        }
        wbuf_free(&table);
        wbuf_free(&csv);
        wbuf_free(&html);
        summary_free(&s);
    }
    double floors[RUNS];
    for (int r = 0; r < RUNS; r++)
        floors[r] = file_io_floor(dir, f);
    qsort(floors, RUNS, sizeof floors[0], by_double);
    remove_dir(dir);

    /* the parser alone, on the same bytes in memory */
    double parse_ms = 0;
    if (texts && lens) {
        struct host_row *row = malloc(sizeof *row);
        QueryPerformanceCounter(&t[0]);
        for (unsigned i = 0; row && i < n; i++)
            if (texts[i])
                summarize_parse(texts[i], (size_t)lens[i], row);
        QueryPerformanceCounter(&t[1]);
        parse_ms = ms(t[0], t[1], f);
        free(row);
        for (unsigned i = 0; i < n; i++)
            free(texts[i]);
    }
    free(texts);
    free(lens);
    free(hosts_txt);
    free(push_csv);

    struct timing first = runs[0];
    qsort(runs, RUNS, sizeof runs[0], by_total);
    const struct timing *m = &runs[RUNS / 2];
    printf("summarize: %u reports + %u missing in %.1f ms (read+parse %.1f, host list and push results "
           "%.1f, table %.1f, csv %.1f, html %.1f); median of %d runs\n", n, gone, m->total, m->dir, m->join,
           m->table, m->csv, m->html, RUNS);
    printf("first run: %.1f ms (read+parse %.1f); parse alone, from memory: %.1f ms\n", first.total,
           first.dir, parse_ms);
    printf("file I/O alone (list, open, read, close each report, nothing else): %.1f ms; summarize above "
           "it: %.1f ms (aim: all of it under 1 s)\n", floors[RUNS / 2], m->total - floors[RUNS / 2]);
    printf("input %lu KB (%lu bytes a report); output UTF-8: table %lu KB, csv %lu KB, html %lu KB\n",
           (unsigned long)(bytes / 1024), (unsigned long)(bytes / n), (unsigned long)(sizes[0] / 1024),
           (unsigned long)(sizes[1] / 1024), (unsigned long)(sizes[2] / 1024));
    return 0;
}
