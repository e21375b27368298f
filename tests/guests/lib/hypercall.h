/*
 * Hypercalls from an HVM guest in long mode, with Xen's convention
 * (public/xen.h): RAX = number, RDI, RSI, RDX, R10, R8 = arguments,
 * result in RAX, trapping with VMMCALL (AMD SVM).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>

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

#endif
