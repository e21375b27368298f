/*
 * make bench-pkscan: what it costs to decide whether a 4 KiB page of code
 * may become executable, measured in one run on the same pages (the
 * hypervisor's own .text, a file given as argument): the byte-offset scan
 * against a naive memcmp-at-every-offset scan; pkscan_page() on those
 * pages (no match in compiled code: the scan is all it does); and the
 * decoder sweep that a page with a match costs on top.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hypervisor/arch/x86/pkscan/pkscan_internal.h"
#include "tests/unit/pkscan/reference.h"

#define PAGE		4096u
#define MAX_PAGES	256
#define ROUNDS		200

static uint8_t pages[MAX_PAGES + 1][PAGE], work[PAGE];
static struct pkscan_match matches[PAGE];
static struct pkscan_result res;
static struct pkscan_map map;
static volatile unsigned int sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whole pages of the file; the last one only serves as the next page. */
static unsigned int load_pages(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned int n = 0;

	if (!f)
		return 0;
	while (n <= MAX_PAGES && fread(pages[n], 1, PAGE, f) == PAGE)
		n++;
	fclose(f);
	return n ? n - 1 : 0;
}

static double time_naive(unsigned int n)
{
	double t = now();
	unsigned int r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < n; i++)
			sink += reference_find(pages[i], pages[i + 1], matches, PAGE);
	return now() - t;
}

static double time_find(unsigned int n)
{
	double t = now();
	unsigned int r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < n; i++)
			sink += pkscan_find(pages[i], pages[i + 1], matches, PAGE);
	return now() - t;
}

static double time_page(unsigned int n, unsigned int *refused)
{
	double t = now();
	unsigned int r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < n; i++) {
			memcpy(work, pages[i], PAGE);
			if (pkscan_page(work, pages[i + 1], NULL, 0, 64, &res) != 0 && r == 0)
				(*refused)++;
		}
	}
	return now() - t;
}

static double time_sweep(unsigned int n)
{
	const uint16_t zero = 0;
	double t = now();
	unsigned int r, i;

	for (r = 0; r < ROUNDS / 10; r++) {
		for (i = 0; i < n; i++) {
			const struct pkscan_bytes b = { .page = pages[i], .next = pages[i + 1] };

			sink += (unsigned int)pkscan_sweep(&map, &b, &zero, 1, 64);
		}
	}
	return (now() - t) * 10;
}

int main(int argc, char **argv)
{
	unsigned int n = argc == 2 ? load_pages(argv[1]) : 0, refused = 0;
	double naive, find, page, sweep, per;

	if (n < 2) {
		fprintf(stderr, "usage: bench_pkscan TEXT.bin (at least 3 pages of code)\n");
		return 1;
	}
	time_find(n);	/* warm up caches */
	naive = time_naive(n);
	find = time_find(n);
	page = time_page(n, &refused);
	sweep = time_sweep(n);
	per = 1e9 / ((double)n * ROUNDS);
	printf("pkscan_pages: %u\n", n);
	printf("pkscan_pages_refused: %u\n", refused);
	printf("pkscan_naive_scan_ns_per_page: %.0f\n", naive * per);
	printf("pkscan_find_ns_per_page: %.0f\n", find * per);
	printf("pkscan_page_ns_per_page: %.0f\n", page * per);
	printf("pkscan_find_vs_naive_scan: %.3f\n", find / naive);
	printf("pkscan_page_vs_naive_scan: %.3f\n", page / naive);
	printf("pkscan_sweep_ns_per_page: %.0f\n", sweep * per);
	printf("pkscan_sweep_vs_naive_scan: %.3f\n", sweep / naive);
	return 0;
}
