#!/bin/bash
# The purity check must be able to fail: a copy of agent/ whose core/plan.c calls
# RegOpenKeyExW (declared by hand, as a careless change would) is refused, naming it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here/../../agent" "$tmp/agent"
cat >> "$tmp/agent/core/plan.c" <<'C'
long RegOpenKeyExW(void *key, const wchar_t *sub, unsigned long o, unsigned long sam, void **out);
void plan_touches_the_registry(void) { void *k; RegOpenKeyExW(0, L"SYSTEM", 0, 0, &k); }
C
if out=$(bash "$here/core_is_pure.sh" "$tmp/agent" 2>&1); then
  echo "the purity check passed a core that calls RegOpenKeyExW:"; echo "$out"; exit 1
fi
echo "$out" | grep -q RegOpenKeyExW || { echo "RegOpenKeyExW not named:"; echo "$out"; exit 1; }
echo "the purity check refuses a core that calls RegOpenKeyExW"
