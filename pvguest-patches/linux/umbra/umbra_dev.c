// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/umbra: root's door to Umbra's management hypercall. The ioctl
 * copies a request and its buffer into the kernel, bounded, so the
 * hypervisor reads only kernel memory that cannot change or vanish under
 * it, then copies the results back. poll() is in umbra_events.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "public/mgmt.h"
#include "umbra.h"
#include "umbra_hypercall.h"
#include "umbra_ioctl.h"

/*
 * The bytes of buf the hypervisor wrote, from the command and its result;
 * 0 for a command that only reads buf. Only these go back to the user,
 * so an out-buffer needs no copy in (stale kernel memory beyond them is
 * never copied out), and a refresh copies what there is, not the room.
 */
static size_t out_bytes(const struct umbra_mgmt *req, long ret, size_t len)
{
	size_t rec;

	switch (req->cmd) {
	case UMBRA_MGMT_console_read:
	case UMBRA_MGMT_log_read:
		return min_t(u64, req->u.ring.len, len);
	case UMBRA_MGMT_domain_list:
		rec = sizeof(struct umbra_domain_info);
		break;
	case UMBRA_MGMT_domain_counters:
		rec = sizeof(struct umbra_domain_counters);
		break;
	case UMBRA_MGMT_snapshot:
		/* Records of their domain's size: Umbra says how many bytes. */
		return min_t(u64, req->u.snapshot.bytes, len);
	case UMBRA_MGMT_evtchn_pending:
		return len;
	case UMBRA_MGMT_memory_read:
		/* Continued to the end: all of it on success. */
		return ret == 0 ? len : 0;
	case UMBRA_MGMT_vcpu_context_get:
		return len;
	case UMBRA_MGMT_domain_state:
		/* The header and the records that fit after it. */
		if (len < sizeof(struct umbra_domain_state))
			return 0;
		rec = sizeof(struct umbra_evtchn_record);
		return sizeof(struct umbra_domain_state) +
		       min_t(size_t, ret, (len - sizeof(struct umbra_domain_state)) / rec) * rec;
	case UMBRA_MGMT_grant_state:
		/* All of it (ret bytes), or the header alone when it did not
		 * fit (ret says how much room to ask for). */
		if (req->u.state.op != UMBRA_DOMAIN_STATE_GET || ret < 0)
			return 0;
		if ((size_t)ret <= len)
			return ret;
		return len >= sizeof(struct umbra_grant_state) ?
		       sizeof(struct umbra_grant_state) : 0;
	default:
		return 0;
	}
	return min_t(size_t, ret, len / rec) * rec;
}

/* Commands whose buffer the hypervisor reads and then fills. */
static bool buf_is_inout(u32 cmd)
{
	return cmd == UMBRA_MGMT_evtchn_pending;
}

/* Commands whose buffer the hypervisor fills; the others only read it. */
static bool buf_is_out(const struct umbra_mgmt *req)
{
	if (buf_is_inout(req->cmd))
		return true;
	switch (req->cmd) {
	case UMBRA_MGMT_domain_state:
	case UMBRA_MGMT_grant_state:
		return req->u.state.op == UMBRA_DOMAIN_STATE_GET;
	case UMBRA_MGMT_memory_read:
	case UMBRA_MGMT_vcpu_context_get:
	case UMBRA_MGMT_domain_list:
	case UMBRA_MGMT_console_read:
	case UMBRA_MGMT_log_read:
	case UMBRA_MGMT_domain_counters:
	case UMBRA_MGMT_snapshot:
		return true;
	default:
		return false;
	}
}

/*
 * The events command is the driver's too: it records what this file has
 * seen, for poll(), and it alone chooses how dom0 is notified (a vector
 * nobody handles would only raise spurious interrupts): a caller's events
 * call arms the driver's event interrupt, if it has one, and event_irq is
 * the driver's alone.
 */
static int check_request(struct umbra_mgmt *req)
{
	if (req->buf_len > UMBRA_MGMT_BUF_MAX)
		return -E2BIG;
	if (req->cmd == UMBRA_MGMT_events && req->u.events.vector)
		return -EINVAL;
	if (req->cmd == UMBRA_MGMT_event_irq)
		return -EPERM;
	if (req->cmd == UMBRA_MGMT_events)
		req->u.events.vector = umbra_events_vector();
	return 0;
}

/*
 * The file's kernel buffer, at least len bytes. It is kept from one ioctl
 * to the next: allocating 100 KiB (kvmalloc falls back to vmalloc) cost
 * more than a whole monitor refresh's hypercall. At most
 * UMBRA_MGMT_BUF_MAX bytes per open file, which only root has.
 */
static void *file_buffer(struct umbra_file *uf, size_t len)
{
	void *b;

	if (uf->buf_size >= len)
		return uf->buf;
	b = kvmalloc(len, GFP_KERNEL);
	if (!b)
		return NULL;
	kvfree(uf->buf);
	uf->buf = b;
	uf->buf_size = len;
	return b;
}

/* Issue the hypercall with a kernel copy of the user's buffer. */
static long mgmt_with_buffer(struct umbra_file *uf, struct umbra_mgmt *req)
{
	void __user *ubuf = u64_to_user_ptr(req->buf);
	size_t len = req->buf_len;
	bool out = buf_is_out(req);
	void *kbuf = NULL;
	size_t done;
	long ret;

	if (len) {
		kbuf = file_buffer(uf, len);
		if (!kbuf)
			return -ENOMEM;
		if ((!out || buf_is_inout(req->cmd)) && umbra_copy_from_user(kbuf, ubuf, len))
			return -EFAULT;
	}
	req->buf = (u64)(unsigned long)kbuf;
	ret = umbra_mgmt_hypercall(req);
	req->buf = (u64)(unsigned long)ubuf;
	done = ret >= 0 && len && out ? out_bytes(req, ret, len) : 0;
	if (done && umbra_copy_to_user(ubuf, kbuf, done))
		ret = -EFAULT;
	return ret;
}

static long umbra_ioctl_mgmt(struct umbra_file *uf, struct umbra_mgmt __user *ureq)
{
	struct umbra_mgmt req;
	long ret;

	if (umbra_copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	ret = check_request(&req);
	if (ret)
		return ret;
	/* One request at a time per file: its threads share the buffer. */
	mutex_lock(&uf->buf_lock);
	ret = mgmt_with_buffer(uf, &req);
	mutex_unlock(&uf->buf_lock);
	umbra_rings_after(uf, &req, ret);
	if (ret >= 0 && req.cmd == UMBRA_MGMT_events)
		umbra_events_seen(uf, req.u.events.generation);
	if (req.cmd == UMBRA_MGMT_events)
		req.u.events.vector = 0;	/* the caller's, as it gave it */
	/* Also on failure: a version mismatch comes back in the request. */
	if (umbra_copy_to_user(ureq, &req, sizeof(req)))
		return -EFAULT;
	return ret;
}

static long umbra_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != UMBRA_IOCTL_MGMT)
		return -ENOTTY;
	return umbra_ioctl_mgmt(file->private_data, (void __user *)arg);
}

static int umbra_open(struct inode *inode, struct file *file)
{
	struct umbra_file *uf;

	/* The device mode already says root; a capability also keeps out a
	 * root without privilege (a container, a dropped-capability shell). */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf)
		return -ENOMEM;
	mutex_init(&uf->buf_lock);
	mutex_init(&uf->held_lock);
	INIT_LIST_HEAD(&uf->held);
	file->private_data = uf;
	return nonseekable_open(inode, file);
}

static int umbra_release(struct inode *inode, struct file *file)
{
	struct umbra_file *uf = file->private_data;

	umbra_rings_release(uf);
	kvfree(uf->buf);
	kfree(uf);
	return 0;
}

static __poll_t umbra_poll(struct file *file, poll_table *wait)
{
	return umbra_events_poll(file, file->private_data, wait);
}

static int umbra_mmap(struct file *file, struct vm_area_struct *vma)
{
	return umbra_rings_mmap(file->private_data, vma);
}

static const struct file_operations umbra_fops = {
	.owner = THIS_MODULE,
	.open = umbra_open,
	.release = umbra_release,
	.unlocked_ioctl = umbra_ioctl,
	.poll = umbra_poll,
	.mmap = umbra_mmap,
	.llseek = no_llseek,
};

static struct miscdevice umbra_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "umbra",
	.fops = &umbra_fops,
	.mode = 0600,
};

int umbra_dev_register(void)
{
	return misc_register(&umbra_misc);
}

void umbra_dev_unregister(void)
{
	misc_deregister(&umbra_misc);
}
