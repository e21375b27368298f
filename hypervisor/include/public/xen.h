/*
 * The core guest ABI: hypercall numbers, domain ids, and the shared
 * structures a guest finds at start of day. Numbers, layouts and meaning
 * follow Xen's public interface (xen/include/public/xen.h) so that guests
 * written for Xen run on Umbra unchanged; the text is Umbra's own.
 *
 * Layouts are the x86-64 ones. Every "unsigned long" of Xen's headers is
 * 64 bits here (xen_ulong_t), and guest pointers inside structures are
 * carried as 64-bit guest-virtual addresses.
 */
#ifndef UMBRA_PUBLIC_XEN_H
#define UMBRA_PUBLIC_XEN_H

#include "abi.h"

/*
 * Calling convention (64-bit guests): RAX holds the hypercall number,
 * RDI, RSI, RDX, R10, R8 and R9 the arguments 1..6; the result comes
 * back in RAX (>= 0 success, -errno failure). Argument registers are
 * preserved; RCX and R11 may be clobbered.
 * 32-bit HVM guests: EAX number; EBX, ECX, EDX, ESI, EDI, EBP args 1..6.
 *
 * HVM guests trap with VMMCALL (AMD) / VMCALL (Intel); they normally go
 * through the hypercall page, whose entry for hypercall `nr` starts at
 * byte nr * XEN_HYPERCALL_STUB_SIZE of the page.
 */
#define XEN_HYPERCALL_STUB_SIZE			32

#define __HYPERVISOR_set_trap_table		0
#define __HYPERVISOR_mmu_update			1
#define __HYPERVISOR_set_gdt			2
#define __HYPERVISOR_stack_switch		3
#define __HYPERVISOR_set_callbacks		4
#define __HYPERVISOR_fpu_taskswitch		5
#define __HYPERVISOR_sched_op_compat		6
#define __HYPERVISOR_platform_op		7
#define __HYPERVISOR_set_debugreg		8
#define __HYPERVISOR_get_debugreg		9
#define __HYPERVISOR_update_descriptor		10
#define __HYPERVISOR_memory_op			12
#define __HYPERVISOR_multicall			13
#define __HYPERVISOR_update_va_mapping		14
#define __HYPERVISOR_set_timer_op		15
#define __HYPERVISOR_event_channel_op_compat	16
#define __HYPERVISOR_xen_version		17
#define __HYPERVISOR_console_io			18
#define __HYPERVISOR_physdev_op_compat		19
#define __HYPERVISOR_grant_table_op		20
#define __HYPERVISOR_vm_assist			21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret			23
#define __HYPERVISOR_vcpu_op			24
#define __HYPERVISOR_set_segment_base		25
#define __HYPERVISOR_mmuext_op			26
#define __HYPERVISOR_xsm_op			27
#define __HYPERVISOR_nmi_op			28
#define __HYPERVISOR_sched_op			29
#define __HYPERVISOR_callback_op		30
#define __HYPERVISOR_xenoprof_op		31
#define __HYPERVISOR_event_channel_op		32
#define __HYPERVISOR_physdev_op			33
#define __HYPERVISOR_hvm_op			34
#define __HYPERVISOR_sysctl			35
#define __HYPERVISOR_domctl			36
#define __HYPERVISOR_kexec_op			37
#define __HYPERVISOR_tmem_op			38
#define __HYPERVISOR_argo_op			39
#define __HYPERVISOR_xenpmu_op			40
#define __HYPERVISOR_dm_op			41
#define __HYPERVISOR_hypfs_op			42

/* Eight numbers reserved for architecture-specific calls. */
#define __HYPERVISOR_arch_0			48
#define __HYPERVISOR_arch_1			49
#define __HYPERVISOR_arch_2			50
#define __HYPERVISOR_arch_3			51
#define __HYPERVISOR_arch_4			52
#define __HYPERVISOR_arch_5			53
#define __HYPERVISOR_arch_6			54
#define __HYPERVISOR_arch_7			55

/* Size of Xen's hypercall table; Umbra's own call sits in its last slot. */
#define XEN_NR_HYPERCALLS			64

/*
 * Virtual interrupts, delivered through event channels (see
 * event_channel.h, EVTCHNOP_bind_virq). Per-vCPU ones can be bound once
 * on each vCPU; global ones once per domain.
 */
#define VIRQ_TIMER	0	/* per vCPU: the one-shot timer fired */
#define VIRQ_DEBUG	1	/* per vCPU: dump debug state */
#define VIRQ_CONSOLE	2	/* global, dom0: input on the hypervisor console */
#define VIRQ_DOM_EXC	3	/* global, dom0: a domain crashed or shut down */
#define VIRQ_TBUF	4	/* global, dom0: trace records available */
#define VIRQ_DEBUGGER	6	/* global, dom0: a domain paused for debugging */
#define VIRQ_XENOPROF	7	/* per vCPU: profiling sample */
#define VIRQ_CON_RING	8	/* global, dom0: hypervisor log ring has data */
#define VIRQ_PCPU_STATE	9	/* global, dom0: a physical CPU changed state */
#define VIRQ_MEM_EVENT	10	/* global, dom0: memory event */
#define VIRQ_ARGO	11	/* global: Argo message */
#define VIRQ_ENOMEM	12	/* global, dom0: hypervisor low on memory */
#define VIRQ_XENPMU	13	/* per vCPU: performance counter interrupt */
#define VIRQ_ARCH_0	16
#define VIRQ_ARCH_7	23
#define NR_VIRQS	24

/*
 * mmu_update: an array of (ptr, val) requests. The low three bits of ptr
 * (below the 8-byte aligned entry) select the command, the rest is the
 * machine address of the entry; commands 4..7 are refused.
 */
#define MMU_NORMAL_PT_UPDATE		0	/* validated *ptr = val */
#define MMU_MACHPHYS_UPDATE		1	/* machine-to-phys[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD	2	/* as NORMAL, keep A/D bits of *ptr */
#define MMU_PT_UPDATE_NO_TRANSLATE	3	/* as NORMAL, ptr not translated */

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE		0
#define MMUEXT_PIN_L2_TABLE		1
#define MMUEXT_PIN_L3_TABLE		2
#define MMUEXT_PIN_L4_TABLE		3
#define MMUEXT_UNPIN_TABLE		4
#define MMUEXT_NEW_BASEPTR		5
#define MMUEXT_TLB_FLUSH_LOCAL		6
#define MMUEXT_INVLPG_LOCAL		7
#define MMUEXT_TLB_FLUSH_MULTI		8
#define MMUEXT_INVLPG_MULTI		9
#define MMUEXT_TLB_FLUSH_ALL		10
#define MMUEXT_INVLPG_ALL		11
#define MMUEXT_FLUSH_CACHE		12
#define MMUEXT_SET_LDT			13
#define MMUEXT_NEW_USER_BASEPTR		15
#define MMUEXT_CLEAR_PAGE		16
#define MMUEXT_COPY_PAGE		17
#define MMUEXT_FLUSH_CACHE_GLOBAL	18
#define MMUEXT_MARK_SUPER		19
#define MMUEXT_UNMARK_SUPER		20

/* update_va_mapping flags: flush type in bits 1:0, scope in bit 2. */
#define UVMF_NONE		0
#define UVMF_TLB_FLUSH		1
#define UVMF_INVLPG		2
#define UVMF_FLUSHTYPE_MASK	3
#define UVMF_MULTI		0	/* OR in a pointer to a vCPU bitmap */
#define UVMF_LOCAL		0
#define UVMF_ALL		4

/* console_io(cmd, count, buffer) commands. */
#define CONSOLEIO_write		0
#define CONSOLEIO_read		1

/* vm_assist(cmd, type). */
#define VMASST_CMD_enable			0
#define VMASST_CMD_disable			1
#define VMASST_TYPE_4gb_segments		0
#define VMASST_TYPE_4gb_segments_notify		1
#define VMASST_TYPE_writable_pagetables		2
#define VMASST_TYPE_pae_extended_cr3		3
#define VMASST_TYPE_architectural_iopl		4
#define VMASST_TYPE_runstate_update_flag	5
#define VMASST_TYPE_m2p_strict			32

/*
 * Domain ids. Ordinary domains are numbered below DOMID_FIRST_RESERVED;
 * the reserved values name special owners or "myself".
 */
#define DOMID_FIRST_RESERVED	0x7FF0
#define DOMID_SELF		0x7FF0
#define DOMID_IO		0x7FF1	/* owner of I/O memory */
#define DOMID_XEN		0x7FF2	/* owner of hypervisor pages */
#define DOMID_COW		0x7FF3	/* owner of shared copy-on-write pages */
#define DOMID_INVALID		0x7FF4
#define DOMID_IDLE		0x7FFF

/* start_info.flags (also hvm_start_info.flags). */
#define SIF_PRIVILEGED		(1 << 0)	/* domain may use privileged calls */
#define SIF_INITDOMAIN		(1 << 1)	/* the initial control domain */
#define SIF_MULTIBOOT_MOD	(1 << 2)	/* mod_start is a multiboot module */
#define SIF_MOD_START_PFN	(1 << 3)	/* mod_start is a frame number */
#define SIF_VIRT_P2M_4TOOLS	(1 << 4)	/* tools understand a virtual p2m */
#define SIF_PM_MASK		(0xFF << 8)	/* power-management options */

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT	(1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED	(1 << 1)

#define XEN_LEGACY_MAX_VCPUS	32
#define MAX_GUEST_CMDLINE	1024

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;
typedef uint64_t xen_ulong_t;
typedef uint64_t xen_pfn_t;
typedef uint8_t xen_domain_handle_t[16];

struct mmu_update {
	uint64_t ptr;	/* machine address of the entry | MMU_* command */
	uint64_t val;	/* value to write */
};
UMBRA_ABI_SIZE(struct mmu_update, 16);

struct mmuext_op {
	uint32_t cmd;	/* MMUEXT_* */
	union {
		xen_pfn_t mfn;		/* pin/unpin, new baseptr, clear/copy page */
		xen_ulong_t linear_addr; /* invlpg, set_ldt */
	} arg1;
	union {
		uint32_t nr_ents;	/* set_ldt */
		uint64_t vcpumask;	/* flush_multi, invlpg_multi: bitmap address */
		xen_pfn_t src_mfn;	/* copy_page */
	} arg2;
};
UMBRA_ABI_SIZE64(struct mmuext_op, 24);
UMBRA_ABI_OFFSET64(struct mmuext_op, arg1, 8);
UMBRA_ABI_OFFSET64(struct mmuext_op, arg2, 16);

struct multicall_entry {
	xen_ulong_t op;
	xen_ulong_t result;
	xen_ulong_t args[6];
};
UMBRA_ABI_SIZE(struct multicall_entry, 64);

/*
 * Per-vCPU time base. The hypervisor makes `version` odd before it
 * changes the other fields and even again afterwards, so a reader retries
 * until it saw the same even version before and after reading. System
 * time now, in ns since boot:
 *   system_time + (((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;		/* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
UMBRA_ABI_SIZE(struct vcpu_time_info, 32);
UMBRA_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
UMBRA_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
UMBRA_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
UMBRA_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
UMBRA_ABI_OFFSET(struct vcpu_time_info, flags, 29);

struct arch_vcpu_info {
	xen_ulong_t cr2;	/* fault address for a PV guest's #PF */
	xen_ulong_t pad;
};

/*
 * Per-vCPU event state. The hypervisor sets evtchn_upcall_pending and
 * the selector bit of the word of evtchn_pending that changed; the guest
 * clears upcall_pending before it scans, so a new event is never lost.
 * evtchn_upcall_mask, when non-zero, holds off the upcall (PV guests).
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad[6];
	xen_ulong_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};
UMBRA_ABI_SIZE64(struct vcpu_info, 64);
UMBRA_ABI_OFFSET64(struct vcpu_info, evtchn_pending_sel, 8);
UMBRA_ABI_OFFSET64(struct vcpu_info, arch, 16);
UMBRA_ABI_OFFSET64(struct vcpu_info, time, 32);

struct arch_shared_info {
	xen_ulong_t max_pfn;		/* entries in the p2m */
	xen_pfn_t pfn_to_mfn_frame_list_list;
	xen_ulong_t nmi_reason;
	xen_ulong_t p2m_cr3;		/* address space of the linear p2m */
	xen_ulong_t p2m_vaddr;		/* virtual address of the linear p2m */
	xen_ulong_t p2m_generation;	/* odd while the p2m mapping changes */
};

/*
 * The shared info page. Event channel `port` is pending when bit
 * (port % 64) of evtchn_pending[port / 64] is set, masked likewise in
 * evtchn_mask (the 2-level event channel ABI: 4096 ports). The wallclock
 * (wc_*) gives the time of day at system time zero, with wc_version used
 * as in vcpu_time_info.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[64];
	xen_ulong_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	struct arch_shared_info arch;
};
UMBRA_ABI_OFFSET64(struct shared_info, evtchn_pending, 2048);
UMBRA_ABI_OFFSET64(struct shared_info, evtchn_mask, 2560);
UMBRA_ABI_OFFSET64(struct shared_info, wc_version, 3072);
UMBRA_ABI_OFFSET64(struct shared_info, wc_sec_hi, 3084);
UMBRA_ABI_OFFSET64(struct shared_info, arch, 3088);
UMBRA_ABI_SIZE64(struct shared_info, 3136);

#define EVTCHN_2L_NR_CHANNELS	4096

/*
 * The same page as a domain whose shared state is 32-bit sees it (Xen's
 * compat shared_info, chosen by the mode of the vCPU that writes the
 * hypercall page MSR or sets HVM_PARAM_CALLBACK_IRQ): the event words
 * and the selector are 32 bits, so 1024 ports; vcpu_time_info stays at
 * offset 32 of each vcpu_info; wc_sec_hi moves into arch.
 */
struct compat_vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad[2];
	uint32_t evtchn_pending_sel;
	uint32_t cr2;
	uint32_t arch_pad[5];
	struct vcpu_time_info time;
};
UMBRA_ABI_OFFSET(struct compat_vcpu_info, evtchn_pending_sel, 4);
UMBRA_ABI_OFFSET(struct compat_vcpu_info, cr2, 8);
UMBRA_ABI_OFFSET(struct compat_vcpu_info, time, 32);
UMBRA_ABI_SIZE64(struct compat_vcpu_info, 64);

struct compat_arch_shared_info {
	uint32_t max_pfn;
	uint32_t pfn_to_mfn_frame_list_list;
	uint32_t nmi_reason;
	uint32_t p2m_cr3;
	uint32_t p2m_vaddr;
	uint32_t p2m_generation;
	uint32_t wc_sec_hi;
};

struct compat_shared_info {
	struct compat_vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	uint32_t evtchn_pending[32];
	uint32_t evtchn_mask[32];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	struct compat_arch_shared_info arch;
};
UMBRA_ABI_OFFSET64(struct compat_shared_info, evtchn_pending, 2048);
UMBRA_ABI_OFFSET64(struct compat_shared_info, evtchn_mask, 2176);
UMBRA_ABI_OFFSET64(struct compat_shared_info, wc_version, 2304);
UMBRA_ABI_OFFSET64(struct compat_shared_info, arch, 2316);
UMBRA_ABI_OFFSET64(struct compat_shared_info, arch.wc_sec_hi, 2340);
UMBRA_ABI_SIZE64(struct compat_shared_info, 2344);

#define EVTCHN_2L_NR_CHANNELS_COMPAT	1024

/*
 * Start of day for PV guests, at the address passed in RSI. Addresses
 * are guest-virtual unless noted; HVM/PVH guests get hvm_start_info
 * instead (hvm/start_info.h).
 */
struct start_info {
	char magic[32];			/* "xen-<version>-<platform>" */
	xen_ulong_t nr_pages;		/* pages given to the domain */
	xen_ulong_t shared_info;	/* machine address of shared_info */
	uint32_t flags;			/* SIF_* */
	xen_pfn_t store_mfn;		/* machine frame of the store ring */
	uint32_t store_evtchn;
	union {
		struct {
			xen_pfn_t mfn;	/* machine frame of the console ring */
			uint32_t evtchn;
		} domU;
		struct {
			uint32_t info_off;	/* offset of the console info */
			uint32_t info_size;
		} dom0;
	} console;
	xen_ulong_t pt_base;		/* bootstrap page tables */
	xen_ulong_t nr_pt_frames;
	xen_ulong_t mfn_list;		/* the p2m array */
	xen_ulong_t mod_start;		/* initial module (address or PFN) */
	xen_ulong_t mod_len;
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	xen_ulong_t first_p2m_pfn;
	xen_ulong_t nr_p2m_frames;
};
UMBRA_ABI_OFFSET64(struct start_info, nr_pages, 32);
UMBRA_ABI_OFFSET64(struct start_info, flags, 48);
UMBRA_ABI_OFFSET64(struct start_info, store_mfn, 56);
UMBRA_ABI_OFFSET64(struct start_info, store_evtchn, 64);
UMBRA_ABI_OFFSET64(struct start_info, console, 72);
UMBRA_ABI_OFFSET64(struct start_info, pt_base, 88);
UMBRA_ABI_OFFSET64(struct start_info, mod_len, 120);
UMBRA_ABI_OFFSET64(struct start_info, cmd_line, 128);
UMBRA_ABI_OFFSET64(struct start_info, first_p2m_pfn, 1152);
UMBRA_ABI_SIZE64(struct start_info, 1168);

#endif /* !__ASSEMBLY__ */

#endif
