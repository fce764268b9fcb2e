#!/bin/bash
# summarize's HTML page in headless Chromium:
#   test_wave_html.sh EXE OUTDIR SAMPLES
# Writes a wave of reports whose computer names (and a push-results.csv) are hostile:
# markup, script, an event handler, quotes, entities, an RTL override (markup in the host
# list is no host name: a note, not a row). The exe (under Wine, in the prefix
# P2V_PREFIX) writes the page; Chromium renders it and dumps the DOM, and the checks
# below read that DOM:
#   - every host has its row, its name shown as text;
#   - no script ran (the title is still the page's own; no <script> or <img> element);
#   - the CSP holds on its own: the page with a script planted in it runs nothing, while
#     the same page without its CSP runs it (so the check can see a script that runs);
#   - screenshots: OUTDIR/wave-hostile.png, and OUTDIR/wave-report.png of the sample
#     reports (SAMPLES, with their host list and push results), the README's picture.
# Exit 77 (CTest: skipped) when Chromium is not installed or cannot start here.
set -uo pipefail
shopt -u patsub_replacement 2>/dev/null || true   # "&" in a replacement is a literal &
exe=$1 out=$2 samples=$3
: "${P2V_PREFIX:?P2V_PREFIX names the Wine prefix (set by CTest)}"
harness=${P2V_HARNESS:-$(cd "$(dirname "$0")/../harness" && pwd)}
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*" >&2; exit 77; }

browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || skip "chromium is not installed; toolchain/setup.sh installs it when run as root with P2VPREP_BROWSER=1 (toolchain/run test does)"

rm -rf "$out"
mkdir -p "$out/wave" "$out/home"
export HOME=$out/home
flags=(--headless --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
       --user-data-dir="$out/home/profile")
# Chromium's sandbox refuses to run as root, and some containers cannot give it the
# namespaces it needs: then without it (the page is our own, from a local file).
[ "$(id -u)" = 0 ] && flags+=(--no-sandbox)
chrome() { timeout 90 "$browser" "${flags[@]}" "$@" 2>>"$out/chromium.log"; }
if ! chrome --dump-dom about:blank >/dev/null; then
  if [[ " ${flags[*]} " != *" --no-sandbox "* ]]; then
    flags+=(--no-sandbox)
    chrome --dump-dom about:blank >/dev/null ||
      skip "chromium cannot start here: $(tail -n 3 "$out/chromium.log" | tr '\n' ' ')"
  else
    skip "chromium cannot start here: $(tail -n 3 "$out/chromium.log" | tr '\n' ' ')"
  fi
fi

winpath() { printf 'Z:%s' "${1//\//\\}"; }
summarize() { bash "$harness/wine-run" "$exe" summarize "$@"; }

# ---- the hostile wave ----------------------------------------------------------------
rtl=$(printf 'RTL-\xe2\x80\xaegpj.exe')
names=(
  "<script>document.title='pwned'</script>"
  "<img src=x onerror=\"document.title='pwned'\">"
  "\"quoted\" & 'single'"
  "$rtl"
  "&amp;lt;b&amp;gt;"
  "SRV01"
  "</td></tr></table><h1>injected</h1>"
)
json_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\"/\\\"}"; }
i=0
for n in "${names[@]}"; do
  i=$((i + 1))
  ready=$([ $((i % 2)) = 1 ] && echo true || echo false)
  printf '{"computer": "%s", "time": "2026-11-29T10:%02d:00Z", "command": "check", "targets": ["lsilogic"], "os": {"version": "5.2.3790", "service_pack": 2, "arch": "x86", "product_type": "server"}, "problems": [{"code": "x", "message": "%s"}], "ready": %s, "exit_code": %s}\n' \
    "$(json_escape "$n")" "$i" "$(json_escape "<b>problem</b> of $n")" "$ready" "$([ $ready = true ] && echo 0 || echo 1)" \
    > "$out/wave/H$i.json"
done
printf '{"computer": "CUT", "os": {' > "$out/wave/CUT.json"
printf 'GONE01\r\n<i>GONE02</i>\r\nSRV01\r\n' > "$out/hosts.txt"
printf 'host,exit_code,meaning,seconds,psexec_error\r\nGONE01,53,"<script>document.title=''pwned''</script> psexec failed",2,\r\n' \
  > "$out/wave/push-results.csv"
summarize "$(winpath "$out/wave")" --hosts "$(winpath "$out/hosts.txt")" \
  --html "$(winpath "$out/wave.html")" > "$out/summarize.log" 2>&1 || fail "summarize exited $? (see $out/summarize.log)"
[ -s "$out/wave.html" ] || fail "summarize wrote no $out/wave.html"

chrome --dump-dom "file://$out/wave.html" > "$out/dom.html" || fail "chromium could not render $out/wave.html"
dom=$out/dom.html
grep -q '<title>p2vprep summary</title>' "$dom" || fail "the title changed: a script ran ($(grep -o '<title>[^<]*' "$dom"))"
! grep -qi 'pwned</title>' "$dom" || fail "a script ran"
! grep -qi '<script' "$dom" || fail "a <script> element is in the DOM"
! grep -qi '<img' "$dom" || fail "an <img> element is in the DOM"
! grep -q '<h1>injected' "$dom" || fail "markup from a host name became an element"

# Text as the DOM serialises it: & < > escaped, quotes as they are.
as_text() { local s=${1//&/&amp;}; s=${s//</&lt;}; printf '%s' "${s//>/&gt;}"; }
rows=0
for n in "${names[@]}"; do
  cellname="<td class=\"host\">$(as_text "$n")</td>"
  grep -qF "$cellname" "$dom" || fail "no row shows the host $n as text (looked for $cellname)"
  rows=$((rows + 1))
done
grep -qF '<tr class="missing"><td class="host">GONE01</td>' "$dom" || fail "no missing row for GONE01"
rows=$((rows + 1))
# markup in the host list is no host name (hostlist.c): a note, never a row
! grep -qF 'GONE02' "$dom" || fail "<i>GONE02</i> of the host list became a row"
grep -qF 'line 2: "<i>GONE02</i>" is not a host name' "$out/summarize.log" ||
  fail "summarize did not say that <i>GONE02</i> is no host name (see $out/summarize.log)"
grep -qF '<td class="host">CUT.json</td>' "$dom" || fail "no row for the cut report CUT.json"
rows=$((rows + 1))
got=$(grep -o '<tr class="\(ready\|notready\|invalid\|missing\)">' "$dom" | wc -l)
[ "$got" = "$rows" ] || fail "$got host rows in the page, expected $rows"
grep -qF 'no report; push: &lt;script&gt;' "$dom" || fail "GONE01's push result is not shown as text"
grep -q '<svg class="chart"' "$dom" || fail "no chart in the summary"
echo "ok: $rows host rows, names shown as text, no script ran"

# ---- the CSP on its own ----------------------------------------------------------------
plant='<script>document.title="pwned"<\/script>'
sed "s/<body>/<body>$plant/" "$out/wave.html" > "$out/planted.html"
grep -v 'Content-Security-Policy' "$out/planted.html" > "$out/planted-nocsp.html"
chrome --dump-dom "file://$out/planted-nocsp.html" > "$out/dom-nocsp.html" || fail "chromium could not render planted-nocsp.html"
grep -q '<title>pwned</title>' "$out/dom-nocsp.html" ||
  fail "control: without its CSP, the planted script did not run; this check cannot see a script that runs"
chrome --dump-dom "file://$out/planted.html" > "$out/dom-planted.html" || fail "chromium could not render planted.html"
grep -q '<title>p2vprep summary</title>' "$out/dom-planted.html" || fail "the CSP let a planted script run"
echo "ok: the CSP stops a script planted in the page (and without it the script runs)"

# ---- screenshots -----------------------------------------------------------------------
shot() {
  chrome --screenshot="$2" --window-size=1500,1000 "file://$1" >/dev/null || fail "no screenshot of $1"
  [ "$(head -c 8 "$2" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$2 is not a PNG"
}
shot "$out/wave.html" "$out/wave-hostile.png"
mkdir -p "$out/sample"
cp "$samples"/*.json "$samples/push-results.csv" "$out/sample/"
summarize "$(winpath "$out/sample")" --hosts "$(winpath "$samples/hosts.txt")" \
  --html "$(winpath "$out/wave-report.html")" > "$out/summarize-sample.log" 2>&1 ||
  fail "summarize of the samples exited $? (see $out/summarize-sample.log)"
shot "$out/wave-report.html" "$out/wave-report.png"
echo "ok: screenshots $out/wave-hostile.png and $out/wave-report.png"
