/*
 * The memory write of one decoded instruction, computed in software: for
 * stores the hypervisor must perform itself (a guest writing a page table
 * that shadow paging write-protects). Pure logic, host-tested against the
 * CPU executing the same bytes.
 *
 * Handled: MOV r/imm to memory (88, 89, C6 /0, C7 /0), XCHG (86, 87),
 * OR/AND/XOR r or imm to memory (08/09, 20/21, 30/31, 80/81/83 /1 /4 /6),
 * CMPXCHG (0F B0/B1), CMPXCHG8B (0F C7 /1; not CMPXCHG16B, REX.W),
 * BTS/BTR/BTC (0F AB, 0F B3, 0F BB, 0F BA /5-/7).
 */
#ifndef ASM_EMULATE_STORE_H
#define ASM_EMULATE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/insn.h>

struct emulated_store {
	uint64_t value;		/* what memory holds afterwards */
	unsigned int len;	/* operand bytes: 1, 2, 4 or 8 */
	bool write;		/* false: memory is unchanged (CMPXCHG mismatch) */
};

/* old: the operand's memory value (low len bytes). Registers and RFLAGS
 * are updated as the instruction would. -EINVAL for anything else. */
int emulate_store(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		  uint64_t old, struct emulated_store *out);

#endif
