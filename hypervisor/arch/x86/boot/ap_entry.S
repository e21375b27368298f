/* Higher-half entry of an application processor; the trampoline has set
 * RSP to the AP's stack and RDI to its CPU index. */
	.text
	.globl ap_start64
ap_start64:
	xor	%ebp, %ebp
	call	start_secondary
1:	cli
	hlt
	jmp	1b
