/* GNU as and objdump run as child processes in a private directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "binutils.h"

static char dir[64];

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static const char *workdir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s/pkscan.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fail_msg("mkdtemp %s failed", dir);
	atexit(cleanup);
	return dir;
}

static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
}

static size_t read_file(const char *path, uint8_t *out, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(out, 1, max, f);
	fclose(f);
	return n;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		fail_msg("cannot write %s", path);
	fclose(f);
}

size_t assemble(const char *src, int mode, uint8_t *out, size_t max)
{
	const char *d = workdir();
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/v.s", d);
	f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fprintf(f, "\t.text\n\t.code%d\n%s\n", mode, src);
	fclose(f);
	run("as %s -o '%s/v.o' '%s'", mode == 64 ? "--64" : "--32", d, path);
	run("objcopy -O binary -j .text '%s/v.o' '%s/v.bin'", d, d);
	snprintf(path, sizeof(path), "%s/v.bin", d);
	return read_file(path, out, max);
}

/* "  1c:\t48 0f ae 2b \txrstor64 (%rbx)": offset, byte count, text. */
static int parse_line(char *line, struct objdump_insn *insn)
{
	char *colon, *bytes, *text, *tok;
	unsigned int n = 0;

	colon = strchr(line, ':');
	if (!colon || colon[1] != '\t')
		return 0;
	*colon = '\0';
	if (sscanf(line, "%x", &insn->offset) != 1)
		return 0;
	bytes = colon + 2;
	text = strchr(bytes, '\t');
	if (text)
		*text++ = '\0';
	for (tok = strtok(bytes, " "); tok; tok = strtok(NULL, " "))
		n++;
	insn->len = n;
	snprintf(insn->text, sizeof(insn->text), "%s", text ? text : "");
	insn->text[strcspn(insn->text, "\n")] = '\0';
	return n > 0;
}

size_t objdump_sweep(const uint8_t *bytes, size_t len, int mode,
		     struct objdump_insn *out, size_t max)
{
	const char *d = workdir();
	struct objdump_insn insn;
	char path[128], cmd[256], line[512];
	size_t nr = 0;
	FILE *p;

	snprintf(path, sizeof(path), "%s/d.bin", d);
	write_file(path, bytes, len);
	snprintf(cmd, sizeof(cmd), "objdump -D -w -b binary -m %s '%s'",
		 mode == 64 ? "i386:x86-64" : "i386", path);
	p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run %s", cmd);
	while (fgets(line, sizeof(line), p)) {
		if (!parse_line(line, &insn))
			continue;
		if (nr < max)
			out[nr] = insn;
		nr++;
	}
	if (pclose(p) != 0)
		fail_msg("%s failed", cmd);
	return nr;
}

size_t text_section(const char *path, uint8_t **out)
{
	const char *d = workdir();
	char bin[128];
	size_t cap = 1 << 24, n;

	run("objcopy -O binary -j .text '%s' '%s/t.bin'", path, d);
	snprintf(bin, sizeof(bin), "%s/t.bin", d);
	*out = malloc(cap);
	if (!*out)
		fail_msg("out of memory");
	n = read_file(bin, *out, cap);
	return n;
}
