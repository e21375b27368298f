/* Software execution of the memory write of MOV, XCHG, OR/AND/XOR,
 * CMPXCHG, CMPXCHG8B and BTS/BTR/BTC with a memory destination. */
#include <asm/emulate_store.h>
#include <asm/x86.h>
#include <umbra/errno.h>

#define FL_ARITH (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | X86_EFLAGS_ZF | \
		  X86_EFLAGS_SF | X86_EFLAGS_OF)

enum op { OP_MOV, OP_XCHG, OP_OR, OP_AND, OP_XOR, OP_CMPXCHG, OP_CMPXCHG8B, OP_BTS, OP_BTR, OP_BTC };

static uint64_t mask_of(unsigned int len)
{
	return len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

static uint64_t sign_bit(unsigned int len)
{
	return 1ULL << (8 * len - 1);
}

/* ZF, SF and PF of a result; the caller sets the others. */
static uint64_t zsp(uint64_t res, unsigned int len)
{
	uint64_t f = 0;

	if (!(res & mask_of(len)))
		f |= X86_EFLAGS_ZF;
	if (res & sign_bit(len))
		f |= X86_EFLAGS_SF;
	if (!(__builtin_popcountll(res & 0xff) & 1))
		f |= X86_EFLAGS_PF;
	return f;
}

/* Flags of acc - old, as CMPXCHG sets them. */
static uint64_t cmp_flags(uint64_t acc, uint64_t old, unsigned int len)
{
	uint64_t m = mask_of(len), res = (acc - old) & m, f = zsp(res, len);

	if ((acc & m) < (old & m))
		f |= X86_EFLAGS_CF;
	if ((acc ^ old ^ res) & 0x10)
		f |= X86_EFLAGS_AF;
	if (((acc ^ old) & (acc ^ res)) & sign_bit(len))
		f |= X86_EFLAGS_OF;
	return f;
}

/* Which operation an opcode is, and where its source comes from. */
static int classify(const struct insn *insn, enum op *op, bool *imm_src)
{
	static const enum op group1[8] = { [1] = OP_OR, [4] = OP_AND, [6] = OP_XOR };
	static const enum op group8[8] = { [5] = OP_BTS, [6] = OP_BTR, [7] = OP_BTC };
	unsigned int sub = insn->reg & 7;
	uint8_t o = insn->opcode;

	*imm_src = false;
	if (insn->map == INSN_MAP_1BYTE) {
		switch (o) {
		case 0x88: case 0x89: *op = OP_MOV; return 0;
		case 0xc6: case 0xc7: *op = OP_MOV; *imm_src = true; return sub ? -EINVAL : 0;
		case 0x86: case 0x87: *op = OP_XCHG; return 0;
		case 0x08: case 0x09: *op = OP_OR; return 0;
		case 0x20: case 0x21: *op = OP_AND; return 0;
		case 0x30: case 0x31: *op = OP_XOR; return 0;
		case 0x80: case 0x81: case 0x83:
			*op = group1[sub];
			*imm_src = true;
			return (sub == 1 || sub == 4 || sub == 6) ? 0 : -EINVAL;
		}
	} else if (insn->map == INSN_MAP_0F) {
		switch (o) {
		case 0xb0: case 0xb1: *op = OP_CMPXCHG; return 0;
		case 0xab: *op = OP_BTS; return 0;
		case 0xc7:	/* /1: CMPXCHG8B; with REX.W CMPXCHG16B, 16 bytes: not ours */
			*op = OP_CMPXCHG8B;
			return sub == 1 && !(insn->rex & 8) ? 0 : -EINVAL;
		case 0xb3: *op = OP_BTR; return 0;
		case 0xbb: *op = OP_BTC; return 0;
		case 0xba:
			*op = group8[sub];
			*imm_src = true;
			return sub >= 5 ? 0 : -EINVAL;
		}
	}
	return -EINVAL;
}

static bool byte_form(const struct insn *insn)
{
	static const uint8_t one_byte[] = { 0x88, 0xc6, 0x86, 0x08, 0x20, 0x30, 0x80 };

	if (insn->map == INSN_MAP_0F)
		return insn->opcode == 0xb0;
	for (unsigned int i = 0; i < sizeof(one_byte); i++)
		if (insn->opcode == one_byte[i])
			return true;
	return false;
}

/* CMPXCHG8B: EDX:EAX against the quadword; equal: ECX:EBX stored, ZF
 * set; else EDX:EAX loaded from it (zero-extended), ZF clear. No other
 * flag changes. */
static void cmpxchg8b(struct insn_regs *regs, uint64_t *rflags, uint64_t old,
		      struct emulated_store *out)
{
	uint64_t acc = (regs->gpr[INSN_RDX] << 32) | (regs->gpr[INSN_RAX] & 0xffffffffULL);

	out->len = 8;
	if (acc == old) {
		out->value = (regs->gpr[INSN_RCX] << 32) | (regs->gpr[INSN_RBX] & 0xffffffffULL);
		*rflags |= X86_EFLAGS_ZF;
		return;
	}
	out->value = old;
	out->write = false;
	regs->gpr[INSN_RAX] = old & 0xffffffffULL;
	regs->gpr[INSN_RDX] = old >> 32;
	*rflags &= ~X86_EFLAGS_ZF;
}

static void bit_op(enum op op, uint64_t old, uint64_t bit, uint64_t *rflags,
		   struct emulated_store *out)
{
	uint64_t b = 1ULL << bit;

	*rflags = (*rflags & ~X86_EFLAGS_CF) | ((old & b) ? X86_EFLAGS_CF : 0);
	out->value = op == OP_BTS ? old | b : op == OP_BTR ? old & ~b : old ^ b;
}

int emulate_store(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		  uint64_t old, struct emulated_store *out)
{
	bool rex = insn_has_rex(insn), imm_src;
	enum op op;
	uint64_t m, src, acc;

	if (!insn->has_mem || insn->encoding != INSN_ENC_LEGACY ||
	    classify(insn, &op, &imm_src))
		return -EINVAL;
	out->write = true;
	if (op == OP_CMPXCHG8B) {
		cmpxchg8b(regs, rflags, old, out);
		return 0;
	}
	out->len = byte_form(insn) ? 1 : insn->op_bytes;
	m = mask_of(out->len);
	old &= m;
	src = (imm_src ? insn->imm : insn_gpr_read(regs, insn->reg, out->len, rex)) & m;
	switch (op) {
	case OP_MOV:
		out->value = src;
		return 0;
	case OP_XCHG:
		out->value = src;
		insn_gpr_write(regs, insn->reg, out->len, rex, old);
		return 0;
	case OP_OR: case OP_AND: case OP_XOR:
		out->value = op == OP_OR ? old | src : op == OP_AND ? old & src : old ^ src;
		*rflags = (*rflags & ~FL_ARITH) | zsp(out->value, out->len);
		return 0;
	case OP_CMPXCHG:
		acc = insn_gpr_read(regs, INSN_RAX, out->len, rex);
		*rflags = (*rflags & ~FL_ARITH) | cmp_flags(acc, old, out->len);
		if (acc == old) {
			out->value = src;
		} else {
			out->value = old;
			out->write = false;
			insn_gpr_write(regs, INSN_RAX, out->len, rex, old);
		}
		return 0;
	default:	/* BTS, BTR, BTC: the CPU already moved to the byte holding the bit */
		bit_op(op, old, src & (8 * out->len - 1), rflags, out);
		return 0;
	}
}
