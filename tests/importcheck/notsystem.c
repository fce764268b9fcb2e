/* notsystem.dll: stands for any DLL that is not part of Windows (a redistributable
 * runtime, a helper of our own). badimports.exe imports from it so the import check
 * has a non-system DLL to flag. */
__declspec(dllexport) int notsystem_answer(void);

int notsystem_answer(void)
{
    return 42;
}
