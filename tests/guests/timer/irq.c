/* cases=irq: events delivered as an interrupt. The guest registers a
 * callback vector with HVMOP_set_param(HVM_PARAM_CALLBACK_IRQ), sleeps
 * with STI; HLT, and the expiry of its one-shot timer must arrive as that
 * vector, once. Also the parameter's error cases. */
#include <public/errno.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

#include "hypercall.h"
#include "runtime.h"
#include "timer.h"

#define CALLBACK_VECTOR	0xf3
#define CALLBACK_VALUE(type, vec) (((uint64_t)(type) << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | (vec))

volatile uint32_t timer_irqs;
void timer_irq_stub(void);

static long hvm_param(unsigned int op, uint16_t domid, uint64_t value, uint64_t *out)
{
	struct xen_hvm_param p = { .domid = domid, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = value };
	long rc = hypercall2(__HYPERVISOR_hvm_op, op, (uint64_t)(uintptr_t)&p);

	if (out)
		*out = p.value;
	return rc;
}

static void param_cases(void)
{
	uint64_t got = 0;

	timer_check(hvm_param(HVMOP_set_param, DOMID_SELF,
			       CALLBACK_VALUE(HVM_PARAM_CALLBACK_TYPE_VECTOR, 5), NULL) == -XEN_EINVAL,
		    "callback vector below 32 refused");
	timer_check(hvm_param(HVMOP_set_param, DOMID_SELF,
			       CALLBACK_VALUE(HVM_PARAM_CALLBACK_TYPE_GSI, 9), NULL) == -XEN_EINVAL,
		    "callback type GSI refused");
	timer_check(hvm_param(HVMOP_set_param, 0, CALLBACK_VALUE(2, 0x40), NULL) == -XEN_EPERM,
		    "another domain's parameter refused");
	timer_check(hvm_param(HVMOP_set_param, DOMID_SELF,
			      CALLBACK_VALUE(HVM_PARAM_CALLBACK_TYPE_VECTOR, CALLBACK_VECTOR),
			      NULL) == 0, "callback vector set");
	hvm_param(HVMOP_get_param, DOMID_SELF, 0, &got);
	timer_check(got == CALLBACK_VALUE(HVM_PARAM_CALLBACK_TYPE_VECTOR, CALLBACK_VECTOR),
		    "callback vector read back");
}

void irq_case(uint64_t slack_ms)
{
	const uint64_t ms = 20;
	uint64_t start, elapsed, guard;

	irq_set_gate(CALLBACK_VECTOR, timer_irq_stub);
	param_cases();
	timer_irqs = 0;
	start = guest_time_ns();
	guard = start + (ms + slack_ms) * NS_PER_MS;
	hv_set_timer_op(start + ms * NS_PER_MS);
	/* STI; HLT is atomic: the interrupt cannot slip in between. */
	while (!timer_irqs && guest_time_ns() < guard)
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	elapsed = guest_time_ns() - start;
	timer_result(timer_irqs == 1 && elapsed >= ms * NS_PER_MS,
		     "timer expiry delivered as the callback vector after", ms, elapsed,
		     timer_irqs == 1 ? NULL : timer_irqs ? "more than one interrupt"
							 : "no interrupt");
}
