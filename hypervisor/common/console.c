/* printk and friends: format into a line buffer, append to the log ring
 * (kept aside during boot and for lifecycle lines), echo to the serial
 * console when the level passes the threshold. */
#include <stdbool.h>
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
static bool boot_over;

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

void console_end_boot(void)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);

	boot_over = true;
	spin_unlock_irqrestore(&console_lock, flags);
}

/* Into the log, kept aside if it matters beyond any flood. Called with
 * console_lock held (or from a fatal path). */
static void log_line(const char *line, size_t n, bool lifecycle)
{
	if (!boot_over)
		logbuf_write_kept(&console_log, LOGBUF_KEEP_BOOT, line, n);
	else if (lifecycle)
		logbuf_write_kept(&console_log, LOGBUF_KEEP_LIFE, line, n);
	else
		logbuf_write(&console_log, line, n);
}

static void log_out(enum log_level lvl, bool lifecycle, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	size_t n = format_line(line, fmt, ap);
	uint64_t flags;

	flags = spin_lock_irqsave(&console_lock);
	log_line(line, n, lifecycle);
	if (lvl <= console_threshold)
		serial_write(line, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
	log_out(lvl, false, fmt, ap);
}

void log_lifecycle(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_out(lvl, true, fmt, ap);
	va_end(ap);
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
	log_line(line, n, true);
}

size_t console_read_log(uint64_t *pos, char *out, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	size_t got = logbuf_read(&console_log, pos, out, n);

	spin_unlock_irqrestore(&console_lock, flags);
	return got;
}

uint64_t console_log_head(void)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);
	uint64_t head = logbuf_head(&console_log);

	spin_unlock_irqrestore(&console_lock, flags);
	return head;
}

static void dump_chunk(const char *buf, size_t n, bool *line_start)
{
	for (size_t i = 0; i < n; i++) {
		if (*line_start)
			serial_write("log| ", 5);
		serial_write(buf + i, 1);
		*line_start = buf[i] == '\n';
	}
}

static void dump_gap(uint64_t bytes, bool *line_start)
{
	char note[64];
	int n = snprintf(note, sizeof(note), "[%llu bytes not kept]\n",
			 (unsigned long long)bytes);

	if (!*line_start)
		dump_chunk("\n", 1, line_start);
	dump_chunk(note, (size_t)n, line_start);
}

void console_dump_log(void)
{
	char buf[256];
	uint64_t pos = 0, flags = spin_lock_irqsave(&console_lock);
	bool line_start = true;
	size_t got;

	for (;;) {
		uint64_t before = pos;

		got = logbuf_read(&console_log, &pos, buf, sizeof(buf));
		if (!got)
			break;
		if (pos - got > before)
			dump_gap(pos - got - before, &line_start);
		dump_chunk(buf, got, &line_start);
	}
	if (!line_start)
		dump_chunk("\n", 1, &line_start);
	spin_unlock_irqrestore(&console_lock, flags);
}
