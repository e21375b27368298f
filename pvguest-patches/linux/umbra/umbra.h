/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of umbra.ko tell each other. */
#ifndef UMBRA_DRV_H
#define UMBRA_DRV_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/types.h>

/* One open /dev/umbra: the event generation it last saw, the kernel
 * copy of its requests' buffers, kept between ioctls (umbra_dev.c), and
 * what it holds for a back end (umbra_rings.c). */
struct umbra_file {
	u64 seen;
	struct mutex buf_lock;
	void *buf;
	size_t buf_size;
	/* Rings mapped and dom0 ports bound through it (umbra_rings.c). */
	struct mutex held_lock;
	struct list_head held;
};

struct umbra_mgmt;

/* umbra_rings.c */
void umbra_rings_after(struct umbra_file *uf, const struct umbra_mgmt *req, long ret);
int umbra_rings_mmap(struct umbra_file *uf, struct vm_area_struct *vma);
void umbra_rings_release(struct umbra_file *uf);

/* umbra_copy.c: copy_{to,from}_user() in 8-byte moves; 0 or -EFAULT. */
int umbra_copy_to_user(void __user *to, const void *from, size_t len);
int umbra_copy_from_user(void *to, const void __user *from, size_t len);

/* umbra_dev.c */
int umbra_dev_register(void);
void umbra_dev_unregister(void);

/* umbra_events.c */
void umbra_events_start(void);
int umbra_events_query(u64 *generation);
/* The event interrupt's vector, which every events call arms; 0: none. */
u32 umbra_events_vector(void);
__poll_t umbra_events_poll(struct file *file, struct umbra_file *uf,
			   poll_table *wait);
void umbra_events_seen(struct umbra_file *uf, u64 generation);
void umbra_events_stop(void);

#endif
