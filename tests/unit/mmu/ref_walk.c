/* Reference page walker; see ref_walk.h. */
#include "tests/unit/mmu/ref_walk.h"

static bool bit(uint64_t v, int n)
{
	return (v >> n) & 1;
}

static uint64_t bits_between(int hi, int lo)
{
	uint64_t v = 0;
	int n;

	for (n = lo; n <= hi; n++)
		v |= 1ULL << n;
	return v;
}

/* Is bit n of entry e, found at `level`, reserved? */
static bool reserved(const struct ref_cpu *cpu, uint64_t e, int level, int n)
{
	bool large = bit(e, 7);

	if (n >= (int)cpu->maxphyaddr && n <= 51)
		return true;
	if (n == 63 && !cpu->nxe)
		return true;
	if (n == 7 && level == 4)
		return true;
	if (n == 7 && level == 3 && !cpu->gbpages)
		return true;
	if (level == 3 && large && cpu->gbpages && n >= 13 && n <= 29)
		return true;
	if (level == 2 && large && n >= 13 && n <= 20)
		return true;
	return false;
}

static bool any_reserved(const struct ref_cpu *cpu, uint64_t e, int level)
{
	int n;

	for (n = 0; n < 64; n++)
		if (bit(e, n) && reserved(cpu, e, level, n))
			return true;
	return false;
}

/* SDM 4.6.1, "Determination of Access Rights". */
static bool paging_allows(const struct ref_cpu *cpu, struct ref_access a,
			  bool user_page, bool writable, bool no_exec)
{
	bool smap_blocks = cpu->smap && (a.implicit || !a.ac);

	if (a.fetch) {
		if (a.user)
			return user_page && !no_exec;
		if (user_page && cpu->smep)
			return false;
		return !no_exec;
	}
	if (a.write) {
		if (a.user)
			return user_page && writable;
		if (user_page && smap_blocks)
			return false;
		return writable || !cpu->wp;
	}
	if (a.user)
		return user_page;
	return !(user_page && smap_blocks);
}

/* SDM 4.6.2, "Protection Keys". */
static bool key_forbids(const struct ref_cpu *cpu, struct ref_access a,
			bool user_page, unsigned int key)
{
	bool ad = bit(cpu->pkru, 2 * (int)key);
	bool wd = bit(cpu->pkru, 2 * (int)key + 1);

	if (!cpu->pke || !user_page || a.fetch)
		return false;
	if (ad)
		return true;
	return a.write && wd && (a.user || cpu->wp);
}

static uint32_t access_bits(const struct ref_cpu *cpu, struct ref_access a)
{
	uint32_t ec = 0;

	if (a.write)
		ec |= 2;
	if (a.user)
		ec |= 4;
	if (a.fetch && (cpu->nxe || cpu->smep))
		ec |= 16;
	return ec;
}

void ref_walk(const struct ref_cpu *cpu, ref_read_table read, void *ctx,
	      uint64_t cr3, uint64_t va, struct ref_access acc, bool set_ad,
	      struct ref_result *out)
{
	uint64_t *where[5];
	uint64_t entry[5];
	uint64_t addr_bits = bits_between((int)cpu->maxphyaddr - 1, 12);
	uint64_t table = cr3 & addr_bits;
	bool user_page = true, writable = true, no_exec = false;
	int level, leaf = 0;

	*out = (struct ref_result){ 0 };
	if ((va >> 47) != 0 && (va >> 47) != 0x1ffff) {
		out->outcome = REF_NOT_CANONICAL;
		return;
	}
	for (level = 4; level >= 1 && !leaf; level--) {
		uint64_t *t = read(ctx, table);
		uint64_t e;

		out->level = level;
		if (!t) {
			out->outcome = REF_NO_TABLE;
			out->bad_table = table;
			return;
		}
		where[level] = &t[(va >> (12 + 9 * (level - 1))) & 511];
		out->entry_addr[level] = table + 8 * ((va >> (12 + 9 * (level - 1))) & 511);
		e = *where[level];
		entry[level] = e;
		if (!bit(e, 0)) {
			out->outcome = REF_PAGE_FAULT;
			out->error_code = access_bits(cpu, acc);
			return;
		}
		if (any_reserved(cpu, e, level)) {
			out->outcome = REF_PAGE_FAULT;
			out->error_code = 1 | 8 | access_bits(cpu, acc);
			return;
		}
		user_page = user_page && bit(e, 2);
		writable = writable && bit(e, 1);
		no_exec = no_exec || (cpu->nxe && bit(e, 63));
		if (level == 1 || bit(e, 7))
			leaf = level;
		else
			table = e & addr_bits;
	}

	{
		uint64_t e = entry[leaf];
		uint64_t page_bits = bits_between(11 + 9 * (leaf - 1), 0);
		uint64_t frame = e & bits_between(51, 12 + 9 * (leaf - 1));
		unsigned int key = (unsigned int)((e >> 59) & 15);
		bool ok = paging_allows(cpu, acc, user_page, writable, no_exec);
		bool pk = key_forbids(cpu, acc, user_page, key);

		out->level = leaf;
		if (!ok || pk) {
			out->outcome = REF_PAGE_FAULT;
			out->error_code = 1 | access_bits(cpu, acc) | (pk ? 32 : 0);
			return;
		}
		out->outcome = REF_OK;
		out->addr = frame | (va & page_bits);
	}
	if (set_ad) {
		for (level = 4; level >= leaf; level--)
			*where[level] |= 1ULL << 5;
		if (acc.write)
			*where[leaf] |= 1ULL << 6;
	}
}
