/*
 * selftest: checks the runtime's own machinery, with or without a
 * hypervisor: trap_catch() for faults and for nested catches, user_call()
 * for a return value and for a fault at CPL 3, the page pool and the
 * page-table helpers; on a hypervisor also Xen's hypercall page. One "selftest: PASS <name>" or "selftest: FAIL
 * <name> ..." line per check; the exit status says whether all passed.
 */
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>
#include <public/version.h>

#include "cpu.h"
#include "hypercall.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"

const char guest_name[] = "selftest";

#define ALIAS_VA	PML4_SLOT_VA(4)
#define UNMAPPED_VA	(PML4_SLOT_VA(4) + 0x200000)

static unsigned int failures;

static void result(const char *name, bool ok, uint64_t got)
{
	if (ok) {
		con_printf("selftest: PASS %s\n", name);
		return;
	}
	failures++;
	con_printf("selftest: FAIL %s got %#lx\n", name, (unsigned long)got);
}

static void do_ud(void *arg)
{
	(void)arg;
	__asm__ __volatile__("ud2");
}

static void do_read(void *arg)
{
	*(uint64_t *)arg = *(volatile uint64_t *)(uintptr_t)*(uint64_t *)arg;
}

static void do_divide(void *arg)
{
	uint32_t lo = 1, hi = 0;

	/* In assembly: a C division by zero is undefined, not a #DE. */
	__asm__ __volatile__("divl %2" : "+a"(lo), "+d"(hi) : "r"(*(uint32_t *)arg));
}

static void nothing(void *arg)
{
	(void)arg;
}

/* A fault caught by an inner catch must not disturb the outer one. */
static void nested(void *arg)
{
	struct trap_record inner;

	*(bool *)arg = trap_catch(do_ud, NULL, &inner) && inner.vector == TRAP_UD;
	__asm__ __volatile__("ud2");
}

static long user_add(void *arg)
{
	return (long)(uintptr_t)arg + 1;
}

static long user_cli(void *arg)
{
	(void)arg;
	__asm__ __volatile__("cli");
	return 0;
}

static void traps(void)
{
	struct trap_record rec;
	uint64_t addr = UNMAPPED_VA;
	uint32_t zero = 0;
	bool inner_ok = false, caught;

	caught = trap_catch(do_ud, NULL, &rec);
	result("ud2 is caught as #UD", caught && rec.vector == TRAP_UD, caught ? rec.vector : ~0ULL);
	caught = trap_catch(do_read, &addr, &rec);
	result("a read of an unmapped address is #PF with its CR2",
	       caught && rec.vector == TRAP_PF && rec.cr2 == UNMAPPED_VA &&
	       !(rec.error & PFEC_PRESENT), rec.cr2);
	caught = trap_catch(do_divide, &zero, &rec);
	result("division by zero is #DE", caught && rec.vector == TRAP_DE, rec.vector);
	caught = trap_catch(nothing, NULL, &rec);
	result("a function that does not fault returns normally", !caught, rec.vector);
	caught = trap_catch(nested, &inner_ok, &rec);
	result("nested catches", caught && inner_ok && rec.vector == TRAP_UD, rec.vector);
}

static void user_mode(void)
{
	struct trap_record rec;
	long ret = 0;
	bool returned;

	returned = user_call(user_add, (void *)41, &ret, &rec);
	result("user_call returns the function's result", returned && ret == 42,
	       (uint64_t)ret);
	returned = user_call(user_cli, NULL, &ret, &rec);
	result("cli at CPL 3 is #GP from user mode",
	       !returned && rec.vector == TRAP_GP && (rec.cs & 3) == 3, rec.vector);
	returned = user_call(user_add, (void *)1, &ret, &rec);
	result("user mode works again after a fault", returned && ret == 2, (uint64_t)ret);
}

static void page_tables(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	volatile uint64_t *page = page_alloc(), *alias = (uint64_t *)(uintptr_t)ALIAS_VA;
	struct trap_record rec;
	uint64_t addr = ALIAS_VA;

	result("the page pool gives zeroed pages", page && page[0] == 0 && page[511] == 0,
	       (uint64_t)(uintptr_t)page);
	if (!page || !pt_map(root, ALIAS_VA, (uint64_t)(uintptr_t)page, PTE_W)) {
		result("pt_map", false, 0);
		return;
	}
	invlpg(ALIAS_VA);
	page[3] = 0x5e1f7e57;
	result("an alias mapping reads the same page", alias[3] == 0x5e1f7e57, alias[3]);
	*pt_leaf(root, ALIAS_VA) = 0;
	invlpg(ALIAS_VA);
	result("an unmapped alias faults",
	       trap_catch(do_read, &addr, &rec) && rec.vector == TRAP_PF, rec.vector);
}

#define HYPERCALL_SLOT	32

/*
 * Xen's way in: CPUID names an MSR; writing a page address there fills
 * the page with one stub per hypercall, called like a function.
 */
static void hypercall_page(void)
{
	uint32_t base = guest_xen_cpuid_base();
	uint8_t *page = page_alloc();
	uint32_t msr;
	long (*version)(unsigned int, void *), v;

	if (!base || !page) {
		result("hypercall page (no Xen leaves or no memory)", false, base);
		return;
	}
	msr = cpuid(base + XEN_CPUID_LEAF_HYPERCALL, 0).ebx;
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)(uintptr_t)page),
			     "d"((uint32_t)((uint64_t)(uintptr_t)page >> 32)) : "memory");
	version = (long (*)(unsigned int, void *))(void *)
		  (page + __HYPERVISOR_xen_version * HYPERCALL_SLOT);
	v = version(XENVER_version, NULL);
	result("xen_version through the hypercall page",
	       v == hv_xen_version(XENVER_version, NULL) && v > 0, (uint64_t)v);
}

int guest_main(const struct hvm_start_info *si)
{
	(void)si;
	traps();
	user_mode();
	page_tables();
	if (guest_hypervisor() != GUEST_HV_NONE)
		hypercall_page();
	con_printf("selftest: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
