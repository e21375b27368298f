/* dom0's writes to its local APICs. dom0 drives its pCPUs' APICs itself,
 * but the page is read-only in its NPT, so every write exits here and
 * Umbra makes it on the pCPU that wrote: all but an interprocessor
 * interrupt (ICR) to a CPU that is not dom0's, which is refused, so that
 * dom0 cannot INIT, start, NMI or interrupt Umbra's CPUs. Between its own
 * CPUs: fixed IPIs go to the hardware (broadcasts one by one, to dom0's
 * CPUs only), NMIs are injected, INIT and SIPI start dom0's vCPU on its
 * pCPU (common/dom0_smp.c). Reads do not exit. */
#include <asm/apic.h>
#include <asm/emulate_store.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/percpu.h>
#include <umbra/dom0.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/hot.h>

#define APIC_PAGE_MASK	0xfffULL
#define APIC_REG_ALIGN	16

static const char *const icr_modes[8] = {
	"fixed", "lowest-priority", "SMI", "mode 3", "NMI", "INIT", "SIPI", "mode 7",
};

static uint32_t icr_mode(uint32_t lo)
{
	return (lo & APIC_ICR_MODE_MASK) >> APIC_ICR_MODE_SHIFT;
}

/* dom0's vCPU i runs on pCPU i: the pCPUs of its vCPUs that run. */
static uint64_t started_pcpus(const struct domain *d)
{
	uint64_t cpus = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (__atomic_load_n(&d->vcpus[i]->initialised, __ATOMIC_ACQUIRE))
			cpus |= 1ULL << i;
	return cpus;
}

/* The pCPUs a logical destination names (flat model: an APIC matches
 * when its LDR shares a bit with it), or 0 if it names a bit no dom0
 * CPU holds: that could be an Umbra CPU's. */
static uint64_t logical_targets(const struct domain *d, uint32_t dest)
{
	uint64_t cpus = 0;
	uint32_t known = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		uint32_t ldr = percpu_area[i].dom0_ldr >> APIC_ICR_DEST_SHIFT;

		if (dest & ldr)
			cpus |= 1ULL << i;
		known |= ldr;
	}
	return dest & ~known ? 0 : cpus;
}

/* The pCPUs an ICR write reaches, all of them dom0's, or 0 if it would
 * reach one that is not (Umbra's) or none. *broadcast: it names them
 * by a shorthand or the broadcast ID, so Umbra sends to each instead. */
static uint64_t icr_targets(const struct vcpu *v, uint32_t lo, bool *broadcast)
{
	const struct domain *d = v->domain;
	uint64_t self = 1ULL << smp_processor_id();
	uint32_t dest = apic_reg_read(APIC_ICR_HI) >> APIC_ICR_DEST_SHIFT;
	int cpu;

	*broadcast = false;
	switch ((lo & APIC_ICR_SHORTHAND_MASK) >> APIC_ICR_SHORTHAND_SHIFT) {
	case APIC_SH_SELF:
		return self;
	case APIC_SH_ALL:
		*broadcast = true;
		return started_pcpus(d) | self;
	case APIC_SH_OTHERS:
		*broadcast = true;
		return started_pcpus(d) & ~self;
	}
	if (lo & APIC_ICR_LOGICAL)
		return dest ? logical_targets(d, dest) : 0;
	if (dest == APIC_DEST_BROADCAST) {
		*broadcast = true;
		return started_pcpus(d) | self;
	}
	cpu = dom0_pcpu_of_apic(dest);
	return cpu >= 0 && (unsigned int)cpu < d->nr_vcpus ? 1ULL << cpu : 0;
}

uint64_t svm_dom0_dest_cpus(const struct vcpu *v, uint32_t dest, bool logical)
{
	const struct domain *d = v->domain;
	uint64_t own = started_pcpus(d) | 1ULL << smp_processor_id(), cpus;
	int cpu;

	if (logical) {
		cpus = dest ? logical_targets(d, dest) : 0;
	} else {
		cpu = dom0_pcpu_of_apic(dest);
		cpus = cpu >= 0 && (unsigned int)cpu < d->nr_vcpus ? 1ULL << cpu : 0;
	}
	return cpus & ~own ? 0 : cpus;
}

static void refuse_ipi(struct vcpu *v, uint32_t lo)
{
	v->stats.ipi_refused++;
	if (v->hvm.ipi_refused_logged)
		return;
	v->hvm.ipi_refused_logged = true;
	gprintk(v->domain, LOG_WARNING,
		"domain %u (%s): refused an IPI (%s, ICR %#x, destination %#x) to a CPU "
		"that is not its own; further ones are only counted (ipi_refused)\n",
		v->domain->id, v->domain->name, icr_modes[icr_mode(lo)], lo,
		apic_reg_read(APIC_ICR_HI) >> APIC_ICR_DEST_SHIFT);
}

/* A fixed or lowest-priority IPI to each of the CPUs a broadcast names,
 * one by one by physical destination (Umbra's CPUs must not get it). */
static void send_each(uint64_t cpus, uint32_t lo)
{
	uint32_t hi = apic_reg_read(APIC_ICR_HI);
	uint32_t icr = lo & ~(APIC_ICR_SHORTHAND_MASK | APIC_ICR_LOGICAL);

	for (unsigned int cpu = 0; cpus; cpu++, cpus >>= 1) {
		if (!(cpus & 1))
			continue;
		if (cpu == smp_processor_id())
			apic_send_self_ipi((uint8_t)(lo & APIC_ICR_VECTOR_MASK));
		else
			apic_send_icr(percpu_area[cpu].apic_id, icr);
	}
	apic_reg_write(APIC_ICR_HI, hi);
}

/* An NMI between dom0's CPUs: it must reach dom0's IDT, not Umbra's,
 * which an NMI in the hypervisor reaches (they are intercepted so that
 * Umbra can take its CPUs back). Each target vCPU gets it injected at its
 * next entry; the NMI only makes a running one exit (arch/x86/nmi.c). */
static void send_nmis(struct domain *d, uint64_t cpus)
{
	for (unsigned int cpu = 0; cpus; cpu++, cpus >>= 1) {
		if (!(cpus & 1) || cpu >= d->nr_vcpus)
			continue;
		__atomic_store_n(&d->vcpus[cpu]->hvm.nmi_pending, true, __ATOMIC_SEQ_CST);
		if (cpu == smp_processor_id())
			continue;
		__atomic_store_n(&percpu_area[cpu].nmi_guest, true, __ATOMIC_SEQ_CST);
		apic_send_nmi(percpu_area[cpu].apic_id);
	}
}

/* INIT and SIPI start dom0's own APs (common/dom0_smp.c); the hardware
 * never sees them: an INIT would reset a pCPU in Umbra. */
static bool start_cpu(struct vcpu *v, uint32_t lo, uint64_t cpus, bool broadcast)
{
	unsigned int cpu = cpus ? (unsigned int)__builtin_ctzll(cpus) : 0;

	if (!cpus || broadcast || cpus != 1ULL << cpu || cpu == smp_processor_id())
		return false;
	if (icr_mode(lo) == APIC_DM_STARTUP)
		return dom0_sipi_vcpu(v->domain, cpu, (uint8_t)(lo & APIC_ICR_VECTOR_MASK)) !=
		       -ENOENT;
	/* INIT de-assert (level-triggered, no assert bit) does nothing. */
	if (!(lo & APIC_ICR_ASSERT))
		return true;
	return !dom0_init_vcpu(v->domain, cpu);
}

static void icr_write(struct vcpu *v, uint32_t lo)
{
	bool broadcast;
	uint64_t cpus = icr_targets(v, lo, &broadcast);
	bool sent = false;

	/* An interrupt to a pCPU dom0 has not started would land in Umbra. */
	if (icr_mode(lo) != APIC_DM_INIT && icr_mode(lo) != APIC_DM_STARTUP &&
	    (cpus & ~(started_pcpus(v->domain) | 1ULL << smp_processor_id())))
		cpus = 0;
	switch (icr_mode(lo)) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!cpus)
			break;
		if (broadcast)
			send_each(cpus, lo);
		else
			apic_reg_write(APIC_ICR_LO, lo);
		sent = true;
		break;
	case APIC_DM_NMI:
		if (cpus)
			send_nmis(v->domain, cpus);
		sent = cpus != 0;
		break;
	case APIC_DM_INIT:
	case APIC_DM_STARTUP:
		sent = start_cpu(v, lo, cpus, broadcast);
		break;
	}
	if (!sent)
		refuse_ipi(v, lo);
}

/* dom0's APIC page: the same on every CPU, and dom0 cannot move it
 * (its IA32_APIC_BASE writes are ignored), so read once. */
static __exit_handler uint64_t apic_page(void)
{
	static uint64_t page;

	if (!page)
		page = apic_mmio_phys();
	return page;
}

/* Registers written to the hardware just as dom0 wrote them, with nothing
 * else to do or print: all but the ICR (filtered), offset 0 (refused)
 * and the LDR (recorded per pCPU). */
static __exit_handler bool written_as_is(uint32_t reg)
{
	return reg && reg != APIC_ICR_LO && reg != APIC_LDR && !(reg % APIC_REG_ALIGN);
}

/* The store at RIP in the encoding every Linux APIC write has (MOV r32
 * to memory, see insn_mov_store32()): its length and the value it
 * stores, read with the exit path's short fetch rather than the 15-byte
 * window and the decoder. The fault said where it wrote; this says what.
 * Any other instruction: false, and the decoder decides. */
static __exit_handler bool usual_store(const struct vcpu *v, unsigned int *len, uint32_t *value)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	uint8_t b[INSN_MOV_STORE32_MAX];
	struct insn_regs r;
	unsigned int gpr;
	int n;

	if (!svm_guest_is_64bit(vmcb) ||
	    svm_fetch_insn_short(v, b, vmcb->rip, sizeof(b)) ||
	    (n = insn_mov_store32(b, sizeof(b), &gpr)) < 0)
		return false;
	svm_regs_get(v, &r);
	*len = (unsigned int)n;
	*value = (uint32_t)r.gpr[gpr];
	return true;
}

/* The exit fast path's test (svm_run.c): a dom0 write to a register of
 * its APIC that goes to the hardware as written, by the usual store.
 * Linux's timer tick makes two (EOI, then the next count), so this is
 * nearly every exit a busy dom0 takes. */
__exit_handler bool svm_dom0_apic_write_is_pure(const struct vcpu *v)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t info = vmcb->exit_info1, gpa = vmcb->exit_info2;
	unsigned int len;
	uint32_t value;

	return domain_is_dom0(v->domain) && (info & MMU_PF_P) && (info & MMU_PF_W) &&
	       (info & NPF_INFO_FINAL_GPA) && !(vmcb->exit_int_info & EVENT_VALID) &&
	       apic_page() && (gpa & ~APIC_PAGE_MASK) == apic_page() &&
	       written_as_is((uint32_t)(gpa & APIC_PAGE_MASK)) && usual_store(v, &len, &value);
}

/* Any other write: decoded and emulated in full, the ICR filtered. */
static __attribute__((noinline)) void decoded_write(struct vcpu *v, uint32_t reg)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t rflags = vmcb->rflags;
	struct emulated_store st;
	struct insn_regs r;
	struct insn insn;
	int len;

	len = svm_decode_at_rip(v, &insn);
	svm_regs_get(v, &r);
	/* The APIC takes aligned 32-bit accesses only. */
	if (len < 0 || reg % APIC_REG_ALIGN ||
	    emulate_store(&insn, &r, &rflags, apic_reg_read(reg), &st) || st.len != 4) {
		hvm_inject_exception(v, TRAP_GP, 0);
		return;
	}
	/* Offset 0 is reserved; QEMU takes a write there as a device's
	 * message-signalled interrupt (see protect_local_apic()): refused
	 * as an IPI would be. */
	if (st.write && reg == 0)
		refuse_ipi(v, (uint32_t)st.value);
	else if (st.write && reg == APIC_ICR_LO)
		icr_write(v, (uint32_t)st.value);
	else if (st.write)
		apic_reg_write(reg, (uint32_t)st.value);
	if (st.write && reg == APIC_LDR)
		this_cpu()->dom0_ldr = (uint32_t)st.value;
	svm_regs_put(v, &r);
	vmcb->rflags = rflags;
	vmcb->rip += (unsigned int)len;
}

__exit_handler bool svm_dom0_apic_write(struct vcpu *v, uint64_t gpa)
{
	uint64_t base = apic_page();
	uint32_t reg = (uint32_t)(gpa & APIC_PAGE_MASK);
	unsigned int len;
	uint32_t value;

	if (!base || (gpa & ~APIC_PAGE_MASK) != base)
		return false;
	if (written_as_is(reg) && usual_store(v, &len, &value)) {
		apic_reg_write(reg, value);
		v->hvm.vmcb->rip += len;
	} else {
		decoded_write(v, reg);
	}
	return true;
}
