/* The log ring against a model that remembers every byte ever written,
 * and the stores of kept lines that must outlive any flood of others. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "umbra/logbuf.h"

#define HISTORY (1024 * 1024)

struct fixture {
	struct logbuf *lb;
	char *history;		/* byte seq is history[seq] */
	uint64_t written;
	char *out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->lb = calloc(1, sizeof(*f->lb));	/* zeroed: an empty ring */
	f->history = malloc(HISTORY);
	f->out = malloc(2 * LOGBUF_SIZE);
	for (size_t i = 0; i < HISTORY; i++)
		f->history[i] = (char)(i * 7 + i / 251);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->lb);
	free(f->history);
	free(f->out);
	free(f);
	return 0;
}

static void write_next(struct fixture *f, size_t n)
{
	assert_true(f->written + n <= HISTORY);
	logbuf_write(f->lb, f->history + f->written, n);
	f->written += n;
}

/* Reads n from pos and checks the result against the model. */
static void check_read(struct fixture *f, uint64_t pos, size_t n)
{
	uint64_t oldest = f->written > LOGBUF_SIZE ? f->written - LOGBUF_SIZE : 0;
	uint64_t start = pos < oldest ? oldest : pos > f->written ? f->written : pos;
	size_t want = f->written - start < n ? (size_t)(f->written - start) : n;
	uint64_t p = pos;
	size_t got;

	memset(f->out, 0x55, 2 * LOGBUF_SIZE);
	got = logbuf_read(f->lb, &p, f->out, n);
	assert_int_equal(got, want);
	assert_int_equal(p, start + want);
	assert_memory_equal(f->out, f->history + start, want);
	assert_int_equal((unsigned char)f->out[want], 0x55);	/* no overrun */
}

static void test_empty_ring(void **state)
{
	struct fixture *f = *state;
	static struct logbuf fresh;	/* static, never initialised */
	uint64_t pos = 0;

	assert_int_equal(logbuf_read(&fresh, &pos, f->out, 100), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(logbuf_head(&fresh), 0);
	assert_int_equal(logbuf_oldest(&fresh), 0);
	check_read(f, 0, 10);
}

static void test_small_writes_read_back(void **state)
{
	struct fixture *f = *state;

	write_next(f, 5);
	write_next(f, 0);
	write_next(f, 100);
	check_read(f, 0, 1000);
	check_read(f, 0, 3);
	check_read(f, 50, 1000);
	check_read(f, 105, 10);
	assert_int_equal(logbuf_head(f->lb), 105);
	assert_int_equal(logbuf_oldest(f->lb), 0);
}

static void test_wrap_keeps_last_64k(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 10; i++)
		write_next(f, 10000);
	assert_int_equal(logbuf_head(f->lb), 100000);
	assert_int_equal(logbuf_oldest(f->lb), 100000 - LOGBUF_SIZE);
	check_read(f, 0, 2 * LOGBUF_SIZE);		/* fell behind */
	check_read(f, 100000 - LOGBUF_SIZE, 1);
	check_read(f, 99990, 100);
	check_read(f, 65530, 20);		/* across the wrap point */
}

static void test_write_larger_than_ring(void **state)
{
	struct fixture *f = *state;

	write_next(f, 3);
	write_next(f, LOGBUF_SIZE * 3 + 17);
	check_read(f, 0, 2 * LOGBUF_SIZE);
	check_read(f, f->written - 1, 5);
	write_next(f, LOGBUF_SIZE);
	check_read(f, 0, 2 * LOGBUF_SIZE);
}

static void test_position_from_the_future(void **state)
{
	struct fixture *f = *state;

	write_next(f, 10);
	check_read(f, 1000, 10);
}

static void test_lost_bytes_visible_to_reader(void **state)
{
	struct fixture *f = *state;
	uint64_t pos = 0;
	size_t got;

	write_next(f, 100);
	got = logbuf_read(f->lb, &pos, f->out, 40);
	assert_int_equal(got, 40);
	write_next(f, LOGBUF_SIZE + 60);
	got = logbuf_read(f->lb, &pos, f->out, 10);
	/* 100 + 65536 + 60 written; oldest kept is 160, reader was at 40. */
	assert_int_equal(pos - got - 40, 120);
	assert_memory_equal(f->out, f->history + 160, 10);
}

static void test_random_writes_and_readers(void **state)
{
	struct fixture *f = *state;

	srand(7);
	logbuf_init(f->lb);
	while (f->written < HISTORY - 70000) {
		size_t n = rand() % 4 == 0 ? (size_t)(rand() % 70000) : (size_t)(rand() % 300);

		write_next(f, n);
		for (int r = 0; r < 3; r++) {
			uint64_t pos = f->written > 80000 ?
				       f->written - (uint64_t)(rand() % 80000) : 0;

			check_read(f, pos, (size_t)(rand() % (LOGBUF_SIZE + 10)));
		}
	}
}

static void write_kept(struct fixture *f, enum logbuf_store st, size_t n)
{
	assert_true(f->written + n <= HISTORY);
	logbuf_write_kept(f->lb, st, f->history + f->written, n);
	f->written += n;
}

/* Reads everything from pos to the head in pieces of up to chunk bytes,
 * checks each run against the model and marks what was seen. Returns the
 * number of runs (a run ends where bytes were skipped). */
static unsigned int read_all(struct fixture *f, uint64_t pos, size_t chunk, bool *seen)
{
	unsigned int runs = 0;
	uint64_t last_end = UINT64_MAX;

	memset(seen, 0, f->written);
	for (;;) {
		uint64_t before = pos;
		size_t got = logbuf_read(f->lb, &pos, f->out, chunk);
		uint64_t start = pos - got;

		if (!got)
			break;
		assert_true(start >= before);		/* never backwards */
		assert_memory_equal(f->out, f->history + start, got);
		for (uint64_t i = start; i < pos; i++) {
			assert_false(seen[i]);
			seen[i] = true;
		}
		runs += start != last_end;
		last_end = pos;
	}
	assert_int_equal(pos, f->written);
	return runs;
}

static bool all_seen(const bool *seen, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (!seen[i])
			return false;
	return true;
}

static void test_kept_lines_survive_a_flood(void **state)
{
	struct fixture *f = *state;
	bool *seen = calloc(HISTORY, 1);
	uint64_t boot[20], life[6], neighbour = 0;

	for (int i = 0; i < 20; i++) {
		boot[i] = f->written;
		write_kept(f, LOGBUF_KEEP_BOOT, 60 + i);
	}
	for (int i = 0; i < 3; i++) {
		life[i] = f->written;
		write_kept(f, LOGBUF_KEEP_LIFE, 80);
		write_next(f, 50);
	}
	/* A flood of 300 KB, a lifecycle line in the middle of it. */
	for (int i = 0; i < 3000; i++) {
		if (i == 1500) {
			neighbour = f->written;
			write_kept(f, LOGBUF_KEEP_LIFE, 45);
		}
		write_next(f, 100);
	}
	assert_true(logbuf_oldest(f->lb) > neighbour + 45);
	read_all(f, 0, 37, seen);
	for (int i = 0; i < 20; i++)
		assert_true(all_seen(seen, boot[i], boot[i] + 60 + i));
	for (int i = 0; i < 3; i++)
		assert_true(all_seen(seen, life[i], life[i] + 80));
	assert_true(all_seen(seen, neighbour, neighbour + 45));
	assert_true(all_seen(seen, logbuf_oldest(f->lb), f->written));
	/* Nothing else of the flood: exactly the kept bytes plus the ring. */
	for (uint64_t i = life[2] + 80; i < logbuf_oldest(f->lb); i++)
		assert_int_equal(seen[i], i >= neighbour && i < neighbour + 45);
	/* A reader positioned inside a kept line gets the rest of it. */
	{
		uint64_t pos = neighbour + 10;
		size_t got = logbuf_read(f->lb, &pos, f->out, 1000);

		assert_int_equal(got, 35);
		assert_memory_equal(f->out, f->history + neighbour + 10, 35);
	}
	free(seen);
}

static void test_kept_line_across_the_oldest_byte(void **state)
{
	struct fixture *f = *state;
	bool *seen = calloc(HISTORY, 1);
	uint64_t kept;

	write_next(f, 1000);
	kept = f->written;
	write_kept(f, LOGBUF_KEEP_LIFE, 200);
	/* The ring's oldest byte falls 100 bytes into the kept line. */
	write_next(f, LOGBUF_SIZE - 100);
	assert_int_equal(logbuf_oldest(f->lb), kept + 100);
	assert_int_equal(read_all(f, 0, 4096, seen), 1);
	assert_true(all_seen(seen, kept, f->written));
	assert_false(seen[kept - 1]);
	free(seen);
}

static void test_store_drops_its_own_oldest(void **state)
{
	struct fixture *f = *state;
	bool *seen = calloc(HISTORY, 1);
	uint64_t boot, life[400];

	boot = f->written;
	write_kept(f, LOGBUF_KEEP_BOOT, 500);
	/* 400 lifecycle lines of 100 bytes: far more than a 16 KiB store. */
	for (int i = 0; i < 400; i++) {
		life[i] = f->written;
		write_kept(f, LOGBUF_KEEP_LIFE, 100);
		write_next(f, 1000);
	}
	read_all(f, 0, 512, seen);
	assert_true(all_seen(seen, boot, boot + 500));	/* not displaced */
	assert_false(seen[life[0]]);
	assert_true(all_seen(seen, life[399], life[399] + 100));
	/* The newest lines that fit are all there, the older ones not. */
	{
		int first = 0;

		for (int i = 0; i < 400; i++)
			if (seen[life[i]]) {
				first = i;
				break;
			}
		for (int i = first; i < 400; i++)
			assert_true(all_seen(seen, life[i], life[i] + 100));
		assert_in_range(400 - first, LOGBUF_KEEP_SIZE / 120,
				LOGBUF_KEEP_SIZE / 100);
	}
	free(seen);
}

static void test_long_kept_write(void **state)
{
	struct fixture *f = *state;
	bool *seen = calloc(HISTORY, 1);
	uint64_t kept;

	kept = f->written;
	write_kept(f, LOGBUF_KEEP_BOOT, LOGBUF_KEEP_MAX + 300);
	write_kept(f, LOGBUF_KEEP_BOOT, 0);
	write_next(f, 2 * LOGBUF_SIZE);
	read_all(f, 0, 100, seen);
	assert_false(seen[kept + 299]);
	assert_true(all_seen(seen, kept + 300, kept + 300 + LOGBUF_KEEP_MAX));
	free(seen);
}

static void test_random_kept_lines(void **state)
{
	struct fixture *f = *state;
	bool *seen = calloc(HISTORY, 1);
	uint64_t boot_end;

	srand(11);
	while (f->written < 8000)
		write_kept(f, LOGBUF_KEEP_BOOT, (size_t)(rand() % 120));
	boot_end = f->written;
	while (f->written < HISTORY - 5000) {
		if (rand() % 50 == 0)
			write_kept(f, LOGBUF_KEEP_LIFE, (size_t)(rand() % 300));
		else
			write_next(f, (size_t)(rand() % 200));
		if (rand() % 500 == 0) {
			read_all(f, (uint64_t)rand() % f->written, (size_t)(rand() % 700) + 1, seen);
			check_read(f, f->written - 10, 100);
		}
	}
	read_all(f, 0, 333, seen);
	assert_true(all_seen(seen, 0, boot_end));
	assert_true(all_seen(seen, logbuf_oldest(f->lb), f->written));
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_writes_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_keeps_last_64k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_larger_than_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_position_from_the_future, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_bytes_visible_to_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_writes_and_readers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_lines_survive_a_flood, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_line_across_the_oldest_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_drops_its_own_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_kept_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_kept_lines, setup, teardown),
	};

	return cmocka_run_group_tests_name("hv-common/logbuf", tests, NULL, NULL);
}
