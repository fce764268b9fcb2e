# Cross-compiling for Windows (x86_64) with Debian's mingw-w64, win32 thread model.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-win32)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-win32)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# cmocka, cross-built by toolchain/setup.sh
if(DEFINED ENV{P2VPREP_DEPS})
  set(P2V_DEPS $ENV{P2VPREP_DEPS}/x86_64-w64-mingw32)
else()
  set(P2V_DEPS /opt/p2vprep-deps/x86_64-w64-mingw32)
endif()
