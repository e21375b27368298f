/* Per-domain and per-vCPU SVM state: nested page tables (or shadow
 * paging), ASIDs, VMCBs in their PVH boot state. */
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <public/umbra.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/string.h>
#include "mmu/npt.h"
#include "mmu/pte.h"

#define ASID_SLOTS	63	/* see struct percpu.asid_owner */
/* dom0 reaches devices 1:1 up to here (the 32-bit PCI hole, the local and
 * I/O APICs); 64-bit BARs above 4 GiB are not mapped yet. */
#define IDENTITY_MMIO_TOP	(1ULL << 32)

#define GIB		(1ULL << 30)
#define VCPU_POOL_PAGES	2	/* its VMCB and its struct vcpu */

/* Page-table pages for mmu/ (NPT and shadows) come from the domain's pool. */
static int pool_alloc_page(void *ctx, uint64_t *maddr)
{
	uint64_t pa = domain_page_alloc(ctx);

	if (!pa)
		return -ENOMEM;
	*maddr = pa;
	return 0;
}

static void pool_free_page(void *ctx, uint64_t maddr)
{
	domain_page_free(ctx, maddr);
}

static void *direct_map(void *ctx, uint64_t maddr)
{
	(void)ctx;
	return phys_to_virt(maddr);
}

void svm_mmu_ops_init(struct mmu_ops *ops, void *ctx)
{
	*ops = (struct mmu_ops){
		.ctx = ctx,
		.alloc_page = pool_alloc_page,
		.free_page = pool_free_page,
		.map = direct_map,
	};
}

static uint32_t pick_asid(domid_t id)
{
	uint32_t n = cpuid(CPUID_SVM_FEATURES).ebx;	/* ASIDs, 0 being the host's */
	uint32_t slots = n > 1 && n - 1 < ASID_SLOTS ? n - 1 : ASID_SLOTS;

	return 1 + (id - 1) % slots;
}

/* dom0 drives its pCPU's local APIC, but writes to it exit (a read-only
 * page), so that Umbra can refuse IPIs to its own CPUs
 * (svm_dom0_apic.c). Its own pCPU's APIC page is every CPU's address.
 * The rest of the MSI window around it is absent from dom0's tables: a
 * CPU's write there is no interrupt on hardware, but QEMU delivers it as
 * a device's message (any delivery mode, INIT and NMI too, to any APIC
 * ID), which would bypass the filter; refused as memory not dom0's. */
static int protect_local_apic(struct domain *d)
{
	uint64_t apic = apic_mmio_phys();
	uint64_t end = APIC_MSI_WINDOW + APIC_MSI_WINDOW_SIZE;
	int err;

	if (!apic || apic >= IDENTITY_MMIO_TOP)
		return 0;
	if (apic < APIC_MSI_WINDOW || apic >= end)
		return npt_protect(&d->npt, apic, PAGE_SIZE, NPT_R | NPT_X);
	err = npt_unmap(&d->npt, APIC_MSI_WINDOW, APIC_MSI_WINDOW_SIZE);
	return err ? err : npt_map(&d->npt, apic, apic, PAGE_SIZE, NPT_R | NPT_X);
}

/* Its I/O APICs' pages too, so that it cannot aim a device interrupt
 * (or an NMI, INIT, SMI) at Umbra's CPUs (svm_dom0_ioapic.c). */
static int protect_ioapics(struct domain *d)
{
	int err = 0;

	for (unsigned int i = 0; i < ioapics_nr() && !err; i++) {
		uint64_t page = ioapic_addr(i) & ~(uint64_t)(PAGE_SIZE - 1);

		if (page && page < IDENTITY_MMIO_TOP)
			err = npt_protect(&d->npt, page, PAGE_SIZE, NPT_R | NPT_X);
	}
	return err;
}

/* dom0: its RAM and every non-RAM range of the machine below 4 GiB (page
 * 0 and the firmware's areas included) map 1:1; Umbra's RAM and the other
 * domains' are absent, so dom0 cannot reach them. */
static int map_identity(struct domain *d)
{
	const struct identity_map *id = d->identity;
	const struct e820_map *m = id->machine;
	uint64_t at = PAGE_SIZE;	/* page 0 is mapped below, on its own */
	int err = npt_map(&d->npt, 0, 0, PAGE_SIZE, NPT_RWX);

	for (unsigned int i = 0; i < id->nr_ram && !err; i++)
		err = npt_map(&d->npt, id->ram[i].start, id->ram[i].start,
			      id->ram[i].end - id->ram[i].start, NPT_RWX);
	/* Everything between the machine's whole RAM pages: a page only
	 * partly RAM (the EBDA's) is never allocated, and is firmware's. */
	for (unsigned int i = 0; i < m->nr && !err && at < IDENTITY_MMIO_TOP; i++) {
		uint64_t s = (m->r[i].addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t e = (m->r[i].addr + m->r[i].size) & ~(PAGE_SIZE - 1);

		if (m->r[i].type != E820_RAM)
			continue;
		if (s > IDENTITY_MMIO_TOP)
			s = IDENTITY_MMIO_TOP;
		if (s > at)
			err = npt_map(&d->npt, at, at, s - at, NPT_RWX);
		if (e > at)
			at = e;
	}
	if (!err && at < IDENTITY_MMIO_TOP)
		err = npt_map(&d->npt, at, at, IDENTITY_MMIO_TOP - at, NPT_RWX);
	if (!err)
		err = protect_local_apic(d);
	return err ? err : protect_ioapics(d);
}

static int map_guest_memory(struct domain *d)
{
	if (d->identity)
		return map_identity(d);
	for (unsigned int i = 0; i < d->nr_extents; i++) {
		int err = npt_map(&d->npt, (uint64_t)i * EXTENT_SIZE, d->extents[i],
				  EXTENT_SIZE, NPT_RWX);
		if (err)
			return err;
	}
	return 0;
}

/* Guest memory is mapped in 2 MiB pages: a PML4, a PDPT, a PD per GiB. */
static uint64_t npt_pool_pages(uint64_t mem_bytes)
{
	return 2 + (mem_bytes + GIB - 1) / GIB;
}

/* dom0's NPT covers the first 4 GiB 1:1 (a PD per GiB), and each edge of
 * its RAM ranges or of the machine's map may need a page table of 4 KiB
 * entries where it does not fall on 2 MiB. */
static uint64_t identity_npt_pool_pages(const struct identity_map *id)
{
	uint64_t top = id->ram[id->nr_ram - 1].end;

	if (top < IDENTITY_MMIO_TOP)
		top = IDENTITY_MMIO_TOP;
	/* + 1: the table that splits the local APIC's page off; and for
	 * its mappings of other domains' rings (hvm_dom0_foreign_map), a
	 * page table per domain (both its rings share one 2 MiB extent) and
	 * a directory per GiB they may need above the first 4. */
	return npt_pool_pages(top) + 2 * (id->nr_ram + id->machine->nr) + 2 + 1 +
	       2 * MAX_DOMAINS;
}

/* A frame given back splits its extent's 2 MiB entry into a table of
 * 4 KiB entries (svm_p2m.c): at most one table per extent. */
static uint64_t npt_split_pages(uint64_t mem_bytes)
{
	return mem_bytes / EXTENT_SIZE;
}

uint64_t hvm_domain_pool_pages(struct domain *d, const struct domain_config *cfg,
			       const char **why)
{
	uint64_t pages = (d->identity ? identity_npt_pool_pages(d->identity)
				      : npt_pool_pages(d->mem_bytes) +
					npt_split_pages(d->mem_bytes)) +
			 VCPU_POOL_PAGES * cfg->nr_vcpus;

	if (cfg->paging != UMBRA_PAGING_SHADOW) {
		if (cfg->shadow_bytes) {
			*why = "shadow_memory is for paging=shadow only";
			return 0;
		}
		return pages;
	}
	d->shadow_pool_pages = svm_shadow_pool_pages(d, cfg->shadow_bytes);
	return pages + d->shadow_pool_pages;
}

int hvm_domain_init(struct domain *d, const char **why)
{
	struct mmu_ops ops;
	int err;

	d->asid = pick_asid(d->id);
	/* Guest TSC starts near zero when the domain is built. */
	d->tsc_offset = -rdtsc();
	svm_cpuid_domain_init(d);
	/* Shadow domains use the NPT too, while the guest runs unpaged. */
	svm_mmu_ops_init(&ops, d);
	err = npt_init(&d->npt, &ops);
	if (!err)
		err = map_guest_memory(d);
	if (err) {
		npt_destroy(&d->npt);
		*why = "its pool is too small for its nested page tables";
		return err;
	}
	if (d->paging == UMBRA_PAGING_SHADOW && svm_shadow_domain_init(d)) {
		npt_destroy(&d->npt);
		*why = "its pool is too small for shadow paging";
		return -ENOMEM;
	}
	return 0;
}

void hvm_domain_destroy(struct domain *d)
{
	svm_shadow_domain_destroy(d);
	npt_destroy(&d->npt);
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = 0;
}

#define DEFAULT_PAT	0x0007040600070406ULL

static void vmcb_init_controls(struct vmcb *vmcb, const struct domain *d)
{
	/* CR4 writes in every mode, so hidden features stay off. */
	vmcb->intercept_cr = INTERCEPT_CR_WRITE(4);
	vmcb->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
		INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_RSM | INTERCEPT_INVD |
		INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT |
		INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
		INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | INTERCEPT_STGI |
		INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_WBINVD |
		INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV;
	/* Given back to the guest (svm_reflect.c): a guest must not be able
	 * to hold a physical CPU in an endless chain of either. */
	vmcb->intercept_exceptions = (1u << TRAP_DB) | (1u << TRAP_AC);
	vmcb->iopm_base_pa = svm_iopm_pa;
	vmcb->msrpm_base_pa = svm_msrpm_pa;
	vmcb->tsc_offset = d->tsc_offset;
	vmcb->asid = d->asid;
	vmcb->tlb_control = TLB_CONTROL_FLUSH_ALL;
	/* Physical interrupts exit; the guest's IF masks only virtual ones. */
	vmcb->int_ctl = V_INTR_MASKING;
	vmcb->np_enable = 1;
	vmcb->n_cr3 = d->npt.root;
}

/* dom0 owns its pCPU: physical interrupts go straight to its IDT (no
 * INTR intercept, no V_INTR_MASKING), HLT halts the pCPU, ports and most
 * MSRs pass through. Umbra keeps NMIs (to take the CPU back), INIT, the
 * SVM instructions, CPUID and CR4, and a triple fault. */
static void vmcb_init_dom0_controls(struct vmcb *vmcb)
{
	vmcb->intercept_misc1 = INTERCEPT_NMI | INTERCEPT_SMI | INTERCEPT_INIT |
		INTERCEPT_CPUID | INTERCEPT_RSM | INTERCEPT_IOIO_PROT |
		INTERCEPT_MSR_PROT | INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
	vmcb->intercept_misc2 &= ~INTERCEPT_WBINVD;
	vmcb->iopm_base_pa = svm_dom0_iopm_pa;
	vmcb->msrpm_base_pa = svm_dom0_msrpm_pa;
	vmcb->int_ctl = 0;
}

int hvm_vcpu_init(struct vcpu *v, struct domain *d, unsigned int id)
{
	uint64_t pa = domain_page_alloc(d);
	struct vmcb *vmcb;

	if (!pa)
		return -ENOMEM;
	vmcb = phys_to_virt(pa);
	v->domain = d;
	v->id = id;
	v->processor = -1;
	v->state = VCPU_DOWN;
	v->hvm.vmcb = vmcb;
	v->hvm.vmcb_pa = pa;
	v->hvm.last_pcpu = ~0ULL;
	/* FNINIT state: x87 control word 0x37f, MXCSR 0x1f80. */
	v->hvm.fpu[0] = 0x7f;
	v->hvm.fpu[1] = 0x03;
	v->hvm.fpu[24] = 0x80;
	v->hvm.fpu[25] = 0x1f;
	vmcb_init_controls(vmcb, d);
	if (domain_is_dom0(d))
		vmcb_init_dom0_controls(vmcb);
	hvm_vcpu_set_pvh_entry(v, 0, 0);
	v->hvm.vlapic_injected = -1;
	v->hvm.virq_left = -1;
	if (!domain_is_dom0(d))
		vlapic_init(v);
	if (d->paging == UMBRA_PAGING_SHADOW && svm_shadow_vcpu_init(v)) {
		domain_page_free(d, pa);
		v->hvm.vmcb_pa = 0;
		return -ENOMEM;
	}
	return 0;
}

void hvm_vcpu_destroy(struct vcpu *v)
{
	if (!v)
		return;
	svm_shadow_vcpu_destroy(v);
	if (v->hvm.vmcb_pa)
		domain_page_free(v->domain, v->hvm.vmcb_pa);
	v->hvm.vmcb_pa = 0;
}

void hvm_vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	set_seg(&vmcb->cs, 0x08, SEG_CODE32, 0xffffffff);
	set_seg(&vmcb->ds, 0x10, SEG_DATA, 0xffffffff);
	vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
	set_seg(&vmcb->tr, 0x18, SEG_TSS_BUSY, 0x67);
	set_seg(&vmcb->ldtr, 0, SEG_LDT, 0xffff);
	set_seg(&vmcb->gdtr, 0, 0, 0xffff);
	set_seg(&vmcb->idtr, 0, 0, 0xffff);
	vmcb->cpl = 0;
	vmcb->efer = EFER_SVME;		/* hidden from the guest */
	svm_set_guest_cr0(v, CR0_PE | CR0_ET);
	vmcb->cr3 = 0;
	v->hvm.guest_cr3 = 0;
	vmcb->cr4 = 0;
	vmcb->dr6 = 0xffff0ff0;
	vmcb->dr7 = 0x400;
	vmcb->rflags = X86_EFLAGS_FIXED;
	vmcb->rip = entry;
	vmcb->rsp = 0;
	vmcb->rax = 0;
	vmcb->g_pat = DEFAULT_PAT;
	memset(&v->hvm.regs, 0, sizeof(v->hvm.regs));
	v->hvm.regs.rbx = start_info;
}

#define SEG_REAL_LIMIT	0xffff
#define SIPI_CS_SHIFT	8	/* CS selector = vector << 8, base = selector << 4 */

void hvm_vcpu_set_sipi_entry(struct vcpu *v, uint8_t vector)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint16_t cs = (uint16_t)(vector << SIPI_CS_SHIFT);

	hvm_vcpu_set_pvh_entry(v, 0, 0);
	set_seg(&vmcb->cs, cs, SEG_REAL_CODE, SEG_REAL_LIMIT);
	vmcb->cs.base = (uint64_t)cs << 4;
	set_seg(&vmcb->ds, 0, SEG_REAL_DATA, SEG_REAL_LIMIT);
	vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
	set_seg(&vmcb->tr, 0, SEG_TSS_BUSY, SEG_REAL_LIMIT);
	vmcb->cr0 = CR0_ET;
	vmcb->rip = 0;
}

void hvm_vcpu_set_entry64(struct vcpu *v, const struct hvm_entry64 *e)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	hvm_vcpu_set_pvh_entry(v, 0, 0);
	set_seg(&vmcb->cs, e->cs, SEG_CODE64, 0xffffffff);
	set_seg(&vmcb->ds, e->ds, SEG_DATA, 0xffffffff);
	vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
	set_seg(&vmcb->tr, 0, SEG_TSS_BUSY, 0x67);
	vmcb->gdtr.base = e->gdt_base;
	vmcb->gdtr.limit = e->gdt_limit;
	vmcb->efer = EFER_SVME | EFER_LME | EFER_LMA;
	vmcb->cr4 = CR4_PAE;
	vmcb->cr3 = e->cr3;
	v->hvm.guest_cr3 = e->cr3;
	svm_set_guest_cr0(v, CR0_PE | CR0_ET | CR0_PG);
	vmcb->rip = e->rip;
	v->hvm.regs.rbx = 0;
	v->hvm.regs.rsi = e->rsi;
}
