/*
 * The batch loop (batch_run.h). What one interval keeps for the next:
 * the two samples' buffers, the rows, the order the rows were printed
 * in and each domain's line, so that in a steady state a refresh
 * allocates nothing, sorts rows that are already in order, and formats
 * only the domains whose numbers changed.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "batch_run.h"
#include "rates.h"
#include "sort.h"
#include "term.h"

/*
 * What a refresh costs (--stats): its CPU time, read before and after it
 * (CLOCK_PROCESS_CPUTIME_ID is a system call, and under TCG the first one
 * after the management call's world switch costs tens of microseconds),
 * and its steps by CLOCK_MONOTONIC, which the vDSO reads without one. A
 * step's time is then wall time, which within a refresh of a process that
 * does not sleep is its CPU time plus what interrupts took. Without
 * --stats no clock is read for this.
 */
enum { COST_READ, COST_RATES, COST_SORT, COST_OUT, COST_ALL, COST_NR };
static const char *const cost_names[COST_NR] = { "read", "rates", "sort", "output", "refresh" };

#define COST_KEEP	4096	/* refreshes whose costs are kept for medians */

struct cost {
	bool on;			/* --stats */
	uint64_t sum[COST_NR];
	uint32_t *each[COST_NR];	/* per refresh, the first COST_KEEP */
	long n;				/* the refresh being measured; -1: priming */
	long faults_first, faults;	/* page faults: the first refresh's, all */
	uint64_t prime_us;		/* priming's CPU time */
	unsigned long prime_calls;	/* and its management calls */
	long prime_faults;
};

struct state {
	struct vmtop_sample prev, cur;
	struct vmtop_row *rows;		/* by domid */
	const struct vmtop_row **view;	/* in the order printed */
	uint32_t *order;		/* the domids printed last, in order */
	uint64_t *sorted_seq;		/* rows[i].seq when last sorted, by index */
	unsigned int nr_sorted;
	unsigned int room, nr_order;
	unsigned int nr_rows;		/* rows made of prev (kept rows) */
	struct vmtop_batch out;
	struct cost cost;
};

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

/* The steps' clock (see above): microseconds, 0 without --stats. */
static uint64_t step_us(const struct cost *c)
{
	return c->on ? vmtop_now_ns() / 1000u : 0;
}

/* Account the time since `since` (now: the time read for it) to a step. */
static void cost_put(struct cost *c, int step, uint64_t since, uint64_t now)
{
	uint64_t d = now - since;

	if (!c->on || c->n < 0)
		return;
	c->sum[step] += d;
	if (c->each[step] && c->n < COST_KEEP)
		c->each[step][c->n] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* Account the step's time since `since`; returns the time now. */
static uint64_t cost_add(struct cost *c, int step, uint64_t since)
{
	uint64_t now = step_us(c);

	cost_put(c, step, since, now);
	return now;
}

/* Page faults this process took so far (a fresh page is zeroed by the
 * kernel: under TCG that costs as much as a management call). */
static long faults_now(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_minflt + ru.ru_majflt;
}

static void grow(struct state *s, unsigned int nr)
{
	if (nr <= s->room)
		return;
	s->rows = realloc(s->rows, nr * sizeof(*s->rows));
	s->view = realloc(s->view, nr * sizeof(*s->view));
	s->order = realloc(s->order, nr * sizeof(*s->order));
	s->sorted_seq = realloc(s->sorted_seq, nr * sizeof(*s->sorted_seq));
	if (!s->rows || !s->view || !s->order || !s->sorted_seq)
		err(1, "out of memory");
	s->room = nr;
}

/* r was sorted last time as it is: a row kept since (rates.h's seq), at
 * its index of rows[] then. */
static bool sorted_as_is(const struct vmtop_row *r, void *arg)
{
	const struct state *s = arg;
	size_t i = (size_t)(r - s->rows);

	return r->seq && i < s->nr_sorted && s->sorted_seq[i] == r->seq;
}

/* xentop -b orders by name: in the last order, sorted again (rows kept
 * since are not compared with each other). */
static void arrange(struct state *s, unsigned int nr)
{
	unsigned int i;

	vmtop_order_keep(s->view, s->rows, nr, s->order, s->nr_order);
	vmtop_sort_ptrs_same(s->view, nr, VMTOP_COL_NAME, false, sorted_as_is, s);
	for (i = 0; i < nr; i++) {
		s->order[i] = s->view[i]->domid;
		s->sorted_seq[i] = s->rows[i].seq;
	}
	s->nr_order = s->nr_sorted = nr;
}

static void print(struct state *s, const struct vmtop_batch_opts *o,
		  const struct vmtop_summary *sum, unsigned int nr, bool show)
{
	if (!show) {
		/* Priming: the lines kept, nothing written but what stdio may
		 * hold already (its first flush costs a process 0.3-0.8 ms
		 * under TCG, the first interval's otherwise). */
		if (!o->json && vmtop_batch_lines(&s->out, NULL, s->view, nr, VMTOP_COLS_DEFAULT))
			errx(1, "out of memory");
		fflush(stdout);
		/* And the write(2) path, with nothing to write. */
		if (!o->json && write(fileno(stdout), s->out.out, 0) < 0)
			clearerr(stdout);
		return;
	}
	if (o->json) {
		/* Not the monitor's hot path: rows copied in order. */
		struct vmtop_row *sorted = malloc((nr ? nr : 1) * sizeof(*sorted));
		unsigned int i;

		if (!sorted)
			err(1, "out of memory");
		for (i = 0; i < nr; i++)
			sorted[i] = *s->view[i];
		vmtop_batch_json(stdout, sum, sorted, nr);
		free(sorted);
	} else if (vmtop_batch_lines(&s->out, stdout, s->view, nr, VMTOP_COLS_DEFAULT)) {
		errx(1, "out of memory");
	}
	fflush(stdout);
}

/* One interval; printed when `show`. */
static int once(struct vmctl *h, const struct vmtop_batch_opts *o, struct state *s, bool show)
{
	struct vmtop_summary sum;
	unsigned int nr;
	uint64_t t = step_us(&s->cost);
	int rc;

	rc = vmtop_sample_take(h, &s->cur, vmtop_now_ns());
	t = cost_add(&s->cost, COST_READ, t);
	if (rc < 0) {
		warnx("reading the domains: %s", vmctl_last_error());
		return 1;
	}
	grow(s, s->cur.snap.nr);
	nr = vmtop_rates_kept(&s->prev, &s->cur, s->rows, s->nr_rows);
	s->nr_rows = nr;
	vmtop_summarize(&s->prev, &s->cur, s->rows, nr, &sum);
	t = cost_add(&s->cost, COST_RATES, t);
	arrange(s, nr);
	t = cost_add(&s->cost, COST_SORT, t);
	print(s, o, &sum, nr, show);
	cost_add(&s->cost, COST_OUT, t);
	vmtop_sample_shift(&s->prev, &s->cur);
	return 0;
}

/*
 * Like top, prime the pump before the first interval: a refresh that
 * prints nothing, another 20 ms later (long enough for dom0's counters
 * to move, so that the rates' arithmetic and a changed line's
 * formatting run there too, not first in the first interval), then a
 * short wait (top waits half a second). The first interval printed has rates then, over that
 * wait, where it would have none; and every refresh shown finds its
 * buffers sized and faulted in (both samples') and each domain's line
 * formatted. What a process pays once (its page faults, the dynamic
 * linker's binding, and under emulation the translation of code run for
 * the first time) is paid here, before anything is shown; --stats gives
 * it apart (vmtop_startup_cpu_us).
 */
#define PRIME_MS	500
#define PRIME_GAP_MS	20

static int prime(struct vmctl *h, const struct vmtop_batch_opts *o, struct state *s)
{
	unsigned long calls = vmctl_calls(h);
	long f = faults_now();
	unsigned int wait = o->delay_ms < PRIME_MS ? o->delay_ms : PRIME_MS;
	unsigned int gap = wait / 2 < PRIME_GAP_MS ? wait / 2 : PRIME_GAP_MS;
	uint64_t t = cpu_us();
	int i, rc = 0;

	s->cost.n = -1;
	for (i = 0; i < 2 && !rc; i++) {
		if (i)
			sleep_ms(gap);	/* asleep: no CPU time */
		rc = once(h, o, s, false);
	}
	s->cost.prime_us = cpu_us() - t;
	s->cost.prime_calls = vmctl_calls(h) - calls;
	s->cost.prime_faults = faults_now() - f;
	if (!rc)
		sleep_ms(wait - gap);
	return rc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The median of the kept costs of a step (sorts them: [0] is then the
 * cheapest). */
static double cost_median(struct cost *c, int step, long n)
{
	uint32_t *v = c->each[step];

	if (!v || !n)
		return 0;
	if (n > COST_KEEP)
		n = COST_KEEP;
	qsort(v, (size_t)n, sizeof(*v), cmp_u32);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* What --stats prints: the cost of one refresh, averaged, the first
 * one's, and the medians. */
static void print_stats(long refreshes, unsigned long calls, struct state *s)
{
	struct cost *c = &s->cost;
	double n = (double)refreshes;
	int i;

	if (!refreshes)
		return;
	fprintf(stderr, "vmtop_refreshes: %ld\n", refreshes);
	/* Before the first interval, not counted in the refreshes' figures. */
	fprintf(stderr, "vmtop_startup_cpu_us: %llu\n", (unsigned long long)c->prime_us);
	fprintf(stderr, "vmtop_startup_calls: %lu\n", c->prime_calls);
	fprintf(stderr, "vmtop_startup_faults: %ld\n", c->prime_faults);
	fprintf(stderr, "vmtop_domains: %u\n", s->prev.snap.nr);
	fprintf(stderr, "vmtop_calls_per_refresh: %.2f\n", (double)calls / n);
	fprintf(stderr, "vmtop_refresh_cpu_us: %.1f\n", (double)c->sum[COST_ALL] / n);
	/* Of which reading Umbra (the library, the driver, the hypercall),
	 * rates, sorting and output (formatting and writing): by the steps'
	 * clock (wall time; named _cpu_us as before, see struct cost). */
	for (i = 0; i < COST_ALL; i++)
		fprintf(stderr, "vmtop_%s_cpu_us: %.1f\n", cost_names[i], (double)c->sum[i] / n);
	/* The first refresh faults its buffers in, binds library calls and
	 * formats every line. The medians are what a refresh costs when the
	 * machine's other work (the CPU time counts what the host took from
	 * the emulated CPU) does not get in. */
	for (i = 0; i < COST_NR && c->each[i]; i++)
		fprintf(stderr, "vmtop_first_%s_cpu_us: %u\n", cost_names[i], c->each[i][0]);
	for (i = 0; i < COST_NR; i++)
		fprintf(stderr, "vmtop_median_%s_cpu_us: %.1f\n", cost_names[i],
			cost_median(c, i, refreshes));
	/* The host's interference only adds: the cheapest is the floor. */
	for (i = 0; i < COST_NR && c->each[i]; i++)
		fprintf(stderr, "vmtop_min_%s_cpu_us: %u\n", cost_names[i], c->each[i][0]);
	fprintf(stderr, "vmtop_first_refresh_faults: %ld\n", c->faults_first);
	fprintf(stderr, "vmtop_faults_per_refresh: %.2f\n", (double)c->faults / n);
	fprintf(stderr, "vmtop_lines_formatted: %lu\n", s->out.lines.formatted);
	fprintf(stderr, "vmtop_lines_reused: %lu\n", s->out.lines.reused);
}

static void state_free(struct state *s)
{
	int i;

	vmtop_sample_free(&s->prev);
	vmtop_sample_free(&s->cur);
	vmtop_batch_free(&s->out);
	free(s->rows);
	free(s->view);
	free(s->order);
	free(s->sorted_seq);
	for (i = 0; i < COST_NR; i++)
		free(s->cost.each[i]);
}

int vmtop_batch_run(struct vmctl *h, const struct vmtop_batch_opts *o)
{
	struct state s;
	unsigned long calls0;
	long i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.cost.on = o->stats;
	for (i = 0; o->stats && i < COST_NR; i++)
		s.cost.each[i] = calloc(COST_KEEP, sizeof(uint32_t));
	vmtop_term_signals();
	rc = prime(h, o, &s);
	calls0 = vmctl_calls(h);
	for (i = 0; !rc && (!o->iterations || i < o->iterations); i++) {
		uint64_t t = 0;
		long f = 0;

		if (i)
			sleep_ms(o->delay_ms);
		if (vmtop_stop_signal)
			break;
		s.cost.n = i;
		if (o->stats) {
			f = faults_now();
			t = cpu_us();
		}
		rc = once(h, o, &s, true);
		if (o->stats) {
			cost_put(&s.cost, COST_ALL, t, cpu_us());
			f = faults_now() - f;
		}
		s.cost.faults += f;
		if (!i)
			s.cost.faults_first = f;
		if (rc)
			break;
	}
	if (o->stats)
		print_stats(i, vmctl_calls(h) - calls0, &s);
	state_free(&s);
	return rc;
}
