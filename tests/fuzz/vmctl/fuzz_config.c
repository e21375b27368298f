/*
 * libFuzzer target for vmctl's config parser: the input is a config
 * file, then (after a NUL byte, if any) command-line overrides, one per
 * line. Whatever the bytes, the parser must answer with 0 or with an
 * error sentence that names where it was, and never read or write out
 * of bounds (ASan, UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/vmctl/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_warn(void *arg, const char *msg)
{
	(void)arg;
	if (strncmp(msg, "f.cfg:", 6) && strncmp(msg, "command line: ", 14))
		abort();
}

/* An error must be a sentence about this file or the command line. */
static void check_error(const struct vmcfg_diag *d)
{
	if (strncmp(d->error, "f.cfg", 5) &&
	    strncmp(d->error, "command line: ", 14))
		abort();
	if (strlen(d->error) >= sizeof(d->error))
		abort();
}

static void overrides(struct vmcfg *cfg, char *text, struct vmcfg_diag *d)
{
	char *line, *next;

	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (vmcfg_override(cfg, line, d))
			check_error(d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmcfg_diag d = { .warn = no_warn };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t file_len = nul ? (size_t)(nul - data) : size;
	struct vmcfg cfg;
	char *rest;

	vmcfg_init(&cfg);
	if (vmcfg_parse(&cfg, "f.cfg", (const char *)data, file_len, &d))
		check_error(&d);
	if (nul) {
		rest = malloc(size - file_len);
		if (!rest)
			abort();
		memcpy(rest, nul + 1, size - file_len - 1);
		rest[size - file_len - 1] = '\0';
		overrides(&cfg, rest, &d);
		free(rest);
	}
	if (vmcfg_finish(&cfg, "f.cfg", "/d", &d))
		check_error(&d);
	else if (!cfg.name[0] || !cfg.kernel || cfg.vcpus < 1 ||
		 cfg.vcpus > UMBRA_MAX_VCPUS || cfg.memory_mib % 2)
		abort();
	vmcfg_free(&cfg);
	return 0;
}
