/* SVM back end internals shared by hypervisor/arch/x86/svm/. */
#ifndef ASM_SVM_SVM_H
#define ASM_SVM_SVM_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/hvm_vcpu.h>
#include <asm/svm/vmcb.h>
#include <asm/x86.h>

struct vcpu;
struct domain;

extern uint64_t svm_iopm_pa;
extern uint64_t svm_msrpm_pa;
extern uint64_t svm_dom0_iopm_pa;	/* dom0: ports and MSRs pass through */
extern uint64_t svm_dom0_msrpm_pa;

struct percpu;
void svm_vmrun(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_save_pa,
	       struct vmcb *vmcb, struct vcpu *v, struct percpu *p);
/* From svm_vmrun, before the host's state is back (svm_run.c). */
bool svm_exit_fast(struct vcpu *v, struct percpu *p);
void svm_handle_exit(struct vcpu *v);

/* Advance RIP past the instruction that caused the exit; its length is
 * decoded from guest memory (TCG has no NRIP save). */
void svm_skip_insn(struct vcpu *v, uint32_t usual);

/* Unprefixed lengths of the instructions whose exits skip them. */
/* The exits Umbra skips by length (TCG has no NRIP save), each as its
 * usual encoding: the length in bits 31:24, the bytes from bit 0 up. The
 * bytes at RIP are compared with it; anything else (prefixes, an opcode
 * rewritten since the exit) goes through the full decoder. */
#define SVM_INSN(len, bytes)	(((uint32_t)(len) << 24) | (bytes))
#define SVM_INSN_LEN(insn)	((insn) >> 24)
#define INSN_HLT		SVM_INSN(1, 0xf4)
#define INSN_CPUID		SVM_INSN(2, 0xa20f)
#define INSN_RDMSR		SVM_INSN(2, 0x320f)
#define INSN_WRMSR		SVM_INSN(2, 0x300f)
#define INSN_INVD		SVM_INSN(2, 0x080f)
#define INSN_WBINVD		SVM_INSN(2, 0x090f)
#define INSN_VMMCALL		SVM_INSN(3, 0xd9010f)

struct insn;
struct insn_regs;
/* Decode the guest instruction at CS:RIP: its length, or -errno. */
int svm_decode_at_rip(struct vcpu *v, struct insn *insn);
void svm_regs_get(const struct vcpu *v, struct insn_regs *r);
void svm_regs_put(struct vcpu *v, const struct insn_regs *r);

/* Reads the host leaves guests see, once, at boot. */
void svm_cpuid_init(void);
/* Its copy of them, filtered by its policy, for a new domain. */
void svm_cpuid_domain_init(struct domain *d);
void svm_exit_cpuid(struct vcpu *v);

/* Exits whose handling touches only the vCPU (and its domain's counters
 * and UART state): svm_exit_fast() may handle them. */
bool svm_exit_io_is_pure(const struct vcpu *v);
bool svm_rdmsr_is_pure(struct vcpu *v, uint64_t *val);
bool svm_dom0_apic_write_is_pure(const struct vcpu *v);
void svm_exit_msr(struct vcpu *v);
void svm_exit_io(struct vcpu *v);
void svm_exit_vmmcall(struct vcpu *v);
/* A nested page fault: dom0's is refused and completed (svm_npf.c). */
void svm_exit_npf(struct vcpu *v);
/* A dom0 write to its (write-protected) local APIC page at gpa, made or
 * refused; false if gpa is not in that page (svm_dom0_apic.c). */
bool svm_dom0_apic_write(struct vcpu *v, uint64_t gpa);
/* The pCPUs of dom0's running vCPUs (or the writer's) that an APIC
 * destination (physical ID, or logical flat mask) names, or 0 if it
 * names any other CPU, or none (svm_dom0_apic.c). */
uint64_t svm_dom0_dest_cpus(const struct vcpu *v, uint32_t dest, bool logical);
/* The same for its I/O APICs' pages: a write made, or refused if it
 * would aim an interrupt elsewhere (svm_dom0_ioapic.c). */
bool svm_dom0_ioapic_write(struct vcpu *v, uint64_t gpa);
/* An access to a guest-physical address where nothing answers: the
 * instruction completes reading all-ones, its stores dropped (#GP if it
 * cannot: completable false for a page-table walk or an instruction
 * fetch there, or an instruction not emulated). svm_npf.c. */
void svm_absent_access(struct vcpu *v, uint64_t gpa, bool write, bool completable);
/* An intercepted #DB or #AC, given back to the guest. */
void svm_exit_reflect(struct vcpu *v, unsigned int vector);

struct mmu_ops;
/* Page allocation and direct-map access for mmu/ on behalf of a domain. */
void svm_mmu_ops_init(struct mmu_ops *ops, void *ctx);

/* paging=shadow (svm_shadow.c) */
/* The shadow engine's share of the domain's pool, in pages: shadow_bytes
 * if given, else sized by the domain's memory; never below what the
 * engine needs. */
uint64_t svm_shadow_pool_pages(const struct domain *d, uint64_t shadow_bytes);
int svm_shadow_domain_init(struct domain *d);
void svm_shadow_domain_destroy(struct domain *d);
int svm_shadow_vcpu_init(struct vcpu *v);
void svm_shadow_vcpu_destroy(struct vcpu *v);
struct mmu_ops;
/* Shadow pages freed wait for every vCPU's TLB flush (svm_shadow_defer.c). */
int svm_shadow_defer_init(struct domain *d, struct mmu_ops *ops);
void svm_shadow_defer_flush(struct domain *d);
/* Every vCPU of d flushes its translations; returns once each has (or
 * is out of the guest and flushes before it enters again). */
void svm_tlb_flush_sync(struct domain *d);
/* A write to a read-only grant mapping of v's domain at gpa: #GP, as Xen
 * gives it (svm_grant.c); false when gpa is no such mapping. */
bool svm_grant_ro_write(struct vcpu *v, uint64_t gpa);
/* A grant mapping at gfn outside d's RAM, for the shadow engine's p2m;
 * under d's paging lock. 0 or -ENOENT. */
int svm_grant_p2m(struct domain *d, uint64_t gfn, uint64_t *mfn, bool *writable);
void svm_shadow_defer_dying(struct domain *d);
void svm_shadow_defer_destroy(struct domain *d);
void svm_exit_cr_access(struct vcpu *v);
void svm_exit_shadow_pf(struct vcpu *v);
void svm_exit_invlpg(struct vcpu *v);
bool svm_shadow_write_cr3(struct vcpu *v, uint64_t val);
/* The CPU's physical-address width (CPUID 8000_0008h). */
unsigned int svm_maxphyaddr(void);
/* CR3 value the CPU accepts (no bits at or above MAXPHYADDR). */
bool svm_cr3_valid(uint64_t cr3);
/* CR4 value the guest may have with this EFER (hidden features refused). */
bool svm_cr4_valid(uint64_t cr4, uint64_t efer);
/* The write_gpa hook of a shadow-paged domain (asm/guest_access.h). */
int svm_shadow_write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len);
/* EFER changed: re-evaluate shadow paging mode. */
void svm_shadow_mode_changed(struct vcpu *v);
/* The exit path's re-read of a few bytes of the instruction at gva
 * (asm/guest_access.h's fetch_guest_insn_short, the paging state taken
 * from the VMCB): -EFAULT when it cannot be done the quick way. */
int svm_fetch_insn_short(const struct vcpu *v, uint8_t *dst, uint64_t gva, unsigned int len);
/* The guest's own CR3 (the VMCB holds the shadow root in shadow mode). */
uint64_t svm_guest_cr3(const struct vcpu *v);
/* The guest's own CR0 (shadow mode may run it with WP set), and a new
 * value for it, before svm_shadow_mode_changed(). */
uint64_t svm_guest_cr0(const struct vcpu *v);
void svm_set_guest_cr0(struct vcpu *v, uint64_t cr0);
/* The same for CR4 (a 2-level guest runs on PAE shadows with PAE set). */
uint64_t svm_guest_cr4(const struct vcpu *v);
void svm_set_guest_cr4(struct vcpu *v, uint64_t cr4);

/* A PAT value a guest may load (each byte a memory type). */
bool svm_pat_valid(uint64_t pat);
/* The EFER bits a guest may set: SCE, LME, LMA (read-only), NXE. */
#define EFER_GUEST_MASK		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* The guest's privilege level, from SS.DPL: QEMU ignores VMCB.CPL. */
static inline unsigned int svm_guest_cpl(const struct vmcb *vmcb)
{
	return (vmcb->ss.attrib >> SEG_ATTR_DPL_SHIFT) & SEG_ATTR_DPL_MASK;
}

/* Guest's 64-bit mode: EFER.LMA and CS.L. */
static inline int svm_guest_is_64bit(const struct vmcb *vmcb)
{
	return (vmcb->efer & EFER_LMA) && (vmcb->cs.attrib & SEG_ATTR_L);
}

#endif
