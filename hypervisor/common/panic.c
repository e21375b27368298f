/* Fatal errors: say what happened, where, how we got there; then stop. */
#include <stdarg.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <umbra/extable.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
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

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);

	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emergency_printf("\n");
	emergency_printf("****************************************\n");
	emergency_printf("umbra: PANIC on cpu %u: %s\n", smp_processor_id(), msg);
	emergency_printf("****************************************\n");
	print_backtrace((uint64_t)__builtin_return_address(0), ((uint64_t *)rbp)[0]);
	fatal_stop();
}
