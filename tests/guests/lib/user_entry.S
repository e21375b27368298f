/* user_enter(fn, arg, stack_top): to CPL 3 at user_trampoline. */
#include "cpu.h"
#include "trap.h"

#define RFLAGS_RESERVED	0x2	/* IF stays clear in user mode too */

	.text
	.globl user_enter
user_enter:
	pushq	$SEL_USER_DS
	pushq	%rdx
	pushq	$RFLAGS_RESERVED
	pushq	$SEL_USER_CS
	leaq	user_trampoline(%rip), %rax
	pushq	%rax
	xchg	%rdi, %rsi		/* rdi = arg, rsi = fn */
	iretq

user_trampoline:
	call	*%rsi
	int	$USER_RETURN_VECTOR
	ud2
