#!/bin/bash
# core/ calls no Win32 API: every agent/core/*.c is compiled natively on Linux against a
# stand-in windows.h that declares types and constants only (tests/fuzz/compat), and
# linked into a shared library with --no-undefined beside compat.c, which supplies just
# UTF-8 conversion and msvcrt's wide-string helpers. A call to any other Windows function
# is an undefined symbol, and the link names it. Usage: core_is_pure.sh [AGENT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=$(cd "${1:-$here/../../agent}" && pwd)
compat=$here/../fuzz/compat
# clang comes with the setup (the fuzz targets); a bare system may have no cc
cc=${CC:-$(command -v clang || command -v cc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for f in "$agent"/core/*.c "$compat/compat.c"; do
  "$cc" -std=gnu11 -fPIC -c -DUNICODE -D_UNICODE -DP2V_FUZZ -Werror=implicit-function-declaration \
    -I"$compat" -I"$agent/core" "$f" -o "$tmp/$(basename "$f" .c).o"
  n=$((n + 1))
done
if ! "$cc" -shared -Wl,--no-undefined -o "$tmp/libcore.so" "$tmp"/*.o 2> "$tmp/link.log"; then
  echo "core calls what is not in core (a Win32 API, or a higher layer):"
  grep -o "undefined reference to \`[^']*'" "$tmp/link.log" | sort | uniq -c | sed 's/^/  /'
  exit 1
fi
echo "core: $((n - 1)) files built natively and linked with --no-undefined: no Win32 call"
