// SPDX-License-Identifier: GPL-2.0
/*
 * What an open /dev/umbra holds for dom0's back ends (the store, the
 * console): the rings of other domains Umbra mapped into dom0 for it
 * (UMBRA_MGMT_ring_map, at the page's machine address), which mmap()
 * then maps for the process, and the dom0 event-channel ports it bound
 * (UMBRA_MGMT_evtchn_op). When the file is closed, whatever it still holds
 * is given back, so a back end that dies leaves the domain's ports
 * unbound for the next one (as Xen's /dev/xen/evtchn does), and mmap()
 * only ever maps a page this file was given.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "public/mgmt.h"
#include "umbra.h"
#include "umbra_hypercall.h"

struct umbra_held {
	struct list_head link;
	u32 cmd;		/* ring_map or evtchn_op */
	u32 domid;
	u32 which_or_port;
	u64 maddr;
};

static struct umbra_held *find(struct umbra_file *uf, u32 cmd, u32 domid, u32 key)
{
	struct umbra_held *h;

	list_for_each_entry(h, &uf->held, link)
		if (h->cmd == cmd && h->domid == domid && h->which_or_port == key)
			return h;
	return NULL;
}

static void hold(struct umbra_file *uf, u32 cmd, u32 domid, u32 key, u64 maddr)
{
	struct umbra_held *h;

	mutex_lock(&uf->held_lock);
	h = find(uf, cmd, domid, key);
	if (h) {
		/* The id of a destroyed domain, given to a new one: the old
		 * page went with the old domain, the new one is what mmap
		 * may map now. */
		h->maddr = maddr;
	} else {
		h = kzalloc(sizeof(*h), GFP_KERNEL);
		if (h) {
			*h = (struct umbra_held){ .cmd = cmd, .domid = domid,
						  .which_or_port = key, .maddr = maddr };
			list_add(&h->link, &uf->held);
		} else {
			pr_warn("cannot record a ring or port: not given back at close\n");
		}
	}
	mutex_unlock(&uf->held_lock);
}

static void let_go(struct umbra_file *uf, u32 cmd, u32 domid, u32 key)
{
	struct umbra_held *h;

	mutex_lock(&uf->held_lock);
	h = find(uf, cmd, domid, key);
	if (h) {
		list_del(&h->link);
		kfree(h);
	}
	mutex_unlock(&uf->held_lock);
}

void umbra_rings_after(struct umbra_file *uf, const struct umbra_mgmt *req, long ret)
{
	if (ret < 0)
		return;
	if (req->cmd == UMBRA_MGMT_ring_map) {
		if (req->u.ring_map.op == UMBRA_RING_MAP)
			hold(uf, req->cmd, req->domid, req->u.ring_map.which,
			     req->u.ring_map.maddr);
		else
			let_go(uf, req->cmd, req->domid, req->u.ring_map.which);
	} else if (req->cmd == UMBRA_MGMT_evtchn_op) {
		/* Ports are dom0's: recorded under domid 0. */
		if (req->u.evtchn.op == UMBRA_EVTCHN_BIND)
			hold(uf, req->cmd, 0, req->u.evtchn.port, 0);
		else if (req->u.evtchn.op == UMBRA_EVTCHN_CLOSE)
			let_go(uf, req->cmd, 0, req->u.evtchn.port);
	}
}

/* mmap(offset = the machine address ring_map returned), one page. */
int umbra_rings_mmap(struct umbra_file *uf, struct vm_area_struct *vma)
{
	u64 maddr = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct umbra_held *h;
	bool ok = false;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&uf->held_lock);
	list_for_each_entry(h, &uf->held, link)
		if (h->cmd == UMBRA_MGMT_ring_map && h->maddr == maddr)
			ok = true;
	mutex_unlock(&uf->held_lock);
	if (!ok)
		return -EACCES;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;	/* Linux 6.1 */
	return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, PAGE_SIZE,
			       vma->vm_page_prot);
}

static void give_back(const struct umbra_held *h)
{
	struct umbra_mgmt req = {
		.cmd = h->cmd,
		.interface_version = UMBRA_MGMT_INTERFACE_VERSION,
		.domid = h->domid,
	};
	long ret;

	if (h->cmd == UMBRA_MGMT_ring_map) {
		req.u.ring_map.which = h->which_or_port;
		req.u.ring_map.op = UMBRA_RING_UNMAP;
	} else {
		req.u.evtchn.op = UMBRA_EVTCHN_CLOSE;
		req.u.evtchn.port = h->which_or_port;
	}
	ret = umbra_mgmt_hypercall(&req);
	/* The domain may be gone already, taking both with it. */
	if (ret < 0 && ret != -ESRCH && ret != -EINVAL && ret != -ENOENT)
		pr_warn("giving back %s %u of domain %u: error %ld\n",
			h->cmd == UMBRA_MGMT_ring_map ? "ring" : "port",
			h->which_or_port, h->domid, ret);
}

/* At close: no vma of this file is left (each holds the file). */
void umbra_rings_release(struct umbra_file *uf)
{
	struct umbra_held *h, *n;

	list_for_each_entry_safe(h, n, &uf->held, link) {
		give_back(h);
		list_del(&h->link);
		kfree(h);
	}
}
