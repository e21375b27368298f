/* Which x87 (D8-DF) encodings exist. */
#include "insn_internal.h"

/* Register forms (ModRM C0-FF), including the documented-as-reserved
 * aliases every x87 since the 387 executes (FSTP1, FXCH4, FFREEP, ...). */
static bool reg_form_valid(uint8_t op, uint8_t modrm)
{
	switch (op) {
	case 0xd9:
		return modrm <= 0xd0 || (modrm >= 0xd8 && modrm <= 0xe1) ||
		       modrm == 0xe4 || modrm == 0xe5 ||
		       (modrm >= 0xe8 && modrm <= 0xee) || modrm >= 0xf0;
	case 0xda:
		return modrm < 0xe0 || modrm == 0xe9;
	case 0xdb:
		return modrm <= 0xe4 || (modrm >= 0xe8 && modrm <= 0xf7);
	case 0xdd:
		return modrm < 0xf0;
	case 0xde:
		return modrm < 0xd8 || modrm == 0xd9 || modrm >= 0xe0;
	case 0xdf:
		return modrm <= 0xe0 || (modrm >= 0xe8 && modrm <= 0xf7);
	default: /* D8, DC */
		return true;
	}
}

/* Memory forms: a few ModRM.reg values are holes. */
static bool mem_form_valid(uint8_t op, unsigned int reg)
{
	switch (op) {
	case 0xd9:
		return reg != 1;
	case 0xdb:
		return reg != 4 && reg != 6;
	case 0xdd:
		return reg != 5;
	default:
		return true;
	}
}

int insn_check_x87(const struct insn *insn)
{
	bool ok;

	if (insn->has_mem)
		ok = mem_form_valid(insn->opcode, insn_modrm_reg(insn));
	else
		ok = reg_form_valid(insn->opcode, insn->modrm);
	return ok ? 0 : -EINVAL;
}
