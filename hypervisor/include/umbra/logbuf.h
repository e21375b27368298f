/* The log ring: the last LOGBUF_SIZE bytes of console output, kept for a
 * later `vmctl dmesg` (hypervisor/common/logbuf.c), and beside it two
 * small stores of lines that no flood may push out: the boot messages and
 * the domain lifecycle lines (created, shut down, crashed, counters).
 *
 * Every byte ever written has a sequence number (0, 1, 2, ...); the ring
 * holds the bytes [logbuf_oldest(), logbuf_head()). A kept line is written
 * to the ring like any other and also copied, with its sequence number,
 * into its store, where only lines of its own kind can displace it (the
 * oldest first). A reader keeps its own position and reads from it: bytes
 * the ring no longer holds are read from the stores when a kept line
 * covers them, in sequence order, and otherwise skipped. Each read returns
 * one run of consecutive bytes, so a reader sees what it missed: the read
 * skipped new *pos - returned - old *pos bytes. A zero-filled struct
 * logbuf is empty, so a static one needs no initialisation.
 *
 * Not locked: the caller serialises writers and readers. */
#ifndef UMBRA_LOGBUF_H
#define UMBRA_LOGBUF_H

#include <stddef.h>
#include <stdint.h>

#define LOGBUF_SIZE		(64 * 1024)
#define LOGBUF_KEEP_SIZE	(16 * 1024)
/* A longer kept write keeps only its last bytes. */
#define LOGBUF_KEEP_MAX		1024

enum logbuf_store {
	LOGBUF_KEEP_BOOT,	/* everything printed until the ready line */
	LOGBUF_KEEP_LIFE,	/* domain lifecycle lines */
	LOGBUF_NR_STORES,
};

/* Records (sequence number, length, bytes) back to back in a byte ring;
 * [tail, head) count bytes ever stored. */
struct logbuf_store_ring {
	uint64_t head, tail;
	char data[LOGBUF_KEEP_SIZE];
};

struct logbuf {
	uint64_t head;			/* sequence number of the next byte */
	char data[LOGBUF_SIZE];		/* byte seq lives at data[seq % SIZE] */
	struct logbuf_store_ring store[LOGBUF_NR_STORES];
};

void logbuf_init(struct logbuf *lb);
void logbuf_write(struct logbuf *lb, const char *buf, size_t n);
/* The same, and the bytes are also kept in the given store. */
void logbuf_write_kept(struct logbuf *lb, enum logbuf_store store,
		       const char *buf, size_t n);

/* Copies up to n bytes starting at sequence *pos (or at the next byte
 * still held, ring or store, if *pos is older; a *pos beyond the head
 * reads nothing from the head) into out, sets *pos past the last byte
 * copied and returns the number copied. */
size_t logbuf_read(const struct logbuf *lb, uint64_t *pos, char *out, size_t n);

/* Sequence number of the oldest byte still in the ring, and of the next
 * byte. */
uint64_t logbuf_oldest(const struct logbuf *lb);
uint64_t logbuf_head(const struct logbuf *lb);

#endif
