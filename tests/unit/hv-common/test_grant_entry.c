/* Version 1 grant entries: which headers a map or copy may pin (type,
 * grantee, read-only, sub-page), the flags set on the way, when a use
 * must re-read the entry, and which flags go as the last readers and
 * writers leave; plus the public layouts against Xen's sizes. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "public/grant_table.h"
#include "umbra/grant_entry.h"

#define ME	7
#define OTHER	8

static int pin(uint16_t flags, uint16_t domid, bool ro, bool map, uint32_t *next)
{
	return grant_hdr_pin(grant_hdr(flags, domid), ME, ro, map, next);
}

static void test_pin_sets_reading_and_writing(void **state)
{
	uint32_t next = 0;

	(void)state;
	assert_int_equal(pin(GTF_permit_access, ME, true, true, &next), GNTST_okay);
	assert_int_equal(grant_hdr_flags(next), GTF_permit_access | GTF_reading);
	assert_int_equal(grant_hdr_domid(next), ME);
	assert_int_equal(pin(GTF_permit_access, ME, false, true, &next), GNTST_okay);
	assert_int_equal(grant_hdr_flags(next), GTF_permit_access | GTF_reading | GTF_writing);
	/* Caching attributes the granter set are kept. */
	assert_int_equal(pin(GTF_permit_access | GTF_PCD, ME, true, true, &next), GNTST_okay);
	assert_true(grant_hdr_flags(next) & GTF_PCD);
}

static void test_pin_refusals(void **state)
{
	uint32_t next = 0x12345678;

	(void)state;
	assert_int_equal(pin(GTF_invalid, ME, true, true, &next), GNTST_general_error);
	assert_int_equal(pin(GTF_accept_transfer, ME, true, true, &next), GNTST_general_error);
	assert_int_equal(pin(GTF_transitive, ME, true, false, &next), GNTST_general_error);
	assert_int_equal(pin(GTF_permit_access, OTHER, true, true, &next), GNTST_general_error);
	/* Read-only grants: reading yes, writing never. */
	assert_int_equal(pin(GTF_permit_access | GTF_readonly, ME, false, true, &next),
			 GNTST_general_error);
	assert_int_equal(pin(GTF_permit_access | GTF_readonly, ME, false, false, &next),
			 GNTST_general_error);
	assert_int_equal(next, 0x12345678);	/* untouched on refusal */
	assert_int_equal(pin(GTF_permit_access | GTF_readonly, ME, true, true, &next),
			 GNTST_okay);
	/* Sub-page grants: copy only. */
	assert_int_equal(pin(GTF_permit_access | GTF_sub_page, ME, true, true, &next),
			 GNTST_general_error);
	assert_int_equal(pin(GTF_permit_access | GTF_sub_page, ME, true, false, &next),
			 GNTST_okay);
}

static void test_active_pins(void **state)
{
	struct grant_active a = { 0 };

	(void)state;
	assert_true(grant_active_idle(&a));
	assert_true(grant_active_needs_pin(&a, true));
	grant_active_get(&a, true);
	a.domid = ME;
	/* A reader does not need the entry again; the first writer does. */
	assert_false(grant_active_needs_pin(&a, true));
	assert_true(grant_active_needs_pin(&a, false));
	grant_active_get(&a, false);
	assert_false(grant_active_needs_pin(&a, false));
	assert_int_equal(grant_active_check(&a, ME), GNTST_okay);
	assert_int_equal(grant_active_check(&a, OTHER), GNTST_general_error);
	grant_active_get(&a, false);
	/* Writers leave: GTF_writing only with the last; then the reader. */
	assert_int_equal(grant_active_put(&a, false), 0);
	assert_int_equal(grant_active_put(&a, false), GTF_writing);
	assert_false(grant_active_idle(&a));
	assert_int_equal(grant_active_put(&a, true), GTF_writing | GTF_reading);
	assert_true(grant_active_idle(&a));
	assert_int_equal(grant_active_check(&a, OTHER), GNTST_okay);
}

static void test_put_never_underflows(void **state)
{
	struct grant_active a = { 0 };

	(void)state;
	assert_int_equal(grant_active_put(&a, true), GTF_writing | GTF_reading);
	assert_int_equal(grant_active_put(&a, false), GTF_writing | GTF_reading);
	assert_int_equal(a.rd, 0);
	assert_int_equal(a.wr, 0);
}

/* Xen's x86-64 layouts (xen/include/public/grant_table.h). */
static void test_layouts(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct grant_entry_v1), 8);
	assert_int_equal(offsetof(struct grant_entry_v1, frame), 4);
	assert_int_equal(sizeof(struct gnttab_map_grant_ref), 32);
	assert_int_equal(offsetof(struct gnttab_map_grant_ref, ref), 12);
	assert_int_equal(offsetof(struct gnttab_map_grant_ref, dom), 16);
	assert_int_equal(offsetof(struct gnttab_map_grant_ref, status), 18);
	assert_int_equal(offsetof(struct gnttab_map_grant_ref, handle), 20);
	assert_int_equal(offsetof(struct gnttab_map_grant_ref, dev_bus_addr), 24);
	assert_int_equal(sizeof(struct gnttab_unmap_grant_ref), 24);
	assert_int_equal(offsetof(struct gnttab_unmap_grant_ref, handle), 16);
	assert_int_equal(offsetof(struct gnttab_unmap_grant_ref, status), 20);
	assert_int_equal(sizeof(struct gnttab_setup_table), 24);
	assert_int_equal(offsetof(struct gnttab_setup_table, nr_frames), 4);
	assert_int_equal(offsetof(struct gnttab_setup_table, status), 8);
	assert_int_equal(offsetof(struct gnttab_setup_table, frame_list), 16);
	assert_int_equal(sizeof(struct gnttab_copy), 40);
	assert_int_equal(offsetof(struct gnttab_copy, dest), 16);
	assert_int_equal(offsetof(struct gnttab_copy, len), 32);
	assert_int_equal(offsetof(struct gnttab_copy, flags), 34);
	assert_int_equal(offsetof(struct gnttab_copy, status), 36);
	assert_int_equal(offsetof(struct gnttab_copy_ptr, domid), 8);
	assert_int_equal(offsetof(struct gnttab_copy_ptr, offset), 10);
	assert_int_equal(sizeof(struct gnttab_query_size), 16);
	assert_int_equal(offsetof(struct gnttab_query_size, status), 12);
	assert_int_equal(sizeof(struct gnttab_get_version), 8);
	assert_int_equal(sizeof(struct gnttab_cache_flush), 16);
	assert_int_equal(offsetof(struct gnttab_cache_flush, op), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_sets_reading_and_writing),
		cmocka_unit_test(test_pin_refusals),
		cmocka_unit_test(test_active_pins),
		cmocka_unit_test(test_put_never_underflows),
		cmocka_unit_test(test_layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
