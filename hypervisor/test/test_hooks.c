/* Linked only into the test build (build/test/umbra.elf): fatal errors
 * power QEMU off with a failure status so a test sees them at once,
 * test_fault= makes the hypervisor fault on purpose to test that path,
 * and test_dump_log prints the whole log (as a reader gets it) before
 * QEMU is powered off, so tests can check what it kept. */
#include <stdbool.h>
#include <asm/guest_access.h>
#include <asm/x86.h>
#include <umbra/cmdline.h>
#include <umbra/debug_exit.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include <umbra/domain.h>
#include <umbra/test_hooks.h>
#include <asm/traps.h>

static char opt_test_fault[16];
param_string("test_fault", opt_test_fault);
static bool opt_test_dump_log;
param_bool("test_dump_log", opt_test_dump_log);
/* test_fault_domain=NAME: provoke test_fault when the domain NAME shuts
 * down (on that CPU, while dom0 and the others run), not before ready. */
static char opt_test_fault_domain[32];
param_string("test_fault_domain", opt_test_fault_domain);
/* test_fatal_hold: after a fatal error stop as a release build does
 * (QEMU stays up), so a test can see that everything holds still. */
static bool opt_test_fatal_hold;
param_bool("test_fatal_hold", opt_test_fatal_hold);
/* test_pv_bad_cs=NAME: the first entry of PV domain NAME's vCPU 0 gets
 * code selector 0x0b (an empty entry of its GDT), which the CPU refuses
 * at the entry's IRETQ, in ring 0: the path of a fault there
 * (pv_enter_fault) that nothing a guest can do reaches under TCG. */
static char opt_test_pv_bad_cs[32];
param_string("test_pv_bad_cs", opt_test_pv_bad_cs);
/* test_pv_ptwr_race=NAME[,NAME...]: once for each PV domain named (up
 * to four), when its trapped store (shared page tables or paging=shadow)
 * meets an entry with available bit 9 set, the entry's dirty bit is set
 * between the emulator's read and the commit, as another vCPU's MMU or
 * the engine's walk could: the store must see it (a LOCK CMPXCHG then
 * fails). */
#define RACE_NAMES	4
static char opt_test_pv_ptwr_race[64];
param_string("test_pv_ptwr_race", opt_test_pv_ptwr_race);

void debug_exit_hook(void)
{
	if (opt_test_dump_log)
		console_dump_log();
}

void fatal_exit_hook(void)
{
	if (!opt_test_fatal_hold)
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

/* Far deeper than any stack; the volatile frame keeps each call's size. */
static volatile unsigned long overflow_depth = 1UL << 30;

static unsigned long __attribute__((noinline)) overflow_stack(unsigned long depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth >= overflow_depth)
		return frame[0];
	return overflow_stack(depth + 1) + frame[0];
}

/* .text is read-only, even to the hypervisor (CR0.WP). */
static void __attribute__((noinline)) write_text(void)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)write_text;

	*text = 0xc3;
}

/* Data is not executable: a RET byte in .data must not run. */
static uint8_t data_ret[16] = { 0xc3 };

static void __attribute__((noinline)) exec_data(void)
{
	((void (*)(void))(uintptr_t)data_ret)();
}

static void __attribute__((noinline)) provoke_fault(void)
{
	pr_info("test: provoking fault '%s'\n", opt_test_fault);
	if (!strcmp(opt_test_fault, "pf"))
		fault_page();
	else if (!strcmp(opt_test_fault, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(opt_test_fault, "de"))
		fault_divide();
	else if (!strcmp(opt_test_fault, "stack"))
		overflow_stack(0);
	else if (!strcmp(opt_test_fault, "wtext"))
		write_text();
	else if (!strcmp(opt_test_fault, "xdata"))
		exec_data();
	else if (!strcmp(opt_test_fault, "panic"))
		panic("test: deliberate panic");
	else
		pr_err("test: unknown test_fault '%s'\n", opt_test_fault);
}

void test_hooks_before_ready(void)
{
	if (opt_test_fault[0] && !opt_test_fault_domain[0])
		provoke_fault();
}

void test_hooks_domain_shutdown(const struct domain *d)
{
	if (opt_test_fault[0] && opt_test_fault_domain[0] &&
	    !strcmp(d->name, opt_test_fault_domain))
		provoke_fault();
}

void test_hooks_pv_enter(const struct vcpu *v, struct cpu_regs *r)
{
	if (opt_test_pv_bad_cs[0] && !v->id && !v->stats.runs &&
	    !strcmp(v->domain->name, opt_test_pv_bad_cs)) {
		pr_info("test: d%u's first entry with code selector 0x0b\n", v->domain->id);
		r->cs = 0x0b;
	}
}

/* The position of name in the comma-separated list, or -1. */
static int list_index(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; *list; i++) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && !strncmp(list, name, n))
			return i;
		if (!end)
			break;
		list = end + 1;
	}
	return -1;
}

void test_hooks_pv_ptwr(struct vcpu *v, uint64_t gpa, uint64_t seen)
{
	static bool fired[RACE_NAMES];
	uint64_t raced = seen | (1ULL << 6);
	int i;

	if (!(seen & (1ULL << 9)))
		return;
	i = list_index(opt_test_pv_ptwr_race, v->domain->name);
	if (i < 0 || i >= RACE_NAMES || fired[i])
		return;
	fired[i] = true;
	if (!copy_to_gpa_raw(v->domain, gpa & ~7ULL, &raced, sizeof(raced)))
		pr_info("test: d%u's page-table entry at %#llx dirtied under its store\n",
			v->domain->id, (unsigned long long)(gpa & ~7ULL));
}
