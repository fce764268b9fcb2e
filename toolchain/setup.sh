#!/bin/bash
# Installs everything p2vprep's build and tests need on Debian 12 (run as root).
# Idempotent: when everything is present it only checks, in about a second.
#   - mingw-w64 cross compilers (win32 thread model: the posix one drags in
#     libwinpthread, which imports GetTickCount64 and will not load on XP/2003)
#   - cmake, ninja
#   - wine64 + wine32:i386 (a win32 prefix for the x86 exe, a win64 one for x64 + WOW64)
#   - wixl, msitools, osslsigncode, gcab
#   - cmocka, cross-built for both architectures from Debian's source package
#   - clang with libFuzzer and the sanitizer runtimes, for the native fuzz targets, and
#     Debian's cmocka for the core's native unit tests
#     (tests/fuzz: a short smoke in `run test`, the long runs in `run fuzz`)
#   - with P2VPREP_BROWSER=1 only (toolchain/run test sets it): chromium, for the test
#     that renders summarize's HTML page headless (tests/browser); it is big, and the
#     build, demo, bench and fuzz runs do not need it
set -euo pipefail

DEPS=${P2VPREP_DEPS:-/opt/p2vprep-deps}
here=$(cd "$(dirname "$0")" && pwd)

say() { printf 'setup: %s\n' "$*" >&2; }

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
have i686-w64-mingw32-gcc-win32   || need_pkgs+=(gcc-mingw-w64-i686-win32)
have x86_64-w64-mingw32-gcc-win32 || need_pkgs+=(gcc-mingw-w64-x86-64-win32)
have x86_64-w64-mingw32-objdump   || need_pkgs+=(binutils-mingw-w64-x86-64)
have cmake        || need_pkgs+=(cmake)
have ninja        || need_pkgs+=(ninja-build)
have wixl         || need_pkgs+=(wixl)
have msiinfo      || need_pkgs+=(msitools)
have osslsigncode || need_pkgs+=(osslsigncode)
have gcab         || need_pkgs+=(gcab)           # test cabinets (driver.cab of NT5 fixtures)
have openssl      || need_pkgs+=(openssl)        # a throwaway certificate to sign a test driver
have dpkg-source  || need_pkgs+=(dpkg-dev)
have clang        || need_pkgs+=(clang)
# libFuzzer and the ASan/UBSan runtimes of the clang version installed (bookworm: 14)
clang_rt() { ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; }
clang_rt          || need_pkgs+=(libclang-rt-dev)
# Ansible, to run the collection's module in a real playbook (installer/ansible)
have ansible-playbook || need_pkgs+=(ansible-core)
have yamllint     || need_pkgs+=(yamllint)       # the collection's YAML, as ansible-test sanity lints it
have pycodestyle  || need_pkgs+=(pycodestyle)    # and its Python (pep8)
have hivexregedit || need_pkgs+=(libwin-hivex-perl)   # the real hives' snapshots (tests/realhives)
# cmocka for the core's unit tests built natively (tests/native)
[ -f /usr/include/cmocka.h ] || need_pkgs+=(libcmocka-dev)
[ -x /usr/lib/wine/wine64 ] || need_pkgs+=(wine64)
have wine         || need_pkgs+=(wine)
[ -x /usr/lib/wine/wine ] || need_pkgs+=(wine32:i386)
# The preloaders reserve the address ranges Windows programs expect before anything else
# is mapped; without them a process start fails now and then (CreateProcess error 1359)
# when address-space randomization puts a library in the way.
[ -x /usr/lib/wine/wine64-preloader ] || need_pkgs+=(wine64-preloader)
[ -x /usr/lib/wine/wine-preloader ] || need_pkgs+=(wine32-preloader:i386)
if [ "${P2VPREP_BROWSER:-0}" = 1 ]; then
  have chromium   || need_pkgs+=(chromium)
fi

cmocka_ok=1
for t in i686-w64-mingw32 x86_64-w64-mingw32; do
  [ -f "$DEPS/$t/lib/libcmocka-static.a" ] || cmocka_ok=0
done

if [ ${#need_pkgs[@]} -eq 0 ] && [ $cmocka_ok = 1 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  say "missing: ${need_pkgs[*]:-} ${cmocka_ok/1/}; run this as root once: $0"
  exit 1
fi

# The archive comes from the machine's own apt sources (its mirror, proxy or snapshot):
# the project names no mirror of its own.
if ! mirror=$(bash "$here/apt-sources.sh" /etc/apt/sources.list /etc/apt/sources.list.d/*); then
  say "no Debian archive found in this machine's apt sources."
  cat >&2 <<'MSG'
Looked in /etc/apt/sources.list and /etc/apt/sources.list.d/*.list (one-line entries) and
/etc/apt/sources.list.d/*.sources (deb822 stanzas) for an enabled deb or deb-src source with
an http:// or https:// URI, suite bookworm or bookworm-updates, and component main
(bookworm-security alone is not enough). Add one, e.g. /etc/apt/sources.list.d/debian.sources:

Types: deb
URIs: <your Debian mirror URI>
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

or a line in /etc/apt/sources.list:

deb <your Debian mirror URI> bookworm main
MSG
  exit 1
fi

# A private apt configuration that sees only bookworm and bookworm-updates main
# (deb and deb-src). The security suite's i386 index is not always downloadable,
# which leaves amd64 libraries newer than their i386 twins and apt refusing wine32.
APTDIR="$DEPS/apt"
mkdir -p "$APTDIR/sources.d" "$APTDIR/lists/partial"
cat > "$APTDIR/sources.d/bookworm.sources" <<SRC
Types: deb deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(apt-get -y -q -o Dir::Etc::SourceList=/dev/null
     -o "Dir::Etc::SourceParts=$APTDIR/sources.d"
     -o "Dir::State::Lists=$APTDIR/lists"
     -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
fi
say "updating package lists ($mirror bookworm, bookworm-updates)"
"${APT[@]}" update >/dev/null

if [ ${#need_pkgs[@]} -gt 0 ]; then
  say "installing ${need_pkgs[*]}"
  "${APT[@]}" install --no-install-recommends --allow-downgrades "${need_pkgs[@]}" >/dev/null
fi

if [ $cmocka_ok = 0 ]; then
  work="$DEPS/cmocka-src"
  rm -rf "$work"; mkdir -p "$work"
  say "fetching Debian's cmocka source"
  ( cd "$work" && "${APT[@]}" source --download-only cmocka >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null )
  for t in i686-w64-mingw32 x86_64-w64-mingw32; do
    say "building cmocka for $t"
    cmake -S "$work/src" -B "$work/build-$t" -G Ninja \
      -DCMAKE_TOOLCHAIN_FILE="$here/$t.cmake" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$DEPS/$t" \
      -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF \
      -DPICKY_DEVELOPER=OFF >/dev/null
    cmake --build "$work/build-$t" >/dev/null
    cmake --install "$work/build-$t" >/dev/null
  done
  rm -rf "$work"
fi

# The check this script exists for: Windows programs must start under Wine. A 64-bit one
# always; a 32-bit one only where the kernel runs 32-bit programs (some hosts turn that
# off: "32-bit emulation disabled" in dmesg), which toolchain/run checks before the x86
# tests and says when it cannot.
tmp=$(mktemp -d)
printf 'int main(void){return 7;}\n' > "$tmp/t.c"
x86_64-w64-mingw32-gcc-win32 -o "$tmp/t.exe" "$tmp/t.c"
rc=0; WINEPREFIX="$tmp/pfx" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" bash "$here/../tests/harness/winecmd" "$tmp/t.exe" >/dev/null 2>&1 || rc=$?
WINEPREFIX="$tmp/pfx" wineserver -k >/dev/null 2>&1 || true
rm -rf "$tmp"
if [ $rc != 7 ]; then say "a 64-bit test program did not run under wine (exit $rc)"; exit 1; fi
if ! /usr/lib/wine/wine --version >/dev/null 2>&1; then
  say "note: this machine cannot run 32-bit programs; the x86 exe is built but its tests cannot run here"
fi
say "ready"
