/*
 * Kept lines (lines.h): a row whose shown values did not change comes
 * back from the cache, byte for byte what vmtop_line() writes; any
 * change that shows (and only such a change) formats it again; and the
 * batch output with kept lines is the same text as without.
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
#include "dom0-tools/vmtop/lines.h"

static struct vmtop_row row(uint32_t domid, const char *name)
{
	struct vmtop_row r;

	memset(&r, 0, sizeof(r));
	r.domid = domid;
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.state = UMBRA_DOMSTATE_PAUSED;
	r.mem_bytes = 2ull << 20;
	r.mem_pct = 0.19;
	r.nr_vcpus = 1;
	r.cpu_time_ns = 3000000000ull;
	r.paging = UMBRA_PAGING_NESTED;
	return r;
}

/* The kept line of r is vmtop_line()'s; returns whether it was formatted. */
static bool get(struct vmtop_lines *c, const struct vmtop_row *r, vmtop_colmask cols)
{
	unsigned long before = c->formatted;
	char want[512];
	const char *got;
	size_t len;

	got = vmtop_lines_get(c, r, cols, &len);
	vmtop_line(r, cols, want, sizeof(want));
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	return c->formatted != before;
}

static void unchanged_rows_are_reused(void **state)
{
	struct vmtop_lines c = { 0 };
	struct vmtop_row a = row(3, "alpha"), b = row(70, "bravo");

	(void)state;
	assert_true(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_true(get(&c, &b, VMTOP_COLS_DEFAULT));
	assert_false(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_false(get(&c, &b, VMTOP_COLS_DEFAULT));
	/* What does not show does not count: CPU time within the second,
	 * a rate that still rounds to the same. */
	a.cpu_time_ns += 1000;
	a.exits_ps = 0.2;
	assert_false(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_int_equal(c.reused, 3);
	vmtop_lines_free(&c);
}

static void every_shown_change_formats(void **state)
{
	struct vmtop_lines c = { 0 };
	struct vmtop_row a = row(5, "alpha");
	unsigned int i;

	(void)state;
	for (i = 0; i < 13; i++) {
		struct vmtop_row b = a;

		get(&c, &a, VMTOP_COLS_DEFAULT);
		switch (i) {
		case 0: b.state = UMBRA_DOMSTATE_RUNNING; break;
		case 1: b.cpu_time_ns += 1000000000ull; break;
		case 2: b.cpu_pct = 0.05; break;
		case 3: b.mem_bytes += 1024; break;
		case 4: b.mem_pct = 0.26; break;
		case 5: b.nr_vcpus = 2; break;
		case 6: b.exits_ps = 0.6; break;
		case 7: b.hcalls_ps = 1; break;
		case 8: b.pttraps_ps = 7; break;
		case 9: b.paging_bytes = 4096; break;
		case 10: b.paging = UMBRA_PAGING_SHADOW; break;
		case 11: b.name[0] = 'A'; break;
		default: b.state = UMBRA_DOMSTATE_SHUTDOWN; b.shutdown_reason = SHUTDOWN_crash;
		}
		assert_true(get(&c, &b, VMTOP_COLS_DEFAULT));
	}
	/* Other columns: formatted again. */
	get(&c, &a, VMTOP_COLS_DEFAULT);
	assert_true(get(&c, &a, VMTOP_COLS_DEFAULT | (1u << VMTOP_COL_ID)));
	vmtop_lines_free(&c);
}

/* Domids past what is kept still get their line, formatted each time. */
static void large_domids(void **state)
{
	struct vmtop_lines c = { 0 };
	struct vmtop_row a = row(VMTOP_LINES_MAX_DOMID + 1, "far"), b = row(4000, "mid");

	(void)state;
	assert_true(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_true(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_true(get(&c, &b, VMTOP_COLS_DEFAULT));
	assert_false(get(&c, &b, VMTOP_COLS_DEFAULT));
	vmtop_lines_free(&c);
}

/* Rows that vmtop_rates() made carry a seq: the same seq is the same row
 * (reused without a comparison); another seq is compared as before. */
static void rows_by_seq(void **state)
{
	struct vmtop_lines c = { 0 };
	struct vmtop_row a = row(7, "alpha"), b;

	(void)state;
	a.seq = 41;
	assert_true(get(&c, &a, VMTOP_COLS_DEFAULT));
	assert_false(get(&c, &a, VMTOP_COLS_DEFAULT));
	b = a;
	b.seq = 42;			/* made again, the same values */
	assert_false(get(&c, &b, VMTOP_COLS_DEFAULT));
	b.seq = 43;			/* made again, changed */
	b.state = UMBRA_DOMSTATE_RUNNING;
	assert_true(get(&c, &b, VMTOP_COLS_DEFAULT));
	assert_false(get(&c, &b, VMTOP_COLS_DEFAULT));
	/* Other columns: formatted, whatever the seq. */
	assert_true(get(&c, &b, VMTOP_COLS_DEFAULT | (1u << VMTOP_COL_ID)));
	assert_int_equal(c.reused, 3);
	vmtop_lines_free(&c);
}

static char *text(struct vmtop_batch *b, const struct vmtop_row *rows, unsigned int nr)
{
	const struct vmtop_row *v[8];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int i;

	for (i = 0; i < nr; i++)
		v[i] = &rows[nr - 1 - i];	/* in an order of their own */
	if (b) {
		assert_int_equal(vmtop_batch_lines(b, f, v, nr, VMTOP_COLS_DEFAULT), 0);
	} else {
		struct vmtop_row r[8];

		for (i = 0; i < nr; i++)
			r[i] = *v[i];
		vmtop_batch_text(f, r, nr, VMTOP_COLS_DEFAULT);
	}
	fclose(f);
	return buf;
}

static void batch_same_text(void **state)
{
	struct vmtop_batch b = { 0 };
	struct vmtop_row rows[3] = { row(0, "Domain-0"), row(1, "one"), row(2, "two") };
	char *kept, *plain;
	int pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		rows[0].cpu_time_ns += 2000000000ull;	/* dom0's line changes */
		rows[0].cpu_pct = 12.5 * pass;
		kept = text(&b, rows, 3);
		plain = text(NULL, rows, 3);
		assert_string_equal(kept, plain);
		free(kept);
		free(plain);
	}
	/* dom0 formatted each time, the others once. */
	assert_int_equal(b.lines.formatted, 3 + 2);
	assert_int_equal(b.lines.reused, 4);
	vmtop_batch_free(&b);
}

/* On a file (a descriptor: one write(2)), the same text again, after
 * what stdio still held. */
static void batch_on_a_file(void **state)
{
	struct vmtop_batch b = { 0 };
	struct vmtop_row rows[2] = { row(0, "Domain-0"), row(9, "nine") };
	const struct vmtop_row *v[2] = { &rows[0], &rows[1] };
	char got[4096], *want = text(NULL, rows, 2);
	FILE *f = tmpfile();
	size_t n;

	(void)state;
	assert_non_null(f);
	fputs("before\n", f);
	assert_int_equal(vmtop_batch_lines(&b, f, v, 2, VMTOP_COLS_DEFAULT), 0);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	assert_true(strncmp(got, "before\n", 7) == 0);
	/* text() printed the rows backwards: compare line sets by length
	 * and the header. */
	assert_int_equal(strlen(got + 7), strlen(want));
	assert_true(strncmp(got + 7, want, strchr(want, '\n') - want) == 0);
	assert_non_null(strstr(got, "  Domain-0 ----p-"));
	assert_non_null(strstr(got, "      nine ----p-"));
	free(want);
	vmtop_batch_free(&b);
}

/* The text of rows in the order given, as vmtop_batch_text() makes it. */
static char *plain_text(const struct vmtop_row *const *v, unsigned int nr)
{
	struct vmtop_row r[8];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int i;

	for (i = 0; i < nr; i++)
		r[i] = *v[i];
	vmtop_batch_text(f, r, nr, VMTOP_COLS_DEFAULT);
	fclose(f);
	return buf;
}

static void kept_text_is(struct vmtop_batch *b, const struct vmtop_row *const *v,
			 unsigned int nr)
{
	char *buf = NULL, *want = plain_text(v, nr);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(vmtop_batch_lines(b, f, v, nr, VMTOP_COLS_DEFAULT), 0);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
	free(want);
}

/* Rows with a seq at the positions they held are left in the text as
 * they were; a changed line of the same length is copied over its old
 * one, one of another length moves the lines after it; a position that
 * another row takes, rows that come or go, other columns: the text is
 * always vmtop_batch_text()'s. */
static void batch_lines_in_place(void **state)
{
	struct vmtop_batch b = { 0 };
	struct vmtop_row rows[4] = { row(0, "Domain-0"), row(1, "one"), row(2, "two"),
				     row(3, "three") };
	const struct vmtop_row *v[4] = { &rows[0], &rows[1], &rows[2], &rows[3] };
	unsigned long reused;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		rows[i].seq = 10 + i;
	kept_text_is(&b, v, 4);
	reused = b.lines.reused;
	kept_text_is(&b, v, 4);			/* all in place */
	assert_int_equal(b.lines.reused, reused + 4);
	assert_int_equal(b.lines.formatted, 4);
	rows[1].cpu_time_ns += 1000000000ull;	/* same length */
	rows[1].seq = 21;
	kept_text_is(&b, v, 4);
	assert_int_equal(b.lines.formatted, 5);
	rows[0].cpu_time_ns = 123456789000000000ull;	/* longer: the rest move */
	rows[0].seq = 22;
	kept_text_is(&b, v, 4);
	rows[0].cpu_time_ns = 1000000000ull;	/* shorter again */
	rows[0].seq = 23;
	kept_text_is(&b, v, 4);
	v[1] = &rows[2];			/* two rows swap places */
	v[2] = &rows[1];
	kept_text_is(&b, v, 4);
	kept_text_is(&b, v, 3);			/* one goes */
	kept_text_is(&b, v, 4);			/* and comes back */
	rows[3].seq = 0;			/* a row without a seq */
	kept_text_is(&b, v, 4);
	kept_text_is(&b, v, 4);
	/* Other columns: a header of their own, every line again. */
	assert_int_equal(vmtop_batch_lines(&b, NULL, v, 4, VMTOP_COLS_DEFAULT |
					   (1u << VMTOP_COL_ID)), 0);
	kept_text_is(&b, v, 4);
	vmtop_batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unchanged_rows_are_reused),
		cmocka_unit_test(every_shown_change_formats),
		cmocka_unit_test(large_domids),
		cmocka_unit_test(rows_by_seq),
		cmocka_unit_test(batch_same_text),
		cmocka_unit_test(batch_on_a_file),
		cmocka_unit_test(batch_lines_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
