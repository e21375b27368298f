/* Store lifetime, domain bookkeeping and the special event names. */
#include "store.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const special_names[SPECIAL_COUNT] = {
	[SPECIAL_INTRODUCE] = "@introduceDomain",
	[SPECIAL_RELEASE] = "@releaseDomain",
};

int store_init(struct store *s)
{
	const struct quota defaults = QUOTA_DEFAULTS;
	int i;

	memset(s, 0, sizeof(*s));
	s->quota = defaults;
	list_init(&s->watches);
	if (tree_init(&s->tree))
		return -1;
	if (htable_init(&s->domains, 64) || htable_init(&s->watch_index, 64))
		goto fail;
	for (i = 0; i < SPECIAL_COUNT; i++)
		if (perms_single(&s->special_perms[i], 0, VMS_PERM_NONE))
			goto fail;
	if (!domain_get(s, 0))
		goto fail;
	domain_recount_nodes(s);
	return 0;
fail:
	store_destroy(s);
	return -1;
}

void store_destroy(struct store *s)
{
	struct hlink *l, *next;
	size_t b = 0;
	int i;

	if (s->domains.buckets) {
		for (l = htable_next(&s->domains, &b, NULL); l; l = next) {
			next = htable_next(&s->domains, &b, l);
			domain_forget_saved_watches(container_of(l, struct domain, link));
			free(container_of(l, struct domain, link));
		}
	}
	for (i = 0; i < SPECIAL_COUNT; i++)
		perms_free(&s->special_perms[i]);
	htable_destroy(&s->domains);
	htable_destroy(&s->watch_index);
	tree_destroy(&s->tree);
}

void domain_forget_saved_watches(struct domain *d)
{
	for (uint32_t i = 0; i < 2 * d->nsaved_watches; i++)
		free(d->saved_watches[i]);
	free(d->saved_watches);
	d->saved_watches = NULL;
	d->nsaved_watches = 0;
}

static bool domain_eq(const struct hlink *l, const void *key)
{
	return container_of(l, struct domain, link)->domid ==
	       *(const uint32_t *)key;
}

struct domain *domain_find(struct store *s, uint32_t domid)
{
	struct hlink *l = htable_find(&s->domains, hash_bytes(&domid,
				      sizeof(domid)), domain_eq, &domid);

	return l ? container_of(l, struct domain, link) : NULL;
}

struct domain *domain_get(struct store *s, uint32_t domid)
{
	struct domain *d = domain_find(s, domid);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	d->target = DOMID_NONE;
	d->introduced = domid == 0;
	d->link.hash = hash_bytes(&domid, sizeof(domid));
	htable_insert(&s->domains, &d->link);
	return d;
}

void domain_count_node(struct store *s, uint32_t owner, int delta)
{
	struct domain *d = domain_get(s, owner);

	/* Without memory for the entry the count is lost, not the node. */
	if (d)
		d->nodes += (uint32_t)delta;
}

static void count_owner(const struct node *n, void *arg)
{
	domain_count_node(arg, perms_owner(&n->perms), 1);
}

void domain_recount_nodes(struct store *s)
{
	struct hlink *l;
	size_t b = 0;

	for (l = htable_next(&s->domains, &b, NULL); l;
	     l = htable_next(&s->domains, &b, l))
		container_of(l, struct domain, link)->nodes = 0;
	tree_walk(&s->tree, count_owner, s);
}

uint32_t *quota_field(struct quota *q, const char *name)
{
	static const struct {
		const char *name;
		size_t offset;
	} fields[] = {
		{ "nodes", offsetof(struct quota, nodes) },
		{ "node-size", offsetof(struct quota, node_size) },
		{ "perms", offsetof(struct quota, perms) },
		{ "watches", offsetof(struct quota, watches) },
		{ "transactions", offsetof(struct quota, transactions) },
		{ "outstanding", offsetof(struct quota, outstanding) },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(name, fields[i].name))
			return (uint32_t *)((char *)q + fields[i].offset);
	return NULL;
}

int store_set_quota(struct store *s, const char *spec)
{
	const char *eq = strchr(spec, '=');
	char name[32], *end;
	unsigned long val;
	uint32_t *field;

	if (!eq || (size_t)(eq - spec) >= sizeof(name))
		return -1;
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = 0;
	field = quota_field(&s->quota, name);
	val = strtoul(eq + 1, &end, 10);
	if (!field || !eq[1] || *end || val > UINT32_MAX)
		return -1;
	*field = (uint32_t)val;
	return 0;
}

const char *special_name(enum special_node which)
{
	return special_names[which];
}

int special_lookup(const char *path)
{
	int i;

	for (i = 0; i < SPECIAL_COUNT; i++)
		if (!strcmp(path, special_names[i]))
			return i;
	return -1;
}
