/* The node tree: index, child order, removal, generations, scale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "dom0-tools/vmstored/path.h"
#include "dom0-tools/vmstored/tree.h"

static struct perms p0;

static int setup(void **state)
{
	struct tree *t = malloc(sizeof(*t));

	assert_int_equal(tree_init(t), 0);
	assert_int_equal(perms_single(&p0, 0, VMS_PERM_NONE), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tree_destroy(*state);
	free(*state);
	perms_free(&p0);
	return 0;
}

static struct node *add(struct tree *t, const char *path)
{
	size_t len = strlen(path);
	struct node *parent = tree_lookup(t, path, path_parent_len(path, len));

	assert_non_null(parent);
	return tree_add_child(t, parent, path, len, &p0);
}

static void names(const struct node *n, char *out)
{
	const struct node *c;

	out[0] = 0;
	for (c = n->first_child; c; c = c->next) {
		strcat(out, node_name(c));
		strcat(out, ",");
	}
}

static void test_root_only(void **state)
{
	struct tree *t = *state;

	assert_non_null(t->root);
	assert_ptr_equal(tree_lookup(t, "/", 1), t->root);
	assert_null(tree_lookup(t, "/a", 2));
	assert_int_equal(t->nnodes, 1);
	assert_null(tree_check(t));
}

static void test_children_in_creation_order(void **state)
{
	struct tree *t = *state;
	char buf[64];

	add(t, "/z");
	add(t, "/a");
	add(t, "/m");
	names(t->root, buf);
	assert_string_equal(buf, "z,a,m,");
	assert_int_equal(t->root->nchildren, 3);
	assert_int_equal(t->root->children_bytes, 6);
	assert_null(tree_check(t));
}

static void test_lookup_is_exact(void **state)
{
	struct tree *t = *state;

	add(t, "/ab");
	add(t, "/ab/c");
	assert_null(tree_lookup(t, "/a", 2));
	assert_null(tree_lookup(t, "/ab/", 4));
	assert_non_null(tree_lookup(t, "/ab/c", 5));
	/* A prefix of a longer string is looked up by length. */
	assert_non_null(tree_lookup(t, "/ab/c/d", 3));
}

static void test_remove_subtree(void **state)
{
	struct tree *t = *state;
	char buf[64];

	add(t, "/a");
	add(t, "/a/b");
	add(t, "/a/b/c");
	add(t, "/a/d");
	add(t, "/e");
	tree_remove(t, tree_lookup(t, "/a", 2), NULL, NULL);
	assert_null(tree_lookup(t, "/a/b/c", 6));
	assert_null(tree_lookup(t, "/a/d", 4));
	assert_int_equal(t->nnodes, 2);
	names(t->root, buf);
	assert_string_equal(buf, "e,");
	assert_null(tree_check(t));
}

static void test_remove_middle_child_keeps_links(void **state)
{
	struct tree *t = *state;
	char buf[64];

	add(t, "/a");
	add(t, "/b");
	add(t, "/c");
	tree_remove(t, tree_lookup(t, "/b", 2), NULL, NULL);
	names(t->root, buf);
	assert_string_equal(buf, "a,c,");
	tree_remove(t, tree_lookup(t, "/c", 2), NULL, NULL);
	add(t, "/d");
	names(t->root, buf);
	assert_string_equal(buf, "a,d,");
	assert_null(tree_check(t));
}

static void count_visit(struct node *n, void *arg)
{
	(void)n;
	(*(int *)arg)++;
}

static void test_remove_visits_every_node(void **state)
{
	struct tree *t = *state;
	int visited = 0;

	add(t, "/a");
	add(t, "/a/b");
	add(t, "/a/b/c");
	tree_remove(t, tree_lookup(t, "/a", 2), count_visit, &visited);
	assert_int_equal(visited, 3);
}

static void test_root_cannot_be_removed(void **state)
{
	struct tree *t = *state;

	tree_remove(t, t->root, NULL, NULL);
	assert_ptr_equal(tree_lookup(t, "/", 1), t->root);
}

static void test_generations_change_on_every_change(void **state)
{
	struct tree *t = *state;
	struct node *a = add(t, "/a");
	uint64_t g0 = a->gen, groot = t->root->gen;
	struct perms p;

	assert_int_equal(tree_set_value(t, a, "x", 1), 0);
	assert_true(a->gen > g0);
	g0 = a->gen;
	assert_int_equal(perms_single(&p, 3, VMS_PERM_READ), 0);
	tree_set_perms(t, a, &p);
	assert_true(a->gen > g0);
	g0 = a->gen;
	add(t, "/a/b");
	assert_true(a->gen > g0);
	g0 = a->gen;
	tree_remove(t, tree_lookup(t, "/a/b", 4), NULL, NULL);
	assert_true(a->gen > g0);
	assert_true(t->root->gen > groot - 1);
}

static void test_values_are_binary_and_terminated(void **state)
{
	struct tree *t = *state;
	struct node *a = add(t, "/a");

	assert_int_equal(tree_set_value(t, a, "a\0b", 3), 0);
	assert_int_equal(a->value_len, 3);
	assert_memory_equal(a->value, "a\0b", 3);
	assert_int_equal(a->value[3], 0);
}

static void test_check_has_teeth(void **state)
{
	struct tree *t = *state;
	struct node *a = add(t, "/a");

	add(t, "/a/b");
	assert_null(tree_check(t));
	a->nchildren++;
	assert_non_null(tree_check(t));
	a->nchildren--;
	a->children_bytes++;
	assert_non_null(tree_check(t));
	a->children_bytes--;
	t->nnodes++;
	assert_non_null(tree_check(t));
	t->nnodes--;
	assert_null(tree_check(t));
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * 100,000 children of one node, then lookups and removals of the last
 * ones: a sibling scan would make this quadratic (10^10 steps), which
 * the time bound catches even under sanitizers.
 */
static void test_100k_siblings_without_scans(void **state)
{
	struct tree *t = *state;
	char path[32];
	double t0 = seconds();
	int i;

	add(t, "/big");
	for (i = 0; i < 100000; i++) {
		snprintf(path, sizeof(path), "/big/n%d", i);
		assert_non_null(add(t, path));
	}
	for (i = 99999; i >= 0; i -= 7) {
		snprintf(path, sizeof(path), "/big/n%d", i);
		assert_non_null(tree_lookup(t, path, strlen(path)));
	}
	for (i = 99999; i > 99000; i--) {
		snprintf(path, sizeof(path), "/big/n%d", i);
		tree_remove(t, tree_lookup(t, path, strlen(path)), NULL, NULL);
	}
	assert_int_equal(tree_lookup(t, "/big", 4)->nchildren, 99001);
	assert_int_equal(t->nnodes, 99003);
	assert_null(tree_check(t));
	assert_true(seconds() - t0 < 20.0);
}

static void test_100k_nodes_deep_and_wide(void **state)
{
	struct tree *t = *state;
	char path[64];
	int i, j;

	for (i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/d%d", i);
		add(t, path);
		for (j = 0; j < 99; j++) {
			snprintf(path, sizeof(path), "/d%d/e%d", i, j);
			add(t, path);
		}
	}
	assert_int_equal(t->nnodes, 100001);
	assert_non_null(tree_lookup(t, "/d999/e98", 9));
	assert_null(tree_check(t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_root_only),
		T(test_children_in_creation_order),
		T(test_lookup_is_exact),
		T(test_remove_subtree),
		T(test_remove_middle_child_keeps_links),
		T(test_remove_visits_every_node),
		T(test_root_cannot_be_removed),
		T(test_generations_change_on_every_change),
		T(test_values_are_binary_and_terminated),
		T(test_check_has_teeth),
		T(test_100k_siblings_without_scans),
		T(test_100k_nodes_deep_and_wide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
