/* The detection marker's values (marker.h). Pure. */
#include "marker.h"

size_t marker_values(const struct marker *mk, const wchar_t **names, struct regval *values, size_t max)
{
    const struct { const wchar_t *name, *sz; int dword; } v[] = {
        { L"Version", mk->version, -1 },
        { L"LastCommand", mk->command, -1 },
        { L"Targets", mk->targets, -1 },
        { L"Result", mk->result, -1 },
        { L"TimeUtc", mk->time_utc, -1 },
        { L"JournalPresent", NULL, mk->journal && mk->journal[0] ? 1 : 0 },
        { L"Journal", mk->journal ? mk->journal : L"", -1 },
        { L"ExitCode", NULL, mk->exit_code },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0] && n < max; i++, n++) {
        names[n] = v[i].name;
        if (v[i].sz || v[i].dword < 0)
            regval_sz(&values[n], REG_SZ, v[i].sz ? v[i].sz : L"");
        else
            regval_dword(&values[n], (DWORD)v[i].dword);
    }
    return n;
}
