/* Leveled logging: one line per message, with time and level. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static const char *const names[] = { "error", "warn", "info", "debug" };

static enum log_level cur_level = LOG_LVL_INFO;
static FILE *sink;		/* NULL: stderr */
static bool to_syslog;

int log_level_parse(const char *name)
{
	int i;

	for (i = 0; i <= LOG_LVL_DEBUG; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *log_level_name(enum log_level level)
{
	return level <= LOG_LVL_DEBUG ? names[level] : "?";
}

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

int log_open_file(const char *path)
{
	FILE *f = fopen(path, "a");

	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	log_close();
	sink = f;
	to_syslog = false;
	return 0;
}

void log_use_syslog(void)
{
	log_close();
	openlog("vmstored", LOG_PID, LOG_DAEMON);
	to_syslog = true;
}

void log_close(void)
{
	if (sink)
		fclose(sink);
	sink = NULL;
	if (to_syslog)
		closelog();
	to_syslog = false;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	FILE *out = sink ? sink : stderr;
	char stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio[level], fmt, ap);
		va_end(ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(out, "%s.%03ld vmstored %s: ", stamp, ts.tv_nsec / 1000000,
		names[level]);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	va_end(ap);
}
