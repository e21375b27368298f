/*
 * #DB and #AC (named-only attacks). The hypervisor intercepts both so that
 * a guest cannot hold a physical CPU in an endless chain of them inside
 * the CPU (CVE-2015-8104, CVE-2015-5307), and gives them back; the guest
 * must receive them as the CPU raised them:
 *   db-step   TF single-step: #DB after the next instruction, DR6.BS set
 *   db-watch  a DR0 data breakpoint: #DB after the write, DR6.B0 set
 *   ac-user   a misaligned load at CPL 3 with CR0.AM and EFLAGS.AC: the
 *             guest says what it saw ("ac-user: saw ..."), which the test
 *             compares with a run without hypervisor (QEMU's TCG does not
 *             check alignment, so there it sees no exception either)
 * The chains themselves cannot be built here: TCG checks no data
 * breakpoint while it pushes an exception frame, and no alignment.
 */
#include "cpu.h"
#include "hostile.h"
#include "runtime.h"
#include "trap.h"

#define CR0_AM		(1ULL << 18)
#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_AC	(1ULL << 18)
#define DR6_B0		(1ULL << 0)
#define DR6_BS		(1ULL << 14)
#define DR6_INIT	0xffff0ff0ULL
#define DR7_L0		(1ULL << 0)
#define DR7_W0_LEN8	((1ULL << 16) | (2ULL << 18))	/* data writes, 8 bytes */
#define DR7_FIXED	(1ULL << 10)

static inline uint64_t read_dr6(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%dr6" : : "r"(v));
}

static inline void write_dr0(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%dr0" : : "r"(v));
}

static inline void write_dr7(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%dr7" : : "r"(v));
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ __volatile__("pushfq\n\tpopq %0" : "=r"(v));
	return v;
}

static void set_tf_then_nops(void *arg)
{
	(void)arg;
	__asm__ __volatile__("pushfq\n\t"
			     "orq %0, (%%rsp)\n\t"
			     "popfq\n\t"
			     "nop\n\t"
			     "nop" : : "i"(RFLAGS_TF) : "memory", "cc");
}

static void nops(void *arg)
{
	(void)arg;
	__asm__ __volatile__("nop\n\tnop" ::: "memory");
}

void attack_db_step(void)
{
	uint64_t dr6;

	write_dr6(DR6_INIT);
	expect_trap("single-step with RFLAGS.TF", set_tf_then_nops, NULL, TRAP_DB);
	dr6 = read_dr6();
	check_that("DR6.BS says it was a single step", dr6 & DR6_BS, dr6);
	check_that("TF is clear in the handler's world",
		   !(read_rflags() & RFLAGS_TF), read_rflags());
	write_dr6(DR6_INIT);
	expect_trap("no #DB once TF is clear", nops, NULL, NO_TRAP);
	check_that("and DR6 is as it was left", read_dr6() == DR6_INIT, read_dr6());
}

static uint8_t ac_buf[16] __attribute__((aligned(16)));

static long misaligned_load(void *p)
{
	uint32_t v;

	__asm__ __volatile__("pushfq\n\t"
			     "orq %2, (%%rsp)\n\t"
			     "popfq\n\t"
			     "movl 1(%1), %0\n\t"
			     "pushfq\n\t"
			     "andq %3, (%%rsp)\n\t"
			     "popfq"
			     : "=&r"(v) : "r"(p), "i"(RFLAGS_AC), "i"(~RFLAGS_AC)
			     : "memory", "cc");
	return v;
}

void attack_ac_user(void)
{
	struct trap_record rec;
	long ret;
	bool returned;

	write_cr0(read_cr0() | CR0_AM);
	returned = user_call(misaligned_load, ac_buf, &ret, &rec);
	if (returned)
		con_puts("hostile: ac-user: saw no exception\n");
	else
		con_printf("hostile: ac-user: saw %s error %#lx\n", trap_name(rec.vector),
			   (unsigned long)rec.error);
	check_that("a misaligned load at CPL 3 raises #AC(0) or nothing",
		   returned || (rec.vector == TRAP_AC && rec.error == 0), rec.vector);
	write_cr0(read_cr0() & ~CR0_AM);
}

static volatile uint64_t watched;

static void write_watched(void *arg)
{
	(void)arg;
	watched = 1;
}

void attack_db_watch(void)
{
	uint64_t dr6;

	write_dr6(DR6_INIT);
	write_dr0((uint64_t)(uintptr_t)&watched);
	write_dr7(DR7_FIXED | DR7_L0 | DR7_W0_LEN8);
	expect_trap("a write to a DR0-watched variable", write_watched, NULL, TRAP_DB);
	write_dr7(DR7_FIXED);
	dr6 = read_dr6();
	check_that("the write happened (a trap, not a fault)", watched == 1, watched);
	check_that("DR6.B0 says breakpoint 0", dr6 & DR6_B0, dr6);
	write_dr6(DR6_INIT);
}
