/*
 * The shared structures of the guest ABI against the sizes and offsets
 * of Xen's public headers for x86-64 (xen/include/public/xen.h, vcpu.h,
 * memory.h): a guest written for Xen reads and writes these bytes, so
 * each number here is Xen's, written out, not computed from our headers.
 * (The headers assert the same at compile time; this test fails loudly,
 * field by field, if both were changed together.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <public/xen.h>
#include <public/vcpu.h>
#include <public/memory.h>

#define FIELD_SIZE(type, field) sizeof(((type *)0)->field)

static void test_vcpu_time_info(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vcpu_time_info), 32);
	assert_int_equal(offsetof(struct vcpu_time_info, version), 0);
	assert_int_equal(offsetof(struct vcpu_time_info, tsc_timestamp), 8);
	assert_int_equal(offsetof(struct vcpu_time_info, system_time), 16);
	assert_int_equal(offsetof(struct vcpu_time_info, tsc_to_system_mul), 24);
	assert_int_equal(offsetof(struct vcpu_time_info, tsc_shift), 28);
	assert_int_equal(offsetof(struct vcpu_time_info, flags), 29);
	assert_int_equal(XEN_PVCLOCK_TSC_STABLE_BIT, 1);
}

static void test_vcpu_info(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vcpu_info), 64);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_upcall_pending), 0);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_upcall_mask), 1);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_pending_sel), 8);
	assert_int_equal(offsetof(struct vcpu_info, arch), 16);
	assert_int_equal(offsetof(struct vcpu_info, time), 32);
}

static void test_shared_info(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct shared_info, vcpu_info), 0);
	assert_int_equal(FIELD_SIZE(struct shared_info, vcpu_info), 32 * 64);
	assert_int_equal(offsetof(struct shared_info, evtchn_pending), 2048);
	assert_int_equal(offsetof(struct shared_info, evtchn_mask), 2560);
	assert_int_equal(offsetof(struct shared_info, wc_version), 3072);
	assert_int_equal(offsetof(struct shared_info, wc_sec), 3076);
	assert_int_equal(offsetof(struct shared_info, wc_nsec), 3080);
	assert_int_equal(offsetof(struct shared_info, wc_sec_hi), 3084);
	assert_int_equal(offsetof(struct shared_info, arch), 3088);
	assert_int_equal(sizeof(struct shared_info), 3136);
}

static void test_vcpu_runstate_info(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vcpu_runstate_info), 48);
	assert_int_equal(offsetof(struct vcpu_runstate_info, state), 0);
	assert_int_equal(offsetof(struct vcpu_runstate_info, state_entry_time), 8);
	assert_int_equal(offsetof(struct vcpu_runstate_info, time), 16);
	assert_int_equal(FIELD_SIZE(struct vcpu_runstate_info, time), 32);
	assert_int_equal(RUNSTATE_offline, 3);
	assert_int_equal(sizeof(struct vcpu_register_vcpu_info), 16);
	assert_int_equal(offsetof(struct vcpu_register_vcpu_info, offset), 8);
	assert_int_equal(VCPUOP_get_runstate_info, 4);
	assert_int_equal(VCPUOP_register_vcpu_info, 10);
}

static void test_memory_op_structures(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct xen_memory_reservation), 32);
	assert_int_equal(offsetof(struct xen_memory_reservation, extent_start), 0);
	assert_int_equal(offsetof(struct xen_memory_reservation, nr_extents), 8);
	assert_int_equal(offsetof(struct xen_memory_reservation, extent_order), 16);
	assert_int_equal(offsetof(struct xen_memory_reservation, mem_flags), 20);
	assert_int_equal(offsetof(struct xen_memory_reservation, domid), 24);
	assert_int_equal(sizeof(struct xen_add_to_physmap), 24);
	assert_int_equal(offsetof(struct xen_add_to_physmap, domid), 0);
	assert_int_equal(offsetof(struct xen_add_to_physmap, size), 2);
	assert_int_equal(offsetof(struct xen_add_to_physmap, space), 4);
	assert_int_equal(offsetof(struct xen_add_to_physmap, idx), 8);
	assert_int_equal(offsetof(struct xen_add_to_physmap, gpfn), 16);
	assert_int_equal(sizeof(struct xen_memory_map), 16);
	assert_int_equal(offsetof(struct xen_memory_map, nr_entries), 0);
	assert_int_equal(offsetof(struct xen_memory_map, buffer), 8);
	assert_int_equal(sizeof(struct e820entry), 20);
	assert_int_equal(XENMEM_populate_physmap, 6);
	assert_int_equal(XENMEM_memory_map, 9);
	assert_int_equal(MEMOP_EXTENT_SHIFT, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcpu_time_info),
		cmocka_unit_test(test_vcpu_info),
		cmocka_unit_test(test_shared_info),
		cmocka_unit_test(test_vcpu_runstate_info),
		cmocka_unit_test(test_memory_op_structures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
