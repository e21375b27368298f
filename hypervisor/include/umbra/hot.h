/* Code every guest exit runs. Under TCG each distinct page the exit path
 * touches costs a TLB refill and a translation lookup on every exit (QEMU
 * flushes both at VMRUN and #VMEXIT), so this code is kept together in
 * .text.hot, which umbra.lds.S places first (a page and a little: VMRUN,
 * the fast path's bookkeeping, the instruction re-read and CPUID), then
 * .text.hot.handler and .text.hot.full. mmu/ and base/ (which include nothing of the
 * hypervisor's) spell the attributes out. */
#ifndef UMBRA_HOT_H
#define UMBRA_HOT_H

#define __exit_path	__attribute__((section(".text.hot")))
/* What a domU's fast RDMSR and null hypercall call, right after it, on
 * the fast path's page; then its port I/O's handlers. */
#define __exit_domu	__attribute__((section(".text.hot.domu")))
#define __exit_io	__attribute__((section(".text.hot.domu.io")))
/* The handlers of one kind of exit (MSR, port I/O, hypercalls) and the
 * full path's own code: after the code every fast exit runs, so that
 * code stays within as few pages as it can (a CPUID exit runs only it). */
#define __exit_handler	__attribute__((section(".text.hot.handler")))
/* What only the full path runs (the scheduler's loop, the entry that
 * follows a full exit), last. */
#define __exit_full	__attribute__((section(".text.hot.full")))
/* Folded into its caller: a call and its return are two more
 * translation lookups there. */
#define __exit_inline	inline __attribute__((always_inline))

#endif
