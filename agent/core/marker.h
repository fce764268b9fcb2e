/* The detection marker: HKLM\SOFTWARE\p2vprep, what the last apply or rollback did, for a
 * detection rule (Configuration Manager, Intune), win_reg_stat or Salt to test without
 * parsing files. Written by apply (journaled, so rolling that apply back undoes it) and by
 * rollback (saying so). The running Windows only: an offline run reaches its SYSTEM hive
 * alone. Pure: the values, from what the run knows. */
#ifndef P2V_MARKER_H
#define P2V_MARKER_H
#include "machine.h"

#define MARKER_KEY L"SOFTWARE\\p2vprep"
#define MARKER_VALUES_MAX 8

struct marker {
    const wchar_t *version;      /* p2vprep's */
    const wchar_t *command;      /* apply, rollback */
    const wchar_t *targets;      /* "lsilogic,pvscsi"; "" for rollback */
    const wchar_t *result;       /* applied, rolled-back, rollback-incomplete */
    const wchar_t *time_utc;     /* 2026-12-05T01:30:00Z */
    const wchar_t *journal;      /* the journal still in place, "" when none */
    int exit_code;               /* native */
};

/* The values in a fixed order: Version, LastCommand, Targets, Result, TimeUtc,
 * JournalPresent (REG_DWORD 0/1), Journal, ExitCode (REG_DWORD). Returns how many. */
size_t marker_values(const struct marker *mk, const wchar_t **names, struct regval *values, size_t max);
#endif
