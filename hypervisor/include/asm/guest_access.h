/*
 * Every hypervisor access to guest memory goes through here: by
 * guest-virtual address through a vCPU's own page tables, or by
 * guest-physical address in a domain's RAM. All are fault-safe: an
 * address the guest has not mapped, or outside its RAM, is -EFAULT and
 * never a host fault. Common code uses these and nothing else; what a
 * vCPU's paging looks like comes from its vendor (vcpu_paging_state), and
 * what a write must also do (keep shadows in step) from its domain's
 * paging mode (domain.write_gpa).
 */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

/* By guest-virtual address, as the guest kernel would access it. A
 * failure is the guest's bad pointer and is counted (stats.guest_faults). */
int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len);
int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len);

/* Xen's guest_handle_okay: whether a guest buffer may start at gva at
 * all. A PV guest's may not in the hypervisor's part of the address space
 * (nor at a non-canonical address); Xen refuses those with -EFAULT before
 * it does anything, where an unmapped guest address fails only at its
 * access. Any address of an HVM guest may be one. */
bool guest_handle_okay(struct vcpu *v, uint64_t gva);

/* The same read for the hypervisor's own use (instruction fetch): a
 * failure is not the guest's bad pointer and is not counted. */
int fetch_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len);
/* The bytes of the instruction at gva, fetched as the CPU fetched them:
 * with the privilege of the code (user: CPL 3), so that SMAP does not
 * refuse a user program's instruction to the hypervisor's decoder. */
int fetch_guest_insn(struct vcpu *v, void *dst, uint64_t gva, uint64_t len, bool user);
/* The exit path's re-read of the few bytes of the instruction the vCPU
 * has just exited on (the CPU checked that fetch): -EFAULT whenever it
 * cannot be done the quick way, and the caller takes the full path. The
 * caller gives the paging state, of which only cr0 (PG), efer (LMA) and
 * cr3 are looked at: the vendor reads those three without a call. */
struct vcpu_paging_state;
int fetch_guest_insn_short(struct vcpu *v, const struct vcpu_paging_state *st, uint8_t *dst,
			   uint64_t gva, unsigned int len);

/* An access made for the guest's instruction (string I/O): with its
 * privilege (user: CPL 3) and, when the walk fails, the #PF the CPU would
 * raise in *fault (page_fault false: the address is not the domain's RAM). */
struct guest_fault {
	bool page_fault;
	uint32_t error_code;
	uint64_t addr;
};
int copy_guest_insn(struct vcpu *v, uint64_t gva, void *buf, uint64_t len,
		    bool write, bool user, struct guest_fault *fault);

/* By guest-physical address. Nothing is touched unless the whole range is
 * the domain's RAM. Writes go through the domain's paging mode. */
int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, uint64_t len);
int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len);
int zero_gpa(struct domain *d, uint64_t gpa, uint64_t len);

/* Atomic bit operations on the aligned 64-bit word at gpa in the domain's
 * RAM (bit < 64), for words the guest changes at the same time with locked
 * instructions: the event bits of shared_info. Each returns the bit's old
 * value (0 or 1), or -EFAULT for a word that is not the domain's RAM.
 * They bypass the paging mode's write hook as Xen's own writes to
 * shared_info do: a guest that makes that page a page table confuses only
 * its own shadows, which hold translations of its own RAM. */
int gpa_test_and_set_bit(struct domain *d, uint64_t gpa, unsigned int bit);
int gpa_test_and_clear_bit(struct domain *d, uint64_t gpa, unsigned int bit);
int gpa_test_bit(struct domain *d, uint64_t gpa, unsigned int bit);
/* An atomic compare-and-swap of the aligned 32-bit word at gpa, for
 * words the guest updates the same way (grant entries): 0 when *old was
 * there and new is now, -EAGAIN with the word found in *old, -EFAULT.
 * Plain to the paging mode: for words that are no page-table entries. */
int cmpxchg_gpa_u32(struct domain *d, uint64_t gpa, uint32_t *old, uint32_t new);
/* The same for the aligned 64-bit word at gpa, for a page-table entry
 * whose new value was computed from *old (an emulated store) and which
 * the guest's tables do not make a shadowed page table: an A/D update
 * or another store made since must not be lost. Plain to the paging
 * mode: the caller keeps its shadows in step (pv_shadow.c). */
int cmpxchg_gpa_u64(struct domain *d, uint64_t gpa, uint64_t *old, uint64_t new);

/* The plain write under them (src NULL: zeros), for a paging mode's
 * write_gpa hook only. */
int copy_to_gpa_raw(struct domain *d, uint64_t gpa, const void *src, uint64_t len);

/* What decides how a vCPU's linear addresses translate right now. */
struct vcpu_paging_state {
	uint64_t cr0, cr4, efer;
	uint64_t cr3;			/* the guest's own, never a shadow root */
	bool rflags_ac;			/* RFLAGS.AC: SMAP lets the access through */
	uint8_t maxphyaddr;		/* the CPU's physical-address width */
};

/* The vendor hook (SVM: from the VMCB and the shadow state). */
void vcpu_paging_state(const struct vcpu *v, struct vcpu_paging_state *st);

#endif
