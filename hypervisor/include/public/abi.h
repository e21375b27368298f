/*
 * Helpers shared by the public headers: fixed-width types and layout
 * checks.
 *
 * Everything under include/public/ is compiled by three audiences: the
 * freestanding hypervisor, guests (freestanding, 32- or 64-bit) and host
 * tools (C11 or C++). The layouts described here are the x86-64 ones
 * (a guest running in long mode); the checks below pin them down so that
 * a careless edit cannot silently change the ABI.
 */
#ifndef UMBRA_PUBLIC_ABI_H
#define UMBRA_PUBLIC_ABI_H

#ifndef __ASSEMBLY__

#ifdef __KERNEL__
/* A Linux kernel module (dom0's /dev/umbra driver). */
#include <linux/stddef.h>
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#if defined(__cplusplus) && __cplusplus >= 201103L
#define UMBRA_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define UMBRA_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
/* Pre-C11 compilers: accept the trailing semicolon, check nothing. */
#define UMBRA_ABI_ASSERT(cond, msg) extern char umbra_abi_unchecked_[1]
#endif

#define UMBRA_ABI_SIZE(type, n) \
	UMBRA_ABI_ASSERT(sizeof(type) == (n), "size of " #type)
#define UMBRA_ABI_OFFSET(type, field, n) \
	UMBRA_ABI_ASSERT(offsetof(type, field) == (n), "offset of " #type "." #field)

/*
 * Structures with 64-bit fields after 32-bit ones are laid out for
 * x86-64; i386 aligns uint64_t to 4 bytes inside structures, so a 32-bit
 * guest that includes such a header for its constants skips these checks.
 */
#if defined(__x86_64__)
#define UMBRA_ABI_SIZE64(type, n) UMBRA_ABI_SIZE(type, n)
#define UMBRA_ABI_OFFSET64(type, field, n) UMBRA_ABI_OFFSET(type, field, n)
#else
#define UMBRA_ABI_SIZE64(type, n) UMBRA_ABI_ASSERT(1, "")
#define UMBRA_ABI_OFFSET64(type, field, n) UMBRA_ABI_ASSERT(1, "")
#endif

/*
 * Xen's compat layouts (what a 32-bit caller passes: i386's structure
 * rules) align a 64-bit field to 4 bytes. This type gives that on every
 * compiler that builds these headers, so the compat_* structures below
 * have the same layout whether a 64-bit hypervisor or a 32-bit guest
 * includes them. (GCC and Clang lower a typedef's alignment on request.)
 */
typedef uint64_t compat_uint64_t __attribute__((aligned(4)));

#endif /* !__ASSEMBLY__ */

#endif
