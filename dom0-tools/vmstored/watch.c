/* Watch registration and event delivery. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "path.h"

struct match {
	struct watch *w;
	const char *event_path;
};

static bool watch_eq(const struct hlink *l, const void *key)
{
	const struct watch *w = container_of(l, struct watch, link);
	const struct path_key *k = key;

	return !strncmp(w->abs, k->path, k->len) && w->abs[k->len] == 0;
}

static struct watch *find(struct client *c, const char *path, const char *token)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->watches) {
		struct watch *w = list_entry(pos, struct watch, client_link);

		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return w;
	}
	return NULL;
}

/* Canonical form of a watch path; "@..." names are kept as they are. */
static int watch_abs(struct client *c, const char *path, char *abs,
		     uint32_t *strip)
{
	int len;

	*strip = 0;
	if (path[0] == '@') {
		len = (int)strlen(path);
		if (len >= PATH_BUF_SIZE || !path_chars_valid(path, len))
			return -EINVAL;
		memcpy(abs, path, (size_t)len + 1);
		return len;
	}
	len = path_canonicalize(path, c->domid, abs, PATH_BUF_SIZE);
	if (len > 0 && path[0] != '/')
		*strip = (uint32_t)(len - strlen(path));
	return len;
}

int watch_add(struct client *c, const char *path, const char *token)
{
	struct store *s = c->store;
	char abs[PATH_BUF_SIZE];
	struct watch *w;
	uint32_t strip;
	int len = watch_abs(c, path, abs, &strip);

	if (len < 0)
		return EINVAL;
	if (find(c, path, token))
		return EEXIST;
	if (!c->privileged && c->domain->watches >= s->quota.watches)
		return E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->path = strdup(path);
	w->abs = strdup(abs);
	w->token = strdup(token);
	if (!w->path || !w->abs || !w->token) {
		free(w->path);
		free(w->abs);
		free(w->token);
		free(w);
		return ENOMEM;
	}
	w->strip = strip;
	w->client = c;
	w->seq = ++s->watch_seq;
	w->link.hash = hash_bytes(abs, (size_t)len);
	htable_insert(&s->watch_index, &w->link);
	list_add_tail(&w->client_link, &c->watches);
	list_add_tail(&w->all_link, &s->watches);
	c->domain->watches++;
	return 0;
}

static void watch_free(struct store *s, struct watch *w)
{
	htable_remove(&s->watch_index, &w->link);
	list_del(&w->client_link);
	list_del(&w->all_link);
	w->client->domain->watches--;
	free(w->path);
	free(w->abs);
	free(w->token);
	free(w);
}

int watch_del(struct client *c, const char *path, const char *token)
{
	struct watch *w = find(c, path, token);

	if (!w)
		return ENOENT;
	watch_free(c->store, w);
	return 0;
}

void watch_del_all(struct client *c)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->watches)
		watch_free(c->store, list_entry(pos, struct watch, client_link));
}

struct match_set {
	struct match *m;
	size_t n, cap;
};

static void add_match(struct match_set *set, struct watch *w,
		      const char *event_path)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct match *m = realloc(set->m, cap * sizeof(*m));

		if (!m)
			return;	/* events may be lost, never corrupt */
		set->m = m;
		set->cap = cap;
	}
	set->m[set->n].w = w;
	set->m[set->n].event_path = event_path;
	set->n++;
}

/* Every watch registered on exactly path[0..len). */
static void match_exact(struct store *s, const char *path, size_t len,
			const char *event_path, struct match_set *set)
{
	struct path_key k = { path, len };
	uint64_t h = hash_bytes(path, len);
	struct hlink *l = s->watch_index.buckets[h & s->watch_index.mask];

	for (; l; l = l->next)
		if (l->hash == h && watch_eq(l, &k))
			add_match(set, container_of(l, struct watch, link),
				  event_path);
}

static int by_seq(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	return x->w->seq < y->w->seq ? -1 : x->w->seq > y->w->seq;
}

static void deliver(struct match_set *set, const struct perms *perms)
{
	size_t i;

	if (set->n > 1)
		qsort(set->m, set->n, sizeof(*set->m), by_seq);
	for (i = 0; i < set->n; i++) {
		struct watch *w = set->m[i].w;
		struct client *c = w->client;
		const char *ev = set->m[i].event_path;

		if (!c->privileged && perms &&
		    !(perms_access(perms, c->domid, c->domain->target) &
		      VMS_PERM_READ))
			continue;
		if (w->strip && strlen(ev) > w->strip)
			ev += w->strip;
		c->send_event(c, ev, w->token);
	}
	free(set->m);
}

void watch_fire(struct store *s, const char *path, size_t len,
		const struct perms *perms, bool removed)
{
	struct match_set set = { 0 };
	char event_path[PATH_BUF_SIZE];
	size_t l = len;

	if (s->watch_index.count == 0 || len >= sizeof(event_path))
		return;
	memcpy(event_path, path, len);
	event_path[len] = 0;
	for (;;) {
		match_exact(s, path, l, event_path, &set);
		if (l <= 1)
			break;
		l = path_parent_len(path, l);
	}
	if (removed) {
		struct list_head *pos, *tmp;

		list_for_each_safe(pos, tmp, &s->watches) {
			struct watch *w = list_entry(pos, struct watch,
						     all_link);

			if (strlen(w->abs) > len &&
			    path_is_child(w->abs, event_path))
				add_match(&set, w, w->abs);
		}
	}
	deliver(&set, perms);
}

void watch_fire_special(struct store *s, enum special_node which)
{
	const char *name = special_name(which);
	struct match_set set = { 0 };

	match_exact(s, name, strlen(name), name, &set);
	deliver(&set, &s->special_perms[which]);
}
