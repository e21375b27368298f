/* dom0's RAM and memory map (see umbra/dom0_layout.h). */
#include <stdbool.h>
#include <umbra/dom0_layout.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/pte.h"


/* The first busy range that overlaps [s, e), or NULL. */
static const struct mem_range *busy_in(const struct mem_range *busy, unsigned int n,
				       uint64_t s, uint64_t e)
{
	const struct mem_range *first = NULL;

	for (unsigned int i = 0; i < n; i++)
		if (busy[i].start < e && s < busy[i].end &&
		    (!first || busy[i].start < first->start))
			first = &busy[i];
	return first;
}

static int add_range(struct dom0_layout *l, uint64_t s, uint64_t e)
{
	if (l->nr && l->ram[l->nr - 1].end == s) {
		l->ram[l->nr - 1].end = e;
	} else {
		if (l->nr == DOM0_MAX_RANGES)
			return -ENOSPC;
		l->ram[l->nr++] = (struct mem_range){ s, e };
	}
	l->bytes += e - s;
	return 0;
}

/* Give dom0 the free parts of RAM range [s, e), lowest first. */
static int take_from(struct dom0_layout *l, const struct mem_range *busy,
		     unsigned int nr_busy, uint64_t s, uint64_t e, uint64_t size)
{
	s = (s + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	e &= ~(PAGE_SIZE - 1);
	while (s < e && l->bytes < size) {
		const struct mem_range *b = busy_in(busy, nr_busy, s, e);
		uint64_t stop = !b ? e : b->start > s ? b->start & ~(PAGE_SIZE - 1) : s;
		int err;

		if (stop <= s) {		/* busy from here: skip it */
			s = (b->end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
			continue;
		}
		if (stop - s > size - l->bytes)
			stop = s + (size - l->bytes);
		err = add_range(l, s, stop);
		if (err)
			return err;
		s = stop;
	}
	return 0;
}

/* The machine map with every RAM byte not dom0's reserved. */
static int build_e820(struct dom0_layout *l, const struct e820_map *machine)
{
	l->e820 = *machine;
	for (unsigned int i = 0; i < machine->nr; i++)
		if (machine->r[i].type == E820_RAM &&
		    e820_set(&l->e820, machine->r[i].addr, machine->r[i].size, E820_RESERVED))
			return -ENOSPC;
	for (unsigned int i = 0; i < l->nr; i++)
		if (e820_set(&l->e820, l->ram[i].start, l->ram[i].end - l->ram[i].start, E820_RAM))
			return -ENOSPC;
	return 0;
}

int dom0_layout_build(const struct e820_map *machine, const struct mem_range *busy,
		      unsigned int nr_busy, uint64_t size, struct dom0_layout *l)
{
	int err = 0;

	memset(l, 0, sizeof(*l));
	/* Page 0 stays out: address 0 means "not RAM" to the domain code. It
	 * is still mapped 1:1 like other non-RAM (the BIOS data area). */
	for (unsigned int i = 0; i < machine->nr && !err && l->bytes < size; i++) {
		const struct e820_range *r = &machine->r[i];
		uint64_t s = r->addr < PAGE_SIZE ? PAGE_SIZE : r->addr;

		if (r->type == E820_RAM && r->addr + r->size > s)
			err = take_from(l, busy, nr_busy, s, r->addr + r->size, size);
	}
	if (err) {
		l->error = "free RAM too fragmented for dom0";
		return err;
	}
	if (l->bytes < size) {
		l->error = "not enough free RAM for dom0_mem";
		return -ENOMEM;
	}
	if (build_e820(l, machine)) {
		l->error = "dom0's memory map needs more than 128 entries";
		return -ENOSPC;
	}
	return 0;
}
