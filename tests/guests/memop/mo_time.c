/* What a Linux PVH guest reads for time and vCPU state: the pvclock
 * records (vcpu_time_info in vcpu_info, the wall clock in shared_info),
 * VCPUOP_register_vcpu_info moving vcpu_info, the runstate (asked for,
 * and kept in a registered area), and a TSC write followed by the
 * record. */
#include <public/sched.h>
#include <public/version.h>

#include "hypercall.h"
#include "mo.h"
#include "runtime.h"

#define MSR_TSC		0x10
#define WC_2020		1577836800u	/* 2020-01-01: a clock that was read */
#define OFFSET_LIMIT	(PAGE_BYTES - sizeof(struct vcpu_info))

static struct shared_info *shinfo;
static struct vcpu_runstate_info area;
static volatile struct vcpu_info *registered;	/* register_vcpu_info's */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The pvclock read a Linux guest does: retry until the same even
 * version was seen around the read. */
static uint64_t pv_now(volatile struct vcpu_time_info *t)
{
	uint32_t v;
	uint64_t ns;

	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		uint64_t d = rdtsc() - t->tsc_timestamp;

		d = t->tsc_shift < 0 ? d >> -t->tsc_shift : d << t->tsc_shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} while ((v & 1) || v != t->version);
	return ns;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static bool place_shared_info(void)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info };
	long rc;

	shinfo = page_alloc();
	x.gpfn = mo_gfn(shinfo);
	rc = mo_memory_op(XENMEM_add_to_physmap, &x);
	mo_check(rc == 0, "shared_info placed", rc);
	return rc == 0;
}

static void clock_cases(volatile struct vcpu_time_info *t, const char *where)
{
	uint64_t last = pv_now(t), g = guest_time_ns(), bad = 0;

	con_printf("memop: %s: version %u mul %u shift %d flags %#x\n", where, t->version,
		   t->tsc_to_system_mul, t->tsc_shift, t->flags);
	mo_check(t->version && !(t->version & 1) && t->tsc_to_system_mul,
		 "the time record is written (version even, a multiplier)", (long)t->version);
	mo_check(absdiff(last, g) < NS_PER_MS,
		 "pvclock time agrees with the TSC at the CPUID frequency (< 1 ms)",
		 (long)absdiff(last, g));
	for (unsigned int i = 0; i < 20000; i++) {
		uint64_t now = pv_now(t);

		bad += now < last;
		last = now;
	}
	mo_check(!bad, "pvclock time never goes back (20000 reads)", (long)bad);
}

static void wallclock_cases(void)
{
	volatile struct shared_info *s = shinfo;

	con_printf("memop: wall clock %u s %u ns at system time 0\n", s->wc_sec, s->wc_nsec);
	mo_check(s->wc_version && !(s->wc_version & 1), "wc_version written, even",
		 (long)s->wc_version);
	mo_check(s->wc_sec >= WC_2020 && s->wc_nsec < 1000000000u,
		 "the wall clock is today's (from the RTC)", (long)s->wc_sec);
}

static long register_vi(unsigned int vcpu, uint64_t mfn, uint32_t offset, uint32_t rsvd)
{
	struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset, .rsvd = rsvd };

	return mo_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static void register_cases(void)
{
	uint8_t *page = page_alloc();
	volatile struct vcpu_info *vi = (volatile void *)(page + 128);
	uint64_t old = pv_now(&shinfo->vcpu_info[0].time);

	mo_check(register_vi(0, mo_gfn(page), OFFSET_LIMIT + 1, 0) == -XEN_EINVAL,
		 "register_vcpu_info crossing the page: -EINVAL", 0);
	mo_check(register_vi(0, mo_gfn(page), 128, 1) == -XEN_EINVAL,
		 "register_vcpu_info with rsvd set: -EINVAL", 0);
	mo_check(register_vi(0, mo_gfn(page), 130, 0) == -XEN_EINVAL,
		 "register_vcpu_info not 8-byte aligned: -EINVAL", 0);
	mo_check(register_vi(0, 1ULL << 40, 0, 0) == -XEN_EINVAL,
		 "register_vcpu_info outside its RAM: -EINVAL", 0);
	mo_check(register_vi(7, mo_gfn(page), 0, 0) == -XEN_ENOENT,
		 "register_vcpu_info for a vCPU it lacks: -ENOENT", 0);
	mo_check(register_vi(0, mo_gfn(page), 128, 0) == 0, "register_vcpu_info", 0);
	registered = vi;
	mo_check(vi->evtchn_upcall_pending == 1 && vi->evtchn_pending_sel == ~0ULL,
		 "the moved vcpu_info has every event marked pending", (long)vi->evtchn_pending_sel);
	clock_cases(&vi->time, "registered vcpu_info");
	mo_check(absdiff(pv_now(&vi->time), old) < 100 * NS_PER_MS,
		 "the moved record continues the old clock", 0);
	mo_check(register_vi(0, mo_gfn(page), 256, 0) == -XEN_EINVAL,
		 "a second register_vcpu_info: -EINVAL", 0);
}

static void sleep_ms(uint64_t ms)
{
	uint64_t until = guest_time_ns() + ms * NS_PER_MS;

	while (guest_time_ns() < until) {
		hv_set_timer_op(until);
		hv_sched_op(SCHEDOP_block, NULL);
	}
}

static void spin_ms(uint64_t ms)
{
	uint64_t until = guest_time_ns() + ms * NS_PER_MS;

	while (guest_time_ns() < until)
		;
}

static long vm_assist(unsigned int cmd, unsigned int type)
{
	return hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

/* Xen's vm_assist for an HVM or PVH domain (Linux PVH enables the
 * runstate update flag at boot): that one assist only. With it the area
 * still follows the vCPU and, read between updates, has the flag clear. */
static void vm_assist_cases(void)
{
	struct vcpu_runstate_info a;
	long rc;

	rc = vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	mo_check(rc == -XEN_EINVAL, "vm_assist writable_pagetables (PV only): -EINVAL", rc);
	rc = vm_assist(7, VMASST_TYPE_runstate_update_flag);
	mo_check(rc == -XEN_ENOSYS, "vm_assist with an unknown command: -ENOSYS", rc);
	rc = vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag);
	mo_check(rc == 0, "vm_assist enables runstate_update_flag", rc);
	a = area;
	sleep_ms(20);
	mo_check(area.time[RUNSTATE_blocked] >= a.time[RUNSTATE_blocked] + 15 * NS_PER_MS &&
		 area.state_entry_time > (a.state_entry_time & ~XEN_RUNSTATE_UPDATE) &&
		 !(area.state_entry_time & XEN_RUNSTATE_UPDATE),
		 "with the update flag the area follows the vCPU, flag clear between updates",
		 (long)(area.state_entry_time >> 32));
	rc = vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag);
	mo_check(rc == 0, "vm_assist disables it again", rc);
}

static void runstate_cases(void)
{
	struct vcpu_runstate_info a, b;
	struct vcpu_register_runstate_memory_area reg = { (uint64_t)(uintptr_t)&area };
	long rc = mo_vcpu_op(VCPUOP_get_runstate_info, 0, &a);

	mo_check(rc == 0 && a.state == RUNSTATE_running && a.time[RUNSTATE_running] > 0,
		 "get_runstate_info: running, with running time", rc);
	sleep_ms(30);
	spin_ms(10);
	mo_vcpu_op(VCPUOP_get_runstate_info, 0, &b);
	con_printf("memop: runstate ms: running %lu->%lu blocked %lu->%lu runnable %lu\n",
		   (unsigned long)(a.time[0] / NS_PER_MS), (unsigned long)(b.time[0] / NS_PER_MS),
		   (unsigned long)(a.time[2] / NS_PER_MS), (unsigned long)(b.time[2] / NS_PER_MS),
		   (unsigned long)(b.time[1] / NS_PER_MS));
	mo_check(b.time[RUNSTATE_blocked] >= a.time[RUNSTATE_blocked] + 25 * NS_PER_MS,
		 "a 30 ms block adds to blocked time", (long)(b.time[2] - a.time[2]));
	mo_check(b.time[RUNSTATE_running] >= a.time[RUNSTATE_running] + 9 * NS_PER_MS,
		 "a 10 ms spin adds to running time", (long)(b.time[0] - a.time[0]));
	mo_check(mo_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)0xdead00000000ULL) ==
		 -XEN_EFAULT, "get_runstate_info to a bad pointer: -EFAULT", 0);
	rc = mo_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg);
	mo_check(rc == 0 && area.state == RUNSTATE_running && area.time[RUNSTATE_running] > 0,
		 "register_runstate_memory_area: written at once", rc);
	a = area;
	sleep_ms(20);
	mo_check(area.time[RUNSTATE_blocked] >= a.time[RUNSTATE_blocked] + 15 * NS_PER_MS &&
		 area.state_entry_time > a.state_entry_time,
		 "the registered area grows as the vCPU blocks and runs", 0);
	vm_assist_cases();
}

/* A guest TSC write moves its record: time goes on from where it was. */
static void tsc_write_case(volatile struct vcpu_time_info *t)
{
	uint64_t before = pv_now(t), after, tsc = rdtsc() + 1000000000000ULL;
	uint32_t ver = t->version;

	__asm__ __volatile__("wrmsr" :: "c"(MSR_TSC), "a"((uint32_t)tsc),
			     "d"((uint32_t)(tsc >> 32)));
	after = pv_now(t);
	mo_check(t->version != ver && !(t->flags & XEN_PVCLOCK_TSC_STABLE_BIT),
		 "a TSC write rewrites the record, no longer TSC-stable", (long)t->flags);
	mo_check(after >= before && after - before < 50 * NS_PER_MS,
		 "pvclock time continues across the TSC write", (long)(after - before));
}

/* What Linux looks for before it trusts pvclock and the callback vector. */
static void feature_cases(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	long rc = hv_xen_version(XENVER_get_features, &fi);

	mo_check(rc == 0 && (fi.submap & (1u << XENFEAT_hvm_safe_pvclock)) &&
		 (fi.submap & (1u << XENFEAT_hvm_callback_vector)) &&
		 (fi.submap & (1u << XENFEAT_auto_translated_physmap)),
		 "get_features: hvm_safe_pvclock, hvm_callback_vector, auto_translated_physmap",
		 (long)fi.submap);
	fi.submap_idx = 1;
	rc = hv_xen_version(XENVER_get_features, &fi);
	mo_check(rc == 0 && fi.submap == 0, "get_features word 1: none", (long)fi.submap);
}

void time_cases(void)
{
	feature_cases();
	if (!place_shared_info())
		return;
	clock_cases(&shinfo->vcpu_info[0].time, "shared_info slot");
	wallclock_cases();
	register_cases();
	runstate_cases();
	tsc_write_case(registered ? &registered->time : &shinfo->vcpu_info[0].time);
}
