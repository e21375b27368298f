/* Interrupt handlers and a CPL-3 entry for the state attacks (state.c). */
#define SEL_USER_DS	(0x18 | 3)
#define SEL_USER_CS	(0x20 | 3)
#define RFLAGS_IOPL3	0x3002	/* IOPL 3, IF clear */
#define USER_RETURN_VECTOR	0x80

	.text
/* Counts each delivery of its vector: a software INT n, or the callback
 * vector raised with V_IRQ (no virtual APIC, so no EOI). */
	.globl hostile_count_stub
hostile_count_stub:
	lock incl hostile_int_count(%rip)
	iretq

/* hostile_user_enter_iopl(fn, arg, stack_top): like the runtime's
 * user_enter, but CPL 3 runs with IOPL 3, as after iopl(3) in Linux. */
	.globl hostile_user_enter_iopl
hostile_user_enter_iopl:
	pushq	$SEL_USER_DS
	pushq	%rdx
	pushq	$RFLAGS_IOPL3
	pushq	$SEL_USER_CS
	leaq	1f(%rip), %rax
	pushq	%rax
	xchg	%rdi, %rsi
	iretq
1:	call	*%rsi
	int	$USER_RETURN_VECTOR
	ud2
