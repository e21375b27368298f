/* Exception fix-up table: an instruction that may fault on a bad address
 * (guest memory, a pointer from a guest) is listed with the address to
 * resume at, so the fault becomes an error return instead of a crash. */
#ifndef UMBRA_EXTABLE_H
#define UMBRA_EXTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_regs;

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

/* The table, between two symbols of the linker script. */
extern const struct extable_entry __start_ex_table[], __stop_ex_table[];

/* If regs->rip is a listed instruction, point it at its fix-up and say so. */
bool extable_fixup(struct cpu_regs *regs);

/* Read 8 bytes at addr; -EFAULT instead of a fault if it is not mapped. */
int probe_read_u64(const void *addr, uint64_t *out);

#endif
