#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""mkcore: writes small ELF64 x86-64 core files for the core reader's tests.

Usage: mkcore.py OUT [OPTION]...

  --image ELF        copy ELF's PT_LOAD segments into the core (the bytes
                     a partition starts with), and name ELF in NT_FILE
  --nt-file PATH     name PATH in NT_FILE instead (or without --image)
  --load ADDR=HEX    a PT_LOAD at ADDR holding the hex bytes HEX
  --zero ADDR=LEN    a PT_LOAD of LEN bytes with none in the file (zeros)
  --reg NAME=VALUE   a register of NT_PRSTATUS (rip, rsp, rbp, rax, ...,
                     fs_base, gs_base); the others are 0
  --signal N         pr_cursig (default 11, SIGSEGV)
  --lpar TEXT        an "LPAR" note holding TEXT (\\n for a new line)
  --fpregs           an NT_FPREGSET of 512 bytes (mxcsr 0x1f80)
  --no-prstatus      leave NT_PRSTATUS out
  --no-notes         leave the PT_NOTE segment out
  --type N           e_type (default 4, ET_CORE)
  --machine N        e_machine (default 62, EM_X86_64)
  --class N          EI_CLASS (default 2, 64-bit)
  --truncate N       cut the file to N bytes at the end

Segments are written in the order given; what they hold is the test's
choice.  Numbers take 0x for hex.
"""
import struct
import sys

# struct user_regs_struct, in order (Linux x86-64).
USER_REGS = ["r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
             "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
             "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"]
PT_LOAD, PT_NOTE = 1, 4
NT_PRSTATUS, NT_FPREGSET, NT_PRPSINFO, NT_FILE = 1, 2, 3, 0x46494C45


def num(s):
    return int(s, 0)


def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def image_loads(path):
    """The PT_LOAD segments of an ELF64 file: (vaddr, bytes, memsz, flags)."""
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    out = []
    for i in range(phnum):
        t, fl, off, va, _, fsz, msz, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if t == PT_LOAD:
            out.append((va, data[off:off + fsz], msz, fl))
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    regs = {"cs": 0x33, "ss": 0x2b, "eflags": 0x202}
    loads, notes_on, prstatus, fpregs = [], True, True, False
    signal, lpar, ntfile = 11, None, None
    etype, machine, eclass, truncate = 4, 62, 2, None
    args = argv[2:]
    while args:
        o = args.pop(0)
        v = args.pop(0) if o not in ("--no-prstatus", "--no-notes", "--fpregs") else None
        if o == "--image":
            loads += image_loads(v)
            ntfile = ntfile or v
        elif o == "--nt-file":
            ntfile = v
        elif o == "--load":
            a, h = v.split("=", 1)
            b = bytes.fromhex(h)
            loads.append((num(a), b, len(b), 6))
        elif o == "--zero":
            a, n = v.split("=", 1)
            loads.append((num(a), b"", num(n), 6))
        elif o == "--reg":
            k, x = v.split("=", 1)
            if k not in USER_REGS:
                sys.exit("mkcore: no register '%s'" % k)
            regs[k] = num(x)
        elif o == "--signal":
            signal = num(v)
        elif o == "--lpar":
            lpar = v.replace("\\n", "\n")
        elif o == "--fpregs":
            fpregs = True
        elif o == "--no-prstatus":
            prstatus = False
        elif o == "--no-notes":
            notes_on = False
        elif o == "--type":
            etype = num(v)
        elif o == "--machine":
            machine = num(v)
        elif o == "--class":
            eclass = num(v)
        elif o == "--truncate":
            truncate = num(v)
        else:
            sys.exit("mkcore: unknown option '%s'" % o)

    notes = b""
    if prstatus:
        pr = bytearray(336)
        struct.pack_into("<h", pr, 12, signal)
        struct.pack_into("<i", pr, 32, 1)
        for i, r in enumerate(USER_REGS):
            struct.pack_into("<Q", pr, 112 + 8 * i, regs.get(r, 0))
        notes += note("CORE", NT_PRSTATUS, bytes(pr))
    ps = bytearray(136)
    ps[40:44] = b"app\0"
    ps[56:60] = b"app\0"
    notes += note("CORE", NT_PRPSINFO, bytes(ps))
    if fpregs:
        fx = bytearray(512)
        struct.pack_into("<I", fx, 24, 0x1F80)
        notes += note("CORE", NT_FPREGSET, bytes(fx))
    if ntfile:
        lo = min([l[0] for l in loads] or [0])
        hi = max([l[0] + l[2] for l in loads] or [0x1000])
        desc = struct.pack("<QQQQQ", 1, 4096, lo, hi, 0) + ntfile.encode() + b"\0"
        notes += note("CORE", NT_FILE, desc)
    if lpar is not None:
        # As hv/dump.c writes it (common/corefile.h): type 1, text without a NUL.
        notes += note("LPAR", 1, lpar.encode())

    phdrs = ([("note", notes)] if notes_on else []) + [("load", l) for l in loads]
    off = 64 + 56 * len(phdrs)
    ph, body = b"", b""
    for kind, what in phdrs:
        if kind == "note":
            ph += struct.pack("<IIQQQQQQ", PT_NOTE, 0, off, 0, 0, len(what), 0, 4)
            data = what
        else:
            va, data, msz, fl = what
            ph += struct.pack("<IIQQQQQQ", PT_LOAD, fl, off, va, va, len(data), msz, 0x1000)
        body += data
        off += len(data)
    ident = b"\x7fELF" + bytes([eclass, 1, 1, 0]) + b"\0" * 8
    eh = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, 0, 64, 0, 0, 64, 56,
                             len(phdrs), 0, 0, 0)
    blob = eh + ph + body
    if truncate is not None:
        blob = blob[:truncate]
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main(sys.argv)
