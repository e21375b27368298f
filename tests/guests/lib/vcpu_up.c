/* Starting another vCPU (vcpu_up.h): the register state every test guest
 * gives its APs, written once. */
#include <public/vcpu.h>
#include <public/xen.h>

#include "cpu.h"
#include "hypercall.h"
#include "runtime.h"
#include "vcpu_up.h"

#define STACK_BYTES	4096

void vcpu_context_here(struct vcpu_hvm_context *ctx, vcpu_entry_fn entry, uint64_t arg)
{
	uint8_t *stack = page_alloc();
	struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;

	*ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
	r->rip = (uint64_t)(uintptr_t)entry;
	r->rsp = (uint64_t)(uintptr_t)(stack + STACK_BYTES - 8);	/* as after a call */
	r->rdi = arg;
	r->rflags = 0x2;
	r->cr0 = read_cr0();
	r->cr3 = read_cr3();
	r->cr4 = read_cr4();
	r->efer = rdmsr(MSR_EFER);
}

long vcpu_start(unsigned int vcpu, vcpu_entry_fn entry, uint64_t arg)
{
	struct vcpu_hvm_context ctx;
	long rc;

	vcpu_context_here(&ctx, entry, arg);
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, vcpu, (uint64_t)(uintptr_t)&ctx);
	return rc ? rc : hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, vcpu, 0);
}
