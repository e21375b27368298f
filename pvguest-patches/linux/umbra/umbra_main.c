// SPDX-License-Identifier: GPL-2.0
/*
 * umbra.ko: dom0's driver for Umbra's management interface. It loads only
 * on Umbra (CPUID leaf 0x40000000 carries Umbra's signature) and only if
 * the hypervisor answers the management hypercall; then it offers
 * /dev/umbra (umbra_dev.c) to dom0's tools.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/processor.h>

#include "public/mgmt.h"
#include "umbra.h"
#include "umbra_hypercall.h"

static bool running_on_umbra(void)
{
	u32 eax, ebx, ecx, edx;

	/*
	 * The signature alone, not the hypervisor bit of leaf 1: Umbra may
	 * show dom0 its leaf without that bit, so that Linux takes no
	 * paravirtual path. Bare metal has no such leaf (AMD returns zeroes,
	 * Intel its highest basic leaf), never these twelve bytes.
	 */
	cpuid(UMBRA_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	return ebx == UMBRA_CPUID_SIGNATURE_EBX &&
	       ecx == UMBRA_CPUID_SIGNATURE_ECX &&
	       edx == UMBRA_CPUID_SIGNATURE_EDX;
}

/*
 * Ask for physinfo once, to report what we run on. Another interface
 * version (-EACCES) still loads: the library tells its user which
 * versions differ. No management hypercall at all (an Umbra too old, or
 * a domain other than dom0: -ENOSYS, -EPERM) leaves nothing to drive.
 */
static int probe_interface(void)
{
	struct umbra_mgmt *req;
	long rc;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->cmd = UMBRA_MGMT_physinfo;
	req->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	rc = umbra_mgmt_hypercall(req);
	if (rc == 0) {
		pr_info("Umbra %u.%u, %u CPUs, %llu MiB free; /dev/umbra ready (interface %#x)\n",
			req->u.physinfo.umbra_version >> 16,
			req->u.physinfo.umbra_version & 0xffff,
			req->u.physinfo.nr_cpus,
			req->u.physinfo.free_bytes >> 20,
			UMBRA_MGMT_INTERFACE_VERSION);
	} else if (rc == -EACCES) {
		pr_warn("Umbra's management interface is version %#x, this driver was built for %#x\n",
			req->interface_version, UMBRA_MGMT_INTERFACE_VERSION);
		rc = 0;
	} else {
		pr_err("Umbra refuses its management hypercall (%ld): not dom0, or no management interface\n",
		       rc);
		rc = -ENODEV;
	}
	kfree(req);
	return rc;
}

static int __init umbra_init(void)
{
	int rc;

	if (!running_on_umbra()) {
		pr_err("not running on Umbra (no \"%s\" at CPUID %#x); not loading\n",
		       UMBRA_CPUID_SIGNATURE, UMBRA_CPUID_BASE);
		return -ENODEV;
	}
	rc = probe_interface();
	if (rc)
		return rc;
	umbra_events_start();
	rc = umbra_dev_register();
	if (rc) {
		pr_err("cannot register /dev/umbra (%d)\n", rc);
		umbra_events_stop();
	}
	return rc;
}

static void __exit umbra_exit(void)
{
	umbra_dev_unregister();
	umbra_events_stop();
	pr_info("unloaded\n");
}

module_init(umbra_init);
module_exit(umbra_exit);

MODULE_DESCRIPTION("Umbra hypervisor: dom0's management device /dev/umbra");
MODULE_LICENSE("GPL");
MODULE_VERSION(UMBRA_VERSION_STRING);
