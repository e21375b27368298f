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
#include <stdbool.h>
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
/* Base of Xen's CPUID leaves (0x40000100 on Umbra), 0 if none. */
uint32_t guest_xen_cpuid_base(void);

void con_write(const char *s, size_t len);
void con_puts(const char *s);
/* printf subset: %s %c %d %u %x %p, with l/ll, '#' and a 0/width prefix. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);

/* Shut down with a SHUTDOWN_* reason (public/sched.h). Never returns. */
void guest_exit(unsigned int reason) __attribute__((noreturn));

/* Start of day, called from head.S with the start info address. */
void guest_start(uint64_t start_info_paddr) __attribute__((noreturn));

/* Exception handling (traps.c; trap.h has the test interface). */
void traps_init(void);
/* An interrupt gate for vector (>= 32) to an assembly stub ending in iretq. */
void irq_set_gate(unsigned int vector, void (*stub)(void));

/* The command line (args.c). guest_option("key=") is the text after the
 * first word starting with "key=", or NULL. */
void guest_set_cmdline(const char *s);
const char *guest_cmdline(void);
const char *guest_option(const char *key);
uint64_t guest_option_u64(const char *key, uint64_t def);
/* Is word one of the comma-separated items at list (up to a space)? */
bool guest_word_in_list(const char *list, const char *word);

/* Memory (mem.c): the end of the highest memory map entry, and zeroed
 * 4 KiB pages from the RAM after the image (NULL when none is left). */
void guest_mem_init(const struct hvm_start_info *si);
uint64_t guest_mem_end(void);
void *page_alloc(void);
uint64_t pages_free(void);

/* Guest time (time.c): the TSC scaled by the hypervisor's TSC frequency;
 * 0 if the hypervisor does not report one. */
uint64_t guest_tsc_khz(void);
uint64_t tsc_to_ns(uint64_t tsc);
uint64_t ns_to_tsc(uint64_t ns);
uint64_t guest_time_ns(void);

size_t guest_strlen(const char *s);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
