/* Console output. Every line goes to the 64 KiB log ring; lines at or
 * below the console threshold (loglvl=) also go to the serial port.
 * Until console_end_boot() every line is also kept aside, and after it
 * every line printed with log_lifecycle(): no flood of other lines can
 * push those out of what a log reader gets (see logbuf.h). Messages a
 * guest can cause go through gprintk() (guest_log.h), rate limited. */
#ifndef UMBRA_PRINTK_H
#define UMBRA_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <umbra/log_level.h>

void log_printf(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* A domain lifecycle line: created, shut down, crashed, its counters. */
void log_lifecycle(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...)	log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_printf(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)	log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_printf(LOG_DEBUG, __VA_ARGS__)

/* Console output that bypasses the lock and the threshold: for fatal
 * paths (panic, exception dumps) where another CPU may hold the lock. */
void emergency_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void console_set_threshold(enum log_level lvl);
/* Boot is over (the ready line is out): from now on only lifecycle lines
 * are kept aside. */
void console_end_boot(void);
/* Copy out the log from sequence position *pos; see logbuf.h. */
size_t console_read_log(uint64_t *pos, char *out, size_t n);
/* Sequence number of the next byte the log ring will hold. */
uint64_t console_log_head(void);
/* Print the whole log on the serial port, each line as "log| LINE", with
 * "log| [N bytes not kept]" where bytes were lost: for test builds. */
void console_dump_log(void);

#endif
