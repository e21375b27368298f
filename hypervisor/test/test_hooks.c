/* Linked only into the test build (build/test/umbra.elf): fatal errors
 * power QEMU off with a failure status so a test sees them at once, and
 * test_fault= makes the hypervisor fault on purpose to test that path. */
#include <stdbool.h>
#include <asm/x86.h>
#include <umbra/cmdline.h>
#include <umbra/debug_exit.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include <umbra/test_hooks.h>

static char opt_test_fault[16];
param_string("test_fault", opt_test_fault);

void fatal_exit_hook(void)
{
	debug_exit(DEBUG_EXIT_FAILURE);
}

static void __attribute__((noinline)) fault_page(void)
{
	volatile uint64_t *bad = (volatile uint64_t *)0xffff800000000000ULL;

	*bad = 0x5a5a;
}

/* In assembly: the compiler may legally fold a C division by zero away. */
static void __attribute__((noinline)) fault_divide(void)
{
	uint32_t quot, rem;

	__asm__ volatile("xorl %%edx, %%edx\n\tdivl %2"
			 : "=a"(quot), "=&d"(rem) : "r"(0u), "a"(1u));
}

void test_hooks_before_ready(void)
{
	if (!opt_test_fault[0])
		return;
	pr_info("test: provoking fault '%s'\n", opt_test_fault);
	if (!strcmp(opt_test_fault, "pf"))
		fault_page();
	else if (!strcmp(opt_test_fault, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(opt_test_fault, "de"))
		fault_divide();
	else if (!strcmp(opt_test_fault, "panic"))
		panic("test: deliberate panic");
	else
		pr_err("test: unknown test_fault '%s'\n", opt_test_fault);
}
