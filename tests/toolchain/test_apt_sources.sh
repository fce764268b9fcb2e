#!/bin/bash
# toolchain/apt-sources.sh on the sample files in sources/: each case names the URI it
# must print, or "" when the files hold no usable source (exit 1, nothing printed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
parser=$here/../../toolchain/apt-sources.sh
s=$here/sources

passed=0 failed=0
# expect NAME WANT FILE...
expect() {
  local name=$1 want=$2 want_rc=0 got rc
  shift 2
  [ -n "$want" ] || want_rc=1
  got=$(bash "$parser" "$@" 2>&1)
  rc=$?
  if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ]; then
    echo "ok:   $name: ${want:-none found}"
    passed=$((passed + 1))
  else
    echo "FAIL: $name: got '$got' (exit $rc), want '${want:-none found}'"
    failed=$((failed + 1))
  fi
}

expect "deb822 main archive before the security one" http://mirror.example.org/debian \
  "$s/main-and-security.sources"
expect "deb822 security stanza first is skipped" http://mirror.example.org/debian \
  "$s/security-first.sources"
expect "deb822 security-only stanza" "" "$s/security-only.sources"
expect "deb822 several URIs in one stanza: the first http one" http://mirror.example.org/debian \
  "$s/several-uris.sources"
expect "deb822 Enabled: no is skipped; proxy with a port" http://proxy.example:3142/debian \
  "$s/disabled.sources"
expect "deb822 commented-out stanza; https, path suffix, trailing slash" \
  https://mirror.example.org/mirror/debian "$s/commented-stanza.sources"
expect "deb822 lower-case field names, embedded key" http://mirror.example.org/debian \
  "$s/embedded-key.sources"
expect "deb822 nothing usable" "" "$s/none.sources"
expect "one-line commented-out entries and a trailing remark" http://proxy.example:3142/debian \
  "$s/commented.list"
expect "one-line [signed-by=...] options, https" https://mirror.example.org/debian \
  "$s/signed-by.list"
expect "one-line [ options ] with spaces, snapshot path" \
  http://snapshot.example.org/archive/debian/20250520T000000Z "$s/snapshot.list"
expect "one-line nothing usable" "" "$s/none.list"
expect "a name ending in neither .list nor .sources is skipped" "" "$s/debian.list.disabled"
expect "missing and unusable files first, apt's order kept" http://proxy.example:3142/debian \
  "$s/absent.list" "$s/none.list" "$s/debian.list.disabled" "$s/commented.list" \
  "$s/signed-by.list"
expect "no files at all" ""

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
