/*
 * timer: sleeps with set_timer_op + SCHEDOP_block (or HLT) and checks
 * that guest time advanced by at least the requested amount each time,
 * and by no more than the requested amount plus a slack for scheduling.
 *   sleeps=1,5,20     sleep lengths in ms (default 1,5,20,50)
 *   slack_ms=N        lateness tolerated (default 300)
 *   cases=a,b         extra cases, from:
 *     hlt             a sleep whose wait is HLT instead of SCHEDOP_block
 *     replace         a second set_timer_op replaces the first deadline
 *     expired         the deadline passes while the vCPU still runs; the
 *                     following SCHEDOP_block must return at once (Xen
 *                     keeps the timer event pending). A guard timer
 *                     ends the wait if the hypervisor lost it.
 *     tscwrite        the guest sets its TSC back to half its value
 *                     (WRMSR; run it after 20 ms of sleeps or more);
 *                     guest time, and so set_timer_op, must follow.
 *     irq             the expiry arrives as the callback vector (irq.c)
 */
#include <public/sched.h>

#include "hypercall.h"
#include "io.h"
#include "runtime.h"
#include "timer.h"

const char guest_name[] = "timer";
#define MAX_SLEEPS	16
#define GUARD_MS	500

static unsigned int passed, failed;

void timer_result(bool ok, const char *what, uint64_t ms, uint64_t elapsed_ns,
		  const char *why)
{
	con_printf("timer: %s %s %lu ms (woke after %lu us)%s%s\n", ok ? "PASS" : "FAIL",
		   what, (unsigned long)ms, (unsigned long)(elapsed_ns / 1000),
		   why ? ": " : "", why ? why : "");
	if (ok)
		passed++;
	else
		failed++;
}

void timer_check(bool ok, const char *what)
{
	con_printf("timer: %s %s\n", ok ? "PASS" : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

/* Wait by SCHEDOP_block, or by HLT; false if the hypercall failed. */
static bool wait_for_timer(bool use_hlt)
{
	long rc;

	if (use_hlt) {
		__asm__ __volatile__("hlt" ::: "memory");
		return true;
	}
	rc = hv_sched_op(SCHEDOP_block, NULL);
	if (rc) {
		con_printf("timer: SCHEDOP_block returned %ld\n", rc);
		return false;
	}
	return true;
}

static void check_sleep(const char *what, uint64_t ms, uint64_t slack_ms,
			uint64_t t0, uint64_t t1)
{
	uint64_t want = ms * NS_PER_MS, elapsed = t1 - t0;

	if (elapsed < want)
		timer_result(false, what, ms, elapsed, "woke too early");
	else if (elapsed > want + slack_ms * NS_PER_MS)
		timer_result(false, what, ms, elapsed, "woke too late");
	else
		timer_result(true, what, ms, elapsed, NULL);
}

static void sleep_wait(const char *what, uint64_t ms, uint64_t slack_ms, bool use_hlt)
{
	uint64_t t0 = guest_time_ns();
	long rc = hv_set_timer_op(t0 + ms * NS_PER_MS);

	if (rc) {
		con_printf("timer: set_timer_op returned %ld\n", rc);
		timer_result(false, what, ms, 0, "set_timer_op failed");
		return;
	}
	if (!wait_for_timer(use_hlt)) {
		timer_result(false, what, ms, 0, "could not block");
		return;
	}
	check_sleep(what, ms, slack_ms, t0, guest_time_ns());
}

static void sleep_once(uint64_t ms, uint64_t slack_ms, bool use_hlt)
{
	sleep_wait(use_hlt ? "hlt sleep" : "sleep", ms, slack_ms, use_hlt);
}

static void sleep_named(const char *what, uint64_t ms, uint64_t slack_ms)
{
	sleep_wait(what, ms, slack_ms, false);
}

/* The later of two deadlines set back to back is the one that counts. */
static void replace_case(uint64_t slack_ms)
{
	const uint64_t first = 2, second = 40;
	uint64_t t0 = guest_time_ns();

	hv_set_timer_op(t0 + first * NS_PER_MS);
	hv_set_timer_op(t0 + second * NS_PER_MS);
	if (wait_for_timer(false))
		check_sleep("replaced deadline", second, slack_ms, t0, guest_time_ns());
	else
		timer_result(false, "replaced deadline", second, 0, "could not block");
}

static void spin_ms(uint64_t ms)
{
	uint64_t end = guest_time_ns() + ms * NS_PER_MS;

	while (guest_time_ns() < end)
		__asm__ __volatile__("pause");
}

static void expired_case(uint64_t slack_ms)
{
	const uint64_t deadline_ms = 2, spin = 20;
	uint64_t t0 = guest_time_ns(), t1, t2;

	hv_set_timer_op(t0 + deadline_ms * NS_PER_MS);
	spin_ms(spin);
	t1 = guest_time_ns();
	/* Only matters if the expiry was lost: then this wakes us. */
	hv_set_timer_op(t1 + GUARD_MS * NS_PER_MS);
	if (!wait_for_timer(false)) {
		timer_result(false, "expired timer", 0, 0, "could not block");
		return;
	}
	t2 = guest_time_ns();
	if (t2 - t1 > slack_ms * NS_PER_MS)
		timer_result(false, "expired timer", 0, t2 - t1,
		       "the expiry during the spin was lost; woke by the guard timer");
	else
		timer_result(true, "expired timer", 0, t2 - t1, NULL);
}

#define MSR_TSC		0x10

/* Guest time is the guest's TSC: after the guest moves its TSC, a
 * deadline written in the new time must still mean what it says. Moving
 * back by more than the sleep puts the deadline in the past of a clock
 * that ignored the write. */
static void tsc_write_case(uint64_t slack_ms)
{
	const uint64_t ms = 10;
	uint64_t tsc = rdtsc() / 2;

	if (tsc_to_ns(tsc) < 2 * ms * NS_PER_MS) {
		timer_result(false, "sleep after a TSC write", ms, 0, "guest too young to move back");
		return;
	}
	con_printf("timer: moving the TSC back by %lu ms\n",
		   (unsigned long)(tsc_to_ns(tsc) / NS_PER_MS));
	__asm__ __volatile__("wrmsr" : : "c"(MSR_TSC), "a"((uint32_t)tsc),
			     "d"((uint32_t)(tsc >> 32)));
	sleep_named("sleep after a TSC write", ms, slack_ms);
}

static unsigned int parse_sleeps(uint64_t *ms)
{
	const char *p = guest_option("sleeps=");
	unsigned int n = 0;

	if (!p) {
		static const uint64_t defaults[] = { 1, 5, 20, 50 };

		for (n = 0; n < 4; n++)
			ms[n] = defaults[n];
		return n;
	}
	while (*p >= '0' && *p <= '9' && n < MAX_SLEEPS) {
		ms[n] = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			ms[n] = ms[n] * 10 + (uint64_t)(*p - '0');
		n++;
		if (*p == ',')
			p++;
	}
	return n;
}

int guest_main(const struct hvm_start_info *si)
{
	uint64_t ms[MAX_SLEEPS], slack = guest_option_u64("slack_ms=", 300);
	const char *cases = guest_option("cases=");
	unsigned int i, n = parse_sleeps(ms);

	(void)si;
	if (guest_hypervisor() == GUEST_HV_NONE || !guest_tsc_khz()) {
		con_puts("timer: needs a hypervisor with set_timer_op and a TSC frequency\n");
		return SHUTDOWN_crash;
	}
	con_printf("timer: tsc %lu kHz, %u sleeps, slack %lu ms\n",
		   (unsigned long)guest_tsc_khz(), n, (unsigned long)slack);
	for (i = 0; i < n; i++)
		sleep_once(ms[i], slack, false);
	if (guest_word_in_list(cases, "hlt"))
		sleep_once(10, slack, true);
	if (guest_word_in_list(cases, "replace"))
		replace_case(slack);
	if (guest_word_in_list(cases, "expired"))
		expired_case(slack);
	if (guest_word_in_list(cases, "tscwrite"))
		tsc_write_case(slack);
	if (guest_word_in_list(cases, "irq"))
		irq_case(slack);
	con_printf("timer: %u passed, %u failed\n", passed, failed);
	return failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
