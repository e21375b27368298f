/*
 * mgmtprobe [N]: where a management call's time goes, in dom0. Times N
 * rounds of each step below, from the cheapest to a whole snapshot, and
 * prints on stdout, per call, CLOCK_MONOTONIC and this process's CPU time
 * in microseconds:
 *   probe_STEP_wall_us: X
 *   probe_STEP_cpu_us: Y
 * Steps: syscall (getppid: the floor of any system call), badioctl (an
 * ioctl the driver refuses before the hypercall), hypercall (events: a
 * hypercall with no buffer and next to no work), physinfo, list0 (the
 * domain_list command with no room: the walk without copies), snapshot
 * (room for exactly the domains there are), snapshot128 (room for 128
 * records of the most vCPUs, what a first refresh asks for). Static, for dom0's initramfs
 * (/usr/libexec/umbra-tests/); make bench-vmtop runs it.
 *
 * mgmtprobe N cold: the steps as a monitor meets them, one call after
 * each 200 ms of sleep (then of spinning), and a second call right after
 * it (up to 64 rounds): under TCG a call after a pause costs several
 * times what the same call costs in a loop (probe_sleep_STEP_cpu_us).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "public/mgmt.h"
#include "pvguest-patches/linux/umbra/umbra_ioctl.h"

/* Room for 128 records of the most vCPUs: what a first refresh asks. */
#define ROOM128	(128 * UMBRA_SNAPSHOT_RECORD_BYTES(UMBRA_MAX_VCPUS))

static int fd;
static void *buf;
static size_t room;

static double now_us(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static long mgmt(uint32_t cmd, size_t len)
{
	struct umbra_mgmt req;

	memset(&req, 0, sizeof(req));
	req.cmd = cmd;
	req.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	req.buf = len ? (uint64_t)(uintptr_t)buf : 0;
	req.buf_len = len;
	return ioctl(fd, UMBRA_IOCTL_MGMT, &req) < 0 ? -errno : 0;
}

static void step(const char *name)
{
	if (!strcmp(name, "nothing"))
		return;
	if (!strcmp(name, "syscall"))
		getppid();
	else if (!strcmp(name, "badioctl"))
		ioctl(fd, 0, NULL);
	else if (!strcmp(name, "hypercall"))
		mgmt(UMBRA_MGMT_events, 0);
	else if (!strcmp(name, "physinfo"))
		mgmt(UMBRA_MGMT_physinfo, 0);
	else if (!strcmp(name, "list0"))
		mgmt(UMBRA_MGMT_domain_list, 0);
	else if (!strcmp(name, "snapshot"))
		mgmt(UMBRA_MGMT_snapshot, room);
	else
		mgmt(UMBRA_MGMT_snapshot, ROOM128);
}

static void probe(const char *name, int n)
{
	double w = now_us(CLOCK_MONOTONIC), c = now_us(CLOCK_PROCESS_CPUTIME_ID);

	for (int i = 0; i < n; i++)
		step(name);
	w = now_us(CLOCK_MONOTONIC) - w;
	c = now_us(CLOCK_PROCESS_CPUTIME_ID) - c;
	printf("probe_%s_wall_us: %.1f\nprobe_%s_cpu_us: %.1f\n", name, w / n, name, c / n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Wait as a monitor does between refreshes: asleep, or spinning (the
 * CPU kept busy, to tell what going idle costs from what time does). */
static void pause_ms(int ms, bool spin)
{
	struct timespec ts = { 0, ms * 1000000L };
	double end;

	if (!spin) {
		nanosleep(&ts, NULL);
		return;
	}
	end = now_us(CLOCK_MONOTONIC) + ms * 1000.0;
	while (now_us(CLOCK_MONOTONIC) < end)
		;
}

/* A step timed alone after each wait (a monitor's refresh comes after
 * one): the median and the mean of n, and of a second call right after
 * the first. */
static void probe_cold(const char *name, int n, bool spin)
{
	double first[64], second[64], sf = 0, ss = 0;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++) {
		double c;

		pause_ms(200, spin);
		c = now_us(CLOCK_PROCESS_CPUTIME_ID);
		step(name);
		first[i] = now_us(CLOCK_PROCESS_CPUTIME_ID) - c;
		c = now_us(CLOCK_PROCESS_CPUTIME_ID);
		step(name);
		second[i] = now_us(CLOCK_PROCESS_CPUTIME_ID) - c;
		sf += first[i];
		ss += second[i];
	}
	qsort(first, n, sizeof(double), cmp_double);
	qsort(second, n, sizeof(double), cmp_double);
	printf("probe_%s_%s_cpu_us: median %.1f mean %.1f min %.1f; again median %.1f mean %.1f\n",
	       spin ? "spin" : "sleep", name, first[n / 2], sf / n, first[0], second[n / 2], ss / n);
}

int main(int argc, char **argv)
{
	static const char *steps[] = {
		"syscall", "badioctl", "hypercall", "physinfo", "list0", "snapshot", "snapshot128",
	};
	int n = argc > 1 ? atoi(argv[1]) : 100;
	struct umbra_mgmt req;

	fd = open("/dev/umbra", O_RDWR);
	buf = calloc(1, ROOM128);
	if (fd < 0 || !buf || n < 1) {
		perror("mgmtprobe: /dev/umbra");
		return 1;
	}
	/* A snapshot with all the room says how many bytes the domains take. */
	memset(&req, 0, sizeof(req));
	req.cmd = UMBRA_MGMT_snapshot;
	req.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_len = ROOM128;
	if (ioctl(fd, UMBRA_IOCTL_MGMT, &req) < 0) {
		perror("mgmtprobe: snapshot");
		return 1;
	}
	room = req.u.snapshot.bytes;
	printf("probe_snapshot_bytes: %zu\n", room);
	printf("probe_domains: %u\n", req.u.physinfo.nr_domains);
	if (argc > 2 && !strcmp(argv[2], "cold")) {
		/* What each call costs in a monitor's rhythm. */
		for (int spin = 0; spin < 2; spin++) {
			probe_cold("nothing", n, spin);
			probe_cold("syscall", n, spin);
			probe_cold("hypercall", n, spin);
			probe_cold("snapshot", n, spin);
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		probe(steps[i], n);
	return 0;
}
