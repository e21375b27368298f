/*
 * pvabi: the rest of Xen's x86-64 PV guest ABI, and what it must refuse.
 * Descriptor tables (set_gdt, update_descriptor: Xen's descriptor checks,
 * the frames typed and kept read-only), guest user mode (a user base
 * pointer, iret into user mode, #BP and SYSCALL from there back on the
 * stack_switch stack), fpu_taskswitch with #NM and CLTS, the privileged
 * reads Umbra emulates, set_segment_base, vm_assist, multicall and the
 * read-only M2P, debug registers (set_debugreg, mov %drN, a data
 * breakpoint's #DB) and the virtual IOPL (PHYSDEVOP_set_iopl, CLI/IN/OUT
 * emulated or #GP), LDTs (MMUEXT_SET_LDT, an LDT data selector in DS).
 * One line per check: "pvabi: ok: ..." or "pvabi: FAIL: ...".
 * With paging=shadow (translated, XENFEAT_auto_translated_physmap) its
 * frame numbers are pseudo-physical and its descriptor pages are
 * ordinary memory (the hypervisor checks every descriptor again on its
 * way into the GDT): those few checks expect what that mode does.
 * Options (each must get the domain crashed): attack=user_no_base, an
 * iret to user mode before any user base pointer exists; attack=iret_hvcs,
 * an iret onto the hypervisor's code segment at its new place (0xe008);
 * attack=no_failsafe, a data selector that can no longer be loaded and
 * no failsafe callback; attack=iret_rip, an iret to a non-canonical RIP
 * (no failsafe callback).
 */
#include <stdbool.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/physdev.h>
#include <public/vcpu.h>
#include <public/memory.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

const char guest_name[] = "pvabi";

#define HV_IMAGE	0xffffffff80210000ULL	/* Umbra's text (slot 511) */
#define HV_DIRECTMAP	0xffff830000100000ULL	/* slot 262 */
#define RO_MPT		0xffff800000000000ULL	/* Xen's read-only M2P */
#define HV_CS		0xe008			/* Xen's __HYPERVISOR_CS */

/* Descriptors: flat 64-bit code and data, DPL 0 as written. */
#define DESC_CS64_DPL0	0x00af9a000000ffffULL
#define DESC_DS_DPL0	0x00cf92000000ffffULL
#define DESC_DPL(d)	(((d) >> 45) & 3)
#define DESC_TSS	0x0000890000000067ULL	/* 64-bit TSS, present */
#define DESC_INTGATE	0x00008e0000000000ULL	/* interrupt gate, present */
/* A 64-bit call gate (its low half) to selector sel, DPL 3, offset 0. */
#define CALL_GATE(sel)	(0x0000ec0000000000ULL | ((uint64_t)(sel) << 16))

static bool xlat;		/* paging=shadow: translated */
static const struct start_info *si;
static volatile uint64_t seen_cs, seen_frame;
static uint64_t kernel_rsp;

static uint64_t gdt_page[512] __attribute__((aligned(4096)));
static uint64_t ldt_page[512] __attribute__((aligned(4096)));
static uint64_t ldt_bad[512] __attribute__((aligned(4096)));
static uint64_t bad_page[512] __attribute__((aligned(4096)));
static uint8_t kstack[4096] __attribute__((aligned(4096)));
static uint8_t ustack[4096] __attribute__((aligned(4096)));


/* The fault probe's record, and the CS and frame it came with. */
static int record(struct minios_regs *r)
{
	seen_cs = r->cs & 0xffff;
	seen_frame = (uint64_t)r;
	return probe_record(r);
}

/* From guest user mode back to the kernel: the frame says user mode; go
 * on at resume_at in kernel mode (CS with RPL 0) on the kernel's stack. */
static int back_to_kernel(struct minios_regs *r)
{
	record(r);
	r->cs = FLAT_KERNEL_CS & ~3;
	r->rsp = kernel_rsp;
	return 1;
}

static uint64_t mfn_of(const void *va)
{
	return ((const uint64_t *)si->mfn_list)[(uint64_t)va >> 12];
}

static long remap(const void *va, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va,
			  (mfn_of(va) << 12) | flags, UVMF_INVLPG);
}

/* A frame it does not own: the hypervisor's image on shared page tables
 * (machine frames), one beyond its RAM when translated. */
static uint64_t foreign_frame(void)
{
	return xlat ? si->nr_pages + 0x100 : 0x200;
}

static long update_desc(const void *va, uint64_t desc)
{
	return hypercall2(__HYPERVISOR_update_descriptor,
			  (mfn_of(va) << 12) | ((uint64_t)va & 0xfff), desc);
}

#define RAISES(asm_body, ...) ({					\
	seen_vector = ~0ULL;						\
	__asm__ volatile("lea 2f(%%rip), %%rax; mov %%rax, %0; " asm_body "; 2:"	\
			 : "=m"(resume_at) : __VA_ARGS__ : "rax", "rcx", "rdx", "memory"); \
	seen_vector; })

static void check_gdt(void)
{
	uint64_t list[1] = { mfn_of(gdt_page) }, cs;
	struct mmu_update mu = { (mfn_of(gdt_page) << 12) + 8 * 5, DESC_DS_DPL0 };
	long rc;

	gdt_page[1] = DESC_CS64_DPL0;
	gdt_page[2] = DESC_DS_DPL0;
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 3);
	if (xlat)
		expect(rc == 0, "translated: set_gdt on a frame mapped writable: 0 (checked on load)");
	else
		expect(rc == -XEN_EINVAL, "set_gdt on a frame still mapped writable: -EINVAL");
	expect(remap(gdt_page, PT_P | PT_U | PT_A | PT_NX) == 0, "its GDT page remapped read-only");
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 7169);
	expect(rc == -XEN_EINVAL, "set_gdt with more entries than below 0xe000: -EINVAL");
	rc = hypercall2(__HYPERVISOR_set_gdt, HV_IMAGE, 3);
	expect(rc == -XEN_EFAULT, "set_gdt with its frame list in the hypervisor: -EFAULT");
	list[0] = foreign_frame();
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 3);
	expect(rc == -XEN_EINVAL, "set_gdt on a frame not its own: -EINVAL");
	list[0] = mfn_of(gdt_page);
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 3);
	expect(rc == 0, "set_gdt with its own read-only frame");
	expect(DESC_DPL(gdt_page[1]) == 3 && DESC_DPL(gdt_page[2]) == 3,
	       "DPL-0 code and data descriptors were raised to DPL 3 (no DPL-0 segment)");
	/* Far return to its own code segment (entry 1, RPL 3), a spin there
	 * long enough for host interrupts to land (each an exit and entry,
	 * which must keep the guest's selector), then back. */
	__asm__ volatile("pushq $0x0b; lea 1f(%%rip), %%rax; push %%rax; lretq; 1:"
			 "mov $30000000, %%ecx; 3: dec %%ecx; jnz 3b;"
			 "mov %%cs, %0; pushq %1; lea 2f(%%rip), %%rax; push %%rax; lretq; 2:"
			 : "=&r"(cs) : "i"(FLAT_RING3_CS64) : "rax", "rcx", "memory");
	expect(cs == 0x0b, "its own GDT code segment is live: a far return runs on selector 0x0b");
	rc = remap(gdt_page, PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX);
	if (xlat)
		expect(rc == 0, "translated: mapping its live GDT page writable is its business: 0");
	else
		expect(rc == -XEN_EACCES, "mapping its live GDT page writable: -EACCES");
	rc = update_desc(&gdt_page[3], CALL_GATE(HV_CS));
	expect(rc == -XEN_EINVAL, "a call gate into the hypervisor's code segment: -EINVAL");
	rc = update_desc(&gdt_page[3], CALL_GATE(0));
	expect(rc == -XEN_EINVAL, "a call gate to the null selector: -EINVAL");
	rc = update_desc(&gdt_page[3], DESC_TSS);
	expect(rc == -XEN_EINVAL, "a TSS descriptor: -EINVAL");
	rc = update_desc(&gdt_page[3], DESC_INTGATE);
	expect(rc == -XEN_EINVAL, "an interrupt gate: -EINVAL");
	expect(gdt_page[3] == 0, "the refused descriptors changed nothing");
	rc = update_desc(&gdt_page[3], CALL_GATE(0x08));
	expect(rc == 0 && DESC_DPL(gdt_page[3]) == 0 && ((gdt_page[3] >> 16) & 3) == 3,
	       "a call gate to its own code: accepted with DPL 0, the DPL kept in the RPL");
	rc = update_desc(&gdt_page[4], DESC_DS_DPL0);
	expect(rc == 0 && DESC_DPL(gdt_page[4]) == 3, "update_descriptor of data: DPL raised to 3");
	rc = hypercall2(__HYPERVISOR_update_descriptor, (mfn_of(gdt_page) << 12) + 4, 0);
	expect(rc == -XEN_EINVAL, "update_descriptor at a misaligned address: -EINVAL");
	rc = hypercall2(__HYPERVISOR_update_descriptor, mfn_of((void *)si->pt_base) << 12, 0);
	expect(rc == -XEN_EINVAL, "update_descriptor into its own L4: -EINVAL");
	rc = hypercall2(__HYPERVISOR_update_descriptor, foreign_frame() << 12, 0);
	expect(rc == -XEN_EINVAL, xlat ? "translated: update_descriptor beyond its RAM: -EINVAL"
				   : "update_descriptor into the hypervisor's frame: -EINVAL");
	rc = update_desc(&bad_page[0], DESC_DS_DPL0);
	expect(rc == 0 && DESC_DPL(bad_page[0]) == 3, "update_descriptor on an ordinary page of its own");
	bad_page[1] = CALL_GATE(HV_CS);
	expect(remap(bad_page, PT_P | PT_U | PT_A | PT_NX) == 0, "a second page remapped read-only");
	list[0] = mfn_of(bad_page);
	rc = hypercall2(__HYPERVISOR_set_gdt, list, 2);
	expect(rc == -XEN_EINVAL, "set_gdt on a page holding a gate into the hypervisor: -EINVAL");
	rc = hypercall4(__HYPERVISOR_mmu_update, &mu, 1, NULL, DOMID_SELF);
	if (xlat)
		expect(rc == 0, "translated: mmu_update into its live GDT page is a plain write: 0");
	else
		expect(rc == -XEN_EACCES, "mmu_update writing into its live GDT page: -EACCES");
}

static long set_ldt(uint64_t base, uint32_t ents)
{
	struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

	op.arg1.linear_addr = base;
	op.arg2.nr_ents = ents;
	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
}

static bool verr(uint16_t sel)
{
	bool ok;

	__asm__ volatile("verr %w1; setz %0" : "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

/* MMUEXT_SET_LDT: its pages typed and checked as set_gdt's; a data
 * selector of it (0x07: entry 0, TI, RPL 3) loaded in DS and used, kept
 * across hypercalls that change the tables; Xen's refusals. */
static void check_ldt(void)
{
	struct mmuext_op ops[3] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
				    { .cmd = MMUEXT_SET_LDT },
				    { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
	uint16_t ds, old_ds;
	uint64_t val = 0;
	unsigned int done = 0;
	long rc;

	__asm__ volatile("mov %%ds, %0" : "=r"(old_ds));
	ldt_page[0] = DESC_DS_DPL0;
	ldt_page[1] = DESC_CS64_DPL0;
	if (!xlat) {
		rc = set_ldt((uint64_t)ldt_page, 2);
		expect(rc == -XEN_EINVAL, "set_ldt on a page still mapped writable: -EINVAL");
	}
	expect(remap(ldt_page, PT_P | PT_U | PT_A | PT_NX) == 0, "its LDT page remapped read-only");
	rc = set_ldt((uint64_t)ldt_page + 8, 2);
	expect(rc == -XEN_EINVAL, "set_ldt at a base not page-aligned: -EINVAL");
	rc = set_ldt((uint64_t)ldt_page, 8193);
	expect(rc == -XEN_EINVAL, "set_ldt with 8193 entries: -EINVAL");
	rc = set_ldt(HV_IMAGE, 1);
	expect(rc == -XEN_EINVAL, "set_ldt in the hypervisor's image: -EINVAL");
	rc = set_ldt(0xffffff7ffffff000ULL, 1024);
	expect(rc == -XEN_EINVAL, "set_ldt on a range reaching the hypervisor's image slot: -EINVAL");
	rc = set_ldt(RO_MPT, 16);
	expect(rc == -XEN_EINVAL, "set_ldt on the read-only M2P (hypervisor range): -EINVAL");
	rc = set_ldt(0x7ffffffff000ULL, 1024);
	expect(rc == -XEN_EINVAL, "set_ldt on a range reaching the non-canonical hole: -EINVAL");
	expect(!verr(0x07), "no LDT yet: selector 0x07 is not readable");
	ldt_bad[0] = DESC_DS_DPL0;
	ldt_bad[1] = CALL_GATE(HV_CS);
	expect(remap(ldt_bad, PT_P | PT_U | PT_A | PT_NX) == 0, "a second LDT page remapped read-only");
	rc = set_ldt((uint64_t)ldt_bad, 2);
	expect(rc == -XEN_EINVAL, "set_ldt on a page holding a gate into the hypervisor: -EINVAL");
	expect(!verr(0x07), "the refused LDT was not loaded");
	rc = set_ldt((uint64_t)ldt_page, 2);
	expect(rc == 0, "set_ldt with its own read-only page, 2 entries");
	expect(DESC_DPL(ldt_page[0]) == 3 && DESC_DPL(ldt_page[1]) == 3,
	       "LDT: a ring-0 code and a ring-0 data descriptor raised to DPL 3, as Xen does");
	expect(verr(0x07) && !verr(0x17), "the LDT is live: 0x07 readable, 0x17 beyond its 2 entries");
	__asm__ volatile("mov %0, %%ds" : : "r"((uint16_t)0x07));
	__asm__ volatile("movq %%ds:(%1), %0" : "=r"(val) : "r"(&ldt_page[0]) : "memory");
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(ds == 0x07 && val == ldt_page[0], "DS loaded with LDT selector 0x07 and used for a read");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, ldt_page,
			(mfn_of(ldt_page) << 12) | PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX,
			UVMF_INVLPG);
	if (!xlat)
		expect(rc == -XEN_EACCES, "mapping its live LDT page writable: -EACCES");
	rc = update_desc(&ldt_page[1], CALL_GATE(HV_CS));
	expect(rc == -XEN_EINVAL, "update_descriptor of a gate into the hypervisor into its LDT: -EINVAL");
	rc = update_desc(&ldt_page[1], DESC_DS_DPL0);
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(rc == 0 && DESC_DPL(ldt_page[1]) == 3 && ds == 0x07,
	       "update_descriptor into its live LDT: DPL raised, DS 0x07 kept");
	__asm__ volatile("mov %0, %%es" : : "r"((uint16_t)0x0f));
	__asm__ volatile("mov %%es, %0" : "=r"(ds));
	expect(ds == 0x0f, "ES loaded with the updated LDT entry (0x0f)");
	hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, NULL);
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(ds == 0x07, "DS still 0x07 after a yield");
	ops[1].arg1.linear_addr = (uint64_t)ldt_page;
	ops[1].arg2.nr_ents = 2;
	rc = hypercall4(__HYPERVISOR_mmuext_op, ops, 3, &done, DOMID_SELF);
	expect(rc == 0 && done == 3, "SET_LDT in the middle of an mmuext_op batch: all 3 done");
	__asm__ volatile("mov %0, %%ds; mov %0, %%es" : : "r"(old_ds));
	rc = set_ldt(0x1000, 0);
	expect(rc == 0 && !verr(0x07), "set_ldt with 0 entries: no LDT any more");
	rc = remap(ldt_page, PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX);
	expect(rc == 0, "its former LDT page writable again");
}

/* User-mode code: each entry traps back to the kernel at once. */
extern char user_int3[], user_syscall[], user_push[];
__asm__(".text\n"
	"user_int3: int3\n1: jmp 1b\n"
	"user_syscall: syscall\n2: jmp 2b\n"
	"user_push: push %rax\n3: jmp 3b\n");

/* iret into user mode at `rip` on ustack; back at label 2 in the kernel
 * through back_to_kernel(). */
static __attribute__((noinline)) void run_user_cs(void *rip, uint64_t cs, uint64_t usp);

static void run_user(void *rip)
{
	run_user_cs(rip, FLAT_USER_CS, (uint64_t)ustack + sizeof(ustack));
}

static __attribute__((noinline)) void run_user_cs(void *rip, uint64_t cs, uint64_t usp)
{
	__asm__ volatile("mov %%rsp, %[save]\n\t"
			 "lea 2f(%%rip), %%rax\n\t"
			 "mov %%rax, %[resume]\n\t"
			 "pushq %[ss]\n\t"
			 "pushq %[usp]\n\t"
			 "pushq $0x202\n\t"
			 "pushq %[cs]\n\t"
			 "pushq %[rip]\n\t"
			 "pushq $0\n\t"
			 "jmp hypercall_page + %c[iret] * 32\n"
			 "2:"
			 : [save] "=m"(kernel_rsp), [resume] "=m"(resume_at)
			 : [ss] "i"(FLAT_USER_SS), [usp] "r"(usp),
			   [cs] "r"(cs), [rip] "r"(rip), [iret] "i"(__HYPERVISOR_iret)
			 /* The trap frame gives every register back as it was
			  * but these (the iret stub's and SYSCALL's). */
			 : "rax", "rcx", "r11", "memory");
}

static void check_user_mode(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };
	struct callback_register cb = { .type = CALLBACKTYPE_syscall,
					.flags = CALLBACKF_mask_events };
	extern char minios_trap_128[];
	uint64_t cs;
	long rc;

	if (guest_option("attack=user_no_base")) {
		con_printf("pvabi: iret to user mode without a user base pointer\n");
		run_user(user_int3);
		expect(0, "the iret to user mode without user page tables was refused");
		return;
	}
	op.arg1.mfn = mfn_of((void *)si->pt_base);
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == 0, "MMUEXT_NEW_USER_BASEPTR with its own L4");
	rc = hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, kstack + sizeof(kstack));
	expect(rc == 0, "stack_switch to its kernel stack");
	trap_set_handler(3, back_to_kernel);
	seen_cs = 0;
	run_user(user_int3);
	expect(seen_vector == 3 && seen_cs == FLAT_USER_CS,
	       "iret into user mode; its int3 is the kernel's #BP, the frame saying user mode");
	expect(seen_frame >= (uint64_t)kstack && seen_frame < (uint64_t)kstack + sizeof(kstack),
	       "the trap from user mode came on the stack_switch stack");
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	expect(cs == FLAT_KERNEL_CS, "back in the kernel on FLAT_KERNEL_CS (iret with RPL 0 stays in the kernel)");
	trap_set_handler(128, back_to_kernel);
	cb.address = (uint64_t)minios_trap_128;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	expect(rc == 0, "the syscall callback registered");
	seen_vector = 0;
	run_user(user_syscall);
	expect(seen_vector == 128 && seen_cs == FLAT_USER_CS,
	       "SYSCALL in user mode enters the syscall callback, not a hypercall");
	trap_set_handler(3, record);
	trap_set_handler(128, record);
	/* The guest kernel's frames report RPL 0 (kernel context). */
	seen_cs = 0;
	__asm__ volatile("int3" ::: "memory");
	expect(seen_cs == (FLAT_KERNEL_CS & ~3), "a trap in kernel mode reports CS with RPL 0");
}

static void check_fpu(void)
{
	uint64_t cr0;

	trap_set_handler(7, record);
	expect(hypercall1(__HYPERVISOR_fpu_taskswitch, 1) == 0, "fpu_taskswitch(1)");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	expect(cr0 & 8, "mov from CR0 (emulated) shows TS set");
	expect(RAISES("fnop", "i"(0)) == 7, "the first FPU instruction: #NM bounced to the guest");
	expect(RAISES("fnop", "i"(0)) == ~0ULL, "the #NM cleared the guest's TS: the next one runs");
	hypercall1(__HYPERVISOR_fpu_taskswitch, 1);
	__asm__ volatile("clts" ::: "memory");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	expect(!(cr0 & 8) && RAISES("fnop", "i"(0)) == ~0ULL, "CLTS (emulated) clears it too");
}

/* Xen's linear page tables: a read-only L4 entry naming the L4 itself
 * (slot 300) shows the L4 at the address that walks that slot four
 * times; a writable one is refused. */
#define LINEAR_SLOT	300ULL
#define LINEAR_L4	(0xffff000000000000ULL | LINEAR_SLOT << 39 | LINEAR_SLOT << 30 | \
			 LINEAR_SLOT << 21 | LINEAR_SLOT << 12)

static void check_linear(void)
{
	uint64_t l4 = mfn_of((void *)si->pt_base) << 12;
	struct mmu_update mu = { l4 + LINEAR_SLOT * 8, l4 | PT_P | PT_U | PT_A };
	long rc;

	rc = hypercall4(__HYPERVISOR_mmu_update, &mu, 1, NULL, DOMID_SELF);
	expect(rc == 0, "a read-only L4 entry naming the L4 itself (linear page tables)");
	expect(rc == 0 && (((volatile uint64_t *)LINEAR_L4)[LINEAR_SLOT] & ~0xfffULL) == l4,
	       "through it the L4 reads itself");
	expect(RAISES("movq $0, (%1)", "r"(LINEAR_L4)) == 14, "writing through it: #PF");
	mu.val |= PT_W;
	rc = hypercall4(__HYPERVISOR_mmu_update, &mu, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EACCES, "a writable linear L4 entry: -EACCES");
	if (xlat) {
		/* Its L4 may be mapped writable when translated: a store
		 * making the self-map writable is refused all the same. */
		volatile uint64_t *l4v = (volatile uint64_t *)si->pt_base;

		expect(remap((void *)si->pt_base, PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX) == 0,
		       "translated: its L4 mapped writable");
		expect(RAISES("movq %1, (%2)", "r"(l4 | PT_P | PT_W | PT_U | PT_A),
			      "r"(&l4v[LINEAR_SLOT])) == 14 && !(l4v[LINEAR_SLOT] & PT_W),
		       "translated: a store making the linear entry writable: #PF, unchanged");
		expect(remap((void *)si->pt_base, PT_P | PT_U | PT_A | PT_NX) == 0,
		       "translated: its L4 read-only again");
	}
	mu.val = 0;
	rc = hypercall4(__HYPERVISOR_mmu_update, &mu, 1, NULL, DOMID_SELF);
	expect(rc == 0, "the linear entry removed");
}

/* More entries than one call runs (MULTICALL_BATCH): the rest goes on
 * through continuations, every result still in its entry. */
static void check_multicall_long(void)
{
	static struct multicall_entry mc[200];
	unsigned int ok = 0;
	long rc;

	for (unsigned int i = 0; i < 200; i++)
		mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
						  .args = { XENVER_version } };
	rc = hypercall2(__HYPERVISOR_multicall, mc, 200);
	for (unsigned int i = 0; i < 200; i++)
		ok += mc[i].result == 0x40011;
	expect(rc == 0 && ok == 200, "a multicall of 200 entries: each result in its entry");
}

static void check_misc(void)
{
	struct multicall_entry mc[3] = {
		{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
		{ .op = __HYPERVISOR_multicall, .args = { 0, 0 } },
		{ .op = __HYPERVISOR_vm_assist, .args = { VMASST_CMD_enable, 30 } },
	};
	uint64_t cr3, pfn = (uint64_t)gdt_page >> 12;
	long rc;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	expect(cr3 == mfn_of((void *)si->pt_base) << 12, "mov from CR3 (emulated): its L4's machine address");
	expect(((const uint64_t *)RO_MPT)[mfn_of(gdt_page)] == pfn,
	       "the read-only M2P maps a machine frame back to its pfn");
	expect(RAISES("movq $0, (%1)", "r"(RO_MPT)) == 14, "writing the M2P: #PF");
	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, HV_DIRECTMAP);
	expect(rc == -XEN_EINVAL, "set_segment_base FS into the hypervisor: -EINVAL");
	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER, 0x0000900000000000ULL);
	expect(rc == -XEN_EINVAL, "set_segment_base user GS non-canonical: -EINVAL");
	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0x13);
	expect(rc == 0, "set_segment_base user GS selector from its GDT: 0");
	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, HV_CS);
	expect(rc == 0, "a hypervisor selector for user GS: 0 and a null selector, as Xen");
	rc = hypercall2(__HYPERVISOR_set_segment_base, 4, 0);
	expect(rc == -XEN_EINVAL, "set_segment_base with an unknown register: -EINVAL");
	rc = hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_m2p_strict);
	expect(rc == 0, "vm_assist m2p_strict: 0");
	rc = hypercall2(__HYPERVISOR_vm_assist, 7, VMASST_TYPE_writable_pagetables);
	expect(rc == -XEN_ENOSYS, "vm_assist with an unknown command: -ENOSYS");
	rc = hypercall2(__HYPERVISOR_multicall, mc, 3);
	expect(rc == 0 && mc[0].result == 0x40011 && mc[1].result == (uint64_t)-XEN_ENOSYS &&
	       mc[2].result == (uint64_t)-XEN_EINVAL,
	       "multicall: each result in its entry, a nested multicall -ENOSYS");
	rc = hypercall2(__HYPERVISOR_multicall, HV_IMAGE, 1);
	expect(rc == -XEN_EFAULT, "multicall with its list in the hypervisor: -EFAULT");
	check_multicall_long();
	check_linear();
}

static volatile uint32_t watched;

/* set_debugreg/get_debugreg and mov %drN: breakpoints on its own data
 * fire as #DB with DR6 saying which; addresses in the hypervisor, DR7.GD
 * and I/O breakpoints (CR4.DE clear) are -EPERM, and the same through
 * mov is the guest's #GP. */
static void check_debug(void)
{
	uint64_t dr7 = 0x400 | 2 | (1ULL << 16) | (3ULL << 18), val = 0;
	long rc;

	rc = hypercall2(__HYPERVISOR_set_debugreg, 0, HV_IMAGE);
	expect(rc == -XEN_EPERM, "set_debugreg DR0 in the hypervisor's image: -EPERM");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 1, 0x0000900000000000ULL);
	expect(rc == -XEN_EPERM, "set_debugreg DR1 non-canonical: -EPERM");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 7, 0x400 | 0x2000);
	expect(rc == -XEN_EPERM, "set_debugreg DR7 with GD: -EPERM");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 7, 0x400 | 2 | (2ULL << 16));
	expect(rc == -XEN_EPERM, "set_debugreg DR7 with an I/O breakpoint, CR4.DE clear: -EPERM");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 8, 0);
	expect(rc == -XEN_ENODEV, "set_debugreg of DR8: -ENODEV");
	rc = hypercall1(__HYPERVISOR_get_debugreg, 8);
	expect(rc == -XEN_EINVAL, "get_debugreg of DR8: -EINVAL");
	rc = hypercall1(__HYPERVISOR_get_debugreg, 7);
	expect(rc == 0x400, "get_debugreg DR7: 0x400 after the refusals");
	expect(RAISES("mov %1, %%dr0", "r"(HV_IMAGE)) == 13,
	       "mov to DR0 of a hypervisor address: #GP");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 0, &watched);
	expect(rc == 0, "set_debugreg DR0 on its own data");
	__asm__ volatile("mov %0, %%dr7" : : "r"(dr7));
	__asm__ volatile("mov %%dr7, %0" : "=r"(val));
	expect(val == dr7, "mov to and from DR7 (emulated): a write breakpoint on it");
	expect(RAISES("movl $1, (%1)", "r"(&watched)) == 1,
	       "writing the watched word: #DB bounced to the guest");
	__asm__ volatile("mov %%dr6, %0" : "=r"(val));
	expect(val & 1, "DR6 says breakpoint 0 fired");
	expect(RAISES("movl (%1), %%eax", "r"(&watched)) == ~0ULL,
	       "reading it: no #DB (a write breakpoint)");
	rc = hypercall2(__HYPERVISOR_set_debugreg, 7, 0);
	expect(rc == 0 && RAISES("movl $2, (%1)", "r"(&watched)) == ~0ULL,
	       "DR7 cleared: writing it again runs");
	hypercall2(__HYPERVISOR_set_debugreg, 6, 0);
	rc = hypercall1(__HYPERVISOR_get_debugreg, 6);
	expect(rc == 0xffff0ff0, "DR6 reset: its reserved bits read as the CPU's");
}

static long set_iopl(uint32_t iopl)
{
	struct physdev_set_iopl s = { iopl };

	return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &s);
}

/* The virtual IOPL: a kernel (privilege 1) needs 1 for CLI and port
 * I/O, which then reaches no port: reads are all ones. */
static void check_iopl(void)
{
	uint64_t val = 0, msr;

	expect(RAISES("outb %%al, $0x80", "i"(0)) == 13, "OUT at virtual IOPL 0: #GP");
	expect(RAISES("cli", "i"(0)) == 13, "CLI at virtual IOPL 0: #GP");
	expect(set_iopl(4) == -XEN_EINVAL, "PHYSDEVOP_set_iopl 4: -EINVAL");
	expect(hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, HV_IMAGE) == -XEN_EFAULT,
	       "PHYSDEVOP_set_iopl with its argument in the hypervisor: -EFAULT");
	expect(set_iopl(1) == 0, "PHYSDEVOP_set_iopl 1");
	expect(RAISES("outb %%al, $0x80", "i"(0)) == ~0ULL &&
	       RAISES("cli; sti", "i"(0)) == ~0ULL, "OUT, CLI and STI at virtual IOPL 1: emulated");
	__asm__ volatile("xor %%eax, %%eax; inb $0x71, %%al; mov %%rax, %0"
			 : "=r"(val) : : "rax");
	expect(val == 0xff, "IN from a port it has not been given: all ones");
	__asm__ volatile("mov $0x1234, %%eax; mov $0x80, %%edx; inw %%dx, %%ax; mov %%rax, %0"
			 : "=r"(val) : : "rax", "rdx");
	expect(val == 0xffff, "a 16-bit IN: all ones in AX");
	expect(set_iopl(0) == 0 && RAISES("inb $0x80, %%al", "i"(0)) == 13,
	       "back at virtual IOPL 0: IN is #GP");
	__asm__ volatile("mov $0x1d9, %%ecx; rdmsr; shl $32, %%rdx; or %%rdx, %%rax; mov %%rax, %0"
			 : "=r"(msr) : : "rax", "rcx", "rdx");
	expect(msr == 0, "RDMSR of MSR_DEBUGCTL (emulated): 0");
}

/* The failsafe callback: the frame is RCX, R11, DS, ES, FS, GS, then an
 * exception's; note DS, drop the selectors and iret back. */
extern char failsafe_entry[];
static volatile uint64_t failsafe_ds = ~0ULL;
__asm__(".text\n"
	"failsafe_entry: push %rax\n"
	"	mov 24(%rsp), %rax\n"
	"	mov %rax, failsafe_ds(%rip)\n"
	"	pop %rax\n"
	"	pop %rcx\n"
	"	pop %r11\n"
	"	add $32, %rsp\n"
	"	pushq $0\n"
	"	jmp hypercall_page + 23 * 32\n");

/* A data selector of its own GDT loaded in DS, then its descriptor made
 * not present: on the way back from that very hypercall DS cannot be
 * loaded again, so the guest enters its failsafe callback, the frame
 * naming the selector, and DS is null. Without a callback
 * (attack=no_failsafe) the domain is crashed. */
static void check_failsafe(int with_callback)
{
	struct callback_register cb = { CALLBACKTYPE_failsafe, 0, 0, (uint64_t)failsafe_entry };
	uint16_t ds = 0x13;
	long rc;

	if (with_callback) {
		rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
		expect(rc == 0, "the failsafe callback registered");
	}
	__asm__ volatile("mov %0, %%ds" : : "r"(ds));
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(ds == 0x13, "DS loaded with a data selector of its own GDT (0x13)");
	rc = update_desc(&gdt_page[2], 0);
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(rc == 0 && failsafe_ds == 0x13 && ds == 0,
	       "its descriptor dropped: the failsafe callback names DS 0x13, DS is null");
	rc = update_desc(&gdt_page[2], DESC_DS_DPL0);
	expect(rc == 0, "the descriptor back");
}

/* set_callbacks (hypercall 4) registers the event, failsafe and syscall
 * callbacks with flags 0, as Xen's do_set_callbacks: the syscall callback
 * then leaves events as they were (callback_op's CALLBACKF_mask_events
 * masks them), and the failsafe it names is entered. vcpu_info's mask is
 * read in shared_info at the syscall callback's entry. */
static volatile struct shared_info *shinfo;
static volatile int mask_at_syscall = -1;

static int syscall_mask(struct minios_regs *r)
{
	mask_at_syscall = shinfo->vcpu_info[0].evtchn_upcall_mask;
	return back_to_kernel(r);
}

static void check_set_callbacks(void)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall,
					.flags = CALLBACKF_mask_events };
	extern char minios_trap_128[];
	uint16_t ds = 0x13;
	long rc;

	shinfo = shared_info_map(si);
	expect(shinfo != NULL, "shared_info mapped");
	if (!shinfo)
		return;
	trap_set_handler(128, syscall_mask);
	cb.address = (uint64_t)minios_trap_128;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	run_user(user_syscall);
	expect(rc == 0 && mask_at_syscall == 1,
	       "callback_op's syscall callback with CALLBACKF_mask_events: entered with events masked");
	mask_at_syscall = -1;
	rc = hypercall3(__HYPERVISOR_set_callbacks, 0, failsafe_entry, minios_trap_128);
	run_user(user_syscall);
	expect(rc == 0 && mask_at_syscall == 0,
	       "set_callbacks' syscall callback (flags 0, as Xen): entered with events as they were (unmasked)");
	/* The failsafe it registered: DS made unloadable, as check_failsafe. */
	failsafe_ds = ~0ULL;
	__asm__ volatile("mov %0, %%ds" : : "r"(ds));
	rc = update_desc(&gdt_page[2], 0);
	__asm__ volatile("mov %%ds, %0" : "=r"(ds));
	expect(rc == 0 && failsafe_ds == 0x13 && ds == 0,
	       "set_callbacks' failsafe callback is entered for an unloadable DS");
	expect(update_desc(&gdt_page[2], DESC_DS_DPL0) == 0, "the descriptor back");
	trap_set_handler(128, record);
	shinfo->vcpu_info[0].evtchn_upcall_mask = 1;	/* as the rest expects */
}

static volatile uint8_t vinfo_page[4096] __attribute__((aligned(4096)));

/* VCPUOP_register_vcpu_info names a machine frame of its own (it does not
 * translate its frames; in paging=shadow its guest frame); a frame not
 * its own or a page-crossing place is -EINVAL. Last: the runtime's events keep looking in shared_info. */
static void check_vcpu_info(void)
{
	/* Beyond its RAM and the machine's: not its own in either paging mode. */
	struct vcpu_register_vcpu_info r = { .mfn = 0xfffffff, .offset = 0 };
	long rc;

	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == -XEN_EINVAL, "register_vcpu_info on a frame not its own: -EINVAL");
	r.mfn = mfn_of((const void *)vinfo_page);
	r.offset = 4096 - 8;
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == -XEN_EINVAL, "register_vcpu_info crossing its page's end: -EINVAL");
	r.offset = 64;
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == 0 && vinfo_page[64] == 1,
	       "register_vcpu_info by machine frame: its vcpu_info moved there (upcall pending)");
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, &r);
	expect(rc == -XEN_EINVAL, "a second register_vcpu_info: -EINVAL");
}

/* The iret hypercall takes what the CPU's IRETQ takes: a non-canonical
 * RSP is loaded as it is (the first use of that stack faults, in the
 * guest), a non-canonical RIP is refused as IRETQ's #GP would be. */
#define NONCANON	0x8000000000000000ULL
static volatile uint64_t iret_save __attribute__((used));
static volatile uint64_t iret_seen __attribute__((used));

static void check_iret_noncanonical(void)
{
	/* Kernel mode, events masked (nothing may be bounced onto that
	 * stack): back at 2 with RSP as given; the kernel's RSP restored
	 * without touching the stack. */
	__asm__ volatile("mov %%rsp, iret_save(%%rip)\n\t"
			 "pushq %[ss]\n\t"
			 "pushq %[sp]\n\t"
			 "pushq $0x2\n\t"
			 "pushq %[cs]\n\t"
			 "lea 2f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0\n\t"
			 "jmp hypercall_page + %c[iret] * 32\n"
			 "2:\tmov %%rsp, iret_seen(%%rip)\n\t"
			 "mov iret_save(%%rip), %%rsp"
			 : : [ss] "i"(FLAT_KERNEL_SS), [sp] "r"(NONCANON),
			   [cs] "i"(FLAT_KERNEL_CS & ~3), [iret] "i"(__HYPERVISOR_iret)
			 : "rax", "rcx", "r11", "memory");
	expect(iret_seen == NONCANON,
	       "iret in kernel mode with a non-canonical RSP: loaded as it is");
	/* User mode: its PUSH is its own fault (#SS, or #GP as QEMU gives
	 * it), bounced to its kernel on the stack_switch stack. */
	trap_set_handler(12, back_to_kernel);
	trap_set_handler(13, back_to_kernel);
	seen_vector = 0;
	run_user_cs(user_push, FLAT_USER_CS, NONCANON);
	expect((seen_vector == 12 || seen_vector == 13) && seen_cs == FLAT_USER_CS,
	       "iret to user mode with a non-canonical RSP: its first push is its own #SS/#GP");
	trap_set_handler(12, record);
	trap_set_handler(13, record);
}

int guest_main(const struct start_info *start)
{
	si = start;
	xlat = xen_translated();
	con_printf("pvabi: paging %s\n", xlat ? "translated (shadow)" : "shared");
	expect(trap_init() == 0, "set_trap_table");
	for (unsigned int v = 0; v < 20; v++)
		trap_set_handler(v, record);
	trap_set_handler(128, record);
	if (guest_option("attack=user_no_base")) {
		check_user_mode();
		return SHUTDOWN_poweroff;
	}
	if (guest_option("attack=no_failsafe")) {
		check_gdt();
		check_failsafe(0);
		expect(0, "a selector that cannot be loaded without a failsafe callback was let through");
		return SHUTDOWN_poweroff;
	}
	if (guest_option("attack=iret_rip")) {
		con_printf("pvabi: iret to a non-canonical RIP\n");
		run_user_cs((void *)(NONCANON | 0x1000), FLAT_KERNEL_CS & ~3,
			    (uint64_t)kstack + sizeof(kstack));
		expect(0, "the iret to a non-canonical RIP was refused");
		return SHUTDOWN_poweroff;
	}
	if (guest_option("attack=iret_hvcs")) {
		con_printf("pvabi: iret onto the hypervisor's code segment %#x\n", HV_CS);
		run_user_cs(user_int3, HV_CS, (uint64_t)ustack + sizeof(ustack));
		expect(0, "the iret onto the hypervisor's code segment was refused");
		return SHUTDOWN_poweroff;
	}
	check_gdt();
	check_ldt();
	check_user_mode();
	check_fpu();
	check_misc();
	check_debug();
	check_iopl();
	check_failsafe(1);
	check_set_callbacks();
	check_vcpu_info();
	check_iret_noncanonical();
	con_printf("pvabi: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
