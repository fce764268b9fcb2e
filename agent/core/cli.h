/* The command line, parsed into options. Pure: no Win32 calls. */
#ifndef P2V_CLI_H
#define P2V_CLI_H
#include "targets.h"
#include "exitcodes.h"
#include "netid.h"

#define P2V_TARGETS_MAX 16

enum command {
    CMD_HELP, CMD_VERSION, CMD_TARGETS, CMD_PLAN, CMD_APPLY, CMD_CHECK, CMD_ROLLBACK,
    CMD_SERVICE_INSTALL, CMD_SERVICE_UNINSTALL, CMD_SUMMARIZE, CMD_FIND, CMD_PUSH,
    CMD_FIRSTBOOT,   /* the first-boot pass of --keep-network, as its service runs it */
};

struct options {
    enum command command;
    const struct target *targets[P2V_TARGETS_MAX];
    size_t n_targets;
    const wchar_t *payload;   /* NULL: folder "payload" beside the exe */
    const wchar_t *report;
    const wchar_t *log;
    const wchar_t *inf;       /* --inf: a target from a vendor INF */
    BOOL quiet;
    BOOL json;                /* --json: one JSON object on stdout, human text on stderr */
    enum exit_profile exit_profile;   /* --exit-codes native|msi|dsc */
    wchar_t *input_storage;           /* --input: the strings its members point into */
    BOOL all;                 /* --target all */
    BOOL allow_open_payload;  /* payload or --inf folder others may write: used anyway */
    BOOL renamed;               /* rollback --renamed: a journal written under another computer name */
    enum command service_mode;  /* service install --mode: CMD_APPLY or CMD_CHECK */
    const wchar_t *dir;         /* summarize DIR */
    const wchar_t *csv, *html;  /* summarize --csv, --html */
    const wchar_t *hosts;       /* summarize --hosts: the wave's host list */
    const wchar_t *push_results;/* summarize --push-results (else DIR\push-results.csv) */
    const wchar_t *offline;     /* --offline: a Windows folder, a volume root, or "auto" */
    BOOL fix_boot_ini;          /* apply --offline: correct boot.ini's partition(N) */
    struct policy policy;       /* --allow-unsigned, --san-policy, --crash-visible */
    BOOL no_wait;               /* firstboot --no-wait: decide from the adapters present now */
    BOOL no_ide;                /* --no-ide: leave out the targets' boot_also ("ide") */
    struct net_map nic_maps[NET_MAPS_MAX];   /* --nic-map OLD=NEW[,OLD=NEW] (apply --keep-network) */
    int n_nic_maps;
    int push_argc;              /* push: the words after "push", parsed by push.c */
    wchar_t **push_argv;
};

/* Returns 0, or EXIT_USAGE with a one-line message in err. */
int cli_parse(int argc, wchar_t **argv, struct options *o, wchar_t *err, size_t cch);
/* Releases what cli_parse allocated (the strings of --input). */
void cli_free(struct options *o);
const wchar_t *command_name(enum command c);
/* The exe asks for no elevation (asInvoker): summarize parses other machines' reports, and
 * targets, help, plan and check change nothing. Commands that change the machine check the
 * caller's rights themselves (exit 4). */
BOOL command_changes_machine(enum command c);
extern const wchar_t cli_usage[];
#endif
