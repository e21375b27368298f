// SPDX-License-Identifier: GPL-2.0
/*
 * poll() on /dev/umbra: readable when Umbra's event generation (domain
 * state changes and console output) differs from the one this file last
 * saw through UMBRA_MGMT_events.
 *
 * Umbra tells dom0 of a change with an interrupt vector, one per events
 * call that armed it. A module cannot own an x86 system vector, but it can
 * own a device interrupt: the driver claims an otherwise unused
 * edge-triggered GSI of the I/O APIC (acpi_register_gsi, request_irq), so
 * that Linux itself allocates the vector and the CPU and programs them
 * into the pin's redirection entry, and names the GSI to Umbra
 * (UMBRA_MGMT_event_irq), which reads that entry and from then on sends
 * the vector to that CPU as if the pin had fired. The handler hands over
 * to a work item, which reads the generation and wakes the sleepers.
 *
 * Without such an interrupt (no free GSI, an Umbra that does not know
 * event_irq) the driver falls back to polling: a delayed work asks for
 * the generation every UMBRA_EVENTS_PERIOD_MS while at least one task
 * sleeps in poll(). dmesg says which path is in use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "public/mgmt.h"
#include "umbra.h"
#include "umbra_hypercall.h"

#define UMBRA_EVENTS_PERIOD_MS	20
/* GSIs tried, highest first: on PC chipsets 16-23 are the PCI interrupt
 * lines, the highest the least likely to be wired to anything. */
#define UMBRA_GSI_FIRST		23
#define UMBRA_GSI_LAST		16

static int event_gsi = -1;
module_param(event_gsi, int, 0444);
MODULE_PARM_DESC(event_gsi, "GSI for Umbra's event interrupt (-1: the first free of 23..16; -2: none, poll)");

static DECLARE_WAIT_QUEUE_HEAD(umbra_waitq);
static u64 umbra_last_generation;	/* as the work last saw it */
static bool umbra_stopping;
/* The event interrupt, when there is one: its GSI, IRQ and vector. */
static int umbra_gsi = -1;
static int umbra_irq = -1;
static u32 umbra_vector;

static void umbra_events_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(umbra_work, umbra_events_work);
static void umbra_irq_work_fn(struct work_struct *work);
static DECLARE_WORK(umbra_irq_work, umbra_irq_work_fn);

static long umbra_mgmt_small(struct umbra_mgmt *req)
{
	req->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	return umbra_mgmt_hypercall(req);
}

/* The current generation; with arm, the next change interrupts dom0. */
static int umbra_events_query_arm(u64 *generation, bool arm)
{
	struct umbra_mgmt *req;
	long rc;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->cmd = UMBRA_MGMT_events;
	req->u.events.vector = arm ? READ_ONCE(umbra_vector) : 0;
	rc = umbra_mgmt_small(req);
	if (rc >= 0)
		*generation = req->u.events.generation;
	kfree(req);
	return rc < 0 ? (int)rc : 0;
}

int umbra_events_query(u64 *generation)
{
	return umbra_events_query_arm(generation, true);
}

u32 umbra_events_vector(void)
{
	return READ_ONCE(umbra_vector);
}

static void umbra_events_changed(u64 gen)
{
	if (gen != READ_ONCE(umbra_last_generation)) {
		WRITE_ONCE(umbra_last_generation, gen);
		wake_up_interruptible(&umbra_waitq);
	}
}

static void umbra_events_arm(void)
{
	if (!READ_ONCE(umbra_stopping) && !READ_ONCE(umbra_vector))
		schedule_delayed_work(&umbra_work,
				      msecs_to_jiffies(UMBRA_EVENTS_PERIOD_MS));
}

/* Polling, when there is no event interrupt. */
static void umbra_events_work(struct work_struct *work)
{
	u64 gen;

	if (umbra_events_query_arm(&gen, false) == 0)
		umbra_events_changed(gen);
	if (wq_has_sleeper(&umbra_waitq))
		umbra_events_arm();
}

/* After the interrupt: one more is armed only while someone waits. */
static void umbra_irq_work_fn(struct work_struct *work)
{
	u64 gen;

	if (umbra_events_query_arm(&gen, wq_has_sleeper(&umbra_waitq)) == 0)
		umbra_events_changed(gen);
}

static irqreturn_t umbra_events_irq(int irq, void *dev_id)
{
	if (!READ_ONCE(umbra_stopping))
		schedule_work(&umbra_irq_work);
	return IRQ_HANDLED;
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

/* Name the GSI to Umbra (UMBRA_EVENT_IRQ_NONE: forget it). */
static long umbra_event_irq_call(u32 gsi, u32 *vector, u32 *apic_id)
{
	struct umbra_mgmt *req;
	long rc;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->cmd = UMBRA_MGMT_event_irq;
	req->u.event_irq.gsi = gsi;
	rc = umbra_mgmt_small(req);
	if (rc == 0 && vector)
		*vector = req->u.event_irq.vector;
	if (rc == 0 && apic_id)
		*apic_id = req->u.event_irq.apic_id;
	kfree(req);
	return rc;
}

/*
 * One GSI: Linux maps it (edge, active high) and allocates its vector
 * when the interrupt is requested; a GSI some driver holds is busy. 0,
 * or -errno with everything undone.
 */
static int umbra_try_gsi(u32 gsi, long *why)
{
	u32 vector, apic_id;
	int irq, rc;

	irq = acpi_register_gsi(NULL, gsi, ACPI_EDGE_SENSITIVE, ACPI_ACTIVE_HIGH);
	if (irq < 0)
		return irq;
	rc = request_irq(irq, umbra_events_irq, IRQF_NOBALANCING, "umbra-events", NULL);
	if (rc) {
		acpi_unregister_gsi(gsi);
		return rc;
	}
	*why = umbra_event_irq_call(gsi, &vector, &apic_id);
	if (*why) {
		free_irq(irq, NULL);
		acpi_unregister_gsi(gsi);
		return -ENODEV;
	}
	umbra_gsi = gsi;
	umbra_irq = irq;
	WRITE_ONCE(umbra_vector, vector);
	pr_info("events by interrupt: GSI %u, IRQ %d, vector %#x on the CPU with APIC ID %u\n",
		gsi, irq, vector, apic_id);
	return 0;
}

void umbra_events_start(void)
{
	long why = 0;
	u32 gsi;

	if (event_gsi == -2) {
		pr_info("events by polling every %u ms (event_gsi=-2)\n", UMBRA_EVENTS_PERIOD_MS);
		return;
	}
	if (event_gsi >= 0) {
		if (!umbra_try_gsi(event_gsi, &why))
			return;
	} else {
		for (gsi = UMBRA_GSI_FIRST; gsi >= UMBRA_GSI_LAST; gsi--) {
			if (!umbra_try_gsi(gsi, &why))
				return;
			/* Umbra does not know the command: no point going on. */
			if (why == -ENOSYS)
				break;
		}
	}
	pr_warn("no event interrupt (%s%ld); events by polling every %u ms\n",
		why ? "Umbra refused the GSI: " : "no free GSI: ", why, UMBRA_EVENTS_PERIOD_MS);
}

/* Called once the device is gone, so no poll() can re-arm the work. */
void umbra_events_stop(void)
{
	WRITE_ONCE(umbra_stopping, true);
	cancel_delayed_work_sync(&umbra_work);
	if (umbra_irq >= 0) {
		u64 gen;

		/* Disarmed first: no vector may come once the IRQ is gone. */
		WRITE_ONCE(umbra_vector, 0);
		umbra_events_query_arm(&gen, false);
		umbra_event_irq_call(UMBRA_EVENT_IRQ_NONE, NULL, NULL);
		free_irq(umbra_irq, NULL);
		acpi_unregister_gsi(umbra_gsi);
		umbra_irq = -1;
	}
	cancel_work_sync(&umbra_irq_work);
}
