/* The log ring against a model that remembers every byte ever written. */
#include <stdarg.h>
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
	};

	return cmocka_run_group_tests_name("hv-common/logbuf", tests, NULL, NULL);
}
