/*
 * QEMU's #GP for a stack reference (docs/pv.md). A memory operand that
 * goes through SS (base RSP or RBP, no FS/GS override: in 64-bit code the
 * ES, CS, SS and DS prefixes name no segment) at a non-canonical address
 * is #SS(0) on the CPU; QEMU 7.2's TCG reports #GP(0), its canonical
 * check not knowing the segment. On a #GP(0) from the guest's 64-bit
 * code, Umbra decodes the instruction at RIP and gives the guest the #SS
 * the CPU would. The decision rests on the guest's own instruction bytes
 * (read through the guest-access border) and registers; on a CPU that
 * already says #SS it never fires. System instructions (0F 00, 0F 01),
 * whose #GP(0) in ring 3 comes before any memory access, are left alone.
 */
#include <asm/guest_access.h>
#include <asm/insn.h>
#include <public/arch-x86/xen-x86_64.h>
#include <umbra/domain.h>
#include "mmu/walk.h"
#include "pv_traps.h"

#define PAGE_BYTES	4096u

/* Up to 15 bytes at rip; those of a second page only if it reads. */
static size_t fetch_insn(struct vcpu *v, uint64_t rip, uint8_t b[INSN_MAX_LEN])
{
	size_t first = PAGE_BYTES - (rip & (PAGE_BYTES - 1));

	if (first >= INSN_MAX_LEN)
		return fetch_from_guest(v, b, rip, INSN_MAX_LEN) ? 0 : INSN_MAX_LEN;
	if (fetch_from_guest(v, b, rip, first))
		return 0;
	if (fetch_from_guest(v, b + first, rip + first, INSN_MAX_LEN - first))
		return first;
	return INSN_MAX_LEN;
}

static void regs_of(const struct cpu_regs *r, struct insn_regs *ir)
{
	const uint64_t g[INSN_NR_GPRS] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
	};

	for (unsigned int i = 0; i < INSN_NR_GPRS; i++)
		ir->gpr[i] = g[i];
	ir->rip = r->rip;
	for (unsigned int i = 0; i < INSN_NR_SEGS; i++)
		ir->seg_base[i] = 0;	/* SS has none in 64-bit code */
}

bool pv_gp_is_stack_fault(struct vcpu *v)
{
	const struct cpu_regs *r = &v->pv.regs;
	uint8_t b[INSN_MAX_LEN];
	struct insn insn;
	struct insn_regs ir;
	size_t n;

	if (r->error_code || (r->cs | 3) != FLAT_RING3_CS64)
		return false;
	n = fetch_insn(v, r->rip, b);
	if (!n || insn_decode(b, n, 64, &insn) < 0 || !insn.has_mem || insn.vsib)
		return false;
	if (insn.map == INSN_MAP_0F && (insn.opcode == 0x00 || insn.opcode == 0x01))
		return false;
	if (insn.seg == INSN_SEG_FS || insn.seg == INSN_SEG_GS)
		return false;
	insn.seg = INSN_NR_SEGS;	/* the others are ignored: the default */
	if (insn_mem_segment(&insn) != INSN_SEG_SS)
		return false;
	regs_of(r, &ir);
	return !mmu_va_is_canonical(insn_effective_addr(&insn, &ir));
}
