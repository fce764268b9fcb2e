#!/bin/bash
# The project names no package mirror: setup takes its archive from the machine's apt
# sources. Fails on any http(s) URL naming a host (a name, an IPv4 or an [IPv6] address)
# in toolchain/, .ci/ or README.md. First proves the pattern on strings, so that a
# pattern that matches nothing cannot pass unnoticed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
url='https?://([[:alnum:]]|\[[[:xdigit:]]*:)'

passed=0 failed=0
ok() { echo "ok:   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }

# pattern TEXT yes|no
pattern() {
  local found=no
  printf '%s\n' "$1" | grep -qiE "$url" && found=yes
  if [ "$found" = "$2" ]; then ok "pattern: '$1' names a host: $2"
  else fail "pattern: '$1' names a host: $found, want $2"; fi
}
pattern 'URIs: http://mirror.example.org/debian' yes
pattern 'deb https://192.0.2.1:3142/debian bookworm main' yes
pattern 'URIs: http://[2001:db8::1]/debian' yes
pattern 'URI=HTTP://Mirror.example.org' yes
pattern 'an http:// or https:// URI' no
pattern 'URIs: <your Debian mirror URI>' no
pattern '[[ $uri =~ ^https?://[^/[:space:]]+(/.*)?$ ]]' no

hits=$(cd "$top" && grep -rnIiE "$url" toolchain .ci README.md)
case $? in
  0) fail "URLs naming a host in toolchain/, .ci/ or README.md:"; sed 's/^/  /' <<<"$hits" ;;
  1) ok "no URL names a host in toolchain/, .ci/ or README.md" ;;
  *) fail "could not read toolchain/, .ci/ or README.md in $top" ;;
esac

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
