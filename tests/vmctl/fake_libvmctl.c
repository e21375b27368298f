/*
 * A test double of libvmctl (dom0-tools/lib/libvmctl/vmctl.h) for
 * vmctl's host suite (tests/vmctl/cli.sh): the same API over a pretend
 * hypervisor whose state lives in the file $UMBRA_FAKE_STATE, so that
 * successive vmctl processes see one machine. It keeps the rules that
 * vmctl's messages depend on (unique names, memory asked vs free, ids,
 * states, console ring positions) and nothing else: no image is loaded.
 * A pretend guest acts on its command line when unpaused:
 *   status=N   prints a greeting, then shuts down with reason N
 *   crash      prints, then crashes ("fake crash: ud2")
 *   spam=N     prints N lines of 100 bytes (more than the ring holds)
 *   otherwise  prints a greeting and blocks
 * This is test scaffolding, not an implementation of the interface.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"

#define FAKE_MAGIC	0x66616b65
#define FAKE_DOMS	64
#define FAKE_RING	2048

struct fake_dom {
	struct umbra_domain_info info;
	char cmdline[256];
	char ring[FAKE_RING];
	uint64_t head;
};

struct fake_state {
	uint32_t magic;
	uint32_t next_domid;
	uint64_t generation;
	struct umbra_mgmt_physinfo pi;
	unsigned int nr;
	struct fake_dom dom[FAKE_DOMS];
	char log[FAKE_RING];
	uint64_t log_head, log_tail;
};

struct vmctl {
	int fd;		/* poll()ed: never readable */
	int wfd;
};

static __thread char last_error[256];
static struct fake_state st;
static int lock_fd = -1;

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return rc;
}

static const char *state_path(void)
{
	const char *p = getenv("UMBRA_FAKE_STATE");

	return p ? p : "/tmp/umbra-fake-state";
}

static void log_add(const char *s)
{
	for (; *s; s++)
		st.log[st.log_head++ % FAKE_RING] = *s;
}

static void fresh(void)
{
	struct fake_dom *d0 = &st.dom[0];

	memset(&st, 0, sizeof(st));
	st.magic = FAKE_MAGIC;
	st.next_domid = 1;
	st.pi.umbra_version = UMBRA_VERSION;
	st.pi.nr_cpus = 2;
	st.pi.cpus_online = 3;
	st.pi.dom0_cpus = 1;
	st.pi.total_bytes = 2048ULL << 20;
	st.pi.dom0_bytes = 512ULL << 20;
	st.pi.free_bytes = 1024ULL << 20;
	st.pi.tsc_khz = 2000000;
	st.pi.features = UMBRA_FEATURE_NESTED_PAGING | UMBRA_FEATURE_SHADOW_PAGING;
	st.pi.max_domains = FAKE_DOMS;
	st.pi.max_vcpus = UMBRA_MAX_VCPUS;
	st.nr = 1;
	strcpy(d0->info.name, "Domain-0");
	d0->info.flags = UMBRA_DOMFLAG_DOM0 | UMBRA_DOMFLAG_STARTED;
	d0->info.mem_bytes = st.pi.dom0_bytes;
	d0->info.nr_vcpus = 1;
	d0->info.type = UMBRA_DOMAIN_TYPE_PVH;
	d0->info.paging = UMBRA_PAGING_NESTED;
	d0->info.vcpu[0].state = UMBRA_VCPUSTATE_RUNNING;
	d0->info.vcpu[0].affinity = 1;
	log_add("(XEN) fake umbra: ready\n");
}

/* Every call: lock, load, (change), save, unlock. */
static void load(void)
{
	lock_fd = open(state_path(), O_RDWR | O_CREAT, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) {
		perror(state_path());
		exit(2);
	}
	if (pread(lock_fd, &st, sizeof(st), 0) != (ssize_t)sizeof(st) ||
	    st.magic != FAKE_MAGIC)
		fresh();
}

static int save(int rc)
{
	if (pwrite(lock_fd, &st, sizeof(st), 0) != (ssize_t)sizeof(st)) {
		perror(state_path());
		exit(2);
	}
	close(lock_fd);
	lock_fd = -1;
	return rc;
}

static struct fake_dom *find(uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < st.nr; i++)
		if (st.dom[i].info.domid == domid)
			return &st.dom[i];
	return NULL;
}

static void say(struct fake_dom *d, const char *s)
{
	for (; *s; s++)
		d->ring[d->head++ % FAKE_RING] = *s;
	st.generation++;
}

int vmctl_open_path(const char *path, struct vmctl **h)
{
	int p[2];

	if (path && access(path, F_OK))
		return fail(-ENODEV, "%s: %s (is umbra.ko loaded?)", path,
			    strerror(errno));
	*h = calloc(1, sizeof(**h));
	if (!*h || pipe(p))
		return fail(-ENOMEM, "out of memory");
	(*h)->fd = p[0];
	(*h)->wfd = p[1];
	return 0;
}

int vmctl_open(struct vmctl **h)
{
	return vmctl_open_path(getenv(VMCTL_DEVICE_ENV), h);
}

void vmctl_close(struct vmctl *h)
{
	if (h) {
		close(h->fd);
		close(h->wfd);
		free(h);
	}
}

int vmctl_fd(const struct vmctl *h)
{
	return h->fd;
}

const char *vmctl_last_error(void)
{
	return last_error;
}

int vmctl_physinfo(struct vmctl *h, struct umbra_mgmt_physinfo *out)
{
	(void)h;
	load();
	*out = st.pi;
	out->nr_domains = st.nr;
	return save(0);
}

int vmctl_domain_list(struct vmctl *h, struct umbra_domain_info **list,
		      unsigned int *nr)
{
	unsigned int i;

	(void)h;
	load();
	*list = calloc(st.nr ? st.nr : 1, sizeof(**list));
	if (!*list)
		return save(fail(-ENOMEM, "out of memory"));
	for (i = 0; i < st.nr; i++)
		(*list)[i] = st.dom[i].info;
	*nr = st.nr;
	return save(0);
}

int vmctl_domain_info(struct vmctl *h, uint32_t domid,
		      struct umbra_domain_info *out)
{
	struct fake_dom *d;

	(void)h;
	load();
	d = find(domid);
	if (!d)
		return save(fail(-ESRCH, "no domain %u", domid));
	*out = d->info;
	return save(0);
}

long vmctl_domain_find(struct vmctl *h, const char *name_or_id,
		       struct umbra_domain_info *out)
{
	unsigned int i;
	char *end;
	unsigned long id;

	(void)h;
	load();
	id = strtoul(name_or_id, &end, 10);
	for (i = 0; i < st.nr; i++) {
		if ((*name_or_id && !*end) ? st.dom[i].info.domid == id :
		    !strcmp(st.dom[i].info.name, name_or_id)) {
			if (out)
				*out = st.dom[i].info;
			return save((long)st.dom[i].info.domid);
		}
	}
	if (*name_or_id && !*end)
		return save(fail(-ESRCH, "no domain with id %s", name_or_id));
	return save(fail(-ESRCH, "no domain called '%s'", name_or_id));
}

int vmctl_domain_counters(struct vmctl *h, struct umbra_domain_counters **list,
			  unsigned int *nr)
{
	unsigned int i;

	(void)h;
	load();
	*list = calloc(st.nr, sizeof(**list));
	for (i = 0; *list && i < st.nr; i++)
		(*list)[i].domid = st.dom[i].info.domid;
	*nr = st.nr;
	return save(*list ? 0 : -ENOMEM);
}

static int check_config(const struct vmctl_domain_config *c)
{
	unsigned int i;

	if (!c->name || !*c->name || strlen(c->name) >= UMBRA_DOMAIN_NAME_MAX)
		return fail(-EINVAL, "bad name");
	for (i = 0; i < st.nr; i++)
		if (!strcmp(st.dom[i].info.name, c->name))
			return fail(-EEXIST, "a domain called '%s' exists (id %u)",
				    c->name, st.dom[i].info.domid);
	if (!c->mem_bytes || c->mem_bytes % (2ULL << 20))
		return fail(-EINVAL, "memory must be a multiple of 2 MiB");
	if (c->mem_bytes > st.pi.free_bytes)
		return fail(-ENOMEM, "not enough free memory: asked %llu MiB, "
			    "%llu MiB free", (unsigned long long)(c->mem_bytes >> 20),
			    (unsigned long long)(st.pi.free_bytes >> 20));
	if (c->vcpus > UMBRA_MAX_VCPUS)
		return fail(-EINVAL, "%u vCPUs: at most %u", c->vcpus,
			    UMBRA_MAX_VCPUS);
	if (c->cpus && !(c->cpus & st.pi.cpus_online & ~st.pi.dom0_cpus))
		return fail(-EINVAL, "cpus: no CPU of the mask runs domains");
	if (st.nr == FAKE_DOMS)
		return fail(-ENOSPC, "too many domains");
	return 0;
}

static int check_kernel(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fail(-errno, "kernel %s: %s", path, strerror(errno));
	n = read(fd, magic, 4);
	close(fd);
	if (n != 4 || memcmp(magic, "\177ELF", 4))
		return fail(-EINVAL, "kernel %s: not an ELF image", path);
	return 0;
}

int vmctl_domain_create(struct vmctl *h, const struct vmctl_domain_config *c,
			uint32_t *domid)
{
	struct fake_dom *d;
	unsigned int i;
	int rc;

	(void)h;
	load();
	rc = check_config(c);
	if (!rc && c->kernel)
		rc = check_kernel(c->kernel);
	if (!rc && c->ramdisk && access(c->ramdisk, R_OK))
		rc = fail(-errno, "ramdisk %s: %s", c->ramdisk, strerror(errno));
	if (rc)
		return save(rc);
	d = &st.dom[st.nr++];
	memset(d, 0, sizeof(*d));
	d->info.domid = st.next_domid++;
	snprintf(d->info.name, sizeof(d->info.name), "%s", c->name);
	d->info.state = UMBRA_DOMSTATE_PAUSED;
	d->info.flags = UMBRA_DOMFLAG_STARTED;
	d->info.type = c->type ? c->type : UMBRA_DOMAIN_TYPE_PVH;
	d->info.paging = c->paging ? c->paging : UMBRA_PAGING_NESTED;
	d->info.mem_bytes = c->mem_bytes;
	d->info.pool_bytes = 4ULL << 20;
	d->info.nr_vcpus = c->vcpus ? c->vcpus : 1;
	for (i = 0; i < d->info.nr_vcpus; i++) {
		d->info.vcpu[i].pcpu = -1;
		d->info.vcpu[i].state = UMBRA_VCPUSTATE_RUNNABLE;
		d->info.vcpu[i].affinity = c->cpus ? c->cpus :
			st.pi.cpus_online & ~st.pi.dom0_cpus;
	}
	snprintf(d->cmdline, sizeof(d->cmdline), "%s", c->cmdline ? c->cmdline : "");
	st.pi.free_bytes -= c->mem_bytes;
	st.generation++;
	*domid = d->info.domid;
	return save(0);
}

int vmctl_domain_load(struct vmctl *h, uint32_t domid, const char *kernel,
		      const char *ramdisk, const char *cmdline)
{
	(void)h, (void)domid, (void)ramdisk, (void)cmdline;
	return check_kernel(kernel);
}

/* The pretend guest's life, all at once when it is first unpaused. */
static void run_guest(struct fake_dom *d)
{
	char line[320];
	const char *o;
	long n;

	snprintf(line, sizeof(line), "fake: %s: hello, world, cmdline \"%s\"\n",
		 d->info.name, d->cmdline);
	say(d, line);
	if ((o = strstr(d->cmdline, "spam="))) {
		for (n = strtol(o + 5, NULL, 10); n > 0; n--) {
			snprintf(line, sizeof(line), "%-98ld\n", n);
			say(d, line);
		}
	}
	if (strstr(d->cmdline, "crash")) {
		d->info.state = UMBRA_DOMSTATE_CRASHED;
		strcpy(d->info.reason, "fake crash: ud2");
	} else if ((o = strstr(d->cmdline, "status="))) {
		say(d, "fake: shutting down\n");
		d->info.state = UMBRA_DOMSTATE_SHUTDOWN;
		d->info.shutdown_reason = (uint32_t)strtoul(o + 7, NULL, 10);
	} else {
		d->info.state = UMBRA_DOMSTATE_BLOCKED;
	}
	d->info.cpu_time_ns += 1500000000;
}

static int with_domain(uint32_t domid, struct fake_dom **d)
{
	load();
	*d = find(domid);
	return *d ? 0 : fail(-ESRCH, "no domain %u", domid);
}

int vmctl_domain_unpause(struct vmctl *h, uint32_t domid)
{
	struct fake_dom *d;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return save(fail(-EINVAL, "not paused"));
	if (d->info.flags & (1u << 31)) {
		d->info.state = UMBRA_DOMSTATE_BLOCKED;
	} else {
		d->info.flags |= 1u << 31;	/* has run */
		run_guest(d);
	}
	st.generation++;
	return save(0);
}

int vmctl_domain_pause(struct vmctl *h, uint32_t domid)
{
	struct fake_dom *d;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (d->info.flags & UMBRA_DOMFLAG_DOM0)
		return save(fail(-EPERM, "dom0 cannot be paused"));
	if (d->info.state != UMBRA_DOMSTATE_RUNNING &&
	    d->info.state != UMBRA_DOMSTATE_BLOCKED)
		return save(fail(-EINVAL, "domain %u is %s", domid,
				 vmctl_domstate_name(d->info.state)));
	d->info.state = UMBRA_DOMSTATE_PAUSED;
	st.generation++;
	return save(0);
}

int vmctl_domain_shutdown(struct vmctl *h, uint32_t domid, unsigned int reason)
{
	struct fake_dom *d;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (d->info.flags & UMBRA_DOMFLAG_DOM0)
		return save(fail(-EPERM, "dom0 shuts down from its own shell"));
	say(d, "fake: asked to shut down\n");
	d->info.state = UMBRA_DOMSTATE_SHUTDOWN;
	d->info.shutdown_reason = reason;
	return save(0);
}

int vmctl_domain_destroy(struct vmctl *h, uint32_t domid)
{
	struct fake_dom *d;
	char line[128];

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (d->info.flags & UMBRA_DOMFLAG_DOM0)
		return save(fail(-EPERM, "dom0 cannot be destroyed"));
	st.pi.free_bytes += d->info.mem_bytes;
	snprintf(line, sizeof(line), "(XEN) domain %u (%s): destroyed\n", domid,
		 d->info.name);
	log_add(line);
	memmove(d, d + 1, (size_t)((char *)&st.dom[st.nr] - (char *)(d + 1)));
	st.nr--;
	st.generation++;
	return save(0);
}

/* Save and restore: the file is "FAKESAVE" and the domain's record; a
 * paused domain only, as libvmctl asks. */
#define FAKE_SAVE_MAGIC	"FAKESAVE"

int vmctl_domain_save(struct vmctl *h, uint32_t domid, int fd, struct vmctl_save_stats *s)
{
	struct fake_dom *d;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return save(fail(-EBUSY, "domain %u is %s: only a paused domain is saved", domid,
				 vmctl_domstate_name(d->info.state)));
	if (write(fd, FAKE_SAVE_MAGIC, 8) != 8 || write(fd, d, sizeof(*d)) != (ssize_t)sizeof(*d))
		return save(fail(-errno, "writing the save file: %s", strerror(errno)));
	if (s)
		*s = (struct vmctl_save_stats){ .mem_bytes = d->info.mem_bytes, .pages = 16,
						.zero_pages = d->info.mem_bytes / 4096 - 16,
						.file_bytes = 8 + sizeof(*d) };
	return save(0);
}

int vmctl_domain_restore(struct vmctl *h, const char *path, const char *name,
			 uint32_t *domid, struct vmctl_restore_info *info)
{
	struct fake_dom rec, *d;
	char magic[8];
	int fd = open(path, O_RDONLY);
	int ok;

	(void)h;
	if (fd < 0)
		return fail(-errno, "save file '%s': %s", path, strerror(errno));
	ok = read(fd, magic, 8) == 8 && !memcmp(magic, FAKE_SAVE_MAGIC, 8) &&
	     read(fd, &rec, sizeof(rec)) == (ssize_t)sizeof(rec);
	close(fd);
	if (!ok)
		return fail(-EINVAL, "'%s': not an Umbra save file (no UMBRASAV magic)", path);
	load();
	for (unsigned int i = 0; i < st.nr; i++)
		if (!strcmp(st.dom[i].info.name, name ? name : rec.info.name))
			return save(fail(-EEXIST, "a domain called '%s' already exists",
					 st.dom[i].info.name));
	d = &st.dom[st.nr++];
	*d = rec;
	d->info.domid = st.next_domid++;
	d->info.state = UMBRA_DOMSTATE_PAUSED;
	st.pi.free_bytes -= d->info.mem_bytes;
	st.generation++;
	*domid = d->info.domid;
	if (info) {
		memset(info, 0, sizeof(*info));
		memcpy(info->name, d->info.name, sizeof(info->name));
		info->mem_bytes = d->info.mem_bytes;
		info->nr_vcpus = d->info.nr_vcpus;
		info->paging = d->info.paging;
	}
	return save(0);
}

int vmctl_vcpu_pin(struct vmctl *h, uint32_t domid, unsigned int vcpu,
		   uint64_t affinity)
{
	struct fake_dom *d;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	if (vcpu >= d->info.nr_vcpus)
		return save(fail(-EINVAL, "no vCPU %u", vcpu));
	if (!(affinity & st.pi.cpus_online))
		return save(fail(-EINVAL, "no online CPU in the mask"));
	d->info.vcpu[vcpu].affinity = affinity;
	return save(0);
}

static long ring_read(const char *ring, uint64_t head, uint64_t tail,
		      struct umbra_mgmt_ring *r, void *buf, size_t size)
{
	uint64_t from = r->pos, n;

	if (head > FAKE_RING && tail < head - FAKE_RING)
		tail = head - FAKE_RING;
	r->dropped = from < tail ? tail - from : 0;
	if (from < tail)
		from = tail;
	if (from > head)
		from = head;
	n = head - from < size ? head - from : size;
	for (uint64_t i = 0; i < n; i++)
		((char *)buf)[i] = ring[(from + i) % FAKE_RING];
	r->pos = from + n;
	r->len = n;
	r->head = head;
	return (long)n;
}

long vmctl_console_read(struct vmctl *h, uint32_t domid,
			struct umbra_mgmt_ring *ring, void *buf, size_t size)
{
	struct fake_dom *d;
	long n;

	(void)h;
	if (with_domain(domid, &d))
		return save(-ESRCH);
	n = ring_read(d->ring, d->head, 0, ring, buf, size);
	return save((int)n);
}

long vmctl_log_read(struct vmctl *h, struct umbra_mgmt_ring *ring, void *buf,
		    size_t size)
{
	long n;

	(void)h;
	load();
	n = ring_read(st.log, st.log_head, st.log_tail, ring, buf, size);
	return save((int)n);
}

int vmctl_log_clear(struct vmctl *h)
{
	(void)h;
	load();
	st.log_tail = st.log_head;
	return save(0);
}

/* The double's domains have no rings: vmctl records and introduces them
 * without (page 0, port 0), as a boot-module domain under Umbra. */
int vmctl_domain_rings(struct vmctl *h, uint32_t domid, struct umbra_mgmt_rings *out)
{
	(void)h;
	memset(out, 0, sizeof(*out));
	if (!find(domid))
		return fail(-ESRCH, "reading the domain's rings: no domain with id %u", domid);
	return fail(-ENOENT, "domain %u has no store or console ring", domid);
}

int vmctl_events(struct vmctl *h, uint64_t *generation)
{
	(void)h;
	load();
	*generation = st.generation;
	return save(0);
}

int vmctl_wait(struct vmctl *h, uint64_t *generation, int timeout_ms)
{
	uint64_t g;

	vmctl_events(h, &g);
	if (g != *generation) {
		*generation = g;
		return 1;
	}
	usleep((timeout_ms < 0 || timeout_ms > 100 ? 100 : timeout_ms) * 1000);
	return 0;
}

const char *vmctl_domstate_name(unsigned int s)
{
	static const char *const n[] = { "running", "blocked", "paused",
					 "shutdown", "crashed", "dying" };

	return s < 6 ? n[s] : "?";
}

const char *vmctl_vcpustate_name(unsigned int s)
{
	static const char *const n[] = { "runnable", "running", "blocked", "down" };

	return s < 4 ? n[s] : "?";
}

const char *vmctl_shutdown_name(unsigned int r)
{
	static const char *const n[] = { "poweroff", "reboot", "suspend", "crash",
					 "watchdog", "soft_reset" };

	return r < 6 ? n[r] : "?";
}

const char *vmctl_type_name(unsigned int t)
{
	return t == 1 ? "pvh" : t == 2 ? "hvm" : t == 3 ? "pv" : "?";
}

const char *vmctl_paging_name(unsigned int p)
{
	return p == 1 ? "nested" : p == 2 ? "shadow" : p == 3 ? "shared" : "?";
}
