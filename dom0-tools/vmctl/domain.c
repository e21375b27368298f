/*
 * Starting, stopping and watching a domain for vmctl's commands; see
 * domain.h. Every failure ends the command with libvmctl's sentence
 * (which carries the hypervisor's reason, e.g. memory asked vs free).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "store.h"

void (*domain_start_hook)(uint32_t domid);

/* Into the store with its rings (a domain without any: none). */
static void domain_record(struct vmctl *h, uint32_t domid, const struct vmcfg *cfg)
{
	struct umbra_mgmt_rings rings;

	store_domain_add(domid, cfg, vmctl_domain_rings(h, domid, &rings) ? NULL : &rings);
}

uint32_t domain_start(const struct vmcfg *cfg, bool paused)
{
	struct vmctl_domain_config dc = {
		.name = cfg->name,
		.mem_bytes = cfg->memory_mib << 20,
		.vcpus = cfg->vcpus,
		.cpus = cfg->cpus,
		.type = cfg->type,
		.paging = cfg->paging,
		.kernel = cfg->kernel,
		.ramdisk = cfg->ramdisk,
		.cmdline = cfg->cmdline,
	};
	struct vmctl *h = cli_handle();
	uint32_t domid;
	unsigned int i;
	int rc;

	rc = vmctl_domain_create(h, &dc, &domid);
	if (rc < 0)
		cli_fail_lib(rc, "%s", cfg->name);
	for (i = 0; i < cfg->nr_vcpu_cpus; i++) {
		rc = vmctl_vcpu_pin(h, domid, i, cfg->vcpu_cpus[i]);
		if (rc < 0) {
			vmctl_domain_destroy(h, domid);
			cli_fail_lib(rc, "%s: cpus: vCPU %u", cfg->name, i);
		}
	}
	domain_record(h, domid, cfg);
	/* Before it runs, so nobody misses its stop (watch.c). */
	if (domain_start_hook)
		domain_start_hook(domid);
	if (!paused) {
		rc = vmctl_domain_unpause(h, domid);
		if (rc < 0) {
			vmctl_domain_destroy(h, domid);
			store_domain_remove(domid);
			cli_fail_lib(rc, "%s: unpause", cfg->name);
		}
	}
	return domid;
}

void domain_destroy(uint32_t domid, const char *name)
{
	int rc = vmctl_domain_destroy(cli_handle(), domid);

	if (rc < 0)
		cli_fail_lib(rc, "%s", name);
	store_domain_remove(domid);
}

bool domain_stopped(const struct umbra_domain_info *info)
{
	return info->state == UMBRA_DOMSTATE_SHUTDOWN ||
	       info->state == UMBRA_DOMSTATE_CRASHED ||
	       info->state == UMBRA_DOMSTATE_DYING;
}

const char *domain_stop_text(const struct umbra_domain_info *info, char *buf,
			     size_t len)
{
	char why[UMBRA_REASON_MAX];

	switch (info->state) {
	case UMBRA_DOMSTATE_SHUTDOWN:
		snprintf(buf, len, "shut down (%s)",
			 vmctl_shutdown_name(info->shutdown_reason));
		break;
	case UMBRA_DOMSTATE_CRASHED:
		memcpy(why, info->reason, sizeof(why));
		why[sizeof(why) - 1] = '\0';
		snprintf(buf, len, "crashed: %s", why[0] ? why : "no reason given");
		break;
	default:
		snprintf(buf, len, "%s", vmctl_domstate_name(info->state));
	}
	return buf;
}

static enum vmcfg_action action_for(const struct umbra_domain_info *info,
				    const struct vmcfg *cfg, const char **key)
{
	if (info->state == UMBRA_DOMSTATE_CRASHED ||
	    (info->state == UMBRA_DOMSTATE_SHUTDOWN &&
	     (info->shutdown_reason == SHUTDOWN_crash ||
	      info->shutdown_reason == SHUTDOWN_watchdog))) {
		*key = "on_crash";
		return cfg->on_crash;
	}
	if (info->shutdown_reason == SHUTDOWN_reboot) {
		*key = "on_reboot";
		return cfg->on_reboot;
	}
	*key = "on_poweroff";
	return cfg->on_poweroff;
}

/* Restarting one that stopped right after its start would loop. */
static bool too_quick(uint32_t domid, time_t started)
{
	if (!started)
		started = store_domain_started(domid);
	return started && time(NULL) - started < DOMAIN_RESTART_MIN_S;
}

long domain_on_stop(uint32_t domid, const struct umbra_domain_info *info,
		    const struct vmcfg *given, time_t started)
{
	char name[UMBRA_DOMAIN_NAME_MAX], text[128];
	enum vmcfg_action act;
	struct vmcfg cfg;
	const char *key;
	long next = -1;

	memcpy(name, info->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	domain_stop_text(info, text, sizeof(text));
	vmcfg_init(&cfg);
	if (info->state == UMBRA_DOMSTATE_DYING) {
		fprintf(stderr, "vmctl: %s (%u) is being destroyed\n", name, domid);
		return -1;
	}
	if (!given && !store_domain_config(domid, &cfg)) {
		fprintf(stderr, "vmctl: %s (%u) %s; no action recorded, left "
			"as it is\n", name, domid, text);
		vmcfg_free(&cfg);
		return -1;
	}
	act = action_for(info, given ? given : &cfg, &key);
	fprintf(stderr, "vmctl: %s (%u) %s; %s=%s\n", name, domid, text, key,
		vmcfg_action_name(act));
	if (act == VMCFG_RESTART && too_quick(domid, started)) {
		fprintf(stderr, "vmctl: %s stopped less than %d s after its "
			"start: not restarted, left as it is\n", name,
			DOMAIN_RESTART_MIN_S);
		act = VMCFG_PRESERVE;
	}
	if (act != VMCFG_PRESERVE)
		domain_destroy(domid, name);
	if (act == VMCFG_RESTART) {
		next = domain_start(given ? given : &cfg, false);
		fprintf(stderr, "vmctl: %s restarted as domain %ld\n", name, next);
	}
	vmcfg_free(&cfg);
	return next;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int domain_wait_stop(uint32_t domid, struct umbra_domain_info *info,
		     int timeout_ms)
{
	struct vmctl *h = cli_handle();
	struct timespec t0;
	uint64_t gen = 0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	vmctl_events(h, &gen);
	for (;;) {
		rc = vmctl_domain_info(h, domid, info);
		if (rc == -ESRCH || rc == -ENOENT)
			return 0;
		if (rc < 0)
			cli_fail_lib(rc, "domain %u", domid);
		if (domain_stopped(info))
			return 1;
		if (timeout_ms >= 0 && elapsed_ms(&t0) >= timeout_ms)
			return -1;
		/* A bounded wait: a missed event costs a second, no more. */
		rc = vmctl_wait(h, &gen, 1000);
		if (rc < 0 && rc != -EINTR)
			cli_fail_lib(rc, "waiting for domain %u", domid);
	}
}
