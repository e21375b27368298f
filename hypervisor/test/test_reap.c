/* test_reap_stopped (test build): the boot CPU plays a toolstack that
 * destroys each domain once it has stopped, through the management
 * command's handler (as xl does on a guest's poweroff), and powers QEMU
 * off when no domain is left. Lets a test see what a domain's destruction
 * does to the others (tests/e2e/evtchn.sh: its event channels' peers). */
#include <asm/time.h>
#include <umbra/cmdline.h>
#include <umbra/debug_exit.h>
#include <umbra/domain.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/test_hooks.h>

static bool opt_reap;
param_bool("test_reap_stopped", opt_reap);

static long destroy(domid_t id)
{
	struct mgmt_call c;
	long rc;

	memset(&c, 0, sizeof(c));
	c.req.cmd = UMBRA_MGMT_domain_destroy;
	c.req.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	c.req.domid = id;
	/* Under the mgmt lock, as dom0's commands: those read domains
	 * without holding them, safe only while no command destroys one. */
	while ((rc = mgmt_run(&c)) == HYPERCALL_CONTINUE)
		udelay(100);
	return rc;
}

/* Destroy every stopped domain; false once the table is empty. */
static bool reap_once(void)
{
	bool any = false;

	for (unsigned int id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id((domid_t)id);

		if (!d)
			continue;
		any = true;
		if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) < DOMAIN_SHUTDOWN)
			continue;
		pr_info("test: reap: domain %u stopped; destroy: %ld\n", id, destroy((domid_t)id));
	}
	return any;
}

void test_reap_stopped_domains(void)
{
	if (!opt_reap)
		return;
	/* This CPU is the toolstack's now: no domain's vCPU runs here. */
	sched_give_pcpu_to_dom0(0);
	while (reap_once())
		udelay(1000);
	pr_info("test: reap: every domain destroyed\n");
	debug_exit(DEBUG_EXIT_SUCCESS);
}
