/*
 * hvm32: a guest that stays in 32-bit protected mode and makes Xen
 * hypercalls with paging off, 2-level paging, PSE (4 MiB pages) and PAE
 * paging (2 MiB pages), its arguments in a window whose two pages are
 * mapped backwards (so the hypervisor must walk the guest's tables page
 * by page), through big pages, and across unmapped addresses (-EFAULT).
 * Each check prints "hvm32: MODE: ok: ..." or "... FAIL: ... (rc)", then
 * a summary; shuts down with SCHEDOP_shutdown from the last mode's window.
 * Command line: modes=off,2level,pse,pae (the default: all four) picks
 * the paging forms, in that order.
 */
#include <public/event_channel.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/xen.h>

#include "hvm32.h"

#define EFAULT_RC	(-14)
#define ENOSYS_RC	(-38)

static const char *const mode_name[PG_MODES] = { "off", "2level", "pse", "pae" };
static unsigned int checks, failed;
static const char *cur_mode;

uint32_t str_len(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

void mem_copy(void *d, const void *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		((volatile uint8_t *)d)[i] = ((const uint8_t *)s)[i];
}

long con_write(const char *s, uint32_t len)
{
	return hcall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint32_t)(uintptr_t)s);
}

void con_puts(const char *s)
{
	con_write(s, str_len(s));
}

void con_num(long n)
{
	char buf[12];
	unsigned long u = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
	int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		buf[--i] = '-';
	con_write(buf + i, sizeof(buf) - i);
}

void check(bool ok, const char *what, long rc)
{
	checks++;
	con_puts("hvm32: ");
	con_puts(cur_mode);
	con_puts(ok ? ": ok: " : ": FAIL: ");
	con_puts(what);
	if (!ok) {
		failed++;
		con_puts(" (rc ");
		con_num(rc);
		con_puts(")");
	}
	con_puts("\n");
}

static void *at(uint32_t va)
{
	return (void *)(uintptr_t)va;
}

/* console_io reads a buffer that straddles the window's two pages. */
static void check_console(uint32_t w, bool paged)
{
	static const char line[] = "hvm32: console_io read across two backwards pages\n";
	uint32_t len = sizeof(line) - 1;
	long rc;

	mem_copy(at(w + 4096 - 20), line, len);
	rc = hcall(__HYPERVISOR_console_io, CONSOLEIO_write, len, w + 4096 - 20);
	check(rc == 0, "console_io from a buffer across the window's pages", rc);
	if (!paged)
		return;
	rc = hcall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, w + 8192 - 8);
	check(rc == EFAULT_RC, "console_io running into an unmapped page: -EFAULT", rc);
	rc = hcall(__HYPERVISOR_console_io, CONSOLEIO_write, 8, HOLE_VA);
	check(rc == EFAULT_RC, "console_io at a not-present top-level entry: -EFAULT", rc);
}

static void check_big_page(void)
{
	static const char line[] = "hvm32: console_io through a big page\n";
	long rc;

	rc = hcall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line) - 1,
		   BIG_VA + (uint32_t)(uintptr_t)line);
	check(rc == 0, "console_io through a big page (alias of low memory)", rc);
}

static void check_memory(uint32_t w)
{
	struct compat_memory_map *map = at(w + 0x100);
	struct e820entry *e = at(w + 4096 - 30);	/* straddles the pages */
	uint16_t self = DOMID_SELF;
	long rc, ram = 0;

	mem_copy(at(w + 4096 - 1), &self, sizeof(self));	/* so does this */
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_current_reservation, w + 4096 - 1, 0);
	check(rc > 0 && rc < 1 << 20, "memory_op current_reservation (domid across pages)", rc);
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_maximum_ram_page, 0, 0);
	check(rc > 0, "memory_op maximum_ram_page", rc);
	*map = (struct compat_memory_map){ .nr_entries = 4, .buffer = w + 4096 - 30 };
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_memory_map, w + 0x100, 0);
	for (uint32_t i = 0; rc == 0 && i < map->nr_entries && i < 4; i++)
		if (e[i].type == 1)
			ram += (long)(e[i].size >> 12);
	check(rc == 0 && map->nr_entries >= 1 && ram > 0,
	      "memory_map in the compat layout, entries across pages", rc);
	rc = hcall(__HYPERVISOR_memory_op, 27, w + 0x100, 0);	/* none Umbra offers */
	check(rc == ENOSYS_RC, "a memory_op not offered to 32-bit code: -ENOSYS", rc);
}

static long evtchn(uint32_t cmd, uint32_t arg)
{
	return hcall(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

/* A loopback pair: alloc_unbound, bind_interdomain to it, send, poll. */
static void check_evtchn(uint32_t w, bool paged)
{
	struct evtchn_alloc_unbound *u = at(w + 0x200);
	struct evtchn_bind_interdomain *b = at(w + 0x210);
	struct evtchn_send *s = at(w + 0x220);
	struct evtchn_close *c = at(w + 0x230);
	struct compat_sched_poll *p = at(w + 4096 - 8);	/* straddles */
	uint32_t *ports = at(w + 0x240);
	uint32_t a, bport;
	long rc;

	*u = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	rc = evtchn(EVTCHNOP_alloc_unbound, w + 0x200);
	a = u->port;
	check(rc == 0 && a > 0, "evtchn alloc_unbound (port written back)", rc);
	*b = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = a };
	rc = evtchn(EVTCHNOP_bind_interdomain, w + 0x210);
	bport = b->local_port;
	check(rc == 0 && bport != a, "evtchn bind_interdomain to it", rc);
	s->port = bport;
	rc = evtchn(EVTCHNOP_send, w + 0x220);
	check(rc == 0, "evtchn send", rc);
	ports[0] = a;
	*p = (struct compat_sched_poll){ .ports = w + 0x240, .nr_ports = 1, .timeout = 0 };
	rc = hcall(__HYPERVISOR_sched_op, SCHEDOP_poll, w + 4096 - 8, 0);
	check(rc == 0, "SCHEDOP_poll (compat layout) returns on the pending port", rc);
	if (paged) {
		p->ports = w + 8192 - 2;	/* runs into the unmapped page */
		rc = hcall(__HYPERVISOR_sched_op, SCHEDOP_poll, w + 4096 - 8, 0);
		check(rc == EFAULT_RC, "SCHEDOP_poll with its ports unmapped: -EFAULT", rc);
		rc = evtchn(EVTCHNOP_send, HOLE_VA + 0x20);
		check(rc == EFAULT_RC, "evtchn send from a not-present entry: -EFAULT", rc);
	}
	c->port = bport;
	rc = evtchn(EVTCHNOP_close, w + 0x230);
	c->port = a;
	rc |= evtchn(EVTCHNOP_close, w + 0x230);
	check(rc == 0, "evtchn close both", rc);
}

/* The guest edits a live page table: the store traps under shadow
 * paging (32-bit entry, or the low half of a PAE one) and the shadow
 * follows; INVLPG; the window's first page then shows the other page.
 * And CR4 reads back as written. */
static void check_pt_write(enum pg_mode m)
{
	/* All volatile: the compiler cannot see that probe aliases a tail. */
	volatile uint32_t *probe = (volatile uint32_t *)(WINDOW_VA + 0xffc);
	volatile uint32_t *tail0 = (volatile uint32_t *)&window_pages[0][0xffc];
	volatile uint32_t *tail1 = (volatile uint32_t *)&window_pages[1][0xffc];
	uint32_t save0 = *tail0, save1 = *tail1;
	bool ok;

	*tail0 = 0x0a0a0a0a;
	*tail1 = 0x1b1b1b1b;
	ok = *probe == 0x1b1b1b1b;	/* mapped backwards: page 1 first */
	paging_window_first(m, 0);
	ok = ok && *probe == 0x0a0a0a0a;
	paging_window_first(m, 1);
	ok = ok && *probe == 0x1b1b1b1b;
	*tail0 = save0;
	*tail1 = save1;
	check(ok, "a store to a live PTE and INVLPG remap the window's first page", 0);
	check(paging_cr4_reads_back(m), "CR4 reads back as written", 0);
}

static void run_mode(enum pg_mode m)
{
	uint32_t w;

	cur_mode = mode_name[m];
	paging_enter(m);
	w = window_base(m);
	check_console(w, m != PG_OFF);
	if (m != PG_OFF)
		check_pt_write(m);
	if (m == PG_PSE || m == PG_PAE)
		check_big_page();
	check_memory(w);
	check_evtchn(w, m != PG_OFF);
	check_compat(w, m != PG_OFF);
}

/* Event channels need shared_info somewhere: add_to_physmap in the
 * compat layout (16 bytes), from the window. */
uint8_t shared_page[4096] __attribute__((aligned(4096)));

static void place_shared_info(void)
{
	struct compat_add_to_physmap *x = at(window_base(PG_OFF) + 0x400);
	long rc;

	*x = (struct compat_add_to_physmap){
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
		.gpfn = (uint32_t)(uintptr_t)shared_page >> 12,
	};
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, window_base(PG_OFF) + 0x400, 0);
	check(rc == 0, "add_to_physmap shared_info (compat layout)", rc);
}

static void say_identity(void)
{
	static struct umbra_identity id;
	long rc = hcall(__HYPERVISOR_umbra_op, UMBRAOP_identity, (uint32_t)(uintptr_t)&id, 0);

	cur_mode = "off";
	check(rc == 0, "umbra_op identity", rc);
	con_puts("hvm32: paging ");
	con_puts(id.paging == UMBRA_PAGING_SHADOW ? "shadow" : "nested");
	con_puts("\n");
}

/* Is `word` one of the comma-separated names after "modes=" in the
 * command line? No "modes=": every mode. */
static bool mode_wanted(const char *cmdline, const char *word)
{
	const char *p = cmdline;
	uint32_t n = str_len(word);

	while (*p && !(p[0] == 'm' && p[1] == 'o' && p[2] == 'd' && p[3] == 'e' &&
		       p[4] == 's' && p[5] == '='))
		p++;
	if (!*p)
		return true;
	for (p += 6; *p && *p != ' ';) {
		uint32_t i = 0;

		while (i < n && p[i] == word[i])
			i++;
		if (i == n && (p[n] == ',' || p[n] == ' ' || !p[n]))
			return true;
		while (*p && *p != ',' && *p != ' ')
			p++;
		if (*p == ',')
			p++;
	}
	return false;
}

void hvm32_main(const struct hvm_start_info *si)
{
	const char *cmdline = si->cmdline_paddr ? at((uint32_t)si->cmdline_paddr) : "";
	enum pg_mode last = PG_OFF;
	struct sched_shutdown *sd;

	con_puts("hvm32: 32-bit protected mode\n");
	say_identity();
	place_shared_info();
	compat_setup(window_base(PG_OFF));
	paging_build();
	for (int m = PG_OFF; m < PG_MODES; m++) {
		if (!mode_wanted(cmdline, mode_name[m]))
			continue;
		if (last != PG_OFF)
			paging_leave();
		run_mode((enum pg_mode)m);
		last = (enum pg_mode)m;
	}
	con_puts("hvm32: ");
	con_num((long)checks);
	con_puts(" checks, ");
	con_num((long)failed);
	con_puts(" failed\n");
	/* Still in the last mode: the request is read from its window. */
	sd = at(window_base(last) + 0x300);
	sd->reason = failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
	hcall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, window_base(last) + 0x300, 0);
	for (;;)
		__asm__ __volatile__("hlt");
}
