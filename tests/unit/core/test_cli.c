/* The command-line contract. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <wchar.h>
#include "cli.h"
#include "exitcodes.h"
#include "wassert.h"

static int parse(struct options *o, wchar_t *err, int argc, ...)
{
    wchar_t *argv[16];
    va_list ap;
    va_start(ap, argc);
    argv[0] = L"p2vprep.exe";
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, wchar_t *);
    va_end(ap);
    int rc = cli_parse(argc, argv, o, err, 512);
    /* --input's strings live as long as the options; freed when the tests end */
    static wchar_t *kept[64];
    static size_t n_kept;
    if (o->input_storage && n_kept < 64)
        kept[n_kept++] = o->input_storage;
    if (argc < 0)   /* the group teardown's call */
        while (n_kept)
            free(kept[--n_kept]);
    return rc;
}

static int free_inputs(void **state)
{
    struct options o = { 0 };
    wchar_t err[512];
    parse(&o, err, -1);
    return 0;
}

static void commands_and_options(void **state)
{
    struct options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 7, L"apply", L"--target", L"LSILogic", L"--payload", L"\\\\fs\\drv",
                           L"--quiet"), 0);
    assert_int_equal(o.command, CMD_APPLY);
    assert_int_equal(o.n_targets, 1);
    assert_wstr_equal(o.targets[0]->name, L"lsilogic");
    assert_wstr_equal(o.payload, L"\\\\fs\\drv");
    assert_true(o.quiet);
    assert_int_equal(parse(&o, err, 2, L"/?"), 0);
    assert_int_equal(o.command, CMD_HELP);
    assert_int_equal(parse(&o, err, 2, L"--version"), 0);
    assert_int_equal(o.command, CMD_VERSION);
    assert_int_equal(parse(&o, err, 2, L"rollback"), 0);
    assert_int_equal(o.command, CMD_ROLLBACK);
    /* a target named twice counts once */
    assert_int_equal(parse(&o, err, 4, L"check", L"--target", L"lsilogic,lsilogic"), 0);
    assert_int_equal(o.n_targets, 1);
}

static void usage_errors_are_exit_2_with_a_hint(void **state)
{
    struct options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 1), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 2, L"format"), EXIT_USAGE);
    assert_wstr_contains(err, L"format");
    assert_int_equal(parse(&o, err, 2, L"apply"), EXIT_USAGE);
    assert_wstr_contains(err, L"--target");
    assert_int_equal(parse(&o, err, 4, L"plan", L"--target", L"scsi9"), EXIT_USAGE);
    assert_wstr_contains(err, L"scsi9");
    assert_wstr_contains(err, L"lsilogic");
    assert_int_equal(parse(&o, err, 3, L"plan", L"--target"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 5, L"plan", L"--target", L"lsilogic", L"--payload"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 5, L"plan", L"--target", L"lsilogic", L"--force"), EXIT_USAGE);
    assert_wstr_contains(err, L"--force");
    assert_int_equal(parse(&o, err, 4, L"rollback", L"--target", L"lsilogic"), EXIT_USAGE);
}

/* Least privilege: only what changes the machine needs administrator rights; summarize,
 * which parses files other machines wrote, never asks for them. */
static void only_commands_that_change_the_machine_need_admin(void **state)
{
    static const enum command admin[] = { CMD_APPLY, CMD_ROLLBACK, CMD_SERVICE_INSTALL, CMD_SERVICE_UNINSTALL };
    static const enum command user[] = { CMD_HELP, CMD_VERSION, CMD_TARGETS, CMD_PLAN, CMD_CHECK,
                                         CMD_SUMMARIZE, CMD_FIND };
    for (size_t i = 0; i < sizeof admin / sizeof admin[0]; i++)
        assert_true(command_changes_machine(admin[i]));
    for (size_t i = 0; i < sizeof user / sizeof user[0]; i++)
        assert_false(command_changes_machine(user[i]));
}

/* hyperv (and xen) bring the ide set along, for VMs that boot through emulated IDE
 * first; --no-ide leaves it out, but never an ide named on purpose. */
static void boot_also_brings_ide_unless_told(void **state)
{
    struct options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 4, L"apply", L"--target", L"hyperv"), 0);
    assert_int_equal(o.n_targets, 2);
    assert_wstr_equal(o.targets[0]->name, L"hyperv");
    assert_wstr_equal(o.targets[1]->name, L"ide");
    assert_int_equal(parse(&o, err, 4, L"apply", L"--target", L"ide,hyperv"), 0);
    assert_int_equal(o.n_targets, 2);
    assert_int_equal(parse(&o, err, 5, L"apply", L"--target", L"hyperv", L"--no-ide"), 0);
    assert_int_equal(o.n_targets, 1);
    assert_true(o.no_ide);
    assert_int_equal(parse(&o, err, 5, L"apply", L"--target", L"hyperv,ide", L"--no-ide"), 0);
    assert_int_equal(o.n_targets, 2);
    assert_int_equal(parse(&o, err, 4, L"apply", L"--target", L"lsilogic"), 0);
    assert_int_equal(o.n_targets, 1);
    assert_int_equal(parse(&o, err, 5, L"apply", L"--target", L"lsilogic", L"--no-ide"), EXIT_USAGE);
    assert_wstr_contains(err, L"--no-ide");
}

static void san_policy_and_crash_visible(void **state)
{
    struct options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 4, L"apply", L"--target", L"hyperv"), 0);
    assert_int_equal(o.policy.san_policy, SAN_DEFAULT);
    assert_false(o.policy.crash_visible);
    assert_int_equal(parse(&o, err, 7, L"apply", L"--target", L"hyperv", L"--san-policy", L"keep",
                           L"--crash-visible"), 0);
    assert_int_equal(o.policy.san_policy, SAN_KEEP);
    assert_true(o.policy.crash_visible);
    assert_int_equal(parse(&o, err, 6, L"plan", L"--target", L"lsilogic", L"--san-policy", L"ONLINE"), 0);
    assert_int_equal(o.policy.san_policy, SAN_ONLINE);
    assert_int_equal(parse(&o, err, 6, L"plan", L"--target", L"lsilogic", L"--san-policy", L"offline"),
                     EXIT_USAGE);
    assert_wstr_contains(err, L"online or keep");
    assert_int_equal(parse(&o, err, 5, L"plan", L"--target", L"lsilogic", L"--san-policy"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 3, L"rollback", L"--crash-visible"), EXIT_USAGE);
    assert_wstr_contains(err, L"--crash-visible");
}

/* Which command takes which option is stated once, in the parser's table: an option given
 * to a command that does not take it is refused, naming the commands that do. */
static void each_option_goes_with_its_commands_only(void **state)
{
    struct options o;
    wchar_t err[512];
    assert_int_equal(parse(&o, err, 5, L"apply", L"--target", L"lsilogic", L"--allow-open-payload"), 0);
    assert_true(o.allow_open_payload);
    assert_int_equal(parse(&o, err, 5, L"check", L"--target", L"lsilogic", L"--allow-open-payload"), 0);
    /* a service would take drivers from that folder unattended, at every start */
    assert_int_equal(parse(&o, err, 6, L"service", L"install", L"--target", L"lsilogic",
                           L"--allow-open-payload"), EXIT_USAGE);
    assert_wstr_contains(err, L"--allow-open-payload");
    assert_wstr_contains(err, L"administrator watches");
    assert_int_equal(parse(&o, err, 6, L"service", L"install", L"--target", L"lsilogic",
                           L"--allow-unsigned"), EXIT_USAGE);
    assert_wstr_contains(err, L"--allow-unsigned");
    assert_int_equal(parse(&o, err, 3, L"rollback", L"--allow-unsigned"), EXIT_USAGE);
    /* summarize's options belong to summarize, --mode to service install */
    assert_int_equal(parse(&o, err, 6, L"apply", L"--target", L"lsilogic", L"--csv", L"x.csv"), EXIT_USAGE);
    assert_wstr_contains(err, L"apply takes no --csv (it is for summarize)");
    assert_int_equal(parse(&o, err, 5, L"summarize", L"C:\\r", L"--csv", L"x.csv"), 0);
    assert_wstr_equal(o.csv, L"x.csv");
    assert_int_equal(parse(&o, err, 6, L"apply", L"--target", L"lsilogic", L"--mode", L"apply"), EXIT_USAGE);
    assert_wstr_contains(err, L"service install");
    assert_int_equal(parse(&o, err, 7, L"service", L"install", L"--target", L"lsilogic", L"--mode", L"apply"), 0);
    assert_int_equal(o.service_mode, CMD_APPLY);
    assert_int_equal(parse(&o, err, 4, L"find", L"--offline", L"E:\\"), EXIT_USAGE);
    assert_wstr_contains(err, L"plan, apply, check and rollback");
    assert_int_equal(parse(&o, err, 4, L"apply", L"--renamed", L"x"), EXIT_USAGE);
    assert_wstr_contains(err, L"--renamed");
    assert_int_equal(parse(&o, err, 5, L"apply", L"--target", L"lsilogic", L"--fix-boot-ini"), EXIT_USAGE);
    assert_wstr_contains(err, L"apply --offline");
    assert_int_equal(parse(&o, err, 3, L"targets", L"--target"), EXIT_USAGE);
    assert_wstr_contains(err, L"targets takes no --target");
    /* an alias is the same option; case does not matter */
    assert_int_equal(parse(&o, err, 5, L"plan", L"--TARGETS", L"pvscsi", L"-Q"), 0);
    assert_true(o.quiet);
    assert_wstr_equal(o.targets[0]->name, L"pvscsi");
}

/* --input: the options as a JSON object, as DSC v3 passes a resource's properties. */
static void options_from_a_json_object(void **state)
{
    struct options o;
    wchar_t err[512];
    err[0] = 0;
    assert_int_equal(parse(&o, err, 4, L"check", L"--input",
                           L"{\"targets\": [\"pvscsi\", \"lsisas1068\"], \"payload\": \"C:\\\\p2v\\\\payload\", "
                           L"\"allow_unsigned\": false, \"crash_visible\": true, \"_exist\": true, \"inf\": null}"), 0);
    if (err[0])
        print_error("%ls\n", err);
    assert_int_equal(o.n_targets, 2);
    assert_wstr_equal(o.targets[1]->name, L"lsisas1068");
    assert_wstr_equal(o.payload, L"C:\\p2v\\payload");
    assert_false(o.policy.allow_unsigned);
    assert_true(o.policy.crash_visible);
    assert_null(o.inf);
    /* the same rules as on the command line */
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"csv\": \"x.csv\"}"), EXIT_USAGE);
    assert_wstr_contains(err, L"check takes no --csv");
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"frobnicate\": 1}"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"frobnicate\": \"x\"}"), EXIT_USAGE);
    assert_wstr_contains(err, L"frobnicate");
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"payload\": true}"), EXIT_USAGE);
    assert_wstr_contains(err, L"a string");
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"renamed\": \"yes\"}"), EXIT_USAGE);
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"targets\": [\"scsi9\"]}"), EXIT_USAGE);
    assert_wstr_contains(err, L"scsi9");
    assert_int_equal(parse(&o, err, 4, L"check", L"--input", L"{\"targets\": \"ide\""), EXIT_USAGE);
    assert_wstr_contains(err, L"not a JSON object");
    assert_int_equal(parse(&o, err, 4, L"apply", L"--input", L"{\"input\": \"{}\"}"), EXIT_USAGE);
    /* DSC's exit codes: check's not-ready verdict is output, not an error */
    assert_int_equal(parse(&o, err, 6, L"check", L"--target", L"ide", L"--exit-codes", L"dsc"), 0);
    assert_int_equal(o.exit_profile, EXIT_PROFILE_DSC);
    assert_int_equal(exit_code_for(EXIT_NOT_READY, EXIT_PROFILE_DSC), 0);
    assert_int_equal(exit_code_for(EXIT_PAYLOAD, EXIT_PROFILE_DSC), EXIT_PAYLOAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_commands_that_change_the_machine_need_admin),
        cmocka_unit_test(commands_and_options),
        cmocka_unit_test(usage_errors_are_exit_2_with_a_hint),
        cmocka_unit_test(boot_also_brings_ide_unless_told),
        cmocka_unit_test(san_policy_and_crash_visible),
        cmocka_unit_test(each_option_goes_with_its_commands_only),
        cmocka_unit_test(options_from_a_json_object),
    };
    return cmocka_run_group_tests(tests, NULL, free_inputs);
}
