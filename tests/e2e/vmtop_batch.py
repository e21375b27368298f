#!/usr/bin/env python3
"""Check vmtop's batch and JSON output (captured from dom0's terminal)
against `vmctl list --json` captured right after them. The capture has
sections '==b.txt', '==j.json', '==l.json', '==end'. Prints what is wrong
and exits 1, or exits 0."""
import json
import re
import sys

XENTOP_HEADER = ["NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
                 "MAXMEM(k)", "MAXMEM(%)", "VCPUS"]
UMBRA_COLUMNS = ["EXITS/s", "HCALLS/s", "PTTRAPS/s", "SHADOW(k)", "PAGING"]
XENTOP_STATE = "dsbcpr"   # xentop's letter order
STATE_LETTER = {"dying": "d", "shutdown": "s", "blocked": "b", "crashed": "c",
                "paused": "p", "running": "r"}


def sections(text):
    out, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^==(\S+)$", line)
        if m:
            cur = m.group(1)
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return out


def fail(errors, msg):
    errors.append(msg)


def check_text(lines, listed, errors):
    header = XENTOP_HEADER + UMBRA_COLUMNS
    blocks, cur = [], None
    for line in lines:
        words = line.split()
        if words == header:
            cur = []
            blocks.append(cur)
        elif cur is not None and words:
            cur.append(words)
        elif words:
            fail(errors, "text: a line before any header: %r" % line)
    if len(blocks) != 2:
        fail(errors, "text: %d header lines, expected one per interval (2)" % len(blocks))
        return
    for rows in blocks:
        names = [r[0] for r in rows]
        if sorted(names) != sorted(listed):
            fail(errors, "text: domains %s, vmctl list has %s" % (names, sorted(listed)))
        if names != sorted(names, key=str.lower):
            fail(errors, "text: not in xentop's order (by name): %s" % names)
        for r in rows:
            if len(r) != len(header):
                fail(errors, "text: %d fields in %s" % (len(r), r))
                continue
            d = listed.get(r[0])
            if not d:
                continue
            st = r[1]
            if len(st) != 6 or any(c not in ("-", XENTOP_STATE[i]) for i, c in enumerate(st)):
                fail(errors, "text: %s: state %r is not xentop's dsbcpr" % (r[0], st))
            if int(r[4]) != d["mem_mib"] * 1024 or int(r[6]) != d["mem_mib"] * 1024:
                fail(errors, "text: %s: MEM(k) %s, vmctl list says %d MiB" % (r[0], r[4], d["mem_mib"]))
            if int(r[8]) != d["vcpus"]:
                fail(errors, "text: %s: VCPUS %s, vmctl says %d" % (r[0], r[8], d["vcpus"]))
            # vmctl listed after vmtop's intervals: its time is later.
            if int(r[2]) > d["time_s"] + 1:
                fail(errors, "text: %s: CPU(sec) %s, more than vmctl's later %.1f" %
                     (r[0], r[2], d["time_s"]))
            if not 0 <= float(r[3]) <= 100 * d["vcpus"]:
                fail(errors, "text: %s: CPU(%%) %s out of bounds" % (r[0], r[3]))
            if r[13] != d["paging"]:
                fail(errors, "text: %s: PAGING %s, vmctl says %s" % (r[0], r[13], d["paging"]))
    busy = [r for r in blocks[1] if r[0] == "alpha"]
    if busy and float(busy[0][3]) < 30:
        fail(errors, "text: the busy guest shows CPU%% %s in the second interval" % busy[0][3])


def check_json(lines, listed, errors):
    objs = []
    for line in lines:
        if not line.strip():
            continue
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            fail(errors, "json: a line that is not one JSON object (%s): %r" % (e, line[:120]))
    if len(objs) != 2:
        fail(errors, "json: %d objects, expected one per interval (2)" % len(objs))
        return
    for i, o in enumerate(objs):
        for key in ("umbra_version", "uptime_s", "cpus", "load_pct", "cpu_load_pct",
                    "mem_total_k", "mem_free_k", "mem_reserved_k", "domains_by_state"):
            if key not in o:
                fail(errors, "json: object %d lacks %s" % (i, key))
        doms = {d["name"]: d for d in o.get("domains", [])}
        if sorted(doms) != sorted(listed):
            fail(errors, "json: domains %s, vmctl list has %s" % (sorted(doms), sorted(listed)))
        if o.get("nr_domains") != len(doms) or sum(o.get("domains_by_state", {}).values()) != len(doms):
            fail(errors, "json: domain counts disagree: %s" % o.get("domains_by_state"))
        for name, d in doms.items():
            ref = listed.get(name)
            if not ref:
                continue
            for mine, theirs, f in (("domid", "domid", int), ("vcpus", "vcpus", int),
                                    ("paging", "paging", str)):
                if d[mine] != ref[theirs]:
                    fail(errors, "json: %s: %s %r, vmctl says %r" % (name, mine, d[mine], ref[theirs]))
            if d["cpu_ns"] / 1e9 > ref["time_s"] + 1:
                fail(errors, "json: %s: CPU time %.1f s, more than vmctl's later %.1f" %
                     (name, d["cpu_ns"] / 1e9, ref["time_s"]))
            if d["mem_k"] != ref["mem_mib"] * 1024:
                fail(errors, "json: %s: mem_k %d, vmctl says %d MiB" % (name, d["mem_k"], ref["mem_mib"]))
            if not 0 <= d["cpu_pct"] <= 100 * d["vcpus"]:
                fail(errors, "json: %s: cpu_pct %s out of bounds" % (name, d["cpu_pct"]))
            if d["state"] not in STATE_LETTER:
                fail(errors, "json: %s: state %r" % (name, d["state"]))
            elif d["state_letters"] != "".join(
                    c if c == STATE_LETTER[d["state"]] else "-" for c in XENTOP_STATE):
                fail(errors, "json: %s: letters %s for %s" % (name, d["state_letters"], d["state"]))
            for k in ("exits_ps", "hcalls_ps", "pttraps_ps", "shadow_k"):
                if k not in d or d[k] < 0:
                    fail(errors, "json: %s: %s missing or negative" % (name, k))
    # vmtop primes the pump as top does (two reads, then half a second at
    # most the delay): the first interval has rates already, over that wait.
    first = objs[0]
    if not 0.2 <= first.get("interval_s", 0) <= 5:
        fail(errors, "json: first interval %s s, primed for 0.5" % first.get("interval_s"))
    for d in first.get("domains", []):
        if d.get("rates") is not True:
            fail(errors, "json: %s has no rates in the first interval" % d.get("name"))
    second = objs[1]
    if not 0.5 <= second.get("interval_s", 0) <= 5:
        fail(errors, "json: second interval %s s, asked 1" % second.get("interval_s"))
    busy = [d for d in second.get("domains", []) if d["name"] == "alpha"]
    if busy and (busy[0]["cpu_pct"] < 30 or busy[0]["exits_ps"] <= 0):
        fail(errors, "json: the busy guest: cpu_pct %s exits_ps %s" %
             (busy[0]["cpu_pct"], busy[0]["exits_ps"]))


def main():
    sec = sections(open(sys.argv[1], errors="replace").read())
    errors = []
    for s in ("b.txt", "j.json", "l.json"):
        if s not in sec:
            print("section %s missing from the capture" % s)
            return 1
    try:
        listed = {d["name"]: d for d in json.loads("\n".join(sec["l.json"]))}
    except ValueError as e:
        print("vmctl list --json does not parse: %s" % e)
        return 1
    for need in ("alpha", "zulu"):
        if need not in listed:
            fail(errors, "vmctl list lacks %s" % need)
    check_text(sec["b.txt"], listed, errors)
    check_json(sec["j.json"], listed, errors)
    for e in errors:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
