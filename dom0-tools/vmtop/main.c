/*
 * vmtop: Umbra's domains, live (ncurses, like xentop) or in batch mode
 * (xentop's batch layout, or JSON), read through libvmctl.
 *
 *   vmtop [-d SEC] [-b [-i N] [--json]]
 */
#include <err.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "rates.h"
#include "sort.h"
#include "term.h"
#include "ui.h"

struct options {
	unsigned int delay_ms;
	bool batch;
	bool json;
	long iterations;	/* 0: for ever */
	bool stats;		/* cost per refresh on stderr at the end */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmtop [-d SECONDS] [-b [-i N] [--json]]\n"
		"Shows Umbra's domains, refreshed every few seconds (like xentop).\n\n"
		"  -d, --delay=SECONDS   time between refreshes (default 3; 0.1 to 3600)\n"
		"  -b, --batch           print lines instead of a screen (xentop -b's layout)\n"
		"  -i, --iterations=N    in batch mode, stop after N intervals\n"
		"      --json            in batch mode, one JSON object per interval\n"
		"      --stats           in batch mode, print the cost of a refresh at the end\n"
		"  -h, --help            this text\n"
		"  -V, --version         vmtop's version\n"
		"Press h on the screen for its keys. See vmtop(1).\n");
}

static unsigned int parse_delay(const char *s)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end || !(d >= 0.1 && d <= 3600))
		errx(1, "-d %s: give seconds from 0.1 to 3600", s);
	return (unsigned int)(d * 1000 + 0.5);
}

static long parse_iterations(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || *end || n < 1)
		errx(1, "-i %s: give a number of intervals, 1 or more", s);
	return n;
}

static void parse(int argc, char **argv, struct options *o)
{
	static const struct option lopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:bi:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->delay_ms = parse_delay(optarg);
			break;
		case 'b':
			o->batch = true;
			break;
		case 'i':
			o->iterations = parse_iterations(optarg);
			break;
		case 'j':
			o->json = o->batch = true;
			break;
		case 's':
			o->stats = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("vmtop 1.0 (management interface %#x)\n",
			       UMBRA_MGMT_INTERFACE_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind < argc)
		errx(1, "unexpected argument '%s' (see vmtop --help)", argv[optind]);
	if ((o->iterations || o->stats) && !o->batch)
		errx(1, "-i and --stats are for batch mode (-b)");
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	/* A stop signal cuts it short (no SA_RESTART). */
	nanosleep(&ts, NULL);
}

/* This process's CPU time (user and system: the management calls run in
 * the driver and the hypervisor on its behalf), in microseconds. */
static uint64_t cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One interval; *read_us grows by the CPU time of reading Umbra. */
static int batch_once(struct vmctl *h, const struct options *o, struct vmtop_sample *prev,
		      struct vmtop_sample *cur, uint64_t *read_us)
{
	struct vmtop_summary sum;
	struct vmtop_row *rows;
	unsigned int nr;
	int rc;

	*read_us -= cpu_us();
	rc = vmtop_sample_take(h, cur, vmtop_now_ns());
	*read_us += cpu_us();
	if (rc < 0) {
		warnx("reading the domains: %s", vmctl_last_error());
		return 1;
	}
	rows = calloc(cur->nr_doms ? cur->nr_doms : 1, sizeof(*rows));
	if (!rows)
		err(1, "out of memory");
	nr = vmtop_rates(prev, cur, rows);
	vmtop_summarize(prev, cur, rows, nr, &sum);
	/* xentop -b orders by name. */
	vmtop_sort(rows, nr, VMTOP_COL_NAME, false);
	if (o->json) {
		vmtop_batch_json(stdout, &sum, rows, nr);
	} else {
		vmtop_batch_text(stdout, rows, nr, VMTOP_COLS_DEFAULT);
	}
	free(rows);
	fflush(stdout);
	vmtop_sample_shift(prev, cur);
	return 0;
}

/* What --stats prints: the cost of one refresh, averaged. */
static void print_stats(long refreshes, unsigned long calls, uint64_t us,
			uint64_t read_us, unsigned int domains)
{
	if (!refreshes)
		return;
	fprintf(stderr, "vmtop_refreshes: %ld\n", refreshes);
	fprintf(stderr, "vmtop_domains: %u\n", domains);
	fprintf(stderr, "vmtop_calls_per_refresh: %.2f\n", (double)calls / refreshes);
	fprintf(stderr, "vmtop_refresh_cpu_us: %.1f\n", (double)us / refreshes);
	/* Of which reading Umbra (the library, the driver, the hypercall);
	 * the rest is rates, sorting and output. */
	fprintf(stderr, "vmtop_read_cpu_us: %.1f\n", (double)read_us / refreshes);
}

static int batch(struct vmctl *h, const struct options *o)
{
	struct vmtop_sample prev = { 0 }, cur = { 0 };
	unsigned long calls0 = vmctl_calls(h);
	uint64_t busy_us = 0, read_us = 0;
	long i;
	int rc = 0;

	vmtop_term_signals();
	for (i = 0; !o->iterations || i < o->iterations; i++) {
		if (i)
			sleep_ms(o->delay_ms);
		if (vmtop_stop_signal)
			break;
		busy_us -= cpu_us();
		rc = batch_once(h, o, &prev, &cur, &read_us);
		busy_us += cpu_us();
		if (rc)
			break;
	}
	if (o->stats)
		print_stats(i, vmctl_calls(h) - calls0, busy_us, read_us, prev.nr_doms);
	vmtop_sample_free(&prev);
	return rc;
}

/*
 * Every refresh allocates and frees the same sizes (a sample of about
 * 1 KiB per domain, the rows): keep what is freed in the heap, neither
 * given back to the kernel nor mmap()ed afresh, so a refresh does not
 * fault its buffers in again — under TCG those page faults cost more
 * than the management call.
 */
static void keep_heap(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
}

int main(int argc, char **argv)
{
	struct options o = { .delay_ms = 3000 };
	struct vmctl *h;
	int rc;

	keep_heap();
	parse(argc, argv, &o);
	rc = vmctl_open(&h);
	if (rc < 0)
		errx(1, "%s", vmctl_last_error());
	if (o.batch)
		rc = batch(h, &o);
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		errx(1, "the screen needs a terminal; use -b for batch output");
	else
		rc = vmtop_ui_run(h, o.delay_ms);
	vmctl_close(h);
	return rc;
}
