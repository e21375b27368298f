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
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

extern const char guest_name[];
int guest_main(const struct start_info *si);

/* Console: console_io. */
void con_write(const char *s, size_t len);
void con_puts(const char *s);
/* %s %c %d %i %u %x %lx %ld %lu %llx %p %%, with '#' and widths ignored. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The command line (start_info.cmd_line) and NAME=VALUE options in it. */
const char *guest_cmdline(void);
int guest_option(const char *word);
uint64_t guest_option_u64(const char *prefix, uint64_t dflt);

/* SCHEDOP_shutdown; does not return. */
void __attribute__((noreturn)) guest_shutdown(unsigned int reason);

/* Freestanding basics (the compiler may call the first three). */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);

#endif
