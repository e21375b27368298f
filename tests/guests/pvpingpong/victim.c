/*
 * pvpingpong role=victim: a domain created after a granter was destroyed
 * while its page was mapped (tests/e2e/gntdestroy.sh). It fills every
 * page of its memory above its bootstrap area (each mapped in turn at
 * one window page) with a pattern naming the page and word, then checks
 * them all `rounds=` times, yielding in between, while the old mapper
 * keeps storing through its old mapping: nothing may change. watch=MFN
 * (the granted frame, as the mapper printed it) says whether that frame
 * is now one of its own. The same image as the granter, so that frame
 * comes back as the same page of the image (its shared_page, the
 * allocator permitting): the pages of the image only server and client
 * use are filled and checked too.
 */
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"
#include "pingpong.h"

static uint8_t window[4096] __attribute__((aligned(4096)));

static uint64_t pattern(uint64_t pfn, unsigned int i)
{
	return 0x5a5a000000000000ULL | pfn << 12 | i;
}

static bool special(const struct start_info *si, uint64_t mfn)
{
	return mfn == si->store_mfn || mfn == si->console.domU.mfn;
}

/* Fill (check false) or count the words that differ (check true). */
static uint64_t pass(const struct start_info *si, uint64_t first, bool check, uint64_t *pages)
{
	const uint64_t *p2m = (const uint64_t *)(uintptr_t)si->mfn_list;
	volatile uint64_t *w = (volatile uint64_t *)window;
	uint64_t bad = 0;

	*pages = 0;
	for (uint64_t pfn = 0; pfn < si->nr_pages; pfn++) {
		if ((pfn < first && !pp_page_unused(pfn)) || special(si, p2m[pfn]) || pp_uva(window, p2m[pfn] << 12 | 0x67 | (1ULL << 63)))
			continue;
		(*pages)++;
		for (unsigned int i = 0; i < 512; i++) {
			if (!check)
				w[i] = pattern(pfn, i);
			else if (w[i] != pattern(pfn, i) && !bad++)
				con_printf("pvpingpong: victim: pfn %#lx word %u is %#lx\n",
					   (unsigned long)pfn, i, (unsigned long)w[i]);
		}
	}
	return bad;
}

int victim(const struct start_info *si)
{
	const uint64_t *p2m = (const uint64_t *)(uintptr_t)si->mfn_list;
	uint64_t first = (si->pt_base >> 12) + si->nr_pt_frames + 1;
	uint64_t watch = guest_option_u64("watch=", 0), pages, bad = 0, seen = ~0ULL;
	unsigned int rounds = (unsigned int)guest_option_u64("rounds=", 20);

	for (uint64_t pfn = 0; pfn < si->nr_pages; pfn++)
		if (watch && p2m[pfn] == watch)
			seen = pfn;
	if (seen == ~0ULL)
		con_printf("pvpingpong: victim: frame %#lx is not mine\n", (unsigned long)watch);
	else
		con_printf("pvpingpong: victim: frame %#lx is my pfn %#lx%s\n", (unsigned long)watch,
			   (unsigned long)seen, seen >= first || pp_page_unused(seen) ? " (checked)" : " (not checked)");
	pass(si, first, false, &pages);
	con_printf("pvpingpong: victim: %lu pages filled (pfn %#lx and up, and 4 of the image)\n",
		   (unsigned long)pages,
		   (unsigned long)first);
	for (unsigned int r = 0; r < rounds; r++) {
		for (unsigned int y = 0; y < 200; y++)
			hv_sched_op(SCHEDOP_yield, NULL);
		bad += pass(si, first, true, &pages);
	}
	con_printf("pvpingpong: victim: %u rounds over %lu pages, %lu words changed\n", rounds,
		   (unsigned long)pages, (unsigned long)bad);
	expect(pages > 1000 && !bad, "victim: every page kept its pattern");
	con_printf("pvpingpong: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
