/*
 * vmctl's side of the store: the entries xl writes for a domain
 * (libxl__domain_make and friends), in one transaction, then INTRODUCE.
 * The domain's own subtrees (control/, data/) are the domain's, the rest
 * dom0's and readable by the domain, as under xl. The introduction names
 * the domain's store ring (page and port, as Umbra set them up: the HVM
 * parameters the guest reads), which vmstored -U then serves; a domain
 * without rings is introduced with page 0 and port 0, so watchers of
 * @introduceDomain are told all the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"
#include "dom0-tools/lib/libvmstore/vmstore.h"

#include "cli.h"
#include "store.h"

#define STORE_RETRIES	8

static struct vms_handle *h;
static bool warned;

void store_forget(void)
{
	h = NULL;	/* its socket is closed already (a forked watcher) */
	warned = false;
}

static struct vms_handle *store_open(void)
{

	if (h || warned)
		return h;
	h = vms_open(NULL, 0);
	if (!h) {
		cli_warn("the store is not reachable (%s: %s); going on "
			 "without it", vms_default_socket(), strerror(errno));
		warned = true;
	}
	return h;
}

static void make_uuid(char out[37])
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	unsigned int i;

	if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
		srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	}
	if (fd >= 0)
		close(fd);
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4: random */
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
		 b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

struct txn {
	struct vms_handle *h;
	vms_transaction_t t;
	bool ok;
};

static void put(struct txn *x, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(struct txn *x, const char *value, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (x->ok && !vms_write(x->h, x->t, path, value, strlen(value)))
		x->ok = false;
}

static void put_u64(struct txn *x, uint64_t v, const char *path)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	put(x, buf, "%s", path);
}

/* owner: everything; `reader` (if not 0): read. */
static void perms(struct txn *x, const char *path, unsigned int owner,
		  unsigned int reader)
{
	struct vms_permissions p[2] = {
		{ owner, VMS_PERM_NONE }, { reader, VMS_PERM_READ },
	};

	if (x->ok && !vms_set_permissions(x->h, x->t, path, p, reader ? 2 : 1))
		x->ok = false;
}

static void write_local(struct txn *x, uint32_t domid, const struct vmcfg *cfg,
			const char *vm)
{
	char dom[64], path[128];
	unsigned int i;

	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	put(x, "", "%s", dom);
	perms(x, dom, 0, domid);
	put(x, cfg->name, "%s/name", dom);
	snprintf(path, sizeof(path), "%u", domid);
	put(x, path, "%s/domid", dom);
	put(x, vm, "%s/vm", dom);
	snprintf(path, sizeof(path), "%s/memory/target", dom);
	put_u64(x, cfg->memory_mib * 1024, path);
	snprintf(path, sizeof(path), "%s/memory/static-max", dom);
	put_u64(x, cfg->memory_mib * 1024, path);
	for (i = 0; i < cfg->vcpus; i++)
		put(x, "online", "%s/cpu/%u/availability", dom, i);
	put(x, "", "%s/device", dom);
	snprintf(path, sizeof(path), "%s/control", dom);
	put(x, "", "%s", path);
	perms(x, path, domid, 0);
	snprintf(path, sizeof(path), "%s/data", dom);
	put(x, "", "%s", path);
	perms(x, path, domid, 0);
}

/* store/ and console/ as xl writes them (libxl__build_post): the rings'
 * pages and the domain's ports, which dom0's back ends bind. */
static void write_rings(struct txn *x, uint32_t domid, const struct umbra_mgmt_rings *r)
{
	char dom[64], path[128];

	snprintf(dom, sizeof(dom), "/local/domain/%u", domid);
	snprintf(path, sizeof(path), "%s/store/ring-ref", dom);
	put_u64(x, r->store_gfn, path);
	snprintf(path, sizeof(path), "%s/store/port", dom);
	put_u64(x, r->store_port, path);
	snprintf(path, sizeof(path), "%s/console/ring-ref", dom);
	put_u64(x, r->console_gfn, path);
	snprintf(path, sizeof(path), "%s/console/port", dom);
	put_u64(x, r->console_port, path);
	put(x, "0", "%s/console/backend-id", dom);
	put(x, "xenconsoled", "%s/console/type", dom);
	put(x, "1048576", "%s/console/limit", dom);
}

/* What xend kept under /vm, plus what vmctl needs to start it again. */
static void write_vm(struct txn *x, uint32_t domid, const struct vmcfg *cfg,
		     const char *uuid, const char *vm)
{
	char buf[64];

	put(x, uuid, "%s/uuid", vm);
	perms(x, vm, 0, domid);
	put(x, cfg->name, "%s/name", vm);
	snprintf(buf, sizeof(buf), "%lld", (long long)time(NULL));
	put(x, buf, "%s/start_time", vm);
	put(x, vmcfg_action_name(cfg->on_poweroff), "%s/on_poweroff", vm);
	put(x, vmcfg_action_name(cfg->on_reboot), "%s/on_reboot", vm);
	put(x, vmcfg_action_name(cfg->on_crash), "%s/on_crash", vm);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)cfg->memory_mib);
	put(x, buf, "%s/memory", vm);
	snprintf(buf, sizeof(buf), "%u", cfg->vcpus);
	put(x, buf, "%s/vcpus", vm);
	if (cfg->cpus) {
		vmcfg_format_cpus(cfg->cpus, 0, buf, sizeof(buf));
		put(x, buf, "%s/cpus", vm);
	}
	put(x, vmctl_paging_name(cfg->paging), "%s/paging", vm);
	put(x, vmctl_type_name(cfg->type), "%s/image/ostype", vm);
	put(x, cfg->kernel ? cfg->kernel : "", "%s/image/kernel", vm);
	if (cfg->ramdisk)
		put(x, cfg->ramdisk, "%s/image/ramdisk", vm);
	put(x, cfg->cmdline ? cfg->cmdline : "", "%s/image/cmdline", vm);
}

bool store_domain_add(uint32_t domid, const struct vmcfg *cfg,
		      const struct umbra_mgmt_rings *rings)
{
	struct txn x = { .h = store_open() };
	char uuid[37], vm[64];
	int tries;

	if (!x.h)
		return false;
	make_uuid(uuid);
	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	for (tries = 0; tries < STORE_RETRIES; tries++) {
		x.t = vms_transaction_start(x.h);
		x.ok = x.t != VMS_TXN_NULL;
		write_local(&x, domid, cfg, vm);
		write_vm(&x, domid, cfg, uuid, vm);
		if (rings)
			write_rings(&x, domid, rings);
		if (x.t != VMS_TXN_NULL &&
		    vms_transaction_end(x.h, x.t, !x.ok) && x.ok)
			break;
		if (errno != EAGAIN || x.t == VMS_TXN_NULL || !x.ok)
			goto fail;
	}
	if (tries == STORE_RETRIES)
		goto fail;
	if (!vms_introduce_domain(x.h, domid, rings ? rings->store_gfn : 0,
				  rings ? rings->store_port : 0))
		cli_warn("the store refused to introduce domain %u: %s", domid,
			 strerror(errno));
	return true;
fail:
	cli_warn("domain %u not recorded in the store: %s", domid,
		 strerror(errno));
	return false;
}

static char *read_str(struct vms_handle *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *read_str(struct vms_handle *h, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return vms_read(h, VMS_TXN_NULL, path, NULL);
}

void store_domain_remove(uint32_t domid)
{
	struct vms_handle *h = store_open();
	char *vm, path[64];

	if (!h)
		return;
	vm = read_str(h, "/local/domain/%u/vm", domid);
	if (vm && !strncmp(vm, "/vm/", 4) && vm[4])
		vms_rm(h, VMS_TXN_NULL, vm);
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if (!vms_rm(h, VMS_TXN_NULL, path))
		cli_warn("could not remove %s from the store: %s", path,
			 strerror(errno));
	/* ENOENT: it was never introduced (created while vmstored was down). */
	if (!vms_release_domain(h, domid) && errno != ENOENT)
		cli_warn("the store refused to release domain %u: %s", domid,
			 strerror(errno));
}

char *store_console_tty(uint32_t domid)
{
	struct vms_handle *h = store_open();

	return h ? read_str(h, "/local/domain/%u/console/tty", domid) : NULL;
}

bool store_domain_request(uint32_t domid, const char *what)
{
	struct vms_handle *h = store_open();
	char path[96], *feature;
	bool offered;

	if (!h)
		return false;
	feature = read_str(h, "/local/domain/%u/control/feature-%s", domid, what);
	offered = feature && strcmp(feature, "1") == 0;
	free(feature);
	if (!offered)
		return false;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
	if (vms_write(h, VMS_TXN_NULL, path, what, strlen(what)))
		return true;
	cli_warn("store: writing %s: %s", path, strerror(errno));
	return false;
}

/* Feed one recorded value through the config parser, as an override. */
static void restore_key(struct vms_handle *h, const char *vm, const char *key,
			const char *node, struct vmcfg *cfg)
{
	char *v = read_str(h, "%s/%s", vm, node), *a;
	struct vmcfg_diag d = { .warn = NULL };

	if (!v)
		return;
	if (asprintf(&a, "%s=%s", key, v) >= 0) {
		if (vmcfg_override(cfg, a, &d))
			cli_warn("store: %s/%s: %s", vm, node, d.error);
		free(a);
	}
	free(v);
}

bool store_domain_config(uint32_t domid, struct vmcfg *cfg)
{
	static const char *const keys[][2] = {
		{ "memory", "memory" }, { "vcpus", "vcpus" }, { "cpus", "cpus" },
		{ "type", "image/ostype" }, { "paging", "paging" }, { "kernel", "image/kernel" },
		{ "ramdisk", "image/ramdisk" }, { "cmdline", "image/cmdline" },
		{ "on_poweroff", "on_poweroff" }, { "on_reboot", "on_reboot" },
		{ "on_crash", "on_crash" }, { "name", "name" },
	};
	struct vms_handle *h = store_open();
	unsigned int i;
	char *vm;

	if (!h)
		return false;
	vm = read_str(h, "/local/domain/%u/vm", domid);
	if (!vm)
		return false;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		restore_key(h, vm, keys[i][0], keys[i][1], cfg);
	free(vm);
	return cfg->name[0] != '\0';
}

time_t store_domain_started(uint32_t domid)
{
	struct vms_handle *h = store_open();
	char *vm, *t;
	time_t when = 0;

	if (!h)
		return 0;
	vm = read_str(h, "/local/domain/%u/vm", domid);
	t = vm ? read_str(h, "%s/start_time", vm) : NULL;
	if (t)
		when = (time_t)strtoll(t, NULL, 10);
	free(t);
	free(vm);
	return when;
}
