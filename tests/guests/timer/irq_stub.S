/* The callback vector's handler: count the interrupt and return. A vector
 * raised with V_IRQ needs no EOI (there is no virtual local APIC). */
	.text
	.globl timer_irq_stub
timer_irq_stub:
	lock incl timer_irqs(%rip)
	iretq
