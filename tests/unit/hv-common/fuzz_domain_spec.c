/* libFuzzer target: domain_spec_parse() and log_escape() on arbitrary
 * text, as an admin's boot-module line. A spec accepted without problems
 * holds only values a domain may have (a printable unique-able name, a
 * memory size from 1 byte to the limit, 1 to 8 vCPUs, a CPU mask within
 * the online ones); every problem is reported once; the escaped line has
 * no control byte. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "umbra/domain_spec.h"
#include "umbra/log_escape.h"

static void require(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void report(void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*(unsigned int *)ctx)++;
}

static void check_escape(const char *line, size_t len)
{
	char out[1024];
	size_t n = log_escape(out, sizeof(out), line, len);

	require(n <= sizeof(out));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		require((c >= ' ' && c <= '~') || c == '\t' || (c == '\n' && i == n - 1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint64_t online = size ? (uint64_t)data[0] | 1 : 1;
	char *line = malloc(size + 1);
	struct domain_spec s;
	unsigned int reports = 0, problems;

	memcpy(line, data, size);
	line[size] = '\0';
	problems = domain_spec_parse(line, 3, online, &s, report, &reports);
	require(problems == reports);
	if (!problems) {
		require(domain_name_valid(s.name));
		require(s.mem_bytes >= 1 && s.mem_bytes <= DOMAIN_MAX_MEM);
		require(s.nr_vcpus >= 1 && s.nr_vcpus <= MAX_VCPUS_PER_DOMAIN);
		require(s.affinity && !(s.affinity & ~online));
		require(s.paging == UMBRA_PAGING_NESTED || s.paging == UMBRA_PAGING_SHADOW);
		require(memchr(s.args, '\0', sizeof(s.args)) != NULL);
	}
	check_escape(line, size);
	free(line);
	return 0;
}
