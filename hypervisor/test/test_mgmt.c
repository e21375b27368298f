/* test_mgmt_cycles=N (test build): the boot CPU plays dom0's part and
 * drives N domain lifecycles through the management commands' handlers
 * while pCPU 1 runs the domains: create, load (the first ELF boot module,
 * written with copy_to_gpa as memory_write does), vcpu_start, unpause,
 * then by turns: run to its shutdown, pause while running and destroy
 * paused, or destroy while running. Also the refusals that must change
 * nothing. It prints what it saw and the free memory before and after,
 * then powers QEMU off (tests/e2e/domains.sh checks the lines). */
#include <asm/layout.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/boot_modules.h>
#include <umbra/cmdline.h>
#include <umbra/debug_exit.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/domain_spec.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/ring_window.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/test_hooks.h>

static unsigned int opt_cycles;
param_uint("test_mgmt_cycles", opt_cycles);

static unsigned int errors;
/* The first two ELF boot modules: one that stops by itself (hello), one
 * that computes until it is stopped (compute). */
static const struct mb2_module *quick, *busy;

#define WAIT_MS		20000

static void expect(const char *what, long got, long want)
{
	if (got == want)
		return;
	errors++;
	pr_err("test: mgmt: FAIL %s: got %ld, expected %ld\n", what, got, want);
}

static struct mgmt_call call(uint32_t cmd, uint32_t domid)
{
	struct mgmt_call c;

	memset(&c, 0, sizeof(c));
	c.req.cmd = cmd;
	c.req.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	c.req.domid = domid;
	return c;
}

/* A command to its end, continuations included, as dom0's VMMCALL would. */
static long run(long (*fn)(struct mgmt_call *), struct mgmt_call *c)
{
	long rc;

	for (unsigned int i = 0; i < WAIT_MS * 10; i++) {
		rc = fn(c);
		if (rc != HYPERCALL_CONTINUE)
			return rc;
		udelay(100);
	}
	return -EBUSY;
}

static long create(const char *name, uint64_t mem, uint32_t paging, uint32_t *domid)
{
	struct mgmt_call c = call(UMBRA_MGMT_domain_create, 0);
	long rc;

	memcpy(c.req.u.create.name, name, strnlen(name, sizeof(c.req.u.create.name) - 1));
	c.req.u.create.mem_bytes = mem;
	c.req.u.create.affinity = ~0ULL;
	c.req.u.create.nr_vcpus = 1;
	c.req.u.create.type = UMBRA_DOMAIN_TYPE_PVH;
	c.req.u.create.paging = paging;
	rc = mgmt_domain_create(&c);
	*domid = c.req.domid;
	return rc;
}

/* What dom0's loader does, minus the parsing in dom0: the image and its
 * start info into the domain's RAM, then vcpu_start. */
static long load(uint32_t domid, const struct mb2_module *image, const char *args)
{
	struct domain *d = domain_by_id((domid_t)domid);
	struct guest_writer gw = domain_guest_writer(d);
	struct mgmt_call c = call(UMBRA_MGMT_vcpu_start, domid);
	static struct domain_spec spec;
	struct elf_image img;
	uint64_t info;

	memset(&spec, 0, sizeof(spec));
	memcpy(spec.args, args, strnlen(args, sizeof(spec.args) - 1));
	if (elf_load(phys_to_virt(image->start), image->end - image->start, d->mem_bytes,
		     &gw, &img) || domain_build_start_info(d, &img, &spec, &info))
		return -EINVAL;
	c.req.u.start.entry = img.pvh_entry;
	c.req.u.start.start_info_gpa = info;
	return mgmt_vcpu_start(&c);
}

static long simple(long (*fn)(struct mgmt_call *), uint32_t cmd, uint32_t domid)
{
	struct mgmt_call c = call(cmd, domid);

	return run(fn, &c);
}

static bool wait_state(uint32_t domid, enum domain_state want)
{
	for (unsigned int ms = 0; ms < WAIT_MS; ms++) {
		if (__atomic_load_n(&domain_by_id((domid_t)domid)->state, __ATOMIC_ACQUIRE) == want)
			return true;
		udelay(1000);
	}
	return false;
}

static bool contains(const char *s, size_t n, const char *text)
{
	size_t t = strlen(text);

	for (size_t i = 0; i + t <= n; i++)
		if (!memcmp(s + i, text, t))
			return true;
	return false;
}

/* The guest's greeting is in its console ring, read as console_read does. */
static bool console_has(uint32_t domid, const char *text)
{
	static char buf[CONSOLE_RING_SIZE];
	struct ring_window w;
	uint64_t head;

	domain_console_read(domain_by_id((domid_t)domid), 0, buf, CONSOLE_RING_SIZE, &w, &head);
	return w.dropped == 0 && head == w.len && contains(buf, w.len, text);
}

/* CPU time is added when a slice ends: wait for one. */
static bool wait_cpu_time(const struct vcpu *v, uint64_t above)
{
	for (unsigned int ms = 0; ms < WAIT_MS; ms++) {
		if (__atomic_load_n(&v->stats.cpu_time_ns, __ATOMIC_RELAXED) > above)
			return true;
		udelay(1000);
	}
	return false;
}

/* Paused, it stays off every pCPU and gets no CPU time; unpaused, it
 * runs again; paused again for the destroy. */
static void pause_cycle(struct domain *d, uint32_t id, unsigned int i)
{
	uint64_t t;

	udelay(1000 * (i % 7));
	expect("pause", simple(mgmt_domain_pause, UMBRA_MGMT_domain_pause, id), 0);
	expect("paused: no vCPU on a pCPU", d->vcpus[0]->processor, -1);
	t = d->vcpus[0]->stats.cpu_time_ns;
	udelay(30000);
	expect("paused: no CPU time", d->vcpus[0]->stats.cpu_time_ns == t, true);
	expect("paused: still paused", d->state, DOMAIN_PAUSED);
	expect("unpause", simple(mgmt_domain_unpause, UMBRA_MGMT_domain_unpause, id), 0);
	expect("unpaused: it ran again", wait_cpu_time(d->vcpus[0], t), true);
	expect("pause again", simple(mgmt_domain_pause, UMBRA_MGMT_domain_pause, id), 0);
}

static void one_cycle(unsigned int i)
{
	uint32_t paging = i % 2 ? UMBRA_PAGING_SHADOW : UMBRA_PAGING_NESTED, id = 0;
	bool runs_out = i % 3 == 0;
	struct domain *d;

	expect("create", create("cycle", 16 << 20, paging, &id), 0);
	d = domain_by_id((domid_t)id);
	if (!d)
		return;
	expect("state after create is paused", d->state, DOMAIN_PAUSED);
	expect("load and vcpu_start", runs_out ? load(id, quick, "status=0")
					       : load(id, busy, "for=600000"), 0);
	expect("unpause", simple(mgmt_domain_unpause, UMBRA_MGMT_domain_unpause, id), 0);
	switch (i % 3) {
	case 0:		/* runs to its own shutdown */
		expect("ran to its shutdown", wait_state(id, DOMAIN_SHUTDOWN), true);
		expect("its greeting is in its console ring", console_has(id, "hello, world"), true);
		break;
	case 1:		/* paused while it runs on pCPU 1 */
		pause_cycle(d, id, i);
		break;
	default:	/* destroyed while it runs */
		udelay(1000 * (i % 5));
		expect("runs until destroyed", d->state, DOMAIN_RUNNING);
		break;
	}
	expect("destroy", simple(mgmt_domain_destroy, UMBRA_MGMT_domain_destroy, id), 0);
	expect("gone after destroy", domain_by_id((domid_t)id) != NULL, false);
}

/* Refused requests change nothing, free memory included. */
static void refusals(void)
{
	uint64_t before = mm_free_bytes();
	uint32_t id = 0, other = 0;

	expect("create larger than free memory", create("huge", 1ULL << 30, UMBRA_PAGING_NESTED,
							 &id), -ENOMEM);
	expect("create 3 MiB", create("odd", 3 << 20, UMBRA_PAGING_NESTED, &id), -EINVAL);
	expect("free memory unchanged by refusals", mm_free_bytes() == before, true);
	expect("create", create("twin", 4 << 20, UMBRA_PAGING_NESTED, &id), 0);
	expect("create with a name taken", create("twin", 4 << 20, UMBRA_PAGING_NESTED, &other),
	       -EEXIST);
	expect("unpause before vcpu_start",
	       simple(mgmt_domain_unpause, UMBRA_MGMT_domain_unpause, id), -EINVAL);
	expect("destroy a domid that does not exist",
	       simple(mgmt_domain_destroy, UMBRA_MGMT_domain_destroy, 63), -ESRCH);
	expect("destroy", simple(mgmt_domain_destroy, UMBRA_MGMT_domain_destroy, id), 0);
	expect("free memory back after create and destroy", mm_free_bytes() == before, true);
}

/* The n-th ELF boot module, or NULL. */
static const struct mb2_module *elf_module(const struct boot_info *bi, unsigned int n)
{
	for (size_t i = 0; i < bi->module_count; i++)
		if (module_identify(&bi->modules[i]) == MODULE_ELF && !n--)
			return &bi->modules[i];
	return NULL;
}

void test_hooks_after_release(const struct boot_info *bi)
{
	uint64_t before;

	if (!opt_cycles) {
		test_reap_stopped_domains();
		return;
	}
	quick = elf_module(bi, 0);
	busy = elf_module(bi, 1);
	if (!quick || !busy) {
		pr_err("test: mgmt: needs two ELF boot modules (hello, compute)\n");
		debug_exit(DEBUG_EXIT_FAILURE);
	}
	/* This CPU is "dom0's" now: no domain's vCPU runs here. */
	sched_give_pcpu_to_dom0(0);
	before = mm_free_bytes();
	refusals();
	for (unsigned int i = 0; i < opt_cycles; i++)
		one_cycle(i);
	pr_info("test: mgmt: %u cycles, %u errors, free before %llu after %llu\n", opt_cycles,
		errors, (unsigned long long)before, (unsigned long long)mm_free_bytes());
	debug_exit(errors ? DEBUG_EXIT_FAILURE : DEBUG_EXIT_SUCCESS);
}
