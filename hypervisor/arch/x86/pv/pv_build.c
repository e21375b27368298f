/*
 * Building a PV domain as Xen's domain builder does (docs/pv.md): the
 * kernel at its virtual address minus VIRT_BASE, then, page-aligned after
 * it, the p2m list, start_info, shared_info, the bootstrap page tables
 * and a stack page, all mapped from VIRT_BASE up to v_end (at least
 * 512 KiB past the stack, rounded up to 4 MiB). Page tables hold machine
 * frames and map themselves read-only; shared-pt validates them when the
 * L4 is pinned. vCPU 0 starts at the entry with RSI = start_info and RSP
 * at the top of the stack page.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/elf_loader.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include <umbra/vcpu_shared.h>
#include "pv_build.h"
#include "pv_mm.h"
#include "pv_xonly.h"

#define SZ_512K		0x80000ULL
#define SZ_4M		0x400000ULL
#define START_MAGIC	"xen-3.0-x86_64"

struct pv_layout {
	uint64_t virt_base;
	uint64_t p2m, p2m_pages;
	uint64_t start_info, shared_info;
	uint64_t pt, nr_pt;
	uint64_t stack;			/* one page */
	uint64_t v_end;			/* end of the initial mapping */
};

static uint64_t page_up(uint64_t v)
{
	return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Tables that map [start, end): one L4, and at each lower level one per
 * span of the level above that the range touches. */
static uint64_t count_tables(uint64_t start, uint64_t end)
{
	uint64_t n = 1;

	for (unsigned int shift = 39; shift >= 21; shift -= 9)
		n += ((end - 1) >> shift) - (start >> shift) + 1;
	return n;
}

/* The store and console ring pages dom0 set up (the last two of RAM)
 * stay out of the start-of-day area. */
static uint64_t usable_top(const struct domain *d)
{
	return d->rings.present ? d->rings.gfn[DOMAIN_RING_STORE] << PAGE_SHIFT : d->mem_bytes;
}

static int plan(const struct domain *d, const struct elf_image *img, struct pv_layout *l,
		const char **why)
{
	uint64_t nr_pages = d->mem_bytes >> PAGE_SHIFT, limit = img->virt_base + d->mem_bytes;
	uint64_t need;

	if (img->virt_end - img->virt_base > usable_top(d)) {
		*why = "the kernel reaches into the domain's store and console ring pages";
		return -EINVAL;
	}
	l->virt_base = img->virt_base;
	l->p2m = page_up(img->virt_end);
	l->p2m_pages = page_up(nr_pages * sizeof(uint64_t)) >> PAGE_SHIFT;
	l->start_info = l->p2m + (l->p2m_pages << PAGE_SHIFT);
	l->shared_info = l->start_info + PAGE_SIZE;
	l->pt = l->shared_info + PAGE_SIZE;
	l->nr_pt = 0;
	for (;;) {
		l->stack = l->pt + (l->nr_pt << PAGE_SHIFT);
		l->v_end = (l->stack + PAGE_SIZE + SZ_512K + SZ_4M - 1) & ~(SZ_4M - 1);
		if (l->v_end > limit)
			l->v_end = limit;
		need = count_tables(l->virt_base, l->v_end);
		if (need <= l->nr_pt)
			break;
		l->nr_pt = need;
	}
	if (l->stack + PAGE_SIZE - l->virt_base > usable_top(d)) {
		*why = "the kernel and its start-of-day area do not fit in the domain's memory";
		return -EINVAL;
	}
	return 0;
}

static uint64_t va_gpa(const struct pv_layout *l, uint64_t va)
{
	return va - l->virt_base;
}

/* The frame address the guest's tables and start_info hold for va:
 * machine (shared page tables) or pseudo-physical (translated). */
static uint64_t va_maddr(const struct domain *d, const struct pv_layout *l, uint64_t va)
{
	return pv_translated(d) ? va_gpa(l, va) : domain_gpa_to_maddr(d, va_gpa(l, va));
}

static int put_entry(struct domain *d, const struct pv_layout *l, uint64_t table_va,
		     unsigned int index, uint64_t e)
{
	return copy_to_gpa(d, va_gpa(l, table_va) + index * sizeof(e), &e, sizeof(e));
}

static bool in_exec_segment(const struct elf_image *img, uint64_t va)
{
	for (unsigned int i = 0; i < img->nr_exec; i++)
		if (va + PAGE_SIZE > img->exec_start[i] && va < img->exec_end[i])
			return true;
	return false;
}

/* The hypercall page is the image's own page with Xen's stubs, readable
 * as on Xen, for every image with a writable and executable segment.
 * Without W^X (wx_load) the guest could write a WRPKRU into a page that
 * is already executable and open the key, so an execute-only page would
 * promise what it cannot keep. Split by sections (wx_split) the page is
 * code, read-only, scanned by may_exec as any other, and still readable:
 * XTF, whose kernels all have such a segment, checks the first byte of
 * its hypercall page at start of day, and nothing in an image says that
 * it will not (docs/pv.md). */
static bool own_hypercall_page(const struct elf_image *img)
{
	return img->hypercall_page && (img->wx_load || img->wx_split);
}

/* The leaf entry of va. W^X (img->wx_load clear): pages of executable
 * segments, or of the code sections of a segment split by its sections,
 * read-only and executable, everything else no-execute; the hypercall
 * page is the hypervisor's execute-only one unless own_hypercall_page.
 * An image that could not be split is mapped as Xen maps it: everything
 * writable and executable but the page tables. */
static uint64_t leaf_entry(struct domain *d, const struct pv_layout *l,
			   const struct elf_image *img, uint64_t va, bool is_pt)
{
	uint64_t e = va_maddr(d, l, va) | PTE_P | PTE_U | PTE_A;

	/* Translated (paging=shadow): entries name pseudo-physical frames,
	 * the hypervisor's page has one of its own (pv_shadow_xonly.c). */
	if (img->hypercall_page && va == img->hypercall_page && !own_hypercall_page(img))
		return pv_translated(d) ? pv_shadow_hypercall_pte(d) : pv_hypercall_page_pte();
	if (img->wx_load)
		return is_pt ? e : e | PTE_W | PTE_D;
	if (is_pt)
		return e | PTE_NX;
	if (in_exec_segment(img, va))
		return e;
	return e | PTE_W | PTE_D | PTE_NX;
}

/* Map [virt_base, v_end): every page of the domain's own memory, the
 * page-table pages read-only (shared-pt refuses them writable). */
static int build_tables(struct domain *d, const struct pv_layout *l,
			const struct elf_image *img)
{
	uint64_t table[5] = { 0 }, key[5] = { 0 }, next = l->pt + PAGE_SIZE;
	uint64_t pt_end = l->pt + (l->nr_pt << PAGE_SHIFT);
	int rc = 0;

	table[4] = l->pt;
	for (uint64_t va = l->virt_base; va < l->v_end && !rc; va += PAGE_SIZE) {
		uint64_t e;

		for (int level = 3; level >= 1 && !rc; level--) {
			uint64_t k = va >> (12 + 9 * level);

			if (table[level] && key[level] == k)
				continue;
			if (next >= pt_end)
				return -ENOSPC;
			table[level] = next;
			key[level] = k;
			next += PAGE_SIZE;
			rc = put_entry(d, l, table[level + 1], pt_index(va, level + 1),
				       va_maddr(d, l, table[level]) | PTE_P | PTE_W | PTE_U | PTE_A);
		}
		e = leaf_entry(d, l, img, va, va >= l->pt && va < pt_end);
		if (!rc)
			rc = put_entry(d, l, table[1], pt_index(va, 1), e);
	}
	return rc;
}

static int write_p2m(struct domain *d, const struct pv_layout *l)
{
	uint64_t nr = d->mem_bytes >> PAGE_SHIFT, chunk[64];

	for (uint64_t pfn = 0; pfn < nr; pfn += 64) {
		unsigned int n = nr - pfn < 64 ? (unsigned int)(nr - pfn) : 64;

		for (unsigned int i = 0; i < n; i++)
			chunk[i] = pv_translated(d) ? pfn + i :
				   domain_gpa_to_maddr(d, (pfn + i) << PAGE_SHIFT) >> PAGE_SHIFT;
		if (copy_to_gpa(d, va_gpa(l, l->p2m) + pfn * 8, chunk, n * 8ULL))
			return -EFAULT;
	}
	return 0;
}

/* A Xen PV guest finds its rings by frame and port: machine frames on
 * shared page tables, its own frames when translated. */
static uint64_t ring_frame(const struct domain *d, unsigned int which)
{
	uint64_t gfn = d->rings.gfn[which];

	return pv_translated(d) ? gfn : domain_gpa_to_maddr(d, gfn << PAGE_SHIFT) >> PAGE_SHIFT;
}

static void fill_rings(const struct domain *d, struct start_info *si)
{
	const struct domain_rings *r = &d->rings;

	if (!r->present)
		return;
	si->store_mfn = ring_frame(d, DOMAIN_RING_STORE);
	si->store_evtchn = r->port[DOMAIN_RING_STORE];
	si->console.domU.mfn = ring_frame(d, DOMAIN_RING_CONSOLE);
	si->console.domU.evtchn = r->port[DOMAIN_RING_CONSOLE];
}

static int write_start_info(struct domain *d, const struct pv_layout *l,
			    const struct pv_build_params *p)
{
	static struct start_info si;	/* 1 KiB and more: not on the stack */
	size_t len = p->cmdline ? strlen(p->cmdline) : 0;

	memset(&si, 0, sizeof(si));
	memcpy(si.magic, START_MAGIC, sizeof(START_MAGIC));
	si.nr_pages = d->mem_bytes >> PAGE_SHIFT;
	si.shared_info = va_maddr(d, l, l->shared_info);
	si.flags = p->si_flags;
	si.pt_base = l->pt;
	si.nr_pt_frames = l->nr_pt;
	si.mfn_list = l->p2m;
	fill_rings(d, &si);
	if (len >= sizeof(si.cmd_line))
		len = sizeof(si.cmd_line) - 1;
	memcpy(si.cmd_line, p->cmdline ? p->cmdline : "", len);
	return copy_to_gpa(d, va_gpa(l, l->start_info), &si, sizeof(si));
}

/* shared_info is a page of the start-of-day area (Xen's lives outside the
 * guest's RAM): the guest maps it by the machine address in start_info,
 * event channels set their bits there. Events start masked. Its wall
 * clock and every vCPU's time record are written now, as Xen's builder
 * has them before the guest's first instruction (pvclock.c: they stay
 * exact, a PV guest cannot change its TSC). */
static int place_shared_info(struct domain *d, const struct pv_layout *l)
{
	uint8_t mask = 1;
	uint64_t gpa = va_gpa(l, l->shared_info);

	if (zero_gpa(d, gpa, PAGE_SIZE) ||
	    copy_to_gpa(d, gpa + offsetof(struct vcpu_info, evtchn_upcall_mask), &mask, 1))
		return -EFAULT;
	__atomic_store_n(&d->shared_info_gpa, gpa, __ATOMIC_RELEASE);
	__atomic_store_n(&d->shared_info_placed, true, __ATOMIC_RELEASE);
	domain_time_publish(d);
	return 0;
}

/* Pin the L4 (validating everything below it) and make it vCPU 0's. */
static int install_tables(struct domain *d, const struct pv_layout *l, const char **why)
{
	struct pv_domain *pd = d->pv;
	uint64_t l4 = va_maddr(d, l, l->pt) >> PAGE_SHIFT;
	int rc;

	if (pv_translated(d)) {
		/* Nothing to pin: the shadow of the L4 is its root. */
		rc = pv_shadow_set_base(d->vcpus[0], l4 << PAGE_SHIFT);
		if (rc)
			*why = "no shadow root for its page tables";
		return rc;
	}
	pv_mm_lock(d);
	rc = spt_pin(&pd->spt, l4, 4);
	if (!rc)
		rc = spt_new_baseptr(&pd->spt_vcpus[0], l4, false);
	if (rc)
		*why = spt_reason_name(pd->spt.last_refusal.reason);
	else
		d->vcpus[0]->pv.cr3 = spt_vcpu_root(&pd->spt_vcpus[0], false) << PAGE_SHIFT;
	pv_mm_unlock();
	d->vcpus[0]->pv.guest_cr3 = l4 << PAGE_SHIFT;
	return rc;
}

static void set_entry_state(struct vcpu *v, const struct elf_image *img,
			    const struct pv_layout *l)
{
	struct cpu_regs *r = &v->pv.regs;

	memset(r, 0, sizeof(*r));
	r->rip = img->pv_entry;
	r->rsp = l->stack + PAGE_SIZE;
	r->rsi = l->start_info;
	r->cs = FLAT_KERNEL_CS;
	r->ss = FLAT_KERNEL_SS;
	r->rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	v->pv.kernel_mode = true;
}

/*
 * On shared page tables an image split by its sections is mapped as Xen
 * maps it all the same, W^X off: there the guest's own L1 entries are
 * what the MMU runs, so shared-pt refuses a writable and executable
 * mapping and gives an executable frame a type that excludes writable
 * mappings and descriptor tables, and the images that have such a
 * segment rely on both: XTF remaps its GDT read-only without NX (its
 * entries never set NX) and then loads it with set_gdt, and its xsa-7
 * maps a page of its code writable and executable to run a SYSCALL at
 * the end of it. The shadow engine (paging=shadow) keeps the two apart
 * in time instead, at the access, so it runs them split and W^X on.
 */
static void keep_wx_segment_on_shared_tables(const struct domain *d, struct elf_image *img)
{
	if (!img->wx_split || pv_translated(d))
		return;
	img->wx_split = false;
	img->wx_load = true;
	img->wx_why = "shared page tables do not split it (paging=shadow does)";
}

/* Whether the domain runs with W^X, and if not why: an image with a
 * writable and executable segment says how it was mapped. */
static void log_wx(const struct domain *d, const struct elf_image *img)
{
	if (img->wx_load && img->nr_wx)
		log_lifecycle(LOG_INFO, "domain %u (%s): W^X off: the image has a writable and "
			      "executable segment, mapped as Xen maps it: %s\n",
			      d->id, d->name, img->wx_why);
	else if (img->wx_load)
		log_lifecycle(LOG_INFO, "domain %u (%s): W^X off: %s\n", d->id, d->name,
			      img->wx_why);
	else if (img->wx_split)
		log_lifecycle(LOG_INFO, "domain %u (%s): W^X on: the image's writable and "
			      "executable segment is mapped per section\n", d->id, d->name);
}

int pv_domain_build(struct domain *d, const struct pv_build_params *p, const char **why)
{
	struct guest_writer gw = domain_guest_writer(d);
	struct elf_image img;
	struct pv_layout l;
	int rc;

	if (d->pv->build_tried) {
		*why = "the domain has been built already";
		return -EEXIST;
	}
	d->pv->build_tried = true;
	d->pv->initdomain = p->si_flags & SIF_INITDOMAIN;
	if (elf_load_pv(p->image, p->size, d->mem_bytes, &gw, &img)) {
		*why = img.error ? img.error : "the image could not be loaded";
		return -EINVAL;
	}
	keep_wx_segment_on_shared_tables(d, &img);
	rc = plan(d, &img, &l, why);
	if (rc)
		return rc;
	if (img.hypercall_page & (PAGE_SIZE - 1)) {
		*why = "the hypercall page is not page-aligned";
		return -EINVAL;
	}
	/* Before any table is validated: shared-pt's W^X for this domain. */
	d->pv->spt.wx = !img.wx_load;
	rc = build_tables(d, &l, &img);
	/* Xen's stubs in the image's own page (own_hypercall_page), in
	 * either paging mode. Before the tables are live: no shadow of that
	 * page can exist yet, and in a W^X domain may_exec scans it when
	 * its L1 is validated (shared) or it first runs (shadow). */
	if (!rc && own_hypercall_page(&img))
		pv_hypercall_page_fill(phys_to_virt(domain_gpa_to_maddr(d,
					va_gpa(&l, img.hypercall_page))));
	if (!rc)
		rc = write_p2m(d, &l);
	if (!rc)
		rc = write_start_info(d, &l, p);
	if (!rc)
		rc = place_shared_info(d, &l);
	if (rc) {
		*why = "writing the start-of-day area failed";
		return rc;
	}
	rc = install_tables(d, &l, why);
	if (rc)
		return rc;
	d->pv->writable_pt = img.writable_pt;
	pv_xonly_domain_ready(d);
	set_entry_state(d->vcpus[0], &img, &l);
	log_wx(d, &img);
	log_lifecycle(LOG_INFO, "domain %u (%s): PV kernel%s%s at %#llx-%#llx, entry %#llx, "
		      "hypercall page %#llx, start info %#llx, %llu page-table frames, "
		      "mapped to %#llx\n", d->id, d->name, img.guest_os[0] ? " " : "",
		      img.guest_os, (unsigned long long)img.virt_start,
		      (unsigned long long)img.virt_end, (unsigned long long)img.pv_entry,
		      (unsigned long long)img.hypercall_page, (unsigned long long)l.start_info,
		      (unsigned long long)l.nr_pt, (unsigned long long)l.v_end);
	return 0;
}
