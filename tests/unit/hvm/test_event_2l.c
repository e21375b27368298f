/* The 2-level event bits (common/event_2l.c) over a domain held in host
 * memory, through the real guest-access border: where a port's pending,
 * mask and selector bits land in shared_info and vcpu_info, Xen's rules
 * for when an upcall is raised (the 0 -> 1 of evtchn_upcall_pending, never
 * for a masked port, again on unmask of a pending one), pollers woken
 * masked or not, and nothing at all before shared_info is placed. The
 * scheduler and the vendor's upcall injection are recorded fakes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <asm/guest_access.h>
#include <asm/pv.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/evtchn.h>
#include <umbra/sched.h>
#include <umbra/string.h>

#define SHINFO_GPA	0x5000ULL

static struct domain dom;
static struct vcpu vcpus[2];
static uint64_t extent;
static uint8_t *ram;
static unsigned int raised[2], kicked[2], woken[2];

void hvm_vcpu_upcall_raise(struct vcpu *v)
{
	raised[v->id]++;
}

void sched_vcpu_kick(struct vcpu *v)
{
	kicked[v->id]++;
}

void sched_vcpu_wake(struct vcpu *v)
{
	woken[v->id]++;
}

/* The domains here are HVM ones: guest_access.c never asks the PV walk. */
int pv_translate(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
	(void)v; (void)gva; (void)write; (void)gpa;
	fail_msg("pv_translate called for an HVM domain");
	return -1;
}

bool pv_guest_va_ok(uint64_t va)
{
	(void)va;
	fail_msg("pv_guest_va_ok called for an HVM domain");
	return false;
}

/* No PV domain here: the PV back end's hooks are never reached. */
void pv_vcpu_upcall_raise(struct vcpu *v)
{
	(void)v;
	fail_msg("pv_vcpu_upcall_raise called for an HVM domain");
}

static unsigned int time_published;

/* The wall clock moves with a change of layout (pvclock.c). */
void domain_time_publish(struct domain *d)
{
	(void)d;
	time_published++;
}

void vcpu_paging_state(const struct vcpu *v, struct vcpu_paging_state *st)
{
	(void)v;
	memset(st, 0, sizeof(*st));
}

static struct shared_info *si(void)
{
	return (struct shared_info *)(ram + SHINFO_GPA);
}

static int setup(void **s)
{
	(void)s;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	memset(raised, 0, sizeof(raised));
	memset(kicked, 0, sizeof(kicked));
	memset(woken, 0, sizeof(woken));
	time_published = 0;
	ram = calloc(1, EXTENT_SIZE);
	assert_non_null(ram);
	extent = (uint64_t)(uintptr_t)ram - DIRECTMAP_BASE;
	dom.extents = &extent;
	dom.nr_extents = 1;
	dom.mem_bytes = EXTENT_SIZE;
	dom.nr_vcpus = 2;
	for (unsigned int i = 0; i < 2; i++) {
		vcpus[i].domain = &dom;
		vcpus[i].id = i;
		dom.vcpus[i] = &vcpus[i];
	}
	dom.shared_info_gpa = SHINFO_GPA;
	dom.shared_info_placed = true;
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	free(ram);
	return 0;
}

static bool bit(const xen_ulong_t *words, uint32_t port)
{
	return words[port / 64] & (1ULL << (port % 64));
}

static void test_nothing_without_shared_info(void **s)
{
	(void)s;
	dom.shared_info_placed = false;
	evtchn_2l_set_pending(&dom, 0, 3);
	assert_false(evtchn_2l_is_pending(&dom, 3));
	assert_false(bit(si()->evtchn_pending, 3));
	assert_int_equal(raised[0], 0);
	evtchn_2l_unmask(&dom, 0, 3);
	evtchn_upcall_reassert(&vcpus[0]);
	assert_int_equal(raised[0] + kicked[0], 0);
}

static void test_pending_raises_once(void **s)
{
	(void)s;
	si()->vcpu_info[0].evtchn_upcall_mask = 0x5a;	/* the guest's byte, kept */
	evtchn_2l_set_pending(&dom, 0, 70);
	assert_true(bit(si()->evtchn_pending, 70));
	assert_true(evtchn_2l_is_pending(&dom, 70));
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, 1ULL << 1);
	assert_int_equal(si()->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(si()->vcpu_info[0].evtchn_upcall_mask, 0x5a);
	assert_int_equal(raised[0], 1);
	assert_int_equal(kicked[0], 1);
	/* Already pending: nothing new. Another port while the upcall is
	 * still pending: its selector bit, no second upcall. */
	evtchn_2l_set_pending(&dom, 0, 70);
	evtchn_2l_set_pending(&dom, 0, 5);
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, (1ULL << 1) | 1);
	assert_int_equal(raised[0], 1);
	/* The guest acknowledged (cleared upcall_pending): the next event
	 * raises a new upcall. */
	si()->vcpu_info[0].evtchn_upcall_pending = 0;
	si()->vcpu_info[0].evtchn_pending_sel = 0;
	evtchn_2l_set_pending(&dom, 0, 6);
	assert_int_equal(raised[0], 2);
	assert_int_equal(raised[1], 0);
}

static void test_masked_until_unmask(void **s)
{
	(void)s;
	si()->evtchn_mask[0] = 1ULL << 9;
	evtchn_2l_set_pending(&dom, 1, 9);
	assert_true(bit(si()->evtchn_pending, 9));
	assert_int_equal(si()->vcpu_info[1].evtchn_pending_sel, 0);
	assert_int_equal(si()->vcpu_info[1].evtchn_upcall_pending, 0);
	assert_int_equal(raised[1], 0);
	evtchn_2l_unmask(&dom, 1, 9);
	assert_false(bit(si()->evtchn_mask, 9));
	assert_int_equal(si()->vcpu_info[1].evtchn_pending_sel, 1);
	assert_int_equal(si()->vcpu_info[1].evtchn_upcall_pending, 1);
	assert_int_equal(raised[1], 1);
	assert_int_equal(kicked[1], 1);
	assert_int_equal(raised[0], 0);		/* vCPU 1's slot, not vCPU 0's */
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, 0);
}

static void test_unmask_of_quiet_port(void **s)
{
	(void)s;
	si()->evtchn_mask[1] = 1ULL << 2;		/* port 66 */
	evtchn_2l_unmask(&dom, 0, 66);
	assert_false(bit(si()->evtchn_mask, 66));
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, 0);
	assert_int_equal(raised[0], 0);
	/* Unmasking a port that was not masked changes nothing either. */
	evtchn_2l_unmask(&dom, 0, 66);
	assert_int_equal(raised[0], 0);
}

static void test_clear_pending(void **s)
{
	(void)s;
	evtchn_2l_set_pending(&dom, 0, 4095);
	assert_true(evtchn_2l_is_pending(&dom, 4095));
	evtchn_2l_clear_pending(&dom, 4095);
	assert_false(evtchn_2l_is_pending(&dom, 4095));
	assert_false(bit(si()->evtchn_pending, 4095));
}

static void test_pollers(void **s)
{
	(void)s;
	si()->evtchn_mask[0] = ~0ULL;
	vcpus[0].polling = true;
	vcpus[0].poll_port = 12;
	vcpus[1].polling = true;
	vcpus[1].poll_port = EVTCHN_POLL_ANY;
	evtchn_2l_set_pending(&dom, 0, 13);	/* masked: only the ANY poller */
	assert_int_equal(woken[0], 0);
	assert_int_equal(woken[1], 1);
	assert_false(vcpus[1].polling);
	assert_int_equal(raised[0] + raised[1], 0);
	evtchn_2l_set_pending(&dom, 0, 12);
	assert_int_equal(woken[0], 1);
	assert_false(vcpus[0].polling);
	/* Already pending: no poller is looked for again. */
	vcpus[0].polling = true;
	evtchn_2l_set_pending(&dom, 0, 12);
	assert_int_equal(woken[0], 1);
}

static void test_reassert(void **s)
{
	(void)s;
	evtchn_upcall_reassert(&vcpus[1]);
	assert_int_equal(raised[1], 0);
	si()->vcpu_info[1].evtchn_upcall_pending = 1;
	evtchn_upcall_reassert(&vcpus[1]);
	assert_int_equal(raised[1], 1);
	assert_int_equal(kicked[1], 1);
}

/* A vCPU without a legacy slot (32 and above) gets the bits in
 * shared_info but no vcpu_info write and no upcall. */
static void test_no_slot_past_32(void **s)
{
	(void)s;
	vcpus[1].id = XEN_LEGACY_MAX_VCPUS;
	evtchn_2l_set_pending(&dom, 1, 20);
	assert_true(bit(si()->evtchn_pending, 20));
	assert_int_equal(raised[0], 0);
	vcpus[1].id = 1;
	assert_int_equal(raised[1], 0);
}

/* shared_info placed at the very end of RAM would put its words past
 * it: refused by the border, nothing written elsewhere. */
static void test_shared_info_at_ram_end(void **s)
{
	(void)s;
	dom.shared_info_gpa = EXTENT_SIZE - 4096;
	evtchn_2l_set_pending(&dom, 0, 1);
	assert_true(evtchn_2l_is_pending(&dom, 1));
	dom.shared_info_gpa = EXTENT_SIZE;	/* not RAM: every access refused */
	evtchn_2l_set_pending(&dom, 0, 1);
	assert_false(evtchn_2l_is_pending(&dom, 1));
	assert_int_equal(raised[0], 1);
}

static struct compat_shared_info *csi(void)
{
	return (struct compat_shared_info *)(ram + SHINFO_GPA);
}

static bool bit32(const uint32_t *words, uint32_t port)
{
	return words[port / 32] & (1u << (port % 32));
}

/* A domain latched to Xen's compat layout from 32-bit code: 32-bit
 * words, the mask at 2176, the selector at offset 4 with one bit per 32
 * ports, nothing past port 1023; latching again the same way publishes
 * nothing, a change of width rewrites the wall clock. */
static void test_compat_layout(void **s)
{
	(void)s;
	evtchn_2l_latch(&vcpus[0], true);
	assert_true(dom.shinfo_compat);
	assert_int_equal(time_published, 1);
	evtchn_2l_latch(&vcpus[1], true);
	assert_int_equal(time_published, 1);

	csi()->vcpu_info[0].cr2 = 0x12345678;	/* the guest's, kept */
	evtchn_2l_set_pending(&dom, 0, 70);
	assert_true(bit32(csi()->evtchn_pending, 70));
	assert_true(evtchn_2l_is_pending(&dom, 70));
	assert_int_equal(csi()->vcpu_info[0].evtchn_pending_sel, 1u << 2);
	assert_int_equal(csi()->vcpu_info[0].cr2, 0x12345678);
	assert_int_equal(csi()->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(raised[0], 1);

	/* The mask is the compat one: the native mask's place is ignored. */
	csi()->evtchn_mask[1] = 1u << 9;		/* port 41 */
	evtchn_2l_set_pending(&dom, 1, 41);
	assert_true(bit32(csi()->evtchn_pending, 41));
	assert_int_equal(csi()->vcpu_info[1].evtchn_pending_sel, 0);
	assert_int_equal(raised[1], 0);
	evtchn_2l_unmask(&dom, 1, 41);
	assert_false(bit32(csi()->evtchn_mask, 41));
	assert_int_equal(csi()->vcpu_info[1].evtchn_pending_sel, 1u << 1);
	assert_int_equal(raised[1], 1);

	/* The last compat port, and none beyond it. */
	evtchn_2l_set_pending(&dom, 0, 1023);
	assert_true(bit32(csi()->evtchn_pending, 1023));
	assert_int_equal(csi()->vcpu_info[0].evtchn_pending_sel, (1u << 2) | (1u << 31));
	evtchn_2l_set_pending(&dom, 0, 1024);
	assert_false(evtchn_2l_is_pending(&dom, 1024));
	assert_int_equal(csi()->evtchn_mask[0], 0);	/* where bit 1024 would be */
	evtchn_2l_clear_pending(&dom, 70);
	assert_false(bit32(csi()->evtchn_pending, 70));

	/* Back to 64-bit: the selector is the native one again. */
	evtchn_2l_latch(&vcpus[0], false);
	assert_int_equal(time_published, 2);
	memset(&si()->vcpu_info[0], 0, sizeof(si()->vcpu_info[0]));
	evtchn_2l_set_pending(&dom, 0, 200);
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, 1ULL << 3);
}

/* After a vcpu_info moves every selector bit is set, in the layout. */
static void test_select_all(void **s)
{
	(void)s;
	evtchn_2l_select_all(&vcpus[0], SHINFO_GPA);
	assert_int_equal(si()->vcpu_info[0].evtchn_pending_sel, ~0ULL);
	memset(&si()->vcpu_info[0], 0, sizeof(si()->vcpu_info[0]));
	evtchn_2l_latch(&vcpus[0], true);
	csi()->vcpu_info[0].cr2 = 0xcafe;
	evtchn_2l_select_all(&vcpus[0], SHINFO_GPA);
	assert_int_equal(csi()->vcpu_info[0].evtchn_pending_sel, 0xffffffffu);
	assert_int_equal(csi()->vcpu_info[0].cr2, 0xcafe);
	assert_int_equal(csi()->vcpu_info[0].evtchn_upcall_pending, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_nothing_without_shared_info),
		T(test_pending_raises_once),
		T(test_masked_until_unmask),
		T(test_unmask_of_quiet_port),
		T(test_clear_pending),
		T(test_pollers),
		T(test_reassert),
		T(test_no_slot_past_32),
		T(test_shared_info_at_ram_end),
		T(test_compat_layout),
		T(test_select_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
