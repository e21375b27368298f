/* The 2-level and PAE walks: each test writes a few entries into a small
 * pretend physical memory and checks the translation or the exact #PF
 * error code, and the accessed/dirty updates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mmu/walk32.h"

#define MEM_PAGES	16
#define PG(n)		((uint64_t)(n) << 12)
#define P		PTE_P
#define RW		(PTE_P | PTE_W)
#define URW		(PTE_P | PTE_W | PTE_U)

static uint8_t *mem;
static struct mmu_tables tabs;

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, MEM_PAGES * 4096);
	memset(mem, 0, MEM_PAGES * 4096);
	tabs = (struct mmu_tables){ .direct_base = (uintptr_t)mem };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static uint32_t *e32(uint64_t table, unsigned int i)
{
	return (uint32_t *)(mem + table) + i;
}

static uint64_t *e64(uint64_t table, unsigned int i)
{
	return (uint64_t *)(mem + table) + i;
}

static const struct mmu_mode two_level = { .cr0 = MMU_CR0_WP };
static const struct mmu_mode pse = { .cr0 = MMU_CR0_WP, .cr4 = MMU_CR4_PSE };
static const struct mmu_mode pae = { .cr0 = MMU_CR0_WP, .cr4 = MMU_CR4_PAE,
				     .efer = MMU_EFER_NXE, .maxphyaddr = 40 };

/* va 0x00403123: PDE 1, PTE 3. */
static void test_2level_4k(void **state)
{
	struct mmu_walk w;

	(void)state;
	*e32(PG(1), 1) = (uint32_t)(PG(2) | URW);
	*e32(PG(2), 3) = (uint32_t)(PG(7) | URW);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x00403123, MMU_ACC_WRITE,
				    MMU_WALK_SET_AD, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, PG(7) + 0x123);
	assert_int_equal(w.level, 1);
	assert_true(*e32(PG(1), 1) & PTE_A);
	assert_true(*e32(PG(2), 3) & PTE_D);
	assert_false(*e32(PG(1), 1) & PTE_D);
}

/* Bits 21:13 of a PTE are address bits, reserved only in a 4 MiB PDE
 * (they were once checked in PTEs too: frame 0xff0 made a #PF). */
static void test_2level_pte_high_address_bits(void **state)
{
	struct mmu_walk w;

	(void)state;
	*e32(PG(1), 0) = (uint32_t)(PG(2) | URW);
	*e32(PG(2), 5) = (uint32_t)(0x00ff0000 | URW);	/* bits 23:16: 21 and 20:16 */
	assert_int_equal(mmu_walk32(&pse, &tabs, PG(1), 0x5008, 0, 0, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, 0x00ff0008);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x5008, 0, 0, &w), MMU_WALK_OK);
	/* A 4 MiB PDE with bit 21 set is reserved. */
	*e32(PG(1), 1) = (uint32_t)(0x00600000 | PTE_PS | URW);
	assert_int_equal(mmu_walk32(&pse, &tabs, PG(1), 0x00400000, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_RSVD);
}

static void test_2level_not_present_and_user(void **state)
{
	struct mmu_walk w;

	(void)state;
	*e32(PG(1), 1) = (uint32_t)(PG(2) | RW);	/* supervisor only */
	*e32(PG(2), 3) = (uint32_t)(PG(7) | URW);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x00404000, 0, 0, &w),
			 MMU_WALK_PF);
	assert_int_equal(w.error_code, 0);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x00403000, MMU_ACC_USER,
				    0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_U);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x00800000, MMU_ACC_WRITE,
				    0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_W);
}

/* A PS PDE is a 4 MiB page only with CR4.PSE; PSE-36 bits give 39:32. */
static void test_pse_4m(void **state)
{
	struct mmu_walk w;

	(void)state;
	*e32(PG(1), 2) = (uint32_t)(0x01000000 | (0x3u << 13) | PTE_PS | URW);
	assert_int_equal(mmu_walk32(&pse, &tabs, PG(1), 0x00912345, 0, 0, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, 0x301112345ULL);
	assert_int_equal(w.level, 2);
	/* Without PSE, PS is ignored: the PDE points to a page table. */
	*e32(PG(1), 2) = (uint32_t)(PG(3) | PTE_PS | URW);
	*e32(PG(3), 0x112) = (uint32_t)(PG(9) | URW);
	assert_int_equal(mmu_walk32(&two_level, &tabs, PG(1), 0x00912345, 0, 0, &w),
			 MMU_WALK_OK);
	assert_int_equal(w.addr, PG(9) + 0x345);
	/* Bit 21 of a 4 MiB leaf is reserved. */
	*e32(PG(1), 2) = (uint32_t)(0x01000000 | (1u << 21) | PTE_PS | URW);
	assert_int_equal(mmu_walk32(&pse, &tabs, PG(1), 0x00912345, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_RSVD);
}

/* PAE: the PDPT is 32-byte aligned anywhere in a page. va 0x80603123:
 * PDPTE 2, PDE 3, PTE 3. */
static void test_pae_4k_and_2m(void **state)
{
	struct mmu_walk w;
	uint64_t cr3 = PG(1) + 0x40;

	(void)state;
	*e64(PG(1), 8 + 2) = PG(2) | P;
	*e64(PG(2), 3) = PG(3) | URW;
	*e64(PG(3), 3) = PG(7) | URW | PTE_NX;
	*e64(PG(2), 4) = 0x40200000ULL | PTE_PS | URW;
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0x80603123, MMU_ACC_WRITE,
				    MMU_WALK_SET_AD, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, PG(7) + 0x123);
	assert_true(*e64(PG(3), 3) & PTE_D);
	assert_false(*e64(PG(1), 8 + 2) & PTE_A);	/* PDPTEs are never written */
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0x80603123, MMU_ACC_FETCH, 0, &w),
			 MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_ID);
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0x80912345, 0, 0, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, 0x40312345ULL);
	assert_int_equal(w.level, 2);
}

static void test_pae_pdpte_faults(void **state)
{
	struct mmu_walk w;
	uint64_t cr3 = PG(1);

	(void)state;
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0xc0000000, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, 0);
	assert_int_equal(w.level, 3);
	*e64(PG(1), 3) = PG(2) | P | PTE_W;	/* R/W is reserved in a PDPTE */
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0xc0000000, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_RSVD);
	*e64(PG(1), 3) = (1ULL << 45) | P;	/* above MAXPHYADDR */
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0xc0000000, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_RSVD);
	*e64(PG(1), 3) = PG(2) | P | PTE_D;	/* D is reserved in a PDPTE */
	assert_int_equal(mmu_walk32(&pae, &tabs, cr3, 0xc0000000, 0, 0, &w), MMU_WALK_PF);
	assert_int_equal(w.error_code, MMU_PF_P | MMU_PF_RSVD);
}

/* A (bit 5) in a PDPTE is tolerated: QEMU 7.2's TCG sets it (walk32.h). */
static void test_pae_pdpte_accessed_tolerated(void **state)
{
	struct mmu_walk w;

	(void)state;
	*e64(PG(1), 3) = PG(2) | P | PTE_A;
	*e64(PG(2), 0) = PG(3) | URW;
	*e64(PG(3), 1) = PG(7) | URW;
	assert_int_equal(mmu_walk32(&pae, &tabs, PG(1), 0xc0001010, MMU_ACC_WRITE,
				    MMU_WALK_SET_AD, &w), MMU_WALK_OK);
	assert_int_equal(w.addr, PG(7) + 0x10);
	assert_int_equal(*e64(PG(1), 3), PG(2) | P | PTE_A);	/* left as it was */
}

static void test_bad_arguments(void **state)
{
	struct mmu_walk w;

	(void)state;
	assert_int_equal(mmu_walk32(&pae, &tabs, 0, 0, MMU_ACC_FETCH | MMU_ACC_WRITE, 0, &w),
			 -EINVAL);
	assert_int_equal(mmu_walk32(&pae, &tabs, 0, 0, 0, MMU_WALK_PHYS_INPUT, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_2level_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2level_pte_high_address_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2level_not_present_and_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pse_4m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_4k_and_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_pdpte_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_pdpte_accessed_tolerated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
