#!/usr/bin/env python3
"""Write seed inputs for the store fuzzers into DIR/protocol and DIR/state.

Protocol seeds are fuzz_store scripts: chunks "<who> <len/4> <bytes>"
carrying well-formed requests, so the fuzzer starts from deep paths
(transactions, watches, permissions, domains) instead of noise.
"""
import os
import struct
import sys
import zlib

TYPES = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5,
             TRANSACTION_START=6, TRANSACTION_END=7, INTRODUCE=8, RELEASE=9,
             GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13, SET_PERMS=14,
             IS_DOMAIN_INTRODUCED=17, RESET_WATCHES=21, DIRECTORY_PART=22)


def msg(kind, payload, tx=0):
    payload = payload.encode() if isinstance(payload, str) else payload
    return struct.pack("<IIII", TYPES[kind], 1, tx, len(payload)) + payload


def chunk(who, data):
    data += b"\0" * (-len(data) % 4)      # lengths are counted in 4s
    out = b""
    while data:
        part, data = data[:1020], data[1020:]
        out += bytes([who, len(part) // 4]) + part
    return out


SCRIPTS = {
    "basic": [(0, msg("WRITE", "/a/b\0v")), (0, msg("READ", "/a/b\0")),
              (0, msg("DIRECTORY", "/a\0")), (0, msg("RM", "/a\0"))],
    "tx": [(0, msg("TRANSACTION_START", "\0")),
           (0, msg("WRITE", "/t/x\0" + "1", tx=1)),
           (1, msg("WRITE", "x\0y")),
           (0, msg("READ", "/t/x\0", tx=1)),
           (0, msg("TRANSACTION_END", "T\0", tx=1))],
    "watch": [(1, msg("WATCH", "dev\0tok\0")),
              (0, msg("WRITE", "/local/domain/5/dev/x\0y")),
              (0, msg("RM", "/local/domain/5\0")),
              (1, msg("UNWATCH", "dev\0tok\0"))],
    "perms": [(0, msg("MKDIR", "/local/domain/5\0")),
              (0, msg("SET_PERMS", "/local/domain/5\0n5\0r6\0")),
              (1, msg("WRITE", "a\0b")), (2, msg("READ", "/local/domain/5/a\0")),
              (1, msg("SET_PERMS", "a\0n6\0")),
              (2, msg("GET_PERMS", "/local/domain/5/a\0"))],
    "domains": [(0, msg("WATCH", "@introduceDomain\0i\0")),
                (0, msg("INTRODUCE", "7\0" "123\0" "4\0")),
                (0, msg("IS_DOMAIN_INTRODUCED", "7\0")),
                (0, msg("RELEASE", "7\0")),
                (0, msg("GET_DOMAIN_PATH", "7\0")),
                (0, msg("CONTROL", "quota\0"))],
    "part": [(0, msg("WRITE", "/d/%s\0" % ("n" * 200 + str(i))))
             for i in range(25)] + [(0, msg("DIRECTORY", "/d\0")),
                                    (0, msg("DIRECTORY_PART", "/d\0" "4000\0"))],
    "bad": [(0, struct.pack("<IIII", 2, 1, 0, 5000)),
            (1, msg("READ", "no-nul")), (2, struct.pack("<II", 99, 1))],
}


def state_seed():
    body = b""
    nodes = [("/", b"", [(0, 0)]), ("/a", b"x", [(5, 1), (6, 3)]),
             ("/a/b", b"\0y", [(0, 2)])]
    for path, value, perms in nodes:
        body += struct.pack("<III", len(path), len(value), len(perms))
        body += path.encode() + value
        for domid, access in perms:
            body += struct.pack("<II", domid, access)
    data = b"VMSTORE\n" + struct.pack("<IIQ", 1, 0, len(nodes)) + body
    return data + struct.pack("<I", zlib.crc32(data))


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "protocol"), exist_ok=True)
    os.makedirs(os.path.join(out, "state"), exist_ok=True)
    for name, steps in SCRIPTS.items():
        data = b"".join(chunk(who, m) for who, m in steps)
        with open(os.path.join(out, "protocol", name), "wb") as f:
            f.write(data)
    with open(os.path.join(out, "state", "three-nodes"), "wb") as f:
        f.write(state_seed())


if __name__ == "__main__":
    main()
