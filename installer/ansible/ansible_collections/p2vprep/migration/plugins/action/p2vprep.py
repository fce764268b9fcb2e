# -*- coding: utf-8 -*-
# Copyright: p2vprep maintainers
# MIT License (see the collection's galaxy.yml)
"""The p2vprep module's work, on the controller: the command line from the task's options,
check mode as p2vprep's plan, the exe run on the host with --json, and its one JSON object
mapped onto the task's result (changed, rc, msg, diff, report, findings, facts)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import shlex

from ansible.errors import AnsibleActionFail
from ansible.module_utils.six import string_types
from ansible.plugins.action import ActionBase

COMMANDS = ('check', 'plan', 'apply', 'rollback')
VALUE_OPTIONS = ('inf', 'payload', 'offline', 'report')
FLAG_OPTIONS = ('allow_unsigned', 'allow_open_payload', 'crash_visible', 'fix_boot_ini', 'renamed',
                'keep_network', 'remove_ghost_nics')
LIST_OPTIONS = ('retire', 'nic_map')
KNOWN = set(('command', 'targets', 'exe', 'runner', 'san_policy') + VALUE_OPTIONS + FLAG_OPTIONS + LIST_OPTIONS)
DEFAULT_EXE = 'C:\\ProgramData\\p2vprep\\p2vprep-x64.exe'


def build_argv(args, command):
    argv = [command]
    targets = args.get('targets') or []
    if isinstance(targets, string_types):
        targets = [t.strip() for t in targets.split(',') if t.strip()]
    if targets:
        argv += ['--target', ','.join(targets)]
    for name in VALUE_OPTIONS:
        if args.get(name):
            argv += ['--' + name, str(args[name])]
    if args.get('san_policy'):
        if args['san_policy'] not in ('online', 'keep'):
            raise AnsibleActionFail('san_policy is online or keep')
        argv += ['--san-policy', args['san_policy']]
    for name in LIST_OPTIONS:
        items = args.get(name) or []
        if isinstance(items, string_types):
            items = [i.strip() for i in items.split(',') if i.strip()]
        if items:
            argv += ['--' + name.replace('_', '-'), ','.join(items)]
    for name in FLAG_OPTIONS:
        if args.get(name):
            argv.append('--' + name.replace('_', '-'))
    return argv + ['--json']


def value_text(value):
    return 'absent' if value is None else json.dumps(value)


def diff_of(changes):
    before, after = [], []
    for c in changes:
        where = '%s\\%s' % (c.get('path'), c.get('name')) if c.get('kind') == 'registry' else c.get('path')
        before.append('%s = %s\n' % (where, value_text(c.get('old'))))
        after.append('%s = %s\n' % (where, value_text(c.get('new'))))
    return {'before': ''.join(before), 'after': ''.join(after)}


def result_of(command, rc, out, err, want_diff):
    """The task's result from what the exe printed (pure: the unit of the contract)."""
    try:
        report = json.loads(out)
    except ValueError:
        return dict(failed=True, rc=rc, stdout=out, stderr=err,
                    msg='p2vprep printed no JSON result (exit %d): %s' % (rc, (err or out).strip()))
    findings = report.get('findings', [])
    result = dict(
        changed=bool(report.get('changed')),
        rc=rc,
        msg=report.get('msg', ''),
        report=report,
        findings=findings,
        stderr_lines=err.splitlines(),
        ansible_facts=dict(p2vprep_ready=bool(report.get('ready')), p2vprep_findings=findings,
                           p2vprep_exit_code=report.get('exit_code', rc)),
    )
    if want_diff and report.get('changes'):
        result['diff'] = diff_of(report['changes'])
    # not ready is check's verdict, not a failure; set either way (Ansible reads rc != 0 as failed)
    not_ready = command == 'check' and report.get('exit_code') == 1
    result['failed'] = bool(report.get('failed')) and not not_ready
    return result


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(KNOWN)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        command = args.get('command', 'check')
        if command not in COMMANDS:
            raise AnsibleActionFail('command is one of %s' % ', '.join(COMMANDS))
        if self._task.check_mode and command == 'rollback':
            result.update(skipped=True, changed=False, rc=0, msg='rollback is not run in check mode')
            return result
        if self._task.check_mode and command == 'apply':
            command = 'plan'   # p2vprep's what-if: changes nothing
        argv = build_argv(args, command)
        exe = args.get('exe') or DEFAULT_EXE
        runner = args.get('runner') or []
        if isinstance(runner, string_types):
            runner = [runner]

        if runner:
            # a POSIX host running the Windows exe through its runner (Wine): the shell's own
            # quoting, the exit code and both streams as they came
            line = ' '.join(shlex.quote(str(a)) for a in list(runner) + [exe] + argv)
            res = self._low_level_execute_command(line, sudoable=False)
            rc, out, err = res.get('rc', -1), res.get('stdout', ''), res.get('stderr', '')
        else:
            res = self._execute_module(module_name='p2vprep.migration.p2vprep_run',
                                       module_args=dict(exe=exe, argv=argv), task_vars=task_vars)
            if res.get('failed') and 'stdout' not in res:
                result.update(res)
                return result
            rc, out, err = res.get('rc', -1), res.get('stdout', ''), res.get('stderr', '')

        result.update(result_of(command, rc, out, err, self._task.diff))
        return result
