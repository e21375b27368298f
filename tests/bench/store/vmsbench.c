/*
 * vmsbench: the store benchmark through libvmstore, with the workloads
 * of the xenstored anchor's xsbench (shared/anchors/xenstored) so that
 * the two print comparable lines:
 *
 *   RESULT <name> <ops> <seconds> <ops/s> [extra]
 *
 * write: 10,000 new nodes (100 per directory); overwrite: the same again;
 * read: 10,000 verified reads; dir400/dir1000: 1,000 listings of a
 * 400- and a 1,000-child node (the latter too big for one reply);
 * tx: 1,000 transactions of 5 writes, retried on EAGAIN; watch: 1,000
 * write -> event round trips between two connections (latency).
 *
 * "vmsbench scale": 100,000 nodes (1,000 directories of 100), then 10,000
 * reads spread over them: the store at size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dom0-tools/lib/libvmstore/vmstore.h"

#define PREFIX "/bench"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "vmsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void result(const char *name, long ops, double secs, const char *extra)
{
	printf("RESULT %-10s %7ld %9.4f %12.1f %s\n", name, ops, secs,
	       ops / secs, extra ? extra : "");
	fflush(stdout);
}

static void node_path(char *buf, size_t len, long i)
{
	snprintf(buf, len, PREFIX "/w/%ld/%ld", i / 100, i % 100);
}

static void bench_writes(struct vms_handle *h, const char *name, long n)
{
	char path[64], val[32];
	double t0 = now();
	long i;

	for (i = 0; i < n; i++) {
		node_path(path, sizeof(path), i);
		snprintf(val, sizeof(val), "value-%ld", i);
		if (!vms_write(h, VMS_TXN_NULL, path, val, strlen(val)))
			die("write");
	}
	result(name, n, now() - t0, NULL);
}

static void bench_reads(struct vms_handle *h, long n)
{
	char path[64], val[32], *v;
	double t0 = now();
	unsigned int len;
	long i;

	for (i = 0; i < n; i++) {
		node_path(path, sizeof(path), i);
		snprintf(val, sizeof(val), "value-%ld", i);
		v = vms_read(h, VMS_TXN_NULL, path, &len);
		if (!v || len != strlen(val) || memcmp(v, val, len)) {
			fprintf(stderr, "vmsbench: bad value at %s\n", path);
			exit(1);
		}
		free(v);
	}
	result("read", n, now() - t0, NULL);
}

static void bench_listing(struct vms_handle *h, long entries, long n)
{
	char path[64], name[32], extra[32];
	unsigned int num;
	double t0;
	long i;

	snprintf(name, sizeof(name), "dir%ld", entries);
	for (i = 0; i < entries; i++) {
		snprintf(path, sizeof(path), PREFIX "/%s/entry%ld", name, i);
		if (!vms_write(h, VMS_TXN_NULL, path, "x", 1))
			die("write (listing setup)");
	}
	snprintf(path, sizeof(path), PREFIX "/%s", name);
	t0 = now();
	for (i = 0; i < n; i++) {
		char **list = vms_directory(h, VMS_TXN_NULL, path, &num);

		if (!list)
			die("directory");
		if (num != entries) {
			fprintf(stderr, "vmsbench: %s has %u entries\n", path,
				num);
			exit(1);
		}
		free(list);
	}
	snprintf(extra, sizeof(extra), "%ld-entry dir", entries);
	result(name, n, now() - t0, extra);
}

static void bench_transactions(struct vms_handle *h, long n, long writes)
{
	char path[64], val[32], extra[128];
	long i, j, retries = 0;
	double t0 = now(), t;

	for (i = 0; i < n; i++) {
		for (;;) {
			vms_transaction_t tx = vms_transaction_start(h);

			if (tx == VMS_TXN_NULL)
				die("transaction start");
			for (j = 0; j < writes; j++) {
				snprintf(path, sizeof(path), PREFIX "/tx/%ld/%ld",
					 i % 10, j);
				snprintf(val, sizeof(val), "%ld", i);
				if (!vms_write(h, tx, path, val, strlen(val)))
					die("write (transaction)");
			}
			if (vms_transaction_end(h, tx, false))
				break;
			if (errno != EAGAIN || ++retries > 100 * n)
				die("transaction end");
		}
	}
	t = now() - t0;
	snprintf(extra, sizeof(extra),
		 "%ld writes/tx, %ld EAGAIN retries, %.1f writes/s", writes,
		 retries, n * writes / t);
	result("tx", n, t, extra);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench_watch(struct vms_handle *h, long n)
{
	struct vms_handle *w = vms_open(NULL, 0);
	double *lat = calloc((size_t)n, sizeof(*lat)), t0;
	char val[32], extra[160];
	char **ev;
	long i;

	if (!w || !lat)
		die("watch setup");
	if (!vms_write(h, VMS_TXN_NULL, PREFIX "/watch", "", 0) ||
	    !vms_watch(w, PREFIX "/watch", "benchtok"))
		die("watch");
	ev = vms_read_watch(w, NULL);	/* fires once on registration */
	if (!ev)
		die("read_watch");
	free(ev);
	t0 = now();
	for (i = 0; i < n; i++) {
		double s = now();

		snprintf(val, sizeof(val), "%ld", i);
		if (!vms_write(h, VMS_TXN_NULL, PREFIX "/watch/key", val,
			       strlen(val)))
			die("write (watch)");
		ev = vms_read_watch(w, NULL);
		if (!ev)
			die("read_watch");
		lat[i] = now() - s;
		if (strcmp(ev[VMS_WATCH_PATH], PREFIX "/watch/key") ||
		    strcmp(ev[VMS_WATCH_TOKEN], "benchtok")) {
			fprintf(stderr, "vmsbench: odd event %s\n",
				ev[VMS_WATCH_PATH]);
			exit(1);
		}
		free(ev);
	}
	t0 = now() - t0;
	qsort(lat, (size_t)n, sizeof(*lat), by_value);
	snprintf(extra, sizeof(extra),
		 "write->event latency us: p50 %.1f p90 %.1f p99 %.1f max %.1f",
		 lat[n / 2] * 1e6, lat[n * 9 / 10] * 1e6,
		 lat[n * 99 / 100] * 1e6, lat[n - 1] * 1e6);
	result("watch", n, t0, extra);
	vms_unwatch(w, PREFIX "/watch", "benchtok");
	vms_close(w);
	free(lat);
}

static void bench_scale(struct vms_handle *h)
{
	char path[64], val[32], *v;
	double t0 = now();
	long i, n = 100000;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), PREFIX "/s/%ld/%ld", i % 1000,
			 i / 1000);
		snprintf(val, sizeof(val), "%ld", i);
		if (!vms_write(h, VMS_TXN_NULL, path, val, strlen(val)))
			die("write (scale)");
	}
	result("create100k", n, now() - t0, "nodes");
	t0 = now();
	for (i = 0; i < 10000; i++) {
		long k = (i * 7919) % n;

		snprintf(path, sizeof(path), PREFIX "/s/%ld/%ld", k % 1000,
			 k / 1000);
		snprintf(val, sizeof(val), "%ld", k);
		v = vms_read(h, VMS_TXN_NULL, path, NULL);
		if (!v || strcmp(v, val))
			die("read (scale)");
		free(v);
	}
	result("read100k", 10000, now() - t0, "reads in a 100k-node tree");
}

int main(int argc, char **argv)
{
	long scale = argc > 1 ? atol(argv[1]) : 1;	/* for quick runs */
	struct vms_handle *h = vms_open(NULL, 0);

	if (!h)
		die("vms_open");
	if (argc > 1 && !strcmp(argv[1], "scale")) {
		vms_rm(h, VMS_TXN_NULL, PREFIX);
		bench_scale(h);
		vms_close(h);
		return 0;
	}
	if (scale < 1)
		scale = 1;
	vms_rm(h, VMS_TXN_NULL, PREFIX);
	bench_writes(h, "write", 10000 / scale);
	bench_writes(h, "overwrite", 10000 / scale);
	bench_reads(h, 10000 / scale);
	bench_listing(h, 400, 1000 / scale);
	bench_listing(h, 1000, 1000 / scale);
	bench_transactions(h, 1000 / scale, 5);
	bench_watch(h, 1000 / scale);
	vms_rm(h, VMS_TXN_NULL, PREFIX);
	vms_close(h);
	return 0;
}
