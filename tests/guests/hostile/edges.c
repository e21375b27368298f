/*
 * Guest-memory copies at their edges (named-only attacks):
 *   xpage       buffers that cross a page boundary, to hypercalls and to
 *               string I/O: the second page unmapped, read-only,
 *               supervisor-only or mapped to a frame that is not the one
 *               after the first page's. The hypervisor must translate and
 *               check each page; a copy that reads or writes the frame
 *               after the first instead is caught here.
 *   strio-np    INS/OUTS at CPL 0 on a not-present page: #PF with the
 *               error code the CPU gives (0 for a read, W for a write)
 *   pte-ones    a PTE of all ones: bits above the CPU's physical-address
 *               width are reserved, so a load, a store and string I/O there
 *               give #PF with RSVD (not a crashed domain, not #GP)
 *   halt-cli    HLT with interrupts off, no timer, nothing pending: the
 *               hypervisor takes the vCPU down and, it being the last one
 *               up, powers the domain off, as Xen does (never returns)
 */
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/version.h>
#include <public/xen.h>

#include "cpu.h"
#include "hostile.h"
#include "hypercall.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"

#define EDGE_VA		PML4_SLOT_VA(8)	/* two pages: EDGE_VA, EDGE_VA + 4K */
#define SECOND_VA	(EDGE_VA + PAGE_SIZE)
#define PORT_SCRATCH	0x3ff		/* COM1 scratch register: a byte that sticks */
#define PORT_EMPTY	0x80
#define FILL_A		0xa1
#define FILL_B		0xb2
#define FILL_C		0xc3
#define VEC_RIGHT	0xf3
#define VEC_WRONG	0xf5

/* A and B are adjacent frames, C is not A's neighbour. A copy that
 * skips the second translation lands in B; the mappings never use B. */
static uint8_t frames[3][4096] __attribute__((aligned(4096)));
#define FRAME_A		frames[0]
#define FRAME_B		frames[1]
#define FRAME_C		frames[2]

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;	/* slot 0 is an identity map */
}

/* EDGE_VA -> A with first_flags; SECOND_VA -> C with second_flags, or
 * not present when second_flags is ~0. */
static bool map_edge(uint64_t first_flags, uint64_t second_flags)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *e;

	memset(FRAME_A, FILL_A, PAGE_SIZE);
	memset(FRAME_B, FILL_B, PAGE_SIZE);
	memset(FRAME_C, FILL_C, PAGE_SIZE);
	if (!pt_map(root, EDGE_VA, pa(FRAME_A), first_flags) ||
	    !pt_map(root, SECOND_VA, pa(FRAME_C), second_flags == ~0ULL ? 0 : second_flags)) {
		check_that("map the two pages", false, 0);
		return false;
	}
	if (second_flags == ~0ULL) {
		e = pt_leaf(root, SECOND_VA);
		*e = 0;
	}
	invlpg(EDGE_VA);
	invlpg(SECOND_VA);
	return true;
}

static bool all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != v)
			return false;
	}
	return true;
}

static void neighbour_intact(const char *what)
{
	check_that(what, all(FRAME_B, PAGE_SIZE, FILL_B), FRAME_B[0]);
}

static long console_write_at(uint64_t va, uint64_t len)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, va);
}

static long extraversion_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion, va);
}

static void efault(const char *what, long rc)
{
	check_rc(what, rc, -XEN_EFAULT);
	expected.guest_faults++;
}

static void second_unmapped(void)
{
	if (!map_edge(PTE_W, ~0ULL))
		return;
	efault("console_io(write) 16 bytes into an unmapped second page",
	       console_write_at(SECOND_VA - 8, 16));
	/* ".0-umbra" is copied in one piece: four bytes on each page. */
	efault("xen_version(extraversion) into an unmapped second page",
	       extraversion_at(SECOND_VA - 4));
	neighbour_intact("the frame after the first page is untouched");
}

static void second_read_only(void)
{
	if (!map_edge(PTE_W, 0))
		return;
	efault("xen_version(extraversion) into a read-only second page",
	       extraversion_at(SECOND_VA - 4));
	check_that("the read-only second page is unchanged", all(FRAME_C, PAGE_SIZE, FILL_C),
		   FRAME_C[0]);
	neighbour_intact("the frame after the first page is untouched");
}

static long set_callback_at(uint64_t va)
{
	return hypercall2(__HYPERVISOR_hvm_op, HVMOP_set_param, va);
}

static uint64_t callback_value(uint8_t vec)
{
	return ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) |
	       vec;
}

/* A struct whose first half is on the first page and whose second half
 * (the value) is on the second: the value read must be C's, not B's. */
static void read_crossing_struct(void)
{
	struct xen_hvm_param head = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ };
	struct xen_hvm_param get = head;
	uint64_t right = callback_value(VEC_RIGHT), wrong = callback_value(VEC_WRONG);

	memcpy(FRAME_A + PAGE_SIZE - 8, &head, 8);
	memcpy(FRAME_C, &right, 8);
	memcpy(FRAME_B, &wrong, 8);
	check_rc("hvm_op(set_param) with the value on the second page",
		 set_callback_at(SECOND_VA - 8), 0);
	check_rc("hvm_op(get_param)", hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param,
						 pa(&get)), 0);
	check_that("the value came from the second page's frame", get.value == right,
		   get.value);
	get.value = 0;
	check_rc("callback turned off again", set_callback_at(pa(&get)), 0);
	memset(FRAME_B, FILL_B, 16);
}

static void insb_cpl0(void *dst)
{
	uint64_t n = 16;

	__asm__ __volatile__("rep insb" : "+D"(dst), "+c"(n) : "d"(PORT_SCRATCH) : "memory");
}

static void outsb_cpl0(void *src)
{
	uint64_t n = 16;

	__asm__ __volatile__("rep outsb" : "+S"(src), "+c"(n) : "d"(PORT_SCRATCH) : "memory");
}

static void outsb_at_second(void *p)
{
	outsb_cpl0(p);
}

static void insb_at_second(void *p)
{
	insb_cpl0(p);
}

static void second_elsewhere(void)
{
	static const char tail[] = "mbra";
	void *edge = (void *)(uintptr_t)(SECOND_VA - 8);

	if (!map_edge(PTE_W, PTE_W))
		return;
	/* ".0-umbra": four bytes on each page, then NULs to 16. */
	check_rc("xen_version(extraversion) across two frames",
		 extraversion_at(SECOND_VA - 4), 0);
	check_that("its head is on the first page",
		   !memcmp(FRAME_A + PAGE_SIZE - 4, ".0-u", 4), FRAME_A[PAGE_SIZE - 4]);
	check_that("its tail is on the second page's frame",
		   !memcmp(FRAME_C, tail, 4) && all(FRAME_C + 4, 8, 0), FRAME_C[0]);
	neighbour_intact("the frame after the first page is untouched");

	read_crossing_struct();

	outb(PORT_SCRATCH, 0x77);
	expect_trap("rep insb across two frames", insb_cpl0, edge, NO_TRAP);
	check_that("rep insb filled the end of the first page",
		   all(FRAME_A + PAGE_SIZE - 8, 8, 0x77), FRAME_A[PAGE_SIZE - 8]);
	check_that("and the start of the second page's frame", all(FRAME_C, 8, 0x77),
		   FRAME_C[0]);
	neighbour_intact("the frame after the first page is untouched");

	FRAME_C[7] = 0x42;
	expect_trap("rep outsb across two frames", outsb_cpl0, edge, NO_TRAP);
	check_that("its last byte came from the second page's frame",
		   inb(PORT_SCRATCH) == 0x42, inb(PORT_SCRATCH));
}

static long user_outsb(void *src)
{
	uint64_t n = 16;

	__asm__ __volatile__("rep outsb" : "+S"(src), "+c"(n) : "d"(PORT_EMPTY) : "memory");
	return 0;
}

static long user_insb(void *dst)
{
	uint64_t n = 16;

	__asm__ __volatile__("rep insb" : "+D"(dst), "+c"(n) : "d"(PORT_EMPTY) : "memory");
	return 0;
}

static void user_string_io(const char *what, long (*fn)(void *), uint32_t want_error)
{
	struct trap_record rec;
	bool returned = user_call_iopl(fn, (void *)(uintptr_t)(SECOND_VA - 8), &rec);

	check_trap(what, !returned, &rec, TRAP_PF);
	check_that("  at the second page", rec.cr2 == SECOND_VA, rec.cr2);
	check_that("  with a user-mode protection error code", rec.error == want_error,
		   rec.error);
}

static void second_supervisor(void)
{
	if (!map_edge(PTE_W | PTE_U, PTE_W))
		return;
	user_string_io("rep outsb at CPL 3 into a supervisor-only second page", user_outsb,
		       PFEC_PRESENT | PFEC_USER);
	expected.io_unhandled += 8;	/* the first page's bytes went out */
	neighbour_intact("the frame after the first page is untouched");
	user_string_io("rep insb at CPL 3 into a supervisor-only second page", user_insb,
		       PFEC_PRESENT | PFEC_WRITE | PFEC_USER);
	expected.io_unhandled += 9;	/* the ninth byte is read, then not stored */
	check_that("the supervisor-only page is unchanged", all(FRAME_C, PAGE_SIZE, FILL_C),
		   FRAME_C[0]);
	neighbour_intact("the frame after the first page is untouched");
}

void attack_xpage(void)
{
	write_cr0(read_cr0() | CR0_WP);
	second_unmapped();
	second_read_only();
	second_supervisor();
	second_elsewhere();
}

/* The CPU's #PF for INS/OUTS at CPL 0 on a page that is not present:
 * error code 0 for the read of OUTS, W for the write of INS. */
static void expect_pf(const char *what, void (*fn)(void *), uint32_t want_error)
{
	struct trap_record rec;
	bool caught = trap_catch(fn, (void *)(uintptr_t)(SECOND_VA - 8), &rec);

	check_trap(what, caught, &rec, TRAP_PF);
	check_that("  at the not-present page", caught && rec.cr2 == SECOND_VA, rec.cr2);
	check_that("  error code as the CPU gives it", caught && rec.error == want_error,
		   rec.error);
}

void attack_strio_np(void)
{
	if (!map_edge(PTE_W, ~0ULL))
		return;
	expect_pf("rep outsb at CPL 0 from a not-present page", outsb_cpl0, 0);
	expect_pf("rep insb at CPL 0 into a not-present page", insb_cpl0, PFEC_WRITE);
	neighbour_intact("the frame after the first page is untouched");
}

static void load_from(void *p)
{
	(void)*(volatile uint8_t *)p;
}

static void store_to(void *p)
{
	*(volatile uint8_t *)p = 1;
}

static void expect_rsvd(const char *what, void (*fn)(void *), uint32_t access_bits)
{
	struct trap_record rec;
	bool caught = trap_catch(fn, (void *)(uintptr_t)(SECOND_VA + 16), &rec);

	check_trap(what, caught, &rec, TRAP_PF);
	check_that("  at the page", caught && rec.cr2 == SECOND_VA + 16, rec.cr2);
	/* P is left out: hardware sets it with RSVD, QEMU's TCG does not
	 * (a CPU-raised fault under nested paging shows 0x8). */
	check_that("  with RSVD in the error code",
		   caught && (rec.error & ~PFEC_PRESENT) == (PFEC_RSVD | access_bits), rec.error);
}

void attack_pte_ones(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *e;

	if (!map_edge(PTE_W, PTE_W) || !(e = pt_leaf(root, SECOND_VA))) {
		check_that("map the page", false, 0);
		return;
	}
	*e = ~0ULL;
	invlpg(SECOND_VA);
	expect_rsvd("a load through an all-ones PTE", load_from, 0);
	expect_rsvd("a store through an all-ones PTE", store_to, PFEC_WRITE);
	/* String I/O: the hypervisor walks the tables itself. */
	expect_rsvd("rep outsb from an all-ones PTE", outsb_at_second, 0);
	expect_rsvd("rep insb into an all-ones PTE", insb_at_second, PFEC_WRITE);
	*e = 0;
	invlpg(SECOND_VA);
}

void attack_halt_cli(void)
{
	hv_set_timer_op(0);
	__asm__ __volatile__("cli; hlt" ::: "memory");
}
