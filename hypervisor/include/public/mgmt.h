/*
 * Umbra's management interface: how dom0's tools (libvmctl, through the
 * /dev/umbra driver) create, load, run, watch and destroy domains. It is
 * Umbra's own, not Xen's domctl/sysctl, and it is versioned as a whole:
 * every request carries UMBRA_MGMT_INTERFACE_VERSION, and a request made
 * for another version is refused with -EACCES (as Xen refuses a domctl of
 * another interface version) and the hypervisor's version written back
 * into the request, so the tool can say which one it met.
 *
 * One hypercall, umbra_mgmt(struct umbra_mgmt *req), issued by dom0's
 * kernel with VMMCALL (RAX = __HYPERVISOR_umbra_mgmt, RDI = the request's
 * guest-virtual address). Every command from any domain but dom0 fails
 * with -EPERM before its arguments are read. The request is read once,
 * at the start, and written back (results in it) at the end; `buf` is a
 * second guest-virtual buffer of `buf_len` bytes, at most
 * UMBRA_MGMT_BUF_MAX, whose direction each command states. A long
 * command is continued (the caller sees nothing of it). A refused
 * command changes nothing.
 *
 * Image loading: dom0 writes a new domain's image, start info and
 * command line into the domain's memory with UMBRA_MGMT_memory_write, and
 * then sets where its first vCPU starts (UMBRA_MGMT_vcpu_start). The ELF
 * and compressed-image parsing thus runs in a dom0 process, where a
 * malformed image can at worst fail that process, and the hypervisor's
 * part is two bounded copies and a register set-up: the same split as
 * Xen's libxenguest.
 */
#ifndef UMBRA_PUBLIC_MGMT_H
#define UMBRA_PUBLIC_MGMT_H

#include "umbra.h"

/* Xen leaves 56..63 unused; umbra_op is 63. */
#define __HYPERVISOR_umbra_mgmt		62

/* Bump on any change of a layout or of a command's meaning. */
#define UMBRA_MGMT_INTERFACE_VERSION	0x00010001

/* The largest buffer one command takes (a kernel image goes in pieces). */
#define UMBRA_MGMT_BUF_MAX		(1u << 20)

/* Commands (umbra_mgmt.cmd). "buf in": read from the caller; "buf out":
 * written to it. */
#define UMBRA_MGMT_physinfo		0	/* u.physinfo out */
#define UMBRA_MGMT_domain_create	1	/* u.create in; domid out, paused */
#define UMBRA_MGMT_memory_write		2	/* domid; u.memory.gpa; buf in */
#define UMBRA_MGMT_vcpu_start		3	/* domid; u.start in */
#define UMBRA_MGMT_domain_unpause	4	/* domid */
#define UMBRA_MGMT_domain_pause		5	/* domid */
#define UMBRA_MGMT_domain_shutdown	6	/* domid; u.shutdown.reason */
#define UMBRA_MGMT_domain_destroy	7	/* domid; memory scrubbed, freed */
#define UMBRA_MGMT_domain_list		8	/* buf out: umbra_domain_info[] */
#define UMBRA_MGMT_vcpu_pin		9	/* domid; u.pin in */
#define UMBRA_MGMT_console_read		10	/* domid; u.ring; buf out */
#define UMBRA_MGMT_log_read		11	/* u.ring; buf out */
#define UMBRA_MGMT_log_clear		12	/* forget what the log holds */
#define UMBRA_MGMT_domain_counters	13	/* buf out: umbra_domain_counters[] */
#define UMBRA_MGMT_events		14	/* u.events in/out */
#define UMBRA_MGMT_snapshot		15	/* u.snapshot out; buf out:
						 * umbra_domain_snapshot
						 * records */
#define UMBRA_MGMT_event_irq		16	/* u.event_irq in/out */
/* Save and restore (17-20): a paused domain's memory, vCPUs and state. */
#define UMBRA_MGMT_memory_read		17	/* domid; u.memory.gpa; buf out */
#define UMBRA_MGMT_vcpu_context_get	18	/* domid; u.vcpu in; buf out:
						 * umbra_vcpu_context */
#define UMBRA_MGMT_vcpu_context_set	19	/* domid; u.vcpu in; buf in */
#define UMBRA_MGMT_domain_state		20	/* domid; u.state in; buf out
						 * (get) or in (set) */
/* Store and console rings (21-24). */
#define UMBRA_MGMT_domain_rings		21	/* domid; u.rings out */
#define UMBRA_MGMT_ring_map		22	/* domid; u.ring_map in/out */
#define UMBRA_MGMT_evtchn_op		23	/* domid; u.evtchn in/out */
#define UMBRA_MGMT_evtchn_pending	24	/* buf in/out: uint32_t ports[] */
/* PV domains from dom0 (25). */
#define UMBRA_MGMT_pv_build		25	/* domid; u.pv_build in; buf in:
						 * the image, then its command line */
/* Save and restore, continued (26; 27 reserved). */
#define UMBRA_MGMT_grant_state		26	/* domid; u.state in; buf out
						 * (get) or in (set) */
#define UMBRA_MGMT_NR_CMDS		27

/* Domain types (umbra_mgmt_create.type). */
#define UMBRA_DOMAIN_TYPE_PVH		1	/* HVM container, PVH entry */
#define UMBRA_DOMAIN_TYPE_HVM		2	/* reserved: firmware boot */
#define UMBRA_DOMAIN_TYPE_PV		3	/* ring-3 kernel, paging=shared */

/* Domain states (umbra_domain_info.state). */
#define UMBRA_DOMSTATE_RUNNING		0	/* a vCPU runs or may run */
#define UMBRA_DOMSTATE_BLOCKED		1	/* every vCPU waits */
#define UMBRA_DOMSTATE_PAUSED		2
#define UMBRA_DOMSTATE_SHUTDOWN		3	/* reason: shutdown_reason */
#define UMBRA_DOMSTATE_CRASHED		4	/* reason: text in `reason` */
#define UMBRA_DOMSTATE_DYING		5	/* being destroyed */

/* vCPU states (umbra_vcpu_info.state). */
#define UMBRA_VCPUSTATE_RUNNABLE	0
#define UMBRA_VCPUSTATE_RUNNING		1
#define UMBRA_VCPUSTATE_BLOCKED		2
#define UMBRA_VCPUSTATE_DOWN		3

/* Flags (umbra_domain_info.flags). */
#define UMBRA_DOMFLAG_DOM0		(1u << 0)
#define UMBRA_DOMFLAG_STARTED		(1u << 1)	/* vcpu_start done */

/* Features (umbra_mgmt_physinfo.features). */
#define UMBRA_FEATURE_NESTED_PAGING	(1u << 0)
#define UMBRA_FEATURE_SHADOW_PAGING	(1u << 1)
#define UMBRA_FEATURE_SHARED_PAGING	(1u << 2)

#define UMBRA_MAX_VCPUS			8	/* per domain */
#define UMBRA_REASON_MAX		64

#ifndef __ASSEMBLY__

struct umbra_mgmt_physinfo {
	uint32_t umbra_version;		/* UMBRA_VERSION */
	uint32_t nr_cpus;		/* online pCPUs */
	uint64_t cpus_online;		/* bitmap of online pCPUs */
	uint64_t dom0_cpus;		/* bitmap of the pCPUs dom0 owns */
	uint64_t total_bytes;		/* RAM Umbra manages, dom0's included */
	uint64_t free_bytes;		/* free for new domains */
	uint64_t dom0_bytes;		/* dom0's RAM */
	uint64_t tsc_khz;
	uint64_t uptime_ns;
	uint32_t features;		/* UMBRA_FEATURE_* */
	uint32_t max_domains;
	uint32_t max_vcpus;		/* per domain */
	uint32_t nr_domains;		/* existing, dom0 included */
};

struct umbra_mgmt_create {
	char name[UMBRA_DOMAIN_NAME_MAX];	/* NUL-terminated, unique */
	uint64_t mem_bytes;		/* 2 MiB multiple, 2 MiB to 1 GiB */
	uint64_t affinity;		/* pCPUs its vCPUs may run on */
	uint64_t shadow_bytes;		/* paging=shadow pool; 0: default */
	uint32_t nr_vcpus;		/* 1 .. UMBRA_MAX_VCPUS */
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_* */
	uint32_t paging;		/* UMBRA_PAGING_* */
	uint32_t reserved;		/* zero */
};

struct umbra_mgmt_memory {
	uint64_t gpa;			/* where buf goes in the domain */
};

/* The domain's vCPU 0 starts at the PVH entry: 32-bit protected mode,
 * paging off, EBX = start_info_gpa (Xen's PVH start of day). */
struct umbra_mgmt_start {
	uint64_t entry;			/* guest-physical, below 4 GiB */
	uint64_t start_info_gpa;	/* below 4 GiB, inside its RAM */
};

struct umbra_mgmt_shutdown {
	uint32_t reason;		/* SHUTDOWN_* of public/sched.h */
	uint32_t reserved;
};

struct umbra_mgmt_pin {
	uint32_t vcpu;
	uint32_t reserved;
	uint64_t affinity;		/* bitmap; one online pCPU at least */
};

/*
 * A byte stream kept in a ring (a domain's console output, Umbra's log):
 * every byte ever written has a position 0, 1, 2, .... The caller passes
 * the position it wants to read from; the hypervisor copies what it
 * still holds from there into buf and returns, in the same fields, the
 * position after the last byte copied, how many bytes were copied, how
 * many bytes between the asked position and the first byte copied were
 * no longer held (dropped), and the position of the next byte to be
 * written (head).
 */
struct umbra_mgmt_ring {
	uint64_t pos;			/* in: read from; out: read up to */
	uint64_t len;			/* out: bytes copied into buf */
	uint64_t dropped;		/* out: bytes lost before them */
	uint64_t head;			/* out: the writer's position */
};

/*
 * Notification: `generation` counts domain state changes and console
 * output, hypervisor-wide. The caller passes the last generation it saw
 * and gets the current one back; with `vector` non-zero, Umbra also sends
 * that interrupt vector to dom0's first CPU (or to the CPU event_irq
 * named) the next time the count moves: one interrupt per events call
 * (0: none, the caller polls).
 */
struct umbra_mgmt_events {
	uint64_t generation;
	uint32_t vector;		/* in: 0 none, else 0x20..0xff */
	uint32_t reserved;
};

/*
 * event_irq: the interrupt `events` sends, as dom0's kernel allocated it.
 * dom0's driver claims an otherwise unused edge-triggered GSI (Linux
 * programs that I/O APIC input with a vector and a CPU of its own) and
 * names the GSI; Umbra reads the input's redirection entry, which must be
 * fixed or lowest-priority delivery, edge-triggered, unmasked, with a
 * vector of 0x20..0xff and a destination that is one of dom0's CPUs
 * (else -EINVAL; -ENOENT: no I/O APIC input has that GSI), and returns
 * its vector and destination. From then on an `events` vector goes to
 * that CPU, as if the pin had fired. gsi = UMBRA_EVENT_IRQ_NONE forgets
 * it (dom0's first CPU again). Added without a version change: an older
 * Umbra answers -ENOSYS, and the driver then polls.
 */
#define UMBRA_EVENT_IRQ_NONE		0xffffffffu

struct umbra_mgmt_event_irq {
	uint32_t gsi;			/* in */
	uint32_t vector;		/* out: the entry's vector */
	uint32_t apic_id;		/* out: the dom0 CPU it goes to */
	uint32_t reserved;
};

/* snapshot's results beside its records (see umbra_domain_snapshot). */
struct umbra_mgmt_snapshot {
	struct umbra_mgmt_physinfo physinfo;	/* first: u.physinfo too */
	uint64_t bytes;			/* written to buf */
	uint32_t nr_records;		/* written to buf */
	uint32_t reserved;
};

/*
 * A domain's store and console rings, as Xen's toolstack sets them up for
 * a guest (HVM_PARAM_STORE_PFN/EVTCHN, CONSOLE_PFN/EVTCHN): one page each
 * (struct xenstore_domain_interface of public/io/xs_wire.h, struct
 * xencons_interface of public/io/console.h) and an event-channel port of
 * the domain left unbound for dom0 to bind. Every domain dom0 creates has
 * them from domain_create on: the pages are the last two of its RAM (the
 * store's, then the console's), inside the 64 KiB the start info area
 * takes and its memory map reserves; ports 1 and 2, as under Xen. Domains
 * built from boot modules have none (flags 0), as Xen's boot-time
 * (dom0less) domains without a toolstack have none.
 */
#define UMBRA_RINGS_PRESENT		(1u << 0)

struct umbra_mgmt_rings {
	uint64_t store_gfn;		/* out */
	uint64_t console_gfn;		/* out */
	uint32_t store_port;		/* out: the domain's port, unbound for dom0 */
	uint32_t console_port;		/* out */
	uint32_t flags;			/* out: UMBRA_RINGS_* */
	uint32_t reserved;
};

/*
 * ring_map: dom0's privileged mapping of a domain's store or console
 * page. Umbra maps the page into dom0's nested tables at its own machine
 * address (dom0 is identity-mapped, and every other domain's memory is
 * reserved in its memory map), writable, and returns that address, which
 * dom0's driver then maps for the caller (mmap of /dev/umbra). unmap
 * takes it away again (dom0's TLBs flushed); a domain's destroy does so
 * before its memory is freed. Mapping twice is 0 with the same address.
 */
#define UMBRA_RING_STORE		0
#define UMBRA_RING_CONSOLE		1
#define UMBRA_RING_MAP			0
#define UMBRA_RING_UNMAP		1

struct umbra_mgmt_ring_map {
	uint32_t which;			/* in: UMBRA_RING_STORE / _CONSOLE */
	uint32_t op;			/* in: UMBRA_RING_MAP / _UNMAP */
	uint64_t maddr;			/* out: where dom0 finds the page */
};

/*
 * evtchn_op: dom0's own event-channel ports, for its back ends (dom0's
 * kernel takes no upcall). bind: a new dom0 port connected to domid's
 * `remote_port` (which must be unbound for dom0), returned in `port`;
 * close and send: dom0's `port`. Events for dom0's ports are recorded by
 * Umbra and move the event generation (events, poll() on /dev/umbra);
 * evtchn_pending collects them.
 */
#define UMBRA_EVTCHN_BIND		0
#define UMBRA_EVTCHN_CLOSE		1
#define UMBRA_EVTCHN_SEND		2

struct umbra_mgmt_evtchn {
	uint32_t op;			/* in: UMBRA_EVTCHN_* */
	uint32_t remote_port;		/* in: bind */
	uint32_t port;			/* in: close, send; out: bind */
	uint32_t reserved;
};

/*
 * pv_build: a PV domain (created with type PV, paging shared, never
 * started) built from a kernel with Xen's PV ELF notes, as Xen's domain
 * builder builds one (docs/pv.md): buf holds the ELF image (image_len
 * bytes) followed by its command line (the rest of buf, at most 1023
 * bytes, no NUL needed). Unlike a PVH image, which dom0 parses and writes
 * itself, the hypervisor lays a PV domain out: the bootstrap page tables
 * hold machine frames and must pass shared-pt's validation when the L4
 * is pinned, which only the hypervisor can do; it is the same builder
 * boot modules with type=pv use. start_info carries the domain's store
 * and console rings (machine frames and ports, as for a Xen PV guest).
 * vCPU 0 is set to enter the kernel; domain_unpause starts it. A refused
 * image is -EINVAL (the reason on Umbra's log) and leaves the domain
 * unstarted, to be destroyed; dom0's tool checks the image first with
 * the same parser so that a person is told why. Added without a version
 * change: an older Umbra answers -ENOSYS.
 */
struct umbra_mgmt_pv_build {
	uint64_t image_len;		/* bytes of buf that are the image */
	uint32_t flags;			/* zero */
	uint32_t reserved;		/* zero */
};

/* evtchn_pending: buf holds buf_len / 4 dom0 ports; each that was pending
 * is cleared and stays in buf, the others become 0. Returns how many were
 * pending. Each back end asks only for its own ports. */

/*
 * Save and restore (UMBRA_MGMT_memory_read .. domain_state), as Xen's
 * libxenguest does from dom0: every architectural state the hypervisor
 * holds for a domain, read from a paused one and loaded into a new one.
 * Each works on a domain that is PAUSED with no vCPU on a pCPU (else
 * -EBUSY); dom0 is -EPERM, a PV domain -EOPNOTSUPP (not saved yet). Every set is validated whole before anything
 * changes: a refused state (-EINVAL) leaves the domain as it was.
 *
 * memory_read: buf_len bytes of the domain's RAM from u.memory.gpa into
 * buf, all of it RAM (-EINVAL otherwise). Continued as memory_write is:
 * progress is kept in the request (buf, gpa move on, buf_len down);
 * returns 0 when everything was copied.
 *
 * vcpu_context_get / _set: one vCPU's state (struct umbra_vcpu_context)
 * in buf, exactly sizeof(struct umbra_vcpu_context) bytes. Times (the
 * one-shot timer, the local APIC timer) are relative to the vCPU's guest
 * time when read or loaded; the vCPU's TSC is its value when read, and
 * on a set the TSC continues from there (the guest sees no time pass
 * while it was saved). A set makes the vCPU runnable (a vCPU that was
 * blocked wakes as from a spurious event, which guests handle) unless
 * UMBRA_VCPUCTX_UP is clear (then it stays down and nothing else is
 * read). A loaded vCPU also gets one event upcall with every selector
 * bit of its vcpu_info set (its memory, read while events still came,
 * may hold a pending port nobody was told of).
 *
 * domain_state: op GET fills buf with a struct umbra_domain_state and as
 * many struct umbra_evtchn_record as fit after it (ports in use, by port)
 * and returns how many ports are in use; SET loads one (buf_len exactly
 * the header and its nr_ports records) into a domain that was never
 * started (-EBUSY otherwise). The event channels' pending and masked
 * bits live in the guest's shared_info, saved with its memory. An
 * interdomain channel comes back unbound to the same remote domain (its
 * peer re-binds, as after Xen's migration). A port the new domain has
 * already (its store and console rings', unbound for dom0) must be in the
 * file, unbound or connected to the same remote domain, and stays as it
 * is; any other port in use is -EBUSY.
 */
#define UMBRA_VCPUCTX_UP		(1u << 0)	/* has state; runs when unpaused */
#define UMBRA_VCPUCTX_BLOCKED		(1u << 1)	/* get: was waiting for an event */
#define UMBRA_VCPUCTX_UPCALL_PENDING	(1u << 2)	/* a callback-vector event not taken */
#define UMBRA_VCPUCTX_NMI_PENDING	(1u << 3)
#define UMBRA_VCPUCTX_EVENT_PENDING	(1u << 4)	/* wakes its next block */
#define UMBRA_VCPUCTX_TIMER		(1u << 5)	/* one-shot timer armed */
#define UMBRA_VCPUCTX_VCPU_INFO		(1u << 6)	/* vcpu_info at vcpu_info_gpa */
#define UMBRA_VCPUCTX_RUNSTATE_COMPAT	(1u << 7)	/* runstate copy in the 32-bit layout */
#define UMBRA_VCPUCTX_KNOWN		0xffu

#define UMBRA_LAPIC_TIMER_RUNNING	(1u << 0)
#define UMBRA_LAPIC_TIMER_PERIODIC	(1u << 1)

struct umbra_mgmt_vcpu {
	uint32_t vcpu;			/* 0 .. nr_vcpus - 1 */
	uint32_t reserved;
};

#define UMBRA_DOMAIN_STATE_GET		0
#define UMBRA_DOMAIN_STATE_SET		1

struct umbra_mgmt_state {
	uint32_t op;			/* UMBRA_DOMAIN_STATE_* */
	uint32_t reserved;
};

/* A segment as the CPU holds it (AMD's VMCB layout: attributes are
 * descriptor bits 47:40 in 7:0 and 55:52 in 11:8). */
struct umbra_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* The virtual local APIC (an xAPIC; not dom0's). */
struct umbra_lapic_state {
	uint64_t base_msr;		/* IA32_APIC_BASE */
	uint32_t id, tpr, ldr, dfr, svr, icr_lo, icr_hi, esr, pending_esr;
	uint32_t lvt[6];		/* timer, thermal, PMC, LINT0, LINT1, error */
	uint32_t tmict, tdcr;
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t timer_flags;		/* UMBRA_LAPIC_TIMER_* */
	int64_t timer_deadline_ns;	/* the current period's end, from now */
	int64_t timer_start_ns;		/* its start, from now (<= 0) */
	uint64_t timer_period_ns;
};

struct umbra_vcpu_context {
	uint32_t vcpu;			/* get: its id; set: ignored */
	uint32_t flags;			/* UMBRA_VCPUCTX_* */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4;	/* the guest's own (not a shadow's) */
	uint64_t efer;
	uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
	struct umbra_seg es, cs, ss, ds, fs, gs, ldtr, tr, gdtr, idtr;
	/* MSRs the guest can set */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t pat, debugctl;
	uint64_t tsc;			/* its TSC when read */
	uint64_t interrupt_shadow;	/* bit 0: after STI / MOV SS */
	uint64_t pending_event;		/* an exception to inject (AMD EVENTINJ), or 0 */
	/* Xen's per-vCPU interface */
	uint64_t vcpu_info_gpa;		/* with UMBRA_VCPUCTX_VCPU_INFO */
	uint64_t runstate_gva;		/* its runstate copy; 0: none */
	int64_t timer_ns;		/* one-shot timer, from now (UMBRA_VCPUCTX_TIMER) */
	uint32_t time_version;		/* its vcpu_time_info.version */
	uint8_t upcall_vector;		/* its own callback vector; 0: the domain's */
	uint8_t reserved[3];
	struct umbra_lapic_state lapic;
	/* x87/SSE state, FXSAVE's 512-byte image: guests see no XSAVE (CPUID
	 * hides it), so this is all their extended state */
	uint8_t fpu[512];
};

/* A port in use (umbra_domain_state's records). */
struct umbra_evtchn_record {
	uint32_t port;
	uint8_t status;			/* EVTCHNSTAT_* (public/event_channel.h) */
	uint8_t virq;			/* EVTCHNSTAT_virq */
	uint16_t remote_dom;		/* unbound, interdomain */
	uint32_t remote_port;		/* interdomain (get only) */
	uint32_t notify_vcpu;
};

#define UMBRA_DOMSTATE_F_SHARED_INFO	(1u << 0)	/* placed at shared_info_gpa */
#define UMBRA_DOMSTATE_F_GRANTS		(1u << 1)	/* get: grant state exists; set:
						 * ignored (grant_state loads it) */
#define UMBRA_DOMSTATE_F_SHINFO_COMPAT	(1u << 2)	/* shared_info in the 32-bit layout */

struct umbra_domain_state {
	uint64_t tsc;			/* the domain's TSC when read */
	uint64_t hypercall_page_gpa;	/* 0: none */
	uint64_t shared_info_gpa;	/* with UMBRA_DOMSTATE_F_SHARED_INFO */
	uint64_t unbacked_pages;	/* get: frames given back; set: 0 */
	uint32_t flags;			/* UMBRA_DOMSTATE_F_* */
	uint32_t wc_version;
	uint32_t nr_ports;		/* records after this header */
	uint8_t callback_vector;	/* HVM_PARAM_CALLBACK_IRQ's; 0: none */
	uint8_t uart[6];		/* COM1: lcr, ier, mcr, scratch, dll, dlm */
	uint8_t reserved0;		/* zero */
	uint32_t reserved1;		/* zero */
	uint64_t reserved[4];		/* zero: room for more state */
};

/*
 * grant_state: a domain's own grant table, which Umbra keeps outside the
 * domain's RAM where the guest placed its frames above it (Linux PVH
 * does: docs/grant-tables.md), so memory_read does not see them. Works
 * on a paused domain as domain_state does (same op values in u.state).
 *
 * GET writes a struct umbra_grant_state, then its nr_frames struct
 * umbra_grant_frame records (every frame placed, by index), then
 * nr_pages pages of 4096 bytes: the contents of the frames flagged
 * UMBRA_GRANT_FRAME_BACKED, in record order (a frame in the domain's
 * RAM is in its memory). It returns the bytes all that takes; a buf too
 * small for it gets the header alone (if that fits) and the caller asks
 * again with room. `active` and `maptrack` say what no file can carry:
 * the domain's references another domain uses now (a mapping of them),
 * and the grant mappings it holds of other domains' frames; a tool
 * refuses to save a domain with either.
 *
 * SET loads one into a domain that was never started and has no grant
 * frame yet (-EBUSY otherwise): buf_len exactly the bytes GET returned,
 * active and maptrack zero, version 1 (2 is offered to PV domains on
 * shared page tables only, which are not saved), each index below the
 * table's limit and placed once, RAM frames page-aligned inside its RAM,
 * backed frames page-aligned outside it at distinct addresses, at most
 * as many as Umbra backs. Checked whole first (-EINVAL: nothing
 * loaded); a backed frame Umbra then cannot map (its pool spent) is
 * -ENOMEM with every frame of this call taken back. Added without an
 * interface version change: an older Umbra answers -ENOSYS.
 */
#define UMBRA_GRANT_FRAME_BACKED	(1u << 0)	/* outside its RAM: contents follow */
#define UMBRA_GRANT_FRAME_STATUS	(1u << 1)	/* a version 2 status frame */
#define UMBRA_GRANT_PAGE		4096u

struct umbra_grant_state {
	uint32_t version;		/* 1 or 2 */
	uint32_t setup_frames;		/* the most GNTTABOP_setup_table asked for */
	uint32_t nr_frames;		/* struct umbra_grant_frame records after this */
	uint32_t nr_pages;		/* pages after the records (BACKED frames) */
	uint32_t active;		/* get: its references in use by others */
	uint32_t maptrack;		/* get: mappings it holds of others' grants */
	uint64_t reserved;		/* zero */
};

struct umbra_grant_frame {
	uint32_t index;			/* frame i of its table (or of its status frames) */
	uint32_t flags;			/* UMBRA_GRANT_FRAME_* */
	uint64_t gpa;			/* where the guest placed it */
};

struct umbra_mgmt {
	uint32_t cmd;			/* UMBRA_MGMT_* */
	uint32_t interface_version;	/* UMBRA_MGMT_INTERFACE_VERSION */
	uint32_t domid;			/* in, or out (domain_create) */
	uint32_t reserved;		/* zero */
	uint64_t buf;			/* guest-virtual address, or 0 */
	uint64_t buf_len;		/* bytes, <= UMBRA_MGMT_BUF_MAX */
	union {
		struct umbra_mgmt_physinfo physinfo;
		struct umbra_mgmt_create create;
		struct umbra_mgmt_memory memory;
		struct umbra_mgmt_start start;
		struct umbra_mgmt_shutdown shutdown;
		struct umbra_mgmt_pin pin;
		struct umbra_mgmt_ring ring;
		struct umbra_mgmt_events events;
		struct umbra_mgmt_event_irq event_irq;
		struct umbra_mgmt_snapshot snapshot;
		struct umbra_mgmt_rings rings;
		struct umbra_mgmt_ring_map ring_map;
		struct umbra_mgmt_evtchn evtchn;
		struct umbra_mgmt_vcpu vcpu;
		struct umbra_mgmt_state state;
		struct umbra_mgmt_pv_build pv_build;
		uint8_t pad[128];
	} u;
};

struct umbra_vcpu_info {
	uint32_t state;			/* UMBRA_VCPUSTATE_* */
	int32_t pcpu;			/* running on, or -1 */
	uint64_t affinity;
	uint64_t cpu_time_ns;
};

/* domain_list: as many as fit in buf, by domid; the return value is how
 * many domains exist (more than were written if buf was too small). */
struct umbra_domain_info {
	uint32_t domid;
	uint32_t state;			/* UMBRA_DOMSTATE_* */
	uint32_t shutdown_reason;	/* SHUTDOWN_*, when SHUTDOWN */
	uint32_t flags;			/* UMBRA_DOMFLAG_* */
	char name[UMBRA_DOMAIN_NAME_MAX];
	char reason[UMBRA_REASON_MAX];	/* why it crashed, NUL-terminated */
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_* */
	uint32_t paging;		/* UMBRA_PAGING_* */
	uint64_t mem_bytes;		/* its RAM */
	uint64_t pool_bytes;		/* reserved for its paging and vCPUs */
	uint64_t cpu_time_ns;		/* all vCPUs */
	uint32_t nr_vcpus;
	uint32_t reserved;
	struct umbra_vcpu_info vcpu[UMBRA_MAX_VCPUS];
};

/* Exit reasons counted per domain (umbra_domain_counters.exits). */
#define UMBRA_EXIT_CPUID		0
#define UMBRA_EXIT_MSR			1
#define UMBRA_EXIT_IO			2
#define UMBRA_EXIT_NPF			3	/* nested page fault */
#define UMBRA_EXIT_HYPERCALL		4
#define UMBRA_EXIT_HLT			5
#define UMBRA_EXIT_INTR			6	/* physical interrupt */
#define UMBRA_EXIT_CR			7	/* control register access */
#define UMBRA_EXIT_EXCEPTION		8	/* intercepted guest exception */
#define UMBRA_EXIT_OTHER		9
#define UMBRA_EXIT_NR			16	/* slots; the rest are zero */

#define UMBRA_HYPERCALL_NR		64

/* domain_counters: as many as fit in buf, by domid; returns how many
 * domains exist. Counts only grow, except across a domain's re-creation
 * (a new domid). */
struct umbra_domain_counters {
	uint32_t domid;
	uint32_t reserved;
	uint64_t exits_total;
	uint64_t exits[UMBRA_EXIT_NR];
	uint64_t hypercalls[UMBRA_HYPERCALL_NR];
	uint64_t pt_traps;		/* guest page-table writes trapped */
	uint64_t npt_faults;
	uint64_t shadow_faults;
	uint64_t paging_bytes;		/* shadow or nested tables held now */
	uint64_t pool_reserved_bytes;
	uint64_t pool_used_bytes;
	uint64_t mem_bytes;
	uint64_t cpu_time_ns;
};

/*
 * snapshot: what a monitor reads each refresh, in one call, and only
 * that: physinfo in u.snapshot.physinfo, and for each domain, by domid,
 * one record of what a monitor shows of it followed by its nr_vcpus
 * vCPU records (120 + 24 x nr_vcpus bytes: a domain of one vCPU costs
 * 144 bytes to copy, where domain_list and domain_counters together take
 * 1064). Records are written while they fit in buf (u.snapshot.bytes
 * and nr_records say how much was); the return value is how many domains
 * exist (u.snapshot.physinfo.nr_domains, the same count). Everything is
 * read under one hold of the management lock, so the records agree with
 * each other and with physinfo. A domain's crash text and its counts by
 * exit reason and by hypercall are in domain_list and domain_counters.
 */
struct umbra_domain_snapshot {
	uint32_t domid;
	uint32_t state;			/* UMBRA_DOMSTATE_* */
	uint32_t shutdown_reason;	/* SHUTDOWN_*, when SHUTDOWN */
	uint32_t flags;			/* UMBRA_DOMFLAG_* */
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_* */
	uint32_t paging;		/* UMBRA_PAGING_* */
	uint32_t nr_vcpus;		/* vCPU records after this one */
	uint32_t reserved;
	uint64_t mem_bytes;
	uint64_t pool_bytes;
	uint64_t cpu_time_ns;		/* all vCPUs */
	uint64_t exits_total;
	uint64_t hypercalls_total;	/* the sum of counters' hypercalls[] */
	uint64_t pt_traps;
	uint64_t paging_bytes;		/* shadow or nested tables held now */
	struct umbra_vcpu_info vcpu[];	/* nr_vcpus of them */
};

/* The bytes of a snapshot record with n vCPUs. */
#define UMBRA_SNAPSHOT_RECORD_BYTES(n) \
	(sizeof(struct umbra_domain_snapshot) + (n) * sizeof(struct umbra_vcpu_info))

UMBRA_ABI_SIZE64(struct umbra_mgmt_physinfo, 80);
UMBRA_ABI_SIZE64(struct umbra_mgmt_create, 72);
UMBRA_ABI_SIZE64(struct umbra_mgmt_event_irq, 16);
UMBRA_ABI_SIZE64(struct umbra_mgmt_rings, 32);
UMBRA_ABI_SIZE64(struct umbra_mgmt_ring_map, 16);
UMBRA_ABI_SIZE64(struct umbra_mgmt_evtchn, 16);
UMBRA_ABI_SIZE64(struct umbra_mgmt_pv_build, 16);
UMBRA_ABI_OFFSET64(struct umbra_mgmt, u, 32);
UMBRA_ABI_SIZE64(struct umbra_mgmt, 160);
UMBRA_ABI_SIZE64(struct umbra_vcpu_info, 24);
UMBRA_ABI_OFFSET64(struct umbra_domain_info, name, 16);
UMBRA_ABI_OFFSET64(struct umbra_domain_info, mem_bytes, 120);
UMBRA_ABI_SIZE64(struct umbra_domain_info, 344);
UMBRA_ABI_SIZE64(struct umbra_domain_counters, 720);
UMBRA_ABI_SIZE64(struct umbra_mgmt_snapshot, 96);
UMBRA_ABI_OFFSET64(struct umbra_domain_snapshot, mem_bytes, 64);
UMBRA_ABI_SIZE64(struct umbra_domain_snapshot, 120);
UMBRA_ABI_SIZE64(struct umbra_seg, 16);
UMBRA_ABI_SIZE64(struct umbra_lapic_state, 200);
UMBRA_ABI_SIZE64(struct umbra_vcpu_context, 1248);
UMBRA_ABI_OFFSET64(struct umbra_vcpu_context, fpu, 736);
UMBRA_ABI_SIZE64(struct umbra_domain_state, 88);
UMBRA_ABI_SIZE64(struct umbra_evtchn_record, 16);
UMBRA_ABI_SIZE64(struct umbra_grant_state, 32);
UMBRA_ABI_SIZE64(struct umbra_grant_frame, 16);

#endif /* !__ASSEMBLY__ */

#endif
