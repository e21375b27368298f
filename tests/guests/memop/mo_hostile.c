/* memory_op with bad arguments: Xen's answers (a count of extents done,
 * or an errno for the other commands), and nothing of the domain changed
 * by them. */
#include "mo.h"
#include "runtime.h"

#define BAD_PTR		((const void *)0xdead00000000ULL)

static void stops_at_zero(unsigned int cmd, const uint64_t *list, uint64_t nr, unsigned int order,
			  uint16_t domid, const char *what)
{
	long rc = mo_reservation(cmd, list, nr, order, domid);

	mo_check(rc == 0, what, rc);
}

static void reservation_cases(uint64_t *ok_list)
{
	struct xen_memory_reservation r = {
		.extent_start = (uint64_t)(uintptr_t)ok_list, .nr_extents = 1, .domid = DOMID_SELF,
	};
	uint64_t far[2] = { mo_gfn(page_alloc()), 1ULL << 40 };
	long rc;

	rc = mo_memory_op(XENMEM_decrease_reservation, BAD_PTR);
	mo_check(rc == 0, "decrease_reservation with a bad structure pointer: 0", rc);
	stops_at_zero(XENMEM_decrease_reservation, BAD_PTR, 1, 0, DOMID_SELF,
		      "an extent list at a bad pointer: 0");
	stops_at_zero(XENMEM_populate_physmap, BAD_PTR, 1000000, 0, DOMID_SELF,
		      "populate from a bad list of a million: 0");
	stops_at_zero(XENMEM_decrease_reservation, ok_list, 1ULL << 40, 0, DOMID_SELF,
		      "2^40 extents (too many to continue): 0");
	stops_at_zero(XENMEM_decrease_reservation, ok_list, 1, 10, DOMID_SELF,
		      "extent_order 10 (above a guest's 9): 0");
	stops_at_zero(XENMEM_populate_physmap, ok_list, 1, 0xffffffffu, DOMID_SELF,
		      "extent_order 2^32-1: 0");
	stops_at_zero(XENMEM_decrease_reservation, ok_list, 1, 0, 1000, "domid 1000: 0");
	stops_at_zero(XENMEM_decrease_reservation, ok_list, 1, 0, 0, "domid 0 (not its own): 0");
	stops_at_zero(XENMEM_increase_reservation, ok_list, 1, 0, DOMID_XEN, "DOMID_XEN: 0");
	r.mem_flags = XENMEMF_address_bits(12);
	rc = mo_memory_op(XENMEM_decrease_reservation, &r);
	mo_check(rc == 0, "address_bits 12 (no page fits): 0", rc);
	r.mem_flags = XENMEMF_node(5) | XENMEMF_exact_node_request;
	rc = mo_memory_op(XENMEM_populate_physmap, &r);
	mo_check(rc == 0, "exact NUMA node 5 (there is one node): 0", rc);
	rc = mo_reservation(XENMEM_decrease_reservation, far, 2, 0, DOMID_SELF);
	mo_check(rc == 1, "a list whose second frame is past its RAM: stops after 1", rc);
	rc = mo_reservation(XENMEM_populate_physmap, far, 2, 0, DOMID_SELF);
	mo_check(rc == 1, "populate of the same list: 1", rc);
	rc = hypercall_memop_raw(XENMEM_decrease_reservation | (5ULL << MEMOP_EXTENT_SHIFT), &r);
	mo_check(rc == 5, "a start extent past nr_extents: returned as is", rc);
}

static void other_cases(void)
{
	uint16_t self = DOMID_SELF;
	struct xen_memory_map map = { .nr_entries = 4, .buffer = (uint64_t)(uintptr_t)BAD_PTR };
	long rc;

	rc = hypercall_memop_raw(XENMEM_current_reservation | (1ULL << MEMOP_EXTENT_SHIFT), &self);
	mo_check(rc == -XEN_EINVAL, "current_reservation with a start extent: -EINVAL", rc);
	rc = mo_memory_op(XENMEM_memory_map, BAD_PTR);
	mo_check(rc == -XEN_EFAULT, "memory_map with a bad structure: -EFAULT", rc);
	rc = mo_memory_op(XENMEM_memory_map, &map);
	mo_check(rc == -XEN_EFAULT, "memory_map into a bad buffer: -EFAULT", rc);
	rc = mo_memory_op(XENMEM_current_reservation, BAD_PTR);
	mo_check(rc == -XEN_EFAULT, "current_reservation with a bad pointer: -EFAULT", rc);
	rc = mo_memory_op(63, &self);
	mo_check(rc == -XEN_ENOSYS, "memory_op 63: -ENOSYS", rc);
}

void hostile_cases(void)
{
	uint64_t *victim = page_alloc(), list[1] = { mo_gfn(victim) };
	long before = mo_current_reservation();

	*victim = 0x1234;
	reservation_cases(list);
	other_cases();
	mo_check(mo_current_reservation() == before, "current_reservation unchanged by all that",
		 mo_current_reservation());
	mo_check(*(volatile uint64_t *)victim == 0x1234, "the page named in them is untouched",
		 (long)*victim);
}
