/* Opcode attribute tables shared by the decoder's files. */
#ifndef UMBRA_INSN_INTERNAL_H
#define UMBRA_INSN_INTERNAL_H

#include <asm/insn.h>
#include <umbra/errno.h>

/* Reads bytes of one instruction, never past `avail` or the 15-byte limit. */
struct insn_cursor {
	const uint8_t *bytes;
	size_t avail;
	unsigned int pos;
};

/* 0, -EFAULT (past avail) or -E2BIG (past 15 bytes). */
static inline int insn_peek(const struct insn_cursor *c, unsigned int ahead,
			    uint8_t *b)
{
	unsigned int at = c->pos + ahead;

	if (at >= INSN_MAX_LEN)
		return -E2BIG;
	if (at >= c->avail)
		return -EFAULT;
	*b = c->bytes[at];
	return 0;
}

static inline int insn_fetch(struct insn_cursor *c, uint8_t *b)
{
	int rc = insn_peek(c, 0, b);

	if (rc == 0)
		c->pos++;
	return rc;
}

/* A little-endian value of n bytes, sign-extended to 64 bits. */
int insn_fetch_signed(struct insn_cursor *c, unsigned int n, uint64_t *val);

/* Operand and address size from mode, prefixes and OP_* flags. */
void insn_set_sizes(struct insn *insn, uint32_t flags);

/* insn->imm_bytes and imm2_bytes of immediate; `far` for a far pointer. */
int insn_read_immediates(struct insn_cursor *c, struct insn *insn, bool far);

/* VEX, XOP or EVEX prefix starting with `first` (already consumed). */
int insn_decode_vex(struct insn_cursor *c, struct insn *insn, uint8_t first);

/* ModRM, SIB and displacement; `force_reg` for MOV CR/DR (mod ignored). */
int insn_decode_modrm(struct insn_cursor *c, struct insn *insn, bool force_reg);

/* Per-opcode attributes. */
#define OP_M		(1u << 0)	/* a ModRM byte follows */
#define OP_I8		(1u << 1)	/* imm8 */
#define OP_I16		(1u << 2)	/* imm16 */
#define OP_IZ		(1u << 3)	/* imm16 or imm32 by operand size */
#define OP_IV		(1u << 4)	/* imm16, imm32 or imm64 by operand size */
#define OP_IA		(1u << 5)	/* offset of address size (moffs) */
#define OP_IP		(1u << 6)	/* far pointer: offset, then selector */
#define OP_INV64	(1u << 7)	/* #UD in 64-bit mode */
#define OP_ONLY64	(1u << 8)	/* #UD outside 64-bit mode */
#define OP_D64		(1u << 9)	/* operand size defaults to 64 in 64-bit mode */
#define OP_BYTE		(1u << 10)	/* byte operand */
#define OP_MEMONLY	(1u << 11)	/* register form (mod == 3) is #UD */
#define OP_REGONLY	(1u << 12)	/* memory form is #UD */
#define OP_LOCK		(1u << 13)	/* LOCK allowed with a memory operand */
#define OP_GROUP	(1u << 14)	/* more checks in insn_check_special() */
#define OP_PREFIX	(1u << 15)	/* a legacy prefix byte */
#define OP_BAD		(1u << 16)	/* undefined */
#define OP_ESCAPE	(1u << 17)	/* 0F */

/*
 * Mandatory-prefix columns of the 0F, 0F38 and 0F3A maps: which of no
 * prefix, 66, F3, F2 give a defined instruction. 0 in the 0F map means
 * the prefixes are ordinary prefixes there (no SSE meaning).
 */
#define PFX_NONE	(1u << 0)
#define PFX_66		(1u << 1)
#define PFX_F3		(1u << 2)
#define PFX_F2		(1u << 3)
#define PFX_ANY		(PFX_NONE | PFX_66 | PFX_F3 | PFX_F2)

extern const uint32_t insn_map1[256];
extern const uint32_t insn_map0f[256];
extern const uint8_t insn_map0f_pfx[256];
extern const uint8_t insn_map0f38_pfx[256];
extern const uint8_t insn_map0f3a_pfx[256];

/* The mandatory-prefix column an instruction selects (PFX_*). */
unsigned int insn_pfx_column(const struct insn *insn);

/*
 * Checks that depend on more than the opcode byte (ModRM.reg groups,
 * x87, 3DNow! suffixes, 0F 01 register forms, ...). Returns 0 or -EINVAL.
 * May add an immediate (insn->imm_bytes/imm2_bytes) before it is read.
 */
int insn_check_special(struct insn *insn);

/* The per-map parts of insn_check_special(). */
int insn_check_x87(const struct insn *insn);
int insn_check_0f(struct insn *insn);
int insn_check_0f38(const struct insn *insn);
int insn_check_0f3a(const struct insn *insn);
int insn_check_3dnow(const struct insn *insn);

/* ModRM.reg without REX.R: the opcode extension of group opcodes. */
static inline unsigned int insn_modrm_reg(const struct insn *insn)
{
	return (insn->modrm >> 3) & 7;
}

#endif
