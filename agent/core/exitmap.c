/* The exit codes under each profile (exitcodes.h). Pure.
 *
 * Configuration Manager and Intune read an installer's exit code against a return-code
 * table whose defaults follow Windows Installer: 0 and 1707 success, 3010 success with a
 * soft restart, 1641 a hard restart, 1618 "another installation is in progress" (retried
 * later), anything else a failure. p2vprep's changes take effect at the next boot, which
 * for a server being converted is the VM's first boot: no restart of the source is needed,
 * so no code here asks for one (3010 would make Systems Manager reboot the node and run
 * the step again). The native code of a run is always in its report and --json output. */
#include "exitcodes.h"
#include <stddef.h>

const struct exit_code_row exit_code_table[] = {
    { EXIT_OK, 0, L"ERROR_SUCCESS", L"success" },
    { EXIT_NOT_READY, 1, L"(not an installer code)", L"failure: check found the server not ready" },
    { EXIT_USAGE, 1639, L"ERROR_INVALID_COMMAND_LINE", L"failure" },
    { EXIT_PAYLOAD, 1612, L"ERROR_INSTALL_SOURCE_ABSENT", L"failure" },
    { EXIT_ACCESS, 1603, L"ERROR_INSTALL_FAILURE", L"failure" },
    { EXIT_ROLLED_BACK, 1603, L"ERROR_INSTALL_FAILURE", L"failure (nothing changed: every change undone)" },
    { EXIT_ROLLBACK_INCOMPLETE, 1603, L"ERROR_INSTALL_FAILURE", L"failure (changes remain: read the report)" },
    { EXIT_BUSY, 1618, L"ERROR_INSTALL_ALREADY_RUNNING", L"retried later (fast retry)" },
    { EXIT_PUSH_HOST_FAILED, 1603, L"ERROR_INSTALL_FAILURE", L"failure" },
};
const int exit_code_rows = (int)(sizeof exit_code_table / sizeof exit_code_table[0]);

int exit_code_for(int native, enum exit_profile profile)
{
    if (profile == EXIT_PROFILE_DSC)
        return native == EXIT_NOT_READY ? EXIT_OK : native;
    if (profile != EXIT_PROFILE_MSI)
        return native;
    for (int i = 0; i < exit_code_rows; i++)
        if (exit_code_table[i].native == native)
            return exit_code_table[i].msi;
    return native;
}
