/*
 * The test-guest runtime: what a guest's guest_main() may use.
 *
 * Output goes through the console_io hypercall when the guest runs on
 * Umbra (or Xen), else straight to COM1. guest_exit() shuts the domain
 * down with SCHEDOP_shutdown; without a hypervisor it writes to QEMU's
 * isa-debug-exit port (0xf4) instead and halts.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <public/hvm/start_info.h>

enum guest_hv {
	GUEST_HV_NONE,		/* bare metal / plain QEMU */
	GUEST_HV_UMBRA,
	GUEST_HV_XEN,		/* a Xen-compatible hypervisor */
};

/* Each guest defines this; its return value becomes the shutdown reason. */
int guest_main(const struct hvm_start_info *si);

/* The guest's name, printed before each line of runtime messages. */
extern const char guest_name[];

enum guest_hv guest_hypervisor(void);

void con_write(const char *s, size_t len);
void con_puts(const char *s);
/* printf subset: %s %c %d %u %x %p, with l/ll, '#' and a 0/width prefix. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);

/* Shut down with a SHUTDOWN_* reason (public/sched.h). Never returns. */
void guest_exit(unsigned int reason) __attribute__((noreturn));

/* Start of day, called from head.S with the start info address. */
void guest_start(uint64_t start_info_paddr) __attribute__((noreturn));

/* Exception handling (traps.c). */
void traps_init(void);

size_t guest_strlen(const char *s);

#endif
