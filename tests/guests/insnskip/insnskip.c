/*
 * insnskip: the exits Umbra skips by length (CPUID, RDMSR, VMMCALL), in
 * forms its fast path (compare the bytes at RIP with the usual encoding)
 * must hand to the full decoder: with prefixes, split across a page
 * boundary whose two pages are not physically adjacent, and rewritten
 * between two executions at the same address. Each code fragment ends in
 * RET and is called through its own mapping (PML4 slot 1) of pages also
 * reachable, for writing, through the identity map. A wrong length lands
 * the guest in the middle of an instruction: a wrong result or a crash.
 *   rounds=N   rewrites in the rewriting test (default 200)
 * Prints "insnskip: N passed, M failed"; a bare run checks the guest.
 */
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>

#include "cpu.h"
#include "hypercall.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"

const char guest_name[] = "insnskip";

#define CODE_VA		PML4_SLOT_VA(1)

static unsigned int passed, failed;
static uint8_t *page1, *page2;		/* identity-mapped views */

struct regs {
	uint64_t rax, rbx, rcx, rdx, rdi, rsi;
};

/* Call the fragment at CODE_VA + off with these registers. */
static struct regs run_at(uint64_t off, struct regs r)
{
	uint64_t fn = CODE_VA + off;

	__asm__ __volatile__("call *%[fn]"
			     : "+a"(r.rax), "+b"(r.rbx), "+c"(r.rcx), "+d"(r.rdx),
			       "+D"(r.rdi), "+S"(r.rsi)
			     : [fn] "r"(fn)
			     : "memory", "r8", "r9", "r10", "r11", "cc");
	return r;
}

/* Bytes at CODE_VA + off (the fragment may run into the second page). */
static void put(uint64_t off, const uint8_t *bytes, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, off++)
		(off < PAGE_SIZE ? page1 : page2 - PAGE_SIZE)[off] = bytes[i];
}

static void expect(const char *what, bool ok)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		con_printf("insnskip: FAIL %s\n", what);
	}
}

static bool same_cpuid(struct regs r, struct cpuid_regs c)
{
	return (uint32_t)r.rax == c.eax && (uint32_t)r.rbx == c.ebx &&
	       (uint32_t)r.rcx == c.ecx && (uint32_t)r.rdx == c.edx;
}

static void test_cpuid(const char *what, uint64_t off, const uint8_t *code, unsigned int n)
{
	struct regs r = { .rax = 0, .rcx = 0 };

	put(off, code, n);
	expect(what, same_cpuid(run_at(off, r), cpuid(0, 0)));
}

static void test_rdmsr(const char *what, uint64_t off, const uint8_t *code, unsigned int n)
{
	struct regs r = { .rcx = MSR_EFER };

	put(off, code, n);
	r = run_at(off, r);
	expect(what, ((uint32_t)r.rax | (r.rdx << 32)) == rdmsr(MSR_EFER));
}

static long xen_version(void)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0);
}

static void test_vmmcall(const char *what, uint64_t off, const uint8_t *code, unsigned int n)
{
	struct regs r = { .rax = __HYPERVISOR_xen_version, .rdi = XENVER_version };

	put(off, code, n);
	expect(what, (long)run_at(off, r).rax == xen_version());
}

/* Two 3-byte forms at one address, swapped between calls: CPUID; NOP and
 * CS-prefixed CPUID. Both end at the same place only if each call's
 * length comes from the bytes there now, not from an earlier exit. */
static void test_rewrite(uint64_t rounds)
{
	static const uint8_t plain[] = { 0x0f, 0xa2, 0x90, 0xc3 };
	static const uint8_t prefixed[] = { 0x2e, 0x0f, 0xa2, 0xc3 };
	struct cpuid_regs want = cpuid(0, 0);
	uint64_t bad = 0;

	for (uint64_t i = 0; i < rounds; i++) {
		struct regs r = { .rax = 0, .rcx = 0 };

		put(512, i & 1 ? prefixed : plain, 4);
		if (!same_cpuid(run_at(512, r), want))
			bad++;
	}
	expect("CPUID rewritten between calls at one address", !bad);
}

static bool map_code(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint8_t *gap;

	/* Three pages in a row: the middle one keeps the other two apart,
	 * so a fetch that ran on physically past the first page would read
	 * the gap's INT3s, not the second page. */
	page1 = page_alloc();
	gap = page_alloc();
	page2 = page_alloc();
	if (!page1 || !gap || !page2)
		return false;
	memset(page1, 0xcc, PAGE_SIZE);
	memset(gap, 0xcc, PAGE_SIZE);
	memset(page2, 0xcc, PAGE_SIZE);
	return pt_map(root, CODE_VA, (uint64_t)(uintptr_t)page1, PTE_W) &&
	       pt_map(root, CODE_VA + PAGE_SIZE, (uint64_t)(uintptr_t)page2, PTE_W);
}

int guest_main(const struct hvm_start_info *si)
{
	static const uint8_t cpuid_p[] = { 0x66, 0x0f, 0xa2, 0xc3 };
	static const uint8_t cpuid_pp[] = { 0x2e, 0x66, 0x0f, 0xa2, 0xc3 };
	static const uint8_t cpuid_rex[] = { 0x48, 0x0f, 0xa2, 0xc3 };
	static const uint8_t cpuid_plain[] = { 0x0f, 0xa2, 0xc3 };
	static const uint8_t rdmsr_p[] = { 0x2e, 0x0f, 0x32, 0xc3 };
	static const uint8_t rdmsr_plain[] = { 0x0f, 0x32, 0xc3 };
	static const uint8_t vmmcall_plain[] = { 0x0f, 0x01, 0xd9, 0xc3 };
	bool hv = guest_hypervisor() != GUEST_HV_NONE;

	(void)si;
	if (!map_code()) {
		con_printf("insnskip: no memory for the code pages\n");
		return SHUTDOWN_crash;
	}
	write_cr3(read_cr3());
	test_cpuid("CPUID", 0, cpuid_plain, sizeof(cpuid_plain));
	test_cpuid("66-prefixed CPUID", 16, cpuid_p, sizeof(cpuid_p));
	test_cpuid("2e 66-prefixed CPUID", 32, cpuid_pp, sizeof(cpuid_pp));
	test_cpuid("REX.W CPUID", 48, cpuid_rex, sizeof(cpuid_rex));
	test_rdmsr("RDMSR", 64, rdmsr_plain, sizeof(rdmsr_plain));
	test_rdmsr("2e-prefixed RDMSR", 80, rdmsr_p, sizeof(rdmsr_p));
	test_cpuid("CPUID across a page boundary", PAGE_SIZE - 1, cpuid_plain,
		   sizeof(cpuid_plain));
	test_cpuid("prefixed CPUID across a page boundary", PAGE_SIZE - 3, cpuid_pp,
		   sizeof(cpuid_pp));
	test_cpuid("prefix and opcode on two pages", PAGE_SIZE - 1, cpuid_p,
		   sizeof(cpuid_p));
	test_rdmsr("RDMSR across a page boundary", PAGE_SIZE - 1, rdmsr_plain,
		   sizeof(rdmsr_plain));
	if (hv) {
		test_vmmcall("VMMCALL", 96, vmmcall_plain, sizeof(vmmcall_plain));
		test_vmmcall("VMMCALL across a page boundary (0f 01 | d9)", PAGE_SIZE - 2,
			     vmmcall_plain, sizeof(vmmcall_plain));
		test_vmmcall("VMMCALL across a page boundary (0f | 01 d9)", PAGE_SIZE - 1,
			     vmmcall_plain, sizeof(vmmcall_plain));
	}
	test_rewrite(guest_option_u64("rounds=", 200));
	con_printf("insnskip: %u passed, %u failed\n", passed, failed);
	return failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
