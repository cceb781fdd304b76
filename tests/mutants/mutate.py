#!/usr/bin/python3
"""Helper of scripts/mutants.sh: read the mutant list, apply one mutant to a
copy of the tree, classify test failures, print the kill matrix.

A mutant is located by the C function (or SQL function) whose body holds
the snippet, never by file name or line number, so it survives files being
split, renamed or re-indented:

  fn: NAME          a C function definition named NAME anywhere in src/
                    (*.c, *.h); the body is from the definition's opening
                    brace to its closing brace in column 0
  fn: sql:rbac.X    a CREATE FUNCTION rbac.X(...) statement in src/sql/*.sql,
                    or the paragraph of rbac.X in src/sql/*.dat
  fn: sql:*         any statement or paragraph of src/sql/ (GRANT, REVOKE,
                    views, C function declarations ...)

The snippet ("find:") is matched with every run of white space standing
for any run of white space, and must occur exactly once over all the
bodies of that name (static functions of the same name in several files
are told apart by the snippet).  A function or snippet that is missing or
ambiguous makes the mutant "stale": reported, never skipped silently.

Subcommands (all output on stdout):
  ids LIST                      mutant ids, one per line, in list order
  field LIST ID KEY             one field of a mutant (title, tests, ...)
  apply LIST ID TREE            apply to TREE; prints the files changed, or
                                "stale: reason" and exits 3
  regress-kind DIFFS            B (behaviour) or M (message wording only)
  parser-kind OUTPUT            the same for the parser checks' output
  tap-kind OUTPUT               the same for prove's verbose output
  matrix RESULTS LIST           the kill matrix and the score
  check LIST TREE               locate every mutant in TREE, apply none
"""

import os
import re
import sys


def parse_list(path):
    """The mutants of a list file, in order: dicts with id, planted,
    family, title, tests (list), edits (list of (fn, find, replace))."""
    mutants = []
    cur = None
    pending = None
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            m = re.match(r'^\[(\w+)\]\s*(.*)$', line)
            if m:
                cur = {'id': m.group(1), 'planted': False, 'family': '?',
                       'title': '', 'tests': [], 'edits': [], 'line': lineno}
                for kv in m.group(2).split():
                    if kv == 'planted':
                        cur['planted'] = True
                    elif kv.startswith('family='):
                        cur['family'] = kv[len('family='):]
                mutants.append(cur)
                pending = None
                continue
            m = re.match(r'^(\w+):\s?(.*)$', line)
            if not m or cur is None:
                sys.exit(f'{path}:{lineno}: cannot parse: {line}')
            key, val = m.group(1), m.group(2)
            if key == 'title':
                cur['title'] = val.strip()
            elif key == 'tests':
                cur['tests'] = val.split()
            elif key == 'why':
                cur['why'] = val.strip()
            elif key == 'fn':
                pending = [val.strip(), None, None]
            elif key == 'find':
                if pending is None:
                    sys.exit(f'{path}:{lineno}: find: without fn:')
                pending[1] = val
            elif key == 'replace':
                if pending is None or pending[1] is None:
                    sys.exit(f'{path}:{lineno}: replace: without fn: and find:')
                # "\n" in a replacement stands for a line break (the
                # one-key-per-line paragraphs of src/sql/*.dat)
                pending[2] = val.replace('\\n', '\n')
                cur['edits'].append(tuple(pending))
                pending = None
            else:
                sys.exit(f'{path}:{lineno}: unknown key {key}')
    ids = [m['id'] for m in mutants]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit(f'{path}: duplicate ids {sorted(dup)}')
    for m in mutants:
        if not m['edits'] or not m['tests']:
            sys.exit(f"{path}: mutant {m['id']} needs fn/find/replace and tests")
    return mutants


def find_mutant(path, mid):
    for m in parse_list(path):
        if m['id'] == mid:
            return m
    sys.exit(f'no mutant {mid} in {path}')


def snippet_regex(find):
    parts = [re.escape(p) for p in find.strip().split()]
    return re.compile(r'\s+'.join(parts))


def c_bodies(tree, name):
    """(file, start, end) of the body of every C function definition named
    name under tree/src: from the "{" in column 0 after the parameter list
    to the matching "}" in column 0."""
    out = []
    defn = re.compile(r'^(?:[A-Za-z_][\w \t\*]*[ \t\*])?' + re.escape(name) +
                      r'\s*\(', re.M)
    for root, _dirs, files in os.walk(os.path.join(tree, 'src')):
        for fn in sorted(files):
            if not fn.endswith(('.c', '.h')):
                continue
            p = os.path.join(root, fn)
            with open(p, encoding='utf-8', errors='surrogateescape') as f:
                text = f.read()
            for m in defn.finditer(text):
                # the parameter list closes before a "{" line; a prototype
                # or a call ends with ";" first
                rest = text[m.end():]
                brace = re.search(r'^\{[ \t]*$', rest, re.M)
                if brace is None:
                    continue
                between = rest[:brace.start()]
                if ';' in between or '{' in between or '}' in between:
                    continue
                start = m.end() + brace.start()
                close = re.search(r'^\}[ \t]*$', text[start:], re.M)
                if close is None:
                    continue
                out.append((p, start, start + close.end()))
    return out


def sql_bodies(tree, name):
    """(file, start, end) of each statement of src/sql/*.sql that creates
    function name (or every statement, for "*")."""
    out = []
    sqldir = os.path.join(tree, 'src', 'sql')
    for fn in sorted(os.listdir(sqldir)):
        if not fn.endswith(('.sql', '.dat')):
            continue
        p = os.path.join(sqldir, fn)
        with open(p, encoding='utf-8') as f:
            text = f.read()
        if name == '*':
            out.append((p, 0, len(text)))
            continue
        if fn.endswith('.dat'):
            # a paragraph: from its "function:" line to the next blank line
            pat = re.compile(r'^function:\s*' + re.escape(name) + r'\s*\(', re.M)
            for m in pat.finditer(text):
                end = text.find('\n\n', m.start())
                out.append((p, m.start(), len(text) if end < 0 else end))
            continue
        pat = re.compile(r'^CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+' +
                         re.escape(name) + r'\s*\(', re.M | re.I)
        for m in pat.finditer(text):
            # the statement ends at the first ";" at the end of a line
            # outside dollar quotes
            i = m.start()
            in_dollar = None
            j = i
            end = len(text)
            while j < len(text):
                if in_dollar:
                    k = text.find(in_dollar, j)
                    if k < 0:
                        break
                    j = k + len(in_dollar)
                    in_dollar = None
                    continue
                dm = re.compile(r'\$[A-Za-z_]*\$').match(text, j)
                if dm:
                    in_dollar = dm.group(0)
                    j = dm.end()
                    continue
                if text[j] == ';':
                    end = j + 1
                    break
                j += 1
            out.append((p, i, end))
    return out


def locate(tree, fn, find):
    """(file, start, end) of the one match of find in the bodies of fn, or
    raise LookupError(reason)."""
    if fn.startswith('sql:'):
        bodies = sql_bodies(tree, fn[4:])
    else:
        bodies = c_bodies(tree, fn)
    if not bodies:
        raise LookupError(f'function {fn} not found in src/')
    rx = snippet_regex(find)
    hits = []
    for p, s, e in bodies:
        with open(p, encoding='utf-8', errors='surrogateescape') as f:
            text = f.read()
        for m in rx.finditer(text, s, e):
            hits.append((p, m.start(), m.end()))
    if not hits:
        raise LookupError(f'snippet not found in {fn}: {find.strip()[:60]}')
    if len(hits) > 1:
        raise LookupError(f'snippet found {len(hits)} times in {fn}: {find.strip()[:60]}')
    return hits[0]


def apply(listfile, mid, tree):
    m = find_mutant(listfile, mid)
    # locate everything first: a mutant is applied whole or not at all
    located = []
    try:
        for fn, find, repl in m['edits']:
            located.append(locate(tree, fn, find) + (repl,))
    except LookupError as e:
        print(f'stale: {e}')
        sys.exit(3)
    files = {}
    for p, s, e, repl in located:
        files.setdefault(p, []).append((s, e, repl))
    for p, edits in files.items():
        with open(p, encoding='utf-8', errors='surrogateescape') as f:
            text = f.read()
        for s, e, repl in sorted(edits, reverse=True):
            text = text[:s] + repl + text[e:]
        with open(p, 'w', encoding='utf-8', errors='surrogateescape') as f:
            f.write(text)
        print(os.path.relpath(p, tree))


MESSAGE_LINE = re.compile(
    r'^(ERROR|WARNING|NOTICE|INFO|DETAIL|HINT|CONTEXT|QUERY|LINE \d+):|^\s*\^\s*$')


def regress_kind(diffs):
    """B when a pg_regress diff changes anything but message lines (or
    changes which statements fail), M when only message texts changed."""
    removed, added = [], []
    with open(diffs, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith(('---', '+++', '@@', 'diff ')):
                continue
            if line.startswith('-'):
                removed.append(line[1:])
            elif line.startswith('+'):
                added.append(line[1:])
    if not removed and not added:
        return 'B'
    for line in removed + added:
        if not MESSAGE_LINE.match(line):
            return 'B'
    def errors(lines):
        return sum(1 for x in lines if x.startswith(('ERROR:', 'WARNING:')))
    return 'M' if errors(removed) == errors(added) else 'B'


def parser_kind(output):
    """The parser checks print unified diffs of rbac_lint output.  M when
    the diagnostics are the same positions and severities and only their
    texts (or hints) differ."""
    removed, added = [], []
    with open(output, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith(('---', '+++', '@@')):
                continue
            if line.startswith('-'):
                removed.append(line[1:])
            elif line.startswith('+'):
                added.append(line[1:])
    if not removed and not added:
        return 'B'
    diag = re.compile(r'^(?:#\| )?(\d+:\d+: (?:error|warning|notice)):')
    def keys(lines):
        k = []
        for x in lines:
            m = diag.match(x)
            if m:
                k.append(m.group(1))
            elif re.match(r'^\s*hint:', x):
                continue
            else:
                return None
        return sorted(k)
    kr, ka = keys(removed), keys(added)
    return 'M' if kr is not None and kr == ka else 'B'


def tap_kind(output):
    """Every TAP failure is behaviour, except assertions whose description
    starts with "message:" (wording checks)."""
    fails = []
    with open(output, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = re.match(r'^\s*not ok \d+\s*-?\s*(.*)$', line)
            if m and '# TODO' not in line:
                fails.append(m.group(1))
    if fails and all(x.startswith('message:') for x in fails):
        return 'M'
    return 'B'


def matrix(results, listfile):
    """results: lines "ID<TAB>target<TAB>outcome" (outcome: B killed by
    behaviour, M only by message wording, T timed out (counted as a
    behaviour kill), - survived, S stale, X build failed)."""
    mutants = parse_list(listfile)
    res = {}
    with open(results, encoding='utf-8') as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) >= 3:
                res.setdefault(parts[0], []).append((parts[1], parts[2]))
    targets = []
    for m in mutants:
        for t, _o in res.get(m['id'], []):
            if t not in targets and t not in ('-', 'stale', 'build'):
                targets.append(t)
    short = {t: t.replace('tap:', '').replace('.pl', '') for t in targets}
    width = max([len(m['id']) for m in mutants] + [4])
    head = ' ' * (width + 12) + ' '.join(f'{short[t]:>{max(len(short[t]), 3)}}' for t in targets)
    print(head)
    counts = {'B': 0, 'M': 0, '-': 0, 'S': 0, 'X': 0}
    survivors = []
    for m in mutants:
        r = dict(res.get(m['id'], []))
        if 'stale' in r:
            verdict = 'S'
        elif 'build' in r:
            verdict = 'X'
        elif not r:
            continue
        elif any(o in ('B', 'T') for o in r.values()):
            verdict = 'B'
        elif any(o == 'M' for o in r.values()):
            verdict = 'M'
        else:
            verdict = '-'
        counts[verdict] += 1
        label = {'B': 'killed', 'M': 'message', '-': 'SURVIVED', 'S': 'STALE',
                 'X': 'NO BUILD'}[verdict]
        cells = ' '.join(f'{r.get(t, ""):>{max(len(short[t]), 3)}}' for t in targets)
        flag = '*' if m['planted'] else ' '
        print(f"{m['id']:<{width}}{flag} {label:<9} {cells}  {m['family']}: {m['title']}")
        if verdict in ('M', '-', 'S', 'X'):
            survivors.append((m['id'], label, r.get('stale', '')))
    run = counts['B'] + counts['M'] + counts['-']
    print()
    print('B killed by a behaviour test, M only by message wording, T timed out '
          '(counted as killed), - survived; * a planted bug of issue 17')
    pct = 100.0 * counts['B'] / run if run else 0.0
    print(f"mutants run: {run}; killed by behaviour: {counts['B']} ({pct:.1f}%); "
          f"by message only: {counts['M']}; survived: {counts['-']}; "
          f"stale: {counts['S']}; build failed: {counts['X']}")
    for mid, label, why in survivors:
        print(f'  {mid}: {label}{(" (" + why + ")") if why else ""}')


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    a = sys.argv[2:]
    if cmd == 'ids':
        for m in parse_list(a[0]):
            print(m['id'])
    elif cmd == 'field':
        m = find_mutant(a[0], a[1])
        v = m.get(a[2], '')
        print(' '.join(v) if isinstance(v, list) else
              ('1' if v is True else '' if v is False else v))
    elif cmd == 'apply':
        apply(a[0], a[1], a[2])
    elif cmd == 'regress-kind':
        print(regress_kind(a[0]))
    elif cmd == 'parser-kind':
        print(parser_kind(a[0]))
    elif cmd == 'tap-kind':
        print(tap_kind(a[0]))
    elif cmd == 'matrix':
        matrix(a[0], a[1])
    elif cmd == 'check':
        bad = 0
        for m in parse_list(a[0]):
            for fn, find, _r in m['edits']:
                try:
                    p, s, e = locate(a[1], fn, find)
                    print(f"{m['id']}: {os.path.relpath(p, a[1])} {fn}")
                except LookupError as err:
                    print(f"{m['id']}: STALE {err}")
                    bad += 1
        sys.exit(1 if bad else 0)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
