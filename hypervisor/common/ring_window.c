/* Ring positions for the management interface's reads (umbra/ring_window.h). */
#include <umbra/ring_window.h>

void ring_window(uint64_t head, uint64_t size, uint64_t floor, uint64_t pos,
		 uint64_t max, struct ring_window *w)
{
	uint64_t oldest = head > size ? head - size : 0;

	if (floor > head)
		floor = head;
	if (pos < floor)
		pos = floor;
	if (pos > head) {
		/* A reader ahead of the writer (a stale position) resumes at
		 * the head: nothing was lost that it could have read. */
		*w = (struct ring_window){ .start = head };
		return;
	}
	w->dropped = pos < oldest ? oldest - pos : 0;
	w->start = pos + w->dropped;
	w->len = head - w->start < max ? head - w->start : max;
}
