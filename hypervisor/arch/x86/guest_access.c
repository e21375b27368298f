/* Fault-safe access to guest memory (asm/guest_access.h). Guest-virtual
 * addresses are translated in software (mmu/ walker) with the paging
 * state the vendor reports, through the domain's guest-physical map; so
 * a bad pointer becomes -EFAULT, never a host fault. */
#include <asm/guest_access.h>
#include <asm/guest_insn.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include <umbra/hot.h>
#include "mmu/pte.h"
#include "mmu/walk.h"
#include "mmu/walk32.h"

typedef void (*gpa_chunk_fn)(void *mem, uint8_t *buf, uint64_t len);

/* Walk [gpa, gpa+len) extent by extent; nothing is touched if any byte
 * is outside the domain's memory. */
static int for_each_gpa_chunk(struct domain *d, uint64_t gpa, uint8_t *buf,
			      uint64_t len, gpa_chunk_fn fn)
{
	if (!domain_owns_gpa_range(d, gpa, len))
		return -EFAULT;
	while (len) {
		uint64_t room = EXTENT_SIZE - gpa % EXTENT_SIZE;
		uint64_t n = len < room ? len : room;

		fn(phys_to_virt(domain_gpa_to_maddr(d, gpa)), buf, n);
		gpa += n;
		len -= n;
		if (buf)
			buf += n;
	}
	return 0;
}

static void chunk_to_guest(void *mem, uint8_t *buf, uint64_t len)
{
	memcpy(mem, buf, len);
}

static void chunk_from_guest(void *mem, uint8_t *buf, uint64_t len)
{
	memcpy(buf, mem, len);
}

static void chunk_zero(void *mem, uint8_t *buf, uint64_t len)
{
	(void)buf;
	memset(mem, 0, len);
}

/* The word at gpa (8-byte aligned, the domain's RAM), or NULL. */
static uint64_t *gpa_word(struct domain *d, uint64_t gpa)
{
	if ((gpa & 7) || !domain_owns_gpa_range(d, gpa, sizeof(uint64_t)))
		return NULL;
	return phys_to_virt(domain_gpa_to_maddr(d, gpa));
}

int gpa_test_and_set_bit(struct domain *d, uint64_t gpa, unsigned int bit)
{
	uint64_t *w = gpa_word(d, gpa), m = 1ULL << (bit & 63);

	if (!w)
		return -EFAULT;
	return !!(__atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m);
}

int gpa_test_and_clear_bit(struct domain *d, uint64_t gpa, unsigned int bit)
{
	uint64_t *w = gpa_word(d, gpa), m = 1ULL << (bit & 63);

	if (!w)
		return -EFAULT;
	return !!(__atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m);
}

int gpa_test_bit(struct domain *d, uint64_t gpa, unsigned int bit)
{
	uint64_t *w = gpa_word(d, gpa);

	if (!w)
		return -EFAULT;
	return !!(__atomic_load_n(w, __ATOMIC_SEQ_CST) & (1ULL << (bit & 63)));
}

int copy_to_gpa_raw(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	return for_each_gpa_chunk(d, gpa, (uint8_t *)src, len,
				  src ? chunk_to_guest : chunk_zero);
}

static int write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	if (!domain_owns_gpa_range(d, gpa, len))
		return -EFAULT;
	if (d->write_gpa)
		return d->write_gpa(d, gpa, src, len);
	return copy_to_gpa_raw(d, gpa, src, len);
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	return write_gpa(d, gpa, src, len);
}

int zero_gpa(struct domain *d, uint64_t gpa, uint64_t len)
{
	return write_gpa(d, gpa, NULL, len);
}

int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, uint64_t len)
{
	return for_each_gpa_chunk(d, gpa, dst, len, chunk_from_guest);
}

int cmpxchg_gpa_u32(struct domain *d, uint64_t gpa, uint32_t *old, uint32_t new)
{
	uint32_t *p;

	if ((gpa & 3) || !domain_owns_gpa_range(d, gpa, sizeof(*p)))
		return -EFAULT;
	p = phys_to_virt(domain_gpa_to_maddr(d, gpa));
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
}

int cmpxchg_gpa_u64(struct domain *d, uint64_t gpa, uint64_t *old, uint64_t new)
{
	uint64_t *p;

	if ((gpa & 7) || !domain_owns_gpa_range(d, gpa, sizeof(*p)))
		return -EFAULT;
	p = phys_to_virt(domain_gpa_to_maddr(d, gpa));
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
}

static uint64_t *map_guest_table(void *ctx, uint64_t gpa)
{
	struct domain *d = ctx;
	uint64_t m = domain_gpa_to_maddr(d, gpa & ~(PAGE_SIZE - 1));

	return m ? phys_to_virt(m) : NULL;
}

static void report_fault(struct guest_fault *fault, int status, const struct mmu_walk *w,
			 uint64_t gva)
{
	/* A kernel read of a not-present page has error code 0. */
	if (fault && status == MMU_WALK_PF) {
		fault->page_fault = true;
		fault->error_code = w->error_code;
		fault->addr = gva;
	}
}

/* Guest-virtual to guest-physical as the CPU would for this access, in
 * every paging form: off, 2-level (with PSE), PAE and 4-level long mode.
 * A failed walk fills *fault with the #PF the CPU would raise. */
static int translate(struct vcpu *v, uint64_t gva, unsigned int access, uint64_t *gpa,
		     struct guest_fault *fault)
{
	struct vcpu_paging_state st;
	struct mmu_mode mode;
	struct mmu_tables tables = { .map = map_guest_table, .ctx = v->domain };
	struct mmu_walk w;
	int status;

	if (domain_is_pv(v->domain))
		return pv_translate(v, gva, access & MMU_ACC_WRITE, gpa);
	vcpu_paging_state(v, &st);
	if (!(st.cr0 & CR0_PG)) {
		*gpa = (uint32_t)gva;
		return 0;
	}
	if (st.rflags_ac)
		access |= MMU_ACC_AC;	/* SMAP: the guest allowed the access */
	mode = (struct mmu_mode){
		.cr0 = st.cr0, .cr4 = st.cr4, .efer = st.efer, .maxphyaddr = st.maxphyaddr,
	};
	if (st.efer & EFER_LMA)
		status = mmu_walk(&mode, &tables, st.cr3, gva, access, MMU_WALK_SET_AD, &w);
	else if (gva >> 32)
		return -EFAULT;	/* past the end of a 32-bit address space */
	else
		status = mmu_walk32(&mode, &tables, st.cr3, (uint32_t)gva, access,
				    MMU_WALK_SET_AD, &w);
	if (status != MMU_WALK_OK) {
		report_fault(fault, status, &w, gva);
		return -EFAULT;
	}
	*gpa = w.addr;
	return 0;
}

bool guest_handle_okay(struct vcpu *v, uint64_t gva)
{
	return !domain_is_pv(v->domain) || pv_guest_va_ok(gva);
}

static int copy_guest(struct vcpu *v, uint64_t gva, uint8_t *buf, uint64_t len,
		      unsigned int access, bool count_faults, struct guest_fault *fault)
{
	bool to_guest = access & MMU_ACC_WRITE;

	if (fault)
		fault->page_fault = false;
	while (len) {
		uint64_t n = PAGE_SIZE - (gva & (PAGE_SIZE - 1)), gpa;
		int err;

		if (n > len)
			n = len;
		err = translate(v, gva, access, &gpa, fault);
		if (!err)
			err = to_guest ? copy_to_gpa(v->domain, gpa, buf, n)
				       : copy_from_gpa(v->domain, buf, gpa, n);
		if (err) {
			if (count_faults)
				v->stats.guest_faults++;
			return -EFAULT;
		}
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
	return copy_guest(v, gva, dst, len, 0, true, NULL);
}

int fetch_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
	return copy_guest(v, gva, dst, len, 0, false, NULL);
}

int fetch_guest_insn(struct vcpu *v, void *dst, uint64_t gva, uint64_t len, bool user)
{
	return copy_guest(v, gva, dst, len, MMU_ACC_FETCH | (user ? MMU_ACC_USER : 0),
			  false, NULL);
}

/* A domain's memory, for the exit path: the extent lookup inlined for an
 * ordinary domain that has given no frame back, the generic lookups
 * otherwise (dom0's identity map, frames given back). NULL when
 * [gpa, gpa + len) is not all the domain's RAM within one page. */
static __attribute__((noinline)) const uint8_t *gpa_ptr_owned(const struct domain *d,
								 uint64_t gpa, uint64_t len)
{
	return domain_owns_gpa_range(d, gpa, len) ? phys_to_virt(domain_gpa_to_maddr(d, gpa)) : NULL;
}

static inline const uint8_t *gpa_ptr(const struct domain *d, uint64_t gpa, uint64_t len)
{
	uint64_t i = gpa / EXTENT_SIZE;

	/* Not inlined: the exit path's re-read stays small (umbra/hot.h). */
	if (d->identity || __atomic_load_n(&d->unbacked_pages, __ATOMIC_ACQUIRE))
		return gpa_ptr_owned(d, gpa, len);
	if (gpa + len < gpa || gpa + len > d->mem_bytes || i >= d->nr_extents)
		return NULL;
	return phys_to_virt(d->extents[i] + gpa % EXTENT_SIZE);
}

/* gpa_ptr() for a domain its caller found ordinary (no identity map, no
 * frame given back), for a table page or bytes within one page: the
 * bounds and the extent, nothing else to look at. */
static __exit_inline const uint8_t *plain_ptr(const struct domain *d, uint64_t gpa, uint64_t len)
{
	uint64_t i = gpa / EXTENT_SIZE;

	if (gpa + len > d->mem_bytes || i >= d->nr_extents)
		return NULL;
	return phys_to_virt(d->extents[i] + gpa % EXTENT_SIZE);
}

static __exit_inline const uint8_t *insn_ptr(const struct domain *d, uint64_t gpa, uint64_t len,
					     bool plain)
{
	return plain ? plain_ptr(d, gpa, len) : gpa_ptr(d, gpa, len);
}

/* The guest-physical address of the instruction the vCPU exited on, read
 * again only to compare its bytes: the CPU has just fetched it, checking
 * its permissions, so the 4-level tables are followed with their present
 * bits alone. Any other mode, an absent entry or memory not the domain's
 * answers false, and the caller's full path (the checked walk and the
 * decoder) decides, as it decides whenever the bytes differ: the
 * outcome is the full path's in every case. */
static __exit_inline bool insn_gpa_fast(const struct domain *d, const struct vcpu_paging_state *st,
					uint64_t gva, uint64_t *gpa, bool plain)
{
	uint64_t table = st->cr3 & PTE_ADDR_MASK, e = 0;
	int level;

	if (!(st->cr0 & CR0_PG)) {
		*gpa = (uint32_t)gva;
		return true;
	}
	if (!(st->efer & EFER_LMA))	/* 4-level: CR4.LA57 is not offered */
		return false;
	for (level = 4; level >= 1; level--) {
		const uint64_t *t = (const uint64_t *)insn_ptr(d, table, PAGE_SIZE, plain);

		if (!t)
			return false;
		e = __atomic_load_n(&t[(gva >> (12 + 9 * (level - 1))) & 511], __ATOMIC_RELAXED);
		if (!(e & PTE_P))
			return false;
		if (level <= 3 && level >= 2 && (e & PTE_PS))
			break;
		table = e & PTE_ADDR_MASK;
	}
	if (level == 0) {
		*gpa = table | (gva & (PAGE_SIZE - 1));
		return true;
	}
	/* A 1 GiB or 2 MiB page. */
	uint64_t size = 1ULL << (12 + 9 * (level - 1));

	*gpa = (e & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1));
	return true;
}

static __exit_inline int fetch_short(const struct domain *d, const struct vcpu_paging_state *st,
				     uint8_t *dst, uint64_t gva, unsigned int len, bool plain)
{
	while (len) {
		unsigned int n = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
		const uint8_t *src;
		uint64_t gpa;

		if (n > len)
			n = len;
		if (!insn_gpa_fast(d, st, gva, &gpa, plain) || !(src = insn_ptr(d, gpa, n, plain)))
			return -EFAULT;
		for (unsigned int i = 0; i < n; i++)
			*dst++ = src[i];
		gva += n;
		len -= n;
	}
	return 0;
}

/* dom0 (its identity map), domains that gave frames back, and bytes
 * across a page border: the general loop, out of the exit path's pages. */
static __attribute__((noinline)) int fetch_short_any(const struct domain *d,
						     const struct vcpu_paging_state *st,
						     uint8_t *dst, uint64_t gva, unsigned int len,
						     bool plain)
{
	return fetch_short(d, st, dst, gva, len, plain);
}

/* Few bytes, no chunk walk, callbacks or memcpy: for the exit path's
 * check of the instruction it exited on (-EFAULT: take the full path).
 * The usual case is asm/guest_insn.h's, which the SVM fast path inlines. */
__exit_handler int fetch_guest_insn_short(struct vcpu *v, const struct vcpu_paging_state *st,
				       uint8_t *dst, uint64_t gva, unsigned int len)
{
	const struct domain *d = v->domain;
	bool plain = !d->identity && !__atomic_load_n(&d->unbacked_pages, __ATOMIC_ACQUIRE);
	const uint8_t *src;

	if (!plain || (gva & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return fetch_short_any(d, st, dst, gva, len, plain);
	src = guest_insn_bytes_quick(d, st->cr0, st->efer, st->cr3, gva, len);
	if (!src)
		return -EFAULT;
	for (unsigned int i = 0; i < len; i++)
		dst[i] = src[i];
	return 0;
}

int copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
	return copy_guest(v, gva, (uint8_t *)src, len, MMU_ACC_WRITE, true, NULL);
}

int copy_guest_insn(struct vcpu *v, uint64_t gva, void *buf, uint64_t len,
		    bool write, bool user, struct guest_fault *fault)
{
	return copy_guest(v, gva, buf, len, (write ? MMU_ACC_WRITE : 0) |
			  (user ? MMU_ACC_USER : 0), true, fault);
}
