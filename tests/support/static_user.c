/* The control of the planted-DLL test: a program that imports SetupAPI statically, as
 * p2vprep once did. Where the test emulates Windows' search order, it must load the
 * planted copy beside it; otherwise the test could not tell a safe p2vprep from a blind
 * test. */
#include <windows.h>
#include <setupapi.h>

int main(void)
{
    UINT line;
    HINF h = SetupOpenInfFileW(L"nothing.inf", NULL, INF_STYLE_WIN4, &line);
    return h == INVALID_HANDLE_VALUE ? 0 : 1;
}
