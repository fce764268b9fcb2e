/* Payload validation on the test drivers the build makes (tests/drivers) and on
 * damaged copies of them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "pe.h"

static BYTE *load(const char *rel, size_t *len)
{
    char path[MAX_PATH], *slash;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    slash = strrchr(path, '\\');
    snprintf(slash + 1, MAX_PATH - (slash + 1 - path), "drivers\\%s", rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    BYTE *buf = malloc(*len);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static void good_drivers_pass_for_their_machine(void **state)
{
    size_t n;
    WORD m;
    BYTE *x86 = load("i386\\symmpi.sys", &n);
    assert_int_equal(pe_check_driver(x86, n, PE_MACHINE_I386, &m), PE_OK);
    assert_int_equal(m, PE_MACHINE_I386);
    free(x86);
    BYTE *x64 = load("amd64\\symmpi.sys", &n);
    assert_int_equal(pe_check_driver(x64, n, PE_MACHINE_AMD64, &m), PE_OK);
    assert_int_equal(m, PE_MACHINE_AMD64);
    free(x64);
}

static void wrong_machine_is_caught_both_ways(void **state)
{
    size_t n;
    WORD m;
    BYTE *x86 = load("i386\\symmpi.sys", &n);
    assert_int_equal(pe_check_driver(x86, n, PE_MACHINE_AMD64, &m), PE_WRONG_MACHINE);
    assert_int_equal(m, PE_MACHINE_I386);
    free(x86);
    BYTE *x64 = load("amd64\\symmpi.sys", &n);
    assert_int_equal(pe_check_driver(x64, n, PE_MACHINE_I386, &m), PE_WRONG_MACHINE);
    free(x64);
}

static void console_program_is_not_a_driver(void **state)
{
    size_t n;
    BYTE *exe = load("i386\\console.sys", &n);
    assert_int_equal(pe_check_driver(exe, n, PE_MACHINE_I386, NULL), PE_NOT_NATIVE);
    free(exe);
}

static void truncated_copies_are_caught(void **state)
{
    size_t n;
    BYTE *drv = load("amd64\\symmpi.sys", &n);
    /* cut in the sections, in the section table, in the headers, in the DOS header */
    assert_int_equal(pe_check_driver(drv, n - 1, PE_MACHINE_AMD64, NULL), PE_TRUNCATED);
    assert_int_equal(pe_check_driver(drv, n / 2, PE_MACHINE_AMD64, NULL), PE_TRUNCATED);
    assert_int_equal(pe_check_driver(drv, 0x100, PE_MACHINE_AMD64, NULL), PE_TRUNCATED);
    assert_int_equal(pe_check_driver(drv, 0x30, PE_MACHINE_AMD64, NULL), PE_TRUNCATED);
    free(drv);
}

static void other_files_are_not_pe(void **state)
{
    static const BYTE text[] = "This is a README, not a driver.\r\n";
    assert_int_equal(pe_check_driver(text, sizeof text, PE_MACHINE_I386, NULL), PE_NOT_PE);
    assert_int_equal(pe_check_driver(text, 0, PE_MACHINE_I386, NULL), PE_NOT_PE);
    size_t n;
    BYTE *drv = load("i386\\symmpi.sys", &n);
    BYTE *bad = malloc(n);
    memcpy(bad, drv, n);
    bad[*(DWORD *)(drv + 0x3c)] = 'X';   /* "PE\0\0" signature damaged */
    assert_int_equal(pe_check_driver(bad, n, PE_MACHINE_I386, NULL), PE_NOT_PE);
    free(bad);
    free(drv);
}

static void signatures_are_seen(void **state)
{
    size_t n;
    for (int a = 0; a < 2; a++) {
        BYTE *plain = load(a ? "amd64\\symmpi.sys" : "i386\\symmpi.sys", &n);
        assert_false(pe_has_signature(plain, n));
        free(plain);
        BYTE *signed_ = load(a ? "amd64\\signed.sys" : "i386\\signed.sys", &n);
        assert_true(pe_has_signature(signed_, n));
        /* still the same driver for the checks */
        assert_int_equal(pe_check_driver(signed_, n, a ? PE_MACHINE_AMD64 : PE_MACHINE_I386, NULL), PE_OK);
        /* a certificate table pointing past the end is not a signature */
        assert_false(pe_has_signature(signed_, n - 16));
        free(signed_);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_drivers_pass_for_their_machine),
        cmocka_unit_test(wrong_machine_is_caught_both_ways),
        cmocka_unit_test(console_program_is_not_a_driver),
        cmocka_unit_test(truncated_copies_are_caught),
        cmocka_unit_test(other_files_are_not_pe),
        cmocka_unit_test(signatures_are_seen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
