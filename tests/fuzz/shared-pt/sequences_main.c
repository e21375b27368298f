/* The fuzz target's sequence model as a plain test for `make check`:
 * a fixed number of inputs from a seeded generator, so every run checks
 * the same thousands of operation sequences without libFuzzer. Any
 * violation aborts inside the target (and the suite fails). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern struct spt_fuzz_totals {
	unsigned long validations, entry_updates, refusals, flushes;
	unsigned long shadow_peak;
	unsigned long machine_mode_inputs;
} spt_fuzz_totals;

static uint64_t rng_state = 0x5eed5eed12345678ULL;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

int main(int argc, char **argv)
{
	unsigned long inputs = argc > 1 ? strtoul(argv[1], NULL, 0) : 3000;
	uint8_t buf[512];
	unsigned long i;
	size_t len, j;

	for (i = 0; i < inputs; i++) {
		len = 16 + rng() % (sizeof(buf) - 16);
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rng();
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("tables validated %lu, entries updated %lu, refusals %lu, "
	       "sync flushes %lu, most shadow pages at once %lu, "
	       "machine-directory inputs %lu\n",
	       spt_fuzz_totals.validations, spt_fuzz_totals.entry_updates,
	       spt_fuzz_totals.refusals, spt_fuzz_totals.flushes,
	       spt_fuzz_totals.shadow_peak,
	       spt_fuzz_totals.machine_mode_inputs);
	if (inputs > 100 && (spt_fuzz_totals.machine_mode_inputs < inputs / 4 ||
			     spt_fuzz_totals.machine_mode_inputs > inputs * 3 / 4)) {
		printf("FAIL: shared-pt random operation sequences: one "
		       "directory mode barely exercised\n");
		return 1;
	}
	printf("PASS: shared-pt random operation sequences (%lu inputs)\n",
	       inputs);
	return 0;
}
