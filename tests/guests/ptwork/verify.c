/* ptwork's final sweep: every mapping of every space still leads to the
 * right frame with the right contents, accessed and dirty bits tell the
 * truth, and the frames themselves hold what the model says. */
#include "cpu.h"
#include "ptwork.h"
#include "pt.h"
#include "ptupdate.h"
#include "runtime.h"

/* A and D as the guest's own entry shows them, checked against what the
 * workload did through that mapping (D must not be set without a write). */
static void check_ad(unsigned int s, unsigned int i)
{
	const struct slot_state *st = &spaces[s].slot[i];
	uint64_t *e = pt_leaf(spaces[s].root, slot_va(i));

	if (!e || !(*e & PTE_P)) {
		mismatch("space %u slot %u: mapping missing from the tables", s, i);
		return;
	}
	if ((*e & PTE_ADDR) != pt_frame_of(frames[st->frame]))
		mismatch("space %u slot %u: entry %#lx maps the wrong frame", s, i,
			 (unsigned long)*e);
	if (st->accessed && !(*e & PTE_A))
		mismatch("space %u slot %u: accessed but A clear (%#lx)", s, i,
			 (unsigned long)*e);
	if (st->dirty != !!(*e & PTE_D))
		mismatch("space %u slot %u: %s but D %s (%#lx)", s, i,
			 st->dirty ? "written" : "never written", st->dirty ? "clear" : "set",
			 (unsigned long)*e);
}

static void check_contents(unsigned int i)
{
	const struct slot_state *st = &spaces[current_space].slot[i];
	const volatile uint64_t *p = (const volatile uint64_t *)(uintptr_t)slot_va(i);
	unsigned int w;

	for (w = 0; w < NR_WORDS; w++) {
		uint64_t v = p[w * WORD_STRIDE];

		mix(v);
		if (v != model[st->frame][w])
			mismatch("sweep: space %u slot %u word %u reads %#lx, expected %#lx",
				 current_space, i, w, (unsigned long)v,
				 (unsigned long)model[st->frame][w]);
	}
}

void verify_all(void)
{
	unsigned int s, i, f, w;

	pt_sync(true);		/* the entries as the changes leave them */
	for (s = 0; s < NR_SPACES; s++)
		for (i = 0; i < NR_SLOTS; i++)
			if (spaces[s].slot[i].frame >= 0)
				check_ad(s, i);
	for (s = 0; s < NR_SPACES; s++) {
		op_switch(s);
		pt_sync(true);
		for (i = 0; i < NR_SLOTS; i++) {
			mix(spaces[s].slot[i].frame);
			if (spaces[s].slot[i].frame >= 0)
				check_contents(i);
		}
	}
	/* Through the identity map: no write went to the wrong frame. */
	for (f = 0; f < NR_FRAMES; f++)
		for (w = 0; w < NR_WORDS; w++)
			if (frames[f][w * WORD_STRIDE] != model[f][w])
				mismatch("frame %u word %u holds %#lx, expected %#lx", f, w,
					 (unsigned long)frames[f][w * WORD_STRIDE],
					 (unsigned long)model[f][w]);
}
