/* The 32-bit guest's own tiny runtime: Xen's 32-bit hypercall convention
 * (number in EAX, arguments in EBX, ECX, EDX, ESI, EDI, result in EAX),
 * console output, and the paging forms it switches between. */
#ifndef HVM32_H
#define HVM32_H

#include <stdbool.h>
#include <stdint.h>

static inline long hcall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t ret = nr;

	__asm__ __volatile__("vmmcall"
			     : "+a"(ret), "+b"(a1), "+c"(a2), "+d"(a3)
			     :
			     : "memory");
	return (long)ret;
}

/* Where the tests put their hypercall arguments: a window of two pages
 * mapped in reverse order at WINDOW_VA (the page after them is not
 * mapped), a big page aliasing low memory at BIG_VA, and an address
 * whose top-level entry (PDE, or PAE PDPTE) is not present. */
#define WINDOW_VA	0x40000000u
#define BIG_VA		0x80000000u
#define HOLE_VA		0xc0000000u

enum pg_mode { PG_OFF, PG_2LEVEL, PG_PSE, PG_PAE, PG_MODES };

extern uint8_t window_pages[2][4096];

void paging_build(void);
void paging_enter(enum pg_mode m);
void paging_leave(void);
/* Does MOV from CR4 give back what paging_enter(m) wrote? (A 2-level
 * guest on PAE shadows runs with PAE set behind its back.) */
bool paging_cr4_reads_back(enum pg_mode m);
/* Point the window's first page at window_pages[page] by a store to its
 * PTE, then INVLPG it (paged modes only). */
void paging_window_first(enum pg_mode m, int page);
/* The window's address as the guest uses it in mode m. */
uint32_t window_base(enum pg_mode m);

/* shared_info, placed at start of day (hvm32.c). */
extern uint8_t shared_page[4096];

/* One check's line: "hvm32: MODE: ok: what" or "... FAIL: what (rc N)". */
void check(bool ok, const char *what, long rc);
/* compat32.c: the compat layouts, once at start of day (paging off,
 * window at w) and then in each paging mode. */
void compat_setup(uint32_t w);
void check_compat(uint32_t w, bool paged);

long con_write(const char *s, uint32_t len);
void con_puts(const char *s);
void con_num(long n);
uint32_t str_len(const char *s);
void mem_copy(void *d, const void *s, uint32_t n);

#endif
