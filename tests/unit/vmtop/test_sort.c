/*
 * Sorting on every column (and reversed), filtering by name, and the
 * batch output (xentop's lines, JSON).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dom0-tools/vmtop/batch.h"
#include "dom0-tools/vmtop/sort.h"

#define NR 4

static struct vmtop_row rows[NR];

static void make_rows(void)
{
	static const char *const names[NR] = { "charlie", "Alpha", "delta", "bravo" };
	static const uint32_t states[NR] = { UMBRA_DOMSTATE_RUNNING, UMBRA_DOMSTATE_PAUSED,
		UMBRA_DOMSTATE_BLOCKED, UMBRA_DOMSTATE_SHUTDOWN };
	unsigned int i;

	memset(rows, 0, sizeof(rows));
	for (i = 0; i < NR; i++) {
		rows[i].domid = 10 + i;
		snprintf(rows[i].name, sizeof(rows[i].name), "%s", names[i]);
		rows[i].state = states[i];
		/* Each column ranks the rows differently. */
		rows[i].cpu_time_ns = (uint64_t)((i + 1) % NR) * 1000000000ull;
		rows[i].cpu_pct = (double)((i + 2) % NR);
		rows[i].mem_bytes = (uint64_t)((i + 3) % NR + 1) << 20;
		rows[i].nr_vcpus = i + 1;
		rows[i].exits_ps = (double)((i + 1) % NR) * 10;
		rows[i].hcalls_ps = (double)((i + 2) % NR) * 10;
		rows[i].pttraps_ps = (double)((i + 3) % NR) * 10;
		rows[i].paging_bytes = (uint64_t)(i % NR) << 12;
		rows[i].paging = i < 3 ? UMBRA_PAGING_NESTED + i : 99;
	}
}

static void order(const char *expect)
{
	char got[64] = "";
	unsigned int i;

	for (i = 0; i < NR; i++) {
		strcat(got, rows[i].name);
		strcat(got, i + 1 < NR ? " " : "");
	}
	assert_string_equal(got, expect);
}

static void sort_each_column(void **state)
{
	static const struct { enum vmtop_col col; const char *asc; } cases[] = {
		{ VMTOP_COL_ID, "charlie Alpha delta bravo" },
		{ VMTOP_COL_NAME, "Alpha bravo charlie delta" },
		/* xentop's letter order d s b c p r */
		{ VMTOP_COL_STATE, "bravo delta Alpha charlie" },
		{ VMTOP_COL_CPU_SEC, "delta Alpha charlie bravo" },
		{ VMTOP_COL_CPU_PCT, "Alpha charlie bravo delta" },
		{ VMTOP_COL_MEM, "charlie bravo delta Alpha" },
		{ VMTOP_COL_MEM_PCT, "charlie bravo delta Alpha" },
		{ VMTOP_COL_MAXMEM, "charlie bravo delta Alpha" },
		{ VMTOP_COL_MAXMEM_PCT, "charlie bravo delta Alpha" },
		{ VMTOP_COL_VCPUS, "bravo delta Alpha charlie" },
		{ VMTOP_COL_EXITS, "delta Alpha charlie bravo" },
		{ VMTOP_COL_HCALLS, "Alpha charlie bravo delta" },
		{ VMTOP_COL_PTTRAPS, "charlie bravo delta Alpha" },
		{ VMTOP_COL_SHADOW, "bravo delta Alpha charlie" },
		{ VMTOP_COL_PAGING, "bravo charlie Alpha delta" },	/* ? nested sh.. */
	};
	unsigned int i;

	(void)state;
	assert_int_equal(sizeof(cases) / sizeof(cases[0]), VMTOP_COL_NR);
	for (i = 0; i < VMTOP_COL_NR; i++) {
		char rev[64] = "", *w[NR], *save = NULL, copy[64];
		int n = 0;

		make_rows();
		vmtop_sort(rows, NR, cases[i].col, false);
		order(cases[i].asc);
		/* Reversed: the same order backwards (no ties among these). */
		snprintf(copy, sizeof(copy), "%s", cases[i].asc);
		for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
			w[n++] = t;
		while (n--) {
			strcat(rev, w[n]);
			strcat(rev, n ? " " : "");
		}
		vmtop_sort(rows, NR, cases[i].col, true);
		order(rev);
	}
}

static void ties_keep_domid_order(void **state)
{
	unsigned int i;

	(void)state;
	make_rows();
	for (i = 0; i < NR; i++)
		rows[i].nr_vcpus = 1;
	vmtop_sort(rows, NR, VMTOP_COL_VCPUS, false);
	order("charlie Alpha delta bravo");
	vmtop_sort(rows, NR, VMTOP_COL_VCPUS, true);
	order("charlie Alpha delta bravo");
}

static void filter_by_name(void **state)
{
	(void)state;
	make_rows();
	assert_int_equal(vmtop_filter(rows, NR, NULL), NR);
	assert_int_equal(vmtop_filter(rows, NR, ""), NR);
	assert_int_equal(vmtop_filter(rows, NR, "A"), 4);	/* every name has an a */
	make_rows();
	assert_int_equal(vmtop_filter(rows, NR, "LT"), 1);
	assert_string_equal(rows[0].name, "delta");
	make_rows();
	assert_int_equal(vmtop_filter(rows, NR, "r"), 2);
	assert_string_equal(rows[0].name, "charlie");
	assert_string_equal(rows[1].name, "bravo");
	make_rows();
	assert_int_equal(vmtop_filter(rows, NR, "zzz"), 0);
}

/* The pointer sort gives vmtop_sort()'s order, on every column either
 * way, from every starting order of the four rows. */
static void sort_ptrs_agrees(void **state)
{
	static const unsigned int perms[][NR] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 }, { 0, 2, 1, 3 },
	};
	struct vmtop_row sorted[NR];
	const struct vmtop_row *v[NR];
	unsigned int c, p, i;

	(void)state;
	for (c = 0; c < 2 * VMTOP_COL_NR; c++) {
		bool rev = c >= VMTOP_COL_NR;
		enum vmtop_col col = (enum vmtop_col)(c % VMTOP_COL_NR);

		make_rows();
		rows[3].cpu_pct = rows[0].cpu_pct;	/* a tie: domid decides */
		memcpy(sorted, rows, sizeof(rows));
		vmtop_sort(sorted, NR, col, rev);
		for (p = 0; p < sizeof(perms) / sizeof(perms[0]); p++) {
			for (i = 0; i < NR; i++)
				v[i] = &rows[perms[p][i]];
			vmtop_sort_ptrs(v, NR, col, rev);
			for (i = 0; i < NR; i++)
				assert_int_equal(v[i]->domid, sorted[i].domid);
		}
	}
}

static const struct vmtop_row *changed_row;

static bool all_but_changed(const struct vmtop_row *r, void *arg)
{
	(void)arg;
	return r != changed_row;
}

/* A row given the smallest or the largest values of every column. */
static void change(struct vmtop_row *r, bool big)
{
	snprintf(r->name, sizeof(r->name), "%s", big ? "zzzz" : "0");
	r->state = big ? UMBRA_DOMSTATE_CRASHED : UMBRA_DOMSTATE_RUNNING;
	r->cpu_time_ns = big ? 1ull << 50 : 0;
	r->cpu_pct = r->exits_ps = r->hcalls_ps = r->pttraps_ps = big ? 1e9 : 0;
	r->mem_bytes = r->paging_bytes = big ? 1ull << 50 : 0;
	r->nr_vcpus = big ? 64 : 0;
	r->paging = big ? 99 : UMBRA_PAGING_NESTED;
}

/* Sorted once, then one row changes: with the others said to be the
 * same, vmtop_sort_ptrs_same() still gives vmtop_sort()'s order, on every
 * column either way, whichever row moves and whichever way. */
static void sort_ptrs_same_agrees(void **state)
{
	struct vmtop_row sorted[NR];
	const struct vmtop_row *v[NR];
	unsigned int c, moved, big, i;

	(void)state;
	for (c = 0; c < 2 * VMTOP_COL_NR; c++) {
		bool rev = c >= VMTOP_COL_NR;
		enum vmtop_col col = (enum vmtop_col)(c % VMTOP_COL_NR);

		for (moved = 0; moved < NR * 2; moved++) {
			make_rows();
			for (i = 0; i < NR; i++)
				v[i] = &rows[i];
			vmtop_sort_ptrs(v, NR, col, rev);
			/* The rows in the order sorted: the one that changes. */
			changed_row = v[moved / 2];
			big = moved % 2;
			change(&rows[changed_row - rows], big);
			memcpy(sorted, rows, sizeof(rows));
			vmtop_sort(sorted, NR, col, rev);
			vmtop_sort_ptrs_same(v, NR, col, rev, all_but_changed, NULL);
			for (i = 0; i < NR; i++)
				assert_int_equal(v[i]->domid, sorted[i].domid);
		}
	}
}

/* The last order first, newcomers after it; domains gone are skipped. */
static void order_is_kept(void **state)
{
	const struct vmtop_row *v[NR];
	const uint32_t last[] = { 13, 99, 11, 10 };	/* 99 went, 12 is new */
	unsigned int n;

	(void)state;
	make_rows();
	n = vmtop_order_keep(v, rows, NR, last, 4);
	assert_int_equal(n, NR);
	assert_int_equal(v[0]->domid, 13);
	assert_int_equal(v[1]->domid, 11);
	assert_int_equal(v[2]->domid, 10);
	assert_int_equal(v[3]->domid, 12);
	/* No last order: by domid. */
	n = vmtop_order_keep(v, rows, NR, NULL, 0);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(v[i]->domid, 10 + i);
}

static char *capture_text(unsigned int nr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vmtop_batch_text(f, rows, nr, VMTOP_COLS_DEFAULT);
	fclose(f);
	return buf;
}

static void batch_text(void **state)
{
	char *out, *line2;

	(void)state;
	make_rows();
	out = capture_text(2);
	assert_true(strncmp(out, "      NAME  STATE   CPU(sec) CPU(%)", 35) == 0);
	line2 = strchr(out, '\n') + 1;
	assert_true(strncmp(line2, "   charlie -----r ", 18) == 0);
	assert_non_null(strstr(line2, "\n      Alpha ----p- ") ||
			strstr(line2, "\n     Alpha ----p- "));
	/* Header and two rows, each a line. */
	assert_int_equal(strchr(strchr(line2, '\n') + 1, '\n')[1], '\0');
	free(out);
	/* No domains: the header alone. */
	out = capture_text(0);
	assert_int_equal(strchr(out, '\n')[1], '\0');
	free(out);
}

static void batch_json(void **state)
{
	struct vmtop_summary s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	make_rows();
	snprintf(rows[1].name, sizeof(rows[1].name), "q\"b\\s\n");
	memset(&s, 0, sizeof(s));
	s.umbra_version = 0x00010002;
	s.nr_cpus = 2;
	s.cpus_online = 3;
	s.cpu_load[1] = 12.5;
	s.total_bytes = 1 << 30;
	s.nr_doms = 2;
	s.by_state[UMBRA_DOMSTATE_RUNNING] = 1;
	f = open_memstream(&buf, &len);
	vmtop_batch_json(f, &s, rows, 2);
	fclose(f);
	/* One line, one object. */
	assert_int_equal(buf[0], '{');
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
	assert_int_equal(buf[len - 2], '}');
	assert_non_null(strstr(buf, "\"umbra_version\":\"1.2\""));
	assert_non_null(strstr(buf, "\"cpu_load_pct\":{\"0\":0.0,\"1\":12.5}"));
	assert_non_null(strstr(buf, "\"mem_total_k\":1048576"));
	assert_non_null(strstr(buf, "\"domains_by_state\":{\"running\":1,"));
	assert_non_null(strstr(buf, "{\"domid\":10,\"name\":\"charlie\",\"state\":\"running\","
			       "\"state_letters\":\"-----r\""));
	assert_non_null(strstr(buf, "\"name\":\"q\\\"b\\\\s\\u000a\""));
	assert_non_null(strstr(buf, "\"paging\":\"shadow\""));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sort_each_column),
		cmocka_unit_test(ties_keep_domid_order),
		cmocka_unit_test(filter_by_name),
		cmocka_unit_test(sort_ptrs_agrees),
		cmocka_unit_test(sort_ptrs_same_agrees),
		cmocka_unit_test(order_is_kept),
		cmocka_unit_test(batch_text),
		cmocka_unit_test(batch_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
