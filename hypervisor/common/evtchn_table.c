/* A domain's event-channel port table (umbra/evtchn_table.h). */
#include <umbra/errno.h>
#include <umbra/evtchn_table.h>
#include <umbra/string.h>

_Static_assert(EVTCHN_BUCKETS * EVTCHNS_PER_BUCKET == EVTCHN_MAX_PORTS,
	       "whole buckets cover the 2-level ABI's ports");

static int add_bucket(struct evtchn_table *t, const struct evtchn_pages *pages)
{
	unsigned int b = t->valid_ports / EVTCHNS_PER_BUCKET;
	struct evtchn *page;

	if (b >= EVTCHN_BUCKETS)
		return -ENOSPC;
	page = pages->alloc();
	if (!page)
		return -ENOMEM;
	memset(page, 0, EVTCHN_BUCKET_PAGE);
	t->bucket[b] = page;
	t->valid_ports += EVTCHNS_PER_BUCKET;
	return 0;
}

int evtchn_table_init(struct evtchn_table *t, uint32_t max_ports,
		      const struct evtchn_pages *pages)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->max_ports = max_ports < EVTCHN_MAX_PORTS ? max_ports : EVTCHN_MAX_PORTS;
	err = add_bucket(t, pages);
	if (!err)
		t->bucket[0][0].state = ECS_RESERVED;
	return err;
}

void evtchn_table_release(struct evtchn_table *t, const struct evtchn_pages *pages)
{
	for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
		if (t->bucket[b])
			pages->free(t->bucket[b]);
		t->bucket[b] = NULL;
	}
	t->valid_ports = 0;
}

bool evtchn_port_valid(const struct evtchn_table *t, uint32_t port)
{
	return port < t->valid_ports && port < t->max_ports;
}

struct evtchn *evtchn_at(struct evtchn_table *t, uint32_t port)
{
	if (!evtchn_port_valid(t, port))
		return NULL;
	return &t->bucket[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

int evtchn_free_port(struct evtchn_table *t, const struct evtchn_pages *pages)
{
	uint32_t port;
	int err;

	if (t->dying)
		return -EINVAL;
	for (port = 0; evtchn_port_valid(t, port); port++)
		if (evtchn_at(t, port)->state == ECS_FREE)
			return (int)port;
	if (port >= t->max_ports)
		return -ENOSPC;
	err = add_bucket(t, pages);
	return err ? err : (int)port;
}

int evtchn_table_cover(struct evtchn_table *t, uint32_t port,
		       const struct evtchn_pages *pages)
{
	int err = 0;

	if (port >= t->max_ports)
		return -ENOSPC;
	while (!err && !evtchn_port_valid(t, port))
		err = add_bucket(t, pages);
	return err;
}

void evtchn_release_port(struct evtchn_table *t, uint32_t port)
{
	struct evtchn *chn = evtchn_at(t, port);

	if (chn && chn->state != ECS_RESERVED)
		memset(chn, 0, sizeof(*chn));
}

bool evtchn_virq_is_per_vcpu(uint32_t virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
	       virq == VIRQ_XENPMU;
}
