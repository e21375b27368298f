/*
 * minios: a small runtime for Umbra's PV test guests (and any PV guest of
 * Xen's x86-64 ABI). Start of day, hypercalls, console, options.
 *
 * A guest provides `const char guest_name[]` and
 * `int guest_main(const struct start_info *si)`; its return value is the
 * shutdown reason (SHUTDOWN_*) the runtime passes to SCHEDOP_shutdown.
 */
#ifndef MINIOS_H
#define MINIOS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

extern const char guest_name[];
int guest_main(const struct start_info *si);

/* Feature submap 0 (XENVER_get_features; 0 if the call fails), and
 * the call's result (features.c). */
long xen_features(uint32_t *submap);
/* Whether Umbra told it its physmap is translated (paging=shadow:
 * XENFEAT_auto_translated_physmap). */
bool xen_translated(void);
/* Whether the scenario booted Umbra with its narrow view of itself in
 * guests' tables (xpti, the default): only `supervisor_view` on the
 * guest's command line says Umbra was booted with xpti=0. The ABI has
 * no query for it, as Xen's has none. */
bool umbra_xpti(void);

/* Console: console_io. */
void con_write(const char *s, size_t len);
void con_puts(const char *s);
/* %s %c %d %i %u %x %lx %ld %lu %llx %p %%, with '#' and widths ignored. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);

/* A check (check.c): "NAME: ok: WHAT" or "NAME: FAIL: WHAT" on the
 * console; failures counts the failed ones. */
extern unsigned int failures;
void expect(int ok, const char *what);

/* The command line (start_info.cmd_line) and NAME=VALUE options in it. */
const char *guest_cmdline(void);
int guest_option(const char *word);
uint64_t guest_option_u64(const char *prefix, uint64_t dflt);

/* SCHEDOP_shutdown; does not return. */
void __attribute__((noreturn)) guest_shutdown(unsigned int reason);

/* Exceptions (traps.S, traps.c): the registers at the fault, as the
 * bounce frame gave them; a handler may change any (RIP to resume
 * elsewhere) and returns nonzero when it handled the exception. */
struct minios_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
typedef int (*trap_handler_t)(struct minios_regs *r);
/* set_trap_table with the runtime's entries (0-19, and 128 for `int`
 * from ring 3); the hypercall's result. */
long trap_init(void);
void trap_set_handler(unsigned int vector, trap_handler_t fn);
/* A fault probe (probe.c): probe_record, installed as a trap handler,
 * notes the last exception's vector and error code and resumes at
 * resume_at when one is set (once). RAISES runs an asm sequence that
 * ends at its label 2 and gives the vector it raised (~0: none). */
extern volatile uint64_t seen_vector, seen_error, resume_at;
int probe_record(struct minios_regs *r);
/* probe_record as the handler of every vector. */
void probe_all_vectors(void);
#define RAISES(asm_body, ...) ({					\
	seen_vector = ~0ULL;						\
	__asm__ volatile("lea 2f(%%rip), %%rax; mov %%rax, %0; " asm_body "; 2:"	\
			 : "=m"(resume_at) : __VA_ARGS__ : "rax", "rcx", "rdx", "memory"); \
	seen_vector; })
/* The event upcall (callback_op CALLBACKTYPE_event, events masked while
 * it runs): fn is called with vector MINIOS_EVENT_VECTOR; the result of
 * the registration. */
#define MINIOS_EVENT_VECTOR	256
long event_callback_init(trap_handler_t fn);
/* SYSCALL from guest user mode: the syscall callback (events masked)
 * at entry, minios_syscall_entry for the runtime's frame with vector
 * MINIOS_SYSCALL_VECTOR; the result of the registration. */
#define MINIOS_SYSCALL_VECTOR	257
long syscall_callback_init(void *entry);
/* Exceptions and system calls from guest user mode go to fn first (NULL:
 * none); it returns nonzero when it handled them. Upcalls in user mode
 * reach it after the event handler (proc.c). */
void trap_set_user_handler(trap_handler_t fn);

/* Events (events.c): shared_info mapped by its machine address (NULL on
 * failure); the upcall registered and events unmasked; waiting for a
 * port (0-63) to be signalled, at most `tries` SCHEDOP_block wake-ups
 * (0, or -1 when it never came); event_channel_op. */
struct shared_info *shared_info_map(const struct start_info *si);
struct shared_info *shared_info_get(void);	/* NULL before the map */
long events_init(void);
unsigned int events_upcalls(void);
int events_wait(uint32_t port, unsigned int tries);
void events_forget(uint32_t port);	/* drop what was collected for it */
long evtchn_op(unsigned int cmd, void *arg);

/* Freestanding basics (the compiler may call the first three). */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

#endif
