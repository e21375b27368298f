/* Start of day in C: keep start_info, run the guest, shut down with the
 * reason it returns. */
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"

static const struct start_info *start;

const char *guest_cmdline(void)
{
	return start ? (const char *)start->cmd_line : "";
}

/* Is `word` a whole space-separated word of the command line? */
int guest_option(const char *word)
{
	const char *p = guest_cmdline();
	size_t n = strlen(word);

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

/* The number after `prefix` (e.g. "status="), decimal or 0x hex. */
uint64_t guest_option_u64(const char *prefix, uint64_t dflt)
{
	const char *p = guest_cmdline();
	size_t n = strlen(prefix);

	for (; *p; p++) {
		uint64_t v = 0;
		unsigned int base = 10;

		if ((p != guest_cmdline() && p[-1] != ' ') || strncmp(p, prefix, n))
			continue;
		p += n;
		if (p[0] == '0' && p[1] == 'x') {
			base = 16;
			p += 2;
		}
		for (; *p && *p != ' '; p++) {
			unsigned int d = *p >= '0' && *p <= '9' ? (unsigned int)(*p - '0') :
					 *p >= 'a' && *p <= 'f' ? (unsigned int)(*p - 'a' + 10) : 99;

			if (d >= base)
				return dflt;
			v = v * base + d;
		}
		return v;
	}
	return dflt;
}

void guest_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	for (;;)
		hv_sched_op(SCHEDOP_shutdown, &s);
}

void minios_start(const struct start_info *si);

void minios_start(const struct start_info *si)
{
	start = si;
	guest_shutdown((unsigned int)guest_main(si));
}
