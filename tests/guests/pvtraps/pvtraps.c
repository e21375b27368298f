/*
 * pvtraps: a PV guest's exceptions and page-table hypercalls on shared
 * page tables. The trap table (set_trap_table) takes #UD, #BP, #DE, #PF,
 * #GP and `int $0x80`; each comes back with the iret hypercall. Then
 * update_va_mapping (shared_info mapped by its machine address, cr2 read
 * there), mmu_update and mmuext_op, and what each must refuse with the
 * ABI's error. One line per check: "pvtraps: ok: ..." or "pvtraps: FAIL: ...".
 * Options (each must get the domain crashed): attack=iret_cs, an iret to
 * the hypervisor's code segment; attack=stack, an exception while RSP
 * points into the hypervisor; attack=iret_stack, the iret hypercall with
 * its frame in the hypervisor.
 */
#include <stdbool.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/errno.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"
#include "pvtraps.h"

const char guest_name[] = "pvtraps";

#define UNMAPPED	0x7ff000000000ULL	/* no page tables there */
#define HV_IMAGE	0xffffffff80210000ULL	/* Umbra's text (slot 511) */
#define HV_DIRECTMAP	0xffff830000100000ULL	/* Umbra's direct map (slot 262) */
#define HV_FRAMETABLE	0xffff820000000000ULL	/* the PV frame table (slot 260) */
/* CPU 0's main stack and its PV entry stack (slot 261, asm/layout.h). */
#define HV_MAIN_STACK	0xffff828000001000ULL
#define HV_ENTRY_STACK	0xffff82800000e000ULL

static const struct start_info *si;

uint64_t mfn_of(uint64_t va)
{
	return ((const uint64_t *)si->mfn_list)[va >> 12];
}

static void check_exceptions(void)
{
	uint64_t v;

	expect(trap_init() == 0, "set_trap_table with the runtime's entries");
	v = RAISES("ud2", "i"(0));
	expect(v == 6, "#UD bounced to the guest's handler, iret back");
	v = RAISES("xor %%ecx, %%ecx; mov $1, %%eax; xor %%edx, %%edx; div %%ecx", "i"(0));
	expect(v == 0, "#DE bounced");
	resume_at = 0;
	seen_vector = ~0ULL;
	__asm__ volatile("int3" ::: "memory");
	expect(seen_vector == 3, "int3 arrives as #BP after the instruction, at the guest's handler");
	seen_vector = ~0ULL;
	__asm__ volatile("int $0x80" ::: "memory");
	expect(seen_vector == 0x80, "int $0x80 reaches the guest's DPL-3 entry 0x80");
	v = RAISES("int $0x81", "i"(0));
	expect(v == 13 && seen_error == (0x81 << 3 | 2),
	       "int $0x81 without a DPL-3 entry: #GP with the IDT error code");
	v = RAISES("mov (%1), %%rax", "r"(UNMAPPED));
	expect(v == 14 && seen_error == 4, "read of an unmapped address: #PF, error code 4 (user)");
	/* With xpti only the image's entry pages are in its tables, and
	 * which pages those are depends on the build: present or not, the
	 * read faults. */
	v = RAISES("mov (%1), %%rax", "r"(HV_IMAGE));
	expect(v == 14 && (seen_error == 5 || (umbra_xpti() && seen_error == 4)),
	       "read of the hypervisor's image: #PF, present, user (supervisor pages)");
	if (umbra_xpti()) {
		/* Umbra booted with xpti: of the direct map and the frame table
		 * nothing is in a guest's tables but the pages of PV vCPU
		 * structures (docs/pv.md). */
		v = RAISES("mov (%1), %%rax", "r"(HV_DIRECTMAP));
		expect(v == 14 && seen_error == 4,
		       "xpti: read of the hypervisor's direct map: #PF, not present (not in its tables)");
		v = RAISES("movq $0, (%1)", "r"(HV_DIRECTMAP));
		expect(v == 14 && seen_error == 6,
		       "xpti: write to the hypervisor's direct map: #PF, not present");
		v = RAISES("mov (%1), %%rax", "r"(HV_FRAMETABLE));
		expect(v == 14 && seen_error == 4,
		       "xpti: read of the hypervisor's frame table: #PF, not present (not in its tables)");
		/* Of the stacks only the entry and IST stacks are. */
		v = RAISES("mov (%1), %%rax", "r"(HV_MAIN_STACK));
		expect(v == 14 && seen_error == 4,
		       "xpti: read of CPU 0's main stack: #PF, not present (not in its tables)");
		v = RAISES("mov (%1), %%rax", "r"(HV_ENTRY_STACK));
		expect(v == 14 && seen_error == 5,
		       "xpti: read of CPU 0's entry stack: #PF, present, user (a supervisor page)");
	} else {
		v = RAISES("mov (%1), %%rax", "r"(HV_MAIN_STACK));
		expect(v == 14 && seen_error == 5,
		       "read of CPU 0's main stack: #PF, present, user (supervisor pages)");
		v = RAISES("mov (%1), %%rax", "r"(HV_ENTRY_STACK));
		expect(v == 14 && seen_error == 5,
		       "read of CPU 0's entry stack: #PF, present, user (supervisor pages)");
		v = RAISES("mov (%1), %%rax", "r"(HV_DIRECTMAP));
		expect(v == 14 && seen_error == 5,
		       "read of the hypervisor's direct map: #PF, present, user (supervisor pages)");
		v = RAISES("movq $0, (%1)", "r"(HV_DIRECTMAP));
		expect(v == 14 && seen_error == 7, "write to the hypervisor's direct map: #PF");
		v = RAISES("mov (%1), %%rax", "r"(HV_FRAMETABLE));
		expect(v == 14 && seen_error == 5,
		       "read of the hypervisor's frame table: #PF, present, user (supervisor pages)");
	}
	v = RAISES("movq $0, (%1)", "r"(si->pt_base));
	expect(v == 14 && seen_error == 7, "write to its own L4: #PF, the tables are read-only");
	v = RAISES("hlt", "i"(0));
	expect(v == 13, "hlt in ring 3: #GP");
}

static void check_trap_table_refusals(void)
{
	struct trap_info bad[2] = {
		{ .vector = 6, .cs = FLAT_KERNEL_CS, .address = 0xffff830000001000ULL },
		{ 0, 0, 0, 0 },
	};
	long rc;

	rc = hypercall1(__HYPERVISOR_set_trap_table, bad);
	expect(rc == -XEN_EINVAL, "trap table entry inside the hypervisor: -EINVAL");
	bad[0].address = 0x0000900000000000ULL;
	rc = hypercall1(__HYPERVISOR_set_trap_table, bad);
	expect(rc == -XEN_EINVAL, "non-canonical trap table entry: -EINVAL");
	bad[0].address = 0x100000;
	bad[0].cs = 0x08;
	rc = hypercall1(__HYPERVISOR_set_trap_table, bad);
	expect(rc == -XEN_EINVAL, "trap table entry on the hypervisor's code segment: -EINVAL");
	rc = hypercall1(__HYPERVISOR_set_trap_table, UNMAPPED);
	expect(rc == -XEN_EFAULT, "trap table at an unmapped address: -EFAULT");
	rc = hypercall1(__HYPERVISOR_set_trap_table, HV_IMAGE);
	expect(rc == -XEN_EFAULT, "trap table read from the hypervisor's image: -EFAULT");
	expect(RAISES("ud2", "i"(0)) == 6, "the refused tables changed nothing (#UD still handled)");
}

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static uint8_t spare_page[4096] __attribute__((aligned(4096)));

static void check_update_va_mapping(void)
{
	uint64_t va = (uint64_t)(uintptr_t)shared_page;
	uint64_t pte = si->shared_info | PT_P | PT_W | PT_U | PT_NX | PT_A | PT_D;
	const struct shared_info *s = (const void *)shared_page;
	long rc;

	rc = hypercall3(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG);
	expect(rc == 0, "update_va_mapping maps shared_info by its machine address");
	RAISES("mov (%1), %%rax", "r"(UNMAPPED + 8));
	expect(s->vcpu_info[0].arch.cr2 == UNMAPPED + 8,
	       "a #PF's address is in vcpu_info.arch.cr2 of the mapped shared_info");
	expect(s->vcpu_info[0].evtchn_upcall_mask == 1,
	       "events stay masked through bounce and iret (the frame's IF was clear)");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, va,
			(mfn_of(si->pt_base) << 12) | PT_P | PT_W | PT_U | PT_NX,
			UVMF_INVLPG);
	expect(rc == -XEN_EACCES, "mapping its own L4 writable: -EACCES");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, va, 0x100000ULL | PT_P | PT_U, UVMF_INVLPG);
	expect(rc == -XEN_EPERM, "mapping a machine frame not its own: -EPERM");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, 0xffff830000000000ULL,
			si->shared_info | PT_P | PT_U, UVMF_INVLPG);
	expect(rc == -XEN_EINVAL, "update_va_mapping in the hypervisor's slots: -EINVAL");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, UNMAPPED, si->shared_info | PT_P | PT_U, 0);
	expect(rc == -XEN_EINVAL, "update_va_mapping where it has no L1 table: -EINVAL");
	/* The spare page read-only, then pinned as an (empty) L1 and back. */
	va = (uint64_t)(uintptr_t)spare_page;
	rc = hypercall3(__HYPERVISOR_update_va_mapping, va,
			(mfn_of(va) << 12) | PT_P | PT_U | PT_NX | PT_A, UVMF_INVLPG);
	expect(rc == 0, "update_va_mapping makes a page read-only");
	{
		struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = mfn_of(va) };
		unsigned int done = 99;

		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
		expect(rc == 0 && done == 1, "mmuext_op pins it as an L1 table");
		rc = hypercall3(__HYPERVISOR_update_va_mapping, va,
				(mfn_of(va) << 12) | PT_P | PT_W | PT_U | PT_NX, UVMF_INVLPG);
		expect(rc == -XEN_EACCES || rc == -16, "a pinned L1 cannot be mapped writable");
		op.cmd = MMUEXT_UNPIN_TABLE;
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
		expect(rc == 0, "mmuext_op unpins it");
		op.cmd = MMUEXT_PIN_L4_TABLE;
		op.arg1.mfn = 0x100;	/* machine frame 0x100: not its own */
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
		expect(rc == -XEN_EPERM || rc == -XEN_EINVAL, "pinning a frame not its own: refused");
		op.cmd = MMUEXT_NEW_BASEPTR;
		op.arg1.mfn = mfn_of(si->pt_base);
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
		expect(rc == 0 && RAISES("ud2", "i"(0)) == 6,
		       "new_baseptr to its pinned L4 again, and it still runs on it");
		op.arg1.mfn = mfn_of((uint64_t)(uintptr_t)&failures);
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
		expect(rc < 0, "new_baseptr to one of its data pages (mapped writable): refused");
		op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
		expect(rc == 0, "mmuext_op TLB_FLUSH_LOCAL");
		rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, 0x7ff2 /* DOMID_XEN */);
		expect(rc == -XEN_EPERM, "mmuext_op on another domain's tables: -EPERM");
		rc = hypercall4(__HYPERVISOR_mmuext_op, UNMAPPED, 1, NULL, DOMID_SELF);
		expect(rc == -XEN_EFAULT, "mmuext_op with its array unmapped: -EFAULT");
	}
	rc = hypercall3(__HYPERVISOR_update_va_mapping, va,
			(mfn_of(va) << 12) | PT_P | PT_W | PT_U | PT_NX | PT_A | PT_D, UVMF_INVLPG);
	expect(rc == 0, "unpinned, the page can be writable again");
	spare_page[0] = 1;
	expect(spare_page[0] == 1, "and written");
}

static void check_mmu_update(void)
{
	uint64_t l4 = mfn_of(si->pt_base) << 12;
	struct mmu_update u = { .ptr = l4 + 256 * 8, .val = (mfn_of(0x100000) << 12) | PT_P };
	unsigned int done = 99;
	long rc;

	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EPERM && done == 0, "mmu_update into the hypervisor's L4 slot 256: -EPERM");
	u.ptr = l4 + 511 * 8;
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EPERM, "mmu_update into L4 slot 511 (the hypervisor's image): -EPERM");
	u.ptr = (mfn_of((uint64_t)(uintptr_t)spare_page) << 12);
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == 0 && done == 1 && *(volatile uint64_t *)spare_page == u.val,
	       "mmu_update on an ordinary page of its own is a plain write (as in Xen)");
	u.ptr = 0x100000;
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc < 0, "mmu_update on a machine frame not its own: refused");
	rc = hypercall4(__HYPERVISOR_mmu_update, HV_IMAGE, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EFAULT, "mmu_update with its array in the hypervisor: -EFAULT");
}

/* The virtual address of the bootstrap page-table frame mfn (the builder
 * maps them read-only at their pseudo-physical addresses), or 0. */
static uint64_t table_va(uint64_t mfn)
{
	for (uint64_t i = 0; i < si->nr_pt_frames; i++)
		if (mfn_of(si->pt_base + i * 4096) == mfn)
			return si->pt_base + i * 4096;
	return 0;
}

/* The L1 entry that maps va, through the bootstrap tables. */
static volatile uint64_t *l1_entry(uint64_t va)
{
	uint64_t t = si->pt_base;

	for (int level = 4; level > 1 && t; level--) {
		uint64_t e = ((const volatile uint64_t *)t)[(va >> (12 + 9 * (level - 1))) & 511];

		t = table_va((e & 0x000ffffffffff000ULL) >> 12);
	}
	return t ? &((volatile uint64_t *)t)[(va >> 12) & 511] : 0;
}

/* The machine address of an entry the bootstrap tables map at e. */
static uint64_t entry_maddr(volatile uint64_t *e)
{
	uint64_t va = (uint64_t)(uintptr_t)e;

	return mfn_of(va) << 12 | (va & 0xfff);
}

static long pt_update(volatile uint64_t *e, unsigned int cmd, uint64_t val)
{
	struct mmu_update u = { .ptr = entry_maddr(e) | cmd, .val = val };

	return hypercall4(__HYPERVISOR_mmu_update, &u, 1, NULL, DOMID_SELF);
}

static void invlpg(uint64_t va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = va };

	hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
}

/* XENFEAT_mmu_pt_update_preserve_ad: an update of its live L1 entry
 * keeps the accessed and dirty bits the CPU set there meanwhile. */
static void check_preserve_ad(void)
{
	uint64_t va = (uint64_t)(uintptr_t)spare_page;
	volatile uint64_t *e = l1_entry(va);
	uint64_t clean;
	long rc;

	if (!e) {
		expect(0, "preserve_ad: the L1 entry of its spare page found");
		return;
	}
	clean = *e & ~(PT_A | PT_D);
	rc = pt_update(e, MMU_NORMAL_PT_UPDATE, clean);
	invlpg(va);
	spare_page[8] = 7;	/* the CPU sets A and D in the shared entry */
	expect(rc == 0 && (*e & (PT_A | PT_D)) == (PT_A | PT_D),
	       "its L1 entry cleaned of A/D, then a store: the CPU set both");
	rc = pt_update(e, MMU_PT_UPDATE_PRESERVE_AD, clean);
	expect(rc == 0 && (*e & (PT_A | PT_D)) == (PT_A | PT_D) && (*e & ~(PT_A | PT_D)) == clean,
	       "MMU_PT_UPDATE_PRESERVE_AD with A/D clear: the value stored, A and D kept");
	rc = pt_update(e, MMU_NORMAL_PT_UPDATE, clean);
	expect(rc == 0 && *e == clean, "MMU_NORMAL_PT_UPDATE with the same value: A and D cleared");
	invlpg(va);
}

/* For grant.c. */
volatile uint64_t *pvtraps_l1_entry(uint64_t va)
{
	return l1_entry(va);
}

uint64_t pvtraps_read_vector(const volatile uint8_t *p)
{
	return RAISES("movb (%1), %%al", "r"(p));
}

uint64_t pvtraps_write_vector(volatile uint8_t *p)
{
	return RAISES("movb $1, (%1)", "r"(p));
}

uint64_t pvtraps_exec_vector(const volatile uint8_t *p)
{
	return RAISES("jmp *%1", "r"(p));
}

/* Writable page tables: with the assist on, plain stores into its
 * read-only L1 are emulated and validated by the hypervisor. */
static void check_writable_pagetables(void)
{
	uint64_t va = (uint64_t)(uintptr_t)spare_page, rw, ro;
	volatile uint64_t *e = l1_entry(va);
	long rc;

	expect(e != 0, "found the L1 entry of a page through the bootstrap tables");
	if (!e)
		return;
	rw = (mfn_of(va) << 12) | PT_P | PT_W | PT_U | PT_NX | PT_A | PT_D;
	ro = (mfn_of(va) << 12) | PT_P | PT_U | PT_NX | PT_A;
	rc = hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 99);
	expect(rc == -XEN_EINVAL, "vm_assist of an assist not offered: -EINVAL");
	rc = hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	expect(rc == 0, "vm_assist enables writable page tables");
	seen_vector = ~0ULL;
	*e = ro;
	expect(seen_vector == ~0ULL && *e == ro, "a plain store into its L1 is emulated (page now read-only)");
	expect(RAISES("movq $1, (%1)", "r"(va)) == 14 && seen_error == 7,
	       "the hypervisor flushed: writing the page faults");
	*e = rw;
	spare_page[8] = 3;
	expect(spare_page[8] == 3, "a second store makes it writable again");
	expect(RAISES("movq %2, (%1)", "r"(e), "r"((mfn_of(si->pt_base) << 12) | PT_P | PT_W | PT_U | PT_NX)) == 14 &&
	       seen_error == 7 && *e == rw,
	       "a store mapping its own L4 writable is refused: #PF, entry unchanged");
	expect(RAISES("movq %2, (%1)", "r"(e), "r"(0x100000ULL | PT_P | PT_U)) == 14 && *e == rw,
	       "a store mapping a frame not its own is refused: #PF, entry unchanged");
	hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
	expect(RAISES("movq %2, (%1)", "r"(e), "r"(ro)) == 14 && *e == rw,
	       "assist off again: a store to its L1 is a #PF");
}

/* paging=shadow: a translated guest (XENFEAT_auto_translated_physmap)
 * writes pseudo-physical frames; its tables are ordinary memory whose
 * stores the hypervisor applies through the shadows. What shared page
 * tables refuse is allowed here, except what touches the hypervisor or
 * lies outside its RAM. */
static void check_translated(void)
{
	uint64_t va = (uint64_t)(uintptr_t)spare_page, pfn = va >> 12;
	uint64_t rw = (pfn << 12) | PT_P | PT_W | PT_U | PT_A | PT_D;
	uint64_t ro = (pfn << 12) | PT_P | PT_U | PT_A;
	uint64_t l4 = si->pt_base;	/* identity: pseudo-physical = virtual */
	const struct shared_info *s = (const void *)shared_page;
	volatile uint64_t *e = l1_entry(va);
	struct mmu_update u;
	struct mmuext_op op = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = pfn };
	unsigned int done = 99;
	uint64_t table;
	long rc;

	expect(mfn_of(0x100000) == 0x100, "translated: the p2m list is the identity");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)shared_page,
			si->shared_info | PT_P | PT_W | PT_U | PT_A | PT_D, UVMF_INVLPG);
	expect(rc == 0, "translated: update_va_mapping maps shared_info by its pseudo-physical address");
	RAISES("mov (%1), %%rax", "r"(UNMAPPED + 8));
	expect(s->vcpu_info[0].arch.cr2 == UNMAPPED + 8,
	       "translated: a #PF's address is in vcpu_info.arch.cr2");
	expect(e != 0, "translated: found the L1 entry of a page through the bootstrap tables");
	if (!e)
		return;
	rc = hypercall3(__HYPERVISOR_update_va_mapping, va, ro, UVMF_INVLPG);
	expect(rc == 0 && RAISES("movq $1, (%1)", "r"(va)) == 14 && seen_error == 7,
	       "translated: update_va_mapping makes a page read-only: a write faults");
	/* The builder maps the bootstrap tables read-only, as for a PV guest;
	 * a translated guest may map them writable. */
	table = (uint64_t)(uintptr_t)e & ~0xfffULL;
	rc = hypercall3(__HYPERVISOR_update_va_mapping, table,
			table | PT_P | PT_W | PT_U | PT_A | PT_D, UVMF_INVLPG);
	expect(rc == 0, "translated: update_va_mapping maps its own L1 writable");
	*e = rw;
	spare_page[16] = 5;
	expect(*e == rw && spare_page[16] == 5,
	       "translated: a plain store into its L1 is applied (no assist needed)");
	*e = ro;
	expect(RAISES("movq $1, (%1)", "r"(va)) == 14 && seen_error == 7,
	       "translated: a store making it read-only takes effect at once");
	u = (struct mmu_update){ .ptr = (uint64_t)(uintptr_t)e, .val = rw };
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	spare_page[24] = 6;
	expect(rc == 0 && done == 1 && spare_page[24] == 6,
	       "translated: mmu_update by pseudo-physical address makes it writable");
	u = (struct mmu_update){ .ptr = l4 + 262 * 8, .val = (pfn << 12) | PT_P | PT_W | PT_U };
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == 0 && RAISES("mov (%1), %%rax", "r"(HV_DIRECTMAP)) == 14 &&
	       seen_error == (umbra_xpti() ? 4 : 5),
	       "translated: its L4 slot 262 written, the hypervisor's direct map still faults");
	u.ptr = l4 + 511 * 8;
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == 0 && RAISES("mov (%1), %%rax", "r"(HV_IMAGE)) == 14 &&
	       (seen_error == 5 || (umbra_xpti() && seen_error == 4)),
	       "translated: its L4 slot 511 written, the hypervisor's image still faults");
	u = (struct mmu_update){ .ptr = 0x40000000ULL, .val = 0 };
	rc = hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "translated: mmu_update outside its RAM: -EINVAL");
	*e = (0x40000000ULL) | PT_P | PT_W | PT_U | PT_A | PT_D;
	expect(RAISES("mov (%1), %%rax", "r"(va)) == 14,
	       "translated: a frame beyond its RAM in an entry: the access is a #PF");
	*e = rw;
	/* The engine needs no pins, but the answer is Xen's: a frame its
	 * tables map writable takes no page-table type. */
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "translated: pinning a page its tables map writable: -EINVAL");
	*e = ro;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
	expect(rc == 0, "translated: mapped read-only, it pins");
	*e = rw;
	op.cmd = MMUEXT_UNPIN_TABLE;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
	expect(rc == 0, "translated: mmuext_op unpin");
	op.cmd = MMUEXT_NEW_BASEPTR;
	op.arg1.mfn = 0x40000;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "translated: new_baseptr outside its RAM: -EINVAL");
	op.arg1.mfn = l4 >> 12;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == 0 && RAISES("ud2", "i"(0)) == 6,
	       "translated: new_baseptr to its L4 again, and it still runs on it");
	{
		uint64_t gdt_frame = pfn;

		rc = hypercall2(__HYPERVISOR_set_gdt, &gdt_frame, 1);
		expect(rc == 0 && hypercall2(__HYPERVISOR_update_descriptor,
					     pfn << 12, 0) == 0 &&
		       hypercall2(__HYPERVISOR_update_descriptor, 0x40000000ULL, 0) == -XEN_EINVAL,
		       "translated: set_gdt and update_descriptor by guest frame; outside its RAM -EINVAL");
		gdt_frame = l4 >> 12;
		expect(hypercall2(__HYPERVISOR_update_descriptor, l4, 0) == -XEN_EINVAL &&
		       hypercall2(__HYPERVISOR_set_gdt, &gdt_frame, 1) == -XEN_EINVAL,
		       "translated: update_descriptor and set_gdt on its own L4: -EINVAL");
	}
	op.cmd = MMUEXT_NEW_USER_BASEPTR;
	op.arg1.mfn = 0x40000;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EINVAL, "translated: new_user_baseptr outside its RAM: -EINVAL");
	op.arg1.mfn = l4 >> 12;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == 0 && RAISES("ud2", "i"(0)) == 6,
	       "translated: new_user_baseptr to its L4, kernel mode runs on");
	op.cmd = MMUEXT_INVLPG_LOCAL;
	op.arg1.linear_addr = va;
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF);
	expect(rc == 0 && spare_page[24] == 6, "translated: mmuext_op invlpg");
	rc = hypercall4(__HYPERVISOR_mmuext_op, &op, 1, NULL, 0x7ff2 /* DOMID_XEN */);
	expect(rc == -XEN_EPERM, "translated: mmuext_op on another domain's tables: -EPERM");
	rc = hypercall4(__HYPERVISOR_mmuext_op, UNMAPPED, 1, NULL, DOMID_SELF);
	expect(rc == -XEN_EFAULT, "translated: mmuext_op with its array unmapped: -EFAULT");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, 0xffff830000000000ULL, rw, UVMF_INVLPG);
	expect(rc == -XEN_EINVAL, "translated: update_va_mapping in the hypervisor's slots: -EINVAL");
	rc = hypercall3(__HYPERVISOR_update_va_mapping, UNMAPPED, rw, 0);
	expect(rc == -XEN_EINVAL, "translated: update_va_mapping where it has no L1 table: -EINVAL");
}

/* Xen's forced-emulation prefix: the hypervisor's CPUID view. */
static void check_cpuid_and_callbacks(void)
{
	uint32_t a = 0x40000100, b = 0, c = 0, d = 0;
	struct callback_register cb = { .type = CALLBACKTYPE_event, .address = 0x100000 };
	struct callback_unregister un = { 0 };
	long rc;

	__asm__ volatile("ud2; .ascii \"xen\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	expect(b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e,
	       "forced-emulation CPUID 0x40000100: XenVMMXenVMM");
	a = 0x40000000;
	__asm__ volatile("ud2; .ascii \"xen\"; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	expect(b == 0x72626d55, "forced-emulation CPUID 0x40000000: Umbra's signature");
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	expect(rc == 0, "callback_op registers the event callback");
	cb.address = 0xffff830000000000ULL;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	expect(rc == -XEN_EINVAL, "a callback inside the hypervisor: -EINVAL");
	cb.type = 6;
	cb.address = 0x100000;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	expect(rc == -XEN_ENOSYS, "a callback type not offered: -ENOSYS (Xen)");
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, UNMAPPED);
	expect(rc == -XEN_EFAULT, "callback_op with its argument unmapped: -EFAULT");
	/* Xen: only the NMI callback can be unregistered. */
	un.type = CALLBACKTYPE_event;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &un);
	expect(rc == -XEN_EINVAL, "unregistering the event callback: -EINVAL (Xen: replaced, never removed)");
	un.type = CALLBACKTYPE_nmi;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &un);
	expect(rc == 0, "unregistering the NMI callback: 0");
	un.type = 6;
	rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_unregister, &un);
	expect(rc == -XEN_ENOSYS, "unregistering a callback type not offered: -ENOSYS");
}

/* Event upcalls: a loopback channel (alloc_unbound + bind_interdomain to
 * itself), sends delivered through the registered event callback. */
static volatile unsigned int upcalls;
static volatile uint64_t upcall_ports;

/* Another way into the same upcall handler, counted. */
extern char minios_event_entry[], alt_event_entry[];
volatile uint64_t alt_upcalls;
__asm__(".text\n"
	"alt_event_entry: incq alt_upcalls(%rip)\n"
	"	jmp minios_event_entry\n");

/* set_callbacks (hypercall 4: event, failsafe, syscall) as Xen's: the
 * event callback it names takes the next upcall; an address refused for
 * one callback leaves that one as it was and the call still returns 0. */
static void check_set_callbacks(struct evtchn_send *send)
{
	unsigned int before = upcalls;
	long rc, sent;

	rc = hypercall3(__HYPERVISOR_set_callbacks, alt_event_entry, 0, 0);
	sent = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, send);
	expect(rc == 0 && sent == 0 && alt_upcalls == 1 && upcalls == before + 1,
	       "set_callbacks registers the event callback: the next upcall enters it");
	rc = hypercall3(__HYPERVISOR_set_callbacks, minios_event_entry, 0x0000900000000000ULL,
			HV_IMAGE);
	sent = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, send);
	expect(rc == 0 && sent == 0 && alt_upcalls == 1 && upcalls == before + 2,
	       "set_callbacks with a non-canonical failsafe and a syscall in the hypervisor: 0, the event callback set");
}

static int on_event(struct minios_regs *r)
{
	struct shared_info *s = (struct shared_info *)shared_page;
	uint64_t pending;

	(void)r;
	upcalls++;
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	pending = __atomic_exchange_n(&s->evtchn_pending[0], 0, __ATOMIC_SEQ_CST);
	upcall_ports |= pending;
	return 1;
}

static void check_events(void)
{
	struct shared_info *s = (struct shared_info *)shared_page;
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct evtchn_send send;
	long rc;

	rc = event_callback_init(on_event);
	expect(rc == 0, "event callback registered");
	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &au);
	bi.remote_port = au.port;
	if (!rc)
		rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &bi);
	expect(rc == 0 && bi.local_port != au.port && bi.local_port < 64,
	       "a loopback channel: alloc_unbound, bind_interdomain to itself");
	/* Binding marks the new port pending, as Xen does (a send to the
	 * unbound port may have been dropped). Events are still masked, so
	 * it waits; taken here, as a guest would, or it would arrive with
	 * the first unmasked entry: the send's own upcall, or an earlier
	 * one when a host interrupt lands between the unmask and the send. */
	expect(upcalls == 0 && (s->evtchn_pending[0] & (1ULL << bi.local_port)) &&
	       s->vcpu_info[0].evtchn_upcall_pending,
	       "bind_interdomain marks the new port pending (masked: no upcall)");
	s->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&s->evtchn_pending[0], ~(1ULL << bi.local_port), __ATOMIC_SEQ_CST);
	send.port = au.port;
	s->vcpu_info[0].evtchn_upcall_mask = 0;
	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
	expect(rc == 0 && upcalls == 1 && (upcall_ports & (1ULL << bi.local_port)),
	       "a send with events unmasked: one upcall, for the bound port");
	expect(s->vcpu_info[0].evtchn_upcall_mask == 0, "the upcall's iret unmasked events again");
	s->vcpu_info[0].evtchn_upcall_mask = 1;
	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
	expect(rc == 0 && upcalls == 1 && s->vcpu_info[0].evtchn_upcall_pending,
	       "masked: the event waits (upcall_pending), no upcall");
	s->vcpu_info[0].evtchn_upcall_mask = 0;
	hv_xen_version(0, NULL);	/* any hypercall: pending events are delivered on return */
	expect(upcalls == 2, "unmasked again: the pending upcall arrives at the next entry");
	check_set_callbacks(&send);

	/* VIRQ_TIMER: a deadline already past, then SCHEDOP_block. */
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

	rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bv);
	expect(rc == 0, "VIRQ_TIMER bound");
	upcall_ports = 0;
	rc = hypercall1(__HYPERVISOR_set_timer_op, 1);
	expect(rc == 0, "set_timer_op with a deadline already past");
	rc = hv_sched_op(SCHEDOP_block, NULL);
	for (unsigned int i = 0; i < 1000 && !(upcall_ports & (1ULL << bv.port)); i++)
		hv_sched_op(SCHEDOP_block, NULL);
	expect(rc == 0 && (upcall_ports & (1ULL << bv.port)),
	       "SCHEDOP_block returns with the timer's upcall on its port");
}

/* Bad arguments to the common hypercalls from a PV guest: each gets its
 * error and the guest carries on (the rc is printed when it differs). */
static void expect_rc(long rc, long want, const char *what)
{
	expect(rc == want, what);
	if (rc != want)
		con_printf("pvtraps: (got %ld, wanted %ld)\n", rc, want);
}

static void check_bad_arguments(void)
{
	struct evtchn_send send = { .port = 4000 };
	struct evtchn_bind_virq bv = { .virq = 99, .vcpu = 0 };
	struct evtchn_close cl = { .port = 5000 };
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	char buf[16] = "0123456789abcdef";

	expect_rc(hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 2u << 20, buf), -XEN_EINVAL,
		  "console_io longer than 1 MiB: -EINVAL");
	expect_rc(hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, HV_DIRECTMAP), -XEN_EFAULT,
		  "event_channel_op with its argument in the hypervisor: -EFAULT");
	expect_rc(hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send), -XEN_EINVAL,
		  "evtchn send on a port out of range: -EINVAL");
	expect_rc(hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_close, &cl), -XEN_EINVAL,
		  "evtchn close of a port out of range: -EINVAL");
	expect_rc(hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bv), -XEN_EINVAL,
		  "evtchn bind_virq of a VIRQ that does not exist: -EINVAL");
	expect_rc(hypercall2(__HYPERVISOR_memory_op, XENMEM_current_reservation, HV_IMAGE), -XEN_EFAULT,
		  "memory_op reading its domid from the hypervisor: -EFAULT");
	expect_rc(hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, UNMAPPED, 1), -XEN_EFAULT,
		  "grant_table_op query_size from an unmapped address: -EFAULT");
	expect_rc(hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, &q, 1), 0,
		  "grant_table_op query_size for itself");
	expect_rc(hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, HV_DIRECTMAP), -XEN_EFAULT,
		  "sched_op shutdown reading its reason from the hypervisor: -EFAULT");
	expect_rc(hypercall2(__HYPERVISOR_sched_op, 99, 0), -XEN_ENOSYS, "sched_op 99: -ENOSYS");
	expect_rc(hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion, HV_IMAGE), -XEN_EFAULT,
		  "xen_version writing into the hypervisor's image: -EFAULT");
	expect_rc(hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, HV_DIRECTMAP), -XEN_EFAULT,
		  "vcpu_op register_vcpu_info from the hypervisor: -EFAULT");
	expect_rc(hypercall_nr(64, 0, 0, 0, 0, 0), -XEN_ENOSYS, "hypercall 64 (past the table): -ENOSYS");
	{
		/* Past the hypercall page's slots: SYSCALL with the number as is. */
		long rc;

		__asm__ volatile("syscall" : "=a"(rc) : "a"(0xffffffff00000001ULL)
				 : "rcx", "r11", "memory");
		expect_rc(rc, -XEN_ENOSYS, "SYSCALL with hypercall number 2^64-2^32+1: -ENOSYS");
	}
}

/* set_segment_base: FS and GS bases for the guest, never the
 * hypervisor's addresses; and an iret asking for ring 0 runs in ring 3. */
static uint64_t fs_word = 0x1122334455667788ULL, gs_word = 0x99aabbccddeeff00ULL;

static void check_segments_and_rings(void)
{
	uint64_t v = 0, cs = 0;
	long rc;

	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, &fs_word);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	expect(rc == 0 && v == fs_word, "set_segment_base FS: %fs:0 reads the guest's word");
	rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, &gs_word);
	__asm__ volatile("mov %%gs:0, %0" : "=r"(v));
	expect(rc == 0 && v == gs_word, "set_segment_base GS (kernel): %gs:0 reads the guest's word");
	expect_rc(hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, HV_DIRECTMAP), -XEN_EINVAL,
		  "set_segment_base into the hypervisor: -EINVAL");
	expect_rc(hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 0x0000900000000000ULL),
		  -XEN_EINVAL, "set_segment_base non-canonical: -EINVAL");
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	expect(v == fs_word, "the refused base changed nothing");
	hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0);
	hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 0);
	/* iret to CS 0xe030 (RPL 0): Umbra makes it RPL 3. */
	__asm__ volatile("mov %%rsp, %%rax\n\t"
			 "pushq $0xe02b\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0x202\n\t"
			 "pushq $0xe030\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0\n\t"
			 "jmp hypercall_page + 23 * 32\n"
			 "1: mov %%cs, %0" : "=r"(cs) : : "rax", "rcx", "r11", "memory");
	expect(cs == 0xe033, "iret asking for ring 0 (cs 0xe030) comes back in ring 3 (0xe033)");
}

/* iret to the hypervisor's code segment (0x08): the domain is crashed. */
static void attack_iret_cs(void)
{
	con_puts("pvtraps: attack: iret to cs 0x08\n");
	__asm__ volatile("mov %%rsp, %%rax\n\t"
			 "pushq $0xe02b\n\t"	/* ss */
			 "pushq %%rax\n\t"	/* rsp */
			 "pushq $0x202\n\t"	/* rflags */
			 "pushq $0x08\n\t"	/* cs: the hypervisor's */
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"	/* rip */
			 "pushq $0\n\t"		/* flags */
			 "jmp hypercall_page + 23 * 32\n"
			 "1:" ::: "rax", "memory");
	con_puts("pvtraps: FAIL: the iret to cs 0x08 came back\n");
}

/* The iret hypercall made straight by SYSCALL (the hypercall page's stub
 * would push onto the stack first) with its frame at RSP in the
 * hypervisor: the frame cannot be read, so the domain is crashed. */
static void attack_iret_stack(void)
{
	con_puts("pvtraps: attack: iret with its frame in the hypervisor's direct map\n");
	__asm__ volatile("mov %0, %%rsp; mov %1, %%eax; syscall"
			 : : "r"(HV_DIRECTMAP + 0x1000), "i"(__HYPERVISOR_iret) : "rax", "rcx", "r11", "memory");
}

/* An exception with the stack pointer in the hypervisor: no frame can be
 * written there, so the domain is crashed (never a write to Umbra). */
static void attack_bad_stack(void)
{
	con_puts("pvtraps: attack: #UD with RSP in the hypervisor's direct map\n");
	__asm__ volatile("mov %0, %%rsp; ud2" : : "r"(HV_DIRECTMAP + 0x1000) : "memory");
}

int guest_main(const struct start_info *start)
{
	si = start;
	probe_all_vectors();
	if (guest_option("attack=iret_cs"))
		attack_iret_cs();
	if (guest_option("attack=iret_stack"))
		attack_iret_stack();
	if (guest_option("attack=stack")) {
		trap_init();
		attack_bad_stack();
	}
	check_exceptions();
	check_trap_table_refusals();
	if (xen_translated()) {
		check_translated();
	} else {
		check_update_va_mapping();
		check_mmu_update();
		check_writable_pagetables();
		check_preserve_ad();
	}
	check_grant_table(si, xen_translated());
	check_memory_op(si);
	check_xen_version(xen_translated());
	check_cpuid_and_callbacks();
	check_events();
	check_bad_arguments();
	check_bad_pointers();
	check_segments_and_rings();
	con_printf("pvtraps: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
