/*
 * smp: brings up every other vCPU the way a PVH kernel does on Xen —
 * VCPUOP_initialise with a 64-bit vcpu_hvm_context, then VCPUOP_up — and
 * checks that each runs on its own vCPU, in the BSP's address space, at
 * the same time as the others. Also checks the vcpu_op error cases.
 */
#include <public/sched.h>
#include <public/errno.h>
#include <public/vcpu.h>

#include "cpu.h"
#include "hypercall.h"
#include "runtime.h"
#include "vcpu_up.h"

#define MAX_VCPUS	8
#define WAIT_NS		5000000000ULL

const char guest_name[] = "smp";

static volatile uint32_t aps_up;
static volatile uint64_t ap_seen_id[MAX_VCPUS];
static volatile uint32_t failures;

static long vcpu_op(unsigned int cmd, uint64_t vcpu, void *arg)
{
	return hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, (uint64_t)(uintptr_t)arg);
}

static void expect(const char *what, long got, long want)
{
	if (got == want)
		return;
	con_printf("smp: FAIL %s: got %ld, want %ld\n", what, got, want);
	__atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST);
}

/* Entered by VCPUOP_up with RDI = the index the BSP gave it. */
static void __attribute__((noreturn, used)) ap_main(uint64_t index)
{
	struct umbra_identity id = { .signature = { 0 } };

	expect("identity hypercall on an AP", hv_umbra_op(UMBRAOP_identity, &id), 0);
	ap_seen_id[index] = id.vcpu_id;
	con_printf("smp: vcpu %u up (started as index %lu)\n", id.vcpu_id,
		   (unsigned long)index);
	__atomic_fetch_add(&aps_up, 1, __ATOMIC_SEQ_CST);
	for (;;)
		hv_sched_op(SCHEDOP_block, NULL);
}

static void start_ap(unsigned int i)
{
	struct vcpu_hvm_context ctx;

	vcpu_context_here(&ctx, ap_main, i);
	expect("VCPUOP_is_up before up", vcpu_op(VCPUOP_is_up, i, NULL), 0);
	expect("VCPUOP_up before initialise", vcpu_op(VCPUOP_up, i, NULL), -XEN_EINVAL);
	expect("VCPUOP_initialise", vcpu_op(VCPUOP_initialise, i, &ctx), 0);
	expect("VCPUOP_initialise twice", vcpu_op(VCPUOP_initialise, i, &ctx), -XEN_EEXIST);
	expect("VCPUOP_up", vcpu_op(VCPUOP_up, i, NULL), 0);
}

static void bad_requests(unsigned int n)
{
	struct vcpu_hvm_context bad = { .mode = 7 };

	expect("VCPUOP on a vCPU the domain lacks", vcpu_op(VCPUOP_up, n, NULL), -XEN_ENOENT);
	expect("VCPUOP_initialise from a bad pointer",
	       vcpu_op(VCPUOP_initialise, n - 1, (void *)(uintptr_t)guest_mem_end()), -XEN_EFAULT);
	expect("VCPUOP_initialise with an unknown mode",
	       vcpu_op(VCPUOP_initialise, n - 1, &bad), -XEN_EINVAL);
	expect("VCPUOP_down (not offered)", vcpu_op(VCPUOP_down, 0, NULL), -XEN_ENOSYS);
}

int guest_main(const struct hvm_start_info *si)
{
	struct umbra_identity id = { .signature = { 0 } };
	uint64_t deadline;
	unsigned int n;

	guest_mem_init(si);
	expect("identity hypercall", hv_umbra_op(UMBRAOP_identity, &id), 0);
	n = id.nr_vcpus;
	if (n < 2 || n > MAX_VCPUS) {
		con_printf("smp: FAIL needs 2 to %d vCPUs, has %u\n", MAX_VCPUS, n);
		guest_exit(SHUTDOWN_crash);
	}
	bad_requests(n);
	for (unsigned int i = 1; i < n; i++)
		start_ap(i);
	deadline = guest_time_ns() + WAIT_NS;
	while (aps_up < n - 1 && guest_time_ns() < deadline)
		__asm__ volatile("pause");
	expect("vCPUs that came up", aps_up, n - 1);
	for (unsigned int i = 1; i < n; i++) {
		expect("an AP runs on the vCPU it was started as", (long)ap_seen_id[i], i);
		expect("VCPUOP_is_up after up", vcpu_op(VCPUOP_is_up, i, NULL), 1);
	}
	con_printf("smp: %u of %u vcpus up, %u failures\n", aps_up + 1, n, failures);
	guest_exit(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
