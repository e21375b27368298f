/* Console output. Every line goes to the 64 KiB log ring; lines at or
 * below the console threshold (loglvl=) also go to the serial port. */
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

#define pr_err(...)	log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_printf(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)	log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_printf(LOG_DEBUG, __VA_ARGS__)

/* Console output that bypasses the lock and the threshold: for fatal
 * paths (panic, exception dumps) where another CPU may hold the lock. */
void emergency_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void console_set_threshold(enum log_level lvl);
/* Copy out the log ring from sequence position *pos; see logbuf.h. */
size_t console_read_log(uint64_t *pos, char *out, size_t n);

#endif
