/* Reading a byte stream kept in a ring by position (every byte ever
 * written has one: 0, 1, 2, ...), as struct umbra_mgmt_ring reports it:
 * what a reader asking from `pos` can still get, and what it lost. Plain
 * arithmetic, built for host tests too. */
#ifndef UMBRA_RING_WINDOW_H
#define UMBRA_RING_WINDOW_H

#include <stdint.h>

struct ring_window {
	uint64_t start;		/* position of the first byte to copy */
	uint64_t len;		/* bytes to copy from start */
	uint64_t dropped;	/* bytes between pos and start no longer held */
};

/* The ring holds the last `size` bytes before `head` (fewer when fewer
 * were written); bytes below `floor` are skipped without counting as
 * dropped (a cleared log). A reader at pos wants at most `max` bytes; a
 * pos beyond head reads nothing from head on. */
void ring_window(uint64_t head, uint64_t size, uint64_t floor, uint64_t pos,
		 uint64_t max, struct ring_window *w);

#endif
