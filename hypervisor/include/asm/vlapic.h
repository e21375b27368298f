/*
 * The virtual local APIC of an HVM domain's vCPU (not dom0's, which
 * drives its pCPU's real one): xAPIC registers by MMIO at the address of
 * its IA32_APIC_BASE, IRR/ISR/TMR and priorities, EOI, the error status,
 * IPIs within the domain, the LVT timer. Values and quirks follow Xen's
 * vLAPIC (version 0x00050014, a 1 GHz bus clock for the timer), so a Xen
 * guest sees what it sees there. Delivery into the guest is the vendor's:
 * at each entry it asks vlapic_pending_vector() and reports with
 * vlapic_ack() what the guest took.
 */
#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include <umbra/spinlock.h>

struct vcpu;

#define VLAPIC_VERSION		0x00050014u	/* Xen's: version 0x14, 6 LVT entries */
#define VLAPIC_NR_LVT		6		/* timer, thermal, PMC, LINT0, LINT1, error */

struct vlapic {
	spinlock_t lock;		/* everything below; taken with IRQs off */
	uint64_t base_msr;		/* IA32_APIC_BASE as the guest sees it */
	uint32_t id, tpr, ldr, dfr, svr, icr_lo, icr_hi, esr, pending_esr;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t tmict, tdcr, divisor;
	uint32_t irr[8], isr[8], tmr[8];	/* 256-bit maps, word i: vectors 32i.. */
	/* The timer, in the vCPU's guest time: the current period started
	 * at start_ns and ends at deadline_ns (0: not running). */
	uint64_t start_ns, period_ns, deadline_ns;
	bool periodic;
	bool irr_pending;		/* some IRR bit set: read without the lock */
};

/* Power-on state: enabled at 0xFEE00000 (BSP bit on vCPU 0), software
 * disabled, every LVT masked; ID is the vCPU id, as CPUID reports it. */
void vlapic_init(struct vcpu *v);

/* Is gpa inside the vCPU's APIC page (globally enabled)? */
bool vlapic_covers(struct vcpu *v, uint64_t gpa);
/* One access of len bytes (1, 2, 4 or 8) at gpa inside the page. */
uint64_t vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned int len);
void vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned int len, uint64_t val);

/* INIT and STARTUP IPIs from src to t (arch/x86/hvm/vlapic_sipi.c): a
 * STARTUP starts a vCPU that is down and was never initialised in real
 * mode at vector:0000, as Xen's vlapic does; INIT de-assert is ignored,
 * and so is INIT of a vCPU that runs (Xen would reset it). */
void vlapic_init_ipi(struct vcpu *src, struct vcpu *t, uint32_t icr_lo);
void vlapic_startup_ipi(struct vcpu *src, struct vcpu *t, uint8_t vector);

/* IA32_APIC_BASE: 0, or -EINVAL for a value the MSR refuses (#GP). */
uint64_t vlapic_base_msr(struct vcpu *v);
int vlapic_set_base_msr(struct vcpu *v, uint64_t val);

/* The highest vector the guest may take now (above PPR, APIC enabled),
 * or -1; and the guest took it: IRR to ISR. */
int vlapic_pending_vector(struct vcpu *v);
void vlapic_ack(struct vcpu *v, unsigned int vector);
/* Is something deliverable pending (HLT must not sleep through it)? */
bool vlapic_has_pending(struct vcpu *v);

/* CR8 is TPR bits 7:4 (64-bit mode): the vendor keeps the guest's CR8
 * and this TPR the same at each entry and exit. */
uint8_t vlapic_cr8(struct vcpu *v);
void vlapic_set_cr8(struct vcpu *v, uint8_t cr8);

/* The same reads without a call, for the vendor's entry preparation on
 * the exit path (umbra/hot.h): the TPR's class, and whether any IRR bit
 * is set (if not, vlapic_pending_vector() is -1 without its lock). */
static inline uint8_t vlapic_cr8_of(const struct vlapic *l)
{
	return (uint8_t)(__atomic_load_n(&l->tpr, __ATOMIC_ACQUIRE) >> 4);
}

static inline bool vlapic_irr_maybe_pending(const struct vlapic *l)
{
	return __atomic_load_n(&l->irr_pending, __ATOMIC_ACQUIRE);
}

/* The timer pCPU's look: an expired LVT timer raises its vector. The
 * deadline left armed (guest time; 0: none). */
uint64_t vlapic_check_timer(struct vcpu *v);

/* The bits of LVT entry i (0: timer .. 5: error) a guest may set. */
uint32_t vlapic_lvt_writable(unsigned int i);

/* Save and restore (arch/x86/hvm/vlapic_save.c): the state in the
 * management ABI's form, its timer relative to now_ns (the vCPU's guest
 * time); a state the registers could never hold is -EINVAL; a load
 * replaces everything (checked first). */
struct umbra_lapic_state;
void vlapic_save(struct vcpu *v, struct umbra_lapic_state *s, uint64_t now_ns);
int vlapic_check_state(const struct vcpu *v, const struct umbra_lapic_state *s);
void vlapic_load(struct vcpu *v, const struct umbra_lapic_state *s, uint64_t now_ns);

/* Pure logic of the register file (vlapic_regs.c, host-tested). */
int vlapic_highest(const uint32_t map[8]);
uint32_t vlapic_ppr(const struct vlapic *l);
/* Highest IRR vector whose class is above PPR, or -1. */
int vlapic_deliverable(const struct vlapic *l);
/* TDCR to divisor: 2, 4, ... 128, 1. */
uint32_t vlapic_divisor(uint32_t tdcr);
/* Current count at guest time now_ns. */
uint32_t vlapic_current_count(const struct vlapic *l, uint64_t now_ns);
/* A period of the timer in ns for an initial count: 1 ns a bus tick. */
uint64_t vlapic_period_ns(uint32_t tmict, uint32_t divisor, bool periodic);
/* The next deadline after an expiry seen at now_ns: 0 for one-shot; for
 * a periodic timer the first period end after now (missed ones merge). */
uint64_t vlapic_next_deadline(const struct vlapic *l, uint64_t now_ns);
/* Does an xAPIC logical destination match (flat or cluster DFR)? */
bool vlapic_logical_match(uint32_t ldr, uint32_t dfr, uint8_t mda);

#endif
