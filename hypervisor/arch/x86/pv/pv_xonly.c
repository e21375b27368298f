/*
 * The execute-only hypervisor for PV guests (DESIGN.md §4, docs/pv.md).
 *
 * The hypercall page is the hypervisor's own page, one for all domains
 * (the stubs do not depend on the domain). Each PV guest maps it at its
 * HYPERCALL_PAGE note with an L1 entry that is present, user, executable
 * and read-only under protection key PV_PKEY_HV, and runs with that key's
 * access- and write-disable bits set in PKRU. Instruction fetches ignore
 * protection keys, so `call hypercall_page + 32*nr` works; a read or a
 * write is a #PF with the PK bit in its error code, bounced to the guest
 * as the CPU reported it. shared-pt accepts the entry only in that form
 * (pv_xonly_hv_leaf) and takes no references on the page.
 *
 * The guest cannot open the key: every page it may execute passes
 * pv_xonly_may_exec() first, where asm/pkscan.h's scanner finds WRPKRU,
 * XRSTOR and XRSTORS at every byte offset, rewrites those that are real
 * instructions into same-length UD1 traps and refuses the page otherwise;
 * pv_xonly_ud() emulates the traps with the key forced shut. In a W^X
 * domain (struct spt_domain.wx) a page is scanned when it becomes
 * executable and cannot be written while it stays so.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/pkscan.h>
#include <asm/pv.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/memory.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include "pv_build.h"
#include "pv_mm.h"
#include "pv_xonly.h"

static const char *hypervisor_written(const struct domain *d, uint64_t mfn);

static bool have_pku;
static uint64_t hcall_mfn;

static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

void pv_xonly_cpu_init(void)
{
	have_pku = cpuid_count(CPUID_EXT_FEATURES_7, 0).ecx & L7_ECX_PKU;
	if (have_pku)
		write_cr4(read_cr4() | CR4_PKE);
}

int pv_xonly_init(void)
{
	struct spt_machine *m = pv_mm_machine();
	uint64_t pa;

	if (hcall_mfn)
		return 0;
	pa = alloc_page_phys();
	if (!pa || (pa >> PAGE_SHIFT) >= m->nr_frames)
		return -ENOMEM;
	pv_hypercall_page_fill(phys_to_virt(pa));
	hcall_mfn = pa >> PAGE_SHIFT;
	m->frames[hcall_mfn].owner = SPT_OWNER_XEN;
	pr_info("pv: hypercall page at %#llx, execute-only under protection key %u%s\n",
		(unsigned long long)pa, PV_PKEY_HV,
		have_pku ? "" : " (no PKU: readable by guests on this CPU)");
	return 0;
}

uint64_t pv_hypercall_page_mfn(void)
{
	return hcall_mfn;
}

pte_t pv_hypercall_page_pte(void)
{
	if (!hcall_mfn)
		return 0;
	return (hcall_mfn << PAGE_SHIFT) | PTE_P | PTE_U | PTE_A |
	       ((pte_t)PV_PKEY_HV << PTE_PKEY_SHIFT);
}

bool pv_xonly_hv_leaf(void *ctx, uint16_t dom, uint64_t mfn, pte_t e)
{
	const pte_t must = PTE_P | PTE_U | ((pte_t)PV_PKEY_HV << PTE_PKEY_SHIFT);

	(void)ctx;
	(void)dom;
	/* Only the hypercall page, never writable, always under the key:
	 * A, D, G, PCD/PWT and NX are the guest's business. */
	return mfn == hcall_mfn && hcall_mfn && !(e & PTE_W) &&
	       (e & (PTE_P | PTE_U | PTE_PKEY_MASK)) == must;
}

/* Nothing else changes PKRU (HVM guests run with PKE hidden), so it is
 * usually right already: RDPKRU is cheap, WRPKRU waits for the pipeline. */
void pv_xonly_load(struct vcpu *v)
{
	uint32_t want = pkscan_pkru_forced(v->pv.pkru, PV_PKEY_HV);

	if (have_pku && rdpkru() != want)
		wrpkru(want);
}

static const char *const class_name[] = {
	[PKSCAN_HIDDEN] = "inside another instruction",
	[PKSCAN_UNREACHED] = "in bytes no decode reached",
	[PKSCAN_STRADDLE] = "across the page end",
	[PKSCAN_TOO_MANY] = "too many matches",
};

/* Refusals are the guest's doing: say so, but not without end. */
static void say_refused(uint16_t dom, uint64_t mfn, const char *why, unsigned int off)
{
	static unsigned int said;

	if (said >= 32)
		return;
	said++;
	log_lifecycle(LOG_INFO, "domain %u: frame %#llx refused execution: %s (offset %#x)\n",
		      dom, (unsigned long long)mfn, why, off);
}

bool pv_xonly_may_exec(void *ctx, uint16_t dom, uint64_t mfn, bool writable)
{
	struct spt_machine *m = pv_mm_machine();
	struct pkscan_result res;
	const struct domain *d;
	const char *why;
	uint8_t *page;

	(void)ctx;
	/* Only a domain without W^X (an image with a writable and executable
	 * segment, docs/pv.md) asks for a writable executable page: it can
	 * rewrite the page at will, so a scan would promise nothing, and its
	 * data would be decoded as code. */
	if (writable)
		return true;
	if (mfn >= m->nr_frames)
		return false;
	d = domain_by_id(dom);
	why = d ? hypervisor_written(d, mfn) : NULL;
	if (why) {
		say_refused(dom, mfn, why, 0);
		return false;
	}
	page = phys_to_virt(mfn << PAGE_SHIFT);
	/* Which page follows is not known here (a frame may be mapped at
	 * many places): refuse the page edges a straddling sequence needs. */
	switch (pkscan_edges(page)) {
	case PKSCAN_EDGE_TAIL:
		say_refused(dom, mfn, "ends with the start of WRPKRU/XRSTOR/XRSTORS",
			    PAGE_SIZE - 2);
		return false;
	case PKSCAN_EDGE_HEAD:
		say_refused(dom, mfn, "begins with the end of WRPKRU/XRSTOR/XRSTORS", 0);
		return false;
	default:
		break;
	}
	if (pkscan_page(page, NULL, NULL, 0, 64, &res) == 0)
		return true;
	why = res.refused.class < sizeof(class_name) / sizeof(class_name[0]) &&
	      class_name[res.refused.class] ? class_name[res.refused.class] : "refused";
	say_refused(dom, mfn, why, res.refused.offset);
	return false;
}

bool pv_xonly_ud(struct vcpu *v, unsigned int *vec)
{
	struct cpu_regs *r = &v->pv.regs;
	int mode = r->cs == FLAT_RING3_CS32 ? 32 : 64;
	uint8_t bytes[INSN_MAX_LEN];
	size_t avail = sizeof(bytes);
	struct insn orig;
	uint32_t pkru;
	int kind;

	/* The instruction may end just before an unmapped page. */
	while (avail && fetch_guest_insn(v, bytes, r->rip, avail, true))
		avail--;
	if (!avail)
		return false;
	kind = pkscan_trap_decode(bytes, avail, mode, &orig);
	if (kind <= 0)
		return false;
	if (kind == PKSCAN_WRPKRU) {
		switch (pkscan_emulate_wrpkru(&orig, r->rax, r->rcx, r->rdx, PV_PKEY_HV, &pkru)) {
		case PKSCAN_EMUL_DONE:
			v->pv.pkru = pkru;
			r->rip += orig.len;
			return true;
		case PKSCAN_EMUL_GP:
			*vec = TRAP_GP;
			r->error_code = 0;
			return false;
		default:
			return false;	/* #UD, as the CPU gives it */
		}
	}
	/* XRSTOR, XRSTORS: CR4.OSXSAVE is clear while PV guests run (their
	 * FPU is switched with FXSAVE), so the CPU raises #UD for both
	 * before any state is loaded; so does the emulation. PKRU is never
	 * part of a PV guest's XSAVE state. */
	return false;
}

/* ---- The hypervisor's own writes into a W^X domain's memory ----------
 * W^X in the page tables keeps the guest from writing its code; the
 * hypervisor writes guest memory by guest-physical address too (event
 * bits and time in shared_info and vcpu_info, grant copies, memory_op,
 * the management interface). Such writes must not change a page after
 * it was scanned either: a frame the hypervisor writes on its own (the
 * guest choosing when and which bits: an event is a set bit) never
 * becomes executable, and a write into a page that is executable is
 * refused. */

static bool gpa_is_code(const struct domain *d, uint64_t gpa)
{
	const struct spt_machine *m = pv_mm_machine();
	uint64_t mfn = domain_gpa_to_maddr(d, gpa) >> PAGE_SHIFT;

	return mfn < m->nr_frames && m->frames[mfn].type_count &&
	       m->frames[mfn].type == SPT_TYPE_EXEC;
}

/* struct domain.write_gpa of a W^X PV domain. */
static int write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	int rc = 0;

	pv_mm_lock(NULL);	/* no page may become executable meanwhile */
	for (uint64_t p = gpa & ~(PAGE_SIZE - 1); p < gpa + len && !rc; p += PAGE_SIZE)
		if (gpa_is_code(d, p))
			rc = -EFAULT;
	if (!rc)
		rc = copy_to_gpa_raw(d, gpa, src, len);
	pv_mm_unlock();
	return rc;
}

void pv_xonly_domain_ready(struct domain *d)
{
	if (d->pv->spt.wx && !d->write_gpa)
		d->write_gpa = write_gpa;
}

/* Pages the hypervisor writes at its own (the guest's) pace. */
static const char *hypervisor_written(const struct domain *d, uint64_t mfn)
{
	uint64_t gpa, page;

	if (pv_maddr_to_gpa(d, mfn << PAGE_SHIFT, &gpa))
		return NULL;
	page = gpa >> PAGE_SHIFT;
	if (d->shared_info_placed && d->shared_info_gpa >> PAGE_SHIFT == page)
		return "the hypervisor writes it (shared_info)";
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		if (d->grant_frame_placed[i] && d->grant_frame_gpa[i] >> PAGE_SHIFT == page)
			return "the hypervisor writes it (grant table)";
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i] && d->vcpus[i]->vcpu_info_registered &&
		    d->vcpus[i]->vcpu_info_gpa >> PAGE_SHIFT == page)
			return "the hypervisor writes it (vcpu_info)";
	return NULL;
}

/* XENMEM_add_to_physmap places a page the hypervisor then writes (and
 * records where before writing it): not onto code. Anything else, and a
 * request it cannot read, goes on to the common memory_op. */
bool pv_xonly_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, long *rc)
{
	struct domain *d = v->domain;
	struct xen_add_to_physmap xatp;
	bool code;

	if ((cmd & MEMOP_CMD_MASK) != XENMEM_add_to_physmap || !d->pv->spt.wx ||
	    copy_from_guest(v, &xatp, arg, sizeof(xatp)) ||
	    !domain_owns_gpa_range(d, xatp.gpfn << PAGE_SHIFT, PAGE_SIZE))
		return false;
	if (pv_translated(d)) {
		/* A frame that may run now; one that has not run yet is
		 * refused by the gate once the hypervisor writes it. */
		code = pv_shadow_gpa_is_code(d, xatp.gpfn << PAGE_SHIFT);
	} else {
		pv_mm_lock(NULL);
		code = gpa_is_code(d, xatp.gpfn << PAGE_SHIFT);
		pv_mm_unlock();
	}
	if (!code)
		return false;
	*rc = -EPERM;
	return true;
}
