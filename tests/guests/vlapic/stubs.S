/* Interrupt stubs: each saves the caller-saved registers and calls
 * vlapic_irq(vector) in C, which counts, checks ISR and sends the EOI. */
	.text
	.macro	irq_stub vec
	.globl	irq_stub_\vec
irq_stub_\vec:
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	mov	$\vec, %edi
	call	vlapic_irq
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	iretq
	.endm

	irq_stub 0x30
	irq_stub 0x45
	irq_stub 0x50
	irq_stub 0x51
	irq_stub 0x60
	irq_stub 0x70
	irq_stub 0x80
	irq_stub 0xf3
