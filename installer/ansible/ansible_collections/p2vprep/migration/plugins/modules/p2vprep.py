#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: p2vprep maintainers
# MIT License (see the collection's galaxy.yml)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: p2vprep
short_description: Make a Windows server's new disk driver boot-start before it is migrated
version_added: "0.1.0"
description:
  - Runs one p2vprep command on the host and returns its result the Ansible way. p2vprep
    makes the driver of the virtual machine's disk controller (LSI Logic, LSI SAS, PVSCSI,
    IDE, AHCI, virtio, Hyper-V, NVMe, ...) boot-start in every control set, so that the
    converted VM does not stop with 0x7B INACCESSIBLE_BOOT_DEVICE.
  - C(changed) is what the machine changed (for I(command=plan), and in check mode, what
    apply would change); the diff lists the registry values and files, before and after.
  - In check mode I(command=apply) runs C(p2vprep plan), which changes nothing;
    I(command=rollback) is not run in check mode.
  - I(command=check) does not fail when the server is not ready; the verdict is the fact
    C(p2vprep_ready), the reasons C(p2vprep_findings).
  - The work is done by the collection's action plugin on the controller, which runs the exe
    on the host with C(--json) and maps its result. On Windows the exe runs through the
    helper module M(p2vprep.migration.p2vprep_run); with I(runner) set (such as C(wine) on a
    POSIX host) through the connection's shell, the way the project's tests drive it.
options:
  command:
    description: The p2vprep command.
    type: str
    choices: [ check, plan, apply, rollback ]
    default: check
  targets:
    description: Target controllers (C(p2vprep targets) lists them), for check, plan and apply.
    type: list
    elements: str
    default: []
  inf:
    description: A vendor driver's INF as the target.
    type: path
  payload:
    description: The folder holding the driver files (C(x86), C(amd64) beneath it).
    type: path
  offline:
    description: Repair the offline Windows at this folder or volume (C(auto) for the only one attached).
    type: str
  report:
    description: Also write the JSON report to this file or folder on the host.
    type: path
  exe:
    description: The p2vprep exe on the host.
    type: path
    default: C:\ProgramData\p2vprep\p2vprep-x64.exe
  runner:
    description: POSIX hosts only, the program that runs the Windows exe (for example C(wine)); empty on Windows.
    type: list
    elements: str
    default: []
  allow_unsigned:
    description: Accept drivers without a signature the 64-bit kernel loads (test-signed setups only).
    type: bool
    default: false
  allow_open_payload:
    description: Take drivers from a payload folder others than Administrators and SYSTEM may write.
    type: bool
    default: false
  san_policy:
    description: C(online) sets SanPolicy so that data disks come online on the new bus; C(keep) leaves it.
    type: str
    choices: [ online, keep ]
  crash_visible:
    description: Keep a blue screen on the console (CrashControl AutoReboot = 0).
    type: bool
    default: false
  fix_boot_ini:
    description: With I(offline), point boot.ini's default entry at the partition that holds Windows.
    type: bool
    default: false
  renamed:
    description: For rollback, this server was renamed since the apply.
    type: bool
    default: false
  retire:
    description:
      - The old platforms whose services and drivers go off in every control set and out of every class's filter lists.
      - The boot guard keeps what the disk needs.
    type: list
    elements: str
    choices: [ vmware, hyperv, xen, virtualbox, parallels ]
  keep_network:
    description:
      - Record every adapter's TCP/IP settings and register the first-boot pass.
      - At the VM's first boot it moves static ones to the new adapter.
    type: bool
    default: false
  nic_map:
    description:
      - With I(keep_network), C(OLD=NEW) entries (the old adapter's MAC or GUID, the new adapter's MAC).
      - For MACs that change where adapters are several.
    type: list
    elements: str
  remove_ghost_nics:
    description: With I(keep_network), the first-boot pass also removes the old adapters' devices.
    type: bool
    default: false
notes:
  - Exit codes and the JSON are p2vprep's own (README of the project); C(rc) is p2vprep's exit code.
  - The module supports check mode and diff mode.
author:
  - p2vprep maintainers
'''

EXAMPLES = r'''
- name: Is the server ready for a VMware VM on PVSCSI?
  p2vprep.migration.p2vprep:
    command: check
    targets: [pvscsi]
    payload: C:\ProgramData\p2vprep\payload

- name: Make the driver boot-start (check mode shows the plan)
  p2vprep.migration.p2vprep:
    command: apply
    targets: [pvscsi]
    payload: C:\ProgramData\p2vprep\payload
    report: C:\ProgramData\p2vprep\reports\
'''

RETURN = r'''
rc:
  description: p2vprep's exit code (0 done or ready, 1 not ready, 2 usage, 3 payload, 4 access, 5 rolled back, 6 rollback incomplete, 7 busy).
  returned: always
  type: int
msg:
  description: What p2vprep did, or why it failed, in one line.
  returned: always
  type: str
report:
  description: p2vprep's JSON report (version, os, control_sets, changes, findings, verdicts, readiness, ...).
  returned: when p2vprep ran
  type: dict
findings:
  description: Problems and readiness notes as id, category (Critical, Warning, Information), label, message.
  returned: when p2vprep ran
  type: list
  elements: dict
ansible_facts:
  description: C(p2vprep_ready), C(p2vprep_findings), C(p2vprep_exit_code).
  returned: when p2vprep ran
  type: dict
'''
