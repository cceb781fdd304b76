#!/usr/bin/python3
"""Report dependency cycles between the source files of src/.

A file depends on a header it includes, and a .c file on another .c file
whose object defines a symbol (function or variable) its own object uses
(read with nm, so the objects must be built: `make check-cycles` builds
them first).  So a cycle is either headers that include each other or .c
files that call each other, directly or around a loop.  Prints the graph's
edges with --edges, then every cycle (a strongly connected component of
more than one file), and the files longer than the limit; exits 1 when
there is either.

    scripts/check_cycles.py [--edges] [--max-lines N] [SRC_DIR]
"""
import os
import re
import subprocess
import sys


def nodes_of(src):
    return sorted(f for f in os.listdir(src) if f.endswith(('.c', '.h')))


def include_edges(src, nodes):
    edges = {}
    for n in nodes:
        with open(os.path.join(src, n), encoding='utf-8') as fh:
            for line in fh:
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m and m.group(1) in nodes and m.group(1) != n:
                    edges.setdefault((n, m.group(1)), set()).add('#include')
    return edges


def symbol_edges(src, nodes, edges):
    defined = {}
    used = {}
    for n in nodes:
        if not n.endswith('.c'):
            continue
        obj = os.path.join(src, n[:-2] + '.o')
        if not os.path.exists(obj):
            sys.exit('check_cycles: %s is not built (run make first)' % obj)
        out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == 'U':
                used.setdefault(n, set()).add(parts[1])
            elif len(parts) == 3 and parts[1] in 'TDBRC':
                defined.setdefault(parts[2], set()).add(n)
    for n, syms in used.items():
        for s in syms:
            owners = defined.get(s, set())
            if len(owners) == 1:
                o = next(iter(owners))
                if o != n:
                    edges.setdefault((n, o), set()).add(s)


def cycles(nodes, edges):
    succ = {n: sorted(b for (a, b) in edges if a == n) for n in nodes}
    index = {}
    low = {}
    stack = []
    on = set()
    out = []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for n in nodes:
        if n not in index:
            strong(n)
    return out


def main(argv):
    show = '--edges' in argv
    max_lines = 1500
    args = [a for a in argv if a != '--edges']
    if '--max-lines' in args:
        i = args.index('--max-lines')
        max_lines = int(args[i + 1])
        del args[i:i + 2]
    src = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
    nodes = nodes_of(src)
    edges = include_edges(src, nodes)
    symbol_edges(src, nodes, edges)
    if show:
        for (a, b) in sorted(edges):
            print('%s -> %s: %s' % (a, b, ', '.join(sorted(edges[(a, b)])[:4])))
    bad = 0
    found = cycles(nodes, edges)
    for comp in found:
        bad = 1
        print('cycle: ' + ' <-> '.join(comp))
        for (a, b) in sorted(edges):
            if a in comp and b in comp:
                print('  %s -> %s: %s' % (a, b, ', '.join(sorted(edges[(a, b)])[:4])))
    for n in nodes:
        with open(os.path.join(src, n), encoding='utf-8') as fh:
            count = sum(1 for _ in fh)
        if count > max_lines:
            bad = 1
            print('%s: %d lines (over %d)' % (n, count, max_lines))
    print('%d files, %d dependencies, %d cycles' % (len(nodes), len(edges), len(found)))
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
