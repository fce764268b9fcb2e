#!/usr/bin/python3
"""The engine documents shipped in installer/ speak p2vprep's language: every command and
option they pass is one p2vprep takes (the option table in agent/core/cli.c), the DSC
manifest's operations are check/check/apply/plan with --json and the desired state as
--input, its schema's properties are options, and the Systems Manager document's steps
never ask for a restart code. Exits 1 naming what is wrong."""
import json
import re
import sys

import yaml

src = sys.argv[1]
problems = []
cli = open(src + '/agent/core/cli.c', encoding='utf-8').read()
options = set()
for name, alias in re.findall(r'\{ L"(--[a-z-]+)", (?:L"([^"]*)"|NULL), OPT_', cli):
    options.add(name)
    if alias:
        options.add(alias)
commands = {'check', 'plan', 'apply', 'rollback'}
if len(options) < 15:
    problems.append('the option table was not read from cli.c (%d options)' % len(options))


def check_args(where, args):
    for a in args:
        if isinstance(a, str) and a.startswith('--') and a not in options:
            problems.append('%s: %s is no p2vprep option' % (where, a))


# DSC v3 resource manifest
dsc = json.load(open(src + '/installer/dsc/p2vprep.dsc.resource.json', encoding='utf-8'))
want = {'get': 'check', 'test': 'check', 'set': 'apply', 'whatIf': 'plan'}
for op, command in want.items():
    spec = dsc.get(op)
    if not spec:
        problems.append('dsc: no %s' % op)
        continue
    args = spec['args']
    if args[0] != command:
        problems.append('dsc %s runs %s, not %s' % (op, args[0], command))
    if '--json' not in args:
        problems.append('dsc %s: no --json' % op)
    inputs = [a for a in args if isinstance(a, dict)]
    if inputs != [{'jsonInputArg': '--input', 'mandatory': True}]:
        problems.append('dsc %s: the desired state is not passed as --input' % op)
    check_args('dsc ' + op, [a for a in args if isinstance(a, str)])
for name, prop in dsc['schema']['embedded']['properties'].items():
    if prop.get('readOnly') or name.startswith('_'):
        continue
    if '--' + name.replace('_', '-') not in options:
        problems.append('dsc schema: property %s is no p2vprep option' % name)
for code in dsc.get('exitCodes', {}):
    if code in ('1', '3010', '1641'):
        problems.append('dsc exitCodes lists %s, which --exit-codes dsc never returns' % code)

# Systems Manager document
ssm = yaml.safe_load(open(src + '/installer/ssm/p2vprep-prepare.ssm.yml', encoding='utf-8'))
if ssm.get('schemaVersion') != '2.2':
    problems.append('ssm: schemaVersion is not 2.2')
for step in ssm.get('mainSteps', []):
    text = ' '.join(step['inputs']['runCommand'])
    m = re.search(r'\$exe (\w+)', text)
    if not m or m.group(1) not in commands:
        problems.append('ssm step %s runs no p2vprep command' % step['name'])
    check_args('ssm step ' + step['name'], re.findall(r'--[a-z-]+', text))
    if '3010' in text or '--exit-codes msi' in text:
        problems.append('ssm step %s could ask Systems Manager for a reboot (3010)' % step['name'])

# the Ansible collection's module and the options its action plugin passes
action = open(src + '/installer/ansible/ansible_collections/p2vprep/migration/plugins/action/p2vprep.py',
              encoding='utf-8').read()
for name in re.findall(r"'([a-z_]+)'", re.search(r'VALUE_OPTIONS = \(([^)]*)\)', action).group(1)) + \
        re.findall(r"'([a-z_]+)'", re.search(r'FLAG_OPTIONS = \(([^)]*)\)', action).group(1)) + ['san_policy', 'target']:
    if '--' + name.replace('_', '-') not in options:
        problems.append('ansible action plugin: %s is no p2vprep option' % name)

for p in problems:
    print('FAIL: ' + p)
print('engine documents: %d problem(s); %d options known, DSC %d operations, SSM %d steps'
      % (len(problems), len(options), len(want), len(ssm.get('mainSteps', []))))
sys.exit(1 if problems else 0)
