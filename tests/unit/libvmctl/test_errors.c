/*
 * What libvmctl tells a person without a hypervisor to ask: opening
 * something that is not the driver, the configuration checks of create,
 * the wordings of refused requests, per-thread error texts and names.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/lib/libvmctl/internal.h"

#define MiB (1ull << 20)

static void test_open_missing_device(void **state)
{
	struct vmctl *h = NULL;

	(void)state;
	assert_int_equal(vmctl_open_path("/nonexistent/umbra", &h), -ENOENT);
	assert_null(h);
	assert_string_equal(vmctl_last_error(),
			    "cannot open /nonexistent/umbra: No such file or directory "
			    "(is umbra.ko loaded, in dom0 on Umbra?)");
}

/* $UMBRA_DEVICE is honoured; a device that is not Umbra's is named. */
static void test_open_not_umbra(void **state)
{
	struct vmctl *h = NULL;

	(void)state;
	setenv(VMCTL_DEVICE_ENV, "/dev/null", 1);
	assert_int_equal(vmctl_open(&h), -ENODEV);
	unsetenv(VMCTL_DEVICE_ENV);
	assert_null(h);
	assert_string_equal(vmctl_last_error(), "/dev/null is not Umbra's management device");
}

static void test_closed_handle(void **state)
{
	struct umbra_mgmt_physinfo pi;

	(void)state;
	vmctl_close(NULL);
	assert_int_equal(vmctl_fd(NULL), -1);
	assert_int_equal(vmctl_physinfo(NULL, &pi), -EBADF);
	assert_string_equal(vmctl_last_error(), "physinfo: Bad file descriptor");
}

static const struct umbra_mgmt_physinfo machine = {
	.nr_cpus = 2, .cpus_online = 0x3, .dom0_cpus = 0x1,
	.free_bytes = 200 * MiB, .max_vcpus = 8,
};

static int create(const struct vmctl_domain_config *cfg, struct umbra_mgmt_create *c)
{
	return vmctl_create_request(cfg, &machine, c);
}

static void test_create_defaults(void **state)
{
	struct vmctl_domain_config cfg = { .name = "g1", .mem_bytes = 32 * MiB };
	struct umbra_mgmt_create c;

	(void)state;
	assert_int_equal(create(&cfg, &c), 0);
	assert_string_equal(c.name, "g1");
	assert_int_equal(c.mem_bytes, 32 * MiB);
	assert_int_equal(c.nr_vcpus, 1);
	assert_int_equal(c.affinity, 0x2);	/* the pCPUs dom0 does not own */
	assert_int_equal(c.type, UMBRA_DOMAIN_TYPE_PVH);
	assert_int_equal(c.paging, UMBRA_PAGING_NESTED);
	assert_int_equal(c.reserved, 0);
}

/* Each bad configuration: -EINVAL or -ENOMEM and the sentence given. */
static void create_refused(const struct vmctl_domain_config *cfg, int rc, const char *why)
{
	struct umbra_mgmt_create c;

	assert_int_equal(create(cfg, &c), rc);
	assert_string_equal(vmctl_last_error(), why);
}

/* A PV domain may have several vCPUs (VCPUOP_initialise/up bring the
 * others up). */
static void test_create_pv_vcpus(void **state)
{
	struct vmctl_domain_config cfg = { .name = "g1", .mem_bytes = 32 * MiB,
					   .type = UMBRA_DOMAIN_TYPE_PV, .vcpus = 2 };
	struct umbra_mgmt_create c;

	(void)state;
	assert_int_equal(create(&cfg, &c), 0);
	assert_int_equal(c.type, UMBRA_DOMAIN_TYPE_PV);
	assert_int_equal(c.paging, UMBRA_PAGING_SHARED);
	assert_int_equal(c.nr_vcpus, 2);
}

static void test_create_refusals(void **state)
{
	struct vmctl_domain_config cfg = { .name = "g1", .mem_bytes = 32 * MiB };

	(void)state;
	cfg.mem_bytes = 512 * MiB;
	create_refused(&cfg, -ENOMEM, "not enough free memory: asked 512 MiB, 200 MiB free");
	cfg.mem_bytes = 3 * MiB;
	create_refused(&cfg, -EINVAL, "memory must be a multiple of 2 MiB: asked 3072 KiB");
	cfg.mem_bytes = 2048 * MiB;
	create_refused(&cfg, -EINVAL, "memory must be between 2 MiB and 1 GiB: asked 2048 MiB");
	cfg.mem_bytes = 0;
	create_refused(&cfg, -EINVAL, "the domain's memory is not given");
	cfg.mem_bytes = 32 * MiB;
	cfg.vcpus = 9;
	create_refused(&cfg, -EINVAL, "9 vCPUs asked, at most 8");
	cfg.vcpus = 1;
	cfg.cpus = 0x4;
	create_refused(&cfg, -EINVAL, "cpus 0x4 names pCPUs that are not online (online: 0x3)");
	cfg.cpus = 0;
	cfg.type = UMBRA_DOMAIN_TYPE_HVM;
	create_refused(&cfg, -EINVAL, "type hvm is not supported yet (pvh or pv)");
	cfg.type = 0;
	cfg.paging = UMBRA_PAGING_SHARED;
	create_refused(&cfg, -EINVAL,
		       "paging shared is not available for a PVH domain (nested or shadow)");
	cfg.type = UMBRA_DOMAIN_TYPE_PV;
	cfg.paging = UMBRA_PAGING_NESTED;
	create_refused(&cfg, -EINVAL,
		       "paging nested is not available for a PV domain (shared or shadow)");
	cfg.paging = UMBRA_PAGING_SHADOW;	/* translated PV */
	{
		struct umbra_mgmt_create c;

		assert_int_equal(create(&cfg, &c), 0);
		assert_int_equal(c.type, UMBRA_DOMAIN_TYPE_PV);
		assert_int_equal(c.paging, UMBRA_PAGING_SHADOW);
	}
	cfg.paging = 0;
	cfg.type = 0;
	cfg.paging = 0;
	cfg.name = "";
	create_refused(&cfg, -EINVAL, "the domain needs a name");
	cfg.name = "a-name-that-is-much-too-long-for-umbra";
	create_refused(&cfg, -EINVAL,
		       "name 'a-name-that-is-much-too-long-for-umbra...' is longer than 31 characters");
	cfg.name = "bad\x1b[2Jname";
	create_refused(&cfg, -EINVAL, "the name contains a control character");
}

static void test_refused_request_wordings(void **state)
{
	(void)state;
	assert_int_equal(vmctl_mgmt_fail(-ESRCH, 7, "pausing the domain"), -ESRCH);
	assert_string_equal(vmctl_last_error(), "pausing the domain: no domain with id 7");
	vmctl_mgmt_fail(-EPERM, 0, "destroying the domain");
	assert_string_equal(vmctl_last_error(), "destroying the domain: not permitted by Umbra");
	vmctl_mgmt_fail(-E2BIG, 0, "x");
	assert_string_equal(vmctl_last_error(),
			    "x: buffer larger than the 1024 KiB a request may carry");
	vmctl_mgmt_fail(-EBUSY, 0, "y");
	assert_string_equal(vmctl_last_error(), "y: Device or resource busy");
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* A fresh thread has no error yet, whatever others did. */
	if (strcmp(vmctl_last_error(), "") != 0)
		return "not empty";
	vmctl_fail(-EINVAL, "the other thread's error");
	return NULL;
}

static void test_error_is_per_thread(void **state)
{
	pthread_t t;
	void *ret;

	(void)state;
	vmctl_fail(-EINVAL, "this thread's error");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_null(ret);
	assert_string_equal(vmctl_last_error(), "this thread's error");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vmctl_domstate_name(UMBRA_DOMSTATE_CRASHED), "crashed");
	assert_string_equal(vmctl_domstate_name(99), "?");
	assert_string_equal(vmctl_vcpustate_name(UMBRA_VCPUSTATE_DOWN), "down");
	assert_string_equal(vmctl_shutdown_name(SHUTDOWN_watchdog), "watchdog");
	assert_string_equal(vmctl_shutdown_name(SHUTDOWN_MAX + 1), "?");
	assert_string_equal(vmctl_type_name(UMBRA_DOMAIN_TYPE_PVH), "pvh");
	assert_string_equal(vmctl_type_name(0), "?");
	assert_string_equal(vmctl_paging_name(UMBRA_PAGING_SHADOW), "shadow");
	assert_string_equal(vmctl_exit_name(UMBRA_EXIT_NPF), "npf");
	assert_null(vmctl_exit_name(UMBRA_EXIT_OTHER + 1));
	assert_null(vmctl_exit_name(UMBRA_EXIT_NR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_missing_device),
		cmocka_unit_test(test_open_not_umbra),
		cmocka_unit_test(test_closed_handle),
		cmocka_unit_test(test_create_defaults),
		cmocka_unit_test(test_create_pv_vcpus),
		cmocka_unit_test(test_create_refusals),
		cmocka_unit_test(test_refused_request_wordings),
		cmocka_unit_test(test_error_is_per_thread),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
