/*
 * How every vmctl command fails, reads its options, opens libvmctl and
 * finds the domain it was given: one place, so the messages read alike
 * ("vmctl: destroy: web: no domain called 'web'").
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const struct command *cli_command;

static void vmessage(const char *kind, const char *fmt, va_list ap,
		     const char *tail)
{
	fflush(stdout);
	fprintf(stderr, "vmctl: ");
	if (cli_command)
		fprintf(stderr, "%s: ", cli_command->name);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	if (tail)
		fprintf(stderr, ": %s", tail);
	fputc('\n', stderr);
}

void cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void cli_fail_errno(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, fmt, ap, why);
	va_end(ap);
	exit(1);
}

void cli_fail_lib(long rc, const char *fmt, ...)
{
	const char *why = vmctl_last_error();
	va_list ap;

	if (!why || !*why)
		why = strerror(rc < 0 ? (int)-rc : (int)rc);
	va_start(ap, fmt);
	vmessage(NULL, fmt, ap, why);
	va_end(ap);
	exit(1);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning", fmt, ap, NULL);
	va_end(ap);
}

void cli_usage(void)
{
	fprintf(stderr, "usage: vmctl %s %s\n", cli_command->name,
		cli_command->usage);
	exit(1);
}

static void print_help(void)
{
	printf("usage: vmctl %s %s\n\n%s\n", cli_command->name,
	       cli_command->usage, cli_command->help);
	exit(0);
}

int cli_options(int argc, char **argv, const char *opts,
		bool (*on_opt)(int opt, const char *arg))
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 },
	};
	char spec[32];
	int opt;

	snprintf(spec, sizeof(spec), ":h%s", opts);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
		if (opt == 'h')
			print_help();
		if (opt == '?' || opt == ':' || !on_opt || !on_opt(opt, optarg)) {
			if (optopt && opt != 'J')
				fprintf(stderr, "vmctl: %s: unknown option '-%c'\n",
					cli_command->name, optopt);
			else
				fprintf(stderr, "vmctl: %s: unknown option '%s'\n",
					cli_command->name, argv[optind - 1]);
			cli_usage();
		}
	}
	return optind;
}

static struct vmctl *h;

void cli_forget_handles(void)
{
	h = NULL;	/* its descriptor is closed already (a forked watcher) */
}

struct vmctl *cli_handle(void)
{
	int rc;

	if (h)
		return h;
	rc = vmctl_open(&h);
	if (rc < 0 && *vmctl_last_error())
		cli_fail("%s", vmctl_last_error());	/* it names the device */
	if (rc < 0)
		cli_fail("cannot open %s: %s", getenv(VMCTL_DEVICE_ENV) ?
			 getenv(VMCTL_DEVICE_ENV) : VMCTL_DEVICE, strerror(-rc));
	return h;
}

uint32_t cli_domain(const char *name_or_id, struct umbra_domain_info *info)
{
	long id = vmctl_domain_find(cli_handle(), name_or_id, info);

	if (id < 0)
		cli_fail_lib(id, "%s", name_or_id);
	return (uint32_t)id;
}
