/* dom0's writes to its local APIC. dom0 drives its pCPU's APIC itself,
 * but the page is read-only in its NPT, so every write exits here and
 * Umbra makes it: all but an interprocessor interrupt (ICR) to a CPU that
 * is not dom0's, which is refused, so that dom0 cannot INIT, start, NMI or
 * interrupt Umbra's CPUs. Reads do not exit. */
#include <asm/apic.h>
#include <asm/emulate_store.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <umbra/guest_log.h>

#define APIC_PAGE_MASK	0xfffULL
#define APIC_REG_ALIGN	16

static const char *const icr_modes[8] = {
	"fixed", "lowest-priority", "SMI", "mode 3", "NMI", "INIT", "SIPI", "mode 7",
};

/* Whether the IPI in ICR_LO (with ICR_HI's destination) reaches only
 * this CPU, dom0's: a self IPI, or a physical or logical destination
 * naming only this APIC. Broadcasts reach Umbra's CPUs too. */
static bool icr_to_self_only(uint32_t lo)
{
	uint32_t shorthand = (lo >> APIC_ICR_SHORTHAND_SHIFT) & 3;
	uint32_t dest = apic_reg_read(APIC_ICR_HI) >> APIC_ICR_DEST_SHIFT;

	if (shorthand)
		return shorthand == 1;
	if (lo & APIC_ICR_LOGICAL) {
		uint32_t mine = apic_reg_read(APIC_LDR) >> APIC_ICR_DEST_SHIFT;

		return dest && !(dest & ~mine);
	}
	return dest == apic_id();
}

static void icr_write(struct vcpu *v, uint32_t lo)
{
	if (icr_to_self_only(lo)) {
		apic_reg_write(APIC_ICR_LO, lo);
		return;
	}
	v->stats.ipi_refused++;
	if (v->hvm.ipi_refused_logged)
		return;
	v->hvm.ipi_refused_logged = true;
	gprintk(v->domain, LOG_WARNING,
		"domain %u (%s): refused an IPI (%s, ICR %#x, destination %#x) to a CPU "
		"that is not its own; further ones are only counted (ipi_refused)\n",
		v->domain->id, v->domain->name, icr_modes[(lo >> APIC_ICR_MODE_SHIFT) & 7], lo,
		apic_reg_read(APIC_ICR_HI) >> APIC_ICR_DEST_SHIFT);
}

bool svm_dom0_apic_write(struct vcpu *v, uint64_t gpa)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t base = apic_mmio_phys(), rflags = vmcb->rflags;
	uint32_t reg = (uint32_t)(gpa & APIC_PAGE_MASK);
	struct emulated_store st;
	struct insn_regs r;
	struct insn insn;
	int len;

	if (!base || (gpa & ~APIC_PAGE_MASK) != base)
		return false;
	len = svm_decode_at_rip(v, &insn);
	svm_regs_get(v, &r);
	/* The APIC takes aligned 32-bit accesses only. */
	if (len < 0 || reg % APIC_REG_ALIGN ||
	    emulate_store(&insn, &r, &rflags, apic_reg_read(reg), &st) || st.len != 4) {
		hvm_inject_exception(v, TRAP_GP, 0);
		return true;
	}
	if (st.write && reg == APIC_ICR_LO)
		icr_write(v, (uint32_t)st.value);
	else if (st.write)
		apic_reg_write(reg, (uint32_t)st.value);
	svm_regs_put(v, &r);
	vmcb->rflags = rflags;
	vmcb->rip += (unsigned int)len;
	return true;
}
