/* Code every guest exit runs. Under TCG each distinct page the exit path
 * touches costs a TLB refill and a translation lookup on every exit (QEMU
 * flushes both at VMRUN and #VMEXIT), so this code is kept together in
 * .text.hot, which umbra.lds.S places first. mmu/ and base/ (which
 * include nothing of the hypervisor's) spell the attribute out. */
#ifndef UMBRA_HOT_H
#define UMBRA_HOT_H

#define __exit_path	__attribute__((section(".text.hot")))

#endif
