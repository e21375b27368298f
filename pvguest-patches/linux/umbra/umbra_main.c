// SPDX-License-Identifier: GPL-2.0
/*
 * umbra.ko: the seed of dom0's /dev/umbra driver. For now it only loads
 * and says which Umbra interface version it was built for; the device
 * and its hypercalls come with the dom0 work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init umbra_init(void)
{
	pr_info("version %s loaded\n", UMBRA_VERSION_STRING);
	return 0;
}

static void __exit umbra_exit(void)
{
	pr_info("unloaded\n");
}

module_init(umbra_init);
module_exit(umbra_exit);

MODULE_DESCRIPTION("Umbra hypervisor interface (seed of dom0's /dev/umbra)");
MODULE_LICENSE("GPL");
MODULE_VERSION(UMBRA_VERSION_STRING);
