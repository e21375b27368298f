/*
 * x86 instruction decoder.
 *
 * SVM under QEMU's TCG has neither NRIP save nor decode assists, so the
 * hypervisor finds the length and operands of an intercepted guest
 * instruction itself: to step over it (CPUID, RDMSR, HLT, VMMCALL, ...),
 * and to emulate it (MOV to/from CR and DR, INVLPG, I/O, MMIO and
 * page-table writes through MOV r/m).
 *
 * insn_decode() handles every encoding of the general-purpose 1-byte and
 * 0F opcode maps, the 0F38/0F3A maps, 3DNow!, and VEX, XOP and EVEX
 * encodings, in 16-, 32- and 64-bit code. Its length is right for every
 * instruction a CPU accepts. It returns -EINVAL for encodings no x86-64
 * CPU defines (opcode holes, instructions invalid in the mode, LOCK where
 * it is not allowed, register forms of memory-only instructions, VEX
 * after a legacy 66/F2/F3/LOCK or REX prefix, ...). Whether this CPU has
 * an optional feature is not its business: a missing feature raises #UD
 * in the guest before anything is intercepted. Inside VEX/XOP/EVEX space
 * it checks the map and encoding rules, not each opcode.
 *
 * Branches follow AMD (and QEMU): in 64-bit mode a 66 prefix makes a
 * near branch 16-bit, with a 16-bit displacement.
 *
 * Freestanding: no allocation, no global state.
 */
#ifndef UMBRA_ASM_INSN_H
#define UMBRA_ASM_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LEN	15

/* Where the opcode byte comes from. */
enum insn_map {
	INSN_MAP_1BYTE,
	INSN_MAP_0F,
	INSN_MAP_0F38,
	INSN_MAP_0F3A,
	INSN_MAP_3DNOW,		/* 0F 0F: the opcode is the trailing byte */
	INSN_MAP_EVEX5,		/* EVEX maps 5 and 6 (AVX512-FP16) */
	INSN_MAP_EVEX6,
	INSN_MAP_XOP8,		/* AMD XOP maps 8, 9, 10 */
	INSN_MAP_XOP9,
	INSN_MAP_XOPA,
};

enum insn_encoding {
	INSN_ENC_LEGACY,
	INSN_ENC_VEX2,		/* C5 xx */
	INSN_ENC_VEX3,		/* C4 xx xx */
	INSN_ENC_XOP,		/* 8F xx xx */
	INSN_ENC_EVEX,		/* 62 xx xx xx */
};

/* Segment registers, in the order of the ModRM sreg field. */
enum insn_seg {
	INSN_SEG_ES,
	INSN_SEG_CS,
	INSN_SEG_SS,
	INSN_SEG_DS,
	INSN_SEG_FS,
	INSN_SEG_GS,
	INSN_NR_SEGS,
};

/* General-purpose registers, in encoding order. */
enum insn_gpr {
	INSN_RAX, INSN_RCX, INSN_RDX, INSN_RBX,
	INSN_RSP, INSN_RBP, INSN_RSI, INSN_RDI,
	INSN_R8, INSN_R9, INSN_R10, INSN_R11,
	INSN_R12, INSN_R13, INSN_R14, INSN_R15,
	INSN_NR_GPRS,
};

#define INSN_NO_REG	0xff

#define INSN_PFX_REPNE	0xf2
#define INSN_PFX_REP	0xf3

struct insn {
	uint8_t len;		/* total length in bytes */
	uint8_t mode;		/* 16, 32 or 64: the code size decoded for */
	uint8_t op_bytes;	/* effective operand size: 1, 2, 4 or 8 */
	uint8_t addr_bytes;	/* effective address size: 2, 4 or 8 */

	/* Prefixes. */
	uint8_t nr_prefixes;	/* legacy prefix and REX bytes */
	uint8_t rep;		/* 0 or the last of F2/F3 (INSN_PFX_*) */
	bool lock;
	bool opsize_prefix;	/* 66 seen */
	bool addrsize_prefix;	/* 67 seen */
	uint8_t seg;		/* segment override, or INSN_NR_SEGS if none */
	uint8_t rex;		/* REX byte in effect (0x40-0x4f), or 0 */

	/* Opcode. */
	uint8_t encoding;	/* enum insn_encoding */
	uint8_t map;		/* enum insn_map */
	uint8_t opcode;		/* the opcode byte within map */
	uint8_t opcode_offset;	/* where the opcode byte is (0F 0F: the 0F 0F) */

	/* VEX / XOP / EVEX payload (valid when encoding != LEGACY). */
	uint8_t vex_vvvv;	/* extra source register, already un-inverted */
	uint8_t vex_l;		/* vector length: 0 (128), 1 (256), 2 (512) */
	uint8_t vex_pp;		/* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */
	bool vex_w;

	/* ModRM and SIB, with REX/VEX extensions applied to reg/rm/base/index. */
	bool has_modrm;
	uint8_t modrm;
	uint8_t mod;		/* 0..3 */
	uint8_t reg;		/* ModRM.reg | REX.R << 3 */
	uint8_t rm;		/* ModRM.rm | REX.B << 3 (register operand if mod == 3) */
	bool has_sib;
	uint8_t sib;

	/*
	 * Memory operand (has_mem): address = base + index * scale + disp.
	 * MOV moffs (A0-A3) has one too: no base, the offset in disp (and
	 * imm). The implicit operands of string instructions (rSI, rDI) and
	 * of the stack are not described here.
	 */
	bool has_mem;
	bool rip_relative;	/* base is the address of the next instruction */
	bool vsib;		/* index is a vector register (gather/scatter) */
	uint8_t base;		/* enum insn_gpr, or INSN_NO_REG */
	uint8_t index;		/* enum insn_gpr, or INSN_NO_REG */
	uint8_t scale;		/* 1, 2, 4, 8 */
	uint8_t disp_bytes;	/* 0, 1, 2 or 4 */
	uint8_t disp_offset;
	int64_t disp;		/* sign-extended */

	/* Immediates (ENTER and EXTRQ/INSERTQ have two). */
	uint8_t imm_bytes;	/* 0, 1, 2, 4, 6 (far pointer) or 8 */
	uint8_t imm_offset;
	uint8_t imm2_bytes;
	uint64_t imm;		/* sign-extended from imm_bytes (far: zero-extended) */
	uint64_t imm2;
};

/*
 * Decode the instruction at `bytes` (`avail` bytes readable) for a code
 * segment of `mode` bits (16, 32 or 64).
 * Returns the length (1..15) and fills *out, or
 *   -EINVAL    undefined encoding (#UD), or a bad mode argument;
 *   -E2BIG     longer than 15 bytes (#GP);
 *   -EFAULT    the instruction continues beyond `avail` (fetch more, or
 *              deliver the page fault the fetch would take).
 * *out is filled as far as decoding got, also on error.
 */
int insn_decode(const uint8_t *bytes, size_t avail, int mode, struct insn *out);

/* MOV r32 to memory (89 /r, optional REX without W) in 64-bit code at
 * bytes, which must hold INSN_MOV_STORE32_MAX (more than the instruction
 * may need): its length, *gpr the source (enum insn_gpr); -1 for any
 * other instruction or encoding (insn/mov_store32.c). */
#define INSN_MOV_STORE32_MAX	8	/* REX, 89, ModRM, SIB, disp32 */
int insn_mov_store32(const uint8_t *bytes, size_t avail, unsigned int *gpr);

/* A guest register file, as far as address computation needs one. */
struct insn_regs {
	uint64_t gpr[INSN_NR_GPRS];	/* enum insn_gpr order */
	uint64_t rip;			/* address of the decoded instruction */
	uint64_t seg_base[INSN_NR_SEGS];
};

/* The segment a memory operand uses: the override or its default. */
enum insn_seg insn_mem_segment(const struct insn *insn);

/*
 * Offset of the memory operand within its segment (base + index * scale
 * + disp, RIP-relative resolved), truncated to the address size.
 * Only meaningful when insn->has_mem and !insn->vsib.
 */
uint64_t insn_effective_addr(const struct insn *insn, const struct insn_regs *regs);

/*
 * Linear address of the memory operand: effective address plus segment
 * base (in 64-bit code only FS and GS have one), truncated to 32 bits
 * outside 64-bit code. Segment limits are not checked.
 */
uint64_t insn_linear_addr(const struct insn *insn, const struct insn_regs *regs);

/*
 * Read or write general-purpose register `reg` as an operand of `size`
 * bytes, with the CPU's rules: without a REX prefix, byte registers 4-7
 * are AH, CH, DH, BH; 1- and 2-byte writes keep the other bits, 4-byte
 * writes zero the upper half.
 */
uint64_t insn_gpr_read(const struct insn_regs *regs, unsigned int reg,
		       unsigned int size, bool rex);
void insn_gpr_write(struct insn_regs *regs, unsigned int reg, unsigned int size,
		    bool rex, uint64_t val);

/* Whether byte registers 4-7 are SPL..DIL rather than AH..BH. */
static inline bool insn_has_rex(const struct insn *insn)
{
	return insn->rex != 0 || insn->encoding != INSN_ENC_LEGACY;
}

#endif
