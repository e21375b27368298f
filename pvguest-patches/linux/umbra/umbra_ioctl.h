/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * /dev/umbra's ioctl, shared by the driver (umbra_main.c) and dom0's
 * library (libvmctl). One request: UMBRA_IOCTL_MGMT takes a struct
 * umbra_mgmt (public/mgmt.h) whose buf, if any, is a user-space buffer of
 * at most UMBRA_MGMT_BUF_MAX bytes. The driver copies both in, issues the
 * umbra_mgmt hypercall, copies both back and returns the hypercall's
 * result: 0 or more on success, or -1 with errno set to the negated
 * result (the hypervisor's errors are Linux's numbers).
 */
#ifndef UMBRA_IOCTL_H
#define UMBRA_IOCTL_H

#include <linux/ioctl.h>

#include "public/mgmt.h"

/* A type no uapi header of Linux 6.1 uses. */
#define UMBRA_IOCTL_TYPE	0xE6
#define UMBRA_IOCTL_MGMT	_IOWR(UMBRA_IOCTL_TYPE, 0, struct umbra_mgmt)

#endif
