/*
 * Validity and immediates that depend on more than the opcode byte:
 * the ModRM.reg groups of the 1-byte map, and dispatch to the other maps.
 */
#include "insn_internal.h"

unsigned int insn_pfx_column(const struct insn *insn)
{
	/* F2/F3 select the instruction before 66 does; the last one counts. */
	if (insn->rep == INSN_PFX_REP)
		return PFX_F3;
	if (insn->rep == INSN_PFX_REPNE)
		return PFX_F2;
	return insn->opsize_prefix ? PFX_66 : PFX_NONE;
}

/* Group 3 (F6/F7): TEST has an immediate; only NOT and NEG lock. */
static int check_group3(struct insn *insn)
{
	unsigned int reg = insn_modrm_reg(insn);

	if (reg <= 1)
		insn->imm_bytes = insn->opcode == 0xf6 ? 1 :
				  insn->op_bytes == 2 ? 2 : 4;
	if (insn->lock && reg != 2 && reg != 3)
		return -EINVAL;
	return 0;
}

/* Group 5 (FF): INC, DEC, CALL, CALLF, JMP, JMPF, PUSH. */
static int check_group5(struct insn *insn)
{
	unsigned int reg = insn_modrm_reg(insn);

	if (reg == 7)
		return -EINVAL;
	if ((reg == 3 || reg == 5) && !insn->has_mem)
		return -EINVAL;
	if (insn->lock && reg > 1)
		return -EINVAL;
	/* Near CALL/JMP and PUSH default to 64-bit operands in long mode. */
	if (insn->mode == 64 && (reg == 2 || reg == 4 || reg == 6) &&
	    !(insn->rex & 8))
		insn->op_bytes = insn->opsize_prefix ? 2 : 8;
	return 0;
}

/* C6/C7: MOV r/m, imm (/0), XABORT (C6 F8) and XBEGIN (C7 F8). */
static int check_group11(const struct insn *insn)
{
	if (insn_modrm_reg(insn) == 0 || insn->modrm == 0xf8)
		return 0;
	return -EINVAL;
}

static int check_map1(struct insn *insn)
{
	unsigned int reg = insn_modrm_reg(insn);

	switch (insn->opcode) {
	case 0x80 ... 0x83:
		return insn->lock && reg == 7 ? -EINVAL : 0;	/* CMP */
	case 0x8c:
		return reg > 5 ? -EINVAL : 0;
	case 0x8e:
		return reg == INSN_SEG_CS || reg > 5 ? -EINVAL : 0;
	case 0x8f:
		return reg != 0 ? -EINVAL : 0;
	case 0xc6:
	case 0xc7:
		return check_group11(insn);
	case 0xd8 ... 0xdf:
		return insn_check_x87(insn);
	case 0xf6:
	case 0xf7:
		return check_group3(insn);
	case 0xfe:
		return reg > 1 ? -EINVAL : 0;
	case 0xff:
		return check_group5(insn);
	default:
		return 0;
	}
}

int insn_check_special(struct insn *insn)
{
	switch (insn->map) {
	case INSN_MAP_1BYTE:
		return check_map1(insn);
	case INSN_MAP_0F:
		return insn_check_0f(insn);
	case INSN_MAP_0F38:
		return insn_check_0f38(insn);
	case INSN_MAP_0F3A:
		return insn_check_0f3a(insn);
	case INSN_MAP_3DNOW:
		return insn_check_3dnow(insn);
	default:
		return 0;
	}
}
