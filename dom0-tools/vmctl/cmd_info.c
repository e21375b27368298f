/*
 * vmctl info (the machine, as xl info's "key : value" lines) and dmesg
 * (Umbra's log ring, read by position; -c clears it after reading).
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"
#include "config.h"

#define KV	"%-23s: "

static bool opt_clear;

static void features(uint32_t f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 f & UMBRA_FEATURE_NESTED_PAGING ? "nested " : "",
		 f & UMBRA_FEATURE_SHADOW_PAGING ? "shadow " : "",
		 f & UMBRA_FEATURE_SHARED_PAGING ? "shared " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
}

int cmd_info(int argc, char **argv)
{
	struct umbra_mgmt_physinfo pi;
	struct utsname u;
	char buf[200];
	int rc;

	if (cli_options(argc, argv, "", NULL) != argc)
		cli_usage();
	rc = vmctl_physinfo(cli_handle(), &pi);
	if (rc < 0)
		cli_fail_lib(rc, "physinfo");
	if (uname(&u) == 0) {
		printf(KV "%s\n", "host", u.nodename);
		printf(KV "%s\n", "release", u.release);
	}
	printf(KV "%u\n", "umbra_major", pi.umbra_version >> 16);
	printf(KV "%u\n", "umbra_minor", pi.umbra_version & 0xffff);
	printf(KV "%#x\n", "mgmt_interface", UMBRA_MGMT_INTERFACE_VERSION);
	printf(KV "%u\n", "nr_cpus", pi.nr_cpus);
	vmcfg_format_cpus(pi.cpus_online, 0, buf, sizeof(buf));
	printf(KV "%s\n", "cpus_online", buf);
	vmcfg_format_cpus(pi.dom0_cpus, 0, buf, sizeof(buf));
	printf(KV "%s\n", "dom0_cpus", buf);
	printf(KV "%llu\n", "cpu_mhz", (unsigned long long)(pi.tsc_khz / 1000));
	features(pi.features, buf, sizeof(buf));
	printf(KV "%s\n", "virt_caps", buf);
	printf(KV "%llu\n", "total_memory", (unsigned long long)(pi.total_bytes >> 20));
	printf(KV "%llu\n", "free_memory", (unsigned long long)(pi.free_bytes >> 20));
	printf(KV "%llu\n", "dom0_memory", (unsigned long long)(pi.dom0_bytes >> 20));
	printf(KV "%u\n", "nr_domains", pi.nr_domains);
	printf(KV "%u\n", "max_domains", pi.max_domains);
	printf(KV "%u\n", "max_vcpus", pi.max_vcpus);
	printf(KV "%llu\n", "uptime_s", (unsigned long long)(pi.uptime_ns / 1000000000ULL));
	return 0;
}

static bool dmesg_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'c')
		return false;
	opt_clear = true;
	return true;
}

int cmd_dmesg(int argc, char **argv)
{
	struct umbra_mgmt_ring ring = { .pos = 0 };
	static char buf[16384];
	long n;

	if (cli_options(argc, argv, "c", dmesg_opt) != argc)
		cli_usage();
	/* From the oldest byte still held; what was overwritten before it
	 * (ring.dropped) is the ring's normal state, not news. */
	for (;;) {
		n = vmctl_log_read(cli_handle(), &ring, buf, sizeof(buf));
		if (n < 0)
			cli_fail_lib(n, "log");
		fwrite(buf, 1, (size_t)n, stdout);
		if (n == 0 || ring.pos >= ring.head)
			break;
	}
	fflush(stdout);
	if (opt_clear) {
		n = vmctl_log_clear(cli_handle());
		if (n < 0)
			cli_fail_lib(n, "clear");
	}
	return 0;
}
