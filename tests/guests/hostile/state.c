/*
 * Attacks on CPU state the hypervisor must refuse or keep per vCPU, and
 * on its event handling. Each runs only when named in attack= (not in
 * "safe"): several need a domain of their own or a given paging mode.
 *   xsave        CR4.OSXSAVE while CPUID offers no XSAVE: #GP, then XSETBV #UD
 *   pcid         CPUID's PCID bit must mean CR4.PCIDE can be set
 *   cr3-reserved MOV CR3 with a reserved bit: #GP and CR3 unchanged
 *   hcpage-wrap  hypercall-page MSR with an address that wraps: #GP
 *   iopl-ins     INS/OUTS at CPL 3 (IOPL 3) on a supervisor-only page: #PF
 *   int-twice    one INT n whose frame lands on a page not touched before
 *                is delivered once
 *   upcall-spin  timer expiries while the vCPU spins arrive as the
 *                callback vector
 *   stain/sniff  DR0-3 and PKRU set by one domain (stain) must not be
 *                seen by the next one on that pCPU (sniff)
 *   cr4-reserved MOV CR4 with reserved bit 15: #GP (QEMU's CR4 bug)
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>

#include "cpu.h"
#include "hostile.h"
#include "hypercall.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"

#define CR4_PCIDE	(1ULL << 17)
#define CR4_OSXSAVE	(1ULL << 18)
#define CR4_PKE		(1ULL << 22)
#define CR4_RESERVED_15	(1ULL << 15)
#define L1_ECX_PCID	(1u << 17)
#define L7_ECX_PKU	(1u << 3)
#define INT_VECTOR	0x91
#define CALLBACK_VECTOR	0xf4
#define SUPERVISOR_VA	PML4_SLOT_VA(5)
#define FRESH_STACK_VA	PML4_SLOT_VA(6)
#define FILL		0x5a
#define STAIN_DR(n)	(0x5171a1000ULL + 0x1000ULL * (n))
#define STAIN_PKRU	0x0000000cu	/* key 1 access- and write-disabled */
#define NS_PER_MS	1000000ULL

volatile uint32_t hostile_int_count;
void hostile_count_stub(void);
void hostile_user_enter_iopl(long (*fn)(void *), void *arg, void *stack_top)
	__attribute__((noreturn));

static inline void write_cr4(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void set_cr4(void *p)
{
	write_cr4(*(const uint64_t *)p);
}

static void set_cr3(void *p)
{
	write_cr3(*(const uint64_t *)p);
}

static void do_xsetbv_x87_sse(void *arg)
{
	(void)arg;
	__asm__ __volatile__("xsetbv" : : "a"(3), "c"(0), "d"(0));
}

void attack_xsave(void)
{
	uint64_t cr4 = read_cr4(), want = cr4 | CR4_OSXSAVE;

	check_that("CPUID offers no XSAVE", !(cpuid(1, 0).ecx & (1u << 26)), cpuid(1, 0).ecx);
	expect_trap("mov to CR4 setting OSXSAVE", set_cr4, &want, TRAP_GP);
	check_that("CR4.OSXSAVE still clear", !(read_cr4() & CR4_OSXSAVE), read_cr4());
	/* With OSXSAVE set, XSETBV would reach the real XCR0 (QEMU cannot
	 * intercept it), which no VMRUN switches between guests. */
	expect_trap("xsetbv (XCR0 = x87|SSE)", do_xsetbv_x87_sse, NULL, TRAP_UD);
	write_cr4(cr4);
}

void attack_pcid(void)
{
	uint64_t cr4 = read_cr4(), want = cr4 | CR4_PCIDE;
	struct trap_record rec;
	bool offered = cpuid(1, 0).ecx & L1_ECX_PCID, refused;

	refused = trap_catch(set_cr4, &want, &rec);
	if (!refused)
		write_cr4(cr4);
	con_printf("hostile: pcid: CPUID %s PCID; setting CR4.PCIDE %s\n",
		   offered ? "offers" : "hides", refused ? "faulted" : "worked");
	check_that("CPUID offers PCID only if CR4.PCIDE can be set", !offered || !refused,
		   refused ? rec.vector : 0);
}

void attack_cr3_reserved(void)
{
	uint64_t cr3 = read_cr3(), bad = cr3 | (1ULL << 52);

	expect_trap("mov to CR3 with reserved bit 52", set_cr3, &bad, TRAP_GP);
	check_that("CR3 reads back unchanged after the refused write", read_cr3() == cr3,
		   read_cr3());
}

static void wrmsr_hcpage(void *p)
{
	uint64_t v = *(const uint64_t *)p;

	__asm__ __volatile__("wrmsr" : : "c"(XEN_HYPERCALL_MSR), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)) : "memory");
}

void attack_hcpage_wrap(void)
{
	uint64_t addr = 0xfffffffffffff000ULL;

	/* addr + 4 KiB wraps to 0, which is "inside RAM". */
	expect_trap("wrmsr hypercall page MSR = 0xfffffffffffff000", wrmsr_hcpage, &addr,
		    TRAP_GP);
	expected.msr_unhandled++;
}

/* CPL 3 with IOPL 3, like the runtime's user_call(). */
struct iopl_call {
	long (*fn)(void *);
	void *arg;
};

static uint8_t iopl_stack[8192] __attribute__((aligned(16)));

static void enter_iopl(void *p)
{
	const struct iopl_call *c = p;

	hostile_user_enter_iopl(c->fn, c->arg, iopl_stack + sizeof(iopl_stack));
}

bool user_call_iopl(long (*fn)(void *), void *arg, struct trap_record *rec)
{
	struct iopl_call c = { fn, arg };

	trap_catch(enter_iopl, &c, rec);
	kernel_segments_reload();
	return rec->vector == USER_RETURN_VECTOR && (rec->cs & 3) == 3;
}

static long user_inb(void *arg)
{
	(void)arg;
	return inb(0x80);
}

static long user_rep_insb(void *dst)
{
	uint64_t n = 4;

	__asm__ __volatile__("rep insb" : "+D"(dst), "+c"(n) : "d"(0x80) : "memory");
	return 0;
}

static long user_rep_outsb(void *src)
{
	uint64_t n = 4;

	__asm__ __volatile__("rep outsb" : "+S"(src), "+c"(n) : "d"(0x80) : "memory");
	return 0;
}

void attack_iopl_ins(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint8_t *page = page_alloc();
	void *kva = (void *)(uintptr_t)SUPERVISOR_VA;
	struct trap_record rec;
	bool intact = true, returned;

	if (!page || !pt_map(root, SUPERVISOR_VA, (uint64_t)(uintptr_t)page, PTE_W)) {
		check_that("map a supervisor-only page", false, 0);
		return;
	}
	invlpg(SUPERVISOR_VA);
	memset(page, FILL, PAGE_SIZE);
	check_that("IOPL 3 lets CPL 3 read a port", user_call_iopl(user_inb, NULL, &rec),
		   rec.vector);
	returned = user_call_iopl(user_rep_insb, kva, &rec);
	check_trap("rep insb at CPL 3 into a supervisor-only page", !returned, &rec, TRAP_PF);
	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		intact &= page[i] == FILL;
	check_that("the supervisor-only page is unchanged", intact, page[0]);
	returned = user_call_iopl(user_rep_outsb, kva, &rec);
	check_trap("rep outsb at CPL 3 from a supervisor-only page", !returned, &rec, TRAP_PF);
}

static void int_here(void *arg)
{
	(void)arg;
	__asm__ __volatile__("int %0" : : "i"(INT_VECTOR) : "memory");
}

/* The CPU pushes the interrupt frame at stack_top: the first access to it. */
static void int_on_stack(void *stack_top)
{
	__asm__ __volatile__("mov %%rsp, %%r12\n\t"
			     "mov %0, %%rsp\n\t"
			     "int %1\n\t"
			     "mov %%r12, %%rsp"
			     : : "r"(stack_top), "i"(INT_VECTOR) : "r12", "memory");
}

void attack_int_twice(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint8_t *page = page_alloc();

	if (!page || !pt_map(root, FRESH_STACK_VA, (uint64_t)(uintptr_t)page, PTE_W)) {
		check_that("map a fresh stack page", false, 0);
		return;
	}
	invlpg(FRESH_STACK_VA);
	irq_set_gate(INT_VECTOR, hostile_count_stub);
	hostile_int_count = 0;
	expect_trap("int $0x91 on the usual stack", int_here, NULL, NO_TRAP);
	check_that("delivered once", hostile_int_count == 1, hostile_int_count);
	hostile_int_count = 0;
	expect_trap("int $0x91 with its frame on a page not touched before", int_on_stack,
		    (void *)(uintptr_t)(FRESH_STACK_VA + PAGE_SIZE), NO_TRAP);
	check_that("delivered once (not re-run after a hidden page fault)",
		   hostile_int_count == 1, hostile_int_count);
}

static long set_callback(uint64_t value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = value };

	return hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint64_t)(uintptr_t)&p);
}

#define UPCALL_ROUNDS	5

void attack_upcall_spin(void)
{
	unsigned int delivered = 0;

	irq_set_gate(CALLBACK_VECTOR, hostile_count_stub);
	check_rc("register the callback vector",
		 set_callback(((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
			       HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | CALLBACK_VECTOR), 0);
	for (unsigned int r = 0; r < UPCALL_ROUNDS; r++) {
		uint64_t deadline = guest_time_ns() + 3 * NS_PER_MS;

		hostile_int_count = 0;
		hv_set_timer_op(deadline);
		/* Spin (no HLT, no block): the vCPU is in the guest when it expires. */
		__asm__ __volatile__("sti" ::: "memory");
		while (!hostile_int_count && guest_time_ns() < deadline + 300 * NS_PER_MS)
			;
		__asm__ __volatile__("cli" ::: "memory");
		delivered += hostile_int_count == 1;
	}
	con_printf("hostile: upcall-spin: %u of %u expiries delivered\n", delivered,
		   UPCALL_ROUNDS);
	check_that("every expiry while spinning arrived as the callback vector, once",
		   delivered == UPCALL_ROUNDS, delivered);
	check_rc("unregister the callback vector", set_callback(0), 0);
}

static uint64_t read_dr(unsigned int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ __volatile__("mov %%dr0, %0" : "=r"(v)); break;
	case 1: __asm__ __volatile__("mov %%dr1, %0" : "=r"(v)); break;
	case 2: __asm__ __volatile__("mov %%dr2, %0" : "=r"(v)); break;
	case 3: __asm__ __volatile__("mov %%dr3, %0" : "=r"(v)); break;
	}
	return v;
}

static void write_dr(unsigned int n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ __volatile__("mov %0, %%dr0" : : "r"(v)); break;
	case 1: __asm__ __volatile__("mov %0, %%dr1" : : "r"(v)); break;
	case 2: __asm__ __volatile__("mov %0, %%dr2" : : "r"(v)); break;
	case 3: __asm__ __volatile__("mov %0, %%dr3" : : "r"(v)); break;
	}
}

static bool pku_offered(void)
{
	return cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ecx & L7_ECX_PKU);
}

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ __volatile__("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void wrpkru(uint32_t v)
{
	__asm__ __volatile__("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

void attack_stain(void)
{
	for (unsigned int n = 0; n < 4; n++) {
		write_dr(n, STAIN_DR(n));
		check_that("DR0-3 hold what was written", read_dr(n) == STAIN_DR(n), read_dr(n));
	}
	if (pku_offered()) {
		write_cr4(read_cr4() | CR4_PKE);
		wrpkru(STAIN_PKRU);
		check_that("PKRU holds what was written", rdpkru() == STAIN_PKRU, rdpkru());
	}
}

/* Let the staining domain run to its end on this pCPU first. */
static void sleep_ms(uint64_t ms)
{
	uint64_t until = guest_time_ns() + ms * NS_PER_MS;

	while (guest_time_ns() < until) {
		hv_set_timer_op(until);
		hv_sched_op(SCHEDOP_block, NULL);
	}
}

void attack_sniff(void)
{
	sleep_ms(500);
	for (unsigned int n = 0; n < 4; n++)
		check_that("DR0-3 of a fresh vCPU are 0, not another domain's",
			   read_dr(n) == 0, read_dr(n));
	if (pku_offered()) {
		write_cr4(read_cr4() | CR4_PKE);
		check_that("PKRU of a fresh vCPU is 0, not another domain's", rdpkru() == 0,
			   rdpkru());
	}
}

void attack_cr4_reserved(void)
{
	uint64_t want = read_cr4() | CR4_RESERVED_15;

	expect_trap("mov to CR4 with reserved bit 15", set_cr4, &want, TRAP_GP);
}
