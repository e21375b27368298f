/* Loads of all-ones and dropped stores for memory the domain may not
 * reach (asm/emulate_absent.h). */
#include <asm/emulate_absent.h>
#include <asm/emulate_store.h>
#include <asm/x86.h>
#include <umbra/errno.h>

static uint64_t ones(unsigned int len)
{
	return len >= 8 ? ~0ULL : (1ULL << (8 * len)) - 1;
}

static uint64_t sign_extend(uint64_t val, unsigned int from)
{
	unsigned int shift = 64 - 8 * from;

	return from >= 8 ? val : (uint64_t)((int64_t)(val << shift) >> shift);
}

/* A load: the register gets what memory gives, widened as the
 * instruction widens it. Returns the operand size read, 0 if not a load. */
static unsigned int mmio_load(const struct insn *insn, struct insn_regs *regs,
			      const struct mmio_ops *ops)
{
	bool rex = insn_has_rex(insn), sx = false;
	unsigned int reg = insn->reg, src, dst = insn->op_bytes;

	if (insn->map == INSN_MAP_1BYTE) {
		switch (insn->opcode) {
		case 0x8a: src = dst = 1; break;
		case 0x8b: src = dst; break;
		case 0xa0: src = dst = 1; reg = INSN_RAX; break;
		case 0xa1: src = dst; reg = INSN_RAX; break;
		case 0x63:
			if (insn->mode != 64)
				return 0;	/* ARPL */
			src = dst == 8 ? 4 : dst;
			sx = true;
			break;
		default: return 0;
		}
	} else if (insn->map == INSN_MAP_0F) {
		switch (insn->opcode) {
		case 0xb6: src = 1; break;	/* MOVZX */
		case 0xb7: src = 2; break;
		case 0xbe: src = 1; sx = true; break;	/* MOVSX */
		case 0xbf: src = 2; sx = true; break;
		default: return 0;
		}
	} else {
		return 0;
	}
	uint64_t val = ops->read(ops->ctx, src) & ones(src);

	insn_gpr_write(regs, reg, dst, rex, sx ? sign_extend(val, src) : val);
	return src;
}

/* BT m, r (0F A3) and BT m, imm8 (0F BA /4): CF is the bit; nothing is
 * written. The CPU already moved to the operand holding the bit (a
 * register offset reaches far), so only the offset within it counts. */
static unsigned int mmio_bit_test(const struct insn *insn, const struct insn_regs *regs,
				  uint64_t *rflags, const struct mmio_ops *ops)
{
	unsigned int bits = 8 * insn->op_bytes, bit;

	if (insn->map != INSN_MAP_0F ||
	    !(insn->opcode == 0xa3 || (insn->opcode == 0xba && (insn->reg & 7) == 4)))
		return 0;
	bit = (unsigned int)(insn->opcode == 0xba ? insn->imm : regs->gpr[insn->reg]) % bits;
	if ((ops->read(ops->ctx, insn->op_bytes) >> bit) & 1)
		*rflags |= X86_EFLAGS_CF;
	else
		*rflags &= ~X86_EFLAGS_CF;
	return insn->op_bytes;
}

/* A plain store of a register: MOV moffs, AL/rAX and MOVNTI. */
static unsigned int mmio_plain_store(const struct insn *insn, const struct insn_regs *regs,
				     const struct mmio_ops *ops)
{
	bool rex = insn_has_rex(insn);
	unsigned int len, reg;

	if (insn->map == INSN_MAP_1BYTE && (insn->opcode == 0xa2 || insn->opcode == 0xa3)) {
		len = insn->opcode == 0xa2 ? 1 : insn->op_bytes;
		reg = INSN_RAX;
	} else if (insn->map == INSN_MAP_0F && insn->opcode == 0xc3) {
		len = insn->op_bytes;	/* MOVNTI */
		reg = insn->reg;
	} else {
		return 0;
	}
	ops->write(ops->ctx, len, insn_gpr_read(regs, reg, len, rex));
	return len;
}

/* MOV m, r/imm (88, 89, C6 /0, C7 /0): nothing of memory is read. */
static bool is_plain_mov_store(const struct insn *insn)
{
	return insn->map == INSN_MAP_1BYTE &&
	       (insn->opcode == 0x88 || insn->opcode == 0x89 ||
		insn->opcode == 0xc6 || insn->opcode == 0xc7);
}

int emulate_mmio(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		 const struct mmio_ops *ops, struct absent_access *out)
{
	struct emulated_store st;

	if (!insn->has_mem || insn->encoding != INSN_ENC_LEGACY ||
	    (insn->has_modrm && insn->mod == 3))
		return -EINVAL;
	out->write = false;
	out->len = mmio_load(insn, regs, ops);
	if (!out->len)
		out->len = mmio_bit_test(insn, regs, rflags, ops);
	if (out->len)
		return 0;
	out->write = true;
	out->len = mmio_plain_store(insn, regs, ops);
	if (out->len)
		return 0;
	/* MOV to memory and the read-modify-writes: the old value is read
	 * only where the instruction needs it (a read may have effects). */
	struct insn_regs dry = *regs;
	uint64_t dry_flags = *rflags, old = 0;

	if (emulate_store(insn, &dry, &dry_flags, 0, &st))
		return -EINVAL;
	if (!is_plain_mov_store(insn))
		old = ops->read(ops->ctx, st.len) & ones(st.len);
	if (emulate_store(insn, regs, rflags, old, &st))
		return -EINVAL;
	if (st.write)
		ops->write(ops->ctx, st.len, st.value & ones(st.len));
	out->len = st.len;
	return 0;
}

/* What nothing answers: all-ones, and stores go nowhere. */
static uint64_t absent_read(void *ctx, unsigned int len)
{
	(void)ctx;
	return ones(len);
}

static void absent_write(void *ctx, unsigned int len, uint64_t val)
{
	(void)ctx;
	(void)len;
	(void)val;
}

int emulate_absent(const struct insn *insn, struct insn_regs *regs, uint64_t *rflags,
		   struct absent_access *out)
{
	static const struct mmio_ops absent = { absent_read, absent_write, NULL };

	return emulate_mmio(insn, regs, rflags, &absent, out);
}

bool insn_is_absent_string(const struct insn *insn)
{
	if (insn->encoding != INSN_ENC_LEGACY || insn->map != INSN_MAP_1BYTE)
		return false;
	switch (insn->opcode) {
	case 0xa4: case 0xa5: case 0xaa: case 0xab: case 0xac: case 0xad:
		return true;
	}
	return false;
}

/* rSI or rDI as the address size sees it, and its linear address. */
struct string_ptr {
	unsigned int gpr;
	uint64_t base;
};

static uint64_t ptr_lin(const struct string_ptr *p, const struct insn_regs *r, uint64_t mask)
{
	uint64_t lin = p->base + (r->gpr[p->gpr] & mask);

	return mask == ~0ULL ? lin : lin & 0xffffffffULL;
}

static void ptr_step(const struct string_ptr *p, struct insn_regs *r, uint64_t mask,
		     int64_t step)
{
	uint64_t v = r->gpr[p->gpr];

	r->gpr[p->gpr] = (v & ~mask) | ((v + (uint64_t)step) & mask);
}

static uint64_t seg_base(const struct insn *insn, const struct insn_regs *r, unsigned int seg)
{
	if (insn->mode == 64 && seg != INSN_SEG_FS && seg != INSN_SEG_GS)
		return 0;
	return r->seg_base[seg];
}

int emulate_absent_string(const struct insn *insn, struct insn_regs *regs, uint64_t rflags,
			  const struct absent_mem *mem, unsigned int max_elems)
{
	uint8_t op = insn->opcode;
	unsigned int size = (op & 1) ? insn->op_bytes : 1;
	uint64_t mask = ones(insn->addr_bytes);
	int64_t step = (rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	bool rep = insn->rep != 0, rex = insn_has_rex(insn);
	struct string_ptr src = {
		INSN_RSI, seg_base(insn, regs, insn->seg < INSN_NR_SEGS ? insn->seg : INSN_SEG_DS)
	};
	struct string_ptr dst = { INSN_RDI, seg_base(insn, regs, INSN_SEG_ES) };
	uint64_t count;

	if (!insn_is_absent_string(insn))
		return -EINVAL;
	count = rep ? regs->gpr[INSN_RCX] & mask : 1;
	for (; count && max_elems; count--, max_elems--) {
		uint64_t val = 0;
		int err;

		if (op == 0xaa || op == 0xab) {		/* STOS */
			val = insn_gpr_read(regs, INSN_RAX, size, rex);
			err = mem->write(mem->ctx, ptr_lin(&dst, regs, mask), &val, size);
		} else {
			err = mem->read(mem->ctx, ptr_lin(&src, regs, mask), &val, size);
			if (!err && op <= 0xa5)		/* MOVS */
				err = mem->write(mem->ctx, ptr_lin(&dst, regs, mask), &val, size);
			else if (!err)			/* LODS */
				insn_gpr_write(regs, INSN_RAX, size, rex, val);
		}
		if (err)
			return err;
		if (op <= 0xa5 || op >= 0xac)
			ptr_step(&src, regs, mask, step);
		if (op <= 0xab)
			ptr_step(&dst, regs, mask, step);
		if (rep)
			ptr_step(&(struct string_ptr){ INSN_RCX, 0 }, regs, mask, -1);
	}
	return count == 0;
}
