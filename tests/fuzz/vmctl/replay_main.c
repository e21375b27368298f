/*
 * The config fuzzer as a plain suite for `make check`: every file named
 * on the command line, or else the seeds and the shipped guest configs
 * (run from the repository's root, as suites are), then a fixed
 * number of seeded mutations of them (bytes flipped, inserted, cut and
 * spliced), so each run checks the same inputs without libFuzzer. A
 * violation aborts inside the target and fails the suite.
 */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS	64
#define MAX_LEN		8192

static uint64_t rng_state = 0x636f6e6669677321ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t read_seed(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, MAX_LEN / 2, f);
	fclose(f);
	return n;
}

/* Interesting bytes for this grammar. */
static uint8_t pick_byte(void)
{
	static const char special[] = "=\"'[],;#\n\\x0-^ \t\r\0";

	return rng() % 3 ? (uint8_t)special[rng() % (sizeof(special) - 1)] :
			   (uint8_t)rng();
}

static size_t mutate(uint8_t *buf, size_t len, const uint8_t *other,
		     size_t olen)
{
	unsigned int i, n = 1 + rng() % 8;
	size_t at, cut;

	for (i = 0; i < n; i++) {
		at = len ? rng() % len : 0;
		switch (rng() % 4) {
		case 0:
			if (len)
				buf[at] = pick_byte();
			break;
		case 1:
			if (len + 1 < MAX_LEN) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = pick_byte();
				len++;
			}
			break;
		case 2:
			cut = len - at ? rng() % (len - at) : 0;
			memmove(buf + at, buf + at + cut, len - at - cut);
			len -= cut;
			break;
		default:
			cut = olen ? rng() % olen : 0;
			if (at + olen - cut < MAX_LEN) {
				memcpy(buf + at, other + cut, olen - cut);
				len = at + olen - cut;
			}
		}
	}
	return len;
}

/* Without arguments: the seeds and the configs dom0 ships. */
static int default_seeds(uint8_t seeds[][MAX_LEN], size_t *lens)
{
	glob_t g;
	size_t i;
	int nr = 0;

	if (glob("tests/fuzz/vmctl/seeds/*", 0, NULL, &g))
		return 0;
	glob("dom0/guests/*.cfg", GLOB_APPEND, NULL, &g);
	for (i = 0; i < g.gl_pathc && nr < MAX_SEEDS; i++, nr++) {
		lens[nr] = read_seed(g.gl_pathv[i], seeds[nr]);
		LLVMFuzzerTestOneInput(seeds[nr], lens[nr]);
	}
	globfree(&g);
	return nr;
}

int main(int argc, char **argv)
{
	static uint8_t seeds[MAX_SEEDS][MAX_LEN], buf[MAX_LEN];
	unsigned long inputs = 20000, i;
	size_t lens[MAX_SEEDS], len;
	int nr = 0, a, s, t;

	for (a = 1; a < argc && nr < MAX_SEEDS; a++) {
		if (!strncmp(argv[a], "-n", 2)) {
			inputs = strtoul(argv[a] + 2, NULL, 0);
			continue;
		}
		lens[nr] = read_seed(argv[a], seeds[nr]);
		LLVMFuzzerTestOneInput(seeds[nr], lens[nr]);
		nr++;
	}
	if (!nr)
		nr = default_seeds(seeds, lens);
	if (!nr) {
		fprintf(stderr, "usage: %s [-nINPUTS] SEED...\n", argv[0]);
		return 1;
	}
	for (i = 0; i < inputs; i++) {
		s = rng() % nr;
		t = rng() % nr;
		memcpy(buf, seeds[s], lens[s]);
		len = mutate(buf, lens[s], seeds[t], lens[t]);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("PASS: vmctl config parser survives %d seeds and %lu mutations\n",
	       nr, inputs);
	return 0;
}
