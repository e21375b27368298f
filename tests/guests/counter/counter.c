/*
 * counter: prints an increasing sequence, one number per period, for
 * save and restore: a restored guest goes on from where it stopped, so
 * the sequence across a save has no gap and no repeat. It also fills
 * some of its memory with a pattern and checks it on each count, so a
 * restore that lost or moved a page is seen. Options:
 *   period_ms=N   between counts (default 200), slept with set_timer_op
 *                 and SCHEDOP_block (the timer must survive the save)
 *   touch_kib=N   KiB of memory filled with the pattern (default 32)
 *   touch_mib=N   the same in MiB (what a benchmark asks for)
 *   count=N       stop after N counts (default: never)
 *   grants=0      no grant table (default: one, grants.c, checked on
 *                 each count; "grants intact at count N" every 5th)
 */
#include <public/sched.h>

#include "grants.h"
#include "hypercall.h"
#include "runtime.h"

const char guest_name[] = "counter";

#define NS_PER_MS	1000000ULL
#define PAGE_WORDS	512

/* Each page's words: a function of its index, different in every word
 * (data that compresses about as badly as real data does). */
static uint64_t pattern(uint64_t page, uint64_t word)
{
	uint64_t x = (page << 9 | word) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static uint64_t **pages;
static uint64_t nr_pages;

static void touch(uint64_t kib)
{
	uint64_t want = kib / 4;

	pages = page_alloc();
	if (!pages)
		return;
	for (nr_pages = 0; nr_pages < want && nr_pages < 512; nr_pages++) {
		uint64_t *p = page_alloc();

		if (!p)
			break;
		for (uint64_t w = 0; w < PAGE_WORDS; w++)
			p[w] = pattern(nr_pages, w);
		pages[nr_pages] = p;
	}
	/* Beyond 512 pages the list page is full: the rest are filled but
	 * only the first 512 are checked. */
	for (uint64_t i = nr_pages; i < want; i++) {
		uint64_t *p = page_alloc();

		if (!p)
			break;
		for (uint64_t w = 0; w < PAGE_WORDS; w++)
			p[w] = pattern(i, w);
	}
	con_printf("counter: %lu KiB touched\n", (unsigned long)kib);
}

/* One page a count, in turn. */
static bool page_intact(uint64_t n)
{
	uint64_t i, *p;

	if (!nr_pages)
		return true;
	i = n % nr_pages;
	p = pages[i];
	for (uint64_t w = 0; w < PAGE_WORDS; w++)
		if (p[w] != pattern(i, w))
			return false;
	return true;
}

static void sleep_until(uint64_t deadline)
{
	/* A wake-up before the deadline (a restore wakes a blocked vCPU) is
	 * followed by another wait. */
	while (guest_time_ns() < deadline) {
		if (hv_set_timer_op(deadline))
			return;
		hv_sched_op(SCHEDOP_block, NULL);
	}
}

/* A broken grant table is said on every count; an intact one every
 * fifth, so a restore is followed by a line that proves the check ran. */
static void grants_count(bool on, uint64_t n)
{
	const char *why = on ? grants_check() : NULL;

	if (why)
		con_printf("counter: GRANTS BROKEN at count %lu: %s\n", (unsigned long)n, why);
	else if (on && n % 5 == 0)
		con_printf("counter: grants intact at count %lu\n", (unsigned long)n);
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t period = guest_option_u64("period_ms=", 200) * NS_PER_MS;
	uint64_t limit = guest_option_u64("count=", 0);
	uint64_t mib = guest_option_u64("touch_mib=", 0);
	bool grants = guest_option_u64("grants=", 1) != 0;
	const char *why;
	uint64_t next;

	(void)si;
	touch(mib ? mib * 1024 : guest_option_u64("touch_kib=", 32));
	why = grants ? grants_setup() : NULL;
	if (why) {
		con_printf("counter: GRANTS BROKEN at setup: %s\n", why);
		grants = false;
	}
	next = guest_time_ns();
	for (uint64_t n = 1; !limit || n <= limit; n++) {
		con_printf("count %lu%s\n", (unsigned long)n,
			   page_intact(n) ? "" : " MEMORY CORRUPT");
		grants_count(grants, n);
		next += period;
		sleep_until(next);
	}
	return SHUTDOWN_poweroff;
}
