/* Rate-limited log lines caused by guests (see umbra/guest_log.h). */
#include <stdarg.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/guest_log.h>
#include <umbra/printk.h>
#include <umbra/string.h>

/* The hypervisor's own messages about a guest are for diagnosis: a few
 * say what happened, a count says how often. */
static const struct ratelimit_params message_rate = { .burst = 50, .per_sec = 10 };
/* A guest's console is its own output: generous, yet bounded. */
static const struct ratelimit_params line_rate = { .burst = 1000, .per_sec = 1000 };

void guest_log_init(struct guest_log *gl, unsigned int domid, const char *name)
{
	memset(gl, 0, sizeof(*gl));
	gl->domid = domid;
	memcpy(gl->name, name, sizeof(gl->name));
	gl->name[sizeof(gl->name) - 1] = '\0';
}

static void report_suppressed(const struct guest_log *gl, uint64_t n, const char *what,
			      const struct ratelimit_params *p)
{
	if (n)
		log_printf(LOG_WARNING, "domain %u (%s): %llu %s suppressed (over %u a second)\n",
			   gl->domid, gl->name, (unsigned long long)n, what, p->per_sec);
}

/* Whether a line may go out now; reports what was refused before it. */
static bool allow(struct guest_log *gl, struct ratelimit *rl,
		  const struct ratelimit_params *p, const char *what)
{
	uint64_t hz = tsc_khz ? tsc_khz * 1000 : 1, lifted = 0;
	uint64_t f = spin_lock_irqsave(&gl->lock);
	bool ok = ratelimit_allow(rl, p, rdtsc(), hz, &lifted);

	spin_unlock_irqrestore(&gl->lock, f);
	report_suppressed(gl, lifted, what, p);
	return ok;
}

void guest_printk(struct guest_log *gl, enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (!allow(gl, &gl->messages, &message_rate, "messages"))
		return;
	va_start(ap, fmt);
	log_vprintf(lvl, fmt, ap);
	va_end(ap);
}

void guest_console_line(struct guest_log *gl, const char *line, size_t len)
{
	if (allow(gl, &gl->lines, &line_rate, "console lines"))
		log_printf(LOG_INFO, "(d%u %s) %.*s\n", gl->domid, gl->name, (int)len, line);
}

void guest_log_stop(struct guest_log *gl)
{
	uint64_t f = spin_lock_irqsave(&gl->lock);
	uint64_t messages = ratelimit_take_suppressed(&gl->messages);
	uint64_t lines = ratelimit_take_suppressed(&gl->lines);

	spin_unlock_irqrestore(&gl->lock, f);
	report_suppressed(gl, lines, "console lines", &line_rate);
	report_suppressed(gl, messages, "messages", &message_rate);
}
