/*
 * pt-flood: make the hypervisor spend as much as it will on this
 * domain's shadows. Builds tables=N page directories (L2, default 3000)
 * whose first fan=F entries (default 16) point at a few shared page
 * tables, reachable from spaces=S address spaces (default 32) that share
 * them, then touches every 2 MiB slot, rounds=R times (default 2),
 * switching address space as it goes; start_ms=N waits until N ms of
 * guest time first (to run while another domain is busy). That is far more page tables than
 * a domain's shadow pool holds, and each one costs the hypervisor a
 * shadow table, its child array and a back-pointer per entry. Under
 * shadow paging the domain must recycle its own shadows (or be crashed
 * alone); its neighbours must not notice. Every touch reads a word that
 * tells which data page it reached, so a wrong translation shows.
 */
#include "cpu.h"
#include "hostile.h"
#include "pt.h"
#include "runtime.h"

#define NR_L1		16	/* shared page tables, one data page each */
#define MAX_L3		16	/* PML4 slots 1..16: up to 8192 directories */
#define MAX_SPACES	64
#define TABLE_FLAGS	(PTE_P | PTE_W | PTE_U)

static uint64_t *l1[NR_L1], *data[NR_L1], *l3[MAX_L3], *roots[MAX_SPACES];

static uint64_t pattern(unsigned int page, unsigned int word)
{
	return 0x5eed000000000000ULL | (uint64_t)page << 16 | word;
}

static uint64_t dir_va(unsigned int i)
{
	return PML4_SLOT_VA(1 + i / 512) + ((uint64_t)(i % 512) << 30);
}

static uint64_t *table(void)
{
	uint64_t *t = page_alloc();

	if (!t)
		con_printf("hostile: pt-flood: out of guest memory\n");
	return t;
}

static bool build(unsigned int dirs, unsigned int fan, unsigned int spaces)
{
	unsigned int i, e, s;

	for (i = 0; i < NR_L1; i++) {
		if (!(l1[i] = table()) || !(data[i] = table()))
			return false;
		for (e = 0; e < 512; e++)
			data[i][e] = pattern(i, e);
		l1[i][0] = (uint64_t)(uintptr_t)data[i] | PTE_P | PTE_W;
	}
	for (i = 0; i < (dirs + 511) / 512; i++)
		if (!(l3[i] = table()))
			return false;
	for (i = 0; i < dirs; i++) {
		uint64_t *l2 = table();

		if (!l2)
			return false;
		for (e = 0; e < fan; e++)
			l2[e] = (uint64_t)(uintptr_t)l1[(i + e) % NR_L1] | TABLE_FLAGS;
		l3[i / 512][i % 512] = (uint64_t)(uintptr_t)l2 | TABLE_FLAGS;
	}
	for (s = 0; s < spaces; s++) {
		if (!(roots[s] = pt_new_root()))
			return false;
		for (i = 0; i < (dirs + 511) / 512; i++)
			roots[s][1 + i] = (uint64_t)(uintptr_t)l3[i] | TABLE_FLAGS;
	}
	return true;
}

/* Touch every slot once; returns the touches that reached the wrong page. */
static uint64_t touch_all(unsigned int dirs, unsigned int fan, unsigned int spaces)
{
	unsigned int per = (dirs + spaces - 1) / spaces, i, e;
	uint64_t bad = 0;

	for (i = 0; i < dirs; i++) {
		if (i % per == 0)
			write_cr3((uint64_t)(uintptr_t)roots[i / per]);
		for (e = 0; e < fan; e++) {
			unsigned int page = (i + e) % NR_L1, word = (i * fan + e) % 511 + 1;
			volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)
				(dir_va(i) + ((uint64_t)e << 21));

			bad += p[word] != pattern(page, word);
			p[0]++;
		}
	}
	return bad;
}

void attack_pt_flood(void)
{
	uint64_t dirs = guest_option_u64("tables=", 3000), fan = guest_option_u64("fan=", 16);
	uint64_t spaces = guest_option_u64("spaces=", 32), rounds = guest_option_u64("rounds=", 2);
	uint64_t home = read_cr3(), bad = 0, touches = 0, r;

	while (guest_time_ns() < guest_option_u64("start_ms=", 0) * 1000000)
		__asm__ __volatile__("pause");

	if (!dirs || dirs > MAX_L3 * 512 || !fan || fan > 512 || !spaces ||
	    spaces > MAX_SPACES || spaces > dirs) {
		check_that("tables=, fan=, spaces= in range", false, dirs);
		return;
	}
	if (!build((unsigned int)dirs, (unsigned int)fan, (unsigned int)spaces)) {
		check_that("page tables built", false, pages_free());
		return;
	}
	con_printf("hostile: pt-flood: %lu directories x %lu entries, %lu spaces, "
		   "%lu tables built\n", (unsigned long)dirs, (unsigned long)fan,
		   (unsigned long)spaces, (unsigned long)(dirs + 2 * NR_L1 + spaces));
	for (r = 0; r < rounds; r++) {
		bad += touch_all((unsigned int)dirs, (unsigned int)fan, (unsigned int)spaces);
		touches += dirs * fan;
	}
	write_cr3(home);
	check_that("every touch reached its own data page", bad == 0, bad);
	con_printf("hostile: pt-flood: %lu touches\n", (unsigned long)touches);
}
