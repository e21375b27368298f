/* The event-channel port table: port 0 reserved, the lowest free port
 * first, buckets added as ports run out and refused past the domain's
 * limit (-ENOSPC) or without memory (-ENOMEM), validity as Xen's
 * port_is_valid (allocated buckets only), a released port reused, a
 * dying table handing out nothing, and every bucket given back. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/errno.h"
#include "umbra/evtchn_table.h"

static unsigned int pages_out, pages_left;

static void *page_alloc(void)
{
	void *p;

	if (!pages_left)
		return NULL;
	p = aligned_alloc(EVTCHN_BUCKET_PAGE, EVTCHN_BUCKET_PAGE);
	memset(p, 0xa5, EVTCHN_BUCKET_PAGE);	/* pages come dirty */
	pages_left--;
	pages_out++;
	return p;
}

static void page_free(void *p)
{
	free(p);
	pages_out--;
}

static const struct evtchn_pages pages = { page_alloc, page_free };
static struct evtchn_table t;

static int setup(void **state)
{
	(void)state;
	pages_out = 0;
	pages_left = 1000;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	evtchn_table_release(&t, &pages);
	assert_int_equal(pages_out, 0);
	return 0;
}

/* Take port and give it a state, as the hypercalls do. */
static int take(void)
{
	int p = evtchn_free_port(&t, &pages);

	if (p > 0)
		evtchn_at(&t, (uint32_t)p)->state = ECS_UNBOUND;
	return p;
}

static void test_port0_reserved(void **state)
{
	(void)state;
	assert_int_equal(evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages), 0);
	assert_int_equal(evtchn_at(&t, 0)->state, ECS_RESERVED);
	assert_int_equal(evtchn_at(&t, 1)->state, ECS_FREE);
	assert_int_equal(take(), 1);
	assert_int_equal(take(), 2);
	evtchn_release_port(&t, 0);
	assert_int_equal(evtchn_at(&t, 0)->state, ECS_RESERVED);
}

static void test_validity_follows_buckets(void **state)
{
	(void)state;
	evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages);
	assert_true(evtchn_port_valid(&t, EVTCHNS_PER_BUCKET - 1));
	assert_false(evtchn_port_valid(&t, EVTCHNS_PER_BUCKET));
	assert_null(evtchn_at(&t, EVTCHNS_PER_BUCKET));
	assert_null(evtchn_at(&t, 0xffffffffu));
	for (unsigned int i = 1; i < EVTCHNS_PER_BUCKET; i++)
		assert_int_equal(take(), (int)i);
	assert_int_equal(pages_out, 1);
	assert_int_equal(take(), (int)EVTCHNS_PER_BUCKET);	/* a second bucket */
	assert_int_equal(pages_out, 2);
	assert_true(evtchn_port_valid(&t, EVTCHNS_PER_BUCKET));
	/* A new bucket starts free whatever the page held. */
	assert_int_equal(evtchn_at(&t, EVTCHNS_PER_BUCKET + 1)->state, ECS_FREE);
}

static void test_limit_is_enospc(void **state)
{
	int p = 0, n = 0;

	(void)state;
	evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages);
	while ((p = take()) > 0)
		n++;
	assert_int_equal(p, -ENOSPC);
	assert_int_equal(n, EVTCHN_DEFAULT_PORTS - 1);	/* Xen: ports 1..1023 */
	assert_false(evtchn_port_valid(&t, EVTCHN_DEFAULT_PORTS));
	evtchn_release_port(&t, 700);
	assert_int_equal(take(), 700);
	assert_int_equal(take(), -ENOSPC);
}

static void test_abi_limit(void **state)
{
	int p, n = 0;

	(void)state;
	evtchn_table_init(&t, 1u << 20, &pages);	/* clamped to the ABI's 4096 */
	while ((p = take()) > 0)
		n++;
	assert_int_equal(p, -ENOSPC);
	assert_int_equal(n, EVTCHN_MAX_PORTS - 1);
	assert_int_equal(pages_out, EVTCHN_BUCKETS);
}

static void test_no_memory(void **state)
{
	(void)state;
	pages_left = 1;
	evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages);
	for (unsigned int i = 1; i < EVTCHNS_PER_BUCKET; i++)
		take();
	assert_int_equal(take(), -ENOMEM);
	assert_false(evtchn_port_valid(&t, EVTCHNS_PER_BUCKET));
	pages_left = 1;
	assert_int_equal(take(), (int)EVTCHNS_PER_BUCKET);
}

static void test_init_without_memory(void **state)
{
	(void)state;
	pages_left = 0;
	assert_int_equal(evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages), -ENOMEM);
	assert_false(evtchn_port_valid(&t, 0));
}

static void test_dying_gives_nothing(void **state)
{
	(void)state;
	evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages);
	take();
	t.dying = true;
	assert_int_equal(evtchn_free_port(&t, &pages), -EINVAL);
}

static void test_release_clears(void **state)
{
	struct evtchn *c;
	int p;

	(void)state;
	evtchn_table_init(&t, EVTCHN_DEFAULT_PORTS, &pages);
	p = take();
	c = evtchn_at(&t, (uint32_t)p);
	c->state = ECS_INTERDOMAIN;
	c->remote_dom = 7;
	c->remote_port = 9;
	c->notify_vcpu = 3;
	evtchn_release_port(&t, (uint32_t)p);
	assert_int_equal(c->state, ECS_FREE);
	assert_int_equal(c->remote_dom, 0);
	assert_int_equal(c->notify_vcpu, 0);	/* Xen: back to vCPU 0 */
	assert_null(c->peer);
	evtchn_release_port(&t, 5000);		/* not valid: nothing */
}

static void test_virq_kinds(void **state)
{
	(void)state;
	assert_true(evtchn_virq_is_per_vcpu(VIRQ_TIMER));
	assert_true(evtchn_virq_is_per_vcpu(VIRQ_DEBUG));
	assert_true(evtchn_virq_is_per_vcpu(VIRQ_XENOPROF));
	assert_true(evtchn_virq_is_per_vcpu(VIRQ_XENPMU));
	assert_false(evtchn_virq_is_per_vcpu(VIRQ_CONSOLE));
	assert_false(evtchn_virq_is_per_vcpu(VIRQ_DOM_EXC));
	assert_false(evtchn_virq_is_per_vcpu(VIRQ_ARCH_0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_port0_reserved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validity_follows_buckets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit_is_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abi_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_without_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dying_gives_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_clears, setup, teardown),
		cmocka_unit_test(test_virq_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
