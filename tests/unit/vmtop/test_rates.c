/*
 * Rates from recorded pairs of samples: CPU% bounds, counters going
 * backwards, domains appearing and vanishing, a domid reused, a zero
 * interval; and the summary (states, memory, per-pCPU load).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/vmtop/rates.h"

#define SEC	1000000000ull
#define MAXD	8

/* A record as Umbra writes it, with room for every vCPU. */
struct dom_rec {
	struct umbra_domain_snapshot d;
	struct umbra_vcpu_info vcpus[UMBRA_MAX_VCPUS];
};

struct rec {
	struct vmtop_sample s;
	struct dom_rec d[MAXD];
	const struct umbra_domain_snapshot *index[MAXD];
};

static void rec_init(struct rec *r, uint64_t t_ns)
{
	memset(r, 0, sizeof(*r));
	r->s.t_ns = t_ns;
	r->s.snap.phys.nr_cpus = 2;
	r->s.snap.phys.cpus_online = 3;
	r->s.snap.phys.total_bytes = 1024ull << 20;
	r->s.snap.phys.free_bytes = 512ull << 20;
	r->s.snap.dom = r->index;
}

/* A domain with one vCPU per `vcpus`, its time all on vCPU 0. */
static struct umbra_domain_snapshot *rec_dom(struct rec *r, uint32_t domid, const char *name,
					     uint32_t vcpus, uint64_t cpu_ns, uint64_t exits,
					     uint64_t hcalls, uint64_t pttraps)
{
	struct umbra_domain_snapshot *d = &r->d[r->s.snap.nr].d;

	r->index[r->s.snap.nr++] = d;
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->nr_vcpus = vcpus;
	d->cpu_time_ns = cpu_ns;
	d->mem_bytes = 128ull << 20;
	d->pool_bytes = 2ull << 20;
	d->vcpu[0].cpu_time_ns = cpu_ns;
	d->vcpu[0].pcpu = 1;
	d->exits_total = exits;
	d->hypercalls_total = hcalls;
	d->pt_traps = pttraps;
	d->paging_bytes = 8192;
	return d;
}

static struct rec a, b, c;
static struct vmtop_row rows[MAXD];

static void steady_rates(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 12 * SEC);		/* 2 s later */
	rec_dom(&a, 1, "web", 2, 1 * SEC, 1000, 100, 10);
	rec_dom(&b, 1, "web", 2, 2 * SEC, 5000, 300, 50);
	assert_int_equal(vmtop_rates(&a.s, &b.s, rows), 1);
	assert_true(rows[0].has_rates);
	assert_float_equal(rows[0].cpu_pct, 50.0, 1e-9);	/* 1 s in 2 s */
	assert_float_equal(rows[0].exits_ps, 2000.0, 1e-9);
	assert_float_equal(rows[0].hcalls_ps, 100.0, 1e-9);
	assert_float_equal(rows[0].pttraps_ps, 20.0, 1e-9);
	assert_float_equal(rows[0].mem_pct, 12.5, 1e-9);
	assert_int_equal(rows[0].hcalls_total, 300);
	assert_int_equal(rows[0].paging_bytes, 8192);
}

static void first_sample_has_no_rates(void **state)
{
	(void)state;
	rec_init(&b, 12 * SEC);
	rec_dom(&b, 1, "web", 1, 5 * SEC, 5000, 300, 50);
	assert_int_equal(vmtop_rates(NULL, &b.s, rows), 1);
	assert_false(rows[0].has_rates);
	assert_float_equal(rows[0].cpu_pct, 0.0, 0);
	assert_float_equal(rows[0].exits_ps, 0.0, 0);
}

static void cpu_pct_is_bounded_by_vcpus(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 11 * SEC);
	/* 5 s of CPU in 1 s with 2 vCPUs: a clock glitch; at most 200%. */
	rec_dom(&a, 1, "busy", 2, 1 * SEC, 0, 0, 0);
	rec_dom(&b, 1, "busy", 2, 6 * SEC, 0, 0, 0);
	rec_dom(&a, 2, "one", 1, 0, 0, 0, 0);
	rec_dom(&b, 2, "one", 1, 3 * SEC, 0, 0, 0);
	rec_dom(&a, 3, "zero-vcpus", 0, 0, 0, 0, 0);
	rec_dom(&b, 3, "zero-vcpus", 0, 3 * SEC, 0, 0, 0);
	vmtop_rates(&a.s, &b.s, rows);
	assert_float_equal(rows[0].cpu_pct, 200.0, 0);
	assert_float_equal(rows[1].cpu_pct, 100.0, 0);
	assert_float_equal(rows[2].cpu_pct, 100.0, 0);
}

/* A counter that went backwards means another domain: no rates, never
 * a negative or huge (wrapped) number. */
static void counters_backwards(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 11 * SEC);
	rec_dom(&a, 1, "cpu-back", 1, 5 * SEC, 100, 100, 100);
	rec_dom(&b, 1, "cpu-back", 1, 4 * SEC, 200, 200, 200);
	rec_dom(&a, 2, "exits-back", 1, 1 * SEC, UINT64_MAX - 5, 100, 100);
	rec_dom(&b, 2, "exits-back", 1, 2 * SEC, 10, 200, 200);
	rec_dom(&a, 3, "traps-back", 1, 1 * SEC, 100, 100, 100);
	rec_dom(&b, 3, "traps-back", 1, 2 * SEC, 200, 200, 99);
	vmtop_rates(&a.s, &b.s, rows);
	for (int i = 0; i < 3; i++) {
		assert_false(rows[i].has_rates);
		assert_true(rows[i].cpu_pct == 0.0 && rows[i].exits_ps == 0.0 &&
			    rows[i].hcalls_ps == 0.0 && rows[i].pttraps_ps == 0.0);
	}
	assert_float_equal(vmtop_rate(10, 5, SEC), 0.0, 0);
	assert_float_equal(vmtop_rate(UINT64_MAX - 1, UINT64_MAX, SEC), 1.0, 0);
}

static void appearing_and_vanishing(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 11 * SEC);
	rec_dom(&a, 1, "stays", 1, 1 * SEC, 0, 0, 0);
	rec_dom(&a, 2, "vanishes", 1, 1 * SEC, 0, 0, 0);
	rec_dom(&b, 1, "stays", 1, 1 * SEC + SEC / 4, 0, 0, 0);
	rec_dom(&b, 3, "appears", 1, 7 * SEC, 70, 7, 7);
	assert_int_equal(vmtop_rates(&a.s, &b.s, rows), 2);
	assert_int_equal(rows[0].domid, 1);
	assert_true(rows[0].has_rates);
	assert_float_equal(rows[0].cpu_pct, 25.0, 1e-9);
	assert_int_equal(rows[1].domid, 3);
	assert_false(rows[1].has_rates);
	assert_float_equal(rows[1].cpu_pct, 0.0, 0);
}

static void domid_reused(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 11 * SEC);
	/* Same id, another domain with counters that happen to be higher. */
	rec_dom(&a, 4, "old", 1, 1 * SEC, 10, 10, 10);
	rec_dom(&b, 4, "new", 1, 2 * SEC, 20, 20, 20);
	vmtop_rates(&a.s, &b.s, rows);
	assert_false(rows[0].has_rates);
	assert_float_equal(rows[0].cpu_pct, 0.0, 0);
	assert_string_equal(rows[0].name, "new");
}

static void zero_interval(void **state)
{
	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 10 * SEC);
	rec_dom(&a, 1, "x", 1, 1 * SEC, 10, 10, 10);
	rec_dom(&b, 1, "x", 1, 2 * SEC, 20, 20, 20);
	vmtop_rates(&a.s, &b.s, rows);
	assert_float_equal(rows[0].cpu_pct, 0.0, 0);
	assert_float_equal(rows[0].exits_ps, 0.0, 0);
	/* Time going backwards is no interval either. */
	b.s.t_ns = 9 * SEC;
	vmtop_rates(&a.s, &b.s, rows);
	assert_float_equal(rows[0].cpu_pct, 0.0, 0);
	assert_float_equal(vmtop_rate(1, 2, 0), 0.0, 0);
}

static void summary(void **state)
{
	struct vmtop_summary s;
	struct umbra_domain_snapshot *d;
	unsigned int n;

	(void)state;
	rec_init(&a, 10 * SEC);
	rec_init(&b, 14 * SEC);
	rec_dom(&a, 0, "Domain-0", 1, 0, 0, 0, 0)->vcpu[0].pcpu = 0;
	d = rec_dom(&b, 0, "Domain-0", 1, 1 * SEC, 0, 0, 0);
	d->vcpu[0].pcpu = 0;
	rec_dom(&a, 1, "run", 1, 0, 0, 0, 0);
	d = rec_dom(&b, 1, "run", 1, 2 * SEC, 0, 0, 0);
	d->state = UMBRA_DOMSTATE_RUNNING;
	/* Not running now, pinned to pCPU 1: its time goes there. */
	d->vcpu[0].pcpu = -1;
	d->vcpu[0].affinity = 2;
	d = rec_dom(&b, 2, "p", 1, 0, 0, 0, 0);
	d->state = UMBRA_DOMSTATE_PAUSED;
	d = rec_dom(&b, 3, "c", 1, 0, 0, 0, 0);
	d->state = UMBRA_DOMSTATE_CRASHED;
	n = vmtop_rates(&a.s, &b.s, rows);
	vmtop_summarize(&a.s, &b.s, rows, n, &s);
	assert_int_equal(s.nr_doms, 4);
	assert_int_equal(s.by_state[UMBRA_DOMSTATE_RUNNING], 2);
	assert_int_equal(s.by_state[UMBRA_DOMSTATE_PAUSED], 1);
	assert_int_equal(s.by_state[UMBRA_DOMSTATE_CRASHED], 1);
	assert_int_equal(s.reserved_bytes, 8ull << 20);
	assert_int_equal(s.total_bytes, 1024ull << 20);
	assert_float_equal(s.interval_s, 4.0, 1e-9);
	assert_float_equal(s.cpu_load[0], 25.0, 1e-9);
	assert_float_equal(s.cpu_load[1], 50.0, 1e-9);
	assert_float_equal(s.load_total, 37.5, 1e-9);
	/* The first sample: no interval, no load. */
	vmtop_summarize(NULL, &b.s, rows, n, &s);
	assert_float_equal(s.interval_s, 0.0, 0);
	assert_float_equal(s.load_total, 0.0, 0);
}

/* Two rows show the same: every field but seq, and the vCPUs' records. */
static void assert_same_row(const struct vmtop_row *x, const struct vmtop_row *y)
{
	assert_int_equal(x->domid, y->domid);
	assert_string_equal(x->name, y->name);
	assert_int_equal(x->state, y->state);
	assert_int_equal(x->shutdown_reason, y->shutdown_reason);
	assert_int_equal(x->flags, y->flags);
	assert_int_equal(x->type, y->type);
	assert_int_equal(x->paging, y->paging);
	assert_int_equal(x->mem_bytes, y->mem_bytes);
	assert_int_equal(x->pool_bytes, y->pool_bytes);
	assert_int_equal(x->cpu_time_ns, y->cpu_time_ns);
	assert_int_equal(x->nr_vcpus, y->nr_vcpus);
	assert_ptr_equal(x->vcpu, y->vcpu);
	assert_int_equal(x->exits_total, y->exits_total);
	assert_int_equal(x->hcalls_total, y->hcalls_total);
	assert_int_equal(x->pt_traps, y->pt_traps);
	assert_int_equal(x->paging_bytes, y->paging_bytes);
	assert_int_equal(x->has_rates, y->has_rates);
	assert_int_equal(x->quiet, y->quiet);
	assert_memory_equal(&x->cpu_pct, &y->cpu_pct, sizeof(double));
	assert_memory_equal(&x->exits_ps, &y->exits_ps, sizeof(double));
	assert_memory_equal(&x->hcalls_ps, &y->hcalls_ps, sizeof(double));
	assert_memory_equal(&x->pttraps_ps, &y->pttraps_ps, sizeof(double));
	assert_memory_equal(&x->mem_pct, &y->mem_pct, sizeof(double));
}

/* a, b, c two seconds apart: a domain still throughout (kept at c), one
 * busy throughout, one that stopped at b (its rates at c are 0, made
 * again), one whose domid another domain took at c with the same
 * counters, and one that came at c. */
static void three_samples(uint64_t total_at_c)
{
	rec_init(&a, 10 * SEC);
	rec_init(&b, 12 * SEC);
	rec_init(&c, 14 * SEC);
	c.s.snap.phys.total_bytes = total_at_c;
	rec_dom(&a, 1, "still", 1, 1 * SEC, 10, 5, 1);
	rec_dom(&b, 1, "still", 1, 1 * SEC, 10, 5, 1);
	rec_dom(&c, 1, "still", 1, 1 * SEC, 10, 5, 1);
	rec_dom(&a, 2, "busy", 2, 1 * SEC, 100, 10, 1);
	rec_dom(&b, 2, "busy", 2, 2 * SEC, 200, 20, 2);
	rec_dom(&c, 2, "busy", 2, 3 * SEC, 300, 30, 3);
	rec_dom(&a, 3, "stopped", 1, 1 * SEC, 100, 10, 1);
	rec_dom(&b, 3, "stopped", 1, 2 * SEC, 200, 20, 2);
	rec_dom(&c, 3, "stopped", 1, 2 * SEC, 200, 20, 2);
	rec_dom(&a, 4, "old", 1, 0, 0, 0, 0);
	rec_dom(&b, 4, "old", 1, 0, 0, 0, 0);
	rec_dom(&c, 4, "new", 1, 0, 0, 0, 0);
	rec_dom(&c, 5, "came", 1, 0, 0, 0, 0);
}

/* vmtop_rates_kept() gives what vmtop_rates() computes, row for row, and
 * keeps (same seq) exactly the rows that are the same again. */
static void kept_rows_are_computed_rows(void **state)
{
	struct vmtop_row want[MAXD];
	uint64_t seq[MAXD];
	unsigned int n, i;

	(void)state;
	three_samples(1024ull << 20);
	n = vmtop_rates(&a.s, &b.s, rows);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		seq[i] = rows[i].seq;
	assert_true(rows[0].quiet);
	assert_false(rows[1].quiet);
	assert_false(rows[2].quiet);
	assert_int_equal(vmtop_rates(&b.s, &c.s, want), 5);
	assert_int_equal(vmtop_rates_kept(&b.s, &c.s, rows, n), 5);
	for (i = 0; i < 5; i++) {
		assert_same_row(&rows[i], &want[i]);
		assert_ptr_equal(rows[i].vcpu, c.s.snap.dom[i]->vcpu);
		assert_int_not_equal(rows[i].seq, 0);
	}
	assert_int_equal(rows[0].seq, seq[0]);		/* kept */
	for (i = 1; i < n; i++)
		assert_int_not_equal(rows[i].seq, seq[i]);
	assert_true(rows[2].quiet);	/* stopped: rates 0 now */
	assert_float_equal(rows[2].cpu_pct, 0.0, 0);
	assert_false(rows[3].has_rates);	/* another domain */
	/* A first sample keeps nothing. */
	assert_int_equal(vmtop_rates_kept(NULL, &c.s, rows, 5), 5);
	for (i = 0; i < 5; i++)
		assert_false(rows[i].has_rates);
}

/* MEM(%) is of the machine's RAM: when that changes no row is kept. */
static void kept_rows_follow_total_memory(void **state)
{
	struct vmtop_row want[MAXD];
	uint64_t seq0;
	unsigned int n;

	(void)state;
	three_samples(2048ull << 20);
	n = vmtop_rates(&a.s, &b.s, rows);
	seq0 = rows[0].seq;
	vmtop_rates(&b.s, &c.s, want);
	vmtop_rates_kept(&b.s, &c.s, rows, n);
	assert_same_row(&rows[0], &want[0]);
	assert_int_not_equal(rows[0].seq, seq0);
	assert_float_equal(rows[0].mem_pct, 6.25, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steady_rates),
		cmocka_unit_test(first_sample_has_no_rates),
		cmocka_unit_test(cpu_pct_is_bounded_by_vcpus),
		cmocka_unit_test(counters_backwards),
		cmocka_unit_test(appearing_and_vanishing),
		cmocka_unit_test(domid_reused),
		cmocka_unit_test(zero_interval),
		cmocka_unit_test(summary),
		cmocka_unit_test(kept_rows_are_computed_rows),
		cmocka_unit_test(kept_rows_follow_total_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
