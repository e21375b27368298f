/* Hardware-assisted guests: what common code asks of the SVM back end. */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct domain_config;
struct vcpu;

/* Pages the domain's pool must hold (nested tables, shadow pool, VMCBs,
 * vCPU state) for cfg, with d->mem_bytes set; 0 and *why if cfg asks for
 * something the back end cannot do. */
uint64_t hvm_domain_pool_pages(struct domain *d, const struct domain_config *cfg,
			       const char **why);
int hvm_domain_init(struct domain *d, const char **why);
/* Guest frames [gfn, gfn + n) stop being RAM: unmapped from the nested
 * table and gone from the shadows; or are RAM again, backed by [maddr,
 * maddr + n pages). 0, or -ENOMEM (nothing changed). The domain's
 * p2m_lock is held. After a removal, hvm_p2m_flush_tlbs (without the
 * lock) returns once no vCPU can hold a translation of what was removed. */
int hvm_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n);
int hvm_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n, uint64_t maddr);
void hvm_p2m_flush_tlbs(struct domain *d);
void hvm_domain_destroy(struct domain *d);
int hvm_vcpu_init(struct vcpu *v, struct domain *d, unsigned int id);
void hvm_vcpu_destroy(struct vcpu *v);

/* PVH boot state: 32-bit flat protected mode, paging off, EBX = start info. */
void hvm_vcpu_set_pvh_entry(struct vcpu *v, uint32_t entry, uint32_t start_info);

/* A CPU's state after INIT and a startup IPI: real mode at vector:0000
 * (CS base vector * 4 KiB), as a dom0 AP starts. */
void hvm_vcpu_set_sipi_entry(struct vcpu *v, uint8_t vector);

/* The 64-bit Linux boot protocol's state: long mode, paging on with the
 * loader's identity tables, flat __BOOT_CS/__BOOT_DS, RSI = zero page. */
struct hvm_entry64 {
	uint64_t rip, rsi, cr3, gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds;		/* selectors of the flat code and data segments */
};
void hvm_vcpu_set_entry64(struct vcpu *v, const struct hvm_entry64 *e);

struct vcpu_hvm_context;
/* VCPUOP_initialise: load a secondary vCPU's first state; 0 or -EINVAL. */
int hvm_vcpu_load_context(struct vcpu *v, const struct vcpu_hvm_context *ctx);

/* Save and restore (arch/x86/svm/svm_save.c): a vCPU's architectural
 * state in the management ABI's form. The vCPU is off every pCPU. get
 * fills everything but the common fields (flags it does not own, Xen's
 * per-vCPU interface), its local APIC timer relative to now_ns; check
 * says whether a state could be loaded (0 or -EINVAL); set loads a
 * checked one, the TSC continuing from c->tsc. */
struct umbra_vcpu_context;
void hvm_vcpu_context_get(struct vcpu *v, struct umbra_vcpu_context *c, uint64_t now_ns);
int hvm_vcpu_context_check(const struct vcpu *v, const struct umbra_vcpu_context *c);
void hvm_vcpu_context_set(struct vcpu *v, const struct umbra_vcpu_context *c);

/* Enter the guest once and handle the exit that ends the run. */
/* One guest entry and its exit. True when the exit was for a host event
 * (an interrupt): the caller takes it and looks at the time. */
bool hvm_vcpu_run(struct vcpu *v);
/* The vCPU leaves this pCPU (end of its slice): its FPU and debug
 * registers, kept loaded meanwhile, go back to its memory. */
void hvm_vcpu_put(struct vcpu *v);
/* An event for v's callback vector (its own upcall vector if it set one,
 * else the domain's), from any pCPU; taken at its next entry. */
void hvm_vcpu_upcall_raise(struct vcpu *v);
/* What the vCPU's TSC reads minus the host's. */
uint64_t hvm_vcpu_tsc_offset(const struct vcpu *v);

/* A write of XEN_HYPERCALL_MSR: fill the hypercall page at its address;
 * 0, or -1 for a value the MSR refuses (#GP). */
int hvm_write_hypercall_page(struct vcpu *v, uint64_t val);

#define HVM_NO_ERROR_CODE (-1)
void hvm_inject_exception(struct vcpu *v, unsigned int vector, int error_code);

/* A vCPU's exits added into exits[UMBRA_EXIT_NR] by reason (UMBRA_EXIT_*
 * of public/mgmt.h): the vendor knows its exit codes. */
void hvm_vcpu_exit_counts(const struct vcpu *v, uint64_t *exits);

/* A domain's paging counters for the management interface. */
struct hvm_paging_counters {
	uint64_t pt_traps;		/* guest page-table writes trapped */
	uint64_t paging_pages;		/* nested and shadow tables held now */
};
void hvm_domain_paging_counters(const struct domain *d, struct hvm_paging_counters *c);

/* A vCPU's exit counters, on the console (lifecycle: kept as a
 * lifecycle line, for a domain that stops). */
void hvm_print_vcpu_stats(const struct vcpu *v, bool lifecycle);
/* Page-table memory held and paging counters, on the console. */
void hvm_print_paging_stats(const struct domain *d);

/* A grant mapping (common/grant_map.c): the frame at maddr mapped at gpa,
 * outside d's RAM, writable or read-only, in whatever d's paging mode
 * translates through. 0, -EINVAL (gpa not outside its RAM, not aligned,
 * or d is dom0), -EEXIST (something is mapped there), -ENOMEM; *tables:
 * table pages it added. */
int hvm_grant_map(struct domain *d, uint64_t gpa, uint64_t maddr, bool writable,
		  int64_t *tables);
/* Take the grant mapping at gpa down: on return no vCPU of d can reach
 * the frame through a stale translation. 0 or -ENOENT; *tables: table
 * pages it added (negative: freed). */
int hvm_grant_unmap(struct domain *d, uint64_t gpa, int64_t *tables);

/* dom0's privileged mapping of another domain's page (its store and
 * console rings): the page at its own machine address in dom0's nested
 * tables, writable, where dom0's memory map says "reserved". The address
 * must be no RAM of dom0's. Unmapping returns once none of dom0's vCPUs
 * can reach the page through a stale translation. 0 or -errno. */
int hvm_dom0_foreign_map(struct domain *dom0, uint64_t maddr);
int hvm_dom0_foreign_unmap(struct domain *dom0, uint64_t maddr);

/* One-time set-up of the I/O and MSR permission maps. */
int svm_global_init(void);
/* dom0's accesses to this port exit (its map passes ports through
 * otherwise); after svm_global_init(), before dom0 runs. */
void hvm_dom0_trap_port(uint16_t port);

#endif
