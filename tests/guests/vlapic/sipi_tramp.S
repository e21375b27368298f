/*
 * What vCPU 1 runs after a STARTUP IPI (sipi.c copies it to SIPI_BASE):
 * real mode at CS = SIPI_BASE >> 4, IP 0. It counts its start, says so
 * through console_io (Xen's 32-bit hypercall convention works in real
 * mode too: EAX, EBX, ECX, EDX; the buffer is a linear address), keeps
 * the result, then sleeps with interrupts on (no interrupt is sent to
 * it), so the domain lives on until vCPU 0 shuts it down.
 */
#include "sipi.h"

	.text
	.code16
	.globl	sipi_tramp, sipi_tramp_end
sipi_tramp:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	lock incl	(SIPI_COUNT_OFF)
	movl	$18, %eax			/* __HYPERVISOR_console_io */
	movl	$0, %ebx			/* CONSOLEIO_write */
	movl	$(msg_end - msg), %ecx
	movl	$(SIPI_BASE + msg - sipi_tramp), %edx
	vmmcall
	movl	%eax, (SIPI_RC_OFF)
	movl	$1, (SIPI_DONE_OFF)
1:	sti
	hlt
	jmp	1b
msg:	.ascii	"vlapic: AP running in real mode after STARTUP\n"
msg_end:
sipi_tramp_end:
	.code64
