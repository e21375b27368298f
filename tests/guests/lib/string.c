/*
 * The few memory functions the guests use. GCC may also emit calls to
 * memset/memcpy for large initialisers, so these carry the standard
 * names (the guests link no libc). guests.mk builds with
 * -fno-tree-loop-distribute-patterns so that these loops are not turned
 * back into calls to themselves.
 */
#include "runtime.h"

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t guest_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
