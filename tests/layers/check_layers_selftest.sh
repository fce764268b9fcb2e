#!/bin/bash
# The layer check must be able to fail: a copy of agent/ where core includes an engine
# header and platform one of the program must be refused, naming both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/../../agent" "$tmp/agent"
sed -i '0,/^#include "/s//#include "engine.h"\n#include "/' "$tmp/agent/core/plan.c"
sed -i '0,/^#include "/s//#include "report.h"\n#include "/' "$tmp/agent/platform/secure.c"
if out=$(bash "$here/check_layers.sh" "$tmp/agent" 2>&1); then
  echo "the layer check passed a core that includes engine.h:"; echo "$out"; exit 1
fi
echo "$out" | grep -q 'core/plan.c (core) includes engine.h (engine)' || { echo "not named: core/plan.c"; echo "$out"; exit 1; }
echo "$out" | grep -q 'platform/secure.c (platform) includes report.h (agent)' || { echo "not named: platform/secure.c"; echo "$out"; exit 1; }
echo "the layer check refuses both planted includes"
