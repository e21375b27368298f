/* Differential test of the shadow engine: thousands of random operation
 * sequences, each step checked against the guest tables plus the p2m
 * (see shadow_model.h). Seeded and reproducible: a failure prints the
 * seed and step. Coverage is checked too, so that a model that stopped
 * reaching some outcome fails instead of passing quietly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "tests/unit/mmu/shadow_model.h"

#define SEQUENCES_PER_TEST	2000
#define STEPS			150

static struct model *M;

static const char *const outcome_names[MO_COUNT] = {
	"allowed", "emulate-pt-write", "emulate", "p2m-fault", "pf-not-present",
	"pf-protection", "pf-rsvd", "pf-pkey", "pf-fetch",
};

static void run_seeds(uint64_t first)
{
	uint64_t s;

	for (s = first; s < first + SEQUENCES_PER_TEST; s++)
		if (model_run(M, s * 0x9e3779b97f4a7c15ULL, NULL, 0, STEPS))
			fail_msg("%s", model_error(M));
}

static void test_sequences_a(void **state) { (void)state; run_seeds(1); }
static void test_sequences_b(void **state) { (void)state; run_seeds(100001); }
static void test_sequences_c(void **state) { (void)state; run_seeds(200001); }

static void test_coverage(void **state)
{
	const struct model_totals *t = model_totals(M);
	const struct shadow_counters *c = &t->engine;
	int o;

	(void)state;
	for (o = 0; o < MO_COUNT; o++)
		if (t->outcome[o] < 20)
			fail_msg("outcome %s reached only %llu times", outcome_names[o],
				 (unsigned long long)t->outcome[o]);
	assert_true(c->cache_hits > 100 && c->cache_misses > 100);
	assert_true(c->root_evictions > 10);
	assert_true(c->write_protects > 10);
	assert_true(c->unshadows > 10);
	assert_true(c->pt_writes > 100);
	assert_true(c->invlpgs > 100);
	assert_true(c->flushes > 100);
	assert_true(c->recycles > 100);
	assert_true(t->large_leaves > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequences_a), cmocka_unit_test(test_sequences_b),
		cmocka_unit_test(test_sequences_c), cmocka_unit_test(test_coverage),
	};
	const struct model_totals *t;
	int rc, o;

	M = model_create();
	if (!M)
		return 1;
	rc = cmocka_run_group_tests_name("mmu_shadow_differential", tests, NULL, NULL);
	t = model_totals(M);
	printf("%llu sequences, %llu steps, %llu checked accesses:",
	       (unsigned long long)t->sequences, (unsigned long long)t->steps,
	       (unsigned long long)t->accesses);
	for (o = 0; o < MO_COUNT; o++)
		printf(" %s %llu", outcome_names[o], (unsigned long long)t->outcome[o]);
	printf("\nengine: hidden faults %llu, fills %llu, pt writes %llu, phi hits %llu, "
	       "evictions %llu, write-protects %llu, unshadows %llu, recycles %llu, "
	       "large leaves %llu\n",
	       (unsigned long long)t->engine.hidden_faults, (unsigned long long)t->engine.fills,
	       (unsigned long long)t->engine.pt_writes, (unsigned long long)t->engine.cache_hits,
	       (unsigned long long)t->engine.root_evictions,
	       (unsigned long long)t->engine.write_protects,
	       (unsigned long long)t->engine.unshadows, (unsigned long long)t->engine.recycles,
	       (unsigned long long)t->large_leaves);
	model_destroy(M);
	return rc;
}
