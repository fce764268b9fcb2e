#!/bin/bash
# check_tables_selftest.sh MSI ARCH: proves check_tables.sh can fail. Each case breaks one
# thing in a copy of the MSI (msibuild, from msitools) and expects check_tables.sh to exit
# non-zero with the matching FAIL line; the unbroken copy must pass.
set -u
msi=${1:?usage: check_tables_selftest.sh MSI x86|x64}
arch=${2:?usage: check_tables_selftest.sh MSI x86|x64}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v msibuild >/dev/null || { echo "FAIL: msibuild not found (Debian package msitools)"; exit 1; }

fails=0
# expect NAME 'FAIL-LINE REGEX' SQL...
expect() {
  local name=$1 want=$2 out rc q
  shift 2
  cp "$msi" "$work/$name.msi"
  for q in "$@"; do
    msibuild "$work/$name.msi" -q "$q" || { echo "FAIL: $name: msibuild could not run: $q"; fails=$((fails + 1)); return; }
  done
  out=$(bash "$here/check_tables.sh" "$work/$name.msi" "$arch" 2>&1)
  rc=$?
  if [ "$#" = 0 ]; then
    if [ "$rc" = 0 ]; then echo "ok:   unbroken copy passes"; else
      echo "FAIL: the unbroken copy does not pass:"; echo "$out" | grep FAIL; fails=$((fails + 1)); fi
  elif [ "$rc" != 0 ] && echo "$out" | grep -Eq "^FAIL: $want"; then
    echo "ok:   $name is caught: $(echo "$out" | grep -E "^FAIL: $want" | head -1)"
  else
    echo "FAIL: $name is not caught (exit $rc; expected a line 'FAIL: $want'):"
    echo "$out" | grep FAIL
    fails=$((fails + 1))
  fi
}

if [ "$arch" = x64 ]; then bits=0 msg='component Payload lacks the 64-bit attribute'
else bits=256 msg='component Payload has the 64-bit attribute'; fi

expect unbroken ''
expect component-bits "$msg" "UPDATE Component SET Attributes=$bits WHERE Component='Payload'"
expect start-demand 'ServiceInstall StartType' "UPDATE ServiceInstall SET StartType=3"
expect shared-process 'ServiceInstall ServiceType' "UPDATE ServiceInstall SET ServiceType=32"
expect no-reportdir 'ServiceInstall Arguments lack \[REPORTDIR\]' \
  "UPDATE ServiceInstall SET Arguments='[MODE] --target [TARGETS] --payload \"[INSTALLDIR]payload\"'"
expect no-remove 'ServiceControl: no remove at uninstall' \
  "DELETE FROM ServiceControl WHERE ServiceControl='ServiceStopRemove'"
expect no-start 'ServiceControl: no start at install' \
  "DELETE FROM ServiceControl WHERE ServiceControl='ServiceStart'"
expect wait-start 'ServiceControl Wait of the install-time start' \
  "UPDATE ServiceControl SET Wait=1 WHERE ServiceControl='ServiceStart'"
expect no-payload-folder 'CreateFolder has no PAYLOADDIR row' \
  "DELETE FROM CreateFolder WHERE Directory_='PAYLOADDIR'"
expect reportdir-row 'Property REPORTDIR has a row' \
  "INSERT INTO Property (Property, Value) VALUES ('REPORTDIR', 'C:\\reports')"
expect mode-apply 'Property MODE' "UPDATE Property SET Value='apply' WHERE Property='MODE'"
expect late-rep 'RemoveExistingProducts at' \
  "UPDATE InstallExecuteSequence SET Sequence=6601 WHERE Action='RemoveExistingProducts'"
expect no-event-source 'Event Log source EventMessageFile' \
  "DELETE FROM Registry WHERE Name='EventMessageFile'"
expect report-folder 'the package makes a report folder' \
  "INSERT INTO CreateFolder (Directory_, Component_) VALUES ('ReportsFolder', 'Exe')"
expect journal-removed 'RemoveFile rows' \
  "INSERT INTO RemoveFile (FileKey, Component_, FileName, DirProperty, InstallMode) VALUES ('J', 'Exe', '*', 'JournalFolder', 2)"

echo "== $fails failed"
[ "$fails" = 0 ]
