/* printk and friends: format into a line buffer, append to the log ring,
 * echo to the serial console when the level passes the threshold. */
#include <umbra/log_escape.h>
#include <umbra/logbuf.h>
#include <umbra/printk.h>
#include <umbra/serial.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

#define LINE_MAX 512

static spinlock_t console_lock = SPINLOCK_INIT;
static enum log_level console_threshold = LOG_INFO;
static struct logbuf console_log;

void console_set_threshold(enum log_level lvl)
{
	console_threshold = lvl;
}

/* Format into line (LINE_MAX bytes): one line, nothing a terminal would
 * act on. Returns its length. */
static size_t format_line(char *line, const char *fmt, va_list ap)
{
	char raw[LINE_MAX];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);

	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(raw)) {
		n = sizeof(raw) - 1;
		raw[n - 1] = '\n';	/* a cut line still ends its line */
	}
	return log_escape(line, LINE_MAX, raw, (size_t)n);
}

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	size_t n = format_line(line, fmt, ap);
	uint64_t flags;

	flags = spin_lock_irqsave(&console_lock);
	logbuf_write(&console_log, line, n);
	if (lvl <= console_threshold)
		serial_write(line, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(lvl, fmt, ap);
	va_end(ap);
}

void emergency_printf(const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_line(line, fmt, ap);
	va_end(ap);
	serial_write(line, n);
	logbuf_write(&console_log, line, n);
}

size_t console_read_log(uint64_t *pos, char *out, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	size_t got = logbuf_read(&console_log, pos, out, n);

	spin_unlock_irqrestore(&console_lock, flags);
	return got;
}
