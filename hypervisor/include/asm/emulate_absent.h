/*
 * A memory access the domain may not make (dom0 touching Umbra's memory
 * or another domain's), completed in software as if nothing answered at
 * the address, like an absent device: loads see all-ones, stores are
 * dropped, and the instruction is done. Pure logic, host-tested.
 *
 * One memory operand (emulate_absent):
 *   loads   MOV r, m (8A, 8B), MOV AL/rAX, moffs (A0, A1), MOVZX, MOVSX
 *           (0F B6, B7, BE, BF), MOVSXD (63, 64-bit code); BT (0F A3,
 *           0F BA /4: CF set);
 *   stores  MOV m, r/imm (88, 89, C6 /0, C7 /0), MOV moffs, AL/rAX (A2,
 *           A3), MOVNTI (0F C3);
 *   read-modify-writes of asm/emulate_store.h (XCHG, OR/AND/XOR,
 *           CMPXCHG, BTS/BTR/BTC): registers and flags as if memory held
 *           all-ones; the write is dropped.
 * String instructions (emulate_absent_string): MOVS, STOS, LODS, with
 * REP, element by element through the caller's accessors, which decide
 * what each address is (the domain's memory, or nothing).
 * Anything else: -EINVAL (the caller refuses it otherwise).
 */
#ifndef ASM_EMULATE_ABSENT_H
#define ASM_EMULATE_ABSENT_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/insn.h>

struct absent_access {
	bool write;		/* the instruction meant to store */
	unsigned int len;	/* operand bytes */
};

/* Registers and RFLAGS as the instruction leaves them; RIP is the
 * caller's (add insn->len). */
int emulate_absent(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		   struct absent_access *out);

/* A device's side of one access at the faulting address: len bytes
 * (1, 2, 4 or 8) read, or written with val. */
struct mmio_ops {
	uint64_t (*read)(void *ctx, unsigned int len);
	void (*write)(void *ctx, unsigned int len, uint64_t val);
	void *ctx;
};

/* The same instructions as emulate_absent against a device: loads get
 * what ops->read gives, stores and read-modify-writes go to ops->write
 * (a CMPXCHG that does not match writes nothing). emulate_absent is this
 * with a device that reads all-ones and drops writes. */
int emulate_mmio(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		 const struct mmio_ops *ops, struct absent_access *out);

/* MOVS, STOS or LODS (A4, A5, AA, AB, AC, AD). */
bool insn_is_absent_string(const struct insn *insn);

/* One element of a string instruction at a linear address: 0, or a
 * negative errno when the access faults (the accessor keeps the fault
 * for its caller). What is absent reads all-ones and drops writes. */
struct absent_mem {
	int (*read)(void *ctx, uint64_t lin, void *buf, unsigned int len);
	int (*write)(void *ctx, uint64_t lin, const void *buf, unsigned int len);
	void *ctx;
};

/*
 * Up to max_elems elements of a string instruction: 1 when it is done
 * (add insn->len to RIP), 0 when REP's count is not (RIP stays: the rest
 * runs when the instruction does again), or the accessor's error, with
 * rSI, rDI and rCX where they stopped, as on hardware.
 */
int emulate_absent_string(const struct insn *insn, struct insn_regs *regs, uint64_t rflags,
			  const struct absent_mem *mem, unsigned int max_elems);

#endif
