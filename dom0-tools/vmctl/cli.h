/*
 * What vmctl's commands share: the command table's entry, how a command
 * fails (err/errx style: "vmctl: CMD: what: why", exit status 1), the
 * handle on libvmctl and finding a domain by name or id.
 */
#ifndef VMCTL_CLI_H
#define VMCTL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;	/* arguments after the name */
	const char *help;	/* what it does, a few lines */
};

/* The command running now (for messages). */
extern const struct command *cli_command;

/* "vmctl: CMD: message" on stderr, exit status 1. */
noreturn void cli_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The same with ": <strerror(errno)>" appended. */
noreturn void cli_fail_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The same with libvmctl's reason for rc (vmctl_last_error()). */
noreturn void cli_fail_lib(long rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "vmctl: CMD: warning: message" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "usage: vmctl CMD ARGS" on stderr, exit status 1. */
noreturn void cli_usage(void);

/*
 * Standard option handling for a command: --help / -h print the
 * command's help and exit 0. Returns the index of the first operand;
 * `opts` are the command's getopt letters, each handled by `on_opt`
 * (which returns false for an unknown one).
 */
int cli_options(int argc, char **argv, const char *opts,
		bool (*on_opt)(int opt, const char *arg));

/* The handle, opened on first use (failing with the reason). */
struct vmctl *cli_handle(void);

/* The domain called name_or_id (fails: "no domain called 'x'"). */
/* Drop the cached libvmctl handle without using it: a forked child opens
 * its own. */
void cli_forget_handles(void);

uint32_t cli_domain(const char *name_or_id, struct umbra_domain_info *info);

/* Shared by the commands' files. */
int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_vcpu_list(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_vcpu_pin(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);

#endif
