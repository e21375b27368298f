/*
 * ptwork's workload, shared by the HVM guest (ptwork.c) and the PV one
 * (tests/guests/pvptwork): the model, the seeded operation mix and the
 * run. What differs between them (how a table is made, how CR3 and
 * INVLPG are done, what a leaf holds for a frame) is behind pt.h and
 * cpu.h, so every run of the same ops and seed gives the same checksum.
 */
#include <public/sched.h>

#include "cpu.h"
#include "ptwork.h"
#include "pt.h"
#include "runtime.h"

struct space spaces[NR_SPACES];
uint64_t *frames[NR_FRAMES];
uint64_t model[NR_FRAMES][NR_WORDS];
unsigned int current_space;
struct counts counts;

#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL
#define MAX_REPORTED	8

static uint64_t checksum = FNV_OFFSET;
static uint64_t rng_state;

void mix(uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++, v >>= 8)
		checksum = (checksum ^ (v & 0xff)) * FNV_PRIME;
}

void mismatch(const char *fmt, ...)
{
	va_list ap;

	if (counts.mismatches++ >= MAX_REPORTED)
		return;
	con_printf("ptwork: op %lu: ", (unsigned long)counts.ops);
	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
	con_puts("\n");
}

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/*
 * Half the slots in the low half (PML4 slot 1), half in the high half
 * (slot 300, sign-extended); in each, 8 slots share a page table, the
 * tables sit 6 MiB apart and the second pair of tables 1 GiB further,
 * so that every level has several entries in use.
 */
uint64_t slot_va(unsigned int slot)
{
	const unsigned int half = NR_SLOTS / 2;
	unsigned int j = slot % half, group = j / 8;
	uint64_t base = slot < half ? PML4_SLOT_VA(1) :
				      0xffff000000000000ULL | PML4_SLOT_VA(300);

	return base + (uint64_t)(group / 2) * (1ULL << 30) +
	       (uint64_t)(group % 2) * (6ULL << 20) + (uint64_t)(j % 8) * 5 * PAGE_SIZE;
}

static bool setup(void)
{
	unsigned int s, i, f;

	for (f = 0; f < NR_FRAMES; f++) {
		frames[f] = page_alloc();
		if (!frames[f])
			return false;
		for (i = 0; i < NR_WORDS; i++) {
			model[f][i] = ((uint64_t)f << 32) | i;
			frames[f][i * WORD_STRIDE] = model[f][i];
		}
	}
	for (s = 0; s < NR_SPACES; s++) {
		spaces[s].root = pt_new_root();
		if (!spaces[s].root)
			return false;
		for (i = 0; i < NR_SLOTS; i++)
			spaces[s].slot[i].frame = -1;
	}
	return true;
}

static void one_op(void)
{
	uint64_t r = rng();
	unsigned int s = (r >> 8) % NR_SPACES, i = (r >> 16) % NR_SLOTS;
	unsigned int word = (r >> 24) % NR_WORDS, kind = r % 64;

	/* Weights keep a bit over half of the slots mapped. */
	mix(kind);
	if (kind < 4)
		op_switch(s);
	else if (kind < 18)
		op_map(s, i, (r >> 32) % NR_FRAMES, (r >> 40) & 1);
	else if (kind < 20)
		op_unmap(s, i);
	else if (kind < 24)
		op_protect(s, i);
	else if (kind < 26)
		op_age(s, i);
	else if (kind < 27)
		op_drop_table(s, i);
	else if (kind < 45)
		op_read(i, word);
	else
		op_write(i, word, rng());
	counts.ops++;
}

int ptwork_run(uint64_t ops, uint64_t seed, bool rmw)
{
	unsigned int s, i;

	pte_rmw = rmw;
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	if (!setup()) {
		con_puts("ptwork: out of memory for frames or tables\n");
		return SHUTDOWN_crash;
	}
	/* Start with every slot mapped, so that the random operations find
	 * a realistic mix of present, read-only and missing pages at once. */
	for (s = 0; s < NR_SPACES; s++)
		for (i = 0; i < NR_SLOTS; i++)
			op_map(s, i, (s * 7 + i) % NR_FRAMES, i % 3 != 0);
	op_switch(0);
	while (counts.ops < ops)
		one_op();
	verify_all();
	con_printf("ptwork: %lu ops: %lu switches, %lu maps, %lu unmaps, %lu protects, "
		   "%lu ages, %lu drops, %lu reads, %lu writes, %lu faults\n",
		   (unsigned long)counts.ops, (unsigned long)counts.switches,
		   (unsigned long)counts.maps, (unsigned long)counts.unmaps,
		   (unsigned long)counts.protects, (unsigned long)counts.ages,
		   (unsigned long)counts.drops,
		   (unsigned long)counts.reads, (unsigned long)counts.writes,
		   (unsigned long)counts.faults);
	con_printf("ptwork: checksum %#lx, %lu mismatches, %lu table pages\n",
		   (unsigned long)checksum, (unsigned long)counts.mismatches,
		   (unsigned long)pt_tables_allocated());
	return counts.mismatches ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
