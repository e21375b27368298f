/* Domains and their virtual CPUs. */
#ifndef UMBRA_DOMAIN_H
#define UMBRA_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <public/umbra.h>
#include <public/mgmt.h>
#include <public/vcpu.h>
#include <umbra/domain_limits.h>
#include <umbra/guest_log.h>
#include <umbra/page_pool.h>
#include <umbra/spinlock.h>
#include <asm/cpuid_leaves.h>
#include <asm/hvm_vcpu.h>
#include <asm/pv_vcpu.h>
#include <asm/pit.h>
#include <umbra/e820.h>
#include <umbra/evtchn.h>
#include "mmu/npt.h"

struct shadow_domain;
struct shadow_defer;
struct grant_table;
struct pv_domain;

/* dom0 included. A free slot costs a pointer (domains are allocated on
 * creation, their memory and pool reserved then); ASIDs are shared once
 * domains outnumber them (svm_domain.c: pick_asid). */
#define MAX_DOMAINS		128
#define CONSOLE_RING_SIZE	4096	/* one page */
#define CONSOLE_LINE_MAX	160
#define GRANT_FRAMES_MAX	64	/* Xen's default max_grant_frames */
#define UNBACKED_WORDS_PER_PAGE	512	/* 64-bit words of the unbacked map in a page */
#define DOMAIN_UNBACKED_MAP_PAGES \
	(DOMAIN_MAX_MEM / 4096 / 64 / UNBACKED_WORDS_PER_PAGE)

enum domain_state {
	DOMAIN_RUNNING,		/* at least one vCPU may run */
	DOMAIN_BLOCKED,		/* every vCPU waits for an event */
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN,	/* asked to stop; reason in shutdown_reason */
	DOMAIN_CRASHED,		/* stopped by the hypervisor; why in crash_reason */
	DOMAIN_DYING,
};

enum vcpu_state {
	VCPU_RUNNABLE,
	VCPU_RUNNING,
	VCPU_BLOCKED,
	VCPU_DOWN,		/* its domain stopped */
};

/* Exit and hypercall counters: what the management ABI and benchmarks read. */
struct vcpu_stats {
	uint64_t exits;
	uint64_t exits_by_code[128];	/* exit code >> 0 for codes < 0x80 */
	uint64_t exits_npf;
	uint64_t exits_vmmcall;
	uint64_t exits_other;
	uint64_t hypercalls[64];
	uint64_t hypercalls_total;	/* their sum: what a monitor reads, one word */
	uint64_t hypercalls_bad;
	uint64_t io_unhandled;
	uint64_t msr_unhandled;
	uint64_t guest_faults;		/* bad pointers given to hypercalls */
	uint64_t npt_faults;
	uint64_t mem_refused;		/* dom0: accesses outside its memory */
	uint64_t ipi_refused;		/* dom0: IPIs to CPUs not its own */
	uint64_t ioapic_refused;	/* dom0: I/O APIC entries aimed elsewhere */
	uint64_t shadow_faults;
	uint64_t insn_slow_decodes;	/* skipped exits not in their usual encoding */
	uint64_t cpu_time_ns;
	uint64_t runs;
};

struct domain;

struct vcpu {
	struct domain *domain;
	unsigned int id;
	enum vcpu_state state;
	int processor;			/* pCPU running it, or -1 */
	uint64_t affinity;		/* bitmap of pCPUs it may run on */
	uint64_t timer_deadline_ns;	/* one-shot timer, guest time; 0: none */
	bool event_pending;		/* wakes a blocked vCPU */
	uint8_t upcall_vector;		/* HVMOP_set_evtchn_upcall_vector; 0: the domain's */
	bool polling;			/* in SCHEDOP_poll: a send to poll_port wakes it */
	uint32_t poll_port;		/* EVTCHN_POLL_ANY: any port */
	uint64_t poll_deadline_ns;	/* SCHEDOP_poll's timeout, guest time; 0: none */
	/* Guest-visible state of its own (common/vcpu_info.c, pvclock.c,
	 * runstate.c): where its vcpu_info is, its time record's version,
	 * its runstate and where the guest wants a copy of it. */
	bool vcpu_info_registered;	/* VCPUOP_register_vcpu_info: at vcpu_info_gpa */
	uint64_t vcpu_info_gpa;
	uint32_t time_version;		/* vcpu_time_info.version last written */
	struct vcpu_runstate_info runstate;
	uint64_t runstate_gva;		/* VCPUOP_register_runstate_memory_area; 0: none */
	bool runstate_compat;		/* ... registered by 32-bit code: compat layout */
	bool needs_resched;
	bool hypercall_compat;		/* the hypercall in progress comes from 32-bit code */
	bool initialised;		/* has a register state to start from */
	uint64_t slice_start_tsc;
	struct vcpu *runq_next;
	struct hvm_vcpu hvm;		/* SVM state: VMCB, registers, FPU */
	struct pv_vcpu pv;		/* PV domains: ring-3 state */
	struct vcpu_stats stats;
};

/* Count hypercall nr (< 64) of v, by number and in the total (vmtop's
 * snapshot reads the total rather than add 64 counters per vCPU). */
static inline __attribute__((always_inline)) void vcpu_count_hypercall(struct vcpu *v,
								       uint64_t nr)
{
	v->stats.hypercalls[nr]++;
	v->stats.hypercalls_total++;
}

/* The emulated COM1 (one per domain, as a machine has one). */
struct uart_state {
	uint8_t lcr, ier, mcr, scratch, dll, dlm;
};

/*
 * The store and console rings dom0 serves for a domain
 * (common/domain_rings.c): one page of its RAM and one port each, set up
 * when dom0 creates it and reported by the HVM parameters, as Xen's
 * toolstack reports them. Everything save/restore needs to carry the
 * rings over besides the memory and the ports themselves.
 */
enum { DOMAIN_RING_STORE, DOMAIN_RING_CONSOLE, DOMAIN_NR_RINGS };

struct domain_rings {
	bool present;			/* dom0-created: it has them */
	uint64_t gfn[DOMAIN_NR_RINGS];	/* HVM_PARAM_STORE_PFN, CONSOLE_PFN */
	uint32_t port[DOMAIN_NR_RINGS];	/* HVM_PARAM_STORE_EVTCHN, CONSOLE_EVTCHN */
	bool dom0_mapped[DOMAIN_NR_RINGS];	/* in dom0's nested tables */
};

struct domain {
	domid_t id;
	char name[UMBRA_DOMAIN_NAME_MAX];
	enum domain_state state;
	unsigned int shutdown_reason;	/* SHUTDOWN_* */
	char crash_reason[96];
	bool stop_reported;		/* stopped, and its counters printed */
	spinlock_t lock;
	spinlock_t vcpu_op_lock;	/* serialises VCPUOP_initialise/up */

	uint64_t mem_bytes;
	unsigned int nr_extents;
	uint64_t *extents;		/* machine address of each 2 MiB extent */
	/* Where extents points for a domain of up to 128 MiB: in this
	 * page, which the exit path reads anyway, rather than a page of
	 * its own (umbra/hot.h). */
	uint64_t extents_inline[DOMAIN_INLINE_EXTENTS];
	const struct identity_map *identity;	/* dom0: RAM at its machine addresses */
	/* Frames the guest gave back (XENMEM_decrease_reservation): a bit
	 * per 4 KiB frame of [0, mem_bytes), set while it is unbacked. Its
	 * machine page stays the domain's, mapped nowhere, until the guest
	 * populates the frame again (common/memory_reservation.c). A page
	 * of bits per 128 MiB; none for dom0. */
	uint64_t *unbacked[DOMAIN_UNBACKED_MAP_PAGES];
	uint64_t unbacked_pages;	/* bits set in unbacked */
	uint64_t unmapped_pages;	/* XENMEM_increase_reservation: held, mapped nowhere */
	spinlock_t p2m_lock;		/* serialises changes of the above; before paging_lock */
	uint32_t paging;		/* UMBRA_PAGING_* */
	/* The paging mode's writes into guest-physical memory (asm/guest_access.h),
	 * set when the domain is created; NULL: plain writes. src NULL: zeros. */
	int (*write_gpa)(struct domain *d, uint64_t gpa, const void *src, uint64_t len);
	struct npt npt;			/* nested mode; shadow mode's unpaged phase */
	struct shadow_domain *shadow;	/* paging=shadow */
	uint64_t shadow_pool_pages;	/* paging=shadow: the engine's share of the pool */
	struct shadow_defer *shadow_defer;	/* its freed pages, until flushed */
	/* Every page spent on the domain's paging and vCPUs, reserved when
	 * it is created: it never takes memory from another domain. */
	struct page_pool pool;
	spinlock_t pool_lock;
	spinlock_t paging_lock;		/* serialises shadow-engine calls */
	uint64_t tlb_gen;		/* bumped when guest mappings shrink */
	uint32_t asid;
	uint64_t tsc_offset;
	uint64_t hypercall_page_gpa;	/* 0: none */
	uint32_t wc_version;		/* shared_info.wc_version last written */
	uint8_t callback_vector;	/* HVM_PARAM_CALLBACK_IRQ vector; 0: none */
	uint64_t vm_assist;		/* 1 << VMASST_TYPE_* enabled (runstate.c, pv_traps.c) */
	bool shared_info_placed;	/* XENMEM_add_to_physmap'd (memory_op.c) */
	/* shared_info and vcpu_info in Xen's compat layout (32-bit event
	 * words): latched from the vCPU's mode when it writes the hypercall
	 * page MSR or sets HVM_PARAM_CALLBACK_IRQ, as Xen does. */
	bool shinfo_compat;
	uint64_t shared_info_gpa;	/* where, in the domain's own RAM */
	struct evtchn_domain evtchn;	/* its event channels (common/event_channel.c) */
	bool grant_frame_placed[GRANT_FRAMES_MAX];	/* grant frame i placed, */
	uint64_t grant_frame_gpa[GRANT_FRAMES_MAX];	/* there (memory_op.c) */
	/* A frame placed outside its RAM (where Linux PVH puts them): a page
	 * of its pool, mapped there; 0 for a frame in its RAM. */
	uint64_t grant_frame_maddr[GRANT_FRAMES_MAX];
	struct grant_table *grant;	/* grant state, at first use (grant_table.c) */
	struct domain_rings rings;	/* store and console (domain_rings.c) */

	unsigned int nr_vcpus;
	struct vcpu *vcpus[MAX_VCPUS_PER_DOMAIN];
	struct cpuid_domain cpuid;	/* its host leaves (asm/cpuid_leaves.h) */

	struct uart_state uart;
	struct pit2 pit2;		/* PIT channel 2, read back (asm/pit.h) */
	char console_line[CONSOLE_LINE_MAX];
	unsigned int console_line_len;
	struct guest_log glog;		/* rate limits of what it makes us print */
	char *console_ring;		/* a page: all output, for vmctl console */
	uint64_t console_head;

	/* Management (common/mgmt_domain.c), changed under the mgmt lock. */
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_* (PV: fixed at creation) */
	struct pv_domain *pv;		/* PV domains (arch/x86/pv/) */
	bool started;			/* vCPU 0 started (at boot, or by the first unpause) */
	unsigned int scrubbed;		/* DYING: extents zeroed so far */
};

/* A domain whose guest-physical addresses are machine addresses (dom0):
 * its RAM, set aside at boot, and the machine's memory map, whose non-RAM
 * ranges (devices, firmware) it reaches 1:1 as well. */
struct identity_map {
	const struct mem_range *ram;	/* ascending, page-aligned */
	unsigned int nr_ram;
	const struct e820_map *machine;
};

struct domain_config {
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	uint32_t paging;
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_PV, or 0: HVM container */
	uint64_t affinity;		/* pCPUs it may run on: one must be online */
	uint64_t shadow_bytes;		/* paging=shadow: shadow pool size, 0: from mem_bytes */
	const char *cmdline;		/* for the guest's start info */
	const struct identity_map *identity;	/* dom0 only */
};

/* A PV domain: kernel and user space in ring 3 (docs/pv.md). */
static inline bool domain_is_pv(const struct domain *d)
{
	return d->type == UMBRA_DOMAIN_TYPE_PV;
}

/* dom0: the control domain, identity-mapped, on its own pCPU. */
static inline bool domain_is_dom0(const struct domain *d)
{
	return d->identity != NULL;
}

struct domain *domain_create(const struct domain_config *cfg, const char **why);
/* The same, with -errno: -EINVAL (bad configuration), -ENOMEM (memory or
 * pool does not fit), -EEXIST (name taken), -ENOSPC (no domain id). */
int domain_create_err(const struct domain_config *cfg, struct domain **out, const char **why);
/* The structure, console ring and RAM of a new domain (zeroed, state
 * PAUSED), or an error with nothing held; and their release. */
int domain_alloc_structures(const struct domain_config *cfg, struct domain **out,
			    const char **why);
void domain_free_structures(struct domain *d);
/* Free everything of d. Its vCPUs must be off every pCPU. */
void domain_destroy(struct domain *d);
/* fn for every domain in the table, under the table's lock (so none is
 * freed meanwhile); fn must not take that lock. */
void domains_walk(void (*fn)(struct domain *d, void *arg), void *arg);
/* Destruction starts: DYING, its vCPUs down; false if it already was. */
bool domain_kill(struct domain *d);

struct domain *domain_by_id(domid_t id);
/* Domains not yet stopped (and reported): exit_when_idle waits for 0. */
unsigned int domains_alive(void);

/* Stop the domain for a guest-visible reason (SCHEDOP_shutdown). */
void domain_shutdown(struct domain *d, unsigned int reason);
/* Whether a vCPU of v's domain other than v is up. */
bool domain_other_vcpus_up(const struct vcpu *v);
/* v halted for good: it goes down, and the last vCPU up going down powers
 * the domain off (Xen's hvm_vcpu_down). */
void domain_vcpu_offline(struct vcpu *v);
/* Stop the domain because it did something it may not; say what. */
void domain_crash(struct domain *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is all of [gpa, gpa+len) the domain's RAM? */
bool domain_owns_gpa_range(const struct domain *d, uint64_t gpa, uint64_t len);
/* A PV domain's frame it gave back lost its last reference (shared-pt's
 * ops.gone): it leaves the domain's memory now, counted first, as
 * common/memory_reservation.c does for frames it takes out itself. */
void domain_frame_gone(struct domain *d, uint64_t gfn);

/* The word of the unbacked map that holds gfn's bit (inside mem_bytes,
 * not dom0). */
static inline uint64_t *domain_unbacked_word(const struct domain *d, uint64_t gfn)
{
	uint64_t w = gfn / 64;

	return &d->unbacked[w / UNBACKED_WORDS_PER_PAGE][w % UNBACKED_WORDS_PER_PAGE];
}

/* Is guest frame gfn (inside mem_bytes) given back by the guest? */
static inline bool domain_frame_unbacked(const struct domain *d, uint64_t gfn)
{
	return d->unbacked[0] &&
	       (__atomic_load_n(domain_unbacked_word(d, gfn), __ATOMIC_ACQUIRE) >> (gfn % 64)) & 1;
}
/* Is the whole 2 MiB extent holding gfn backed (no frame given back)? */
bool domain_extent_whole(const struct domain *d, uint64_t gfn);
/* Pages the domain holds now: XENMEM_current_reservation. */
uint64_t domain_tot_pages(const struct domain *d);
/* Guest-physical to machine address; 0 if gpa is not the domain's RAM.
 * Copies to and from guest memory are in asm/guest_access.h. */
uint64_t domain_gpa_to_maddr(const struct domain *d, uint64_t gpa);

/* Guest console output (COM1 and console_io): kept in the domain's ring
 * and printed line by line on the hypervisor console. */
void domain_console_write(struct domain *d, const char *buf, uint64_t len);
/* Copy what the ring still holds from pos (at most max bytes, at most
 * CONSOLE_RING_SIZE) into out; the window read and the writer's head. */
struct ring_window;
void domain_console_read(struct domain *d, uint64_t pos, char *out, uint64_t max,
			 struct ring_window *w, uint64_t *head);

/* The domain's pool (common/domain_pool.c): a zeroed page or 0 when the
 * pool is spent; and a vCPU's state, one pool page each. */
uint64_t domain_page_alloc(struct domain *d);
void domain_page_free(struct domain *d, uint64_t pa);
struct vcpu *domain_vcpu_alloc(struct domain *d);
void domain_vcpu_free(struct domain *d, struct vcpu *v);
/* Reserve the pool at creation (all or nothing, -ENOMEM) and give it back
 * at destruction. */
int domain_pool_reserve(struct domain *d, uint64_t pages);
void domain_pool_release(struct domain *d);

/* Its store and console rings (common/domain_rings.c): set up for a
 * domain dom0 creates (pages, unbound ports for dom0), 0 or -errno; and
 * dom0's mappings of them taken down (idempotent; before its memory goes). */
int domain_rings_setup(struct domain *d);
void domain_rings_teardown(struct domain *d);
/* Map (or unmap) ring `which` of d into dom0 at its machine address. */
int domain_ring_dom0_map(struct domain *d, unsigned int which, bool map, uint64_t *maddr);

const char *domain_state_name(enum domain_state s);
const char *shutdown_reason_name(unsigned int reason);
void domain_print_stats(const struct domain *d);

#endif
