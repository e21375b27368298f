/*
 * The console ring of a PV guest (Xen's xencons_interface): the page and
 * the port start_info names (console.domU), served by the console back
 * end in dom0 (vmconsoled). The frame is a machine frame of the domain's
 * own on shared page tables and its guest frame when translated: either
 * way what an entry holds, so it is mapped as it is given, over a page
 * of the image. Waiting is SCHEDOP_block through the event helpers.
 */
#include <public/event_channel.h>
#include <public/io/console.h>
#include "hypercall.h"
#include "minios.h"
#include "consring.h"
#include "pagetable.h"

#define WAKEUPS	2000	/* wake-ups a full ring may take to drain */

static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static struct xencons_interface *cons;
static uint32_t cons_port;

int consring_init(const struct start_info *si)
{
	uint64_t pte = si->console.domU.mfn << 12 | PT_P | PT_W | PT_U | PT_A | PT_D | PT_NX;

	if (!si->console.domU.mfn || !si->console.domU.evtchn)
		return -1;
	if (hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)ring_page, pte,
		       UVMF_INVLPG))
		return -1;
	cons = (struct xencons_interface *)ring_page;
	cons_port = si->console.domU.evtchn;
	return 0;
}

static void notify(void)
{
	struct evtchn_send s = { .port = cons_port };

	evtchn_op(EVTCHNOP_send, &s);
}

int consring_write(const char *s, size_t len)
{
	unsigned int waits = 0;

	if (!cons)
		return -1;
	while (len) {
		XENCONS_RING_IDX c = __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE);
		XENCONS_RING_IDX p = cons->out_prod;

		if (p - c >= sizeof(cons->out)) {
			notify();
			if (++waits > WAKEUPS)
				return -1;
			events_wait(cons_port, 1);
			continue;
		}
		while (len && p - c < sizeof(cons->out)) {
			cons->out[MASK_XENCONS_IDX(p++, cons->out)] = *s++;
			len--;
		}
		__atomic_store_n(&cons->out_prod, p, __ATOMIC_RELEASE);
	}
	notify();
	return 0;
}

int consring_puts(const char *s)
{
	return consring_write(s, strlen(s));
}

void consring_read_line(char *line, size_t max)
{
	size_t n = 0;

	for (;;) {
		XENCONS_RING_IDX p = __atomic_load_n(&cons->in_prod, __ATOMIC_ACQUIRE);
		XENCONS_RING_IDX c = cons->in_cons;
		int end = 0;

		while (c != p && !end) {
			char ch = cons->in[MASK_XENCONS_IDX(c++, cons->in)];

			if (ch == '\r' || ch == '\n')
				end = n > 0;
			else if (n + 1 < max)
				line[n++] = ch;
		}
		__atomic_store_n(&cons->in_cons, c, __ATOMIC_RELEASE);
		notify();	/* room for more */
		if (end) {
			line[n] = '\0';
			return;
		}
		events_wait(cons_port, 1);
	}
}
