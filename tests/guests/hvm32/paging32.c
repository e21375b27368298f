/* The guest's page tables for 2-level, PSE and PAE paging: the low
 * 16 MiB identity-mapped (4 KiB pages, 4 MiB or 2 MiB pages), the
 * two-page window mapped backwards at WINDOW_VA, low memory aliased by
 * one big page at BIG_VA (PSE, PAE), nothing at HOLE_VA. */
#include "hvm32.h"

#define P	0x001u
#define RW	0x002u
#define PS	0x080u
#define PRW	(P | RW)
#define LOW_MIB	16
#define CR0_PG	0x80000000u
#define CR4_PSE	0x00000010u
#define CR4_PAE	0x00000020u

uint8_t window_pages[2][4096] __attribute__((aligned(4096)));

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint32_t pd32_pse[1024] __attribute__((aligned(4096)));
static uint32_t pt32_low[LOW_MIB / 4][1024] __attribute__((aligned(4096)));
static uint32_t pt32_win[1024] __attribute__((aligned(4096)));
/* The PDPT sits 0x40 into its page: CR3 only needs 32-byte alignment. */
static uint64_t pdpt_page[512] __attribute__((aligned(4096)));
static uint64_t pd_low[512] __attribute__((aligned(4096)));
static uint64_t pd_win[512] __attribute__((aligned(4096)));
static uint64_t pd_big[512] __attribute__((aligned(4096)));
static uint64_t pt_win[512] __attribute__((aligned(4096)));

#define PDPT	(&pdpt_page[8])

static uint32_t pa(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static void build_2level(void)
{
	for (uint32_t i = 0; i < LOW_MIB / 4; i++) {
		for (uint32_t j = 0; j < 1024; j++)
			pt32_low[i][j] = ((i * 1024 + j) << 12) | PRW;
		pd32[i] = pa(pt32_low[i]) | PRW;
		pd32_pse[i] = (i << 22) | PS | PRW;
	}
	pt32_win[0] = pa(window_pages[1]) | PRW;
	pt32_win[1] = pa(window_pages[0]) | PRW;
	pd32[WINDOW_VA >> 22] = pa(pt32_win) | PRW;
	pd32_pse[WINDOW_VA >> 22] = pa(pt32_win) | PRW;
	pd32_pse[BIG_VA >> 22] = 0 | PS | PRW;	/* 4 MiB at 0 */
}

static void build_pae(void)
{
	for (uint32_t i = 0; i < LOW_MIB / 2; i++)
		pd_low[i] = ((uint64_t)i << 21) | PS | PRW;
	pt_win[0] = pa(window_pages[1]) | PRW;
	pt_win[1] = pa(window_pages[0]) | PRW;
	pd_win[0] = pa(pt_win) | PRW;
	pd_big[0] = 0 | PS | PRW;		/* 2 MiB at 0 */
	PDPT[0] = pa(pd_low) | P;
	PDPT[1] = pa(pd_win) | P;
	PDPT[2] = pa(pd_big) | P;
	PDPT[3] = 0;				/* HOLE_VA: PDPTE not present */
}

void paging_build(void)
{
	build_2level();
	build_pae();
}

static uint32_t cr4_of(enum pg_mode m)
{
	return m == PG_PSE ? CR4_PSE : m == PG_PAE ? CR4_PAE : 0;
}

static void write_cr(uint32_t cr3, uint32_t cr4)
{
	uint32_t cr0;

	__asm__ __volatile__("mov %0, %%cr4" : : "r"(cr4) : "memory");
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(cr3) : "memory");
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

void paging_enter(enum pg_mode m)
{
	switch (m) {
	case PG_2LEVEL:
		write_cr(pa(pd32), cr4_of(m));
		break;
	case PG_PSE:
		write_cr(pa(pd32_pse), cr4_of(m));
		break;
	case PG_PAE:
		write_cr(pa(PDPT), cr4_of(m));
		break;
	default:
		break;
	}
}

void paging_leave(void)
{
	uint32_t cr0;

	__asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
	__asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0 & ~CR0_PG) : "memory");
	__asm__ __volatile__("mov %0, %%cr4" : : "r"(0u) : "memory");
}

bool paging_cr4_reads_back(enum pg_mode m)
{
	uint32_t cr4;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(cr4));
	return cr4 == cr4_of(m);
}

/* A plain 32-bit store into the live table (under shadow paging a write
 * the engine traps and applies), then INVLPG of the address it maps. */
void paging_window_first(enum pg_mode m, int page)
{
	volatile uint32_t *pte = m == PG_PAE ? (volatile uint32_t *)&pt_win[0] : &pt32_win[0];

	*pte = pa(window_pages[page]) | PRW;
	__asm__ __volatile__("invlpg (%0)" : : "r"(WINDOW_VA) : "memory");
}

uint32_t window_base(enum pg_mode m)
{
	/* Without paging the window is its second page then its first. */
	return m == PG_OFF ? pa(window_pages[0]) : WINDOW_VA;
}
