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
#include <unistd.h>

#include "batch_run.h"
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

/*
 * A refresh keeps its buffers (the samples', the rows', the lines');
 * what is freed (the screen's and JSON's passing allocations) stays in
 * the heap, neither given back to the kernel nor mmap()ed afresh, so a
 * refresh does not fault buffers in again: under TCG those page faults
 * cost more than the management call.
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
	if (o.batch) {
		struct vmtop_batch_opts b = {
			.delay_ms = o.delay_ms, .iterations = o.iterations,
			.json = o.json, .stats = o.stats,
		};

		rc = vmtop_batch_run(h, &b);
	}
	else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		errx(1, "the screen needs a terminal; use -b for batch output");
	else
		rc = vmtop_ui_run(h, o.delay_ms);
	vmctl_close(h);
	return rc;
}
