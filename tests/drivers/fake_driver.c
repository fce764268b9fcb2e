/* A stand-in for a vendor miniport such as symmpi.sys: a PE image with the native
 * subsystem and a DriverEntry. p2vprep only copies and checks it; nothing loads it. */
typedef long NTSTATUS;

#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)

NTSTATUS __attribute__((stdcall)) DriverEntry(void *driver_object, void *registry_path)
{
    (void)driver_object;
    (void)registry_path;
    return STATUS_NOT_SUPPORTED;
}
