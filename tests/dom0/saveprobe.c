/*
 * saveprobe DOMID: the save/restore commands of the management interface
 * (public/mgmt.h 17-20, 26) refuse what they must, from dom0, against a
 * running 64-bit domain (the counter guest) that the probe pauses:
 *   - a domain that runs: -EBUSY for each;
 *   - memory outside the domain, a vCPU it lacks, a wrong buffer: -EINVAL;
 *   - vcpu_context_set with one bad field at a time (CR0, EFER, RFLAGS,
 *     DR7, PAT, MXCSR, the local APIC, an event, RIP, CS, TR, flags, the
 *     upcall vector, vcpu_info): -EINVAL, and the state read back after
 *     is the state before (nothing changed);
 *   - the state itself set again: accepted;
 *   - domain_state SET on a domain that has run: -EBUSY;
 *   - grant_state (26): GET gives the counter's table (frame 0 backed
 *     above its RAM with its page, frame 1 in it), a header alone when
 *     the room is short; SET refuses each bad field (-EINVAL) and a
 *     valid table on a domain that has run (-EBUSY), the table unchanged.
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
	long rc = ioctl(fd, UMBRA_IOCTL_MGMT, r);

	return rc < 0 ? -errno : rc;	/* a count or a size, for some */
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
	else if (cmd == UMBRA_MGMT_domain_state || cmd == UMBRA_MGMT_grant_state)
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

/* The counter's grant table as grant_state gives it. */
#define GRANT_BYTES	(sizeof(struct umbra_grant_state) + 2 * sizeof(struct umbra_grant_frame) + \
			 UMBRA_GRANT_PAGE)

static union {
	struct {
		struct umbra_grant_state s;
		struct umbra_grant_frame f[2];
		uint8_t page[UMBRA_GRANT_PAGE];
	} g;
	uint8_t bytes[GRANT_BYTES + 64];
} gorig, gbad;

static void bad_grant(const char *what, void (*edit)(void), long len, long want)
{
	gbad = gorig;
	edit();
	expect(what, call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_SET, 0, &gbad, len), want);
}

static void g_version(void) { gbad.g.s.version = 2; }
static void g_active(void) { gbad.g.s.active = 1; }
static void g_reserved(void) { gbad.g.s.reserved = 1; }
static void g_setup(void) { gbad.g.s.setup_frames = 65; }
static void g_flags(void) { gbad.g.f[1].flags = 0x80; }
static void g_status(void) { gbad.g.f[1].flags = UMBRA_GRANT_FRAME_STATUS; }
static void g_unaligned(void) { gbad.g.f[0].gpa += 8; }
static void g_index(void) { gbad.g.f[1].index = gbad.g.f[0].index; }
static void g_index_big(void) { gbad.g.f[1].index = 64; }
static void g_same_gpa(void) { gbad.g.f[1].gpa = gbad.g.f[0].gpa; gbad.g.f[1].flags = gbad.g.f[0].flags; }
static void g_backed_in_ram(void) { gbad.g.f[0].gpa = 0x1000; }
static void g_ram_outside(void) { gbad.g.f[1].gpa = 0xc0200000; }
static void g_pages(void) { gbad.g.s.nr_pages = 0; }
static void g_none(void) { }

static void grant_cases(void)
{
	struct umbra_grant_state head;
	long n;

	n = call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_GET, 0, &gorig, sizeof(gorig));
	expect("grant_state GET: header, 2 records, 1 page", n, (long)GRANT_BYTES);
	expect("grant_state: version 1, nothing mapped",
	       gorig.g.s.version == 1 && !gorig.g.s.active && !gorig.g.s.maptrack, 1);
	expect("grant_state: frame 0 backed above RAM, frame 1 in RAM",
	       gorig.g.s.nr_frames == 2 && gorig.g.s.nr_pages == 1 &&
	       gorig.g.f[0].index == 0 && gorig.g.f[0].flags == UMBRA_GRANT_FRAME_BACKED &&
	       gorig.g.f[0].gpa == 0xc0100000 && gorig.g.f[1].index == 1 &&
	       gorig.g.f[1].flags == 0 && gorig.g.f[1].gpa < 8 << 20, 1);
	/* Entry 3 (the guest's own grant, read-only): flags, domid, frame. */
	expect("grant_state: frame 0's page holds the guest's entries",
	       (((uint32_t *)gorig.g.page)[6] & 0xffff) == (1 | 4), 1);
	memset(&head, 0, sizeof(head));
	expect("grant_state GET with room for the header only",
	       call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_GET, 0, &head, sizeof(head)),
	       (long)GRANT_BYTES);
	expect("  ... the header says the same", !memcmp(&head, &gorig.g.s, sizeof(head)), 1);
	expect("grant_state GET into 16 bytes",
	       call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_GET, 0, &head, 16), -EINVAL);
	bad_grant("grant_state SET version 2", g_version, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET with a reference in use", g_active, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET reserved", g_reserved, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET setup_frames 65", g_setup, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET unknown frame flag", g_flags, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET a status frame in version 1", g_status, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET a frame off a page boundary", g_unaligned, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET one index twice", g_index, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET index 64", g_index_big, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET two frames at one address", g_same_gpa, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET a backed frame inside RAM", g_backed_in_ram, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET a RAM frame outside RAM", g_ram_outside, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET pages not matching", g_pages, GRANT_BYTES, -EINVAL);
	bad_grant("grant_state SET a byte short", g_none, GRANT_BYTES - 1, -EINVAL);
	bad_grant("grant_state SET a byte long", g_none, GRANT_BYTES + 1, -EINVAL);
	bad_grant("grant_state SET on a domain that has run", g_none, GRANT_BYTES, -EBUSY);
	expect("grant_state with an unknown op",
	       call(UMBRA_MGMT_grant_state, 7, 0, &gbad, sizeof(gbad)), -EINVAL);
	n = call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_GET, 0, &gbad, sizeof(gbad));
	expect("grant_state unchanged by all that",
	       n == (long)GRANT_BYTES && !memcmp(&gbad, &gorig, GRANT_BYTES), 1);
}

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
	expect("grant_state of a running domain",
	       call(UMBRA_MGMT_grant_state, UMBRA_DOMAIN_STATE_GET, 0, &gorig, sizeof(gorig)), -EBUSY);
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
	grant_cases();
	call(UMBRA_MGMT_domain_unpause, 0, 0, NULL, 0);
	printf("saveprobe: done, %d failed\n", failed);
	return failed != 0;
}
