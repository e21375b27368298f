/* ModRM, SIB and displacement, for 16-bit and 32/64-bit addressing. */
#include "insn_internal.h"

/* 16-bit addressing: rm selects one of eight base/index pairs. */
static const uint8_t rm16_base[8] = {
	INSN_RBX, INSN_RBX, INSN_RBP, INSN_RBP,
	INSN_RSI, INSN_RDI, INSN_RBP, INSN_RBX,
};
static const uint8_t rm16_index[8] = {
	INSN_RSI, INSN_RDI, INSN_RSI, INSN_RDI,
	INSN_NO_REG, INSN_NO_REG, INSN_NO_REG, INSN_NO_REG,
};

static int read_disp(struct insn_cursor *c, struct insn *insn, unsigned int n)
{
	uint64_t v;
	int rc;

	insn->disp_offset = c->pos;
	insn->disp_bytes = n;
	rc = insn_fetch_signed(c, n, &v);
	insn->disp = (int64_t)v;
	return rc;
}

static int decode_mem16(struct insn_cursor *c, struct insn *insn)
{
	unsigned int rm = insn->modrm & 7;

	if (insn->mod == 0 && rm == 6)
		return read_disp(c, insn, 2);
	insn->base = rm16_base[rm];
	insn->index = rm16_index[rm];
	if (insn->mod == 0)
		return 0;
	return read_disp(c, insn, insn->mod == 1 ? 1 : 2);
}

static bool rex_x(const struct insn *insn)
{
	return insn->mode == 64 && (insn->rex & 2);
}

static bool rex_b(const struct insn *insn)
{
	return insn->mode == 64 && (insn->rex & 1);
}

static int decode_sib(struct insn_cursor *c, struct insn *insn)
{
	unsigned int index, base;
	int rc;

	rc = insn_fetch(c, &insn->sib);
	if (rc)
		return rc;
	insn->has_sib = true;
	insn->scale = 1u << (insn->sib >> 6);
	index = ((insn->sib >> 3) & 7) | (rex_x(insn) ? 8 : 0);
	base = insn->sib & 7;
	/* Index 100 means none, unless REX.X (R12) or a vector index. */
	if (index != INSN_RSP || insn->vsib)
		insn->index = index;
	if (base == 5 && insn->mod == 0)
		return read_disp(c, insn, 4);
	insn->base = base | (rex_b(insn) ? 8 : 0);
	return 0;
}

static int decode_mem32(struct insn_cursor *c, struct insn *insn)
{
	unsigned int rm = insn->modrm & 7;
	int rc;

	if (rm == 4) {
		rc = decode_sib(c, insn);
		if (rc || insn->disp_bytes)
			return rc;
	} else if (insn->mod == 0 && rm == 5) {
		insn->rip_relative = insn->mode == 64;
		return read_disp(c, insn, 4);
	} else {
		insn->base = rm | (rex_b(insn) ? 8 : 0);
	}
	if (insn->mod == 0)
		return 0;
	return read_disp(c, insn, insn->mod == 1 ? 1 : 4);
}

int insn_decode_modrm(struct insn_cursor *c, struct insn *insn, bool force_reg)
{
	bool rex_r = insn->mode == 64 && (insn->rex & 4);
	int rc;

	rc = insn_fetch(c, &insn->modrm);
	if (rc)
		return rc;
	insn->has_modrm = true;
	insn->mod = force_reg ? 3 : insn->modrm >> 6;
	insn->reg = ((insn->modrm >> 3) & 7) | (rex_r ? 8 : 0);
	insn->rm = (insn->modrm & 7) | (rex_b(insn) ? 8 : 0);
	if (insn->mod == 3)
		return 0;
	insn->has_mem = true;
	if (insn->addr_bytes == 2)
		return decode_mem16(c, insn);
	return decode_mem32(c, insn);
}
