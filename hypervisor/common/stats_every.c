/* stats_every=N: every N seconds, each live domain's vCPU counters on the
 * console, after a "stats: at T ms" line (T: Umbra's TSC time), so that a
 * rate can be read between two reports, e.g. dom0's exits while it idles
 * (make bench-dom0). Off (0) by default. Run from Umbra's timer tick. */
#include <asm/guest.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/cmdline.h>
#include <umbra/domain.h>
#include <umbra/printk.h>
#include <umbra/sched.h>

static unsigned int opt_stats_every;
param_uint("stats_every", opt_stats_every);

static uint64_t next_tsc;

void stats_every_tick(void)
{
	uint64_t now = rdtsc(), period;

	if (!opt_stats_every || !tsc_khz)
		return;
	period = (uint64_t)opt_stats_every * tsc_khz * 1000;
	if (!next_tsc)
		next_tsc = now + period;
	if (now < next_tsc)
		return;
	next_tsc = now + period;
	log_printf(LOG_INFO, "stats: at %llu ms\n", (unsigned long long)(tsc_to_ns(now) / 1000000));
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id((domid_t)id);

		if (d && d->state < DOMAIN_SHUTDOWN)
			for (unsigned int i = 0; i < d->nr_vcpus; i++)
				arch_print_vcpu_stats(d->vcpus[i], false);
	}
}
