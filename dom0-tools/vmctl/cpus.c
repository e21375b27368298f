/*
 * CPU lists as xl writes them ("all", "0-3", "1,3", "0-7,^2") to and from
 * a 64-bit mask, the width of the management interface's affinity.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static int why_fail(char *why, size_t len, const char *fmt, const char *item,
		    unsigned long n)
{
	char show[40];

	snprintf(show, sizeof(show), "%s", item);
	snprintf(why, len, fmt, show, n);
	return -1;
}

/* A CPU number: digits only, below VMCFG_NR_CPUS. */
static int cpu_number(const char **s, unsigned long *out, const char *item,
		      char *why, size_t len)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return why_fail(why, len, "'%s' is not a CPU number or range",
				item, 0);
	*out = strtoul(*s, &end, 10);
	*s = end;
	if (*out >= VMCFG_NR_CPUS)
		return why_fail(why, len, "'%s': cpu %lu is out of range (0-63)",
				item, *out > 999 ? 999 : *out);
	return 0;
}

/* One item: N, N-M, or either with a leading ^ (which `*neg` reports). */
static int cpu_item(const char *item, uint64_t *bits, int *neg, char *why,
		    size_t len)
{
	const char *s = item;
	unsigned long lo, hi;

	*neg = *s == '^';
	s += *neg;
	if (!strcmp(s, "all")) {
		*bits = ~0ULL;
		return 0;
	}
	if (cpu_number(&s, &lo, item, why, len))
		return -1;
	hi = lo;
	if (*s == '-') {
		s++;
		if (cpu_number(&s, &hi, item, why, len))
			return -1;
	}
	if (*s)
		return why_fail(why, len, "'%s' is not a CPU number or range",
				item, 0);
	if (hi < lo)
		return why_fail(why, len, "'%s': the range runs backwards",
				item, 0);
	*bits = (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int vmcfg_parse_cpus(const char *s, uint64_t *mask, char *why, size_t len)
{
	char buf[256], *item, *next;
	uint64_t m = 0, bits;
	bool any = false;
	int neg;

	if (strlen(s) >= sizeof(buf))
		return why_fail(why, len, "CPU list too long", "", 0);
	snprintf(buf, sizeof(buf), "%s", s);
	for (item = buf; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = trim(item);
		if (!*item)
			return why_fail(why, len, "empty item in the CPU list "
					"'%s'", s, 0);
		if (cpu_item(item, &bits, &neg, why, len))
			return -1;
		/* "^2" alone means every CPU but 2. */
		if (neg && !any)
			m = ~0ULL;
		m = neg ? m & ~bits : m | bits;
		any = true;
	}
	if (!m)
		return why_fail(why, len, "'%s' leaves no CPU", s, 0);
	*mask = m;
	return 0;
}

void vmcfg_format_cpus(uint64_t mask, uint64_t all, char *buf, size_t len)
{
	unsigned int lo, hi;
	size_t n = 0;

	if (!mask) {
		snprintf(buf, len, "none");
		return;
	}
	if (all && (mask & all) == all) {
		snprintf(buf, len, "all");
		return;
	}
	buf[0] = '\0';
	for (lo = 0; lo < VMCFG_NR_CPUS && n < len; lo = hi + 1) {
		hi = lo;
		if (!(mask >> lo & 1))
			continue;
		while (hi + 1 < VMCFG_NR_CPUS && (mask >> (hi + 1) & 1))
			hi++;
		n += snprintf(buf + n, len - n, hi == lo ? "%s%u" : "%s%u-%u",
			      n ? "," : "", lo, hi);
	}
}
