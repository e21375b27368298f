/*
 * pvptattack: the page-table attacks of shared-pt's unit tests
 * (tests/unit/shared-pt/test_attacks.c), issued live by a hostile PV
 * guest on shared page tables. Each attack names an entry of one of its
 * live tables and a value that must never get in; it is tried
 *  - by mmu_update (and update_va_mapping for an L1 entry): Xen's error;
 *  - under writable page tables by a direct store into the read-only
 *    table: an 8-byte MOV, the one 4-byte half that makes the entry
 *    dangerous (or, into an empty entry, the harmless half first and
 *    then the other), LOCK CMPXCHG, LOCK CMPXCHG8B and LOCK CMPXCHG16B:
 *    each must be the guest's #PF (present, write, user);
 * and the entry must read unchanged after every one. The frames named:
 * its own tables, a frame of Umbra's image, the frame past its memory,
 * one the read-only M2P gives to another domain, frames beyond RAM.
 * Then the mmuext_op
 * attacks (type confusion at pin and base-pointer time, unpinning live
 * and foreign tables, tables presented for validation holding the bad
 * entries) and mmu_update's malformed requests. Harmless stores of every
 * width go through, so a refusal is the validation's, not the decoder's.
 * The domain must run on afterwards; its neighbours in the scenario must
 * finish. One line per check ("pvptattack: ok: ..." / "FAIL: ...").
 * paging=shadow (translated) has no page-table types to attack: stores
 * into the hypervisor's L4 slots are refused (#PF), a frame beyond its
 * RAM in an entry is its own #PF at the access (docs/pv.md). With option
 * race, in either mode, a store computed from an entry that changed
 * before its commit is not committed (check_race).
 */
#include <stdbool.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/sched.h>
#include "hypercall.h"
#include "minios.h"
#include "pagetable.h"

const char guest_name[] = "pvptattack";

#define LO	0x00000000ffffffffULL
#define HI	0xffffffff00000000ULL
#define FRAMES_2M	512
#define HV_FRAME	0x200ULL	/* a frame of Umbra's image */
#define HV_DIRECTMAP	0xffff830000100000ULL
#define DATA_FLAGS	(PT_P | PT_W | PT_U | PT_NX | PT_A | PT_D)
#define DIR_RW		(PT_P | PT_W | PT_U | PT_A)
#define DIR_RO		(PT_P | PT_U | PT_A)

static const struct start_info *si;
static uint64_t mfn[5];		/* the tables mapping victim[] */
static bool xlat;

static uint8_t victim[4096] __attribute__((aligned(4096)));
static uint64_t tpage[512] __attribute__((aligned(4096)));

static void check(bool ok, const char *what, const char *how, const char *result)
{
	con_printf("pvptattack: %s: %s | %s: %s\n", ok ? "ok" : "FAIL", what, how, result);
	failures += !ok;
}

static void check_rc(long rc, long want, const char *what, const char *how,
		     const char *result)
{
	check(rc == want, what, how, result);
	if (rc != want)
		con_printf("pvptattack: (got %ld, wanted %ld)\n", rc, want);
}

static uint64_t mfn_of(const void *va)
{
	return ((const uint64_t *)si->mfn_list)[(uint64_t)va >> 12];
}

/* The virtual address of bootstrap table frame mfn, or 0 (the builder
 * maps them read-only at their pseudo-physical addresses). */
static uint64_t table_va(uint64_t mfn)
{
	for (uint64_t i = 0; i < si->nr_pt_frames; i++)
		if (mfn_of((void *)(si->pt_base + i * 4096)) == mfn)
			return si->pt_base + i * 4096;
	return 0;
}

/* Vector raised by a store sequence between labels 1 and 2 (~0: none). */
#define ARM	"lea 2f(%%rip), %%r11; mov %%r11, %[ra]; "

static uint64_t st8(volatile uint64_t *e, uint64_t v)
{
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "movq %[v], (%[p]); 2:"
			 : [ra] "=m"(resume_at) : [p] "r"(e), [v] "r"(v) : "r11", "memory");
	return seen_vector;
}

static uint64_t st4(volatile uint64_t *e, unsigned int half, uint32_t v)
{
	volatile uint32_t *p = (volatile uint32_t *)e + half;

	seen_vector = ~0ULL;
	__asm__ volatile(ARM "movl %[v], (%[p]); 2:"
			 : [ra] "=m"(resume_at) : [p] "r"(p), [v] "r"(v) : "r11", "memory");
	return seen_vector;
}

/* LOCK CMPXCHG with RAX = old; *got is RAX afterwards. */
static uint64_t cx(volatile uint64_t *e, uint64_t old, uint64_t v, uint64_t *got)
{
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "lock cmpxchgq %[v], (%[p]); 2:"
			 : [ra] "=m"(resume_at), "+a"(old)
			 : [p] "r"(e), [v] "r"(v) : "r11", "memory", "cc");
	*got = old;
	return seen_vector;
}

static uint64_t cx8b(volatile uint64_t *e, uint64_t old, uint64_t v)
{
	uint32_t lo = old, hi = old >> 32;

	seen_vector = ~0ULL;
	__asm__ volatile(ARM "lock cmpxchg8b (%[p]); 2:"
			 : [ra] "=m"(resume_at), "+a"(lo), "+d"(hi)
			 : [p] "r"(e), "b"((uint32_t)v), "c"((uint32_t)(v >> 32))
			 : "r11", "memory", "cc");
	return seen_vector;
}

/* LOCK CMPXCHG16B on the aligned pair holding *e, e itself set to v. */
static uint64_t cx16b(volatile uint64_t *e, uint64_t v)
{
	volatile uint64_t *p = (volatile uint64_t *)((uint64_t)e & ~15ULL);
	uint64_t lo = p[0], hi = p[1], nlo = lo, nhi = hi;

	if (p == e)
		nlo = v;
	else
		nhi = v;
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "lock cmpxchg16b (%[p]); 2:"
			 : [ra] "=m"(resume_at), "+a"(lo), "+d"(hi)
			 : [p] "r"(p), "b"(nlo), "c"(nhi) : "r11", "memory", "cc");
	return seen_vector;
}

static long mmu_update1(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = { .ptr = ptr, .val = val };
	unsigned int done = 99;

	return hypercall4(__HYPERVISOR_mmu_update, &u, 1, &done, DOMID_SELF);
}

static long mmuext(unsigned int cmd, uint64_t mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };
	unsigned int done = 99;

	return hypercall4(__HYPERVISOR_mmuext_op, &op, 1, &done, DOMID_SELF);
}

static long remap(const void *va, uint64_t flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va,
			  (mfn_of(va) << 12) | flags, UVMF_INVLPG);
}

/* A live entry to attack: where the guest reads it, its machine address,
 * and for an L1 entry the virtual address it maps. */
struct target {
	volatile uint64_t *e;
	uint64_t maddr;
	uint64_t va;
};

static struct target entry_of(uint64_t table_mfn, unsigned int index, uint64_t va)
{
	uint64_t t = table_va(table_mfn);

	return (struct target){
		.e = t ? &((volatile uint64_t *)t)[index] : 0,
		.maddr = (table_mfn << 12) + index * 8,
		.va = va,
	};
}

/* The page fault of a refused store: present, write, user. */
static bool refused_store(uint64_t vec, const struct target *t, uint64_t c)
{
	return vec == 14 && seen_error == 7 && *t->e == c;
}

static void restore(const struct target *t, uint64_t c)
{
	if (*t->e != c && mmu_update1(t->maddr, c))
		con_printf("pvptattack: FAIL: could not restore an entry after a successful attack\n");
}

static void store_halves(const struct target *t, uint64_t c, uint64_t v, const char *what)
{
	if (((c & HI) | (v & LO)) == v) {
		check(refused_store(st4(t->e, 0, v), t, c), what, "4-byte store of the low half", "#PF");
	} else if (((v & HI) | (c & LO)) == v) {
		check(refused_store(st4(t->e, 1, v >> 32), t, c), what,
		      "4-byte store of the high half", "#PF");
	} else if (c == 0) {
		/* The high half alone leaves the entry not present: taken.
		 * The low half then makes it present: refused. */
		uint64_t vec = st4(t->e, 1, v >> 32), mid = v & HI;

		check(vec == ~0ULL && *t->e == mid, what,
		      "4-byte store of the high half into the empty entry", "taken (not present)");
		check(refused_store(st4(t->e, 0, v), t, mid), what,
		      "then the low half", "#PF");
		restore(t, c);
		return;
	}
	restore(t, c);
}

static const char *err_name(long err)
{
	switch (err) {
	case 0: return "0";
	case XEN_EPERM: return "-EPERM";
	case XEN_EINVAL: return "-EINVAL";
	case XEN_EACCES: return "-EACCES";
	case XEN_EBUSY: return "-EBUSY";
	case XEN_EFAULT: return "-EFAULT";
	case XEN_ENOSYS: return "-ENOSYS";
	}
	return "an error";
}

/* One attack: entry t must never hold v. */
static void attack(const struct target *t, uint64_t v, long err, const char *what)
{
	uint64_t c, got;

	if (!t->e) {
		check(false, what, "finding the entry", "not found");
		return;
	}
	c = *t->e;
	check_rc(mmu_update1(t->maddr, v), -err, what, "mmu_update", err_name(err));
	check(*t->e == c, what, "after mmu_update", "entry unchanged");
	restore(t, c);
	if (t->va) {
		check_rc(hypercall3(__HYPERVISOR_update_va_mapping, t->va, v, UVMF_INVLPG),
			 -err, what, "update_va_mapping", err_name(err));
		restore(t, c);
	}
	check(refused_store(st8(t->e, v), t, c), what, "8-byte store", "#PF");
	restore(t, c);
	store_halves(t, c, v, what);
	check(refused_store(cx(t->e, c, v, &got), t, c), what, "lock cmpxchg", "#PF");
	restore(t, c);
	check(refused_store(cx8b(t->e, c, v), t, c), what, "lock cmpxchg8b", "#PF");
	restore(t, c);
	check(refused_store(cx16b(t->e, v), t, c), what, "lock cmpxchg16b", "#PF");
	restore(t, c);
}

/* The tables on the way to va: mfn[4] is the L4, mfn[1] the L1. */
static bool walk(uint64_t va, uint64_t mfn[5])
{
	mfn[4] = mfn_of((void *)si->pt_base);
	for (int level = 4; level > 1; level--) {
		uint64_t t = table_va(mfn[level]);

		if (!t)
			return false;
		mfn[level - 1] = (((const volatile uint64_t *)t)[(va >> (12 + 9 * (level - 1))) & 511]
				  & PT_ADDR) >> 12;
	}
	return table_va(mfn[1]) != 0;
}

/* A free slot of table mfn at or after index (0: none found). */
static unsigned int free_slot(uint64_t mfn, unsigned int index)
{
	const volatile uint64_t *t = (const volatile uint64_t *)table_va(mfn);

	for (; t && index < 256; index++)
		if (!t[index])
			return index;
	return 0;
}

static uint64_t past_mem;	/* the first machine frame above all of its own */

#define RO_MPT		0xffff800000000000ULL	/* Xen's read-only M2P (slot 256) */
#define M2P_INVALID	(~0ULL)

static uint64_t foreign;	/* a frame the M2P names as another domain's, or 0 */

/* The M2P entry of machine frame m (M2P_INVALID where it is unmapped). */
static uint64_t m2p(uint64_t m)
{
	uint64_t v = M2P_INVALID;

	seen_vector = ~0ULL;
	__asm__ volatile(ARM "mov (%[p]), %[v]; 2:"
			 : [ra] "=m"(resume_at), [v] "+r"(v) : [p] "r"(RO_MPT + m * 8)
			 : "r11", "memory");
	return seen_vector == ~0ULL ? v : M2P_INVALID;
}

/* Another domain's frame: an extent not its own whose first frame the
 * M2P gives a pseudo-physical number (only domains' frames have one). */
static void find_foreign(void)
{
	const uint64_t *p2m = (const uint64_t *)si->mfn_list;

	for (uint64_t m = FRAMES_2M; m < (1ULL << 20) && !foreign; m += FRAMES_2M) {
		uint64_t pfn = m2p(m);

		if (pfn != M2P_INVALID && !(pfn < si->nr_pages && p2m[pfn] == m))
			foreign = m;
	}
}

static void find_frames(void)
{
	uint64_t top = 0;

	for (uint64_t pfn = 0; pfn < si->nr_pages; pfn++) {
		uint64_t m = ((const uint64_t *)si->mfn_list)[pfn];

		if (m > top)
			top = m;
	}
	past_mem = (top | (FRAMES_2M - 1)) + 1;
}

static bool write_faults(void)
{
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "movb $1, (%[p]); 2:"
			 : [ra] "=m"(resume_at) : [p] "r"(victim) : "r11", "memory");
	return seen_vector == 14 && seen_error == 7;
}

/* Harmless stores of every width go through: the path works. */
static void check_harmless(const struct target *t)
{
	uint64_t c = *t->e, ro = c & ~PT_W, got;

	check(st4(t->e, 0, ro) == ~0ULL && *t->e == ro, "harmless: its data page read-only",
	      "4-byte store of the low half", "taken");
	check(write_faults(), "harmless: its data page read-only", "then writing the page", "#PF");
	check(cx(t->e, ro, c, &got) == ~0ULL && *t->e == c && got == ro,
	      "harmless: writable again", "lock cmpxchg", "taken");
	victim[1] = 2;
	check(cx8b(t->e, c, ro) == ~0ULL && *t->e == ro, "harmless: read-only again",
	      "lock cmpxchg8b", "taken");
	check(st4(t->e, 1, c >> 32) == ~0ULL && *t->e == ro, "harmless: the same high half again",
	      "4-byte store of the high half", "taken");
	check(st8(t->e, c) == ~0ULL && *t->e == c, "harmless: writable again", "8-byte store",
	      "taken");
	check(refused_store(cx16b(t->e, ro), t, c), "harmless but 16 bytes (Xen emulates 4 and 8)",
	      "lock cmpxchg16b", "#PF");
	check(cx(t->e, c ^ PT_A, (HV_FRAME << 12) | DATA_FLAGS, &got) == ~0ULL && *t->e == c &&
	      got == c, "a dangerous value whose compare fails", "lock cmpxchg", "no store, RAX = the entry");
	restore(t, c);
	victim[2] = 3;
	check(victim[2] == 3, "harmless: after all of them", "writing the page", "works");
}

/* Option race (Umbra booted with test_pv_ptwr_race=NAME): the entry
 * gets its dirty bit between the emulator's read and its commit, as
 * another vCPU's MMU could set it. A LOCK CMPXCHG expecting the entry
 * without it must then fail, and the bit must survive. */
#define PT_AVL9	(1ULL << 9)

static void check_race(const struct target *t)
{
	uint64_t c = *t->e, mark = (c & ~PT_D) | PT_AVL9, got = 0;

	check(st8(t->e, mark) == ~0ULL && *t->e == mark, "race: its entry marked, not dirty",
	      "8-byte store", "taken");
	check(cx(t->e, mark, mark & ~PT_W, &got) == ~0ULL && *t->e == (mark | PT_D) &&
	      got == (mark | PT_D), "race: dirtied between the emulator's read and commit",
	      "lock cmpxchg", "fails, RAX = the dirty entry, the bit kept");
	if (*t->e != (mark | PT_D))
		con_printf("pvptattack: (entry %lx, rax %lx)\n", *t->e, got);
	check(st8(t->e, c) == ~0ULL && *t->e == c, "race: its entry", "8-byte store", "back");
}

/* Its L1 entry for victim[]: what no leaf may map. */
static void attack_l1(void)
{
	struct target t = entry_of(mfn[1], ((uint64_t)victim >> 12) & 511, (uint64_t)victim);
	uint64_t c = t.e ? *t.e : 0;

	check(t.e && c == ((mfn_of(victim) << 12) | DATA_FLAGS), "its L1 entry for a data page",
	      "read through the bootstrap tables", "found, writable");
	if (!t.e)
		return;
	check_harmless(&t);
	if (guest_option("race"))
		check_race(&t);
	attack(&t, (mfn[1] << 12) | DATA_FLAGS, XEN_EACCES, "L1: its own L1 (itself) writable");
	attack(&t, (mfn[2] << 12) | DATA_FLAGS, XEN_EACCES, "L1: its own L2 writable");
	attack(&t, (mfn[3] << 12) | DATA_FLAGS, XEN_EACCES, "L1: its own L3 writable");
	attack(&t, (mfn[4] << 12) | DATA_FLAGS, XEN_EACCES, "L1: its own L4 writable");
	attack(&t, (HV_FRAME << 12) | (DATA_FLAGS & ~PT_W), XEN_EPERM,
	       "L1: a frame of the hypervisor's image, read-only");
	attack(&t, (past_mem << 12) | DATA_FLAGS, XEN_EPERM,
	       "L1: the machine frame past its memory (not its own)");
	attack(&t, c | (1ULL << 45), XEN_EINVAL, "L1: frame address bit 45 (beyond RAM and MAXPHYADDR)");
	attack(&t, c & ~PT_NX, XEN_EINVAL, "L1: NX cleared on its writable data page (W^X)");
	attack(&t, (mfn_of((void *)check) << 12) | DATA_FLAGS, XEN_EPERM,
	       "L1: a writable alias of its own code");
	check(victim[2] == 3 && (victim[3] = 4) == 4, "after the L1 attacks", "its data page", "still writable");
}

/* A frame the M2P says another domain owns, by every path. */
static void attack_foreign(void)
{
	struct target t = entry_of(mfn[1], ((uint64_t)victim >> 12) & 511, (uint64_t)victim);
	unsigned int s2 = free_slot(mfn[2], 100);
	struct target t2 = entry_of(mfn[2], s2, 0);

	check(foreign != 0, "another domain's frame", "found through the read-only M2P", "found");
	if (!foreign || !s2)
		return;
	con_printf("pvptattack: another domain's frame: machine %lx, its pfn %lx\n", foreign, m2p(foreign));
	attack(&t, (foreign << 12) | (DATA_FLAGS & ~PT_W), XEN_EPERM, "L1: another domain's frame, read-only");
	attack(&t, (foreign << 12) | DATA_FLAGS, XEN_EPERM, "L1: another domain's frame, writable");
	attack(&t2, (foreign << 12) | DIR_RO, XEN_EPERM, "L2: another domain's frame as an L1");
	check_rc(mmu_update1(foreign << 12, 0), -XEN_EPERM, "a write into another domain's frame",
		 "mmu_update", "-EPERM");
	check_rc(mmuext(MMUEXT_PIN_L1_TABLE, foreign), -XEN_EPERM, "pin another domain's frame",
		 "mmuext_op", "-EPERM");
	check_rc(mmuext(MMUEXT_NEW_BASEPTR, foreign), -XEN_EPERM, "new_baseptr to another domain's frame",
		 "mmuext_op", "-EPERM");
}

/* Free slots of its L2, L3 and L4: what no directory may name. */
static void attack_directories(void)
{
	uint64_t extent = mfn[4] & ~(uint64_t)(FRAMES_2M - 1);
	unsigned int s4 = free_slot(mfn[4], 128), s3 = free_slot(mfn[3], 100);
	unsigned int s2 = free_slot(mfn[2], 100);
	struct target t4 = entry_of(mfn[4], s4, 0), t3 = entry_of(mfn[3], s3, 0);
	struct target t2 = entry_of(mfn[2], s2, 0);
	static const unsigned int hv_slots[] = { 256, 260, 262, 271, 511 };
	static const char *const hv_what[] = {
		"L4: its L3 in hypervisor slot 256 (the M2P)",
		"L4: its L3 in hypervisor slot 260 (the frame table)",
		"L4: its L3 in hypervisor slot 262 (the direct map)",
		"L4: its L3 in hypervisor slot 271 (the last)",
		"L4: its L3 in slot 511 (the hypervisor's image)",
	};

	check(s4 && s3 && s2, "free slots in its L4, L3 and L2", "read through the bootstrap tables",
	      "found");
	if (!s4 || !s3 || !s2)
		return;
	attack(&t4, (mfn[4] << 12) | DIR_RW, XEN_EACCES, "L4: its own L4, writable (linear)");
	attack(&t4, (mfn[1] << 12) | DIR_RW, XEN_EBUSY, "L4: its live L1 as an L3 (type confusion)");
	attack(&t4, (mfn[3] << 12) | DIR_RW | PT_PS, XEN_EINVAL, "L4: its L3 with reserved bit 7");
	attack(&t4, (HV_FRAME << 12) | DIR_RO, XEN_EPERM, "L4: a hypervisor frame as an L3");
	attack(&t4, (past_mem << 12) | DIR_RO, XEN_EPERM, "L4: a frame not its own as an L3");
	for (unsigned int i = 0; i < sizeof(hv_slots) / sizeof(hv_slots[0]); i++) {
		struct target h = entry_of(mfn[4], hv_slots[i], 0);

		attack(&h, (mfn[3] << 12) | DIR_RW, XEN_EPERM, hv_what[i]);
	}
	attack(&t3, (mfn[3] << 12) | DIR_RO, XEN_EPERM, "L3: its own L3, read-only (linear)");
	attack(&t3, (mfn[1] << 12) | DIR_RW, XEN_EBUSY, "L3: its live L1 as an L2 (type confusion)");
	attack(&t3, (mfn[4] << 12) | DIR_RO, XEN_EBUSY, "L3: its live L4 as an L2 (type confusion)");
	attack(&t3, (extent << 12) | DIR_RO | PT_PS, XEN_EINVAL, "L3: a 1 GiB page");
	attack(&t3, ((1ULL << 39) << 12) | DIR_RO, XEN_EINVAL, "L3: a frame beyond RAM as an L2");
	attack(&t2, (mfn[2] << 12) | DIR_RW, XEN_EACCES, "L2: its own L2, writable (linear)");
	attack(&t2, (mfn[4] << 12) | DIR_RO, XEN_EBUSY, "L2: its live L4 as an L1 (type confusion)");
	attack(&t2, (mfn[3] << 12) | DIR_RW, XEN_EBUSY, "L2: its live L3 as an L1 (type confusion)");
	/* PV superpages are Xen's -EINVAL (pv_mmu.c): before shared-pt's
	 * -EACCES for one over page tables. */
	attack(&t2, (extent << 12) | DIR_RW | PT_PS | PT_D, XEN_EINVAL,
	       "L2: a writable 2 MiB page over its own page tables");
	attack(&t2, (past_mem << 12) | DIR_RO | PT_PS, XEN_EPERM,
	       "L2: a 2 MiB page of machine memory not its own");
	attack(&t2, (extent << 12) | DIR_RO | PT_PS | (1ULL << 13), XEN_EINVAL,
	       "L2: a 2 MiB page with reserved bit 13");
	attack(&t2, (HV_FRAME << 12) | DIR_RO, XEN_EPERM, "L2: a hypervisor frame as an L1");
}

static bool still_runs(void)
{
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "ud2; 2:" : [ra] "=m"(resume_at) : : "r11", "memory");
	return seen_vector == 6;
}

/* mmuext_op: tables at the wrong level, roots that are not roots,
 * unpinning what is live or not its own. */
static void attack_mmuext(void)
{
	const char *how = "mmuext_op";

	/* A pin of a frame holding another type: Xen's -EINVAL. */
	check_rc(mmuext(MMUEXT_PIN_L2_TABLE, mfn[1]), -XEN_EINVAL, "pin its live L1 as an L2", how, "-EINVAL");
	check_rc(mmuext(MMUEXT_PIN_L1_TABLE, mfn[4]), -XEN_EINVAL, "pin its live L4 as an L1", how, "-EINVAL");
	check_rc(mmuext(MMUEXT_PIN_L1_TABLE, mfn_of(victim)), -XEN_EINVAL,
		 "pin a page it maps writable as an L1", how, "-EINVAL");
	check_rc(mmuext(MMUEXT_PIN_L1_TABLE, past_mem), -XEN_EPERM, "pin a frame not its own", how, "-EPERM");
	check_rc(mmuext(MMUEXT_PIN_L4_TABLE, HV_FRAME), -XEN_EPERM, "pin a hypervisor frame as an L4", how,
		 "-EPERM");
	check_rc(mmuext(MMUEXT_NEW_BASEPTR, mfn[3]), -XEN_EBUSY, "new_baseptr to its live L3", how, "-EBUSY");
	check_rc(mmuext(MMUEXT_NEW_BASEPTR, HV_FRAME), -XEN_EPERM, "new_baseptr to a hypervisor frame", how,
		 "-EPERM");
	check_rc(mmuext(MMUEXT_NEW_USER_BASEPTR, mfn[1]), -XEN_EBUSY, "new_user_baseptr to its live L1", how,
		 "-EBUSY");
	check_rc(mmuext(MMUEXT_UNPIN_TABLE, mfn[3]), -XEN_EINVAL, "unpin its L3 (never pinned)", how,
		 "-EINVAL");
	check_rc(mmuext(MMUEXT_UNPIN_TABLE, past_mem), -XEN_EPERM, "unpin a frame not its own", how, "-EPERM");
	check_rc(mmuext(MMUEXT_UNPIN_TABLE, HV_FRAME), -XEN_EPERM, "unpin a hypervisor frame", how, "-EPERM");
	/* Unpinning the L4 it runs on: its base pointer keeps the table
	 * typed, so it can still not be mapped writable. */
	check_rc(mmuext(MMUEXT_UNPIN_TABLE, mfn[4]), 0, "unpin the L4 it runs on", how, "0");
	check_rc(remap((void *)si->pt_base, DATA_FLAGS), -XEN_EACCES,
		 "its unpinned but live L4 writable", "update_va_mapping", "-EACCES");
	check(still_runs(), "unpinned, its L4", "still in use", "the domain runs on");
	check_rc(mmuext(MMUEXT_PIN_L4_TABLE, mfn[4]), 0, "pin its L4 again", how, "0");
	check_rc(mmuext(MMUEXT_PIN_L4_TABLE, mfn[4]), -XEN_EINVAL, "pin its L4 twice", how, "-EINVAL");
}

/* A table presented for validation (pin) holding one bad entry: refused,
 * and the page can be writable again afterwards. */
static void present(unsigned int cmd, unsigned int index, uint64_t v, long err, const char *what)
{
	for (unsigned int i = 0; i < 512; i++)
		tpage[i] = 0;
	tpage[index] = v;
	if (remap(tpage, PT_P | PT_U | PT_NX | PT_A)) {
		check(false, what, "making the page read-only", "update_va_mapping failed");
		return;
	}
	check_rc(mmuext(cmd, mfn_of(tpage)), -err, what, "pinned (validation)", err_name(err));
	if (!err)
		mmuext(MMUEXT_UNPIN_TABLE, mfn_of(tpage));
	check_rc(remap(tpage, DATA_FLAGS), 0, what, "then the page writable again", "0");
}

static void attack_validation(void)
{
	uint64_t self = mfn_of(tpage);

	present(MMUEXT_PIN_L1_TABLE, 3, (self << 12) | DATA_FLAGS, XEN_EACCES,
		"an L1 mapping itself writable");
	present(MMUEXT_PIN_L1_TABLE, 3, (mfn[2] << 12) | DATA_FLAGS, XEN_EACCES,
		"an L1 mapping its live L2 writable");
	present(MMUEXT_PIN_L1_TABLE, 3, (past_mem << 12) | (DATA_FLAGS & ~PT_W), XEN_EPERM,
		"an L1 mapping a frame not its own");
	present(MMUEXT_PIN_L1_TABLE, 3, (HV_FRAME << 12) | (DATA_FLAGS & ~PT_W), XEN_EPERM,
		"an L1 mapping a hypervisor frame");
	present(MMUEXT_PIN_L2_TABLE, 4, (self << 12) | DIR_RW, XEN_EACCES, "an L2 naming itself");
	/* Type confusion found while pinning is the pin's -EINVAL, as Xen. */
	present(MMUEXT_PIN_L2_TABLE, 4, (mfn[4] << 12) | DIR_RO, XEN_EINVAL, "an L2 naming its live L4");
	present(MMUEXT_PIN_L2_TABLE, 4, ((mfn[4] & ~511ULL) << 12) | DIR_RW | PT_PS, XEN_EINVAL,
		"an L2 with a writable 2 MiB page over its tables");
	present(MMUEXT_PIN_L3_TABLE, 5, (mfn[1] << 12) | DIR_RO, XEN_EINVAL, "an L3 naming its live L1");
	present(MMUEXT_PIN_L4_TABLE, 256, (mfn[3] << 12) | DIR_RW, XEN_EPERM,
		"an L4 with its L3 in hypervisor slot 256");
	present(MMUEXT_PIN_L4_TABLE, 511, (mfn[3] << 12) | DIR_RW, XEN_EPERM,
		"an L4 with its L3 in slot 511 (the hypervisor's image)");
	present(MMUEXT_PIN_L4_TABLE, 7, (self << 12) | DIR_RW, XEN_EACCES,
		"an L4 naming itself writable");
	present(MMUEXT_PIN_L4_TABLE, 7, (mfn[3] << 12) | DIR_RW, 0, "an L4 naming its L3 (harmless)");
	tpage[0] = 5;
	check(tpage[0] == 5, "the presented page", "written after all of them", "works");
}

/* mmu_update's own refusals: commands that are none, the M2P, a batch
 * stopping at its bad entry, another domain's or the hypervisor's frame. */
static void attack_mmu_update(void)
{
	struct target t = entry_of(mfn[1], ((uint64_t)victim >> 12) & 511, (uint64_t)victim);
	uint64_t c = *t.e, ro = c & ~PT_W;
	struct mmu_update b[3] = {
		{ .ptr = t.maddr, .val = ro },
		{ .ptr = t.maddr, .val = (mfn[1] << 12) | DATA_FLAGS },
		{ .ptr = t.maddr, .val = c & ~PT_A },
	};
	unsigned int done = 99;
	long rc;
	const char *how = "mmu_update";

	check_rc(mmu_update1(t.maddr | 4, c), -XEN_ENOSYS, "command 4 (none)", how, "-ENOSYS");
	check_rc(mmu_update1(t.maddr | 7, c), -XEN_ENOSYS, "command 7 (none)", how, "-ENOSYS");
	check_rc(mmu_update1((mfn_of(victim) << 12) | MMU_MACHPHYS_UPDATE, 5), -XEN_EINVAL,
		 "M2P: its frame as another pfn", how, "-EINVAL");
	check_rc(mmu_update1(past_mem << 12, 0), -XEN_EPERM, "a write into a frame not its own", how,
		 "-EPERM");
	check_rc(mmu_update1(HV_FRAME << 12, 0), -XEN_EPERM, "a write into the hypervisor's image", how,
		 "-EPERM");
	check_rc(mmu_update1(~0ULL << 3, 0), -XEN_EINVAL, "a write beyond all memory", how, "-EINVAL");
	rc = hypercall4(__HYPERVISOR_mmu_update, b, 3, &done, DOMID_SELF);
	check(rc == -XEN_EACCES && done == 1 && *t.e == ro, "a batch of three, the second bad",
	      how, "-EACCES, 1 done, the third not applied");
	if (rc != -XEN_EACCES || done != 1)
		con_printf("pvptattack: (got %ld, %u done)\n", rc, done);
	restore(&t, c);
	victim[4] = 5;
	check(*t.e == c && victim[4] == 5, "after the batch", "its entry restored", "writable");
}

/* paging=shadow: its tables are its own memory, hold pseudo-physical
 * frames, and its stores are applied through the shadows (docs/pv.md).
 * It may map them writable; a store into the hypervisor's L4 slots is
 * still its #PF, a frame beyond its RAM in an L1 entry is taken and the
 * access faults, 16 bytes at once are its #PF as on shared tables. */
static void attack_translated(void)
{
	uint64_t l4 = si->pt_base, got;
	volatile uint64_t *hv = &((volatile uint64_t *)l4)[262];
	volatile uint64_t *img = &((volatile uint64_t *)l4)[511];
	uint64_t own = l4 | DIR_RW, c;
	struct target t = { 0 };

	/* Mapped writable (its business when translated), a store into the
	 * hypervisor's slots is still refused by the engine. */
	check_rc(hypercall3(__HYPERVISOR_update_va_mapping, l4, l4 | DATA_FLAGS, UVMF_INVLPG),
		 0, "translated: its live L4 mapped writable", "update_va_mapping", "0");
	check(st4(hv, 0, own) == 14 && seen_error == 7 && *hv == 0,
	      "translated: its L4 slot 262 naming its L4", "4-byte store", "#PF");
	check(cx(img, 0, own, &got) == 14 && seen_error == 7 && *img == 0,
	      "translated: its L4 slot 511 naming its L4", "lock cmpxchg", "#PF");
	check(cx8b(img, 0, own) == 14 && seen_error == 7 && *img == 0,
	      "translated: its L4 slot 511 naming its L4", "lock cmpxchg8b", "#PF");
	check(walk((uint64_t)victim, mfn), "translated: the tables mapping a data page", "walked", "found");
	t = entry_of(mfn[1], ((uint64_t)victim >> 12) & 511, (uint64_t)victim);
	if (!t.e)
		return;
	c = *t.e;
	check_rc(hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)t.e & ~0xfffULL,
			    ((uint64_t)t.e & ~0xfffULL) | DATA_FLAGS, UVMF_INVLPG), 0,
		 "translated: its L1 mapped writable (its business)", "update_va_mapping", "0");
	if (guest_option("race"))
		check_race(&t);	/* committed through the engine, compared as well */
	check(st4(t.e, 1, (c | (1ULL << 45)) >> 32) == ~0ULL && *t.e == (c | (1ULL << 45)),
	      "translated: its L1 naming a frame beyond its RAM", "4-byte store of the high half",
	      "taken (its memory)");
	write_faults();
	check(seen_vector == 14, "translated: the page behind it", "written", "#PF");
	check(cx8b(t.e, c | (1ULL << 45), c) == ~0ULL && *t.e == c, "translated: its L1 entry back",
	      "lock cmpxchg8b", "taken");
	victim[5] = 6;
	check(victim[5] == 6, "translated: its data page", "written", "works again");
	check(cx16b(t.e, c & ~PT_W) == 14 && *t.e == c, "translated: 16 bytes into its L1",
	      "lock cmpxchg16b", "#PF");
	check(hypercall3(__HYPERVISOR_update_va_mapping, l4, l4 | (DATA_FLAGS & ~PT_W), UVMF_INVLPG) == 0,
	      "translated: its L4", "update_va_mapping", "read-only again");
	seen_vector = ~0ULL;
	__asm__ volatile(ARM "mov (%[p]), %%r11; 2:" : [ra] "=m"(resume_at) : [p] "r"(HV_DIRECTMAP)
			 : "r11", "memory");
	check(seen_vector == 14 && seen_error == (umbra_xpti() ? 4 : 5),
	      "translated: the hypervisor's direct map", "read",
	      umbra_xpti() ? "#PF, not present (xpti)" : "#PF, present, user");
	check(still_runs(), "translated: after all of it", "the domain", "runs on");
}

int guest_main(const struct start_info *start)
{
	si = start;
	probe_all_vectors();
	expect(trap_init() == 0, "set_trap_table");
	xlat = xen_translated();
	victim[0] = 1;
	if (xlat) {
		attack_translated();
	} else {
		expect(hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
				  VMASST_TYPE_writable_pagetables) == 0,
		       "vm_assist enables writable page tables");
		/* First, while the neighbours surely still run. */
		find_foreign();
		expect(walk((uint64_t)victim, mfn), "the tables mapping a data page, through the bootstrap tables");
		find_frames();
		attack_l1();
		attack_directories();
		attack_foreign();
		attack_mmuext();
		attack_validation();
		attack_mmu_update();
		check(still_runs() && victim[0] == 1 && (victim[0] = 2) == 2, "after every attack",
		      "its trap table and data page", "the domain runs on");
	}
	hv_sched_op(SCHEDOP_yield, NULL);
	con_printf("pvptattack: %u failed\n", failures);
	return failures ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
