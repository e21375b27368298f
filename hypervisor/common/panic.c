/* Fatal errors: say what happened, where, how we got there; then stop. */
#include <stdarg.h>
#include <asm/layout.h>
#include <asm/nmi.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <umbra/extable.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/symbols.h>
#include <umbra/vsnprintf.h>

#define BACKTRACE_MAX 32

void __attribute__((weak)) fatal_exit_hook(void)
{
}

void fatal_stop(void)
{
	fatal_exit_hook();
	halt_forever();
}

static void print_frame(uint64_t addr)
{
	uint64_t off;
	const char *name = symbol_lookup(addr, &off);

	if (name)
		emergency_printf("  [<%016llx>] %s+%#llx\n", (unsigned long long)addr,
				 name, (unsigned long long)off);
	else
		emergency_printf("  [<%016llx>] ?\n", (unsigned long long)addr);
}

/* Only follow frames that lie in hypervisor memory (the stack area and
 * up) and move up the stack; reads are fault-safe, so a corrupt chain ends
 * the walk, never a fault. */
static int frame_ok(uint64_t rbp, uint64_t prev)
{
	return rbp >= STACKS_BASE && !(rbp & 7) && rbp > prev &&
	       rbp - prev < STACK_SIZE * 4;
}

void print_backtrace(uint64_t rip, uint64_t rbp)
{
	uint64_t prev = rbp - 8;

	emergency_printf("Backtrace:\n");
	print_frame(rip);
	for (int i = 0; i < BACKTRACE_MAX && rbp && frame_ok(rbp, prev); i++) {
		uint64_t next, ret;

		if (probe_read_u64((const void *)rbp, &next) ||
		    probe_read_u64((const void *)(rbp + 8), &ret) || !ret)
			break;
		print_frame(ret);
		prev = rbp;
		rbp = next;
	}
}

/* "0 1" into buf: the CPUs of mask, dom0's only if dom0s. */
static void cpu_list(char *buf, size_t size, uint64_t mask, bool dom0s)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int cpu = 0; cpu < MAX_CPUS && used + 4 < size; cpu++) {
		if (!(mask >> cpu & 1) || (dom0s && !sched_pcpu_is_dom0s(cpu)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%u", used ? " " : "", cpu);
	}
	if (!used)
		snprintf(buf, size, "none");
}

void stop_other_cpus(void)
{
	uint64_t others = sched_cpus_online() & ~(1ULL << smp_processor_id());
	uint64_t stopped;
	char all[3 * MAX_CPUS + 8], dom0s[3 * MAX_CPUS + 8], missed[3 * MAX_CPUS + 8];

	if (!others)
		return;
	stopped = nmi_stop_other_cpus();
	cpu_list(all, sizeof(all), stopped, false);
	cpu_list(dom0s, sizeof(dom0s), stopped, true);
	emergency_printf("umbra: CPUs stopped by NMI: %s (dom0's: %s)\n", all, dom0s);
	if (stopped != others) {
		cpu_list(missed, sizeof(missed), others & ~stopped, false);
		emergency_printf("umbra: CPUs that did not stop: %s\n", missed);
	}
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);

	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	stop_other_cpus();
	emergency_printf("\n");
	emergency_printf("****************************************\n");
	emergency_printf("umbra: PANIC on cpu %u: %s\n", smp_processor_id(), msg);
	emergency_printf("****************************************\n");
	print_backtrace((uint64_t)__builtin_return_address(0), ((uint64_t *)rbp)[0]);
	fatal_stop();
}
