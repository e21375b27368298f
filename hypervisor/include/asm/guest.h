/* What common code asks of a domain or vCPU whichever way it runs: in
 * the hardware's guest mode (asm/hvm.h) or as a PV guest in ring 3
 * (asm/pv.h). One place decides, by the domain's type. */
#ifndef ASM_GUEST_H
#define ASM_GUEST_H

#include <asm/hvm.h>
#include <asm/pv.h>
#include <umbra/domain.h>

static inline uint64_t arch_domain_pool_pages(struct domain *d,
					      const struct domain_config *cfg,
					      const char **why)
{
	return domain_is_pv(d) ? pv_domain_pool_pages(d, cfg, why)
			       : hvm_domain_pool_pages(d, cfg, why);
}

static inline int arch_domain_init(struct domain *d, const char **why)
{
	return domain_is_pv(d) ? pv_domain_init(d, why) : hvm_domain_init(d, why);
}

/* A dying domain, its vCPUs off every pCPU, before its memory is
 * scrubbed: what must read that memory to be undone is undone now. */
static inline void arch_domain_relinquish(struct domain *d)
{
	if (domain_is_pv(d))
		pv_domain_relinquish(d);
}

static inline void arch_domain_destroy(struct domain *d)
{
	if (domain_is_pv(d))
		pv_domain_destroy(d);
	else
		hvm_domain_destroy(d);
}

static inline int arch_vcpu_init(struct vcpu *v, struct domain *d, unsigned int id)
{
	return domain_is_pv(d) ? pv_vcpu_init(v, d, id) : hvm_vcpu_init(v, d, id);
}

static inline void arch_vcpu_destroy(struct vcpu *v)
{
	if (domain_is_pv(v->domain))
		pv_vcpu_destroy(v);
	else
		hvm_vcpu_destroy(v);
}

static inline bool arch_vcpu_run(struct vcpu *v)
{
	return domain_is_pv(v->domain) ? pv_vcpu_run(v) : hvm_vcpu_run(v);
}

static inline void arch_vcpu_put(struct vcpu *v)
{
	if (domain_is_pv(v->domain))
		pv_vcpu_put(v);
	else
		hvm_vcpu_put(v);
}

static inline void arch_vcpu_upcall_raise(struct vcpu *v)
{
	if (domain_is_pv(v->domain))
		pv_vcpu_upcall_raise(v);
	else
		hvm_vcpu_upcall_raise(v);
}

/* A PV guest reads the host's TSC as it is. */
static inline uint64_t arch_vcpu_tsc_offset(const struct vcpu *v)
{
	return domain_is_pv(v->domain) ? 0 : hvm_vcpu_tsc_offset(v);
}

static inline void arch_print_vcpu_stats(const struct vcpu *v, bool lifecycle)
{
	if (domain_is_pv(v->domain))
		pv_print_vcpu_stats(v, lifecycle);
	else
		hvm_print_vcpu_stats(v, lifecycle);
}

static inline void arch_print_paging_stats(const struct domain *d)
{
	if (domain_is_pv(d))
		pv_print_paging_stats(d);
	else
		hvm_print_paging_stats(d);
}

/* A frame number as the guest's hypercalls give it (VCPUOP_register_vcpu_info,
 * ...) as its guest frame: a PV domain on shared page tables names machine
 * frames, which must be its own (-EINVAL); everyone else names guest
 * frames. */
static inline int arch_guest_frame_gfn(const struct domain *d, uint64_t frame, uint64_t *gfn)
{
	if (domain_is_pv(d))
		return pv_frame_gfn(d, frame, gfn);
	*gfn = frame;
	return 0;
}

/* Guest frames leave or rejoin the domain's RAM (common/
 * memory_reservation.c; asm/hvm.h and asm/pv.h say how). */
static inline int arch_p2m_remove_frames(struct domain *d, uint64_t gfn, uint64_t n)
{
	return domain_is_pv(d) ? pv_p2m_remove_frames(d, gfn, n) : hvm_p2m_remove_frames(d, gfn, n);
}

static inline bool arch_p2m_frames_ready(struct domain *d, uint64_t gfn, uint64_t n)
{
	return !domain_is_pv(d) || pv_p2m_frames_ready(d, gfn, n);
}

static inline int arch_p2m_restore_frames(struct domain *d, uint64_t gfn, uint64_t n,
					  uint64_t maddr)
{
	return domain_is_pv(d) ? pv_p2m_restore_frames(d, gfn, n)
			       : hvm_p2m_restore_frames(d, gfn, n, maddr);
}

static inline void arch_p2m_flush_tlbs(struct domain *d)
{
	if (domain_is_pv(d))
		pv_p2m_flush_tlbs(d);
	else
		hvm_p2m_flush_tlbs(d);
}

/* The frame of a vCPU's registered vcpu_info is referenced by the
 * hypervisor for the domain's life where frames are counted (a PV
 * domain on shared page tables); 0 or -EINVAL. */
static inline int arch_vcpu_info_hold(struct vcpu *v, uint64_t gfn)
{
	return domain_is_pv(v->domain) ? pv_vcpu_info_hold(v, gfn) : 0;
}

static inline void arch_vcpu_info_release(struct vcpu *v)
{
	if (domain_is_pv(v->domain))
		pv_vcpu_info_release(v);
}

/* Does the guest name machine frames in its memory_op lists (a PV
 * domain on shared page tables), and which is behind its guest frame? */
static inline bool arch_names_machine_frames(const struct domain *d)
{
	return domain_is_pv(d) && pv_names_machine_frames(d);
}

static inline uint64_t arch_gfn_frame(const struct domain *d, uint64_t gfn)
{
	return arch_names_machine_frames(d) ? pv_gfn_mfn(d, gfn) : gfn;
}

#endif
