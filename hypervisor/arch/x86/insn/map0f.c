/* Checks within the two-byte (0F) opcode map. */
#include "insn_internal.h"

#define N	PFX_NONE
#define O	PFX_66
#define S	PFX_F3
#define D	PFX_F2

/*
 * Group 7 register forms (0F 01 C0..FF): the prefix columns that name an
 * instruction, in any mode (low nibble) or in 64-bit mode only (L64()).
 */
#define L64(cols)	((cols) << 4)
#define ALL		(N | O | S | D)

static const uint8_t grp7_reg[64] = {
	/* C0 ENCLV, VMCALL, VMLAUNCH, VMRESUME, VMXOFF, PCONFIG */
	[0x00 ... 0x05] = N,
	/* C8 MONITOR, MWAIT, CLAC, STAC, TDCALL, SEAMRET, SEAMOPS, ENCLS/SEAMCALL */
	[0x08 ... 0x0b] = N, [0x0c] = O, [0x0d] = L64(O), [0x0e] = L64(O),
	[0x0f] = N | L64(O),
	/* D0 XGETBV, XSETBV, VMFUNC, XEND, XTEST, ENCLU */
	[0x10] = N, [0x11] = N, [0x14 ... 0x17] = N,
	/* D8 VMRUN, VMMCALL/VMGEXIT, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA */
	[0x18 ... 0x1f] = ALL,
	/* E0 SMSW r */
	[0x20 ... 0x27] = ALL,
	/* E8 SERIALIZE/SETSSBSY/XSUSLDTRK, XRESLDTRK, SAVEPREVSSP,
	 * UIRET, TESTUI, RDPKRU/CLUI, WRPKRU/STUI */
	[0x28] = N | S | D, [0x29] = D, [0x2a] = S,
	[0x2c] = L64(S), [0x2d] = L64(S), [0x2e] = N | L64(S), [0x2f] = N | L64(S),
	/* F0 LMSW r */
	[0x30 ... 0x37] = ALL,
	/* F8 SWAPGS, RDTSCP, MONITORX/MCOMMIT, MWAITX, CLZERO, RDPRU,
	 * INVLPGB/RMPADJUST/RMPUPDATE, TLBSYNC/PSMASH/PVALIDATE */
	[0x38] = L64(ALL), [0x39] = ALL, [0x3a] = N | S, [0x3b] = N,
	[0x3c] = ALL, [0x3d] = ALL, [0x3e] = N | L64(S | D), [0x3f] = N | D | L64(S),
};

static int check_group7(const struct insn *insn, unsigned int col)
{
	unsigned int cols;

	if (insn->has_mem)	/* /5 memory is only RSTORSSP (F3) */
		return insn_modrm_reg(insn) != 5 || col == S ? 0 : -EINVAL;
	cols = grp7_reg[insn->modrm - 0xc0];
	if (insn->mode == 64)
		cols |= cols >> 4;
	return cols & col ? 0 : -EINVAL;
}

/* MOV to/from CR (0F 20/22) and DR (0F 21/23); ModRM.mod is ignored. */
static int check_mov_crdr(struct insn *insn)
{
	unsigned int n = insn->reg;

	insn->op_bytes = insn->mode == 64 ? 8 : 4;
	if (insn->opcode & 1)	/* debug registers: no DR8..DR15 */
		return n > 7 ? -EINVAL : 0;
	if (insn->lock && n == 0) {	/* AMD's alternative CR8 encoding */
		insn->reg = 8;
		return 0;
	}
	return n == 0 || n == 2 || n == 3 || n == 4 || n == 8 ? 0 : -EINVAL;
}

/* Group 15 (0F AE): FXSAVE ..CLFLUSH in memory, fences and more as registers. */
static int check_group15(const struct insn *insn, unsigned int col)
{
	unsigned int reg = insn_modrm_reg(insn);

	if (insn->has_mem) {
		switch (col) {
		case N:
			return 0;
		case O:	/* CLWB, CLFLUSHOPT */
			return reg >= 6 ? 0 : -EINVAL;
		case S:	/* PTWRITE, CLRSSBSY */
			return reg == 4 || reg == 6 ? 0 : -EINVAL;
		default:
			return -EINVAL;
		}
	}
	switch (col) {
	case N:	/* LFENCE, MFENCE, SFENCE */
		return reg >= 5 ? 0 : -EINVAL;
	case O:	/* TPAUSE */
		return reg == 6 ? 0 : -EINVAL;
	case S:	/* RD/WR FS/GS BASE (64-bit only), PTWRITE, INCSSP, UMONITOR */
		if (reg <= 3 && insn->mode != 64)
			return -EINVAL;
		return reg <= 6 ? 0 : -EINVAL;
	default: /* UMWAIT */
		return reg == 6 ? 0 : -EINVAL;
	}
}

/* Group 9 (0F C7): CMPXCHG8B/16B, XSAVE family, VMX, RDRAND, RDSEED, RDPID. */
static int check_group9(const struct insn *insn, unsigned int col)
{
	unsigned int reg = insn_modrm_reg(insn);

	if (insn->lock && !(insn->has_mem && reg == 1))
		return -EINVAL;
	if (insn->has_mem) {
		switch (reg) {
		case 1:	/* CMPXCHG8B/16B: REP prefixes are ignored */
			return 0;
		case 3:
		case 4:
		case 5:
		case 7:
			return col == N ? 0 : -EINVAL;
		case 6:
			return col == D ? -EINVAL : 0;
		default:
			return -EINVAL;
		}
	}
	if (reg == 6)	/* RDRAND, SENDUIPI (F3, 64-bit) */
		return col == N || col == O ||
		       (col == S && insn->mode == 64) ? 0 : -EINVAL;
	if (reg == 7)
		return col == D ? -EINVAL : 0;
	return -EINVAL;
}

/* The MMX/SSE shift-by-immediate groups 0F 71, 72, 73. */
static int check_shift_group(const struct insn *insn, unsigned int col)
{
	unsigned int reg = insn_modrm_reg(insn);

	if (reg == 2 || reg == 4 || reg == 6)
		return insn->opcode == 0x73 && reg == 4 ? -EINVAL : 0;
	/* PSRLDQ / PSLLDQ exist for XMM registers only */
	if (insn->opcode == 0x73 && (reg == 3 || reg == 7))
		return col == O ? 0 : -EINVAL;
	return -EINVAL;
}

/* 0F 78/79: VMREAD/VMWRITE, or AMD's EXTRQ/INSERTQ with 66/F2. */
static int check_sse4a(struct insn *insn, unsigned int col)
{
	if (col == N)
		return 0;
	if (insn->has_mem)
		return -EINVAL;
	if (insn->opcode == 0x78) {
		if (col == O && insn_modrm_reg(insn) != 0)
			return -EINVAL;
		insn->imm_bytes = 1;	/* length, index */
		insn->imm2_bytes = 1;
	}
	return 0;
}

/* Memory-only or register-only forms that depend on the prefix column. */
static int check_sse_forms(const struct insn *insn, unsigned int col)
{
	switch (insn->opcode) {
	case 0x12:
	case 0x16:
		return col == O && !insn->has_mem ? -EINVAL : 0;
	case 0x13:
	case 0x17:
	case 0x2b:
	case 0xe7:
	case 0xf0:
		return insn->has_mem ? 0 : -EINVAL;
	case 0x50:
	case 0xd7:
	case 0xf7:
		return insn->has_mem ? -EINVAL : 0;
	case 0xd6:
		return col != O && insn->has_mem ? -EINVAL : 0;
	case 0x71 ... 0x73:
		return insn->has_mem ? -EINVAL : check_shift_group(insn, col);
	default:
		return 0;
	}
}

static int check_sse(struct insn *insn, unsigned int col)
{
	if (!(insn_map0f_pfx[insn->opcode] & col))
		return -EINVAL;
	if (insn->opcode == 0x78 || insn->opcode == 0x79)
		return check_sse4a(insn, col);
	return check_sse_forms(insn, col);
}

/*
 * VIA PadLock: REP MONTMUL/XSHA1/XSHA256 (0F A6 C0/C8/D0), XSTORE
 * (0F A7 C0, with or without REP) and REP XCRYPT* (0F A7 C8..E8).
 */
static int check_padlock(const struct insn *insn)
{
	unsigned int reg = insn_modrm_reg(insn);
	bool rep = insn->rep == INSN_PFX_REP;

	if (insn->has_mem || (insn->modrm & 7) != 0)
		return -EINVAL;
	if (insn->opcode == 0xa6)
		return rep && reg <= 2 ? 0 : -EINVAL;
	if (reg == 0)
		return insn->rep != INSN_PFX_REPNE ? 0 : -EINVAL;
	return rep && reg <= 5 ? 0 : -EINVAL;
}

int insn_check_0f(struct insn *insn)
{
	unsigned int col = insn_pfx_column(insn);
	unsigned int reg = insn_modrm_reg(insn);

	switch (insn->opcode) {
	case 0x00:
		return reg >= 6 ? -EINVAL : 0;
	case 0x01:
		return check_group7(insn, col);
	case 0x0d:	/* PREFETCH / PREFETCHW; register forms are NOPs */
		return 0;
	case 0xa6:
	case 0xa7:
		return check_padlock(insn);
	case 0x20 ... 0x23:
		return check_mov_crdr(insn);
	case 0xae:
		return check_group15(insn, col);
	case 0xba:
		if (reg < 4 || (insn->lock && reg == 4))
			return -EINVAL;
		return 0;
	case 0xc7:
		return check_group9(insn, col);
	default:
		if (insn_map0f_pfx[insn->opcode])
			return check_sse(insn, col);
		return 0;
	}
}
