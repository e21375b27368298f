#!/usr/bin/env python3
"""Fail on an include cycle between the modules of a directory.

A module is a file name without its extension: X.c and X.h are one
module X, so "conn.c includes dispatch.h" and "dispatch.c includes
conn.h" is the cycle conn -> dispatch -> conn. Only #include "..." lines
naming a file of the same directory count (by its base name), so
"dom0-tools/vmstored/conn.h" and "conn.h" are the same edge when the
directory is dom0-tools/vmstored. A file including its own header is not
an edge.

usage: include-cycles.py DIR...   prints PASS:/FAIL: per directory
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_graph(d):
    files = [f for f in os.listdir(d) if f.endswith(('.c', '.h'))]
    modules = {os.path.splitext(f)[0] for f in files}
    graph = {m: set() for m in modules}
    for f in sorted(files):
        src = os.path.splitext(f)[0]
        with open(os.path.join(d, f), errors='replace') as fh:
            for line in fh:
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                # Same-directory names, or repository paths into d.
                if '/' in target and os.path.dirname(
                        os.path.normpath(target)) != os.path.normpath(d):
                    continue
                dst = os.path.splitext(os.path.basename(target))[0]
                if dst in modules and dst != src:
                    graph[src].add(dst)
    return graph


def find_cycle(graph):
    """One cycle as a list of modules (first == last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {m: WHITE for m in graph}
    stack = []

    def visit(m):
        colour[m] = GREY
        stack.append(m)
        for n in sorted(graph[m]):
            if colour[n] == GREY:
                return stack[stack.index(n):] + [n]
            if colour[n] == WHITE:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        colour[m] = BLACK
        return None

    for m in sorted(graph):
        if colour[m] == WHITE:
            found = visit(m)
            if found:
                return found
    return None


def all_cycles(graph):
    """Cycles until none is left, removing one edge of each found."""
    g = {m: set(e) for m, e in graph.items()}
    cycles = []
    while True:
        c = find_cycle(g)
        if not c:
            return cycles
        cycles.append(c)
        g[c[-2]].discard(c[-1])


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    for d in argv[1:]:
        d = os.path.normpath(d)
        if not os.path.isdir(d):
            print(f'FAIL: include-cycles {d}: no such directory')
            failed += 1
            continue
        cycles = all_cycles(module_graph(d))
        if cycles:
            print(f'FAIL: include-cycles {d}')
            for c in cycles:
                print('  ' + ' -> '.join(c))
            failed += 1
        else:
            print(f'PASS: include-cycles {d}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
