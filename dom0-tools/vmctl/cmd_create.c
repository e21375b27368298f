/*
 * vmctl create CFG [-c] [-p] [KEY=VALUE ...]: read the config file,
 * apply the overrides, start the domain (domain.c) and, with -c, attach
 * its console.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "console.h"
#include "domain.h"
#include "watch.h"

static bool opt_console, opt_paused;

static bool create_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt == 'c')
		opt_console = true;
	else if (opt == 'p')
		opt_paused = true;
	else
		return false;
	return true;
}

static void print_warning(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

/* The whole file, at most VMCFG_TEXT_MAX bytes (more is the parser's
 * error: one byte past the limit is read to notice it). */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;

	if (!f)
		cli_fail_errno("%s", path);
	buf = malloc(VMCFG_TEXT_MAX + 1);
	if (!buf)
		cli_fail_errno("%s", path);
	*len = fread(buf, 1, VMCFG_TEXT_MAX + 1, f);
	if (ferror(f))
		cli_fail_errno("%s", path);
	fclose(f);
	return buf;
}

/* Relative kernel and ramdisk paths are the config file's neighbours. */
static char *config_dir(const char *path)
{
	char *copy = strdup(path), *dir;

	if (!copy)
		cli_fail_errno("%s", path);
	dir = strdup(dirname(copy));
	free(copy);
	if (!dir)
		cli_fail_errno("%s", path);
	return dir;
}

static void load_config(struct vmcfg *cfg, const char *path, int nr_overrides,
			char **overrides)
{
	struct vmcfg_diag d = { .warn = print_warning };
	char *text, *dir;
	size_t len;
	int i;

	text = read_file(path, &len);
	if (vmcfg_parse(cfg, path, text, len, &d))
		cli_fail("%s", d.error);
	free(text);
	for (i = 0; i < nr_overrides; i++)
		if (vmcfg_override(cfg, overrides[i], &d))
			cli_fail("%s", d.error);
	dir = config_dir(path);
	if (vmcfg_finish(cfg, path, dir, &d))
		cli_fail("%s", d.error);
	free(dir);
}

int cmd_create(int argc, char **argv)
{
	struct vmcfg cfg;
	uint32_t domid;
	int first, rc = 0;

	first = cli_options(argc, argv, "cp", create_opt);
	if (first >= argc)
		cli_usage();
	vmcfg_init(&cfg);
	load_config(&cfg, argv[first], argc - first - 1, argv + first + 1);
	watch_self = opt_console;
	domid = domain_start(&cfg, opt_paused);
	printf("domain %u (%s) created%s\n", domid, cfg.name,
	       opt_paused ? ", paused" : "");
	fflush(stdout);
	if (opt_console)
		rc = console_follow(domid, &cfg);
	vmcfg_free(&cfg);
	return rc;
}
