/* Ring byte streams: copy with wrap-around, ordered index updates. */
#include "ring.h"

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void copy(char *dst, const char *src, size_t len)
{
	while (len--)
		*dst++ = *src++;
}

int ring_put(char *ring, XENSTORE_RING_IDX *cons, XENSTORE_RING_IDX *prod,
	     const void *data, size_t len)
{
	XENSTORE_RING_IDX c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	XENSTORE_RING_IDX p = __atomic_load_n(prod, __ATOMIC_RELAXED);
	size_t space, done = 0;

	if ((XENSTORE_RING_IDX)(p - c) > XENSTORE_RING_SIZE)
		return -1;
	space = XENSTORE_RING_SIZE - (XENSTORE_RING_IDX)(p - c);
	len = min_size(len, space);
	while (done < len) {
		size_t off = MASK_XENSTORE_IDX(p + done);
		size_t chunk = min_size(len - done, XENSTORE_RING_SIZE - off);

		copy(ring + off, (const char *)data + done, chunk);
		done += chunk;
	}
	__atomic_store_n(prod, p + (XENSTORE_RING_IDX)len, __ATOMIC_RELEASE);
	return (int)len;
}

int ring_get(char *ring, XENSTORE_RING_IDX *cons, XENSTORE_RING_IDX *prod,
	     void *data, size_t len)
{
	XENSTORE_RING_IDX p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
	XENSTORE_RING_IDX c = __atomic_load_n(cons, __ATOMIC_RELAXED);
	size_t avail, done = 0;

	if ((XENSTORE_RING_IDX)(p - c) > XENSTORE_RING_SIZE)
		return -1;
	avail = (XENSTORE_RING_IDX)(p - c);
	len = min_size(len, avail);
	while (done < len) {
		size_t off = MASK_XENSTORE_IDX(c + done);
		size_t chunk = min_size(len - done, XENSTORE_RING_SIZE - off);

		copy((char *)data + done, ring + off, chunk);
		done += chunk;
	}
	__atomic_store_n(cons, c + (XENSTORE_RING_IDX)len, __ATOMIC_RELEASE);
	return (int)len;
}
