/* make bench-shared-pt: one synthetic workload (N address spaces, fork of
 * a 64 MiB space, context switches, mprotect, munmap) through classic
 * shadow paging (mmu/) and through shared-pt, in one run. Prints
 * `key: value` lines; the ratios are the point, absolute counts are there
 * to check them. Exits non-zero if the two schemes disagree on where any
 * access lands or on how many operations the workload issued. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/bench/shared-pt/backends.h"

#define SPACES		8
#define SWITCH_ROUNDS	50

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

int main(void)
{
	struct workload_config cfg = { .spaces = SPACES,
				       .switch_rounds = SWITCH_ROUNDS };
	struct workload_result rs, rc;
	struct backend *shared = shared_backend_create();
	struct backend *shadow = shadow_backend_create(16);

	if (!shared || !shadow) {
		fprintf(stderr, "bench: cannot set up the machines\n");
		return 2;
	}
	if (workload_run(shared, &cfg, &rs) || workload_run(shadow, &cfg, &rc)) {
		fprintf(stderr, "bench: workload ran out of guest pages\n");
		return 2;
	}
	if (rs.translation_sum != rc.translation_sum || rs.ops != rc.ops) {
		fprintf(stderr, "bench: the schemes disagree (translations "
			"%#llx vs %#llx, ops %llu vs %llu)\n",
			(unsigned long long)rs.translation_sum,
			(unsigned long long)rc.translation_sum,
			(unsigned long long)rs.ops, (unsigned long long)rc.ops);
		return 1;
	}
	printf("workload: %u address spaces, 64 MiB each in 4 KiB pages, "
	       "%u switch rounds\n", SPACES, SWITCH_ROUNDS);
	printf("workload_ops: %llu\n", (unsigned long long)rs.ops);
	printf("translations_agree: yes\n");
	printf("pt_memory_shared_kib: %llu\n",
	       (unsigned long long)rs.pt_bytes_peak / 1024);
	printf("pt_memory_shadow_kib: %llu\n",
	       (unsigned long long)rc.pt_bytes_peak / 1024);
	printf("pt_memory_shared_vs_shadow: %.4f\n",
	       ratio(rs.pt_bytes_peak, rc.pt_bytes_peak));
	printf("interventions_shared: %llu\n",
	       (unsigned long long)rs.interventions);
	printf("interventions_shadow: %llu\n",
	       (unsigned long long)rc.interventions);
	printf("traps_per_op_shared: %.5f\n", ratio(rs.interventions, rs.ops));
	printf("traps_per_op_shadow: %.5f\n", ratio(rc.interventions, rc.ops));
	printf("traps_per_op_shared_vs_shadow: %.4f\n",
	       ratio(rs.interventions, rc.interventions));
	printf("ctxsw_switches: %llu\n", (unsigned long long)rs.switches);
	printf("ctxsw_work_shared: %.2f\n",
	       ratio(rs.switch_pages, rs.switches));
	shared_backend_destroy(shared);
	shadow_backend_destroy(shadow);
	return 0;
}
