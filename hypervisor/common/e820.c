/* E820 memory maps (see umbra/e820.h). Maps are small (tens of entries)
 * and built once per domain, so plain in-place passes are enough. */
#include <stdbool.h>
#include <stddef.h>
#include <umbra/e820.h>
#include <umbra/errno.h>

void e820_init(struct e820_map *m)
{
	m->nr = 0;
}

static uint64_t range_end(const struct e820_range *r)
{
	return r->addr + r->size;
}

/* Counting the entries a map would have after an update, merges included,
 * without touching it: pieces arrive in address order and fold into the
 * previous one when they touch and share a type. */
struct piece_count {
	unsigned int n;
	uint64_t end;
	uint32_t type;
};

static void count_piece(struct piece_count *c, uint64_t s, uint64_t e, uint32_t type)
{
	if (s >= e)
		return;
	if (!c->n || c->end != s || c->type != type)
		c->n++;
	c->end = e;
	c->type = type;
}

static unsigned int count_after(const struct e820_map *m, uint64_t a, uint64_t b,
				uint32_t type)
{
	struct piece_count c = { 0, 0, 0 };
	bool placed = false;

	for (unsigned int i = 0; i < m->nr; i++) {
		uint64_t s = m->r[i].addr, e = range_end(&m->r[i]);

		count_piece(&c, s, e < a ? e : a, m->r[i].type);
		if (!placed && e > a) {
			count_piece(&c, a, b, type);
			placed = true;
		}
		count_piece(&c, s > b ? s : b, e, m->r[i].type);
	}
	if (!placed)
		count_piece(&c, a, b, type);
	return c.n;
}

/* Take [a, b) out of every entry; a piece right of it is appended. */
static void cut_out(struct e820_map *m, uint64_t a, uint64_t b)
{
	unsigned int nr = m->nr;

	for (unsigned int i = 0; i < nr; i++) {
		struct e820_range *r = &m->r[i];
		uint64_t s = r->addr, e = range_end(r);

		if (e <= a || s >= b)
			continue;
		if (e > b && s < a)
			m->r[m->nr++] = (struct e820_range){ b, e - b, r->type };
		else if (e > b)
			s = b;
		r->addr = s;
		r->size = (s < a ? a : e) - s;
		if (s >= a && e <= b)
			r->size = 0;
	}
}

static void sort_by_addr(struct e820_map *m)
{
	for (unsigned int i = 1; i < m->nr; i++) {
		struct e820_range x = m->r[i];
		unsigned int j = i;

		for (; j > 0 && m->r[j - 1].addr > x.addr; j--)
			m->r[j] = m->r[j - 1];
		m->r[j] = x;
	}
}

/* Drop empty entries and merge touching ones of the same type. */
static void compact(struct e820_map *m)
{
	unsigned int out = 0;

	for (unsigned int i = 0; i < m->nr; i++) {
		struct e820_range *prev = out ? &m->r[out - 1] : NULL;

		if (!m->r[i].size)
			continue;
		if (prev && prev->type == m->r[i].type && range_end(prev) == m->r[i].addr)
			prev->size += m->r[i].size;
		else
			m->r[out++] = m->r[i];
	}
	m->nr = out;
}

int e820_set(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type)
{
	uint64_t end = addr + size;

	if (!size || end < addr || !type)
		return -EINVAL;
	if (count_after(m, addr, end, type) > E820_MAX_ENTRIES)
		return -ENOSPC;
	cut_out(m, addr, end);
	m->r[m->nr++] = (struct e820_range){ addr, size, type };
	sort_by_addr(m);
	compact(m);
	return 0;
}

uint64_t e820_ram_bytes(const struct e820_map *m)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		if (m->r[i].type == E820_RAM)
			n += m->r[i].size;
	return n;
}

/* Where in RAM range r a block fits, lowest or highest; false if nowhere. */
static bool fit_in(const struct e820_range *r, uint64_t min, uint64_t limit,
		   uint64_t size, uint64_t align, bool highest, uint64_t *at)
{
	uint64_t s = r->addr > min ? r->addr : min;
	uint64_t e = range_end(r) < limit ? range_end(r) : limit;

	s = (s + align - 1) & ~(align - 1);
	if (s < min || s >= e || e - s < size)
		return false;
	*at = highest ? (e - size) & ~(align - 1) : s;
	return true;
}

uint64_t e820_find_ram(const struct e820_map *m, uint64_t min, uint64_t limit,
		       uint64_t size, uint64_t align, int highest)
{
	uint64_t best = 0, at;
	bool found = false;

	if (!size || !align || (align & (align - 1)))
		return 0;
	for (unsigned int i = 0; i < m->nr; i++) {
		if (m->r[i].type != E820_RAM ||
		    !fit_in(&m->r[i], min, limit, size, align, highest, &at))
			continue;
		if (!found || (highest ? at > best : at < best))
			best = at;
		found = true;
	}
	return found ? best : 0;
}
