/*
 * minios page-table helpers for both of Umbra's PV paging modes
 * (docs/pv.md):
 *  - shared (paging=shared, Xen's classic PV): entries hold machine
 *    frames, found in the p2m list (start_info.mfn_list); a page that
 *    becomes a page table must be mapped read-only in every mapping the
 *    guest has of it (here: the start-of-day mapping), and stores into
 *    live tables are emulated by the hypervisor (writable page tables,
 *    turned on by pt_init);
 *  - translated (paging=shadow; XENFEAT_auto_translated_physmap):
 *    entries hold pseudo-physical frames, tables are ordinary memory.
 * minios is linked with VIRT_BASE 0: a page of the start-of-day mapping
 * at va is pseudo-physical frame va >> 12.
 */
#ifndef MINIOS_PAGETABLE_H
#define MINIOS_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>

#define PT_P	(1ULL << 0)
#define PT_W	(1ULL << 1)
#define PT_U	(1ULL << 2)
#define PT_A	(1ULL << 5)
#define PT_D	(1ULL << 6)
#define PT_PS	(1ULL << 7)
#define PT_NX	(1ULL << 63)
#define PT_ADDR	0x000ffffffffff000ULL

/* Learn the mode (XENVER_get_features) and, on shared page tables,
 * turn writable page tables on. 0, or the failing hypercall's result. */
long pt_init(const struct start_info *si);
bool pt_translated(void);
/* The frame address an entry holds for the page at va (start-of-day
 * mapping), and back: the va of the page whose frame address an entry
 * holds (0 if it is not one of the domain's own). */
uint64_t pt_frame(const void *va);
void *pt_frame_va(uint64_t addr);
/* The page at va is about to become a page table / is one no more:
 * on shared page tables its own mapping turns read-only / writable
 * again (a table must be unlinked everywhere first). 0 or the error. */
long pt_make_table(void *va);
long pt_unmake_table(void *va);
/* A new L4 at va (read-only already on shared page tables) is pinned,
 * so that stores into it are emulated before it is ever a base pointer
 * (translated: nothing to do). 0 or the error. */
long pt_pin_l4(void *va);
/* Its pin dropped (MMUEXT_UNPIN_TABLE; translated: nothing). */
long pt_unpin(void *va);
/* MMUEXT_NEW_BASEPTR to the L4 at va, TLB_FLUSH_LOCAL, INVLPG_LOCAL. */
long pt_switch(void *l4);
long pt_flush(void);
long pt_invlpg(uint64_t va);

#endif
