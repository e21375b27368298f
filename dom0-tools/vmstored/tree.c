/* The node tree: path-indexed hash plus ordered child lists. */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

#include "path.h"

static bool node_eq(const struct hlink *l, const void *key)
{
	const struct node *n = container_of(l, struct node, link);

	return path_key_equal(key, n->path, n->path_len);
}

static struct node *node_new(const char *path, size_t len,
			     const struct perms *perms)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->path = malloc(len + 1);
	n->value = malloc(1);
	if (!n->path || !n->value || perms_copy(&n->perms, perms)) {
		free(n->path);
		free(n->value);
		free(n);
		return NULL;
	}
	memcpy(n->path, path, len);
	n->path[len] = 0;
	n->path_len = (uint32_t)len;
	n->value[0] = 0;
	n->link.hash = hash_bytes(path, len);
	return n;
}

static void node_free(struct node *n)
{
	perms_free(&n->perms);
	free(n->value);
	free(n->path);
	free(n);
}

int tree_init(struct tree *t)
{
	struct perms root_perms;

	memset(t, 0, sizeof(*t));
	if (htable_init(&t->paths, 1024))
		return -1;
	if (perms_single(&root_perms, 0, VMS_PERM_NONE))
		goto fail;
	t->root = node_new("/", 1, &root_perms);
	perms_free(&root_perms);
	if (!t->root)
		goto fail;
	t->root->gen = ++t->gen;
	htable_insert(&t->paths, &t->root->link);
	t->nnodes = 1;
	return 0;
fail:
	htable_destroy(&t->paths);
	return -1;
}

static void free_subtree(struct node *n)
{
	struct node *c = n->first_child, *next;

	for (; c; c = next) {
		next = c->next;
		free_subtree(c);
	}
	node_free(n);
}

void tree_destroy(struct tree *t)
{
	if (t->root)
		free_subtree(t->root);
	t->root = NULL;
	htable_destroy(&t->paths);
}

struct node *tree_lookup(const struct tree *t, const char *path, size_t len)
{
	struct path_key key = { path, len };
	struct hlink *l = htable_find(&t->paths, hash_bytes(path, len),
				      node_eq, &key);

	return l ? container_of(l, struct node, link) : NULL;
}

struct node *tree_add_child(struct tree *t, struct node *parent,
			    const char *path, size_t len,
			    const struct perms *perms)
{
	struct node *n = node_new(path, len, perms);

	if (!n)
		return NULL;
	n->parent = parent;
	n->prev = parent->last_child;
	if (parent->last_child)
		parent->last_child->next = n;
	else
		parent->first_child = n;
	parent->last_child = n;
	parent->nchildren++;
	parent->children_bytes += (uint32_t)strlen(node_name(n)) + 1;
	parent->gen = n->gen = ++t->gen;
	htable_insert(&t->paths, &n->link);
	t->nnodes++;
	return n;
}

int tree_set_value(struct tree *t, struct node *n, const void *value,
		   uint32_t len)
{
	char *v = malloc((size_t)len + 1);

	if (!v)
		return -1;
	memcpy(v, value, len);
	v[len] = 0;
	free(n->value);
	n->value = v;
	n->value_len = len;
	n->gen = ++t->gen;
	return 0;
}

void tree_set_perms(struct tree *t, struct node *n, struct perms *perms)
{
	perms_free(&n->perms);
	n->perms = *perms;
	perms->p = NULL;
	perms->n = 0;
	n->gen = ++t->gen;
}

static void unlink_subtree(struct tree *t, struct node *n, tree_visit_fn visit,
			   void *arg)
{
	struct node *c = n->first_child, *next;

	if (visit)
		visit(n, arg);
	for (; c; c = next) {
		next = c->next;
		unlink_subtree(t, c, visit, arg);
	}
	htable_remove(&t->paths, &n->link);
	t->nnodes--;
	node_free(n);
}

void tree_remove(struct tree *t, struct node *n, tree_visit_fn visit,
		 void *arg)
{
	struct node *parent = n->parent;

	if (!parent)
		return;		/* the root stays */
	if (n->prev)
		n->prev->next = n->next;
	else
		parent->first_child = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		parent->last_child = n->prev;
	parent->nchildren--;
	parent->children_bytes -= (uint32_t)strlen(node_name(n)) + 1;
	parent->gen = ++t->gen;
	unlink_subtree(t, n, visit, arg);
}

static void walk(const struct node *n,
		 void (*fn)(const struct node *n, void *arg), void *arg)
{
	const struct node *c;

	fn(n, arg);
	for (c = n->first_child; c; c = c->next)
		walk(c, fn, arg);
}

void tree_walk(const struct tree *t,
	       void (*fn)(const struct node *n, void *arg), void *arg)
{
	walk(t->root, fn, arg);
}

static bool child_path_ok(const struct node *parent, const struct node *c)
{
	size_t plen = parent->parent ? parent->path_len : 0;

	return c->path_len > plen + 1 && !memcmp(c->path, parent->path, plen) &&
	       c->path[plen] == '/' &&
	       !memchr(c->path + plen + 1, '/', c->path_len - plen - 1);
}

static const char *check_node(const struct tree *t, const struct node *n,
			      size_t *count)
{
	const struct node *c, *prev = NULL;
	uint32_t nc = 0, bytes = 0;

	(*count)++;
	if (tree_lookup(t, n->path, n->path_len) != n)
		return "node missing from path index";
	if (n->perms.n == 0)
		return "node without permissions";
	if (n->value[n->value_len] != 0)
		return "value not terminated";
	for (c = n->first_child; c; prev = c, c = c->next) {
		const char *err;

		if (c->parent != n || c->prev != prev)
			return "broken child links";
		if (!child_path_ok(n, c))
			return "child path not below parent";
		nc++;
		bytes += (uint32_t)strlen(node_name(c)) + 1;
		err = check_node(t, c, count);
		if (err)
			return err;
	}
	if (n->last_child != prev || n->nchildren != nc ||
	    n->children_bytes != bytes)
		return "child count or list tail wrong";
	return NULL;
}

const char *tree_check(const struct tree *t)
{
	size_t count = 0;
	const char *err = check_node(t, t->root, &count);

	if (err)
		return err;
	if (count != t->nnodes || count != t->paths.count)
		return "node count differs from index";
	return NULL;
}
