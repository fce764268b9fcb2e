/* The PE checker (pe.c) on any bytes: pe_check_driver for both machines and
 * pe_has_signature. Checked beyond the sanitizers: the status is one of the enum, a valid
 * driver has the machine asked for, and a signature is only found in a parsable image. */
#include "pe.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    BYTE *buf = malloc(size ? size : 1);   /* exact size: a read past the end is caught */
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    static const WORD machines[] = { PE_MACHINE_I386, PE_MACHINE_AMD64, 0 };
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++) {
        WORD got = 0xFFFF;
        enum pe_status st = pe_check_driver(buf, size, machines[i], &got);
        CHECK(st == PE_OK || st == PE_NOT_PE || st == PE_TRUNCATED || st == PE_NOT_NATIVE ||
              st == PE_WRONG_MACHINE);
        if (st == PE_OK)
            CHECK(got == machines[i]);
        CHECK(pe_status_text(st)[0]);
        CHECK(pe_machine_name(got)[0]);
        pe_check_driver(buf, size, machines[i], NULL);
    }
    BOOL sig = pe_has_signature(buf, size);
    if (sig) {
        enum pe_status st = pe_check_driver(buf, size, 0, NULL);
        CHECK(st == PE_OK || st == PE_WRONG_MACHINE || st == PE_NOT_NATIVE);
    }
    free(buf);
    return 0;
}
