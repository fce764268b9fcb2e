# Cross-compiling for Windows (i686) with Debian's mingw-w64, win32 thread model.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(CMAKE_C_COMPILER i686-w64-mingw32-gcc-win32)
set(CMAKE_CXX_COMPILER i686-w64-mingw32-g++-win32)
set(CMAKE_RC_COMPILER i686-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/i686-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# cmocka, cross-built by toolchain/setup.sh
if(DEFINED ENV{P2VPREP_DEPS})
  set(P2V_DEPS $ENV{P2VPREP_DEPS}/i686-w64-mingw32)
else()
  set(P2V_DEPS /opt/p2vprep-deps/i686-w64-mingw32)
endif()
