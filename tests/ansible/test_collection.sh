#!/bin/bash
# The Ansible collection (installer/ansible): ansible-doc shows the module, a real
# ansible-playbook run drives it against the x64 exe under Wine, and ansible-test sanity
# runs on the collection.
#   test_collection.sh BIN_DIR SOURCE_DIR   (P2V_PREFIX: the win64 prefix, set by CTest)
set -euo pipefail
bin=$1 src=$2
: "${P2V_PREFIX:?set by CTest}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ANSIBLE_COLLECTIONS_PATH=$src/installer/ansible ANSIBLE_HOME=$work/home
export ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_INVENTORY_UNPARSED_WARNING=False
wine_run=$src/tests/harness/wine-run
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== ansible-doc shows the module"
ansible-doc -t module p2vprep.migration.p2vprep > "$work/doc.txt" 2>&1 || { cat "$work/doc.txt"; fail "ansible-doc"; }
for want in "OPTIONS" "command" "check mode" "runner" "RETURN VALUES" "findings"; do
  grep -q -- "$want" "$work/doc.txt" || { cat "$work/doc.txt"; fail "ansible-doc does not show \"$want\""; }
done

echo "== the server: a 2003 prefix with two control sets, the payload in C:\\p2vansible"
"$wine_run" "$bin/p2vfixture.exe" win2003 1,2 1 1 2 0
payload=$P2V_PREFIX/drive_c/p2vansible/payload
rm -rf "$P2V_PREFIX/drive_c/p2vansible"
mkdir -p "$payload/amd64" "$payload/x86"
cp "$bin/drivers/amd64/symmpi.sys" "$payload/amd64/"
cp "$bin/drivers/i386/symmpi.sys" "$payload/x86/"

echo "== ansible-playbook runs the module"
if ! ansible-playbook -i localhost, -c local "$src/tests/ansible/play_module.yml" \
     -e "p2vprep_exe=$bin/p2vprep-x64.exe" -e "wine_run=$wine_run" > "$work/play.log" 2>&1; then
  cat "$work/play.log"
  fail "the playbook failed"
fi
grep -E "^localhost +: ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=0" "$work/play.log" || {
  cat "$work/play.log"; fail "no clean recap"; }

echo "== ansible-test sanity on the collection"
# ansible-test wants the collection at .../ansible_collections/NS/NAME, in a tree of its own
mkdir -p "$work/ac/ansible_collections/p2vprep"
cp -r "$src/installer/ansible/ansible_collections/p2vprep/migration" "$work/ac/ansible_collections/p2vprep/"
cd "$work/ac/ansible_collections/p2vprep/migration"
# The sanity tests that need no Python packages run as ansible-test runs them (--local).
# Those that pip-install their requirements into a virtual environment cannot run on a
# machine without a package index; of them, pep8 and yamllint run below with Debian's
# tools and ansible-test's own settings, and ansible-doc ran above.
tests=(action-plugin-docs changelog compile empty-init ignores line-endings no-assert
       no-get-exception no-illegal-filenames no-smart-quotes shebang symlinks use-compat-six)
if ! ansible-test sanity --local --python "$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
     $(printf -- '--test %s ' "${tests[@]}") > "$work/sanity.log" 2>&1; then
  cat "$work/sanity.log"
  fail "ansible-test sanity"
fi
grep -c "Running sanity test" "$work/sanity.log" | sed 's/^/  sanity tests run: /'
sanity=$(/usr/bin/python3 -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_util/controller/sanity"))')
pycodestyle --max-line-length 160 --ignore "$(paste -sd, "$sanity/pep8/current-ignore.txt")" \
  $(find . -name '*.py') || fail "pep8 (pycodestyle, ansible-test's settings)"
yamllint -c "$sanity/yamllint/config/default.yml" $(find . -name '*.yml' -not -path './plugins/*') ||
  fail "yamllint (ansible-test's settings)"
echo "collection: ansible-doc, playbook, sanity, pep8 and yamllint passed"
