// SPDX-License-Identifier: GPL-2.0
/*
 * poll() on /dev/umbra: readable when Umbra's event generation (domain
 * state changes and console output) differs from the one this file last
 * saw through UMBRA_MGMT_events.
 *
 * Umbra can raise an interrupt vector in dom0 when the generation moves,
 * but a module has no clean way to own an x86 system vector (Linux
 * allocates those at boot, in the core kernel). So the driver polls: a
 * delayed work asks the hypervisor for the generation every
 * UMBRA_EVENTS_PERIOD_MS while at least one task sleeps in poll() on the
 * device, and wakes the sleepers when it moved. Nobody waiting, no work.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "public/mgmt.h"
#include "umbra.h"
#include "umbra_hypercall.h"

#define UMBRA_EVENTS_PERIOD_MS	20

static DECLARE_WAIT_QUEUE_HEAD(umbra_waitq);
static u64 umbra_last_generation;	/* as the work last saw it */
static bool umbra_stopping;

static void umbra_events_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(umbra_work, umbra_events_work);

int umbra_events_query(u64 *generation)
{
	struct umbra_mgmt *req;
	long rc;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->cmd = UMBRA_MGMT_events;
	req->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	rc = umbra_mgmt_hypercall(req);
	if (rc >= 0)
		*generation = req->u.events.generation;
	kfree(req);
	return rc < 0 ? (int)rc : 0;
}

static void umbra_events_arm(void)
{
	if (!READ_ONCE(umbra_stopping))
		schedule_delayed_work(&umbra_work,
				      msecs_to_jiffies(UMBRA_EVENTS_PERIOD_MS));
}

static void umbra_events_work(struct work_struct *work)
{
	u64 gen;

	if (umbra_events_query(&gen) == 0 &&
	    gen != READ_ONCE(umbra_last_generation)) {
		WRITE_ONCE(umbra_last_generation, gen);
		wake_up_interruptible(&umbra_waitq);
	}
	if (wq_has_sleeper(&umbra_waitq))
		umbra_events_arm();
}

__poll_t umbra_events_poll(struct file *file, struct umbra_file *uf,
			   poll_table *wait)
{
	u64 gen;

	poll_wait(file, &umbra_waitq, wait);
	if (umbra_events_query(&gen))
		return EPOLLERR;
	if (gen != READ_ONCE(uf->seen))
		return EPOLLIN | EPOLLRDNORM;
	umbra_events_arm();
	return 0;
}

void umbra_events_seen(struct umbra_file *uf, u64 generation)
{
	WRITE_ONCE(uf->seen, generation);
}

/* Called once the device is gone, so no poll() can re-arm the work. */
void umbra_events_stop(void)
{
	WRITE_ONCE(umbra_stopping, true);
	cancel_delayed_work_sync(&umbra_work);
}
