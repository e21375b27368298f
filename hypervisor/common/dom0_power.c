/* dom0 powers off or resets the machine (umbra/power.h): the other
 * domains are stopped first and named, dom0's counters printed, then
 * Umbra does what dom0 asked. */
#include <asm/time.h>
#include <umbra/domain.h>
#include <public/sched.h>
#include <umbra/panic.h>
#include <umbra/power.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

#define POWER_WAIT_US	1000000	/* the machine may take a moment to go */

/* Stop every domain but dom0 that is still alive; their names, as
 * "NAME (dN), ..." or "none", into list. */
static void stop_others(unsigned int reason, char *list, size_t size)
{
	size_t used = 0;

	snprintf(list, size, "none");
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id((domid_t)id);
		int n;

		if (!d || domain_is_dom0(d) || d->state >= DOMAIN_SHUTDOWN)
			continue;
		domain_shutdown(d, reason);
		n = snprintf(list + used, size - used, "%s%s (d%u)", used ? ", " : "",
			     d->name, d->id);
		if (n > 0 && (size_t)n < size - used)
			used += (size_t)n;
	}
}

void dom0_power_request(bool reset)
{
	char list[256];
	struct domain *dom0 = domain_by_id(0);	/* kept for dom0, as in Xen */
	stop_others(reset ? SHUTDOWN_reboot : SHUTDOWN_poweroff, list, sizeof(list));
	log_lifecycle(LOG_NONE, "umbra: dom0 %s the machine; stopped domains: %s\n",
		      reset ? "reset" : "powered off", list);
	if (dom0 && domain_is_dom0(dom0))
		domain_print_stats(dom0);
	/* Nothing else runs while the machine goes: dom0's other CPUs (Linux
	 * parked them already) and Umbra's are taken back by NMI. */
	stop_other_cpus();
	if (reset)
		machine_reset();
	else
		machine_power_off();
	udelay(POWER_WAIT_US);
	log_lifecycle(LOG_NONE, "umbra: the machine did not %s; dom0 goes on, on this CPU "
		      "alone\n", reset ? "reset" : "power off");
}
