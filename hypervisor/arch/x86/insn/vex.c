/*
 * The VEX (C4/C5), XOP (8F) and EVEX (62) encodings. Their opcodes are
 * not checked one by one: the map, the prefix rules and the length are.
 */
#include "insn_internal.h"

/* Fold the inverted R/X/B bits and W into a REX-like byte. */
static void set_rex_bits(struct insn *insn, uint8_t rxb_inverted, bool w)
{
	uint8_t rxb = (~rxb_inverted >> 5) & 7;

	insn->rex = 0x40 | (w ? 8 : 0) | (rxb & 4) | (rxb & 2) | (rxb & 1);
	insn->vex_w = w;
}

/* The byte after the map select: W vvvv L pp (vvvv inverted). */
static void set_wvvvvlpp(struct insn *insn, uint8_t b)
{
	insn->vex_vvvv = (~b >> 3) & 0xf;
	insn->vex_l = (b >> 2) & 1;
	insn->vex_pp = b & 3;
}

static int decode_vex2(struct insn_cursor *c, struct insn *insn)
{
	uint8_t b;
	int rc;

	rc = insn_fetch(c, &b);
	if (rc)
		return rc;
	insn->encoding = INSN_ENC_VEX2;
	set_rex_bits(insn, b | 0x60, false);
	set_wvvvvlpp(insn, b);
	insn->map = INSN_MAP_0F;
	return 0;
}

static int decode_vex3_xop(struct insn_cursor *c, struct insn *insn, bool xop)
{
	static const uint8_t vex_maps[4] = {
		0, INSN_MAP_0F, INSN_MAP_0F38, INSN_MAP_0F3A,
	};
	unsigned int sel;
	uint8_t b1, b2;
	int rc;

	rc = insn_fetch(c, &b1);
	if (!rc)
		rc = insn_fetch(c, &b2);
	if (rc)
		return rc;
	insn->encoding = xop ? INSN_ENC_XOP : INSN_ENC_VEX3;
	set_rex_bits(insn, b1, b2 & 0x80);
	set_wvvvvlpp(insn, b2);
	sel = b1 & 0x1f;
	if (xop) {
		if (sel > 10)
			return -EINVAL;
		insn->map = INSN_MAP_XOP8 + (sel - 8);
		return 0;
	}
	if (sel < 1 || sel > 3)
		return -EINVAL;
	insn->map = vex_maps[sel];
	return 0;
}

static int decode_evex(struct insn_cursor *c, struct insn *insn)
{
	static const uint8_t evex_maps[8] = {
		0, INSN_MAP_0F, INSN_MAP_0F38, INSN_MAP_0F3A,
		0, INSN_MAP_EVEX5, INSN_MAP_EVEX6, 0,
	};
	uint8_t p0, p1, p2;
	int rc;

	rc = insn_fetch(c, &p0);
	if (!rc)
		rc = insn_fetch(c, &p1);
	if (!rc)
		rc = insn_fetch(c, &p2);
	if (rc)
		return rc;
	insn->encoding = INSN_ENC_EVEX;
	set_rex_bits(insn, p0, p1 & 0x80);
	set_wvvvvlpp(insn, p1);
	insn->vex_vvvv |= (p2 & 8) ? 0 : 0x10;	/* V' */
	insn->vex_l = (p2 >> 5) & 3;
	/* Reserved bits: P0[3] clear, P1[2] set. */
	if ((p0 & 0x08) || !(p1 & 0x04))
		return -EINVAL;
	if (!evex_maps[p0 & 7])
		return -EINVAL;
	insn->map = evex_maps[p0 & 7];
	return 0;
}

/* Immediate bytes of VEX/EVEX map 0F opcodes that take an imm8. */
static bool map0f_has_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 ||
	       (op >= 0xc4 && op <= 0xc6);
}

static unsigned int vex_imm_bytes(const struct insn *insn)
{
	switch (insn->map) {
	case INSN_MAP_0F:
		return map0f_has_imm8(insn->opcode) ? 1 : 0;
	case INSN_MAP_0F3A:
	case INSN_MAP_XOP8:
		return 1;
	case INSN_MAP_XOPA:
		return 4;
	default:
		return 0;
	}
}

/* Gathers and scatters address memory through a vector of indices. */
static bool uses_vsib(const struct insn *insn)
{
	uint8_t op = insn->opcode;

	if (insn->map != INSN_MAP_0F38)
		return false;
	if (op >= 0x90 && op <= 0x93)
		return true;
	return insn->encoding == INSN_ENC_EVEX &&
	       ((op >= 0xa0 && op <= 0xa3) || op == 0xc6 || op == 0xc7);
}

static bool has_modrm(const struct insn *insn)
{
	/* VZEROUPPER / VZEROALL are the only ones without. */
	return !(insn->map == INSN_MAP_0F && insn->opcode == 0x77 &&
		 insn->encoding != INSN_ENC_EVEX);
}

int insn_decode_vex(struct insn_cursor *c, struct insn *insn, uint8_t first)
{
	int rc;

	/* The implied prefixes may not also be spelled out, nor REX/LOCK. */
	if (insn->rex || insn->lock || insn->rep || insn->opsize_prefix)
		return -EINVAL;
	if (first == 0xc5)
		rc = decode_vex2(c, insn);
	else if (first == 0x62)
		rc = decode_evex(c, insn);
	else
		rc = decode_vex3_xop(c, insn, first == 0x8f);
	if (rc)
		return rc;
	insn->opcode_offset = c->pos;
	rc = insn_fetch(c, &insn->opcode);
	if (rc)
		return rc;
	insn_set_sizes(insn, 0);
	insn->vsib = uses_vsib(insn);
	if (has_modrm(insn)) {
		rc = insn_decode_modrm(c, insn, false);
		if (rc)
			return rc;
	}
	insn->imm_bytes = vex_imm_bytes(insn);
	return insn_read_immediates(c, insn, false);
}
