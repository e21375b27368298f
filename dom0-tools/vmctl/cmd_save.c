/*
 * vmctl save DOM FILE [-c] and vmctl restore FILE [-p], with xl's
 * meaning: save pauses the domain, writes it to FILE and destroys it
 * (-c: lets it run on instead); restore creates it again from FILE and
 * runs it (-p: leaves it paused). The file's format is libvmctl's
 * (docs/save-format.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "domain.h"
#include "store.h"

static bool opt_continue, opt_paused;

static bool save_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'c')
		return false;
	opt_continue = true;
	return true;
}

static bool restore_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'p')
		return false;
	opt_paused = true;
	return true;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double mib(uint64_t bytes)
{
	return (double)bytes / (1 << 20);
}

/* A save that failed: no file left, the domain as it was. */
static void save_failed(long rc, const char *path, uint32_t domid, const char *name,
			bool paused_here)
{
	char why[512];

	snprintf(why, sizeof(why), "%s", vmctl_last_error());
	unlink(path);
	if (paused_here)
		vmctl_domain_unpause(cli_handle(), domid);
	errno = (int)-rc;
	cli_fail("%s: %s", name, why[0] ? why : strerror((int)-rc));
}

int cmd_save(int argc, char **argv)
{
	struct umbra_domain_info info;
	struct vmctl_save_stats st;
	char name[UMBRA_DOMAIN_NAME_MAX];
	const char *path;
	bool paused_here = false;
	uint32_t domid;
	double t0, ms;
	int first, fd, rc;

	first = cli_options(argc, argv, "c", save_opt);
	if (argc - first != 2)
		cli_usage();
	domid = cli_domain(argv[first], &info);
	path = argv[first + 1];
	memcpy(name, info.name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (info.flags & UMBRA_DOMFLAG_DOM0)
		cli_fail("%s: dom0 cannot be saved", name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		cli_fail_errno("%s", path);
	t0 = now_ms();
	if (info.state != UMBRA_DOMSTATE_PAUSED) {
		rc = vmctl_domain_pause(cli_handle(), domid);
		if (rc < 0) {
			unlink(path);
			cli_fail_lib(rc, "%s: pause", name);
		}
		paused_here = true;
	}
	rc = vmctl_domain_save(cli_handle(), domid, fd, &st);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (rc < 0)
		save_failed(rc, path, domid, name, paused_here);
	ms = now_ms() - t0;
	printf("saved %s (%u) to %s: %.1f MiB of memory, %.2f MiB in use, %.2f MiB file "
	       "(ratio %.2f), %.0f ms\n", name, domid, path, mib(st.mem_bytes),
	       mib(st.pages * 4096), mib(st.file_bytes),
	       st.file_bytes ? (double)st.mem_bytes / st.file_bytes : 0.0, ms);
	fflush(stdout);
	if (opt_continue) {
		if (paused_here && (rc = vmctl_domain_unpause(cli_handle(), domid)) < 0)
			cli_fail_lib(rc, "%s: unpause", name);
		return 0;
	}
	domain_destroy(domid, name);
	return 0;
}

/* What the store records for a restored domain: its saved shape; no
 * kernel to start again from, so a reboot ends it. */
static void restored_config(struct vmcfg *cfg, const struct vmctl_restore_info *ri)
{
	vmcfg_init(cfg);
	memcpy(cfg->name, ri->name, sizeof(cfg->name));
	cfg->name[sizeof(cfg->name) - 1] = '\0';
	cfg->memory_mib = ri->mem_bytes >> 20;
	cfg->vcpus = ri->nr_vcpus;
	cfg->paging = ri->paging;
	cfg->on_reboot = VMCFG_DESTROY;
}

int cmd_restore(int argc, char **argv)
{
	struct vmctl_restore_info ri;
	struct umbra_mgmt_rings rings;
	struct vmcfg cfg;
	uint32_t domid;
	double t0;
	int first, rc;

	first = cli_options(argc, argv, "p", restore_opt);
	if (argc - first != 1)
		cli_usage();
	t0 = now_ms();
	rc = vmctl_domain_restore(cli_handle(), argv[first], NULL, &domid, &ri);
	if (rc < 0)
		cli_fail_lib(rc, "%s", argv[first]);
	restored_config(&cfg, &ri);
	/* Its rings are the new domain's (the same pages, in its saved
	 * memory; its ports unbound for dom0's back ends to bind again). */
	store_domain_add(domid, &cfg,
			 vmctl_domain_rings(cli_handle(), domid, &rings) ? NULL : &rings);
	if (domain_start_hook)
		domain_start_hook(domid);
	if (!opt_paused && (rc = vmctl_domain_unpause(cli_handle(), domid)) < 0) {
		domain_destroy(domid, cfg.name);
		cli_fail_lib(rc, "%s: unpause", cfg.name);
	}
	printf("domain %u (%s) restored from %s%s: %.1f MiB, %.0f ms\n", domid, cfg.name,
	       argv[first], opt_paused ? ", paused" : "", mib(ri.mem_bytes), now_ms() - t0);
	vmcfg_free(&cfg);
	return 0;
}
