/*
 * vmctl's domain configuration: xl.cfg syntax (KEY = VALUE statements,
 * "strings" or 'strings', numbers, ["lists"], # comments) read into a
 * struct vmcfg. Pure C, no I/O: the caller reads the file, and the parser
 * reports errors as one sentence naming the file, line and key
 * ("hello.cfg:3: memory: not a number: 'lots'") and warnings (unknown
 * keys) through a callback. See vmctl.cfg(5).
 */
#ifndef VMCTL_CONFIG_H
#define VMCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/mgmt.h>

#include "config_limits.h"

/* What happens when the domain stops (on_poweroff, on_reboot, on_crash). */
enum vmcfg_action {
	VMCFG_DESTROY,
	VMCFG_PRESERVE,
	VMCFG_RESTART,
};

#define VMCFG_MEMORY_MAX_MIB	(1u << 20)	/* 1 TiB: beyond any machine */
#define VMCFG_NR_CPUS		64		/* bits of an affinity mask */

struct vmcfg {
	char name[UMBRA_DOMAIN_NAME_MAX];
	unsigned int type;		/* UMBRA_DOMAIN_TYPE_* */
	uint64_t memory_mib;
	unsigned int vcpus;
	uint64_t cpus;			/* affinity; 0: not given */
	uint64_t vcpu_cpus[UMBRA_MAX_VCPUS]; /* cpus = [list]: per vCPU */
	unsigned int nr_vcpu_cpus;
	char *kernel;			/* malloc()ed, or NULL */
	char *ramdisk;
	char *cmdline;
	char *extra;
	enum vmcfg_action on_poweroff, on_reboot, on_crash;
	unsigned int paging;		/* UMBRA_PAGING_* */
	bool paging_given;		/* else the type's own (pv: shared) */
};

/* Where messages go: the first error's text, warnings to a callback. */
struct vmcfg_diag {
	char error[512];
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

/* Defaults: type pvh, 128 MiB, 1 vCPU, nested paging, on_poweroff and
 * on_crash destroy, on_reboot restart (xl's). */
void vmcfg_init(struct vmcfg *cfg);
void vmcfg_free(struct vmcfg *cfg);

/*
 * Parse a whole file's text (`file` names it in messages) into cfg; a
 * later assignment of a key replaces an earlier one. Returns 0, or -1
 * with d->error set (cfg may be partly changed: free it).
 */
int vmcfg_parse(struct vmcfg *cfg, const char *file, const char *text,
		size_t len, struct vmcfg_diag *d);

/*
 * One KEY=VALUE from the command line, after the file (as xl's extra
 * config lines): the same syntax, but a bare word is taken as a string,
 * so `name=web` and `memory=64` both work. Returns 0 or -1.
 */
int vmcfg_override(struct vmcfg *cfg, const char *assignment,
		   struct vmcfg_diag *d);

/*
 * After the file and the overrides: what must be there (name, kernel)
 * is, and the command line is cmdline followed by extra. Relative
 * kernel and ramdisk paths are taken from `dir` (the config file's
 * directory; NULL: left as they are). Returns 0 or -1.
 */
int vmcfg_finish(struct vmcfg *cfg, const char *file, const char *dir,
		 struct vmcfg_diag *d);

/*
 * A CPU list as xl writes it: "all", "3", "0-3", "1,3", "0-7,^2",
 * "^2" (all but 2). Returns 0 with *mask set, or -1 with a reason in
 * why ("cpu 70 is out of range (0-63)").
 */
int vmcfg_parse_cpus(const char *s, uint64_t *mask, char *why, size_t len);

/* The mask as xl prints it: "all" (every CPU of `all`), "0-3,5", or
 * "none". */
void vmcfg_format_cpus(uint64_t mask, uint64_t all, char *buf, size_t len);

const char *vmcfg_action_name(enum vmcfg_action a);

#endif
