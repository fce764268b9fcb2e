#!/bin/bash
# check_tables.sh MSI ARCH [VERSION] [--test-driver]
# Reads the tables of a p2vprep MSI built by installer/p2vprep.wxs (msiinfo, from msitools)
# and checks what Group Policy deployment relies on. Prints one line per check; exits 1 if
# any check failed. --test-driver: the tests' variant, which also installs symmpi.sys.
set -u
msi=${1:?usage: check_tables.sh MSI x86|x64 [VERSION] [--test-driver]}
arch=${2:?usage: check_tables.sh MSI x86|x64 [VERSION] [--test-driver]}
version=${3:-}
variant=${4:-}
export LC_ALL=C

case $arch in
x86) upgrade_code='{7D1B2205-5C79-4106-926D-D58757B1124D}' pf=ProgramFilesFolder
     template='Intel;1033' payload_arch=x86 ;;
x64) upgrade_code='{E2D2A9E9-54AE-478B-A66A-5431A612EA64}' pf=ProgramFiles64Folder
     template='x64;1033' payload_arch=amd64 ;;
*) echo "FAIL: architecture must be x86 or x64, not '$arch'"; exit 2 ;;
esac

command -v msiinfo >/dev/null || { echo "FAIL: msiinfo not found (Debian package msitools)"; exit 1; }
[ -f "$msi" ] || { echo "FAIL: $msi does not exist (build the msi target)"; exit 1; }
msiinfo tables "$msi" >/dev/null 2>&1 || { echo "FAIL: $msi is not an MSI database"; exit 1; }

fails=0
ok() { echo "ok:   $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() {  # check DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then ok "$1 = '$3'"; else fail "$1 is '$2', expected '$3'"; fi
}

# Rows of a table, tab-separated, without msiinfo's three header lines and CRs. An empty
# or absent table gives nothing.
rows() { msiinfo export "$msi" "$1" 2>/dev/null | tr -d '\r' | tail -n +4; }
# The same with empty fields as "-", for "read" (which merges adjacent tabs).
rows_read() { rows "$1" | awk -F'\t' -v OFS='\t' '{ for (i = 1; i <= NF; i++) if ($i == "") $i = "-"; print }'; }
# col TABLE COLUMN-NAME KEY-COLUMN-NAME KEY: the value(s) of COLUMN in the rows whose
# KEY-COLUMN equals KEY (column names from msiinfo's first header line).
col() {
  msiinfo export "$msi" "$1" 2>/dev/null | tr -d '\r' | awk -F'\t' -v want="$2" -v kc="$3" -v key="$4" '
    NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
    NR <= 3 { next }
    $idx[kc] == key { print $idx[want] }'
}
# The long name of a FileName/DefaultDir value ("SHORT~1|long name" or "name").
long() { sed 's/^[^|]*|//'; }
seq_of() { col InstallExecuteSequence Sequence Action "$1"; }

echo "== $msi ($arch${version:+, version $version}${variant:+, $variant})"

# --- Summary information: the platform the package is for.
tmpl=$(msiinfo suminfo "$msi" | tr -d '\r' | sed -n 's/^Template: //p')
check "summary Template" "$tmpl" "$template"

# --- Properties.
check "Property ALLUSERS (per machine)" "$(col Property Value Property ALLUSERS)" 1
check "Property MODE" "$(col Property Value Property MODE)" check
check "Property TARGETS" "$(col Property Value Property TARGETS)" lsilogic
check "Property UpgradeCode" "$(col Property Value Property UpgradeCode)" "$upgrade_code"
[ -n "$version" ] && check "Property ProductVersion" "$(col Property Value Property ProductVersion)" "$version"
# REPORTDIR's default is empty, and an MSI Property row cannot hold an empty value: there
# must be no row (a row would override every command line default), and the package sets it
# to [CommonAppDataFolder]p2vprep\reports when it is still empty.
if [ -z "$(col Property Value Property REPORTDIR)" ]; then
  ok "Property REPORTDIR has no row (empty default)"
else
  fail "Property REPORTDIR has a row ('$(col Property Value Property REPORTDIR)'): its default must be empty"
fi
# A type 51 custom action (set property) has 51 in its low 6 bits.
ca_type=$(col CustomAction Type Action SetDefaultReportDir)
check "CustomAction SetDefaultReportDir type (set property)" "$(( ${ca_type:-0} & 63 ))" 51
check "CustomAction SetDefaultReportDir sets" "$(col CustomAction Source Action SetDefaultReportDir)" REPORTDIR
check "CustomAction SetDefaultReportDir value" "$(col CustomAction Target Action SetDefaultReportDir)" '[CommonAppDataFolder]p2vprep\reports'
check "SetDefaultReportDir condition" "$(col InstallExecuteSequence Condition Action SetDefaultReportDir)" 'NOT REPORTDIR'
# No report folder in the package: p2vprep makes a missing local one admin-only at its
# first run (a folder the package made under CommonAppDataFolder would inherit "Users may
# create files and folders").
if [ -z "$(col CustomAction Type Action SetReportsFolder)" ] && ! rows Directory | awk -F'\t' '$1 == "ReportsFolder"' | grep -q . &&
   ! rows CreateFolder | grep -qi report; then
  ok "no report folder made by the package"
else
  fail "the package makes a report folder (SetReportsFolder, Directory ReportsFolder or a CreateFolder row)"
fi

# --- Files and folders.
exe_file=$(rows File | awk -F'\t' -v n="p2vprep-$arch.exe" '{ l = $3; sub(/^[^|]*\|/, "", l) } l == n { print $1 }')
if [ -n "$exe_file" ]; then ok "File table has p2vprep-$arch.exe ($exe_file)"; else fail "File table has no p2vprep-$arch.exe"; fi
exe_comp=$(col File Component_ File "$exe_file")
check "directory of p2vprep-$arch.exe" "$(col Component Directory_ Component "$exe_comp")" INSTALLDIR
check "key path of the exe's component (the service binary)" "$(col Component KeyPath Component "$exe_comp")" "$exe_file"
check "INSTALLDIR parent" "$(col Directory Directory_Parent Directory INSTALLDIR)" "$pf"
check "INSTALLDIR name" "$(col Directory DefaultDir Directory INSTALLDIR | long)" p2vprep
check "PAYLOADDIR parent" "$(col Directory Directory_Parent Directory PAYLOADDIR)" INSTALLDIR
check "PAYLOADDIR name" "$(col Directory DefaultDir Directory PAYLOADDIR | long)" payload
if rows CreateFolder | awk -F'\t' '$1 == "PAYLOADDIR"' | grep -q .; then
  ok "CreateFolder creates the payload folder"
else
  fail "CreateFolder has no PAYLOADDIR row: the payload folder would not be created"
fi
readme=$(rows File | awk -F'\t' '{ l = $3; sub(/^[^|]*\|/, "", l) } l == "README.md" { print $2 }')
check "directory of payload README.md" "$(col Component Directory_ Component "$readme")" PAYLOADDIR
drivers=$(rows File | awk -F'\t' '{ l = $3; sub(/^[^|]*\|/, "", l) } l ~ /\.sys$/ { print $1 }')
if [ "$variant" = --test-driver ]; then
  drv_comp=$(col File Component_ File "$(echo "$drivers" | head -1)")
  drv_dir=$(col Component Directory_ Component "$drv_comp")
  if [ "$(echo "$drivers" | grep -c .)" = 1 ] &&
     [ "$(col Directory DefaultDir Directory "$drv_dir" | long)" = "$payload_arch" ] &&
     [ "$(col Directory Directory_Parent Directory "$drv_dir")" = PAYLOADDIR ]; then
    ok "test variant installs one driver into payload\\$payload_arch"
  else
    fail "test variant: expected one .sys in payload\\$payload_arch, have '$drivers' in '$drv_dir'"
  fi
elif [ -z "$drivers" ]; then
  ok "no driver in the product package (vendor drivers are not redistributable)"
else
  fail "the product package contains drivers: $drivers"
fi

# --- Components: 64-bit in the x64 package (wixl -a x64 does not set it), none in x86.
ncomp=0
while IFS=$'\t' read -r comp _ _ attrs _; do
  [ -n "$comp" ] || continue
  ncomp=$((ncomp + 1))
  if [ "$arch" = x64 ] && (( (attrs & 256) == 0 )); then
    fail "component $comp lacks the 64-bit attribute (256): Attributes=$attrs"
  elif [ "$arch" = x86 ] && (( (attrs & 256) != 0 )); then
    fail "component $comp has the 64-bit attribute (256) in the x86 package: Attributes=$attrs"
  fi
done < <(rows_read Component)
[ "$ncomp" -gt 0 ] && ok "$ncomp components, 64-bit attribute $([ "$arch" = x64 ] && echo on every one || echo on none) unless reported above" \
  || fail "Component table is empty"

# --- The service.
n=$(rows ServiceInstall | awk -F'\t' '$2 == "p2vprep"' | grep -c .)
check "ServiceInstall rows named p2vprep" "$n" 1
svc=$(rows ServiceInstall | awk -F'\t' '$2 == "p2vprep" { print $1 }' | head -1)
si() { col ServiceInstall "$1" ServiceInstall "$svc"; }
check "ServiceInstall DisplayName" "$(si DisplayName)" "p2vprep P2V preparation"
check "ServiceInstall ServiceType (16 = own process)" "$(si ServiceType)" 16
check "ServiceInstall StartType (2 = auto)" "$(si StartType)" 2
ec=$(si ErrorControl)
check "ServiceInstall ErrorControl (1 = normal)" "$(( ${ec:-0} & 255 ))" 1
check "ServiceInstall StartName" "$(si StartName)" LocalSystem
check "ServiceInstall Component_ (the exe's component)" "$(si Component_)" "$exe_comp"
args=$(si Arguments)
for word in '[MODE]' '[TARGETS]' '[REPORTDIR]' '[INSTALLDIR]payload'; do
  case $args in
  *"$word"*) ok "ServiceInstall Arguments contain $word" ;;
  *) fail "ServiceInstall Arguments lack $word: '$args'" ;;
  esac
done
check "ServiceInstall Arguments" "$args" '[MODE] --target [TARGETS] --payload "[INSTALLDIR]payload" --report "[REPORTDIR]\"'

# ServiceControl Event bits: 1 start at install, 2 stop at install, 8 delete at install,
# 16 start at uninstall, 32 stop at uninstall, 128 delete at uninstall.
events=0 start_wait=
while IFS=$'\t' read -r id name ev _ wait comp; do
  [ "$name" = p2vprep ] || continue
  events=$((events | ev))
  (( ev & 1 )) && start_wait=$wait
  [ "$comp" = "$exe_comp" ] || fail "ServiceControl $id belongs to component '$comp', not the exe's ($exe_comp)"
done < <(rows_read ServiceControl)
for bit in "1:start at install" "2:stop at install" "32:stop at uninstall" "128:remove at uninstall"; do
  if (( events & ${bit%%:*} )); then ok "ServiceControl: ${bit#*:}"; else fail "ServiceControl: no ${bit#*:} (events $events)"; fi
done
for bit in "8:remove at install" "16:start at uninstall"; do
  if (( events & ${bit%%:*} )); then fail "ServiceControl: ${bit#*:} (events $events)"; else ok "ServiceControl: no ${bit#*:}"; fi
done
# The job ends quickly and stops the service with its result as exit code; an install that
# waits for SERVICE_RUNNING would see it stopped and fail (1920), rolling everything back.
check "ServiceControl Wait of the install-time start (0 = do not wait for running)" "$start_wait" 0
s_inst=$(seq_of InstallServices) s_start=$(seq_of StartServices)
if [ -n "$s_inst" ] && [ -n "$s_start" ] && [ "$s_inst" -lt "$s_start" ] &&
   [ -n "$(seq_of StopServices)" ] && [ -n "$(seq_of DeleteServices)" ]; then
  ok "InstallExecuteSequence installs, starts, stops and deletes services"
else
  fail "InstallExecuteSequence service actions missing or out of order"
fi

# The Event Log source the service writes to (as "p2vprep service install" registers it),
# in the exe's component so that uninstall removes it. Root 2 = HKLM.
evkey='SYSTEM\CurrentControlSet\Services\EventLog\Application\p2vprep'
ev() {  # ev NAME: "Root|Value|Component" of the Event Log source's value NAME
  rows Registry | awk -F'\t' -v k="$evkey" -v n="$1" '{ key = $3; sub(/\\$/, "", key) }
    key == k && $4 == n { print $2 "|" $5 "|" $6 }'
}
check "Event Log source EventMessageFile (root|value|component)" "$(ev EventMessageFile)" "2|[#$exe_file]|$exe_comp"
check "Event Log source TypesSupported (root|value|component)" "$(ev TypesSupported)" "2|#7|$exe_comp"

# --- Upgrades: a newer version replaces an older one, an older one is refused.
up=$(rows Upgrade | awk -F'\t' -v c="$upgrade_code" '$1 == c && $2 == "" && $3 != "" && $7 != "" { print $3 }' | head -1)
if [ -n "$up" ]; then ok "Upgrade row detects older versions (below $up)"; else fail "no Upgrade row detecting older versions of $upgrade_code"; fi
[ -n "$version" ] && [ -n "$up" ] && check "Upgrade VersionMax" "$up" "$version"
down=$(rows Upgrade | awk -F'\t' -v c="$upgrade_code" '$1 == c && $2 != "" && $3 == "" { print $7 }' | head -1)
if [ -n "$down" ] && rows LaunchCondition | grep -q "NOT $down"; then
  ok "newer version detected ($down) and refused by a LaunchCondition"
else
  fail "no downgrade protection (Upgrade row + LaunchCondition)"
fi
s_find=$(seq_of FindRelatedProducts) s_rep=$(seq_of RemoveExistingProducts)
s_val=$(seq_of InstallValidate) s_init=$(seq_of InstallInitialize)
[ -n "$s_find" ] && ok "FindRelatedProducts is sequenced ($s_find)" || fail "FindRelatedProducts is not sequenced"
# wixl 0.101 moves RemoveExistingProducts after InstallFinalize when custom actions are
# chained with Before/After; the package pins it between InstallValidate and InstallInitialize.
if [ -n "$s_rep" ] && [ -n "$s_val" ] && [ -n "$s_init" ] && [ "$s_val" -lt "$s_rep" ] && [ "$s_rep" -lt "$s_init" ]; then
  ok "RemoveExistingProducts between InstallValidate and InstallInitialize ($s_val < $s_rep < $s_init)"
else
  fail "RemoveExistingProducts at '$s_rep', not between InstallValidate ($s_val) and InstallInitialize ($s_init)"
fi

# --- The journal folder %SystemRoot%\p2vprep must survive an uninstall: the package names
# no Windows folder and removes nothing by RemoveFile/RemoveFolder.
if rows Directory | awk -F'\t' '$1 ~ /^(WindowsFolder|SystemFolder|System64Folder|WindowsVolume)$/ || $2 ~ /^(WindowsFolder|WindowsVolume)$/' | grep -q .; then
  fail "Directory table names the Windows folder: $(rows Directory | awk -F'\t' '$1 ~ /Windows|System/ || $2 ~ /Windows/' | tr '\t\n' ' ;')"
else
  ok "no Windows folder in the Directory table"
fi
rf=$(rows RemoveFile)
if [ -z "$rf" ]; then ok "RemoveFile table is empty"; else fail "RemoveFile rows: $(echo "$rf" | tr '\t\n' ' ;')"; fi

echo "== $fails failed"
[ "$fails" = 0 ]
