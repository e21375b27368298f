/*
 * The node tree. Every node is indexed by its full path in one hash
 * table, so a lookup never scans siblings; children are also linked in
 * creation order, which is the order DIRECTORY reports (as xenstored).
 *
 * Each change to a node (value, permissions, child list) stamps it with a
 * new generation number; transactions compare generations to find out
 * whether anything they looked at changed under them.
 */
#ifndef VMSTORED_TREE_H
#define VMSTORED_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "perms.h"

struct node {
	struct hlink link;	/* in tree.paths, keyed by path */
	char *path;		/* full path, NUL-terminated */
	uint32_t path_len;
	uint32_t value_len;
	char *value;		/* NUL-terminated for convenience */
	struct perms perms;
	uint64_t gen;
	struct node *parent;
	struct node *first_child, *last_child;
	struct node *prev, *next;	/* siblings */
	uint32_t nchildren;
	uint32_t children_bytes;	/* sum of strlen(name) + 1 */
};

struct tree {
	struct htable paths;
	struct node *root;
	uint64_t gen;		/* last generation handed out */
	size_t nnodes;
};

/* Called for each node of a removed subtree, children first. */
typedef void (*tree_visit_fn)(struct node *n, void *arg);

int tree_init(struct tree *t);
void tree_destroy(struct tree *t);

struct node *tree_lookup(const struct tree *t, const char *path,
			 size_t len);
/* Create a child of parent; path must be parent's path plus one name. */
struct node *tree_add_child(struct tree *t, struct node *parent,
			    const char *path, size_t len,
			    const struct perms *perms);
int tree_set_value(struct tree *t, struct node *n, const void *value,
		   uint32_t len);
/* Takes ownership of perms. */
void tree_set_perms(struct tree *t, struct node *n, struct perms *perms);
/* Remove n and its subtree (not the root); visit sees each node first. */
void tree_remove(struct tree *t, struct node *n, tree_visit_fn visit,
		 void *arg);

static inline const char *node_name(const struct node *n)
{
	const char *slash = n->path + n->path_len;

	while (slash > n->path && slash[-1] != '/')
		slash--;
	return slash;
}

/* Walk the whole tree parents-first (for saving state). */
void tree_walk(const struct tree *t, void (*fn)(const struct node *n,
						 void *arg), void *arg);
/* Self-check of every invariant; returns NULL or what is broken. */
const char *tree_check(const struct tree *t);

#endif
