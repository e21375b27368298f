/* libFuzzer target for the shadow engine: the input bytes drive the same
 * operation-sequence model as the differential unit test (map, unmap,
 * protect, raw page-table writes, CR3 switches, INVLPG, paging-mode and
 * p2m changes, accesses of every kind), and any disagreement between the
 * shadow and the guest tables plus the p2m, any audit failure or any
 * leaked page aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/mmu/shadow_model.h"

#define MAX_STEPS 400

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model *m;

	if (!m && !(m = model_create()))
		abort();
	if (model_run(m, 0, data, size, MAX_STEPS)) {
		fprintf(stderr, "shadow engine disagrees with the model: %s\n", model_error(m));
		abort();
	}
	return 0;
}
