/*
 * Hypercalls from an HVM guest in long mode, with Xen's convention
 * (public/xen.h): RAX = number, RDI, RSI, RDX, R10, R8 = arguments,
 * result in RAX, trapping with VMMCALL (AMD SVM).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <public/umbra.h>

static inline long hypercall2(unsigned int nr, uint64_t a1, uint64_t a2)
{
	long ret;

	__asm__ __volatile__("vmmcall"
		     : "=a"(ret), "+D"(a1), "+S"(a2)
		     : "a"((uint64_t)nr)
		     : "memory", "rdx", "rcx", "r8", "r10", "r11");
	return ret;
}

static inline long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2,
			      uint64_t a3)
{
	long ret;

	__asm__ __volatile__("vmmcall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
		     : "a"((uint64_t)nr)
		     : "memory", "rcx", "r8", "r10", "r11");
	return ret;
}

/* Any 64-bit number in RAX, for tests of the dispatcher itself. */
static inline long hypercall_raw(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	long ret;

	__asm__ __volatile__("vmmcall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
		     : "a"(nr)
		     : "memory", "rcx", "r8", "r10", "r11");
	return ret;
}

/* The calls the test guests use, by name. Pointers are guest-virtual
 * (identity-mapped here, so also guest-physical). */
static inline long hv_console_write(const char *s, uint64_t len)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len,
			  (uint64_t)(uintptr_t)s);
}

static inline long hv_sched_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, (uint64_t)(uintptr_t)arg);
}

static inline long hv_xen_version(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)arg);
}

static inline long hv_event_channel_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)arg);
}

/* One-shot timer at absolute system time `ns` (0 cancels). */
static inline long hv_set_timer_op(uint64_t ns)
{
	return hypercall2(__HYPERVISOR_set_timer_op, ns, 0);
}

static inline long hv_umbra_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_umbra_op, cmd, (uint64_t)(uintptr_t)arg);
}

#endif
