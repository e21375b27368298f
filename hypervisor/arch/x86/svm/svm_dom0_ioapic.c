/* dom0's writes to the I/O APICs. dom0 programs them itself, but their
 * pages are read-only in its NPT, so every write exits here and Umbra
 * makes it, unless it leaves an unmasked redirection entry that could
 * interrupt a CPU that is not dom0's (a destination, physical or
 * logical, beyond its running CPUs) or that delivers an NMI, INIT or SMI
 * (an NMI on dom0's own pCPU would reach Umbra's handler, which takes
 * NMIs there, as a fatal one; INIT would reset it). Such an entry is
 * refused: the write is dropped, logged once and counted
 * (ioapic_refused). Everything else goes to the hardware unchanged;
 * reads do not exit. MSI/MSI-X are device writes and not filtered
 * (docs/dom0.md). */
#include <asm/emulate_store.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/ioapic.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <umbra/guest_log.h>

#define IOAPIC_PAGE_MASK	0xfffULL
#define IOAPIC_REG_ALIGN	16

static const char *const rte_modes[8] = {
	"fixed", "lowest-priority", "SMI", "mode 3", "NMI", "INIT", "mode 6", "ExtINT",
};

static uint32_t rte_mode(uint64_t rte)
{
	return (uint32_t)(rte >> IOAPIC_RTE_MODE_SHIFT) & IOAPIC_RTE_MODE_MASK;
}

static bool rte_ok(uint64_t rte, void *arg)
{
	const struct vcpu *v = arg;
	uint32_t mode = rte_mode(rte);

	if (rte & IOAPIC_RTE_MASKED)
		return true;
	if (mode != IOAPIC_DM_FIXED && mode != IOAPIC_DM_LOWEST && mode != IOAPIC_DM_EXTINT)
		return false;
	return svm_dom0_dest_cpus(v, (uint32_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
				  rte & IOAPIC_RTE_LOGICAL) != 0;
}

static void refuse_rte(struct vcpu *v, unsigned int ioapic, uint64_t rte)
{
	v->stats.ioapic_refused++;
	if (v->hvm.ioapic_refused_logged)
		return;
	v->hvm.ioapic_refused_logged = true;
	gprintk(v->domain, LOG_WARNING,
		"domain %u (%s): refused an I/O APIC %u entry (%s, %#llx, %s destination %#x) "
		"that could reach a CPU that is not its own; further ones are only counted "
		"(ioapic_refused)\n",
		v->domain->id, v->domain->name, ioapic, rte_modes[rte_mode(rte)],
		(unsigned long long)rte, rte & IOAPIC_RTE_LOGICAL ? "logical" : "physical",
		(unsigned int)(rte >> IOAPIC_RTE_DEST_SHIFT));
}

bool svm_dom0_ioapic_write(struct vcpu *v, uint64_t gpa)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	int ioapic = ioapic_at(gpa & ~IOAPIC_PAGE_MASK);
	uint32_t off = (uint32_t)(gpa & IOAPIC_PAGE_MASK);
	uint64_t rflags = vmcb->rflags, rte;
	struct emulated_store st;
	struct insn_regs r;
	struct insn insn;
	int len;

	if (ioapic < 0)
		return false;
	len = svm_decode_at_rip(v, &insn);
	svm_regs_get(v, &r);
	/* The registers take aligned 32-bit accesses (as Linux makes). */
	if (len < 0 || off % IOAPIC_REG_ALIGN ||
	    emulate_store(&insn, &r, &rflags, ioapic_mmio_read((unsigned int)ioapic, off), &st) || st.len != 4) {
		hvm_inject_exception(v, TRAP_GP, 0);
		return true;
	}
	if (st.write && ioapic_guarded_write((unsigned int)ioapic, off, (uint32_t)st.value,
					     rte_ok, v, &rte))
		refuse_rte(v, (unsigned int)ioapic, rte);
	svm_regs_put(v, &r);
	vmcb->rflags = rflags;
	vmcb->rip += (unsigned int)len;
	return true;
}
