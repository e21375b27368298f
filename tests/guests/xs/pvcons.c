/*
 * role=console: the PV console ring from the guest's side, as Linux's
 * hvc_xen uses it: output into out[], input from in[], the console
 * channel notified after each, and masked (the guest polls it). It
 * prints a prompt, answers each line typed with "pvcons: got LINE", and
 * stops at "quit" (or after two minutes without one).
 */
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/sched.h>
#include <public/xen.h>

#include "hypercall.h"
#include "runtime.h"
#include "xs.h"

#define LINE_MAX	128

static struct xencons_interface *intf;
static uint32_t port;

static void notify(void)
{
	struct evtchn_send s = { .port = port };

	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&s);
}

static void wait_event(uint64_t ms)
{
	uint32_t ports[1] = { port };
	struct sched_poll p = { .ports = (uint64_t)(uintptr_t)ports, .nr_ports = 1,
				.timeout = guest_time_ns() + ms * NS_PER_MS };

	hv_sched_op(SCHEDOP_poll, &p);
	xs_clear_pending(port);
}

static void cons_write(const char *s)
{
	size_t len = guest_strlen(s);
	uint64_t until = guest_time_ns() + 10000 * NS_PER_MS;

	while (len && guest_time_ns() < until) {
		XENCONS_RING_IDX cons = __atomic_load_n(&intf->out_cons, __ATOMIC_ACQUIRE);
		XENCONS_RING_IDX prod = intf->out_prod;

		if (prod - cons >= sizeof(intf->out)) {
			notify();
			wait_event(10);
			continue;
		}
		while (len && prod - cons < sizeof(intf->out)) {
			intf->out[MASK_XENCONS_IDX(prod++, intf->out)] = *s++;
			len--;
		}
		__atomic_store_n(&intf->out_prod, prod, __ATOMIC_RELEASE);
	}
	notify();
}

/* The next typed line (without its end), or false after ms. */
static bool read_line(char *line, unsigned int ms)
{
	uint64_t until = guest_time_ns() + ms * NS_PER_MS;
	unsigned int n = 0;

	while (guest_time_ns() < until) {
		XENCONS_RING_IDX prod = __atomic_load_n(&intf->in_prod, __ATOMIC_ACQUIRE);
		XENCONS_RING_IDX cons = intf->in_cons;
		bool end = false;

		while (cons != prod && !end) {
			char c = intf->in[MASK_XENCONS_IDX(cons++, intf->in)];

			if (c == '\r' || c == '\n')
				end = n > 0;
			else if (n < LINE_MAX - 1)
				line[n++] = c;
		}
		__atomic_store_n(&intf->in_cons, cons, __ATOMIC_RELEASE);
		notify();	/* room for more */
		if (end) {
			line[n] = 0;
			return true;
		}
		wait_event(100);
	}
	return false;
}

void console_role(void)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
	char line[LINE_MAX], out[LINE_MAX + 32];
	unsigned int lines = 0;
	bool quit = false;

	if (hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p)) {
		xs_check(false, "HVM_PARAM_CONSOLE_PFN", NULL);
		return;
	}
	intf = (struct xencons_interface *)(uintptr_t)(p.value << 12);
	p.index = HVM_PARAM_CONSOLE_EVTCHN;
	hypercall2(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint64_t)(uintptr_t)&p);
	port = (uint32_t)p.value;
	xs_mask(port);
	cons_write("pvcons: ready; type a line (quit ends)\r\n");
	while (!quit && read_line(line, 120000)) {
		quit = !memcmp(line, "quit", 5);
		if (quit)
			break;
		memcpy(out, "pvcons: got ", 12);
		memcpy(out + 12, line, guest_strlen(line));
		memcpy(out + 12 + guest_strlen(line), "\r\n", 3);
		cons_write(out);
		lines++;
	}
	cons_write("pvcons: bye\r\n");
	xs_check(lines > 0, "lines typed on the PV console arrived", NULL);
	xs_check(quit, "quit arrived", NULL);
}
