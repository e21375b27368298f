/* Permissions: wire strings, the access rule, and what domains may do. */
#include <string.h>

#include "harness.h"
#include "dom0-tools/vmstored/perms.h"
#include "public/io/xs_wire.h"

enum { DOM0, DOM1, DOM2 };

static const struct h_clients clients = {
	.n = 3,
	.c = {
		[DOM0] = { 0, true },
		[DOM1] = { 1, false },
		[DOM2] = { 2, false },
	},
};

static void test_perm_strings(void **state)
{
	struct vms_permissions p;
	char buf[16];

	(void)state;
	assert_true(vms_perm_from_string("b65535", &p));
	assert_int_equal(p.id, 65535);
	assert_int_equal(p.perms, VMS_PERM_READ | VMS_PERM_WRITE);
	assert_true(vms_perm_from_string("n0", &p));
	assert_int_equal(p.perms, VMS_PERM_NONE);
	assert_false(vms_perm_from_string("b65536", &p));
	assert_false(vms_perm_from_string("r", &p));
	assert_false(vms_perm_from_string("x1", &p));
	assert_false(vms_perm_from_string("r1a", &p));
	assert_false(vms_perm_from_string("r-1", &p));
	assert_false(vms_perm_from_string("", &p));
	p.id = 12;
	p.perms = VMS_PERM_WRITE;
	assert_true(vms_perm_to_string(&p, buf, sizeof(buf)));
	assert_string_equal(buf, "w12");
	assert_false(vms_perm_to_string(&p, buf, 3));
	p.perms = 9;
	assert_false(vms_perm_to_string(&p, buf, sizeof(buf)));
}

static void test_wire_list(void **state)
{
	struct perms p;
	char buf[64];

	(void)state;
	assert_int_equal(perms_from_wire("r1\0b2\0n3", 9, &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(perms_to_wire(&p, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "r1\0b2\0n3", 9);
	assert_int_equal(perms_to_wire(&p, buf, 5), -1);
	perms_free(&p);
	assert_int_equal(perms_from_wire("r1\0b2", 5, &p), EINVAL);
	assert_int_equal(perms_from_wire("r1\0\0", 4, &p), EINVAL);
	assert_int_equal(perms_from_wire("", 0, &p), EINVAL);
}

static void test_access_rule(void **state)
{
	struct perm entries[] = {
		{ 5, VMS_PERM_READ }, { 6, VMS_PERM_WRITE }, { 7, VMS_PERM_NONE },
	};
	struct perms p = { 3, entries };

	(void)state;
	/* The owner may do anything. */
	assert_int_equal(perms_access(&p, 5, DOMID_NONE),
			 VMS_PERM_READ | VMS_PERM_WRITE | VMS_PERM_OWNER);
	/* Listed domains get their entry. */
	assert_int_equal(perms_access(&p, 6, DOMID_NONE), VMS_PERM_WRITE);
	assert_int_equal(perms_access(&p, 7, DOMID_NONE), VMS_PERM_NONE);
	/* Everyone else gets the owner entry's access. */
	assert_int_equal(perms_access(&p, 9, DOMID_NONE), VMS_PERM_READ);
	/* A domain acting for another (SET_TARGET) gets its rights too. */
	assert_int_equal(perms_access(&p, 9, 5),
			 VMS_PERM_READ | VMS_PERM_WRITE | VMS_PERM_OWNER);
	assert_int_equal(perms_access(&p, 9, 6), VMS_PERM_WRITE);
}

static void test_guest_cannot_read_dom0_nodes(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_WRITE, 0, "/secret|x", "WRITE OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/secret|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_WRITE, 0, "/secret|y", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_GET_PERMS, 0, "/secret|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_DIRECTORY, 0, "/|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_RM, 0, "/secret|", "ERROR EACCES|");
	assert_call(f->c[DOM0], XS_READ, 0, "/secret|", "READ x");
}

static void test_missing_node_under_unreadable_parent(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_WRITE, 0, "/secret/a|x", "WRITE OK|");
	/* Existence is not revealed to those who may not look. */
	assert_call(f->c[DOM1], XS_READ, 0, "/secret/nope|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_READ, 0, "/secret/a|", "ERROR EACCES|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/secret|n0|r1|",
		    "SET_PERMS OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/secret/nope|", "ERROR ENOENT|");
}

static void test_acl_grants_and_denies(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_WRITE, 0, "/shared|v", "WRITE OK|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/shared|n0|r1|b2|",
		    "SET_PERMS OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/shared|", "READ v");
	assert_call(f->c[DOM1], XS_WRITE, 0, "/shared|w", "ERROR EACCES|");
	assert_call(f->c[DOM2], XS_WRITE, 0, "/shared|w", "WRITE OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/shared|", "READ w");
	/* Write access on the parent is what creating a child needs. */
	assert_call(f->c[DOM1], XS_WRITE, 0, "/shared/c1|x", "ERROR EACCES|");
	assert_call(f->c[DOM2], XS_WRITE, 0, "/shared/c2|x", "WRITE OK|");
	/* ... and nodes made by a guest belong to it. */
	assert_call(f->c[DOM2], XS_GET_PERMS, 0, "/shared/c2|",
		    "GET_PERMS n2|r1|b2|");
}

static void test_guest_home(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_MKDIR, 0, "/local/domain/1|", "MKDIR OK|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/local/domain/1|n1|",
		    "SET_PERMS OK|");
	assert_call(f->c[DOM1], XS_WRITE, 0, "data/x|1", "WRITE OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/local/domain/1/data/x|", "READ 1");
	assert_call(f->c[DOM1], XS_GET_PERMS, 0, "data/x|", "GET_PERMS n1|");
	assert_call(f->c[DOM2], XS_READ, 0, "/local/domain/1/data/x|",
		    "ERROR EACCES|");
	assert_call(f->c[DOM2], XS_WRITE, 0, "data/x|1", "ERROR EACCES|");
	assert_call(f->c[DOM0], XS_READ, 0, "/local/domain/1/data/x|", "READ 1");
}

static void test_set_perms_rules(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_WRITE, 0, "/g|", "WRITE OK|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/g|n1|b2|", "SET_PERMS OK|");
	/* Only the owner may change permissions... */
	assert_call(f->c[DOM2], XS_SET_PERMS, 0, "/g|n1|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_SET_PERMS, 0, "/g|r1|b2|", "SET_PERMS OK|");
	/* ... and a guest may not give its node away. */
	assert_call(f->c[DOM1], XS_SET_PERMS, 0, "/g|n2|", "ERROR EPERM|");
	assert_call(f->c[DOM1], XS_GET_PERMS, 0, "/g|", "GET_PERMS r1|b2|");
	/* dom0 may. */
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/g|n2|", "SET_PERMS OK|");
	assert_call(f->c[DOM1], XS_READ, 0, "/g|", "ERROR EACCES|");
}

static void test_dom0_only_requests(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM1], XS_INTRODUCE, 0, "5|1|1|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_RELEASE, 0, "5|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_CONTROL, 0, "check|", "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_SET_PERMS, 0, "@releaseDomain|n1|",
		    "ERROR EACCES|");
	assert_call(f->c[DOM1], XS_GET_DOMAIN_PATH, 0, "1|",
		    "GET_DOMAIN_PATH /local/domain/1|");
}

static void test_target_domain_acts_for_its_target(void **state)
{
	struct h_fixture *f = *state;

	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "1|100|1|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_INTRODUCE, 0, "2|200|2|", "INTRODUCE OK|");
	assert_call(f->c[DOM0], XS_WRITE, 0, "/t|x", "WRITE OK|");
	assert_call(f->c[DOM0], XS_SET_PERMS, 0, "/t|n1|", "SET_PERMS OK|");
	assert_call(f->c[DOM2], XS_READ, 0, "/t|", "ERROR EACCES|");
	/* dom2 becomes a device model for dom1. */
	assert_call(f->c[DOM0], XS_SET_TARGET, 0, "2|1|", "SET_TARGET OK|");
	assert_call(f->c[DOM2], XS_READ, 0, "/t|", "READ x");
	assert_call(f->c[DOM2], XS_WRITE, 0, "/t|y", "WRITE OK|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) h_test(fn, &clients)
		T(test_perm_strings),
		T(test_wire_list),
		T(test_access_rule),
		T(test_guest_cannot_read_dom0_nodes),
		T(test_missing_node_under_unreadable_parent),
		T(test_acl_grants_and_denies),
		T(test_guest_home),
		T(test_set_perms_rules),
		T(test_dom0_only_requests),
		T(test_target_domain_acts_for_its_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
