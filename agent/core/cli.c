#include "cli.h"
#include "platforms.h"
#include "exitcodes.h"
#include "jsonin.h"
#include "text.h"
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

const wchar_t cli_usage[] =
    L"Usage: p2vprep <command> [options]\n"
    L"Makes the disk driver of a virtual machine's controller boot-start on this server\n"
    L"before it is converted (P2V), so the VM does not stop with 0x7B\n"
    L"INACCESSIBLE_BOOT_DEVICE.\n"
    L"\n"
    L"Commands:\n"
    L"  targets                        list the target controllers it knows\n"
    L"  plan     --target NAME[,NAME]  print every change apply would make; changes nothing\n"
    L"  apply    --target NAME[,NAME]  make the changes\n"
    L"  check    --target NAME[,NAME]  readiness verdict; changes nothing\n"
    L"  rollback                       undo the last apply exactly\n"
    L"  service install --target NAME[,NAME] [--mode apply|check] [options]\n"
    L"                                 run the job at each start as the service p2vprep\n"
    L"  service uninstall              remove the service (the journal stays)\n"
    L"  summarize DIR [--csv FILE] [--html FILE] [--hosts FILE] [--push-results FILE]\n"
    L"                                 one table of the reports (*.json) in DIR; hosts\n"
    L"                                 of the host list without a report are \"missing\";\n"
    L"                                 push results from FILE or DIR\\push-results.csv\n"
    L"  find                           list the offline Windows installations on this\n"
    L"                                 machine's volumes (a converted disk attached to a\n"
    L"                                 helper VM or WinPE)\n"
    L"  firstboot [--remove-ghost-nics] [--no-wait]\n"
    L"                                 the first-boot pass apply --keep-network registers\n"
    L"                                 (the service p2vprep-firstboot runs it at each start)\n"
    L"  push --hosts FILE [--parallel N] [--timeout S] [--psexec PATH] [--results FILE]\n"
    L"       -- <command and options>  run the command on every host of FILE (one name per\n"
    L"                                 line, # comments) through PsExec, N at a time (default\n"
    L"                                 16, at most 64), S seconds each at most (default 600);\n"
    L"                                 PsExec from --psexec (a full path) or PATH; results in\n"
    L"                                 push-results.csv beside FILE\n"
    L"  --version, --help, /?\n"
    L"\n"
    L"Options:\n"
    L"  --target all    (check, plan) every target: a table of what is ready\n"
    L"  --inf FILE      a target from the vendor driver's INF (its files beside it)\n"
    L"  --payload DIR   driver files (default: folder \"payload\" beside the exe);\n"
    L"                  looked up as DIR\\<x86|amd64>\\<file>, then DIR\\<file>\n"
    L"  --allow-unsigned  copy drivers without a signature to 64-bit Windows Vista+\n"
    L"  --allow-open-payload  take drivers from a payload or --inf folder that others than\n"
    L"                  Administrators and SYSTEM may write (apply refuses it otherwise)\n"
    L"  --renamed       rollback: this server was renamed since the apply\n"
    L"  --report FILE   write a JSON report (UTF-8); a folder (existing, or ending in \\)\n"
    L"                  gets <COMPUTERNAME>.json\n"
    L"  --offline PATH  plan, apply, check, rollback: work on the offline Windows at PATH\n"
    L"                  (its folder, F:\\WINDOWS, or a volume root, E:\\, whose boot.ini is\n"
    L"                  followed), or \"auto\": the only one find lists. Never touches\n"
    L"                  the running Windows\n"
    L"  --fix-boot-ini  (apply --offline) point boot.ini's default entry at the partition\n"
    L"                  that holds the Windows folder\n"
    L"  --san-policy online|keep  online: data disks come online on the new bus\n"
    L"                  (partmgr SanPolicy = 1, Vista and later); on by default for\n"
    L"                  hyperv and nvme; keep: leave the policy as it is\n"
    L"  --retire PLATFORM[,PLATFORM]  (plan, apply, check) the old platform's drivers and\n"
    L"                  services off in every control set and out of every device class's\n"
    L"                  filter lists: vmware, hyperv, xen, virtualbox, parallels. Never a\n"
    L"                  driver the disk boots through (the boot guard)\n"
    L"  --keep-network  (plan, apply, check) record every adapter's TCP/IP settings and\n"
    L"                  register the first-boot pass, which moves static addresses to the\n"
    L"                  VM's new adapter and clears them from the old one (--nic-map\n"
    L"                  OLD=NEW where the MAC changes and adapters are several;\n"
    L"                  --remove-ghost-nics: remove the old adapters' devices too)\n"
    L"  --crash-visible keep a blue screen on the console (CrashControl AutoReboot = 0)\n"
    L"  --no-ide        (hyperv, xen) leave out the emulated IDE set these targets\n"
    L"                  include for VMs that boot through it first\n"
    L"  --log FILE      append the output to FILE\n"
    L"  --json          one JSON object on stdout (the report, and changed, failed, msg,\n"
    L"                  rc, findings); the human text goes to stderr\n"
    L"  --exit-codes native|msi|dsc  msi: the Windows Installer codes Configuration\n"
    L"                  Manager and Intune read (0, 1618 busy: retry, 1603 failed, ...);\n"
    L"                  dsc: check's \"not ready\" exits 0, its verdict in the JSON\n"
    L"  --input JSON    the options as a JSON object ({\"targets\": [\"pvscsi\"],\n"
    L"                  \"payload\": \"C:\\\\p2v\\\\payload\"}), as DSC passes a resource's properties\n"
    L"  --quiet         print errors only\n"
    L"\n"
    L"Exit codes: 0 success (check: ready)  1 check: not ready  2 usage error\n"
    L"  3 payload problem  4 not elevated / access denied  5 apply failed, rolled back\n"
    L"  6 apply failed, rollback incomplete  7 another p2vprep is running\n"
    L"  8 push: a host was not done (unreachable, PsExec failed, timed out, not started)\n"
    L"  push exits with the most serious code of its hosts: 6 5 8 4 3 7 2 1 0\n";

static const struct { const wchar_t *name; enum command cmd; } commands[] = {
    { L"targets", CMD_TARGETS }, { L"plan", CMD_PLAN }, { L"apply", CMD_APPLY },
    { L"check", CMD_CHECK }, { L"rollback", CMD_ROLLBACK }, { L"find", CMD_FIND },
    { L"firstboot", CMD_FIRSTBOOT },
    { L"--version", CMD_VERSION }, { L"/version", CMD_VERSION },
    { L"--help", CMD_HELP }, { L"-h", CMD_HELP }, { L"/?", CMD_HELP }, { L"-?", CMD_HELP },
    { L"help", CMD_HELP },
};

const wchar_t *command_name(enum command c)
{
    if (c == CMD_SERVICE_INSTALL)
        return L"service install";
    if (c == CMD_SERVICE_UNINSTALL)
        return L"service uninstall";
    if (c == CMD_SUMMARIZE)
        return L"summarize";
    if (c == CMD_PUSH)
        return L"push";
    for (size_t i = 0; i < COUNTOF(commands); i++)
        if (commands[i].cmd == c)
            return commands[i].name;
    return L"?";
}

BOOL command_changes_machine(enum command c)
{
    return c == CMD_APPLY || c == CMD_ROLLBACK || c == CMD_SERVICE_INSTALL || c == CMD_SERVICE_UNINSTALL ||
           c == CMD_FIRSTBOOT;
}

static int usage_error(wchar_t *err, size_t cch, const wchar_t *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wfmtv(err, cch, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

static int parse_targets(const wchar_t *list, struct options *o, wchar_t *err, size_t cch)
{
    wchar_t buf[512];
    if (!wcopy(buf, COUNTOF(buf), list))
        return usage_error(err, cch, L"--target list too long: %ls", list);
    for (wchar_t *tok = buf, *next; tok; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        if (!*tok)
            continue;
        if (_wcsicmp(tok, L"all") == 0) {
            o->all = TRUE;
            for (size_t i = 0; i < p2v_n_targets && o->n_targets < P2V_TARGETS_MAX; i++) {
                BOOL dup = FALSE;
                for (size_t k = 0; k < o->n_targets; k++)
                    dup |= o->targets[k] == &p2v_targets[i];
                if (!dup)
                    o->targets[o->n_targets++] = &p2v_targets[i];
            }
            continue;
        }
        const struct target *t = target_find(tok);
        if (!t) {
            wchar_t known[256] = L"";
            for (size_t i = 0; i < p2v_n_targets; i++) {
                if (i)
                    wcscat(known, L", ");
                wcscat(known, p2v_targets[i].name);
            }
            wchar_t msg[512];
            wfmt(msg, COUNTOF(msg), L"unknown target \"%ls\" (known: %ls; see p2vprep targets)", tok, known);
            return usage_error(err, cch, L"%ls", msg);
        }
        BOOL dup = FALSE;
        for (size_t i = 0; i < o->n_targets; i++)
            dup |= o->targets[i] == t;
        if (!dup && o->n_targets < P2V_TARGETS_MAX)
            o->targets[o->n_targets++] = t;
    }
    if (o->n_targets == 0)
        return usage_error(err, cch, L"--target needs a name, e.g. --target %ls", p2v_targets[0].name);
    return 0;
}

/* --retire vmware[,xen]: the old platforms (platforms.c). */
static int parse_retire(const wchar_t *list, struct options *o, wchar_t *err, size_t cch)
{
    wchar_t buf[256];
    if (!wcopy(buf, COUNTOF(buf), list))
        return usage_error(err, cch, L"--retire list too long: %ls", list);
    for (wchar_t *tok = buf, *next; tok; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        if (!*tok)
            continue;
        const struct platform *pl = platform_find(tok);
        if (!pl) {
            wchar_t known[128] = L"";
            for (size_t i = 0; i < p2v_n_platforms; i++) {
                if (i)
                    wcsncat(known, L", ", COUNTOF(known) - wcslen(known) - 1);
                wcsncat(known, p2v_platforms[i].name, COUNTOF(known) - wcslen(known) - 1);
            }
            return usage_error(err, cch, L"unknown platform \"%ls\" for --retire (known: %ls)", tok, known);
        }
        BOOL dup = FALSE;
        for (size_t i = 0; i < o->policy.n_retire; i++)
            dup |= o->policy.retire[i] == pl;
        if (!dup && o->policy.n_retire < COUNTOF(o->policy.retire))
            o->policy.retire[o->policy.n_retire++] = pl;
    }
    if (!o->policy.n_retire)
        return usage_error(err, cch, L"--retire needs a platform, e.g. --retire %ls", p2v_platforms[0].name);
    return 0;
}

/* --nic-map 00-0C-29-7E-7E-D3=00-15-5D-01-02-03[,{GUID}=MAC]: which new adapter takes an old
 * adapter's settings at the first boot, where the MAC did not come along. */
static int parse_nic_map(const wchar_t *list, struct options *o, wchar_t *err, size_t cch)
{
    wchar_t buf[1024], why[160];
    if (!wcopy(buf, COUNTOF(buf), list))
        return usage_error(err, cch, L"--nic-map list too long: %ls", list);
    for (wchar_t *tok = buf, *next; tok; tok = next) {
        next = wcschr(tok, L',');
        if (next)
            *next++ = 0;
        if (!*tok)
            continue;
        if (o->n_nic_maps >= NET_MAPS_MAX)
            return usage_error(err, cch, L"--nic-map: at most %d entries", NET_MAPS_MAX);
        if (!net_map_parse(tok, &o->nic_maps[o->n_nic_maps], why, COUNTOF(why)))
            return usage_error(err, cch, L"--nic-map \"%ls\": %ls (OLD=NEW: the old adapter's MAC "
                               L"00-0C-29-7E-7E-D3 or {GUID}, = the new adapter's MAC)", tok, why);
        o->n_nic_maps++;
    }
    return 0;
}

/* Which command takes which option, stated once: the parser refuses an option a command
 * does not take, naming the commands that do. */
#define CMDS(c) (1u << (c))
#define ANY_COMMAND 0xFFFFu
#define TARGETED (CMDS(CMD_PLAN) | CMDS(CMD_APPLY) | CMDS(CMD_CHECK) | CMDS(CMD_SERVICE_INSTALL))
#define WATCHED (CMDS(CMD_PLAN) | CMDS(CMD_APPLY) | CMDS(CMD_CHECK))
#define FOR_TARGETED L"plan, apply, check and service install"
/* at every start, unattended: never with a driver Windows may refuse to load at boot, nor
 * from a folder others could fill */
#define FOR_WATCHED L"plan, apply and check, runs an administrator watches; never stored in a " \
                    L"service, which would use it unattended at every start"

enum opt_kind { OPT_FLAG, OPT_VALUE, OPT_TARGETS, OPT_SAN, OPT_MODE, OPT_PROFILE, OPT_INPUT, OPT_RETIRE,
                OPT_NIC_MAP };

struct option_spec {
    const wchar_t *name, *alias;
    enum opt_kind kind;
    size_t at;                 /* the field of struct options it sets */
    unsigned commands;         /* CMDS() of the commands that take it */
    const wchar_t *for_whom;   /* those commands, for the message */
};

#define AT(f) offsetof(struct options, f)
static const struct option_spec option_table[] = {
    { L"--target", L"--targets", OPT_TARGETS, 0, TARGETED, FOR_TARGETED },
    { L"--inf", NULL, OPT_VALUE, AT(inf), TARGETED, FOR_TARGETED },
    { L"--payload", NULL, OPT_VALUE, AT(payload), ANY_COMMAND, NULL },
    { L"--report", NULL, OPT_VALUE, AT(report), ANY_COMMAND, NULL },
    { L"--log", NULL, OPT_VALUE, AT(log), ANY_COMMAND, NULL },
    { L"--quiet", L"-q", OPT_FLAG, AT(quiet), ANY_COMMAND, NULL },
    { L"--json", NULL, OPT_FLAG, AT(json), ANY_COMMAND, NULL },
    { L"--exit-codes", NULL, OPT_PROFILE, 0, ANY_COMMAND, NULL },
    { L"--input", NULL, OPT_INPUT, 0, TARGETED | CMDS(CMD_ROLLBACK), FOR_TARGETED L" and rollback" },
    { L"--offline", NULL, OPT_VALUE, AT(offline),
      CMDS(CMD_PLAN) | CMDS(CMD_APPLY) | CMDS(CMD_CHECK) | CMDS(CMD_ROLLBACK), L"plan, apply, check and rollback" },
    { L"--fix-boot-ini", NULL, OPT_FLAG, AT(fix_boot_ini), CMDS(CMD_APPLY), L"apply --offline" },
    { L"--san-policy", NULL, OPT_SAN, 0, TARGETED, FOR_TARGETED },
    { L"--crash-visible", NULL, OPT_FLAG, AT(policy.crash_visible), TARGETED, FOR_TARGETED },
    { L"--no-ide", NULL, OPT_FLAG, AT(no_ide), TARGETED, FOR_TARGETED },
    { L"--allow-unsigned", NULL, OPT_FLAG, AT(policy.allow_unsigned), WATCHED, FOR_WATCHED },
    { L"--retire", NULL, OPT_RETIRE, 0, WATCHED, L"plan, apply and check" },
    { L"--keep-network", NULL, OPT_FLAG, AT(policy.keep_network), WATCHED, L"plan, apply and check" },
    { L"--nic-map", NULL, OPT_NIC_MAP, 0, WATCHED, L"plan, apply and check (with --keep-network)" },
    { L"--remove-ghost-nics", NULL, OPT_FLAG, AT(policy.remove_ghost_nics), WATCHED | CMDS(CMD_FIRSTBOOT),
      L"plan, apply and check (with --keep-network), and firstboot" },
    { L"--no-wait", NULL, OPT_FLAG, AT(no_wait), CMDS(CMD_FIRSTBOOT), L"firstboot" },
    { L"--allow-open-payload", NULL, OPT_FLAG, AT(allow_open_payload), WATCHED, FOR_WATCHED },
    { L"--renamed", NULL, OPT_FLAG, AT(renamed), CMDS(CMD_ROLLBACK), L"rollback" },
    { L"--mode", NULL, OPT_MODE, 0, CMDS(CMD_SERVICE_INSTALL), L"service install" },
    { L"--csv", NULL, OPT_VALUE, AT(csv), CMDS(CMD_SUMMARIZE), L"summarize" },
    { L"--html", NULL, OPT_VALUE, AT(html), CMDS(CMD_SUMMARIZE), L"summarize" },
    { L"--hosts", NULL, OPT_VALUE, AT(hosts), CMDS(CMD_SUMMARIZE), L"summarize" },
    { L"--push-results", NULL, OPT_VALUE, AT(push_results), CMDS(CMD_SUMMARIZE), L"summarize" },
};

static const struct option_spec *option_find(const wchar_t *a)
{
    for (size_t i = 0; i < COUNTOF(option_table); i++)
        if (!_wcsicmp(a, option_table[i].name) || (option_table[i].alias && !_wcsicmp(a, option_table[i].alias)))
            return &option_table[i];
    return NULL;
}

/* One option for the command parsed so far; value is NULL for a flag. */
static int apply_option(struct options *o, const struct option_spec *spec, const wchar_t *value,
                        wchar_t *err, size_t cch)
{
    if (!(spec->commands & CMDS(o->command)))
        return usage_error(err, cch, L"%ls takes no %ls (it is for %ls)", command_name(o->command),
                           spec->name, spec->for_whom);
    unsigned char *field = (unsigned char *)o + spec->at;
    switch (spec->kind) {
    case OPT_FLAG:
        *(BOOL *)field = TRUE;
        break;
    case OPT_VALUE:
        *(const wchar_t **)field = value;
        break;
    case OPT_TARGETS:
        return parse_targets(value, o, err, cch);
    case OPT_SAN:
        if (_wcsicmp(value, L"online") && _wcsicmp(value, L"keep"))
            return usage_error(err, cch, L"--san-policy is %ls", L"online or keep");
        o->policy.san_policy = _wcsicmp(value, L"online") ? SAN_KEEP : SAN_ONLINE;
        break;
    case OPT_PROFILE:
        if (!_wcsicmp(value, L"native"))
            o->exit_profile = EXIT_PROFILE_NATIVE;
        else if (!_wcsicmp(value, L"msi"))
            o->exit_profile = EXIT_PROFILE_MSI;
        else if (!_wcsicmp(value, L"dsc"))
            o->exit_profile = EXIT_PROFILE_DSC;
        else
            return usage_error(err, cch, L"--exit-codes is %ls", L"native, msi or dsc");
        break;
    case OPT_MODE:
        if (_wcsicmp(value, L"apply") && _wcsicmp(value, L"check"))
            return usage_error(err, cch, L"--mode is %ls", L"apply or check");
        o->service_mode = _wcsicmp(value, L"apply") ? CMD_CHECK : CMD_APPLY;
        break;
    case OPT_RETIRE:
        return parse_retire(value, o, err, cch);
    case OPT_NIC_MAP:
        return parse_nic_map(value, o, err, cch);
    case OPT_INPUT:
        break;
    }
    return 0;
}

/* --input JSON: the options as an engine passes a resource's properties (DSC v3), each
 * member named like its option without the dashes ("targets", "payload",
 * "allow_unsigned"): strings for values, true or false for switches, a list of strings or
 * one string for targets. Members starting with "_" are the engine's own and are skipped. */
static int apply_input(struct options *o, const wchar_t *json, wchar_t *err, size_t cch)
{
    struct json_member m[JSON_MEMBERS_MAX];
    size_t n;
    const wchar_t *why = json_members(json, m, JSON_MEMBERS_MAX, &n, &o->input_storage);
    if (why)
        return usage_error(err, cch, L"--input is not a JSON object of options: %ls", why);
    for (size_t i = 0; i < n; i++) {
        wchar_t name[48];
        if (m[i].name[0] == L'_' || m[i].kind == JSON_NULL)
            continue;
        if (!wfmt(name, COUNTOF(name), L"--%ls", m[i].name))
            return usage_error(err, cch, L"--input: unknown option \"%ls\"", m[i].name);
        for (wchar_t *c = name + 2; *c; c++)
            if (*c == L'_')
                *c = L'-';
        const struct option_spec *spec = option_find(name);
        if (!spec || spec->kind == OPT_INPUT)
            return usage_error(err, cch, L"--input: unknown option \"%ls\"", m[i].name);
        BOOL is_flag = spec->kind == OPT_FLAG;
        if (is_flag != (m[i].kind == JSON_BOOL) ||
            (m[i].kind == JSON_LIST && spec->kind != OPT_TARGETS && spec->kind != OPT_RETIRE &&
             spec->kind != OPT_NIC_MAP))
            return usage_error(err, cch, L"--input: \"%ls\" is %ls", m[i].name,
                               is_flag ? L"true or false" : spec->kind == OPT_TARGETS ? L"a list of target names"
                                                                                   : L"a string");
        if (is_flag && !m[i].boolean)
            continue;   /* false: the option left out */
        int rc = apply_option(o, spec, is_flag ? NULL : m[i].text, err, cch);
        if (rc)
            return rc;
    }
    return 0;
}

void cli_free(struct options *o)
{
    free(o->input_storage);
    o->input_storage = NULL;
}

int cli_parse(int argc, wchar_t **argv, struct options *o, wchar_t *err, size_t cch)
{
    memset(o, 0, sizeof *o);
    err[0] = 0;
    if (argc < 2)
        return usage_error(err, cch, L"a command is needed (%ls)", L"targets, plan, apply, check, rollback");

    BOOL found = FALSE;
    int first = 2;
    for (size_t i = 0; i < COUNTOF(commands) && !found; i++)
        if (_wcsicmp(argv[1], commands[i].name) == 0) {
            o->command = commands[i].cmd;
            found = TRUE;
        }
    if (!found && _wcsicmp(argv[1], L"service") == 0) {
        if (argc < 3 || (_wcsicmp(argv[2], L"install") && _wcsicmp(argv[2], L"uninstall")))
            return usage_error(err, cch, L"service needs %ls", L"install or uninstall");
        o->command = _wcsicmp(argv[2], L"install") ? CMD_SERVICE_UNINSTALL : CMD_SERVICE_INSTALL;
        o->service_mode = CMD_CHECK;
        found = TRUE;
        first = 3;
    }
    if (!found && _wcsicmp(argv[1], L"summarize") == 0) {
        if (argc < 3 || argv[2][0] == L'-')
            return usage_error(err, cch, L"summarize needs %ls", L"the folder of the reports");
        o->command = CMD_SUMMARIZE;
        o->dir = argv[2];
        found = TRUE;
        first = 3;
    }
    /* push has its options and then a whole command for the hosts: push.c reads them */
    if (!found && _wcsicmp(argv[1], L"push") == 0) {
        o->command = CMD_PUSH;
        o->push_argc = argc - 2;
        o->push_argv = argv + 2;
        return 0;
    }
    if (!found)
        return usage_error(err, cch, L"unknown command \"%ls\"", argv[1]);

    for (int i = first; i < argc; i++) {
        const struct option_spec *spec = option_find(argv[i]);
        if (!spec)
            return usage_error(err, cch, L"unknown option \"%ls\"", argv[i]);
        if (!(spec->commands & CMDS(o->command)))   /* before its value: the command is the mistake */
            return usage_error(err, cch, L"%ls takes no %ls (it is for %ls)", command_name(o->command),
                               spec->name, spec->for_whom);
        const wchar_t *value = NULL;
        if (spec->kind != OPT_FLAG) {
            if (i + 1 >= argc || argv[i + 1][0] == 0)
                return usage_error(err, cch, L"%ls needs a value", argv[i]);
            value = argv[++i];
        }
        int rc = spec->kind == OPT_INPUT ? apply_input(o, value, err, cch)
                                         : apply_option(o, spec, value, err, cch);
        if (rc)
            return rc;
    }

    /* Hyper-V Generation 1 and Xen HVM guests boot through emulated IDE first: the target
     * that needs it brings the ide set along unless told not to. */
    BOOL brings_ide = FALSE;
    for (size_t i = 0, n = o->n_targets; i < n; i++) {
        const struct target *also = o->targets[i]->boot_also ? target_find(o->targets[i]->boot_also) : NULL;
        brings_ide |= also != NULL;
        BOOL dup = FALSE;
        for (size_t k = 0; also && k < o->n_targets; k++)
            dup |= o->targets[k] == also;
        if (also && !dup && !o->no_ide && o->n_targets < P2V_TARGETS_MAX)
            o->targets[o->n_targets++] = also;
    }
    if (o->no_ide && !brings_ide)
        return usage_error(err, cch, L"--no-ide is for the targets that include the ide set (%ls)",
                           L"hyperv, xen");

    BOOL needs_targets = o->command == CMD_PLAN || o->command == CMD_APPLY || o->command == CMD_CHECK ||
                         o->command == CMD_SERVICE_INSTALL;
    if ((o->n_nic_maps || o->policy.remove_ghost_nics) && !o->policy.keep_network && o->command != CMD_FIRSTBOOT)
        return usage_error(err, cch, L"%ls are for the first-boot pass: add --keep-network",
                           L"--nic-map and --remove-ghost-nics");
    if (needs_targets && o->n_targets == 0 && !o->inf && !o->policy.n_retire && !o->policy.keep_network)
        return usage_error(err, cch, L"%ls needs --target NAME, --inf FILE, --retire PLATFORM or "
                           L"--keep-network (see p2vprep targets)",
                           command_name(o->command));
    if (o->fix_boot_ini && !o->offline)
        return usage_error(err, cch, L"--fix-boot-ini is for %ls", L"apply --offline");
    if (o->all && (o->command == CMD_APPLY || (o->command == CMD_SERVICE_INSTALL && o->service_mode == CMD_APPLY)))
        return usage_error(err, cch, L"%ls: name the targets to apply; \"all\" is for check and plan",
                           command_name(o->command));
    return 0;
}
