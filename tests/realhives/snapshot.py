#!/usr/bin/python3
"""The part of a real SYSTEM hive that --retire reads, as a text snapshot for the unit test
tests/unit/engine/test_realhive.c: Select, and in every ControlSetNNN each service's Start,
Type, Group and ImagePath, each device class's Class, UpperFilters and LowerFilters, and each
device instance's (Enum\\<bus>\\<device>\\<instance>) UpperFilters and LowerFilters. Values are
exactly the hive's bytes. Read with hivexregedit (Debian's libwin-hivex-perl).

Usage: snapshot.py HIVE.xz OUT.txt
Output lines (UTF-8):  K <tab> key            a key
                       V <tab> key <tab> name <tab> type <tab> hex data
Keys are relative to HKLM (SYSTEM\\ControlSet001\\Services\\vmci)."""
import lzma
import os
import re
import subprocess
import sys
import tempfile

SECTION = re.compile(r'^\[HKEY_LOCAL_MACHINE\\(.*)\]$')
WANT = {
    'services': {'start', 'type', 'group', 'imagepath'},
    'class': {'class', 'upperfilters', 'lowerfilters'},
    'enum': {'upperfilters', 'lowerfilters'},
}


def unquote(s):
    """A quoted .reg name or string: its text and what follows the closing quote."""
    assert s[0] == '"'
    out, i = [], 1
    while s[i] != '"':
        if s[i] == '\\':
            i += 1
        out.append(s[i])
        i += 1
    return ''.join(out), s[i + 1:]


def value(line):
    """(name, type, bytes) of one value line of hivexregedit's export."""
    if line.startswith('@='):
        name, rest = '', line[1:]
    else:
        name, rest = unquote(line)
    assert rest[0] == '='
    rest = rest[1:]
    if rest.startswith('"'):
        text, _ = unquote(rest)
        return name, 1, (text + '\0').encode('utf-16-le')
    if rest.startswith('dword:'):
        return name, 4, int(rest[6:], 16).to_bytes(4, 'little')
    m = re.match(r'hex(?:\(([0-9a-f]+)\))?:(.*)$', rest)
    data = bytes(int(b, 16) for b in m.group(2).split(',') if b)
    return name, int(m.group(1), 16) if m.group(1) else 3, data


def kind_of(parts):
    """Which part of a control set a key (its components below ControlSetNNN) is, if read."""
    low = [p.lower() for p in parts]
    if len(low) == 2 and low[0] == 'services':
        return 'services'
    if len(low) == 3 and low[:2] == ['control', 'class']:
        return 'class'
    if len(low) == 4 and low[0] == 'enum':
        return 'enum'
    return None


def export(hive, node):
    r = subprocess.run(['hivexregedit', '--export', '--prefix', 'HKEY_LOCAL_MACHINE\\SYSTEM', hive, node],
                       capture_output=True, text=True, encoding='utf-8', errors='surrogateescape')
    return r.stdout if r.returncode == 0 else None


def main(src, out):
    with tempfile.TemporaryDirectory() as tmp:
        hive = os.path.join(tmp, 'SYSTEM')
        with lzma.open(src) as f, open(hive, 'wb') as g:
            g.write(f.read())
        lines = []
        text = export(hive, '\\Select')
        sets = []
        for n in range(1, 10):
            if export(hive, '\\ControlSet%03d\\Control\\Class' % n) is not None:
                sets.append('ControlSet%03d' % n)
        for node in ['\\Select'] + ['\\%s\\%s' % (s, p) for s in sets for p in ('Services', 'Control\\Class', 'Enum')]:
            text = export(hive, node)
            key, kind = None, None
            for line in text.splitlines():
                m = SECTION.match(line)
                if m:
                    key = m.group(1)
                    parts = key.split('\\')
                    kind = 'select' if len(parts) == 2 and parts[1].lower() == 'select' else \
                        kind_of(parts[2:]) if len(parts) > 2 else None
                    if kind in ('select', 'services', 'class'):
                        lines.append('K\t%s' % key)
                    continue
                if not key or not kind or not line or line.startswith('Windows Registry'):
                    continue
                name, typ, data = value(line)
                if kind == 'select' or name.lower() in WANT[kind]:
                    if kind == 'enum':
                        lines.append('K\t%s' % key)
                    lines.append('V\t%s\t%s\t%d\t%s' % (key, name, typ, data.hex()))
    with open(out, 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
