/* SPDX-License-Identifier: ISC */
/*
 * What lpar adds to an ordinary ELF core file, for the monitor that
 * writes one (hv/dump.c) and the clients that read one: a note of its
 * own, and the layout facts both sides rely on.  docs/control-tree.md
 * ("core") describes the whole file.
 */
#ifndef LPAR_COREFILE_H
#define LPAR_COREFILE_H

/*
 * The note's name and type.  Its descriptor is text, one "key value" line
 * each: name, abi, mem, accel, image, state, regs (whose registers
 * NT_PRSTATUS holds: "crash", "syscall" for the program's at its syscall
 * instruction while the library OS served it, or "current"), then where
 * they apply reason, syscall_rip and syscall_nr, and planted: the
 * addresses where a debugger's int3 bytes are in RAM (the core holds the
 * bytes under them, so a client copying RAM itself must fix those up).
 */
#define CORE_NOTE_LPAR "LPAR"
#define CORE_NT_LPAR_INFO 1

/* Every PT_LOAD's p_paddr is the guest-physical address of its bytes. */
#define CORE_PAGE 4096u

#endif
