/* The trap table and the C side of exceptions (traps.S). */
#include <public/arch-x86/xen-x86_64.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"

#define TRAP_VECTORS(X) X(0) X(1) X(3) X(4) X(5) X(6) X(7) X(13) X(14) X(16) X(17) X(19) X(128)
#define DECLARE(v) extern char minios_trap_##v[];
TRAP_VECTORS(DECLARE)

static trap_handler_t handlers[256];
static trap_handler_t event_handler, user_handler;
extern char minios_event_entry[];

long event_callback_init(trap_handler_t fn)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
		.address = (uint64_t)(uintptr_t)minios_event_entry,
	};

	event_handler = fn;
	return hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
}

long syscall_callback_init(void *entry)
{
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
		.address = (uint64_t)(uintptr_t)entry,
	};

	return hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
}

void trap_set_user_handler(trap_handler_t fn)
{
	user_handler = fn;
}

void trap_set_handler(unsigned int vector, trap_handler_t fn)
{
	handlers[vector & 0xff] = fn;
}

long trap_init(void)
{
#define ENTRY(v) { .vector = v, .flags = (v == 3 || v == 4 || v == 128) ? 3 : 0, \
		   .cs = FLAT_KERNEL_CS, .address = (uint64_t)(uintptr_t)minios_trap_##v },
	static const struct trap_info table[] = { TRAP_VECTORS(ENTRY) { 0, 0, 0, 0 } };

	return hypercall1(__HYPERVISOR_set_trap_table, table);
}

void minios_trap(struct minios_regs *r);

void minios_trap(struct minios_regs *r)
{
	bool user = user_handler && (r->cs & 3) == 3;

	/* From guest user mode (the frame's CS has RPL 3) exceptions and
	 * system calls go to the user handler first; an upcall there goes
	 * to the event handler, then to the user handler (which may switch
	 * processes: proc.c's time slices). */
	if (r->vector == MINIOS_EVENT_VECTOR) {
		if (event_handler && event_handler(r)) {
			if (user)
				user_handler(r);
			return;
		}
	} else if (user && user_handler(r)) {
		return;
	} else if (r->vector < 256 && handlers[r->vector] && handlers[r->vector](r)) {
		return;
	}
	con_printf("%s: unexpected exception %lu at %#lx, error %#lx\n", guest_name,
		   (unsigned long)r->vector, (unsigned long)r->rip, (unsigned long)r->error_code);
	guest_shutdown(SHUTDOWN_crash);
}
