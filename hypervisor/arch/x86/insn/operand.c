/* Operands of a decoded instruction: memory addresses and registers. */
#include "insn_internal.h"

static uint64_t addr_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

enum insn_seg insn_mem_segment(const struct insn *insn)
{
	if (insn->seg != INSN_NR_SEGS)
		return insn->seg;
	/* Stack-based addressing defaults to SS. */
	if (insn->base == INSN_RSP || insn->base == INSN_RBP)
		return INSN_SEG_SS;
	return INSN_SEG_DS;
}

uint64_t insn_effective_addr(const struct insn *insn, const struct insn_regs *regs)
{
	uint64_t ea = (uint64_t)insn->disp;

	if (insn->rip_relative)
		ea += regs->rip + insn->len;
	if (insn->base != INSN_NO_REG)
		ea += regs->gpr[insn->base];
	if (insn->index != INSN_NO_REG && !insn->vsib)
		ea += regs->gpr[insn->index] * insn->scale;
	return ea & addr_mask(insn->addr_bytes);
}

uint64_t insn_linear_addr(const struct insn *insn, const struct insn_regs *regs)
{
	enum insn_seg seg = insn_mem_segment(insn);
	uint64_t ea = insn_effective_addr(insn, regs);

	if (insn->mode == 64)
		return seg == INSN_SEG_FS || seg == INSN_SEG_GS ?
		       ea + regs->seg_base[seg] : ea;
	return (ea + regs->seg_base[seg]) & 0xffffffffULL;
}

/* AH, CH, DH, BH: byte registers 4-7 when no REX prefix is present. */
static bool is_high_byte(unsigned int reg, unsigned int size, bool rex)
{
	return size == 1 && !rex && reg >= 4 && reg <= 7;
}

uint64_t insn_gpr_read(const struct insn_regs *regs, unsigned int reg,
		       unsigned int size, bool rex)
{
	if (is_high_byte(reg, size, rex))
		return (regs->gpr[reg - 4] >> 8) & 0xff;
	return regs->gpr[reg & 15] & addr_mask(size);
}

void insn_gpr_write(struct insn_regs *regs, unsigned int reg, unsigned int size,
		    bool rex, uint64_t val)
{
	uint64_t *r;

	if (is_high_byte(reg, size, rex)) {
		r = &regs->gpr[reg - 4];
		*r = (*r & ~0xff00ULL) | (val & 0xff) << 8;
		return;
	}
	r = &regs->gpr[reg & 15];
	if (size == 4)		/* 32-bit writes zero the upper half */
		*r = val & 0xffffffffULL;
	else
		*r = (*r & ~addr_mask(size)) | (val & addr_mask(size));
}
