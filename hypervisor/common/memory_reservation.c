/*
 * XENMEM_increase_reservation, decrease_reservation and populate_physmap
 * for HVM and PV domains, with Xen's results: the number of extents
 * completed; a bad argument stops the call where it is (a bad domid,
 * order or structure before the first extent: 0), never a negative errno.
 *
 * A frame the guest gives back keeps its machine page, which stays the
 * domain's and is mapped nowhere: the guest reads all-ones there and its
 * writes are dropped, as at any unbacked guest-physical address, and the
 * hypervisor's copies refuse it (-EFAULT). Populating the frame again
 * maps that same page back, zeroed. So the domain's memory never grows
 * past what it was created with (its maximum reservation), and a page it
 * gives back is never another domain's.
 *
 * A PV domain on shared page tables names machine frames, as in Xen:
 * decrease_reservation's list holds them (its own RAM only), and
 * populate_physmap (by guest frame) and increase_reservation write back
 * the machine frames they gave. Its frames are in its own page tables,
 * not in a p2m of ours: the PV side (asm/pv.h) takes them out of the
 * frame table's reach and tells us when each has no reference left,
 * which for a frame still mapped or used as a table is when the guest
 * lets go (Xen's page lingers until then; domain_frame_gone). A
 * translated PV domain is like an HVM one, through its shadow p2m.
 *
 * Where Umbra differs from Xen: populate_physmap fills only frames the
 * guest gave back (Xen would also replace a backed frame, or back one
 * beyond its RAM, while the reservation allows); an extent is checked
 * whole before any frame of it changes; increase_reservation of a
 * translated guest only counts pages (it cannot reach them, on Xen
 * either), of a PV guest on shared page tables it gives frames it gave
 * back; a PV frame given back while still referenced cannot be populated
 * until it is free (Xen would allocate another page); the control
 * domain cannot change another domain's reservation.
 */
#include <asm/guest_access.h>
#include <asm/guest.h>
#include <asm/layout.h>
#include <public/memory.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/grant_table.h>
#include <umbra/hypercall.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>

#define FRAME_SHIFT		12
#define FRAME_BYTES		(1ULL << FRAME_SHIFT)
#define EXTENT_FRAMES		(EXTENT_SIZE >> FRAME_SHIFT)
/* Xen's largest extent for a domain that is not the control domain
 * (CONFIG_DOMU_MAX_ORDER): one 2 MiB page. */
#define DOMU_MAX_ORDER		9
/* Extents per call; then the call continues from where it stopped. */
#define EXTENTS_PER_CALL	64
/* XENMEMF_get_node of a request naming no node. */
#define NODE_NONE		0xffu

/* *gfn: the extent's first guest frame (increase_reservation of a domain
 * that names machine frames: set to the frames it was given). */
typedef int (*extent_fn)(struct domain *d, uint64_t *gfn, uint64_t n);

static uint64_t max_frames(const struct domain *d)
{
	return d->mem_bytes >> FRAME_SHIFT;
}

static uint64_t frame_maddr(const struct domain *d, uint64_t gfn)
{
	return d->extents[gfn / EXTENT_FRAMES] + (gfn % EXTENT_FRAMES) * FRAME_BYTES;
}

/* Frames the hypervisor placed its own pages in (shared info, grant
 * frames): Xen's guest_remove_page refuses them too, as not the guest's.
 * A frame another domain uses through a grant is refused as well
 * (grant_unless_frames_used). */
static bool is_placed_frame(const struct domain *d, uint64_t gfn)
{
	uint64_t gpa = gfn << FRAME_SHIFT;

	if (d->shared_info_placed && d->shared_info_gpa == gpa)
		return true;
	for (unsigned int i = 0; i < GRANT_FRAMES_MAX; i++)
		if (d->grant_frame_placed[i] && d->grant_frame_gpa[i] == gpa)
			return true;
	return false;
}

static void set_unbacked(struct domain *d, uint64_t first, uint64_t n, bool on)
{
	for (uint64_t g = first; g < first + n; g++) {
		uint64_t bit = 1ULL << (g % 64);

		if (on)
			__atomic_fetch_or(domain_unbacked_word(d, g), bit, __ATOMIC_RELEASE);
		else
			__atomic_fetch_and(domain_unbacked_word(d, g), ~bit, __ATOMIC_RELEASE);
	}
}

static void add_unbacked(struct domain *d, int64_t n)
{
	__atomic_fetch_add(&d->unbacked_pages, (uint64_t)n, __ATOMIC_RELEASE);
}

/* Called with p2m_lock held. Counted first, so that a reader that sees
 * a bit set also sees a count that makes it look (domain_memory.c). A
 * PV domain on shared page tables is told when each frame has no
 * reference left (domain_frame_gone), which may be at once or later. */
static int remove_locked(struct domain *d, uint64_t first, uint64_t n)
{
	for (uint64_t g = first; g < first + n; g++)
		if (domain_frame_unbacked(d, g) || is_placed_frame(d, g))
			return -ENOENT;
	if (arch_names_machine_frames(d))
		return arch_p2m_remove_frames(d, first, n);
	add_unbacked(d, (int64_t)n);
	set_unbacked(d, first, n, true);
	if (!arch_p2m_remove_frames(d, first, n))
		return 0;
	set_unbacked(d, first, n, false);
	add_unbacked(d, -(int64_t)n);
	return -ENOMEM;
}

struct removal {
	struct domain *d;
	uint64_t first, n;
};

static int remove_ungranted(void *arg)
{
	struct removal *r = arg;

	return remove_locked(r->d, r->first, r->n);
}

static int decrease_extent(struct domain *d, uint64_t *gfn, uint64_t n)
{
	uint64_t first = *gfn;
	struct removal r = { d, first, n };
	uint64_t f;
	int err;

	if (first >= max_frames(d) || n > max_frames(d) - first)
		return -EINVAL;
	f = spin_lock_irqsave(&d->p2m_lock);
	err = grant_unless_frames_used(d, first, n, remove_ungranted, &r);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	/* Outside the lock: this waits for the other vCPUs. */
	if (!err)
		arch_p2m_flush_tlbs(d);
	return err;
}

/* Zeroed before it is mapped: nothing of the guest's old contents, or of
 * a write that raced the removal, shows through. */
static int populate_locked(struct domain *d, uint64_t first, uint64_t n)
{
	if (domain_tot_pages(d) + n > max_frames(d))
		return -ENOMEM;		/* Xen: over the domain's max_pages */
	for (uint64_t g = first; g < first + n; g++)
		if (!domain_frame_unbacked(d, g))
			return -EEXIST;
	/* A PV frame given back while mapped is still the guest's to use
	 * (Xen's page until its last reference goes): not yet. */
	if (!arch_p2m_frames_ready(d, first, n))
		return -EBUSY;
	memset(phys_to_virt(frame_maddr(d, first)), 0, n * FRAME_BYTES);
	if (arch_p2m_restore_frames(d, first, n, frame_maddr(d, first)))
		return -ENOMEM;
	set_unbacked(d, first, n, false);
	add_unbacked(d, -(int64_t)n);
	return 0;
}

/* An extent is naturally aligned, so it lies in one machine extent. */
static int populate_extent(struct domain *d, uint64_t *gfn, uint64_t n)
{
	uint64_t first = *gfn, f;
	int err;

	if ((first & (n - 1)) || first >= max_frames(d) || n > max_frames(d) - first)
		return -EINVAL;
	f = spin_lock_irqsave(&d->p2m_lock);
	err = populate_locked(d, first, n);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	return err;
}

/* A guest that names machine frames is given frames it gave back (and
 * that nothing references any more), a naturally aligned run of n, and
 * learns their numbers (Umbra's memory never grows past creation). */
static int give_run_locked(struct domain *d, uint64_t *gfn, uint64_t n)
{
	for (uint64_t g = 0; g + n <= max_frames(d); g += n) {
		uint64_t k = 0;

		while (k < n && domain_frame_unbacked(d, g + k))
			k++;
		if (k == n && arch_p2m_frames_ready(d, g, n) && !populate_locked(d, g, n)) {
			*gfn = g;
			return 0;
		}
	}
	return -ENOMEM;
}

/* A translated guest is given no frame numbers: the pages are only
 * counted, up to the maximum reservation. */
static int increase_extent(struct domain *d, uint64_t *gfn, uint64_t n)
{
	uint64_t f;
	int err = 0;

	f = spin_lock_irqsave(&d->p2m_lock);
	if (domain_tot_pages(d) + n > max_frames(d))
		err = -ENOMEM;
	else if (arch_names_machine_frames(d))
		err = give_run_locked(d, gfn, n);
	else
		d->unmapped_pages += n;
	spin_unlock_irqrestore(&d->p2m_lock, f);
	return err;
}

/* What Xen checks before the first extent; false: return start. */
static bool request_ok(struct vcpu *v, const struct xen_memory_reservation *r,
		       uint64_t start, unsigned int cmd)
{
	unsigned int bits = XENMEMF_get_address_bits(r->mem_flags);
	unsigned int node = XENMEMF_get_node(r->mem_flags);

	if (r->nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) || start >= r->nr_extents)
		return false;
	/* A width that cannot hold a single page; any other is met. */
	if (bits && bits <= FRAME_SHIFT)
		return false;
	if (node != NODE_NONE && node != 0)
		return false;		/* one node: 0 */
	/* Another domain: none there, or the caller may not (Xen answers
	 * both alike). dom0's RAM is the machine's: not given back. */
	if (r->domid != DOMID_SELF && r->domid != v->domain->id)
		return false;
	if (domain_is_dom0(v->domain) || !v->domain->unbacked[0])
		return false;
	/* Xen's guest_handle_subrange_okay: a list in the hypervisor's part
	 * of a PV guest's address space is refused before anything is done
	 * (increase_reservation's only when it names one), where an unmapped
	 * one fails at its first access. */
	if ((cmd != XENMEM_increase_reservation || r->extent_start) &&
	    !guest_handle_okay(v, r->extent_start))
		return false;
	return r->extent_order <= DOMU_MAX_ORDER;
}

/* The request in the caller's layout (32-bit code: the compat one, with
 * 4-byte frame numbers in its list). */
static int read_request(struct vcpu *v, uint64_t arg, struct xen_memory_reservation *r)
{
	struct compat_memory_reservation c;

	if (!v->hypercall_compat)
		return copy_from_guest(v, r, arg, sizeof(*r));
	if (copy_from_guest(v, &c, arg, sizeof(c)))
		return -EFAULT;
	*r = (struct xen_memory_reservation){
		.extent_start = c.extent_start, .nr_extents = c.nr_extents,
		.extent_order = c.extent_order, .mem_flags = c.mem_flags, .domid = c.domid,
	};
	return 0;
}

/* Entry i of the extent list: a xen_pfn_t, or a 32-bit caller's uint32_t. */
static int read_extent(struct vcpu *v, uint64_t list, uint64_t i, uint64_t *gfn)
{
	uint32_t narrow;

	if (!v->hypercall_compat)
		return copy_from_guest(v, gfn, list + i * sizeof(*gfn), sizeof(*gfn));
	if (copy_from_guest(v, &narrow, list + i * sizeof(narrow), sizeof(narrow)))
		return -EFAULT;
	*gfn = narrow;
	return 0;
}

/* A decrease_reservation entry of a guest that names machine frames:
 * the guest frames of [frame, frame + n), which must be one run of its
 * RAM (an extent of another domain's, or of hypervisor pages shared with
 * it, is not its to give: Xen's guest_remove_page refuses it). */
static int machine_extent_gfn(const struct domain *d, uint64_t frame, uint64_t n, uint64_t *gfn)
{
	uint64_t last;

	if (frame + n < frame || arch_guest_frame_gfn(d, frame, gfn) ||
	    arch_guest_frame_gfn(d, frame + n - 1, &last))
		return -EINVAL;
	if (last - *gfn != n - 1 || *gfn / EXTENT_FRAMES != last / EXTENT_FRAMES)
		return -EINVAL;
	return 0;
}

/* The extent's first frame from the list, as a guest frame. */
static int extent_gfn(struct vcpu *v, const struct xen_memory_reservation *r, uint64_t i,
		      unsigned int cmd, uint64_t *gfn)
{
	uint64_t frame;

	/* increase_reservation reads no list. */
	if (cmd == XENMEM_increase_reservation)
		return 0;
	if (read_extent(v, r->extent_start, i, &frame))
		return -EFAULT;
	/* populate_physmap names guest frames whatever the paging mode. */
	if (cmd == XENMEM_decrease_reservation && arch_names_machine_frames(v->domain))
		return machine_extent_gfn(v->domain, frame, 1ULL << r->extent_order, gfn);
	*gfn = frame;
	return 0;
}

/* Xen tells a guest that names machine frames which ones it got: the
 * first of the extent, in its list (increase_reservation: unless the
 * list is null). A list it cannot write stops the call there, the
 * extent populated but not counted, as in Xen. */
static int report_frame(struct vcpu *v, const struct xen_memory_reservation *r, uint64_t i,
			unsigned int cmd, uint64_t gfn)
{
	uint64_t frame = arch_gfn_frame(v->domain, gfn);
	uint32_t narrow = (uint32_t)frame;

	if (cmd == XENMEM_decrease_reservation || !arch_names_machine_frames(v->domain) ||
	    (cmd == XENMEM_increase_reservation && !r->extent_start))
		return 0;
	if (v->hypercall_compat)
		return copy_to_guest(v, r->extent_start + i * sizeof(narrow), &narrow,
				     sizeof(narrow));
	return copy_to_guest(v, r->extent_start + i * sizeof(frame), &frame, sizeof(frame));
}

long memory_reservation_op(struct vcpu *v, uint64_t *a, unsigned int cmd)
{
	static const extent_fn fns[] = {
		[XENMEM_increase_reservation] = increase_extent,
		[XENMEM_decrease_reservation] = decrease_extent,
		[XENMEM_populate_physmap] = populate_extent,
	};
	uint64_t start = a[0] >> MEMOP_EXTENT_SHIFT, i;
	struct xen_memory_reservation r;

	if (read_request(v, a[1], &r) || !request_ok(v, &r, start, cmd))
		return (long)start;
	for (i = start; i < r.nr_extents; i++) {
		uint64_t gfn = 0;

		if (i - start == EXTENTS_PER_CALL) {
			a[0] = cmd | (i << MEMOP_EXTENT_SHIFT);
			return HYPERCALL_CONTINUE;
		}
		if (extent_gfn(v, &r, i, cmd, &gfn))
			break;
		if (fns[cmd](v->domain, &gfn, 1ULL << r.extent_order))
			break;
		if (report_frame(v, &r, i, cmd, gfn))
			break;
	}
	return (long)i;
}
