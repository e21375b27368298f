/*
 * PV hypercalls through the hypercall page: `call hypercall_page + 32*nr`
 * with Xen's x86-64 convention (public/arch-x86/xen-x86_64.h): arguments
 * in RDI, RSI, RDX, R10, R8, the result in RAX; the stub keeps RCX and R11.
 */
#ifndef MINIOS_HYPERCALL_H
#define MINIOS_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>

extern char hypercall_page[];

#define HYPERCALL_STR(nr) "call hypercall_page + " #nr " * 32"

static inline long hypercall_nr(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3,
				uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret;

	__asm__ __volatile__("call *%[target]"
			     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			     : [target] "r"(hypercall_page + nr * 32)
			     : "memory", "rcx", "r9", "r11");
	return ret;
}

#define hypercall1(nr, a)		hypercall_nr(nr, (uint64_t)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b)		hypercall_nr(nr, (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c)		hypercall_nr(nr, (uint64_t)(a), (uint64_t)(b), \
						     (uint64_t)(c), 0, 0)
#define hypercall4(nr, a, b, c, d)	hypercall_nr(nr, (uint64_t)(a), (uint64_t)(b), \
						     (uint64_t)(c), (uint64_t)(d), 0)

static inline long hv_console_write(const char *s, uint64_t len)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, s);
}

static inline long hv_sched_op(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long hv_xen_version(unsigned int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

#endif
