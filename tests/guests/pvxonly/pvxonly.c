/*
 * pvxonly: the execute-only hypervisor from inside a PV guest (DESIGN.md
 * §4, docs/pv.md). The hypercall page is the hypervisor's, mapped
 * execute-only under a protection key the guest's PKRU keeps shut: calls
 * work, reads and writes fault with the PK bit. WRPKRU and XRSTOR in its
 * code are rewritten into traps the hypervisor emulates with the key
 * kept shut; hidden ones (inside another instruction, across a page end)
 * make a page unexecutable; W^X mappings are refused. One line per check:
 * "pvxonly: ok: ..." or "pvxonly: FAIL: ...".
 *
 * Translated (paging=shadow, XENFEAT_auto_translated_physmap) the same
 * attacks meet the shadow engine, which accepts any mapping the guest
 * writes and refuses at the access instead: a page is scanned when it is
 * first fetched (and again after every write), the hypercall page is a
 * guest frame above its RAM that every mapping reaches in one form only.
 * Where the two modes differ, the translated line says "translated:" and
 * checks the refusal where the engine makes it.
 */
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

const char guest_name[] = "pvxonly";

#define PF_PK	0x20
#define KEY_SHUT(pkru)	(((pkru) >> 30) == 3)	/* key 15: AD and WD */

extern char hypercall_page[];
static const struct start_info *si;
static bool xlat;	/* paging=shadow: translated */

/* Call the code at target; a fault there resumes after the call with
 * the stack as it was before it. ~0: it returned. */
#define CALLS(target) ({						\
	seen_vector = ~0ULL;						\
	__asm__ volatile("lea 2f(%%rip), %%rax; mov %%rax, %0; mov %%rsp, %%rdx; "	\
			 "call *%1; 2: mov %%rdx, %%rsp"			\
			 : "=m"(resume_at) : "r"(target) : "rax", "rcx", "rdx", "memory"); \
	seen_vector; })

/* The shared-page-tables line, or the translated one. */
#define MODE(shared, translated)	(xlat ? "translated: " translated : (shared))

static uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static uint64_t mfn_of(uint64_t va)
{
	return ((const uint64_t *)si->mfn_list)[va >> 12];
}

static long map(uint64_t va, uint64_t mfn, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, (mfn << 12) | PT_P | PT_U | PT_A | flags,
			  UVMF_INVLPG);
}

/* A hypercall through the hypercall page mapped at page. */
static long call_at(uint64_t page, unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r10 __asm__("r10") = 0;
	register uint64_t r8 __asm__("r8") = 0;
	long ret;

	__asm__ volatile("call *%[target]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [target] "r"(page + nr * 32)
			 : "memory", "rcx", "r9", "r11");
	return ret;
}

static uint64_t table_va(uint64_t mfn);
static uint64_t l1_entry(uint64_t va);

/* Real instructions, each at the start of its own page of code, so the
 * hypervisor's decode of the page (from offset 0) sees them as they are. */
__attribute__((section(".text.xonly"), aligned(4096), noinline))
void real_wrpkru(uint32_t pkru, uint32_t ecx)
{
	__asm__ volatile("wrpkru" : : "a"(pkru), "c"(ecx), "d"(0) : "memory");
}

static uint8_t xsave_area[4096] __attribute__((aligned(64)));

__attribute__((section(".text.xonly2"), aligned(4096), noinline))
void real_xrstor(void)
{
	__asm__ volatile("xrstor %0" : : "m"(xsave_area), "a"(~0u), "d"(~0u) : "memory");
}

static void check_hypercall_page(void)
{
	uint64_t v;

	expect(hv_xen_version(XENVER_version, NULL) == (4 << 16 | 17),
	       "a call into the hypercall page works (xen_version 4.17)");
	expect(KEY_SHUT(rdpkru()), "PKRU has the hypervisor's key 15 access- and write-disabled");
	v = RAISES("mov (%1), %%rax", "r"(hypercall_page));
	expect(v == 14 && seen_error == (0x5 | PF_PK),
	       "reading the hypercall page: #PF, present, user, PK (error 0x25)");
	if (v != 14 || seen_error != (0x5 | PF_PK))
		con_printf("pvxonly: read gave vector %lu error %#lx\n", (unsigned long)v,
			   (unsigned long)seen_error);
	v = RAISES("movb $0xc3, 32(%1)", "r"(hypercall_page));
	expect(v == 14 && (seen_error & 7) == 7, "writing the hypercall page: #PF, present, write, user");
	/* The hypervisor reads and writes guest memory for the guest: not
	 * that page (not a frame of the domain's). */
	expect(hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 16, hypercall_page) == -XEN_EFAULT,
	       "console_io from the hypercall page (the hypervisor reading it): -EFAULT");
	expect(hv_xen_version(XENVER_extraversion, hypercall_page) == -XEN_EFAULT,
	       "xen_version's answer into the hypercall page: -EFAULT");
	/* Its code frame there writable: W^X refuses it on shared page
	 * tables; translated it would be accepted and end every hypercall. */
	if (!xlat)
		expect(map((uint64_t)(uintptr_t)hypercall_page, mfn_of(0x100000), PT_W) < 0 ||
		       RAISES("mov (%1), %%rax", "r"(hypercall_page)) == 14,
		       "remapping the hypercall page's address stays the guest's own business");
}

static uint8_t alias[4096] __attribute__((aligned(4096)));
static volatile uint64_t spare[512] __attribute__((aligned(4096)));

/* The key belongs to the frame, not to the address: its own page at the
 * hypercall page's address reads as any page; the hypervisor's frame at
 * another address runs and does not read. */
static void check_remap_hypercall_address(void)
{
	uint64_t hc = (uint64_t)(uintptr_t)hypercall_page, al = (uint64_t)(uintptr_t)alias;
	uint64_t e = l1_entry(hc), hv = (e & 0x000ffffffffff000ULL) >> 12;
	uint64_t own = (mfn_of((uint64_t)(uintptr_t)spare) << 12) | PT_P | PT_U | PT_A | PT_W |
		       PT_D | PT_NX;
	long rc, back;
	uint64_t v, got = 0;

	spare[0] = 0x5e1f;
	rc = map(al, hv, 15ULL << 59);
	expect(rc == 0 && call_at(al, __HYPERVISOR_xen_version, XENVER_version, 0, 0) == (4 << 16 | 17),
	       "the hypercall page mapped at another address: a call through it works");
	expect(RAISES("mov (%1), %%rax", "r"(al)) == 14 && (seen_error & PF_PK),
	       "... and a read there faults (PK)");
	/* Calls through the alias while its own page is at the usual place. */
	rc = call_at(al, __HYPERVISOR_update_va_mapping, hc, own, UVMF_INVLPG);
	v = RAISES("mov (%1), %%rax; mov %%rax, (%2)", "r"(hypercall_page), "r"(&got));
	back = call_at(al, __HYPERVISOR_update_va_mapping, hc, e, UVMF_INVLPG);
	expect(rc == 0 && v == ~0ULL && got == 0x5e1f && back == 0,
	       "its own page at the hypercall page's address reads as its own; put back");
	expect(hv_xen_version(XENVER_version, NULL) == (4 << 16 | 17) &&
	       RAISES("mov (%1), %%rax", "r"(hypercall_page)) == 14,
	       "calls through the usual address work again, reads fault again");
	rc = map(al, mfn_of(al), PT_W | PT_D | PT_NX);
	expect(rc == 0, "its own page back at the other address");
}

/* Where the first rewritten trap (0F B9) is in the n bytes at c, or n. */
static unsigned int trap_at(const volatile uint8_t *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && !(c[i] == 0x0f && c[i + 1] == 0xb9); i++)
		;
	return i;
}

/* With key 1 shut by its own WRPKRU: a page of its own under key 1 is
 * the CPU's protection-key fault, bounced as the CPU reported it. */
static void check_own_key(void)
{
	uint64_t al = (uint64_t)(uintptr_t)alias, v;
	long rc = map(al, mfn_of((uint64_t)(uintptr_t)spare), PT_W | PT_D | PT_NX | (1ULL << 59));

	v = rc ? 0 : RAISES("mov (%1), %%rax", "r"(al));
	expect(v == 14 && seen_error == (0x5 | PF_PK),
	       "its own page under its key 1, shut: a read #PF with PK (error 0x25)");
	v = rc ? 0 : RAISES("movb $1, (%1)", "r"(al));
	expect(v == 14 && seen_error == (0x7 | PF_PK),
	       "... a write #PF with PK (error 0x27)");
	real_wrpkru(0, 0);
	v = rc ? 0 : RAISES("mov (%1), %%rax", "r"(al));
	expect(v == ~0ULL, "key 1 open again: the read goes through");
	map(al, mfn_of(al), PT_W | PT_D | PT_NX);
}

/* Where XRSTOR (0F AE /5, memory) or its rewritten form (0F B9 /5) is
 * in the n bytes at c, or n. */
static unsigned int xrstor_at(const volatile uint8_t *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (c[i] == 0x0f && (c[i + 1] == 0xae || c[i + 1] == 0xb9) &&
		    ((c[i + 2] >> 3) & 7) == 5 && (c[i + 2] >> 6) != 3)
			break;
	return i;
}

/* Run first: translated, a page is scanned (and rewritten) when it is
 * first fetched; on shared page tables when it was mapped. */
static void check_real_instructions(void)
{
	const volatile uint8_t *c = (const volatile uint8_t *)(uintptr_t)real_wrpkru;
	unsigned int i;
	uint64_t v;

	real_wrpkru(0, 0);
	i = trap_at(c, 16);
	expect(i < 16, "the WRPKRU in its code was rewritten one-to-one (0F 01 EF -> 0F B9 EF)");
	expect(KEY_SHUT(rdpkru()) && (rdpkru() & 0x3fffffff) == 0,
	       "WRPKRU of 0 is emulated: keys 0-14 open, key 15 stays shut");
	expect(RAISES("mov (%1), %%rax", "r"(hypercall_page)) == 14,
	       "after it, reading the hypercall page still faults");
	real_wrpkru(0x0c, 0);	/* key 1 shut: nothing of ours uses it */
	expect((rdpkru() & 0x3fffffff) == 0x0c && KEY_SHUT(rdpkru()),
	       "WRPKRU keeps the guest's own keys as it asked");
	check_own_key();
	real_wrpkru(0, 0);
	c = (const volatile uint8_t *)(uintptr_t)real_xrstor;
	i = xrstor_at(c, 24);
	/* Straight to the instruction: no frame of the function to unwind. */
	v = i < 24 ? RAISES("mov $-1, %%eax; mov $-1, %%edx; jmp *%1", "r"(c + i)) : 0;
	expect(i < 24 && c[i + 1] == 0xb9,
	       "the XRSTOR in its code was rewritten one-to-one (0F AE /5 -> 0F B9 /5)");
	expect(v == 6 && KEY_SHUT(rdpkru()),
	       "XRSTOR with PKRU (bit 9) in its mask: #UD, as without XSAVE; the key stays shut");
}

/* Code bytes kept as data: in .rodata, which shares the text segment,
 * the hidden ones would refuse the image itself (GCC moves a static
 * nobody writes there, hence the section). */
#define CODE_BYTES	__attribute__((section(".data")))
static uint8_t hidden_wrpkru[] CODE_BYTES = { 0xb8, 0x0f, 0x01, 0xef, 0x00, 0xc3 };	/* mov $0xef010f, %eax; ret */

/* Pages of data the guest turns into code at run time. */
static uint8_t pages[6][4096] __attribute__((aligned(4096)));

static long make_code(unsigned int i)
{
	uint64_t va = (uint64_t)(uintptr_t)pages[i];
	long rc = map(va, mfn_of(va), PT_NX);	/* read-only first: W^X */

	return rc ? rc : map(va, mfn_of(va), 0);
}

/* Shared page tables refuse the executable mapping (-EPERM); translated
 * it is accepted and the first fetch is refused: either way nothing of
 * the page runs, and running it is a #PF for an instruction fetch. */
static void check_runtime_code(void)
{
	static uint8_t real[] CODE_BYTES = { 0x0f, 0x01, 0xef, 0xc3 };	/* wrpkru; ret */
	static uint8_t hidden_xrstor[] CODE_BYTES = { 0x48, 0xb8, 0x0f, 0xae, 0x28, 0, 0, 0, 0, 0, 0xc3 };
	static uint8_t split1[] CODE_BYTES = { 0x0f, 0x01, 0xef, 0xc3 };
	static uint8_t split2[] CODE_BYTES = { 0x0f, 0x01, 0xef };
	uint64_t va;
	long rc;

	memcpy(pages[0], hidden_wrpkru, sizeof(hidden_wrpkru));
	rc = make_code(0);
	expect(xlat ? rc == 0 : rc == -XEN_EPERM,
	       MODE("a page with WRPKRU hidden in an immediate cannot become executable: -EPERM",
		    "a page with WRPKRU hidden in an immediate may be mapped executable"));
	va = (uint64_t)(uintptr_t)pages[0] + 1;
	expect(RAISES("jmp *%1", "r"(va)) == 14 && (seen_error & 0x10) && KEY_SHUT(rdpkru()),
	       "jumping into the hidden WRPKRU: #PF (instruction fetch), nothing ran");
	va = (uint64_t)(uintptr_t)pages[0];
	expect(RAISES("jmp *%1", "r"(va)) == 14 && (seen_error & 0x10),
	       "its first byte does not run either: the whole page is refused");

	memcpy(pages[1], real, sizeof(real));
	rc = make_code(1);
	if (rc == 0)
		__asm__ volatile("xor %%eax, %%eax; xor %%ecx, %%ecx; xor %%edx, %%edx; call *%0"
				 : : "r"(pages[1]) : "rax", "rcx", "rdx", "memory");
	expect(rc == 0 && pages[1][1] == 0xb9, "a page with a real WRPKRU becomes executable, rewritten");
	expect(KEY_SHUT(rdpkru()), "running it: the key stays shut");
	/* WRPKRU with ECX != 0 is #GP(0) on the CPU, and so emulated. */
	expect(RAISES("mov $1, %%ecx; xor %%edx, %%edx; xor %%eax, %%eax; jmp *%1", "r"(pages[1])) == 13 &&
	       seen_error == 0, "emulated WRPKRU with ECX != 0: #GP(0), as the CPU");

	/* 0F at the end of one page, 01 EF at the start of the next (copied
	 * from data: as immediates they would be hidden WRPKRUs in our own
	 * code, and our own image would be refused). */
	memcpy(&pages[2][4095], split1, 1);
	memcpy(pages[3], split1 + 1, 3);
	rc = make_code(2);
	expect(rc == 0, "a page ending in 0F alone may become executable");
	rc = make_code(3);
	expect(xlat ? rc == 0 : rc == -XEN_EPERM,
	       MODE("WRPKRU straddling into the next page (0F | 01 EF): the next page -EPERM",
		    "WRPKRU straddling into the next page (0F | 01 EF): both pages mapped executable"));
	va = (uint64_t)(uintptr_t)pages[2] + 4095;
	expect(RAISES("jmp *%1", "r"(va)) == 14 && (seen_error & 0x10) && KEY_SHUT(rdpkru()),
	       "running the 0F | 01 EF split: #PF (instruction fetch) at the next page, nothing ran");
	/* 0F 01 at the end of one page: that page is refused. */
	memcpy(&pages[4][4094], split2, 2);
	memcpy(pages[5], split2 + 2, 1);
	rc = make_code(4);
	expect(xlat ? rc == 0 : rc == -XEN_EPERM,
	       MODE("WRPKRU straddling the page end (0F 01 | EF): that page -EPERM",
		    "WRPKRU straddling the page end (0F 01 | EF): mapped executable"));
	va = (uint64_t)(uintptr_t)pages[4] + 4094;
	expect(RAISES("jmp *%1", "r"(va)) == 14 && (seen_error & 0x10), "jumping to it: #PF");

	memset(pages[5], 0xcc, 4096);
	memcpy(pages[5], hidden_xrstor, sizeof(hidden_xrstor));
	rc = make_code(5);
	expect(xlat ? rc == 0 : rc == -XEN_EPERM,
	       MODE("XRSTOR hidden in an immediate: -EPERM",
		    "XRSTOR hidden in an immediate: mapped executable"));
	va = (uint64_t)(uintptr_t)pages[5];
	expect(RAISES("jmp *%1", "r"(va)) == 14 && (seen_error & 0x10),
	       "running the page with the hidden XRSTOR: #PF (instruction fetch)");
}

static uint8_t wx_page[4096] __attribute__((aligned(4096)));

/* Translated: a page writable and executable for the guest is never both
 * in the shadow. Running it takes its writable mapping away; a write
 * takes execution away until it is scanned again, so code written after
 * a scan is scanned too, through whichever mapping it was written. */
static void check_wx_translated(uint64_t va, uint64_t al)
{
	long rc;

	memset(wx_page, 0xcc, sizeof(wx_page));	/* int3: one byte each */
	wx_page[0] = 0xc3;	/* ret */
	expect(CALLS(va) == ~0ULL, "translated: it runs (a ret)");
	memcpy(&wx_page[16], hidden_wrpkru, sizeof(hidden_wrpkru));
	expect(wx_page[16] == 0xb8, "translated: then written again through the same mapping");
	expect(CALLS(va) == 14 && (seen_error & 0x10) && KEY_SHUT(rdpkru()),
	       "translated: with a WRPKRU hidden in it now, running it is #PF (scanned again)");
	rc = map(al, mfn_of(va), 0);
	expect(rc == 0 && CALLS(al) == 14 && (seen_error & 0x10),
	       "translated: an executable alias of that page: refused the same");
	memset(&wx_page[16], 0xcc, sizeof(hidden_wrpkru));
	expect(CALLS(al) == ~0ULL, "translated: rewritten without it, the alias runs");
	memcpy(&wx_page[16], hidden_wrpkru, sizeof(hidden_wrpkru));
	expect(CALLS(al) == 14 && (seen_error & 0x10) && KEY_SHUT(rdpkru()),
	       "translated: a WRPKRU hidden through the writable mapping stops the alias running");
}

/* Translated: its own code through a writable alias. The write is
 * allowed (the page stops running), the page is scanned again before it
 * runs, and a hidden WRPKRU written into it is refused. The bytes used
 * are the tail of real_wrpkru's page, which holds nothing else. */
static void check_code_alias_translated(uint64_t al, uint64_t text)
{
	volatile uint8_t *w = (volatile uint8_t *)(uintptr_t)(al + 4096 - 16);
	uint8_t saved[sizeof(hidden_wrpkru)];
	uint64_t v;

	real_wrpkru(0, 0);	/* running: scanned */
	for (unsigned int i = 0; i < sizeof(hidden_wrpkru); i++) {
		saved[i] = w[i];
		w[i] = hidden_wrpkru[i];
	}
	v = RAISES("jmp *%1", "r"(text));
	for (unsigned int i = 0; i < sizeof(hidden_wrpkru); i++)
		w[i] = saved[i];
	expect(v == 14 && (seen_error & 0x10) && KEY_SHUT(rdpkru()),
	       "translated: a WRPKRU hidden in its code through a writable alias: the page no longer runs");
	real_wrpkru(0, 0);
	expect(KEY_SHUT(rdpkru()), "translated: put back, it runs again (scanned again)");
}

static void check_wx(void)
{
	uint64_t va = (uint64_t)(uintptr_t)wx_page, al = (uint64_t)(uintptr_t)alias;
	uint64_t text = (uint64_t)(uintptr_t)real_wrpkru;
	struct mmu_update u;
	unsigned int done = 99;
	long rc;

	rc = map(va, mfn_of(va), PT_W | PT_D);
	expect(xlat ? rc == 0 : rc == -XEN_EINVAL,
	       MODE("mapping a page writable and executable: -EINVAL",
		    "mapping a page writable and executable: accepted"));
	wx_page[0] = 0xc3;
	expect(wx_page[0] == 0xc3, MODE("the refused mapping changed nothing (still writable)",
					"the page is writable"));
	if (xlat) {
		check_wx_translated(va, al);
	} else {
		rc = map(al, mfn_of(va), 0);
		expect(rc == -XEN_EPERM, "an executable alias of a page writable elsewhere: -EPERM");
	}
	rc = map(al, mfn_of(text), PT_W | PT_D | PT_NX);
	expect(xlat ? rc == 0 : rc == -XEN_EPERM,
	       MODE("a writable alias of its own code: -EPERM",
		    "a writable alias of its own code: accepted"));
	if (xlat && rc == 0)
		check_code_alias_translated(al, text);
	/* Its own bytes, unchanged: a write that got through changes nothing. */
	real_wrpkru(0, 0);	/* running: scanned (translated) */
	u.ptr = (mfn_of(text) << 12) | 0;
	u.val = *(const volatile uint64_t *)(uintptr_t)text;
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EPERM && done == 0, "mmu_update writing into its own code: -EPERM");
	rc = map(al, mfn_of(al), PT_W | PT_D | PT_NX);
	expect(rc == 0, "its own data page, writable and no-execute: fine");
	if (xlat)
		map(va, mfn_of(va), PT_W | PT_D | PT_NX);
}

/* The virtual address of bootstrap page-table frame mfn (the builder
 * maps them read-only), or 0; and the L1 entry that maps va. */
static uint64_t table_va(uint64_t mfn)
{
	for (uint64_t i = 0; i < si->nr_pt_frames; i++)
		if (mfn_of(si->pt_base + i * 4096) == mfn)
			return si->pt_base + i * 4096;
	return 0;
}

static uint64_t l1_entry(uint64_t va)
{
	uint64_t t = si->pt_base;

	for (int level = 4; level > 1 && t; level--) {
		uint64_t e = ((const volatile uint64_t *)t)[(va >> (12 + 9 * (level - 1))) & 511];

		t = table_va((e & 0x000ffffffffff000ULL) >> 12);
	}
	return t ? ((const volatile uint64_t *)t)[(va >> 12) & 511] : 0;
}

/* Its own L1 names the hypervisor's frame: shared page tables refuse
 * mapping that frame in any other form; translated every mapping of it
 * gets that form (or the fault a read or write there gives). */
static void check_mapping_the_page(void)
{
	uint64_t e = l1_entry((uint64_t)(uintptr_t)hypercall_page);
	uint64_t hv = (e & 0x000ffffffffff000ULL) >> 12, al = (uint64_t)(uintptr_t)alias;
	long rc;

	expect(e && !(e & PT_W) && ((e >> 59) & 15) == 15 && (!xlat || hv >= si->nr_pages),
	       MODE("its L1 maps the hypercall page read-only under key 15",
		    "its L1 maps the hypercall page read-only under key 15, a frame above its RAM"));
	rc = map(al, hv, PT_W | PT_D | PT_NX);
	if (xlat)
		expect(rc == 0 && RAISES("movb $1, (%1)", "r"(al)) == 14 && (seen_error & 7) == 7 &&
		       RAISES("mov (%1), %%rax", "r"(al)) == 14 && seen_error == (0x5 | PF_PK),
		       "translated: the hypervisor's frame mapped writable: a write #PF, a read #PF (PK)");
	else
		expect(rc == -XEN_EPERM, "mapping the hypervisor's hypercall frame writable: -EPERM");
	rc = map(al, hv, PT_NX);
	if (xlat)
		expect(rc == 0 && RAISES("mov (%1), %%rax", "r"(al)) == 14 && seen_error == (0x5 | PF_PK),
		       "translated: mapped without the hypervisor's key: a read still #PF (PK)");
	else
		expect(rc == -XEN_EPERM, "mapping it without the hypervisor's key: -EPERM");
	rc = map(al, hv, 15ULL << 59);
	expect(rc == 0 && RAISES("mov (%1), %%rax", "r"(al)) == 14 && (seen_error & PF_PK),
	       "mapping it again as it is: allowed, and a read still faults (PK)");
	if (xlat) {
		/* By its guest frame, a translated guest's way to name it. */
		struct gnttab_copy op = {
			.source = { .u.gmfn = hv, .domid = DOMID_SELF },
			.dest = { .u.gmfn = mfn_of((uint64_t)(uintptr_t)spare), .domid = DOMID_SELF },
			.len = 8,
		};

		spare[0] = 0x5e1f;
		rc = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, &op, 1);
		expect(rc == 0 && op.status == GNTST_bad_page && spare[0] == 0x5e1f,
		       "translated: GNTTABOP_copy from the hypercall page's frame: GNTST_bad_page");
	}
	rc = map(al, hv + 1, PT_NX);
	if (xlat)
		expect(rc == 0 && RAISES("mov (%1), %%rax", "r"(al)) == 14 && !(seen_error & 1),
		       "translated: the frame after it: nothing there, a read #PF (not present)");
	else
		expect(rc == -XEN_EPERM, "mapping the hypervisor's next frame: -EPERM");
	rc = map(al, mfn_of(al), PT_W | PT_D | PT_NX);
	expect(rc == 0, "its own page back at that address");
}

/* Pages the hypervisor writes itself (event bits, time) never become
 * code, and it places none of them onto code. */
static void check_hypervisor_written(void)
{
	uint64_t al = (uint64_t)(uintptr_t)alias, code = (uint64_t)(uintptr_t)real_wrpkru;
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = code >> 12,
	};
	long rc;

	rc = map(al, si->shared_info >> 12, 0);
	if (xlat)
		expect(rc == 0 && RAISES("jmp *%1", "r"(al)) == 14 && (seen_error & 0x10),
		       "translated: shared_info (event bits the hypervisor sets) mapped executable: "
		       "running it #PF");
	else
		expect(rc == -XEN_EPERM,
		       "shared_info (event bits the hypervisor sets) mapped executable: -EPERM");
	map(al, mfn_of(al), PT_W | PT_D | PT_NX);
	real_wrpkru(0, 0);	/* running: its page is code now in either mode */
	rc = hypercall2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp);
	expect(rc == -XEN_EPERM, "add_to_physmap of shared_info onto its own code: -EPERM");
	real_wrpkru(0, 0);
	expect(KEY_SHUT(rdpkru()) && trap_at((const volatile uint8_t *)code, 16) < 16,
	       "its code is unchanged and still runs");
}

int guest_main(const struct start_info *start)
{
	si = start;
	probe_all_vectors();
	expect(trap_init() == 0, "set_trap_table");
	xlat = xen_translated();
	con_printf("pvxonly: paging %s\n", xlat ? "translated (shadow)" : "shared");
	check_hypercall_page();
	check_remap_hypercall_address();
	check_real_instructions();
	check_runtime_code();
	check_wx();
	check_mapping_the_page();
	check_hypervisor_written();
	con_printf("pvxonly: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
