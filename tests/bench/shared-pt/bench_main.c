/* make bench-shared-pt: one synthetic workload (N address spaces, fork of
 * a 64 MiB space, context switches, mprotect, munmap) through classic
 * shadow paging (mmu/) and through shared-pt, in one run. shared-pt runs
 * it twice: with machine directories (Xen's PV form, only L4s shadowed;
 * the `shared` lines) and with pseudo-physical directories (every
 * directory shadowed; the `shared_pseudo_dirs` lines). Prints `key: value`
 * lines; the ratios are the point, absolute counts are there to check
 * them. Exits non-zero if the schemes disagree on where any access lands
 * or on how many operations the workload issued. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/bench/shared-pt/backends.h"

#define SPACES		8
#define SWITCH_ROUNDS	50

struct run {
	const char *key;
	struct backend *be;
	struct workload_result r;
};

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

static int agree(const struct run *a, const struct run *b)
{
	if (a->r.translation_sum == b->r.translation_sum &&
	    a->r.ops == b->r.ops)
		return 1;
	fprintf(stderr, "bench: %s and %s disagree (translations %#llx vs "
		"%#llx, ops %llu vs %llu)\n", a->key, b->key,
		(unsigned long long)a->r.translation_sum,
		(unsigned long long)b->r.translation_sum,
		(unsigned long long)a->r.ops, (unsigned long long)b->r.ops);
	return 0;
}

/* One shared-pt run against the classic shadow run. */
static void print_shared(const struct run *s, const struct run *c)
{
	printf("pt_memory_%s_kib: %llu\n", s->key,
	       (unsigned long long)s->r.pt_bytes_peak / 1024);
	printf("pt_memory_%s_vs_shadow: %.4f\n", s->key,
	       ratio(s->r.pt_bytes_peak, c->r.pt_bytes_peak));
	printf("interventions_%s: %llu\n", s->key,
	       (unsigned long long)s->r.interventions);
	printf("traps_per_op_%s: %.5f\n", s->key,
	       ratio(s->r.interventions, s->r.ops));
	printf("traps_per_op_%s_vs_shadow: %.4f\n", s->key,
	       ratio(s->r.interventions, c->r.interventions));
	printf("ctxsw_work_%s: %.2f\n", s->key,
	       ratio(s->r.switch_pages, s->r.switches));
}

int main(void)
{
	struct workload_config cfg = { .spaces = SPACES,
				       .switch_rounds = SWITCH_ROUNDS };
	struct run shared = { .key = "shared",
			      .be = shared_backend_create(SPT_DIRS_MACHINE) };
	struct run pseudo = { .key = "shared_pseudo_dirs",
			      .be = shared_backend_create(SPT_DIRS_PSEUDO) };
	struct run shadow = { .key = "shadow",
			      .be = shadow_backend_create(16) };

	if (!shared.be || !pseudo.be || !shadow.be) {
		fprintf(stderr, "bench: cannot set up the machines\n");
		return 2;
	}
	if (workload_run(shared.be, &cfg, &shared.r) ||
	    workload_run(pseudo.be, &cfg, &pseudo.r) ||
	    workload_run(shadow.be, &cfg, &shadow.r)) {
		fprintf(stderr, "bench: workload ran out of guest pages\n");
		return 2;
	}
	if (!agree(&shared, &shadow) || !agree(&pseudo, &shadow))
		return 1;
	printf("workload: %u address spaces, 64 MiB each in 4 KiB pages, "
	       "%u switch rounds\n", SPACES, SWITCH_ROUNDS);
	printf("workload_ops: %llu\n", (unsigned long long)shadow.r.ops);
	printf("translations_agree: yes\n");
	printf("pt_memory_shadow_kib: %llu\n",
	       (unsigned long long)shadow.r.pt_bytes_peak / 1024);
	printf("interventions_shadow: %llu\n",
	       (unsigned long long)shadow.r.interventions);
	printf("traps_per_op_shadow: %.5f\n",
	       ratio(shadow.r.interventions, shadow.r.ops));
	printf("ctxsw_switches: %llu\n", (unsigned long long)shadow.r.switches);
	print_shared(&shared, &shadow);
	print_shared(&pseudo, &shadow);
	shared_backend_destroy(shared.be);
	shared_backend_destroy(pseudo.be);
	shadow_backend_destroy(shadow.be);
	return 0;
}
