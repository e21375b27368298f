/*
 * pvrwx: a PV kernel linked as XTF links its own (pvrwx.lds: one PT_LOAD
 * segment writable and executable, its sections on pages of their own),
 * seen from inside (docs/pv.md, "Mappings (W^X)"). One line per check:
 * "pvrwx: ok: ..." or "pvrwx: FAIL: ...".
 *
 * Translated (paging=shadow) the builder maps the segment per section
 * and the domain runs with W^X: its code is read-only, its data does
 * not run, a page it makes writable and executable is never both at
 * once and is scanned for WRPKRU before it runs, and a plain
 * mmu_update into code that ran is -EPERM. On shared page tables the
 * segment is mapped as Xen maps it, W^X off (the builder says why on
 * the log): its code is writable there. Either way its hypercall page
 * is its own, with Xen's stubs, readable as on Xen.
 */
#include <public/sched.h>
#include <public/version.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

const char guest_name[] = "pvrwx";

#define PF_WRITE	0x2
#define PF_FETCH	0x10
#define STUB_PUSH_RCX	0x51	/* the first byte of Xen's 64-bit stubs */

extern char hypercall_page[];
static const struct start_info *si;
static bool xlat;

/* Call the code at target; a fault there resumes after the call with
 * the stack as it was. ~0: it returned. */
#define CALLS(target) ({						\
	seen_vector = ~0ULL;						\
	__asm__ volatile("lea 2f(%%rip), %%rax; mov %%rax, %0; mov %%rsp, %%rdx; "	\
			 "call *%1; 2: mov %%rdx, %%rsp"			\
			 : "=m"(resume_at) : "r"(target) : "rax", "rcx", "rdx", "memory"); \
	seen_vector; })

/* Code at the start of a page of its own, the rest of the page padding
 * nothing runs. */
__attribute__((section(".text.rwx"), aligned(4096), noinline))
void own_code(void)
{
	__asm__ volatile("" : : : "memory");
}

/* mov $0xef010f, %eax; ret: a WRPKRU hidden in an immediate, which the
 * scan refuses. Kept as data (.data is no code in the split image). */
static uint8_t hidden_wrpkru[] __attribute__((section(".data"))) =
	{ 0xb8, 0x0f, 0x01, 0xef, 0x00, 0xc3 };

/* Pages of data turned into code at run time, and an address to alias
 * frames at. */
static uint8_t pages[3][4096] __attribute__((aligned(4096)));
static uint8_t alias[4096] __attribute__((aligned(4096)));

static uint64_t mfn_of(uint64_t va)
{
	return ((const uint64_t *)si->mfn_list)[va >> 12];
}

static long map(uint64_t va, uint64_t mfn, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, (mfn << 12) | PT_P | PT_U | PT_A | flags,
			  UVMF_INVLPG);
}

static uint64_t va_of(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void check_hypercall_page(void)
{
	uint64_t v = RAISES("mov (%1), %%al", "r"(hypercall_page));

	expect(hv_xen_version(XENVER_version, NULL) == (4 << 16 | 17),
	       "a call into its hypercall page works (xen_version 4.17)");
	expect(v == ~0ULL && *(volatile uint8_t *)hypercall_page == STUB_PUSH_RCX,
	       "its hypercall page is its own, readable: Xen's stubs (push %rcx first)");
}

/* Shared page tables: as Xen maps it, its code is writable. */
static void check_as_xen(void)
{
	volatile uint8_t *pad = (volatile uint8_t *)(uintptr_t)(va_of(own_code) + 4000);
	uint64_t same = *pad;	/* whatever code shares the page: unchanged */

	expect(RAISES("movb %b2, (%1)", "r"(pad), "r"(same)) == ~0ULL,
	       "shared page tables: its code is writable, as Xen maps it (W^X off)");
}

static void check_split(void)
{
	uint64_t code = va_of(own_code);

	expect(RAISES("movb $0xcc, (%1)", "r"(code + 4000)) == 14 &&	/* nothing written */
	       (seen_error & (PF_WRITE | 1)) == (PF_WRITE | 1),
	       "writing its own code: #PF, present, write");
	pages[0][0] = 0xc3;
	expect(CALLS(pages[0]) == 14 && (seen_error & PF_FETCH),
	       "running its data: #PF, instruction fetch");
}

/* Translated: a writable and executable mapping is accepted and never
 * both at once; what it holds is scanned before it runs. */
static void check_wx_page(void)
{
	uint64_t va = va_of(pages[1]);

	expect(map(va, mfn_of(va), PT_W | PT_D) == 0,
	       "translated: mapping a page of its data writable and executable: accepted");
	pages[1][0] = 0xc3;
	expect(CALLS(va) == ~0ULL, "translated: it runs (a ret, scanned)");
	memcpy(pages[1], hidden_wrpkru, sizeof(hidden_wrpkru));
	expect(pages[1][0] == 0xb8, "translated: then written again through the same mapping");
	expect(CALLS(va) == 14 && (seen_error & PF_FETCH),
	       "translated: with a WRPKRU hidden in it, running it: #PF (scanned again, refused)");
	map(va, mfn_of(va), PT_W | PT_D | PT_NX);
}

/* A plain mmu_update into code that ran: -EPERM, the bytes unchanged. */
static void check_mmu_update_into_code(void)
{
	uint64_t code = va_of(own_code);
	struct mmu_update u;
	unsigned int done = 99;
	long rc;

	own_code();
	u.ptr = (mfn_of(code) << 12) | MMU_NORMAL_PT_UPDATE;
	u.val = *(const volatile uint64_t *)(uintptr_t)code;
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EPERM && done == 0, "mmu_update writing into its own code: -EPERM");
}

/* The hypervisor writes where the guest tells it to, as Xen does (a
 * bounce frame on a stack, a hypercall's answer), even into a page that
 * ran: the page stops running first and is scanned again before it runs
 * next (XTF's xsa-7 takes its #GP frame on the page of its SYSCALL). */
static void check_hypervisor_write(void)
{
	uint64_t va = va_of(pages[2]), al = va_of(alias);
	char *answer = (char *)alias + 64;
	long rc;

	memset(pages[2], 0xcc, sizeof(pages[2]));
	pages[2][0] = 0xc3;
	rc = map(va, mfn_of(va), PT_NX);		/* read-only first */
	if (!rc)
		rc = map(va, mfn_of(va), 0);
	expect(rc == 0 && CALLS(va) == ~0ULL, "a page of data made code (read-only, executable) runs");
	rc = map(al, mfn_of(va), PT_W | PT_D | PT_NX);
	memset(answer, 0x5a, 16);
	if (!rc)
		rc = hv_xen_version(XENVER_extraversion, answer);
	expect(rc == 0 && answer[0] != 0x5a,
	       "the hypervisor writes a hypercall's answer into it through a writable alias");
	expect(CALLS(va) == ~0ULL, "... and it runs again (scanned again)");
	map(al, mfn_of(al), PT_W | PT_D | PT_NX);
	map(va, mfn_of(va), PT_W | PT_D | PT_NX);
}

int guest_main(const struct start_info *start)
{
	si = start;
	probe_all_vectors();
	expect(trap_init() == 0, "set_trap_table");
	xlat = xen_translated();
	con_printf("pvrwx: paging %s\n", xlat ? "translated (shadow)" : "shared");
	check_hypercall_page();
	if (xlat) {
		check_split();
		check_wx_page();
		check_mmu_update_into_code();
		check_hypervisor_write();
	} else {
		check_as_xen();
	}
	con_printf("pvrwx: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
