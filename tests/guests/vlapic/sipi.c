/*
 * vCPU 1 started the PC way (sipi=1, vcpus=2): INIT, then a STARTUP IPI
 * whose vector names the page of a real-mode trampoline (sipi_tramp.S).
 * Xen's rules: a STARTUP to a down vCPU starts it (no INIT needed before
 * it, but the usual INIT / de-assert / STARTUP / STARTUP sequence works),
 * a second STARTUP to a running vCPU does nothing, an INIT to a running
 * one is not acted on here (Umbra does not reset running vCPUs yet),
 * and a STARTUP to an APIC ID nobody has reaches nobody.
 */
#include <public/sched.h>
#include <public/vcpu.h>

#include "cpu.h"
#include "hypercall.h"
#include "runtime.h"
#include "sipi.h"
#include "vlapic.h"

#define ICR_INIT		0x00004500u	/* INIT, level assert */
#define ICR_INIT_DEASSERT	0x00008500u	/* INIT, level trigger, de-assert */
#define ICR_STARTUP		0x00004600u
#define WAIT_NS			(2000ULL * NS_PER_MS)

extern const char sipi_tramp[], sipi_tramp_end[];

static volatile uint32_t *word(unsigned int off)
{
	return (volatile uint32_t *)(uintptr_t)(SIPI_BASE + off);
}

static void ipi(uint8_t apic_id, uint32_t lo)
{
	apic_wr(0x310, (uint32_t)apic_id << 24);
	apic_wr(0x300, lo);
}

/* Until the AP says it is done, or a while. */
static bool wait_done(void)
{
	uint64_t end = guest_time_ns() + WAIT_NS;

	while (!*word(SIPI_DONE_OFF) && guest_time_ns() < end)
		hv_sched_op(SCHEDOP_yield, NULL);
	return *word(SIPI_DONE_OFF) == 1;
}

static long is_up(unsigned int vcpu)
{
	return hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, vcpu, 0);
}

void sipi_case(void)
{
	uint8_t *page = (uint8_t *)(uintptr_t)SIPI_BASE;
	uint64_t n = (uint64_t)(sipi_tramp_end - sipi_tramp);

	for (uint64_t i = 0; i < 4096; i++)
		page[i] = i < n ? (uint8_t)sipi_tramp[i] : 0;
	apic_wr(0xf0, 0x1ff);
	check(is_up(1) == 0, "vCPU 1 is down before any IPI", (uint64_t)is_up(1));
	ipi(7, ICR_STARTUP | SIPI_VECTOR);		/* no such APIC */
	hv_sched_op(SCHEDOP_yield, NULL);
	check(is_up(1) == 0 && *word(SIPI_COUNT_OFF) == 0,
	      "a STARTUP to an APIC ID nobody has starts nothing", *word(SIPI_COUNT_OFF));
	ipi(1, ICR_INIT);
	ipi(1, ICR_INIT_DEASSERT);
	check(is_up(1) == 0, "INIT and its de-assert leave vCPU 1 down", (uint64_t)is_up(1));
	ipi(1, ICR_STARTUP | SIPI_VECTOR);
	check(wait_done(), "STARTUP: vCPU 1 runs the real-mode trampoline at 0900:0000",
	      *word(SIPI_DONE_OFF));
	check(*word(SIPI_RC_OFF) == 0, "its console_io from real mode returned 0", *word(SIPI_RC_OFF));
	check(is_up(1) == 1, "VCPUOP_is_up says vCPU 1 is up", (uint64_t)is_up(1));
	ipi(1, ICR_STARTUP | SIPI_VECTOR);		/* the MP sequence's second */
	ipi(1, ICR_INIT);				/* to a running vCPU */
	ipi(1, ICR_STARTUP | SIPI_VECTOR);
	hv_sched_op(SCHEDOP_yield, NULL);
	check(*word(SIPI_COUNT_OFF) == 1,
	      "a second STARTUP, and INIT + STARTUP to a running vCPU, do not restart it",
	      *word(SIPI_COUNT_OFF));
	check((apic_rd(0x280) & 0xef) == 0, "no APIC error from any of it", apic_rd(0x280));
}
