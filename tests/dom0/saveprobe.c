/*
 * saveprobe DOMID: the save/restore commands of the management interface
 * (public/mgmt.h 17-20) refuse what they must, from dom0, against a
 * running 64-bit domain (the counter guest) that the probe pauses:
 *   - a domain that runs: -EBUSY for each;
 *   - memory outside the domain, a vCPU it lacks, a wrong buffer: -EINVAL;
 *   - vcpu_context_set with one bad field at a time (CR0, EFER, RFLAGS,
 *     DR7, PAT, MXCSR, the local APIC, an event, RIP, CS, TR, flags, the
 *     upcall vector, vcpu_info): -EINVAL, and the state read back after
 *     is the state before (nothing changed);
 *   - the state itself set again: accepted;
 *   - domain_state SET on a domain that has run: -EBUSY.
 * Then it unpauses the domain (the e2e checks it counts on unharmed).
 * Prints "saveprobe: PASS|FAIL what" per case and "saveprobe: done, N
 * failed". Static, for dom0's initramfs (/usr/libexec/umbra-tests/).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "public/mgmt.h"
#include "pvguest-patches/linux/umbra/umbra_ioctl.h"

static int fd, failed;
static uint32_t domid;

static long mgmt(struct umbra_mgmt *r)
{
	r->interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	r->domid = domid;
	return ioctl(fd, UMBRA_IOCTL_MGMT, r) < 0 ? -errno : 0;
}

static long call(uint32_t cmd, uint32_t arg, uint64_t gpa, void *buf, uint64_t len)
{
	struct umbra_mgmt r;

	memset(&r, 0, sizeof(r));
	r.cmd = cmd;
	r.buf = (uint64_t)(uintptr_t)buf;
	r.buf_len = len;
	if (cmd == UMBRA_MGMT_memory_read)
		r.u.memory.gpa = gpa;
	else if (cmd == UMBRA_MGMT_domain_state)
		r.u.state.op = arg;
	else
		r.u.vcpu.vcpu = arg;
	return mgmt(&r);
}

static void expect(const char *what, long rc, long want)
{
	if (rc == want) {
		printf("saveprobe: PASS %s\n", what);
	} else {
		printf("saveprobe: FAIL %s: %ld, want %ld\n", what, rc, want);
		failed++;
	}
}

static void pause_it(void)
{
	/* The driver's ioctl returns when the hypercall (continued until no
	 * vCPU is on a pCPU) does. */
	call(UMBRA_MGMT_domain_pause, 0, 0, NULL, 0);
}

static struct umbra_vcpu_context orig, ctx, back;

/* The fields that move by themselves while paused: time goes on, and
 * the guest's one-shot timer may fire (it wakes the vCPU, for when it
 * runs). */
static void still(struct umbra_vcpu_context *c)
{
	c->flags &= ~(UMBRA_VCPUCTX_TIMER | UMBRA_VCPUCTX_BLOCKED | UMBRA_VCPUCTX_EVENT_PENDING |
		      UMBRA_VCPUCTX_UPCALL_PENDING);
	c->tsc = 0;
	c->timer_ns = 0;
	c->lapic.timer_deadline_ns = 0;
	c->lapic.timer_start_ns = 0;
}

static void bad_set(const char *what)
{
	char name[128];

	snprintf(name, sizeof(name), "vcpu_context_set refuses %s", what);
	expect(name, call(UMBRA_MGMT_vcpu_context_set, 0, 0, &ctx, sizeof(ctx)), -EINVAL);
	call(UMBRA_MGMT_vcpu_context_get, 0, 0, &back, sizeof(back));
	still(&back);
	snprintf(name, sizeof(name), "... and nothing changed (%s)", what);
	expect(name, memcmp(&back, &orig, sizeof(orig)) ? 1 : 0, 0);
	ctx = orig;
}

static void bad_states(void)
{
	uint32_t mxcsr;

	ctx = orig;
	ctx.cr0 = (ctx.cr0 | (1ULL << 31)) & ~1ULL;
	bad_set("CR0.PG without PE");
	ctx.efer |= 1ULL << 15;
	bad_set("a reserved EFER bit");
	ctx.efer &= ~(1ULL << 10);
	bad_set("EFER.LMA off in long mode");
	ctx.rflags |= 1ULL << 3;
	bad_set("a reserved RFLAGS bit");
	ctx.rflags &= ~2ULL;
	bad_set("RFLAGS bit 1 clear");
	ctx.dr7 |= 1ULL << 32;
	bad_set("DR7's upper half");
	ctx.pat = 0x0202020202020202ULL;
	bad_set("a PAT of reserved types");
	memcpy(&mxcsr, ctx.fpu + 24, 4);
	mxcsr |= 1u << 20;
	memcpy(ctx.fpu + 24, &mxcsr, 4);
	bad_set("a reserved MXCSR bit");
	ctx.lapic.irr[0] |= 1;
	bad_set("vector 0 pending in the local APIC");
	ctx.lapic.base_msr |= 1ULL << 1;
	bad_set("a reserved APIC base bit");
	ctx.pending_event = (1ULL << 31) | (1ULL << 8) | 3;
	bad_set("an event of a reserved type");
	ctx.rip = 0x0000800000000000ULL;
	bad_set("a non-canonical RIP");
	ctx.cs.attrib |= 1u << 10;
	bad_set("a 64-bit CS with D set");
	ctx.tr.attrib &= ~(1u << 7);
	bad_set("a TR not present");
	ctx.flags |= 1u << 20;
	bad_set("an unknown flag");
	ctx.upcall_vector = 5;
	bad_set("upcall vector 5");
	ctx.flags |= UMBRA_VCPUCTX_VCPU_INFO;
	ctx.vcpu_info_gpa = 1ULL << 40;
	bad_set("a vcpu_info outside its memory");
}

int main(int argc, char **argv)
{
	static uint8_t page[4096];
	struct {
		struct umbra_domain_state s;
		struct umbra_evtchn_record r[64];
	} st;
	long n;

	if (argc != 2) {
		fprintf(stderr, "usage: saveprobe DOMID\n");
		return 2;
	}
	domid = (uint32_t)strtoul(argv[1], NULL, 0);
	fd = open("/dev/umbra", O_RDWR);
	if (fd < 0) {
		perror("/dev/umbra");
		return 2;
	}
	call(UMBRA_MGMT_domain_unpause, 0, 0, NULL, 0);
	expect("memory_read of a running domain", call(UMBRA_MGMT_memory_read, 0, 0, page, 4096), -EBUSY);
	expect("vcpu_context_get of a running domain",
	       call(UMBRA_MGMT_vcpu_context_get, 0, 0, &ctx, sizeof(ctx)), -EBUSY);
	expect("domain_state of a running domain",
	       call(UMBRA_MGMT_domain_state, UMBRA_DOMAIN_STATE_GET, 0, &st, sizeof(st)), -EBUSY);
	pause_it();
	expect("memory_read of page 0", call(UMBRA_MGMT_memory_read, 0, 0, page, 4096), 0);
	expect("memory_read past its memory",
	       call(UMBRA_MGMT_memory_read, 0, 1ULL << 40, page, 4096), -EINVAL);
	expect("vcpu_context_get of vCPU 8", call(UMBRA_MGMT_vcpu_context_get, 8, 0, &ctx, sizeof(ctx)),
	       -EINVAL);
	expect("vcpu_context_get into a short buffer",
	       call(UMBRA_MGMT_vcpu_context_get, 0, 0, &ctx, sizeof(ctx) - 8), -EINVAL);
	expect("vcpu_context_get of vCPU 0", call(UMBRA_MGMT_vcpu_context_get, 0, 0, &orig, sizeof(orig)), 0);
	expect("vCPU 0 is up in long mode", (orig.flags & UMBRA_VCPUCTX_UP) && (orig.efer & (1 << 10)), 1);
	still(&orig);
	bad_states();
	/* Its own state (times as they are now) is accepted. */
	call(UMBRA_MGMT_vcpu_context_get, 0, 0, &ctx, sizeof(ctx));
	expect("vcpu_context_set of its own state", call(UMBRA_MGMT_vcpu_context_set, 0, 0, &ctx, sizeof(ctx)), 0);
	n = call(UMBRA_MGMT_domain_state, UMBRA_DOMAIN_STATE_GET, 0, &st, sizeof(st));
	expect("domain_state GET", n >= 0 ? 0 : n, 0);
	expect("domain_state SET on a domain that has run",
	       call(UMBRA_MGMT_domain_state, UMBRA_DOMAIN_STATE_SET, 0, &st,
		    sizeof(st.s) + st.s.nr_ports * sizeof(st.r[0])), -EBUSY);
	expect("domain_state SET of a wrong size",
	       call(UMBRA_MGMT_domain_state, UMBRA_DOMAIN_STATE_SET, 0, &st, sizeof(st.s) + 3), -EINVAL);
	expect("domain_state with an unknown op", call(UMBRA_MGMT_domain_state, 7, 0, &st, sizeof(st)), -EINVAL);
	call(UMBRA_MGMT_domain_unpause, 0, 0, NULL, 0);
	printf("saveprobe: done, %d failed\n", failed);
	return failed != 0;
}
