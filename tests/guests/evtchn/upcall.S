/* The callback vector's handler: acknowledge the upcall the way a Xen
 * guest does (clear evtchn_upcall_pending before the ports are looked
 * at, so a later event raises a new one), count it, return. A vector
 * raised with V_IRQ needs no EOI. */
	.text
	.globl ev_upcall_stub
ev_upcall_stub:
	pushq %rax
	movq upcall_pending_byte(%rip), %rax
	movb $0, (%rax)
	lock incl upcalls(%rip)
	popq %rax
	iretq

/* The same for the vCPU's own upcall vector (HVMOP_set_evtchn_upcall_vector). */
	.globl ev_upcall_vcpu_stub
ev_upcall_vcpu_stub:
	pushq %rax
	movq upcall_pending_byte(%rip), %rax
	movb $0, (%rax)
	lock incl vcpu_upcalls(%rip)
	popq %rax
	iretq
