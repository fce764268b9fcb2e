#include "probe.h"
#include "dynapi.h"
#include "pe.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void probe_os(struct os_info *os)
{
    memset(os, 0, sizeof *os);

    /* RtlGetVersion is not subject to GetVersionEx's compatibility shims; the manifest's
     * supportedOS entries keep GetVersionEx truthful where RtlGetVersion is absent (2000). */
    const struct dynapi *api = dynapi();
    p2v_rtl_osversioninfoexw rv;
    memset(&rv, 0, sizeof rv);
    rv.dwOSVersionInfoSize = sizeof rv;
    if (api->RtlGetVersion && api->RtlGetVersion(&rv) == 0) {
        os->major = rv.dwMajorVersion;
        os->minor = rv.dwMinorVersion;
        os->build = rv.dwBuildNumber;
        os->sp_major = rv.wServicePackMajor;
        os->product_type = rv.wProductType;
    } else {
        OSVERSIONINFOEXW v;
        memset(&v, 0, sizeof v);
        v.dwOSVersionInfoSize = sizeof v;
        if (GetVersionExW((OSVERSIONINFOW *)&v)) {
            os->major = v.dwMajorVersion;
            os->minor = v.dwMinorVersion;
            os->build = v.dwBuildNumber;
            os->sp_major = v.wServicePackMajor;
            os->product_type = v.wProductType;
        }
    }

    SYSTEM_INFO si;
    memset(&si, 0, sizeof si);
    if (api->GetNativeSystemInfo)
        api->GetNativeSystemInfo(&si);
    else
        GetSystemInfo(&si);
    if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL)
        os->arch = ARCH_X86;
    else if (si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64)
        os->arch = ARCH_X64;

    BOOL wow = FALSE;
    if (api->IsWow64Process && api->IsWow64Process(GetCurrentProcess(), &wow))
        os->wow64 = wow;

    /* The system's own Windows folder, not the per-user one Terminal Services may give
     * GetWindowsDirectory; on the seed's server it is D:\WINDOWS. */
    if (!GetSystemWindowsDirectoryW(os->systemroot, COUNTOF(os->systemroot)))
        os->systemroot[0] = 0;
    DWORD n = COUNTOF(os->computer);
    if (!GetComputerNameW(os->computer, &n))
        wcopy(os->computer, COUNTOF(os->computer), L"unknown");
}

static BOOL is_control_set_name(const wchar_t *s)
{
    if (_wcsnicmp(s, L"ControlSet", 10) != 0 || wcslen(s) != 13)
        return FALSE;
    for (int i = 10; i < 13; i++)
        if (s[i] < L'0' || s[i] > L'9')
            return FALSE;
    return TRUE;
}

DWORD probe_control_sets(const struct backend *b, struct machine *m)
{
    wchar_t name[256];
    DWORD e;
    m->n_sets = 0;
    for (DWORD i = 0;; i++) {
        e = b->enum_subkey(b->ctx, L"SYSTEM", i, name, COUNTOF(name));
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e == ERROR_MORE_DATA)
            continue;
        if (e != ERROR_SUCCESS)
            return e;
        if (is_control_set_name(name) && m->n_sets < P2V_SETS_MAX)
            wcopy(m->sets[m->n_sets++], COUNTOF(m->sets[0]), name);
    }
    for (int s = 0; s < SEL_COUNT; s++) {
        struct regval v;
        e = b->read_value(b->ctx, L"SYSTEM\\Select", select_names[s], &v);
        if (e != ERROR_SUCCESS)
            return e;
        m->select_present[s] = v.present && v.type == REG_DWORD && v.size == 4;
        if (m->select_present[s])
            memcpy(&m->select[s], v.data, 4);
    }
    return ERROR_SUCCESS;
}

const wchar_t *payload_arch_dir(const struct os_info *os)
{
    return os->arch == ARCH_X64 ? L"amd64" : L"x86";
}

static WORD os_machine(const struct os_info *os)
{
    return os->arch == ARCH_X64 ? PE_MACHINE_AMD64 : PE_MACHINE_I386;
}

/* Reads path and checks it as a driver. Returns the bytes (caller frees) when readable. */
static BYTE *read_driver(const struct backend *b, const struct os_info *os, const wchar_t *path,
                         int *status, WORD *machine, DWORD *size)
{
    BYTE *data;
    DWORD e = b->read_file(b->ctx, path, &data, size);
    if (e == ERROR_FILE_NOT_FOUND) {
        *status = PE_MISSING;
        return NULL;
    }
    if (e != ERROR_SUCCESS) {
        *status = PE_UNREADABLE;
        return NULL;
    }
    *status = pe_check_driver(data, *size, os_machine(os), machine);
    return data;
}

DWORD probe_requirements(const struct backend *b, struct machine *m, const struct requirements *r,
                         const wchar_t *payload_dir)
{
    m->n_values = 0;
    for (size_t i = 0; i < r->n_wants; i++) {
        struct machine_value *mv = machine_add_value(m, r->wants[i].key, r->wants[i].name);
        if (!mv)
            return ERROR_NOT_ENOUGH_MEMORY;
        DWORD e = b->read_value(b->ctx, mv->key, mv->name, &mv->v);
        if (e != ERROR_SUCCESS)
            return e;
    }

    m->n_files = 0;
    for (int i = 0; i < r->n_files; i++) {
        struct machine_file *f = &m->files[m->n_files++];
        DWORD dst_size = 0, src_size = 0;
        WORD mach = 0;
        memset(f, 0, sizeof *f);
        wcopy(f->name, COUNTOF(f->name), r->files[i].name);
        f->inbox = r->files[i].inbox;
        wfmt(f->dst, COUNTOF(f->dst), L"%ls\\system32\\drivers\\%ls", m->os.systemroot, f->name);
        BYTE *dst = read_driver(b, &m->os, f->dst, &f->dst_status, &mach, &dst_size);

        f->src_status = PE_MISSING;
        if (!f->inbox) {
            wfmt(f->looked[0], MAX_PATH, L"%ls\\%ls\\%ls", payload_dir, payload_arch_dir(&m->os), f->name);
            wfmt(f->looked[1], MAX_PATH, L"%ls\\%ls", payload_dir, f->name);
            f->n_looked = 2;
            for (int k = 0; k < f->n_looked && f->src_status == PE_MISSING; k++) {
                BYTE *src = read_driver(b, &m->os, f->looked[k], &f->src_status, &f->src_machine,
                                        &src_size);
                if (f->src_status != PE_MISSING)
                    wcopy(f->src, COUNTOF(f->src), f->looked[k]);
                if (src && dst)
                    f->dst_same = src_size == dst_size && memcmp(src, dst, src_size) == 0;
                free(src);
            }
        }
        free(dst);
    }
    return ERROR_SUCCESS;
}
