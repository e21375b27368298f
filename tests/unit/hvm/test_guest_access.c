/* The guest-memory border (asm/guest_access.h, arch/x86/guest_access.c):
 * guest-physical copies over a domain of two 2 MiB extents held in host
 * memory, the paging mode's write hook, and guest-virtual copies walked
 * with the paging state the vendor hook reports (faked here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/layout.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define NR_EXTENTS	2
#define MEM_BYTES	(NR_EXTENTS * EXTENT_SIZE)

static struct domain dom;
static struct vcpu vcpu;
static uint64_t extents[NR_EXTENTS];
static uint8_t *ram[NR_EXTENTS];

/* The vendor hook, as the test sets it. */
static struct vcpu_paging_state state;
static const struct vcpu *state_asked_for;

/* The domains here are HVM ones: guest_access.c never asks the PV walk. */
int pv_translate(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
	(void)v; (void)gva; (void)write; (void)gpa;
	fail_msg("pv_translate called for an HVM domain");
	return -1;
}

bool pv_guest_va_ok(uint64_t va)
{
	(void)va;
	fail_msg("pv_guest_va_ok called for an HVM domain");
	return false;
}

void vcpu_paging_state(const struct vcpu *v, struct vcpu_paging_state *st)
{
	state_asked_for = v;
	*st = state;
}

/* A paging mode's write hook that records its calls. */
static struct {
	unsigned int calls;
	uint64_t gpa, len;
	bool zeros;
} hook;

static int recording_write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	hook.calls++;
	hook.gpa = gpa;
	hook.len = len;
	hook.zeros = !src;
	return copy_to_gpa_raw(d, gpa, src, len);
}

static uint8_t *host(uint64_t gpa)
{
	return ram[gpa / EXTENT_SIZE] + gpa % EXTENT_SIZE;
}

static void set_pte(uint64_t table_gpa, unsigned int idx, uint64_t val)
{
	memcpy(host(table_gpa + 8 * idx), &val, 8);
}

static int setup(void **s)
{
	(void)s;
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&hook, 0, sizeof(hook));
	for (int i = 0; i < NR_EXTENTS; i++) {
		ram[i] = calloc(1, EXTENT_SIZE);
		assert_non_null(ram[i]);
		extents[i] = (uint64_t)(uintptr_t)ram[i] - DIRECTMAP_BASE;
	}
	dom.extents = extents;
	dom.nr_extents = NR_EXTENTS;
	dom.mem_bytes = MEM_BYTES;
	vcpu.domain = &dom;
	state = (struct vcpu_paging_state){ .cr0 = CR0_PE, .maxphyaddr = 48 };
	state_asked_for = NULL;
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	for (int i = 0; i < NR_EXTENTS; i++)
		free(ram[i]);
	return 0;
}

/* Long mode with four levels: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT
 * 0x4000; va 0x400000 -> gpa 0x10000 (user, writable), va 0x401000 ->
 * gpa 0x11000 (supervisor, writable), va 0x402000 not present. */
#define VA_USER		0x400000ULL
#define VA_SUPER	0x401000ULL
#define VA_HOLE		0x402000ULL
#define GPA_USER	0x10000ULL
#define GPA_SUPER	0x11000ULL

static void long_mode(void)
{
	const uint64_t tbl = PTE_P | PTE_W | PTE_U;

	set_pte(0x1000, 0, 0x2000 | tbl);
	set_pte(0x2000, 0, 0x3000 | tbl);
	set_pte(0x3000, 2, 0x4000 | tbl);		/* 0x400000 >> 21 */
	set_pte(0x4000, 0, GPA_USER | PTE_P | PTE_W | PTE_U);
	set_pte(0x4000, 1, GPA_SUPER | PTE_P | PTE_W);
	state = (struct vcpu_paging_state){
		.cr0 = CR0_PE | CR0_PG | CR0_WP, .cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA, .cr3 = 0x1000, .maxphyaddr = 48,
	};
}

static void test_gpa_round_trip_across_extents(void **s)
{
	const char msg[] = "across";
	char back[sizeof(msg)] = { 0 };
	uint64_t gpa = EXTENT_SIZE - 3;

	(void)s;
	assert_int_equal(copy_to_gpa(&dom, gpa, msg, sizeof(msg)), 0);
	assert_memory_equal(ram[0] + EXTENT_SIZE - 3, msg, 3);
	assert_memory_equal(ram[1], msg + 3, sizeof(msg) - 3);
	assert_int_equal(copy_from_gpa(&dom, back, gpa, sizeof(back)), 0);
	assert_memory_equal(back, msg, sizeof(msg));
	assert_int_equal(zero_gpa(&dom, gpa, sizeof(msg)), 0);
	assert_int_equal(ram[0][EXTENT_SIZE - 1] | ram[1][0] | ram[1][3], 0);
}

/* A range that leaves the domain's RAM, or wraps, touches nothing. */
static void test_gpa_outside_ram(void **s)
{
	uint8_t buf[4] = { 1, 2, 3, 4 }, out[4] = { 9, 9, 9, 9 };

	(void)s;
	assert_int_equal(copy_to_gpa(&dom, MEM_BYTES - 2, buf, 4), -EFAULT);
	assert_int_equal(ram[1][EXTENT_SIZE - 2] | ram[1][EXTENT_SIZE - 1], 0);
	assert_int_equal(zero_gpa(&dom, MEM_BYTES, 1), -EFAULT);
	assert_int_equal(copy_to_gpa(&dom, ~0ULL - 1, buf, 4), -EFAULT);
	assert_int_equal(copy_from_gpa(&dom, out, MEM_BYTES - 2, 4), -EFAULT);
	assert_int_equal(out[0], 9);
	assert_int_equal(copy_to_gpa_raw(&dom, MEM_BYTES, buf, 1), -EFAULT);
}

/* Writes, zeros included, go through the paging mode; reads and the raw
 * write do not, and nothing outside RAM reaches it. */
static void test_gpa_writes_use_paging_hook(void **s)
{
	uint32_t v = 0x11223344, r;

	(void)s;
	dom.write_gpa = recording_write_gpa;
	assert_int_equal(copy_to_gpa(&dom, 0x5000, &v, 4), 0);
	assert_int_equal(hook.calls, 1);
	assert_int_equal(hook.gpa, 0x5000);
	assert_int_equal(hook.len, 4);
	assert_false(hook.zeros);
	assert_int_equal(zero_gpa(&dom, 0x5000, 2), 0);
	assert_int_equal(hook.calls, 2);
	assert_true(hook.zeros);
	assert_int_equal(copy_from_gpa(&dom, &r, 0x5000, 4), 0);
	assert_int_equal(r, 0x11220000);
	assert_int_equal(copy_to_gpa_raw(&dom, 0x5000, &v, 4), 0);
	assert_int_equal(copy_to_gpa(&dom, MEM_BYTES - 1, &v, 4), -EFAULT);
	assert_int_equal(hook.calls, 2);
}

/* Paging off: the address is the low 32 bits, as the CPU forms it. */
static void test_gva_unpaged(void **s)
{
	uint32_t v = 0xcafe, r = 0;

	(void)s;
	assert_int_equal(copy_to_guest(&vcpu, 0x100003000ULL, &v, 4), 0);
	assert_ptr_equal(state_asked_for, &vcpu);
	assert_int_equal(copy_from_gpa(&dom, &r, 0x3000, 4), 0);
	assert_int_equal(r, 0xcafe);
}

static void test_gva_long_mode(void **s)
{
	char msg[] = "through the tables", back[sizeof(msg)] = { 0 };

	(void)s;
	long_mode();
	assert_int_equal(copy_to_guest(&vcpu, VA_USER + 0x10, msg, sizeof(msg)), 0);
	assert_memory_equal(host(GPA_USER + 0x10), msg, sizeof(msg));
	assert_int_equal(copy_from_guest(&vcpu, back, VA_USER + 0x10, sizeof(back)), 0);
	assert_memory_equal(back, msg, sizeof(msg));
	/* The walk sets accessed and dirty as the CPU would. */
	assert_true(*(uint64_t *)host(0x4000) & PTE_D);
	assert_int_equal(vcpu.stats.guest_faults, 0);
}

/* The CR3 walked is the one the vendor reports (the guest's own). */
static void test_gva_uses_reported_cr3(void **s)
{
	uint32_t r;

	(void)s;
	long_mode();
	state.cr3 = 0x6000;		/* an empty PML4 */
	assert_int_equal(copy_from_guest(&vcpu, &r, VA_USER, 4), -EFAULT);
	assert_int_equal(vcpu.stats.guest_faults, 1);
}

/* A copy running into an unmapped page fails and is counted; the same
 * read for the hypervisor's own use is not counted. */
static void test_gva_hole_counted(void **s)
{
	uint8_t buf[32];

	(void)s;
	long_mode();
	assert_int_equal(copy_from_guest(&vcpu, buf, VA_HOLE - 16, 32), -EFAULT);
	assert_int_equal(vcpu.stats.guest_faults, 1);
	assert_int_equal(fetch_from_guest(&vcpu, buf, VA_HOLE - 16, 32), -EFAULT);
	assert_int_equal(vcpu.stats.guest_faults, 1);
	assert_int_equal(fetch_from_guest(&vcpu, buf, VA_HOLE - 16, 16), 0);
}

/* For the guest's instruction: its privilege, and the #PF it would take. */
static void test_insn_access_faults(void **s)
{
	struct guest_fault f;
	uint32_t v = 7;

	(void)s;
	long_mode();
	assert_int_equal(copy_guest_insn(&vcpu, VA_SUPER, &v, 4, true, true, &f), -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.error_code, MMU_PF_P | MMU_PF_W | MMU_PF_U);
	assert_int_equal(f.addr, VA_SUPER);
	assert_int_equal(copy_guest_insn(&vcpu, VA_HOLE + 8, &v, 4, false, true, &f), -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.error_code, MMU_PF_U);
	assert_int_equal(f.addr, VA_HOLE + 8);
	assert_int_equal(copy_guest_insn(&vcpu, VA_SUPER, &v, 4, true, false, &f), 0);
	assert_false(f.page_fault);
}

/* A kernel-mode read of a not-present page is a #PF with error code 0
 * (not a #GP because the code happens to be zero). */
static void test_insn_kernel_read_not_present(void **s)
{
	struct guest_fault f;
	uint32_t v;

	(void)s;
	long_mode();
	assert_int_equal(copy_guest_insn(&vcpu, VA_HOLE, &v, 4, false, false, &f), -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.error_code, 0);
	assert_int_equal(f.addr, VA_HOLE);
}

/* A mapped page whose frame is not the domain's RAM: no #PF, just -EFAULT. */
static void test_insn_access_outside_ram(void **s)
{
	struct guest_fault f;
	uint32_t v;

	(void)s;
	long_mode();
	set_pte(0x4000, 2, (MEM_BYTES + 0x1000) | PTE_P | PTE_W | PTE_U);
	assert_int_equal(copy_guest_insn(&vcpu, VA_HOLE, &v, 4, false, true, &f), -EFAULT);
	assert_false(f.page_fault);
}

/* Address bits at or above the reported MAXPHYADDR are reserved: the CPU
 * raises #PF with RSVD, so must the copy. */
static void test_reported_maxphyaddr(void **s)
{
	struct guest_fault f;
	uint32_t v;

	(void)s;
	long_mode();
	set_pte(0x4000, 2, (1ULL << 40) | GPA_USER | PTE_P | PTE_U);
	state.maxphyaddr = 40;
	assert_int_equal(copy_guest_insn(&vcpu, VA_HOLE, &v, 4, false, true, &f), -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.error_code, MMU_PF_P | MMU_PF_U | MMU_PF_RSVD);
	state.maxphyaddr = 41;
	assert_int_equal(copy_guest_insn(&vcpu, VA_HOLE, &v, 4, false, true, &f), -EFAULT);
	assert_false(f.page_fault);		/* bit 40 is an address: not RAM */
}

/* SMAP: a supervisor access to a user page faults unless RFLAGS.AC. */
static void test_smap_and_ac(void **s)
{
	uint32_t v;

	(void)s;
	long_mode();
	state.cr4 |= CR4_SMAP;
	assert_int_equal(copy_from_guest(&vcpu, &v, VA_USER, 4), -EFAULT);
	state.rflags_ac = true;
	assert_int_equal(copy_from_guest(&vcpu, &v, VA_USER, 4), 0);
}

/* 2-level paging is walked with 4-byte entries: a not-present PDE is a
 * #PF, a present one leads through its page table to the frame. */
static void test_2level_paging_walked(void **s)
{
	const uint32_t pde = 0x8000 | PTE_P | PTE_W, pte = GPA_USER | PTE_P | PTE_W;
	const uint32_t want = 0x32b17;
	struct guest_fault f;
	uint32_t v = 0;

	(void)s;
	state = (struct vcpu_paging_state){
		.cr0 = CR0_PE | CR0_PG, .cr3 = 0x7000, .maxphyaddr = 40,
	};
	assert_int_equal(copy_guest_insn(&vcpu, 0x1000, &v, 4, false, false, &f), -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.error_code & MMU_PF_P, 0);
	assert_int_equal(copy_to_gpa(&dom, 0x7000, &pde, 4), 0);
	assert_int_equal(copy_to_gpa(&dom, 0x8000 + 4, &pte, 4), 0);
	assert_int_equal(copy_to_gpa(&dom, GPA_USER, &want, 4), 0);
	assert_int_equal(copy_guest_insn(&vcpu, 0x1000, &v, 4, false, false, &f), 0);
	assert_int_equal(v, want);
}

/* ---- copies at their edges ---- */

static bool ram_all(uint8_t v)
{
	for (int i = 0; i < NR_EXTENTS; i++)
		for (uint64_t j = 0; j < EXTENT_SIZE; j++)
			if (ram[i][j] != v)
				return false;
	return true;
}

/* The compare-and-exchange of an entry: stored only over what the caller
 * computed from (what is there otherwise comes back), plain to the
 * paging mode, refused unaligned or outside RAM with nothing written. */
static void test_gpa_cmpxchg_u64(void **s)
{
	uint64_t gpa = EXTENT_SIZE + 0x2008, now = 0x63, old;
	uint32_t w = 0;

	(void)s;
	dom.write_gpa = recording_write_gpa;
	memcpy(host(gpa), &now, 8);
	old = 0x23;		/* computed before bit 6 came */
	assert_int_equal(cmpxchg_gpa_u64(&dom, gpa, &old, 0x21), -EAGAIN);
	assert_int_equal(old, 0x63);
	memcpy(&now, host(gpa), 8);
	assert_int_equal(now, 0x63);
	assert_int_equal(cmpxchg_gpa_u64(&dom, gpa, &old, 0x8000000000000061ULL), 0);
	memcpy(&now, host(gpa), 8);
	assert_int_equal(now, 0x8000000000000061ULL);
	old = now;
	assert_int_equal(cmpxchg_gpa_u64(&dom, gpa + 4, &old, 0), -EFAULT);
	assert_int_equal(cmpxchg_gpa_u64(&dom, MEM_BYTES, &old, 0), -EFAULT);
	assert_int_equal(cmpxchg_gpa_u64(&dom, ~0ULL - 7, &old, 0), -EFAULT);
	assert_int_equal(cmpxchg_gpa_u32(&dom, gpa + 2, &w, 1), -EFAULT);
	memcpy(&now, host(gpa), 8);
	assert_int_equal(now, 0x8000000000000061ULL);
	assert_int_equal(hook.calls, 0);
}

/* Ranges that start in RAM and end past it, or whose end wraps past
 * 2^64 (back into RAM): refused whole, nothing read or written. */
static void test_gpa_edges_touch_nothing(void **s)
{
	static const struct { uint64_t gpa, len; } bad[] = {
		{ MEM_BYTES - 1, 2 }, { MEM_BYTES - 8, 16 }, { MEM_BYTES - 4096, 8192 },
		{ EXTENT_SIZE, EXTENT_SIZE + 1 }, { 0, MEM_BYTES + 1 }, { MEM_BYTES, 1 },
		{ ~0ULL, 2 }, { ~0ULL - 7, 16 }, { 0ULL - 4096, 8192 },
		{ MEM_BYTES - 1, ~0ULL }, { 8, ~0ULL - 4 }, { 1, ~0ULL },
	};
	uint8_t *buf = malloc(MEM_BYTES + 1);

	(void)s;
	dom.write_gpa = recording_write_gpa;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* The huge lengths are longer than buf: refused before a byte
		 * moves, or the sanitizer sees the overrun. */
		memset(buf, 0x5a, MEM_BYTES + 1);
		assert_int_equal(copy_from_gpa(&dom, buf, bad[i].gpa, bad[i].len), -EFAULT);
		for (uint64_t j = 0; j < MEM_BYTES + 1; j++)
			if (buf[j] != 0x5a)
				fail_msg("case %zu: byte %llu read", i, (unsigned long long)j);
		assert_int_equal(copy_to_gpa(&dom, bad[i].gpa, buf, bad[i].len), -EFAULT);
		assert_int_equal(copy_to_gpa_raw(&dom, bad[i].gpa, buf, bad[i].len), -EFAULT);
		assert_int_equal(zero_gpa(&dom, bad[i].gpa, bad[i].len), -EFAULT);
	}
	assert_true(ram_all(0));
	assert_int_equal(hook.calls, 0);
	/* The last byte of RAM is RAM. */
	assert_int_equal(copy_to_gpa(&dom, MEM_BYTES - 1, buf, 1), 0);
	assert_int_equal(ram[1][EXTENT_SIZE - 1], 0x5a);
	free(buf);
}

/* Pages after VA_HOLE: 0x403000 -> 0x20000 (writable), 0x404000 ->
 * 0x30000 (read-only), 0x405000 -> 0x40000 and 0x406000 -> 0x50000 (not
 * the frame after 0x40000). A copy across two pages must translate and
 * check the second: the frame after the first's is never the answer. */
static void map_edges(void)
{
	long_mode();
	set_pte(0x4000, 3, 0x20000 | PTE_P | PTE_W);
	set_pte(0x4000, 4, 0x30000 | PTE_P);
	set_pte(0x4000, 5, 0x40000 | PTE_P | PTE_W);
	set_pte(0x4000, 6, 0x50000 | PTE_P | PTE_W);
	memset(host(0x21000), 0x11, 4096);	/* the decoys after each first page */
	memset(host(0x41000), 0x22, 4096);
	memset(host(0x50000), 0x33, 4096);
}

/* dom0's RAM has holes (Umbra's image, firmware areas): a copy that
 * reaches into one, or starts outside its ranges, is refused before any
 * byte is touched (the addresses here are not mapped on the host). */
static void test_identity_holes_refused(void **s)
{
	static const struct mem_range ram[] = {
		{ 0x1000, 0x9f000 }, { 0x100000, 0x200000 }, { 0x300000, 0x800000 },
	};
	static const struct e820_map machine;
	static const struct identity_map id = { ram, 3, &machine };
	uint8_t buf[64];

	(void)s;
	dom.identity = &id;
	dom.mem_bytes = 0x800000;
	assert_int_equal(copy_from_gpa(&dom, buf, 0x1fffe0, 64), -EFAULT);	/* into the hole */
	assert_int_equal(copy_to_gpa(&dom, 0x9efe0, buf, 64), -EFAULT);	/* past low RAM */
	assert_int_equal(zero_gpa(&dom, 0, 64), -EFAULT);			/* page 0 */
	assert_int_equal(copy_to_gpa(&dom, 0x250000, buf, 8), -EFAULT);	/* Umbra's */
	assert_int_equal(copy_from_gpa(&dom, buf, 0x7ffff8, 16), -EFAULT);	/* past the top */
	assert_true(domain_owns_gpa_range(&dom, 0x300000, 0x500000));
	assert_false(domain_owns_gpa_range(&dom, 0x2ff000, 0x2000));
	assert_int_equal(domain_gpa_to_maddr(&dom, 0x100123), 0x100123);
	assert_int_equal(domain_gpa_to_maddr(&dom, 0x200000), 0);
	dom.identity = NULL;
}

static void test_gva_second_page_checked(void **s)
{
	uint8_t buf[16], want[16];
	struct guest_fault f;

	(void)s;
	map_edges();
	state.cr0 |= CR0_WP;
	memset(buf, 0x77, sizeof(buf));
	/* Second page unmapped: a read and a write fail. */
	assert_int_equal(copy_from_guest(&vcpu, buf, VA_HOLE - 8, 16), -EFAULT);
	assert_int_equal(copy_to_guest(&vcpu, VA_HOLE - 8, buf, 16), -EFAULT);
	/* Second page read-only: the write fails, the frame after the first
	 * page's is not written instead. */
	assert_int_equal(copy_to_guest(&vcpu, 0x404000 - 8, buf, 16), -EFAULT);
	assert_true(*host(0x30000) == 0 && *host(0x21000) == 0x11);
	/* Second page supervisor-only, for a CPL 3 instruction: #PF there. */
	assert_int_equal(copy_guest_insn(&vcpu, VA_SUPER - 8, buf, 16, false, true, &f),
			 -EFAULT);
	assert_true(f.page_fault);
	assert_int_equal(f.addr, VA_SUPER);
	assert_int_equal(f.error_code, MMU_PF_P | MMU_PF_U);
	/* Second page elsewhere: its bytes, not the next frame's. */
	memset(want, 0, 8);
	memset(want + 8, 0x33, 8);
	assert_int_equal(copy_from_guest(&vcpu, buf, 0x406000 - 8, 16), 0);
	assert_memory_equal(buf, want, 16);
	memset(buf, 0x44, sizeof(buf));
	assert_int_equal(copy_to_guest(&vcpu, 0x406000 - 8, buf, 16), 0);
	assert_true(*host(0x50000 + 7) == 0x44 && *host(0x50000 + 8) == 0x33);
	assert_int_equal(*host(0x41000), 0x22);
}

/* The exit path's short re-read of an instruction: the bytes through
 * each page's own mapping (the second page is not the next frame), 2 MiB
 * pages, paging off; an absent entry, a table or page outside the
 * domain's RAM, or 32-bit paging refuse, leaving the full path to decide. */
static void test_insn_short_fetch(void **s)
{
	uint8_t buf[4] = { 0 };

	(void)s;
	long_mode();
	set_pte(0x4000, 1, 0x30000 | PTE_P);	/* VA_SUPER: far from GPA_USER */
	*host(GPA_USER + 4095) = 0x0f;
	*host(GPA_USER + 4096) = 0xcc;		/* the next frame: not read */
	*host(0x30000) = 0xa2;
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, VA_USER + 4095, 2), 0);
	assert_int_equal(buf[0], 0x0f);
	assert_int_equal(buf[1], 0xa2);
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, VA_HOLE - 1, 2), -EFAULT);
	/* A 2 MiB page at va 0x600000 -> gpa 0x200000. */
	set_pte(0x3000, 3, 0x200000 | PTE_P | PTE_PS);
	*host(0x200000 + 0x1234) = 0x5a;
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, 0x600000 + 0x1234, 1), 0);
	assert_int_equal(buf[0], 0x5a);
	/* A leaf past the domain's RAM. */
	set_pte(0x4000, 5, MEM_BYTES | PTE_P);
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, 0x405000, 1), -EFAULT);
	/* A table past the domain's RAM. */
	set_pte(0x3000, 4, (MEM_BYTES + 0x1000) | PTE_P);
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, 0x800000, 1), -EFAULT);
	/* A domain that gave a frame back takes the generic lookups
	 * (fetch_short_owned): that frame is refused, the others read. */
	static uint64_t unbacked_bits[PAGE_SIZE / 8];

	unbacked_bits[(0x30000 >> 12) / 64] |= 1ULL << ((0x30000 >> 12) % 64);
	dom.unbacked[0] = unbacked_bits;
	dom.unbacked_pages = 1;
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, VA_SUPER, 1), -EFAULT);
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, VA_USER + 4095, 1), 0);
	assert_int_equal(buf[0], 0x0f);
	dom.unbacked[0] = NULL;
	dom.unbacked_pages = 0;
	/* Paging off: the address is the guest-physical one. */
	state = (struct vcpu_paging_state){ .cr0 = CR0_PE, .maxphyaddr = 48 };
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, 0x30000, 1), 0);
	assert_int_equal(buf[0], 0xa2);
	/* 32-bit paging: not this path's. */
	state = (struct vcpu_paging_state){ .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
					    .maxphyaddr = 48 };
	assert_int_equal(fetch_guest_insn_short(&vcpu, &state, buf, 0x30000, 1), -EFAULT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_gpa_round_trip_across_extents),
		T(test_gpa_outside_ram),
		T(test_gpa_writes_use_paging_hook),
		T(test_gva_unpaged),
		T(test_gva_long_mode),
		T(test_gva_uses_reported_cr3),
		T(test_gva_hole_counted),
		T(test_insn_access_faults),
		T(test_insn_kernel_read_not_present),
		T(test_insn_access_outside_ram),
		T(test_reported_maxphyaddr),
		T(test_smap_and_ac),
		T(test_2level_paging_walked),
		T(test_gpa_cmpxchg_u64),
		T(test_gpa_edges_touch_nothing),
		T(test_gva_second_page_checked),
		T(test_identity_holes_refused),
		T(test_insn_short_fetch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
