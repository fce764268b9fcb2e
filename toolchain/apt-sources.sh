#!/bin/bash
# apt-sources.sh FILE...: prints the URI of the first source in FILEs that serves Debian's
# main archive, so that setup.sh uses whatever mirror, proxy or snapshot this machine
# already trusts. A qualifying source is enabled, of type deb or deb-src, has an http(s)
# URI, suite bookworm or bookworm-updates (bookworm-security is another archive) and
# component main. Exits 1, printing nothing, when there is none.
#
# Files are read as apt reads them: *.sources in the deb822 format, *.list one entry a
# line; any other name (e.g. foo.list.disabled) and a missing file are skipped, so the
# caller can pass /etc/apt/sources.list /etc/apt/sources.list.d/* in apt's own order.
set -u

# deb822: stanzas separated by blank lines. A '#' line is a comment even inside a stanza
# and does not end it; an indented line continues the field above (e.g. an embedded
# Signed-By key). Field names are case-insensitive. Prints TYPES|URIS|SUITES|COMPONENTS.
deb822() {
  awk '
    function flush() {
      if (tolower(f["enabled"]) !~ /^[ \t]*(no|false|off)[ \t]*$/)
        print f["types"] "|" f["uris"] "|" f["suites"] "|" f["components"]
      split("", f); name = ""
    }
    /^#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { if (name != "") f[name] = f[name] " " $0; next }
    {
      colon = index($0, ":")
      if (colon == 0) { name = ""; next }
      name = tolower(substr($0, 1, colon - 1))
      f[name] = substr($0, colon + 1)
    }
    END { flush() }
  ' "$1"
}

# One-line: "deb [options] URI SUITE COMPONENT...". apt drops everything from a "#" on,
# so a commented-out entry and a trailing remark are both ignored.
one_line() {
  awk '
    { sub(/#.*/, "") }
    $1 != "deb" && $1 != "deb-src" { next }
    {
      rest = $0
      sub(/^[ \t]*[^ \t]+[ \t]+/, "", rest)
      if (rest ~ /^\[/ && !sub(/^\[[^]]*\][ \t]*/, "", rest)) next
      n = split(rest, w, /[ \t]+/)
      comps = ""
      for (i = 3; i <= n; i++) comps = comps " " w[i]
      print $1 "|" w[1] "|" w[2] "|" comps
    }
  ' "$1"
}

# has "WORDS" WANTED...: true when one of WORDS is one of WANTED.
has() {
  local words=$1 w x
  shift
  for w in $words; do
    for x in "$@"; do [ "$w" = "$x" ] && return 0; done
  done
  return 1
}

set -f   # the word lists are data, not globs
for file in "$@"; do
  [ -f "$file" ] || continue
  case $file in
    *.sources) parse=deb822 ;;
    *.list) parse=one_line ;;
    *) continue ;;
  esac
  while IFS='|' read -r types uris suites comps; do
    has "$types" deb deb-src || continue
    has "$suites" bookworm bookworm-updates || continue
    has "$comps" main || continue
    for uri in $uris; do
      if [[ $uri =~ ^https?://[^/[:space:]]+(/.*)?$ ]]; then
        printf '%s\n' "${uri%/}"
        exit 0
      fi
    done
  done < <($parse "$file")
done
exit 1
