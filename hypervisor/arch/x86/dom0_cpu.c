/* Handing the boot CPU to dom0 (see umbra/dom0.h): from here on its local
 * APIC and COM1 are dom0's. */
#include <asm/apic.h>
#include <asm/percpu.h>
#include <umbra/dom0.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <asm/uart.h>
#include <umbra/serial.h>

void dom0_take_this_cpu(void)
{
	/* Umbra's tick would land in dom0's IDT: mask it, and take a tick
	 * that is already pending before dom0 can see it. */
	apic_timer_oneshot_max();
	__asm__ volatile("sti; nop; nop; cli" ::: "memory");
	sched_give_pcpu_to_dom0(smp_processor_id());
	pr_info("console: COM1 is dom0's now; Umbra's messages go to COM2 "
		"(0x2f8) and its log ring\n");
	serial_init(COM2_PORT, 115200);
}
