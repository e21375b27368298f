/*
 * Guest control-register writes the hypervisor sees: CR4 in both paging
 * modes (so the guest cannot turn on what CPUID hides: XSAVE, PKU, PCID),
 * and in shadow mode also CR0 and CR3 (reads and writes), CR4 reads (a
 * 2-level guest runs with PAE set) and LMSW. No decode
 * assists on TCG, so the instruction is decoded from guest memory.
 */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hot.h>

/* VME..OSXMMEXCPT, UMIP, FSGSBASE, SMEP, SMAP: not PCIDE (not emulated by
 * QEMU), OSXSAVE (XSAVE state is not switched), PKE (PKRU is not switched). */
#define CR4_ALLOWED	(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | \
			 CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT | \
			 CR4_UMIP | CR4_FSGSBASE | CR4_SMEP | CR4_SMAP)
/* LMSW loads CR0 bits 3:0 (PE, MP, EM, TS). */
#define CR0_LMSW_BITS	(CR0_PE | CR0_MP | CR0_EM | CR0_TS)

static unsigned int phys_addr_bits;

/* Read once: CPUID serialises, and CR3 writes and guest copies are
 * frequent. */
unsigned int svm_maxphyaddr(void)
{
	if (!phys_addr_bits)
		phys_addr_bits = cpuid(CPUID_EXT_ADDR_SIZES).eax & 0xff;
	return phys_addr_bits;
}

/* CR3 bits at or above MAXPHYADDR are reserved (#GP). */
bool svm_cr3_valid(uint64_t cr3)
{
	return !(cr3 >> svm_maxphyaddr());
}

/* The guest's own CR0 and CR4 (svm_shadow.c may run it on other
 * values): here, beside vcpu_paging_state(), which inlines them (CR3's
 * is in svm_insn.c, beside the exit path's instruction re-read). */
uint64_t svm_guest_cr0(const struct vcpu *v)
{
	uint64_t cr0 = v->hvm.vmcb->cr0;

	return v->hvm.cr0_wp_forced ? cr0 & ~CR0_WP : cr0;
}

uint64_t svm_guest_cr4(const struct vcpu *v)
{
	uint64_t cr4 = v->hvm.vmcb->cr4;

	return v->hvm.cr4_pae_forced ? cr4 & ~CR4_PAE : cr4;
}

void vcpu_paging_state(const struct vcpu *v, struct vcpu_paging_state *st)
{
	const struct vmcb *vmcb = v->hvm.vmcb;

	*st = (struct vcpu_paging_state){
		.cr0 = svm_guest_cr0(v), .cr4 = svm_guest_cr4(v), .efer = vmcb->efer,
		.cr3 = svm_guest_cr3(v),
		.rflags_ac = vmcb->rflags & X86_EFLAGS_AC,
		.maxphyaddr = (uint8_t)svm_maxphyaddr(),
	};
}

bool svm_cr4_valid(uint64_t cr4, uint64_t efer)
{
	return !(cr4 & ~CR4_ALLOWED) && (!(efer & EFER_LMA) || (cr4 & CR4_PAE));
}

static bool guest_write_cr0(struct vcpu *v, uint64_t val)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)))
		return false;
	if ((val & CR0_PG) && (vmcb->efer & EFER_LME) && !(svm_guest_cr4(v) & CR4_PAE))
		return false;
	/* The CPU would set or clear LMA here; the write is intercepted. */
	if ((val & CR0_PG) && (vmcb->efer & EFER_LME))
		vmcb->efer |= EFER_LMA;
	else
		vmcb->efer &= ~EFER_LMA;
	svm_set_guest_cr0(v, val | CR0_ET);
	svm_shadow_mode_changed(v);
	return true;
}

static bool guest_write_cr4(struct vcpu *v, uint64_t val)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	if (!svm_cr4_valid(val, vmcb->efer))
		return false;
	svm_set_guest_cr4(v, val);
	svm_shadow_mode_changed(v);
	return true;
}

static bool guest_write_cr(struct vcpu *v, unsigned int cr, uint64_t val)
{
	switch (cr) {
	case 0: return guest_write_cr0(v, val);
	case 3: return svm_shadow_write_cr3(v, val);
	case 4: return guest_write_cr4(v, val);
	default: return false;
	}
}

/* LMSW sets CR0 bits 3:0 but can never clear PE. */
static bool guest_lmsw(struct vcpu *v, const struct insn *insn, struct insn_regs *r)
{
	uint64_t cr0 = svm_guest_cr0(v);
	uint16_t src = 0;

	if (insn->mod == 3)
		src = (uint16_t)insn_gpr_read(r, insn->rm, 2, insn_has_rex(insn));
	else if (copy_from_guest(v, &src, insn_linear_addr(insn, r), 2))
		return false;
	return guest_write_cr0(v, (cr0 & ~(CR0_LMSW_BITS & ~CR0_PE)) | (src & CR0_LMSW_BITS) |
				 (cr0 & CR0_PE));
}

/* SMSW, which the CR0 read intercept also catches (shadow mode): UMIP
 * at CPL > 0 first, as the CPU checks it (-EPERM: #GP); a register gets
 * CR0's low bits at the operand size, memory its low 16 bits (a store
 * outside RAM is dropped). 1: the store's #PF was injected instead. */
static int guest_smsw(struct vcpu *v, const struct insn *insn, struct insn_regs *r)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	unsigned int cpl = svm_guest_cpl(vmcb);
	uint16_t msw = (uint16_t)svm_guest_cr0(v);
	struct guest_fault fault;

	if ((vmcb->cr4 & CR4_UMIP) && cpl > 0)
		return -EPERM;
	if (insn->mod == 3) {
		insn_gpr_write(r, insn->rm, insn->op_bytes, insn_has_rex(insn), svm_guest_cr0(v));
		return 0;
	}
	if (copy_guest_insn(v, insn_linear_addr(insn, r), &msw, sizeof(msw), true, cpl == 3,
			    &fault) && fault.page_fault) {
		v->hvm.vmcb->cr2 = fault.addr;
		hvm_inject_exception(v, TRAP_PF, (int)fault.error_code);
		return 1;
	}
	return 0;
}

void svm_exit_cr_access(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct insn insn;
	struct insn_regs r;
	int len = svm_decode_at_rip(v, &insn);
	unsigned int sz;
	bool ok;

	if (len < 0 || insn.map != INSN_MAP_0F) {
		domain_crash(v->domain, "undecodable control-register access at rip %#llx",
			     (unsigned long long)vmcb->rip);
		return;
	}
	/* Outside 64-bit mode MOV CRn moves 32 bits. */
	sz = svm_guest_is_64bit(vmcb) ? 8 : 4;
	svm_regs_get(v, &r);
	if (insn.opcode == 0x06) {				/* CLTS */
		ok = guest_write_cr0(v, svm_guest_cr0(v) & ~CR0_TS);
	} else if (insn.opcode == 0x22) {			/* MOV CRn, reg */
		ok = guest_write_cr(v, insn.reg, insn_gpr_read(&r, insn.rm, sz, true));
	} else if (insn.opcode == 0x20 && insn.reg == 3) {	/* MOV reg, CR3 */
		insn_gpr_write(&r, insn.rm, sz, true, svm_guest_cr3(v));
		svm_regs_put(v, &r);
		ok = true;
	} else if (insn.opcode == 0x20 && insn.reg == 0) {	/* MOV reg, CR0 */
		insn_gpr_write(&r, insn.rm, sz, true, svm_guest_cr0(v));
		svm_regs_put(v, &r);
		ok = true;
	} else if (insn.opcode == 0x20 && insn.reg == 4) {	/* MOV reg, CR4 */
		insn_gpr_write(&r, insn.rm, sz, true, svm_guest_cr4(v));
		svm_regs_put(v, &r);
		ok = true;
	} else if (insn.opcode == 0x01 && (insn.reg & 7) == 6) {	/* LMSW */
		ok = guest_lmsw(v, &insn, &r);
	} else if (insn.opcode == 0x01 && (insn.reg & 7) == 4) {	/* SMSW */
		int rc = guest_smsw(v, &insn, &r);

		if (rc > 0)
			return;
		ok = !rc;
		if (ok)
			svm_regs_put(v, &r);
	} else {
		domain_crash(v->domain, "unsupported control-register instruction "
			     "0f %02x at rip %#llx", insn.opcode, (unsigned long long)vmcb->rip);
		return;
	}
	if (!ok) {
		hvm_inject_exception(v, TRAP_GP, 0);
		return;
	}
	vmcb->rip += (unsigned int)len;
}
