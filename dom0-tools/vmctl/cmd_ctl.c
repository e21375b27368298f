/*
 * The commands that act on one domain: shutdown [-w] [-r], destroy,
 * pause, unpause, vcpu-pin. Each names the domain by name or id and
 * says why when the hypervisor refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "domain.h"
#include "store.h"
#include "watch.h"

static bool opt_wait, opt_reboot;

static bool shutdown_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt == 'w')
		opt_wait = true;
	else if (opt == 'r')
		opt_reboot = true;
	else
		return false;
	return true;
}

/* The one DOM operand of a command. */
static uint32_t one_domain(int argc, char **argv, const char *opts,
			   bool (*on_opt)(int, const char *),
			   struct umbra_domain_info *info)
{
	int first = cli_options(argc, argv, opts, on_opt);

	if (argc - first != 1)
		cli_usage();
	return cli_domain(argv[first], info);
}

static const char *name_of(const struct umbra_domain_info *d, char *buf)
{
	memcpy(buf, d->name, UMBRA_DOMAIN_NAME_MAX);
	buf[UMBRA_DOMAIN_NAME_MAX - 1] = '\0';
	return buf;
}

/*
 * As xl shutdown: a guest that watches its control/shutdown node (Linux
 * says so in control/feature-poweroff) is asked there and shuts itself
 * down in order. One that does not (Umbra's test guests, a guest without
 * xenbus) is shut down by the hypervisor, where xl would need -F and
 * an ACPI power button.
 */
static int request_shutdown(uint32_t domid)
{
	if (store_domain_request(domid, opt_reboot ? "reboot" : "poweroff"))
		return 0;
	return vmctl_domain_shutdown(cli_handle(), domid,
				     opt_reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

int cmd_shutdown(int argc, char **argv)
{
	struct umbra_domain_info info;
	char name[UMBRA_DOMAIN_NAME_MAX], text[128];
	uint32_t domid;
	int rc;

	domid = one_domain(argc, argv, "wr", shutdown_opt, &info);
	name_of(&info, name);
	if (opt_wait)
		watch_hold(domid);	/* we act; its watcher waits */
	rc = request_shutdown(domid);
	if (rc < 0)
		cli_fail_lib(rc, "%s", name);
	if (!opt_wait)
		return 0;
	fprintf(stderr, "vmctl: waiting for %s (%u) to shut down\n", name, domid);
	rc = domain_wait_stop(domid, &info, -1);
	if (rc == 0) {
		printf("%s (%u) is gone\n", name, domid);
		return 0;
	}
	printf("%s (%u) %s\n", name, domid, domain_stop_text(&info, text, sizeof(text)));
	fflush(stdout);
	domain_on_stop(domid, &info, NULL, 0);
	return 0;
}

int cmd_destroy(int argc, char **argv)
{
	struct umbra_domain_info info;
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint32_t domid;

	domid = one_domain(argc, argv, "", NULL, &info);
	domain_destroy(domid, name_of(&info, name));
	return 0;
}

/* The one domain named on the command line, given to a library call that
 * takes nothing else (pause, unpause). */
static int on_one_domain(int argc, char **argv,
			 int (*op)(struct vmctl *h, uint32_t domid))
{
	struct umbra_domain_info info;
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint32_t domid;
	int rc;

	domid = one_domain(argc, argv, "", NULL, &info);
	rc = op(cli_handle(), domid);
	if (rc < 0)
		cli_fail_lib(rc, "%s", name_of(&info, name));
	return 0;
}

int cmd_pause(int argc, char **argv)
{
	return on_one_domain(argc, argv, vmctl_domain_pause);
}

int cmd_unpause(int argc, char **argv)
{
	return on_one_domain(argc, argv, vmctl_domain_unpause);
}

/* "all" or a vCPU number below the domain's count. */
static unsigned int vcpu_arg(const char *s, const struct umbra_domain_info *d,
			     bool *all)
{
	char *end;
	unsigned long v;

	*all = !strcmp(s, "all");
	if (*all)
		return 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-')
		cli_fail("'%s' is not a vCPU number", s);
	if (v >= d->nr_vcpus)
		cli_fail("vCPU %lu: the domain has %u vCPU%s (0-%u)", v,
			 d->nr_vcpus, d->nr_vcpus == 1 ? "" : "s", d->nr_vcpus - 1);
	return (unsigned int)v;
}

int cmd_vcpu_pin(int argc, char **argv)
{
	struct umbra_domain_info info;
	char name[UMBRA_DOMAIN_NAME_MAX], why[160];
	unsigned int vcpu, last;
	uint64_t mask;
	bool all;
	int first, rc;

	first = cli_options(argc, argv, "", NULL);
	if (argc - first != 3)
		cli_usage();
	cli_domain(argv[first], &info);
	name_of(&info, name);
	vcpu = vcpu_arg(argv[first + 1], &info, &all);
	if (vmcfg_parse_cpus(argv[first + 2], &mask, why, sizeof(why)))
		cli_fail("%s: %s", name, why);
	last = all ? info.nr_vcpus - 1 : vcpu;
	for (; vcpu <= last; vcpu++) {
		rc = vmctl_vcpu_pin(cli_handle(), info.domid, vcpu, mask);
		if (rc < 0)
			cli_fail_lib(rc, "%s: vCPU %u", name, vcpu);
	}
	return 0;
}
