/*
 * Xen's compat layouts: what a 32-bit HVM/PVH caller passes (i386's
 * rules: handles, longs and xen_pfn_t 4 bytes, uint64_t 4-byte aligned)
 * and what a domain that set itself up from 32-bit code finds in its
 * shared_info. Each number is Xen's, from its public headers as i386
 * compiles them (xen/include/public/memory.h, vcpu.h, grant_table.h,
 * version.h, sched.h, xen.h and arch-x86/xen-x86_32.h), written out here
 * rather than computed from ours. The hypervisor is 64-bit, so these
 * structures must come out the same in its build: that is what this
 * test runs in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)

static void test_memory_reservation(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_memory_reservation), 20);
	assert_int_equal(offsetof(struct compat_memory_reservation, extent_start), 0);
	assert_int_equal(FIELD_SIZE(struct compat_memory_reservation, extent_start), 4);
	assert_int_equal(offsetof(struct compat_memory_reservation, nr_extents), 4);
	assert_int_equal(FIELD_SIZE(struct compat_memory_reservation, nr_extents), 4);
	assert_int_equal(offsetof(struct compat_memory_reservation, extent_order), 8);
	assert_int_equal(offsetof(struct compat_memory_reservation, mem_flags), 12);
	assert_int_equal(offsetof(struct compat_memory_reservation, domid), 16);
	/* ... and the native one, which the compat one is converted to. */
	assert_int_equal(sizeof(struct xen_memory_reservation), 32);
	assert_int_equal(offsetof(struct xen_memory_reservation, domid), 24);
}

static void test_memory_small(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_add_to_physmap), 16);
	assert_int_equal(offsetof(struct compat_add_to_physmap, space), 4);
	assert_int_equal(offsetof(struct compat_add_to_physmap, idx), 8);
	assert_int_equal(offsetof(struct compat_add_to_physmap, gpfn), 12);
	assert_int_equal(sizeof(struct compat_memory_map), 8);
	assert_int_equal(offsetof(struct compat_memory_map, buffer), 4);
}

static void test_vcpu_op(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_vcpu_set_singleshot_timer), 12);
	assert_int_equal(offsetof(struct compat_vcpu_set_singleshot_timer, flags), 8);
	assert_int_equal(sizeof(struct compat_vcpu_runstate_info), 44);
	assert_int_equal(offsetof(struct compat_vcpu_runstate_info, state_entry_time), 4);
	assert_int_equal(offsetof(struct compat_vcpu_runstate_info, time), 12);
	assert_int_equal(FIELD_SIZE(struct compat_vcpu_runstate_info, time), 32);
	assert_int_equal(sizeof(struct compat_vcpu_register_runstate_memory_area), 8);
	/* register_vcpu_info reads the same either way. */
	assert_int_equal(sizeof(struct vcpu_register_vcpu_info), 16);
	assert_int_equal(offsetof(struct vcpu_register_vcpu_info, offset), 8);
}

static void test_grant_table(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_gnttab_setup_table), 16);
	assert_int_equal(offsetof(struct compat_gnttab_setup_table, nr_frames), 4);
	assert_int_equal(offsetof(struct compat_gnttab_setup_table, status), 8);
	assert_int_equal(offsetof(struct compat_gnttab_setup_table, frame_list), 12);
	assert_int_equal(sizeof(struct compat_gnttab_copy), 24);
	assert_int_equal(sizeof(struct compat_gnttab_copy_ptr), 8);
	assert_int_equal(offsetof(struct compat_gnttab_copy, source.domid), 4);
	assert_int_equal(offsetof(struct compat_gnttab_copy, source.offset), 6);
	assert_int_equal(offsetof(struct compat_gnttab_copy, dest), 8);
	assert_int_equal(offsetof(struct compat_gnttab_copy, len), 16);
	assert_int_equal(offsetof(struct compat_gnttab_copy, flags), 18);
	assert_int_equal(offsetof(struct compat_gnttab_copy, status), 20);
	/* The native ones they are converted to (x86-64). */
	assert_int_equal(sizeof(struct gnttab_setup_table), 24);
	assert_int_equal(offsetof(struct gnttab_setup_table, status), 8);
	assert_int_equal(offsetof(struct gnttab_setup_table, frame_list), 16);
	assert_int_equal(sizeof(struct gnttab_copy), 40);
	assert_int_equal(offsetof(struct gnttab_copy, dest), 16);
	assert_int_equal(offsetof(struct gnttab_copy, status), 36);
	/* Offered to 32-bit code unconverted: the same on i386 (map 32,
	 * unmap 24, query_size 16, cache_flush 16; checked again in the
	 * hvm32 guest, built -m32). */
	assert_int_equal(sizeof(struct gnttab_map_grant_ref), 32);
	assert_int_equal(sizeof(struct gnttab_unmap_grant_ref), 24);
	assert_int_equal(sizeof(struct gnttab_query_size), 16);
	assert_int_equal(sizeof(struct gnttab_cache_flush), 16);
}

static void test_version_and_sched(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_platform_parameters), 4);
	assert_int_equal(sizeof(struct compat_sched_poll), 16);
	assert_int_equal(offsetof(struct compat_sched_poll, nr_ports), 4);
	assert_int_equal(offsetof(struct compat_sched_poll, timeout), 8);
}

static void test_shared_info(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct compat_vcpu_info), 64);
	assert_int_equal(offsetof(struct compat_vcpu_info, evtchn_upcall_mask), 1);
	assert_int_equal(offsetof(struct compat_vcpu_info, evtchn_pending_sel), 4);
	assert_int_equal(FIELD_SIZE(struct compat_vcpu_info, evtchn_pending_sel), 4);
	assert_int_equal(offsetof(struct compat_vcpu_info, cr2), 8);
	assert_int_equal(offsetof(struct compat_vcpu_info, time), 32);
	assert_int_equal(offsetof(struct compat_shared_info, evtchn_pending), 2048);
	assert_int_equal(FIELD_SIZE(struct compat_shared_info, evtchn_pending), 128);
	assert_int_equal(offsetof(struct compat_shared_info, evtchn_mask), 2176);
	assert_int_equal(offsetof(struct compat_shared_info, wc_version), 2304);
	assert_int_equal(offsetof(struct compat_shared_info, wc_sec), 2308);
	assert_int_equal(offsetof(struct compat_shared_info, wc_nsec), 2312);
	assert_int_equal(offsetof(struct compat_shared_info, arch), 2316);
	assert_int_equal(offsetof(struct compat_shared_info, arch.wc_sec_hi), 2340);
	assert_int_equal(sizeof(struct compat_shared_info), 2344);
	assert_int_equal(EVTCHN_2L_NR_CHANNELS_COMPAT, 32 * 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_reservation),
		cmocka_unit_test(test_memory_small),
		cmocka_unit_test(test_vcpu_op),
		cmocka_unit_test(test_grant_table),
		cmocka_unit_test(test_version_and_sched),
		cmocka_unit_test(test_shared_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
