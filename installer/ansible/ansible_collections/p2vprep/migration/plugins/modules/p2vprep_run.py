#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: p2vprep maintainers
# MIT License (see the collection's galaxy.yml)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: p2vprep_run
short_description: Run the p2vprep exe on a Windows host and return what it printed
version_added: "0.1.0"
description:
  - The helper M(p2vprep.migration.p2vprep) runs on Windows hosts. It starts the exe with the
    arguments given, each quoted as Windows reads a command line back, and returns the exit
    code and both streams (UTF-8). Use M(p2vprep.migration.p2vprep) itself in playbooks.
  - It runs in check mode too; the caller gives it only commands that change nothing there.
options:
  exe:
    description: The p2vprep exe on the host.
    type: path
    required: true
  argv:
    description: The arguments, one per item.
    type: list
    elements: str
    required: true
author:
  - p2vprep maintainers
'''

EXAMPLES = r'''
- name: What p2vprep knows
  p2vprep.migration.p2vprep_run:
    exe: C:\ProgramData\p2vprep\p2vprep-x64.exe
    argv: [targets, --json]
'''

RETURN = r'''
rc:
  description: The exe's exit code.
  returned: always
  type: int
stdout:
  description: What it printed on stdout (with --json, one JSON object).
  returned: always
  type: str
stderr:
  description: What it printed on stderr.
  returned: always
  type: str
'''
