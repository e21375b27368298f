/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of umbra.ko tell each other. */
#ifndef UMBRA_DRV_H
#define UMBRA_DRV_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/types.h>

/* One open /dev/umbra: the event generation it last saw, and the kernel
 * copy of its requests' buffers, kept between ioctls (umbra_dev.c). */
struct umbra_file {
	u64 seen;
	struct mutex buf_lock;
	void *buf;
	size_t buf_size;
};

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
