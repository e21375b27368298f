/*
 * vmctl's command table and dispatch. A command may be abbreviated to
 * any prefix that names only it (OpenBSD's vmctl); the names are xl's
 * where the two overlap. See vmctl(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain.h"
#include "watch.h"

static const struct command commands[] = {
	{ "console", cmd_console, "DOM",
	  "Show the domain's console output, live; Ctrl-] detaches." },
	{ "create", cmd_create, "CFG [-c] [-p] [KEY=VALUE ...]",
	  "Create a domain from a config file (vmctl.cfg(5)); KEY=VALUE\n"
	  "overrides a key of the file. -p leaves it paused, -c attaches\n"
	  "its console. A detached watcher carries out the domain's\n"
	  "on_poweroff / on_reboot / on_crash action when it stops." },
	{ "destroy", cmd_destroy, "DOM",
	  "Stop the domain at once and give its memory back." },
	{ "dmesg", cmd_dmesg, "[-c]",
	  "Print Umbra's log; -c clears it after printing." },
	{ "info", cmd_info, "",
	  "Print the machine's CPUs, memory and Umbra's version." },
	{ "list", cmd_list, "[-l] [--json] [DOM ...]",
	  "List the domains: Name ID Mem VCPUs State Time(s), as xl does;\n"
	  "-l adds type, paging, pool and why it stopped; --json prints a\n"
	  "JSON array." },
	{ "pause", cmd_pause, "DOM", "Stop scheduling the domain's vCPUs." },
	{ "restore", cmd_restore, "FILE [-p]",
	  "Create a domain again from a file vmctl save wrote, and run it\n"
	  "from where it stopped; -p leaves it paused. The file is checked\n"
	  "whole (size, checksum, versions, architecture) first." },
	{ "save", cmd_save, "DOM FILE [-c]",
	  "Pause the domain, write its state and memory (zlib) to FILE and\n"
	  "destroy it; -c lets it run on instead (a checkpoint)." },
	{ "shutdown", cmd_shutdown, "[-w] [-r] DOM",
	  "Ask the domain to shut down (-r: to reboot); -w waits until it\n"
	  "has, then applies its on_poweroff / on_reboot / on_crash action\n"
	  "(its watcher then leaves it alone)." },
	{ "unpause", cmd_unpause, "DOM", "Let a paused domain run again." },
	{ "vcpu-list", cmd_vcpu_list, "[DOM ...]",
	  "List the vCPUs: where each runs, its state, time and affinity." },
	{ "vcpu-pin", cmd_vcpu_pin, "DOM VCPU|all CPUS",
	  "Let the vCPU run only on CPUS (\"0-3\", \"1,3\", \"all\")." },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_commands(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: vmctl COMMAND [ARGS]  (vmctl COMMAND --help for more)\n"
		"commands (any unambiguous prefix will do):\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].usage);
}

/* An exact name, or the only command the prefix begins. */
static const struct command *lookup(const char *name)
{
	const struct command *hit = NULL;
	size_t len = strlen(name);
	char others[256] = "";
	unsigned int i, n = 0;

	for (i = 0; i < NR_COMMANDS; i++) {
		if (!strcmp(name, commands[i].name))
			return &commands[i];
		if (len && !strncmp(name, commands[i].name, len)) {
			hit = &commands[i];
			n++;
			snprintf(others + strlen(others),
				 sizeof(others) - strlen(others), "%s%s",
				 n > 1 ? ", " : "", commands[i].name);
		}
	}
	if (n == 1)
		return hit;
	if (n > 1)
		fprintf(stderr, "vmctl: '%s' is ambiguous: %s\n", name, others);
	else
		fprintf(stderr, "vmctl: unknown command '%s' (vmctl --help "
			"lists them)\n", name);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_commands(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			cli_command = lookup(argv[2]);
			argv[2] = "--help";
			return cli_command->run(2, argv + 1);
		}
		print_commands(stdout);
		return 0;
	}
	cli_command = lookup(argv[1]);
	domain_start_hook = watch_started;
	return cli_command->run(argc - 1, argv + 1);
}
