/* p2vprep: makes a virtual disk controller's driver boot-start before P2V. */
#include "backend.h"
#include "cli.h"
#include "dynapi.h"
#include "engine.h"
#include "exitcodes.h"
#include "out.h"
#include "report.h"
#include "text.h"
#include "winerr.h"
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
        for (size_t k = 0; k < t->n_rules; k++) {
            const struct target_rule *r = &t->rules[k];
            wchar_t gens[96] = L"", line[512];
            for (unsigned g = GEN_NT5; g <= GEN_NT62; g <<= 1)
                if (r->gens & g) {
                    if (gens[0])
                        wcscat(gens, L" + ");
                    wcscat(gens, gen_name(g));
                }
            if (r->archs != ARCH_ALL) {
                wcscat(gens, L", ");
                wcscat(gens, arch_name(r->archs));
            }
            if (r->refusal) {
                out_info(L"  %ls: refused: %ls", gens, r->refusal);
                continue;
            }
            line[0] = 0;
            for (size_t n = 0; n < r->n_services; n++) {
                wchar_t one[160];
                wfmt(one, COUNTOF(one), L"%ls%ls (%ls %ls)", n ? L", " : L"", r->services[n].name,
                     source_name(r->services[n].source), r->services[n].file);
                wcsncat(line, one, COUNTOF(line) - wcslen(line) - 1);
            }
            if (r->package_inf) {
                wchar_t one[160];
                wfmt(one, COUNTOF(one), L" + %ls with its catalog", r->package_inf);
                wcsncat(line, one, COUNTOF(line) - wcslen(line) - 1);
            }
            out_info(L"  %ls: %ls%ls", gens, line,
                     k + 1 < t->n_rules && (t->rules[k + 1].gens & r->gens) && !t->rules[k + 1].refusal
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

int wmain(int argc, wchar_t **argv)
{
    struct options opt;
    wchar_t msg[1024];
    int rc = cli_parse(argc, argv, &opt, msg, COUNTOF(msg));
    if (rc) {
        out_error(L"p2vprep: %ls. Try \"p2vprep --help\".", msg);
        return rc;
    }
    out_set_quiet(opt.quiet);
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

    if (opt.log && !out_open_log(opt.log)) {
        out_error(L"p2vprep: cannot open log file %ls: %ls", opt.log,
                  win_error_text(GetLastError(), msg, COUNTOF(msg)));
        return EXIT_USAGE;
    }
    /* One p2vprep per machine: two applies interleaving journals would make rollback lie. */
    HANDLE mutex = CreateMutexW(NULL, FALSE, L"Global\\p2vprep-running");
    if (mutex && GetLastError() == ERROR_ALREADY_EXISTS) {
        out_error(L"p2vprep: another p2vprep is running on this machine; wait for it to finish "
                  L"and run again. Nothing was changed.");
        return EXIT_BUSY;
    }
    if ((opt.command == CMD_APPLY || opt.command == CMD_ROLLBACK) && !is_elevated()) {
        out_error(L"p2vprep: %ls needs administrator rights: run it from an elevated prompt "
                  L"(Run as administrator), as SYSTEM, or as a member of Administrators. "
                  L"Nothing was changed.", command_name(opt.command));
        return EXIT_ACCESS;
    }

    wchar_t exe_dir[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, exe_dir, COUNTOF(exe_dir));
    if (n == 0 || n >= COUNTOF(exe_dir))
        exe_dir[0] = 0;
    wchar_t *slash = wcsrchr(exe_dir, L'\\');
    if (slash)
        *slash = 0;

    struct run run;
    rc = engine_run(&run, &opt, backend_for_exe(running_under_wow64()), exe_dir);
    if (opt.report && run.m) {
        DWORD e = report_write(&run, opt.report);
        if (e != ERROR_SUCCESS)
            out_error(L"p2vprep: could not write the report %ls: %ls", opt.report,
                      win_error_text(e, msg, COUNTOF(msg)));
    }
    engine_free(&run);
    out_close_log();
    if (mutex)
        CloseHandle(mutex);
    return rc;
}
