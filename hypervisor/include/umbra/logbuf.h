/* The log ring: the last LOGBUF_SIZE bytes of console output, kept for a
 * later `vmctl dmesg` (hypervisor/common/logbuf.c).
 *
 * Every byte ever written has a sequence number (0, 1, 2, ...); the ring
 * holds the bytes [logbuf_oldest(), logbuf_head()). A reader keeps its own
 * position and reads from it; if it fell behind, the read starts at the
 * oldest byte still held and the skipped count is visible from the new
 * position. A zero-filled struct logbuf is an empty ring, so a static one
 * needs no initialisation.
 *
 * Not locked: the caller serialises writers and readers. */
#ifndef UMBRA_LOGBUF_H
#define UMBRA_LOGBUF_H

#include <stddef.h>
#include <stdint.h>

#define LOGBUF_SIZE (64 * 1024)

struct logbuf {
	uint64_t head;			/* sequence number of the next byte */
	char data[LOGBUF_SIZE];		/* byte seq lives at data[seq % SIZE] */
};

void logbuf_init(struct logbuf *lb);
void logbuf_write(struct logbuf *lb, const char *buf, size_t n);

/* Copies up to n bytes starting at sequence *pos (or at the oldest byte
 * still held, if *pos is older; a *pos beyond the head reads nothing from
 * the head) into out, sets *pos past the last byte copied and returns
 * the number copied. Bytes lost to a slow reader: new *pos - returned -
 * old *pos. */
size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t n);

/* Sequence number of the oldest byte still held, and of the next byte. */
uint64_t logbuf_oldest(const struct logbuf *lb);
uint64_t logbuf_head(const struct logbuf *lb);

#endif
