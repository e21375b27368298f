/*
 * insn_decode(): prefixes, opcode, operand sizes, immediates. ModRM and
 * the VEX family live in their own files; checks beyond the opcode byte
 * in special.c.
 */
#include <umbra/string.h>
#include "insn_internal.h"

int insn_fetch_signed(struct insn_cursor *c, unsigned int n, uint64_t *val)
{
	uint64_t v = 0;
	unsigned int i;
	uint8_t b;
	int rc;

	for (i = 0; i < n; i++) {
		rc = insn_fetch(c, &b);
		if (rc)
			return rc;
		v |= (uint64_t)b << (8 * i);
	}
	if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1)
		v |= ~0ULL << (8 * n);
	*val = v;
	return 0;
}

static bool is_legacy_prefix(uint8_t b)
{
	return insn_map1[b] & OP_PREFIX;
}

static void record_prefix(struct insn *insn, uint8_t b)
{
	switch (b) {
	case 0xf0:
		insn->lock = true;
		break;
	case 0xf2:
	case 0xf3:
		insn->rep = b;
		break;
	case 0x66:
		insn->opsize_prefix = true;
		break;
	case 0x67:
		insn->addrsize_prefix = true;
		break;
	case 0x64:
		insn->seg = INSN_SEG_FS;
		break;
	case 0x65:
		insn->seg = INSN_SEG_GS;
		break;
	default:
		/* ES/CS/SS/DS overrides do nothing in 64-bit code. */
		if (insn->mode != 64)
			insn->seg = (b >> 3) & 3;
		break;
	}
}

/*
 * Legacy prefixes in any order, then (64-bit) REX. A REX that is not
 * immediately before the opcode is ignored, as the CPU does.
 */
static int decode_prefixes(struct insn_cursor *c, struct insn *insn)
{
	uint8_t b;
	int rc;

	for (;;) {
		rc = insn_peek(c, 0, &b);
		if (rc)
			return rc;
		if (is_legacy_prefix(b)) {
			record_prefix(insn, b);
			insn->rex = 0;
		} else if (insn->mode == 64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
		} else {
			break;
		}
		c->pos++;
	}
	insn->nr_prefixes = c->pos;
	return 0;
}

/* C4/C5 (LES/LDS), 62 (BOUND) and 8F (POP) double as VEX-family escapes. */
static int is_vex_escape(const struct insn_cursor *c, const struct insn *insn,
			 uint8_t b, bool *vex)
{
	uint8_t next;
	int rc;

	*vex = false;
	if (b != 0xc4 && b != 0xc5 && b != 0x62 && b != 0x8f)
		return 0;
	rc = insn_peek(c, 0, &next);
	if (rc)
		return rc;
	if (b == 0x8f)
		*vex = (next & 0x1f) >= 8;
	else
		*vex = insn->mode == 64 || (next & 0xc0) == 0xc0;
	return 0;
}

static int decode_opcode(struct insn_cursor *c, struct insn *insn)
{
	uint8_t b;
	bool vex;
	int rc;

	insn->opcode_offset = c->pos;
	rc = insn_fetch(c, &b);
	if (rc)
		return rc;
	rc = is_vex_escape(c, insn, b, &vex);
	if (rc)
		return rc;
	if (vex)
		return insn_decode_vex(c, insn, b);
	if (b != 0x0f) {
		insn->map = INSN_MAP_1BYTE;
		insn->opcode = b;
		return 0;
	}
	rc = insn_fetch(c, &b);
	if (rc)
		return rc;
	if (b == 0x38 || b == 0x3a) {
		insn->map = b == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
		return insn_fetch(c, &insn->opcode);
	}
	/* 3DNow!: 0F 0F ModRM ... and the opcode comes last, as an imm8. */
	insn->map = b == 0x0f ? INSN_MAP_3DNOW : INSN_MAP_0F;
	insn->opcode = b;
	return 0;
}

static uint32_t legacy_flags(const struct insn *insn)
{
	switch (insn->map) {
	case INSN_MAP_1BYTE:
		return insn_map1[insn->opcode];
	case INSN_MAP_0F:
		return insn_map0f[insn->opcode];
	case INSN_MAP_0F38:
		return OP_M | OP_GROUP;
	case INSN_MAP_0F3A:
		return OP_M | OP_I8 | OP_GROUP;
	default: /* 3DNow! */
		return insn_map0f[0x0f];
	}
}

void insn_set_sizes(struct insn *insn, uint32_t flags)
{
	bool rex_w = insn->rex & 8;

	switch (insn->mode) {
	case 64:
		insn->addr_bytes = insn->addrsize_prefix ? 4 : 8;
		if (rex_w)
			insn->op_bytes = 8;
		else if (insn->opsize_prefix)
			insn->op_bytes = 2;
		else
			insn->op_bytes = (flags & OP_D64) ? 8 : 4;
		break;
	case 32:
		insn->addr_bytes = insn->addrsize_prefix ? 2 : 4;
		insn->op_bytes = insn->opsize_prefix ? 2 : 4;
		break;
	default:
		insn->addr_bytes = insn->addrsize_prefix ? 4 : 2;
		insn->op_bytes = insn->opsize_prefix ? 4 : 2;
		break;
	}
	/* VEX general-purpose forms (BMI, ...): W selects 64-bit operands. */
	if (insn->encoding != INSN_ENC_LEGACY)
		insn->op_bytes = insn->mode == 64 && insn->vex_w ? 8 : 4;
	if (flags & OP_BYTE)
		insn->op_bytes = 1;
}

/* Immediate sizes the opcode byte decides. */
static void set_imm_sizes(struct insn *insn, uint32_t flags)
{
	unsigned int z = insn->op_bytes == 2 ? 2 : 4;

	if ((flags & OP_I16) && (flags & OP_I8)) {	/* ENTER */
		insn->imm_bytes = 2;
		insn->imm2_bytes = 1;
	} else if (flags & OP_I8) {
		insn->imm_bytes = 1;
	} else if (flags & OP_I16) {
		insn->imm_bytes = 2;
	} else if (flags & OP_IZ) {
		insn->imm_bytes = z;
	} else if (flags & OP_IV) {
		insn->imm_bytes = insn->op_bytes;
	} else if (flags & OP_IA) {
		insn->imm_bytes = insn->addr_bytes;
	} else if (flags & OP_IP) {
		insn->imm_bytes = z + 2;
	}
}

static int check_legacy(const struct insn *insn, uint32_t flags)
{
	if (flags & OP_BAD)
		return -EINVAL;
	if ((flags & OP_INV64) && insn->mode == 64)
		return -EINVAL;
	if ((flags & OP_ONLY64) && insn->mode != 64)
		return -EINVAL;
	if (insn->has_modrm && (flags & OP_MEMONLY) && insn->mod == 3)
		return -EINVAL;
	if (insn->has_modrm && (flags & OP_REGONLY) && insn->mod != 3)
		return -EINVAL;
	return 0;
}

/* LOCK needs a lockable instruction with a memory destination. */
static bool lock_allowed(const struct insn *insn, uint32_t flags)
{
	/* AMD's alternative encoding of CR8: LOCK MOV CR0. */
	if (insn->map == INSN_MAP_0F &&
	    (insn->opcode == 0x20 || insn->opcode == 0x22))
		return true;
	return (flags & OP_LOCK) && insn->has_mem;
}

int insn_read_immediates(struct insn_cursor *c, struct insn *insn, bool far)
{
	uint64_t off, sel;
	int rc;

	insn->imm_offset = c->pos;
	if (!far) {
		rc = insn_fetch_signed(c, insn->imm_bytes, &insn->imm);
		if (!rc)
			rc = insn_fetch_signed(c, insn->imm2_bytes, &insn->imm2);
		return rc;
	}
	/* Far pointer: offset, then selector; kept as selector:offset. */
	rc = insn_fetch_signed(c, insn->imm_bytes - 2u, &off);
	if (!rc)
		rc = insn_fetch_signed(c, 2, &sel);
	if (rc)
		return rc;
	if (insn->imm_bytes == 4)
		insn->imm = (sel & 0xffff) << 16 | (off & 0xffff);
	else
		insn->imm = (sel & 0xffff) << 32 | (off & 0xffffffffULL);
	return 0;
}

/*
 * MOV AL/rAX <-> moffs (A0-A3) address memory by an absolute offset:
 * present it as a memory operand with no base or index, so that
 * insn_effective_addr() serves these MMIO accesses like any other.
 */
static void set_moffs_operand(struct insn *insn)
{
	insn->has_mem = true;
	insn->disp = (int64_t)insn->imm;
	insn->disp_bytes = insn->imm_bytes;
	insn->disp_offset = insn->imm_offset;
}

static int decode_legacy_body(struct insn_cursor *c, struct insn *insn)
{
	uint32_t flags = legacy_flags(insn);
	bool force_reg;
	int rc;

	insn_set_sizes(insn, flags);
	set_imm_sizes(insn, flags);
	if (flags & OP_M) {
		force_reg = insn->map == INSN_MAP_0F &&
			    insn->opcode >= 0x20 && insn->opcode <= 0x23;
		rc = insn_decode_modrm(c, insn, force_reg);
		if (rc)
			return rc;
	}
	if (insn->map == INSN_MAP_3DNOW) {
		/* The trailing opcode byte; checked with the other specials. */
		rc = insn_fetch(c, &insn->opcode);
		if (rc)
			return rc;
		insn->imm_bytes = 0;
	}
	rc = check_legacy(insn, flags);
	if (rc)
		return rc;
	if (flags & OP_GROUP) {
		rc = insn_check_special(insn);
		if (rc)
			return rc;
	}
	if (insn->lock && !lock_allowed(insn, flags))
		return -EINVAL;
	rc = insn_read_immediates(c, insn, flags & OP_IP);
	if (rc == 0 && (flags & OP_IA))
		set_moffs_operand(insn);
	return rc;
}

int insn_decode(const uint8_t *bytes, size_t avail, int mode, struct insn *out)
{
	struct insn_cursor c = { .bytes = bytes, .avail = avail, .pos = 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	out->seg = INSN_NR_SEGS;
	out->base = INSN_NO_REG;
	out->index = INSN_NO_REG;
	out->scale = 1;
	if (mode != 16 && mode != 32 && mode != 64)
		return -EINVAL;
	out->mode = (uint8_t)mode;

	rc = decode_prefixes(&c, out);
	if (!rc)
		rc = decode_opcode(&c, out);
	if (!rc && out->encoding == INSN_ENC_LEGACY)
		rc = decode_legacy_body(&c, out);
	out->len = (uint8_t)c.pos;
	return rc ? rc : (int)c.pos;
}
