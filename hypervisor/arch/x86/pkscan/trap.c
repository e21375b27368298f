/*
 * The emulator's half of the rewrite: recognise a trap this library wrote
 * and give back the instruction it stands for (the contract is in
 * asm/pkscan.h). The trap is the original with its opcode byte replaced
 * by UD1's, so putting the byte back and decoding gives the original,
 * prefixes and memory operand included.
 */
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/mode.h"
#include "pkscan_internal.h"

/* Which original a UD1 with this ModRM stands for, and its opcode byte. */
static enum pkscan_kind trap_kind(uint8_t modrm, uint8_t *opcode)
{
	unsigned int mod = modrm >> 6, reg = (modrm >> 3) & 7;

	if (modrm == PKSCAN_MODRM_WRPKRU) {
		*opcode = PKSCAN_OP_GRP7;
		return PKSCAN_WRPKRU;
	}
	if (mod == 3)
		return PKSCAN_NONE;
	if (reg == PKSCAN_GRP15_XRSTOR) {
		*opcode = PKSCAN_OP_GRP15;
		return PKSCAN_XRSTOR;
	}
	if (reg == PKSCAN_GRP9_XRSTORS) {
		*opcode = PKSCAN_OP_GRP9;
		return PKSCAN_XRSTORS;
	}
	return PKSCAN_NONE;
}

int pkscan_trap_decode(const uint8_t *bytes, size_t avail, int mode, struct insn *orig)
{
	uint8_t copy[INSN_MAX_LEN], opcode = 0;
	enum pkscan_kind kind;
	struct insn ud;
	int len;

	len = insn_decode(bytes, avail, mode, &ud);
	if (len < 0)
		return len;
	if (ud.encoding != INSN_ENC_LEGACY || ud.map != INSN_MAP_0F ||
	    ud.opcode != PKSCAN_OP_UD1)
		return 0;
	kind = trap_kind(ud.modrm, &opcode);
	if (kind == PKSCAN_NONE)
		return 0;
	memcpy(copy, bytes, (size_t)len);
	copy[ud.opcode_offset + 1] = opcode;
	/* A form the rewriter never makes (LOCK, a prefix the original
	 * rejects) is the guest's own UD1: #UD stands. */
	if (insn_decode(copy, (size_t)len, mode, orig) != len)
		return 0;
	return kind;
}

/* Keys are 0..15 (PTE bits 62:59). */
uint32_t pkscan_pkru_forced(uint32_t pkru, unsigned int reserved_key)
{
	reserved_key &= 15;
	return pkru | MMU_PKRU_AD(reserved_key) | MMU_PKRU_WD(reserved_key);
}

enum pkscan_emul pkscan_emulate_wrpkru(const struct insn *orig, uint64_t rax, uint64_t rcx,
				       uint64_t rdx, unsigned int reserved_key, uint32_t *pkru)
{
	/* F3 0F 01 EF is STUI (user interrupts), which PV guests are not
	 * offered; F2 names nothing there. */
	if (orig->rep)
		return PKSCAN_EMUL_UD;
	if ((uint32_t)rcx != 0 || (uint32_t)rdx != 0)
		return PKSCAN_EMUL_GP;
	*pkru = pkscan_pkru_forced((uint32_t)rax, reserved_key);
	return PKSCAN_EMUL_DONE;
}
