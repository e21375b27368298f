/*
 * The one store an exit fast path recognises without the decoder: MOV
 * r32 to memory (opcode 89, 64-bit code, an optional REX without W, any
 * ModRM addressing), the encoding of every local APIC write Linux makes
 * (native_apic_mem_write). Under TCG each distinct code page an exit
 * runs costs QEMU a TLB refill and translation lookups on every exit, so
 * these few lines stand in for the decoder's tables there.
 * tests/unit/hvm/test_mov_store32.c checks it against insn_decode().
 */
#include <asm/insn.h>
#include <umbra/hot.h>

#define OP_MOV_STORE	0x89
#define REX_W		0x08
#define REX_R		0x04

__exit_handler int insn_mov_store32(const uint8_t *b, size_t avail, unsigned int *gpr)
{
	unsigned int i = 0, mod, rm, n;
	uint8_t rex = 0;

	if (avail < INSN_MOV_STORE32_MAX)
		return -1;
	if ((b[0] & 0xf0) == 0x40)
		rex = b[i++];
	if ((rex & REX_W) || b[i] != OP_MOV_STORE)
		return -1;
	mod = b[i + 1] >> 6;
	rm = b[i + 1] & 7;
	n = i + 2;
	if (mod == 3)
		return -1;		/* a register, not memory */
	if (rm == 4 && mod == 0 && (b[n] & 7) == 5)
		n += 4;			/* SIB without base: disp32 */
	if (rm == 4)
		n++;			/* the SIB byte itself */
	if (mod == 0 && rm == 5)
		n += 4;			/* RIP-relative disp32 */
	n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	*gpr = ((b[i + 1] >> 3) & 7) | (rex & REX_R ? 8 : 0);
	return (int)n;
}
