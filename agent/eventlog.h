/* Entries in the Application event log (source "p2vprep"), with the message table
 * compiled into the exe (messages.mc). */
#ifndef P2V_EVENTLOG_H
#define P2V_EVENTLOG_H
#include <windows.h>

enum event_kind { EVENT_INFO, EVENT_WARNING, EVENT_ERROR };

/* Registers / removes the event source (EventMessageFile = exe_path). */
DWORD eventlog_register(const wchar_t *exe_path);
DWORD eventlog_unregister(void);
/* Writes one entry; silently nothing when the log cannot be opened. */
void eventlog_write(enum event_kind kind, const wchar_t *fmt, ...);
void eventlog_close(void);
#endif
