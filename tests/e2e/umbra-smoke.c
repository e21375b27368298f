/*
 * umbra-smoke: the end-to-end check of /dev/umbra and libvmctl, run in
 * dom0 by tests/e2e/mgmt.sh (statically linked, added to a copy of
 * dom0's initramfs). Each command prints lines the suite greps for and
 * exits 0 when what it checked held.
 *
 *   umbra-smoke open             open the device (checks the version)
 *   umbra-smoke open-nocap       the same without CAP_SYS_ADMIN (uid 0)
 *   umbra-smoke list             physinfo and every domain
 *   umbra-smoke ioctl-bad        malformed ioctls, each refused
 *   umbra-smoke run KERNEL NAME [CMDLINE [RAMDISK]]
 *                                create, unpause, follow its console
 *                                through poll() until it stops, destroy
 *   umbra-smoke bad KERNEL       a refused image leaves no domain behind
 *   umbra-smoke poll KERNEL      block in vmctl_wait() while another
 *                                process creates and runs a domain: woken
 *                                by it, having slept rather than spun
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"
#include "pvguest-patches/linux/umbra/umbra_ioctl.h"

#define MiB (1ull << 20)

static struct vmctl *open_or_die(void)
{
	struct vmctl *h;

	if (vmctl_open(&h)) {
		printf("open: %s\n", vmctl_last_error());
		exit(1);
	}
	return h;
}

static int cmd_open(void)
{
	vmctl_close(open_or_die());
	printf("open: ok\n");
	return 0;
}

/* Root, but without CAP_SYS_ADMIN in the effective set. */
static int cmd_open_nocap(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) || (data[0].effective &= ~(1u << CAP_SYS_ADMIN),
	    syscall(SYS_capset, &hdr, data))) {
		printf("capset: %s\n", strerror(errno));
		return 1;
	}
	return cmd_open();
}

static int cmd_list(void)
{
	struct vmctl *h = open_or_die();
	struct umbra_mgmt_physinfo pi;
	struct umbra_domain_info *d;
	unsigned int nr, i;

	if (vmctl_physinfo(h, &pi) || vmctl_domain_list(h, &d, &nr)) {
		printf("list: %s\n", vmctl_last_error());
		return 1;
	}
	printf("physinfo: umbra %u.%u cpus=%u free_mib=%llu domains=%u\n",
	       pi.umbra_version >> 16, pi.umbra_version & 0xffff, pi.nr_cpus,
	       (unsigned long long)(pi.free_bytes >> 20), pi.nr_domains);
	for (i = 0; i < nr; i++)
		printf("domain %u %.*s %s mem_mib=%llu vcpus=%u\n", d[i].domid,
		       (int)sizeof(d[i].name), d[i].name, vmctl_domstate_name(d[i].state),
		       (unsigned long long)(d[i].mem_bytes >> 20), d[i].nr_vcpus);
	printf("list: %u domains\n", nr);
	free(d);
	vmctl_close(h);
	return 0;
}

static int expect(const char *what, struct umbra_mgmt *req, unsigned long ioc, int fd,
		  int want)
{
	int rc = ioctl(fd, ioc, req), err = rc < 0 ? errno : 0;

	printf("ioctl %s: %s (%s)\n", what, err == want ? "refused" : "WRONG",
	       err ? strerror(err) : "accepted");
	return err == want ? 0 : 1;
}

static int cmd_ioctl_bad(void)
{
	struct vmctl *h = open_or_die();
	struct umbra_mgmt req = { .interface_version = UMBRA_MGMT_INTERFACE_VERSION };
	int fd = vmctl_fd(h), bad = 0;

	req.cmd = UMBRA_MGMT_domain_list;
	req.buf_len = UMBRA_MGMT_BUF_MAX + 1;
	req.buf = (uint64_t)(uintptr_t)malloc(req.buf_len);
	bad |= expect("oversized buffer", &req, UMBRA_IOCTL_MGMT, fd, E2BIG);
	free((void *)(uintptr_t)req.buf);
	req.buf = 16;
	req.buf_len = 4096;
	bad |= expect("unmapped buffer", &req, UMBRA_IOCTL_MGMT, fd, EFAULT);
	bad |= expect("unmapped request", (struct umbra_mgmt *)16, UMBRA_IOCTL_MGMT, fd, EFAULT);
	bad |= expect("unknown ioctl", &req, _IO(UMBRA_IOCTL_TYPE, 99), fd, ENOTTY);
	memset(&req.u, 0, sizeof(req.u));
	req.cmd = UMBRA_MGMT_events;
	req.buf = 0;
	req.buf_len = 0;
	req.u.events.vector = 0xf0;
	bad |= expect("events with a vector", &req, UMBRA_IOCTL_MGMT, fd, EINVAL);
	vmctl_close(h);
	return bad;
}

/* Every line of the guest's output as "console: LINE". */
static void drain_console(struct vmctl *h, uint32_t domid, struct umbra_mgmt_ring *r)
{
	static bool mid_line;
	char buf[4096];
	long n, i;

	while ((n = vmctl_console_read(h, domid, r, buf, sizeof(buf))) > 0) {
		if (r->dropped)
			printf("%sconsole: %llu bytes dropped\n", mid_line ? "\n" : "",
			       (unsigned long long)r->dropped);
		for (i = 0; i < n; i++) {
			if (!mid_line)
				fputs("console: ", stdout);
			putchar(buf[i]);
			mid_line = buf[i] != '\n';
		}
	}
}

/* Until it stops (or 60 s), woken by poll() on the device. */
static int follow(struct vmctl *h, uint32_t domid)
{
	struct umbra_mgmt_ring ring = { 0 };
	struct umbra_domain_info info;
	uint64_t gen = 0;
	int waits = 0, rc;

	for (;;) {
		drain_console(h, domid, &ring);
		if (vmctl_domain_info(h, domid, &info))
			return 1;
		if (info.state == UMBRA_DOMSTATE_SHUTDOWN || info.state == UMBRA_DOMSTATE_CRASHED) {
			/* What it wrote between the drain above and its stop. */
			drain_console(h, domid, &ring);
			printf("state: %s (%s)\n", vmctl_domstate_name(info.state),
			       info.state == UMBRA_DOMSTATE_SHUTDOWN ?
			       vmctl_shutdown_name(info.shutdown_reason) : info.reason);
			printf("events: %d wake-ups\n", waits);
			return 0;
		}
		rc = vmctl_wait(h, &gen, 60000);
		if (rc <= 0) {
			printf("wait: %s\n", rc ? vmctl_last_error() : "timed out");
			return 1;
		}
		waits++;
	}
}

static int cmd_run(const char *kernel, const char *name, const char *cmdline,
		   const char *ramdisk)
{
	struct vmctl_domain_config cfg = {
		.name = name, .mem_bytes = 32 * MiB, .kernel = kernel, .cmdline = cmdline,
		.ramdisk = ramdisk,
	};
	struct vmctl *h = open_or_die();
	uint32_t domid;
	int rc;

	if (vmctl_domain_create(h, &cfg, &domid)) {
		printf("create: %s\n", vmctl_last_error());
		return 1;
	}
	printf("created: domain %u\n", domid);
	if (vmctl_domain_unpause(h, domid)) {
		printf("unpause: %s\n", vmctl_last_error());
		return 1;
	}
	rc = follow(h, domid);
	if (vmctl_domain_destroy(h, domid)) {
		printf("destroy: %s\n", vmctl_last_error());
		return 1;
	}
	printf("destroyed: domain %u\n", domid);
	vmctl_close(h);
	return rc;
}

static int cmd_bad(const char *kernel)
{
	struct vmctl_domain_config cfg = { .name = "bad", .mem_bytes = 32 * MiB, .kernel = kernel };
	struct vmctl *h = open_or_die();
	struct umbra_domain_info *d;
	unsigned int before, after;
	uint32_t domid;

	if (vmctl_domain_list(h, &d, &before))
		return 1;
	free(d);
	if (vmctl_domain_create(h, &cfg, &domid) == 0) {
		printf("create: accepted a bad image as domain %u\n", domid);
		return 1;
	}
	printf("create: %s\n", vmctl_last_error());
	if (vmctl_domain_list(h, &d, &after))
		return 1;
	free(d);
	printf("domains: before %u after %u\n", before, after);
	vmctl_close(h);
	return before == after ? 0 : 1;
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static long long cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

/* The waiter blocks first; the event comes from another process later,
 * which tells (through a pipe) when it began to create its domain: the
 * waiter says how long after that it woke. */
static int cmd_poll(const char *kernel)
{
	struct vmctl *h = open_or_die();
	struct timespec t0, began = { 0 };
	long long cpu0, wall;
	uint64_t gen;
	int rc, status, fds[2];
	pid_t child;

	if (vmctl_events(h, &gen) || pipe(fds))
		return 1;
	child = fork();
	if (child == 0) {
		usleep(500 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &began);
		if (write(fds[1], &began, sizeof(began)) != sizeof(began))
			_exit(1);
		_exit(cmd_run(kernel, "poller", "status=0", NULL));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cpu0 = cpu_ms();
	rc = vmctl_wait(h, &gen, 30000);
	wall = ms_since(&t0);
	printf("poll: %s after %lld ms, %lld ms of CPU\n",
	       rc == 1 ? "woken" : rc ? vmctl_last_error() : "timed out", wall, cpu_ms() - cpu0);
	if (rc == 1 && read(fds[0], &began, sizeof(began)) == sizeof(began))
		printf("poll: woken %lld ms after the other process began to create its domain\n",
		       ms_since(&began));
	waitpid(child, &status, 0);
	vmctl_close(h);
	return rc == 1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "open"))
		return cmd_open();
	if (!strcmp(cmd, "open-nocap"))
		return cmd_open_nocap();
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "ioctl-bad"))
		return cmd_ioctl_bad();
	if (!strcmp(cmd, "run") && argc >= 4)
		return cmd_run(argv[2], argv[3], argc > 4 ? argv[4] : NULL,
			       argc > 5 ? argv[5] : NULL);
	if (!strcmp(cmd, "bad") && argc == 3)
		return cmd_bad(argv[2]);
	if (!strcmp(cmd, "poll") && argc == 3)
		return cmd_poll(argv[2]);
	fprintf(stderr, "usage: umbra-smoke open|open-nocap|list|ioctl-bad|run KERNEL NAME [CMDLINE [RAMDISK]]|bad KERNEL|poll KERNEL\n");
	return 2;
}
