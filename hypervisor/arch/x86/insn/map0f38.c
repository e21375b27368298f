/* Checks within the three-byte maps (0F 38, 0F 3A) and 3DNow! (0F 0F). */
#include "insn_internal.h"

static int mem_only(const struct insn *insn)
{
	return insn->has_mem ? 0 : -EINVAL;
}

static int reg_only(const struct insn *insn)
{
	return insn->has_mem ? -EINVAL : 0;
}

int insn_check_0f38(const struct insn *insn)
{
	unsigned int col = insn_pfx_column(insn);

	if (!(insn_map0f38_pfx[insn->opcode] & col))
		return -EINVAL;
	switch (insn->opcode) {
	case 0x2a:		/* MOVNTDQA */
	case 0x80 ... 0x82:	/* INVEPT, INVVPID, INVPCID */
	case 0xf5:		/* WRUSS */
	case 0xf8:		/* MOVDIR64B, ENQCMD, ENQCMDS */
	case 0xf9:		/* MOVDIRI */
		return mem_only(insn);
	case 0xd8:		/* AES*WIDE*KL: /0../3 */
		return insn_modrm_reg(insn) > 3 ? -EINVAL : mem_only(insn);
	case 0xdc:		/* F3: AESENC128KL (memory), LOADIWKEY */
		return 0;
	case 0xdd ... 0xdf:	/* F3: AES*KL take a handle in memory */
		return col == PFX_F3 ? mem_only(insn) : 0;
	case 0xf0:
	case 0xf1:		/* MOVBE, or CRC32 with F2 */
		return col == PFX_F2 ? 0 : mem_only(insn);
	case 0xf6:		/* WRSS without prefix, ADCX/ADOX */
		return col == PFX_NONE ? mem_only(insn) : 0;
	case 0xfa:
	case 0xfb:		/* ENCODEKEY128/256 */
		return reg_only(insn);
	default:
		return 0;
	}
}

int insn_check_0f3a(const struct insn *insn)
{
	unsigned int col = insn_pfx_column(insn);

	if (!(insn_map0f3a_pfx[insn->opcode] & col))
		return -EINVAL;
	if (insn->opcode == 0xf0)	/* HRESET: F3 0F 3A F0 C0 ib */
		return insn->modrm == 0xc0 ? 0 : -EINVAL;
	return 0;
}

/* The 3DNow! operations, named by the byte after ModRM/SIB/disp. */
static bool is_3dnow_op(uint8_t op)
{
	switch (op) {
	case 0x0c: case 0x0d: case 0x1c: case 0x1d:
	case 0x8a: case 0x8e: case 0x90: case 0x94:
	case 0x96: case 0x97: case 0x9a: case 0x9e:
	case 0xa0: case 0xa4: case 0xa6: case 0xa7:
	case 0xaa: case 0xae: case 0xb0: case 0xb4:
	case 0xb6: case 0xb7: case 0xbb: case 0xbf:
		return true;
	default:
		return false;
	}
}

int insn_check_3dnow(const struct insn *insn)
{
	return is_3dnow_op(insn->opcode) ? 0 : -EINVAL;
}
