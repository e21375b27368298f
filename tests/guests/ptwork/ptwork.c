/*
 * ptwork: the paging workload. Builds NR_SPACES address spaces with its
 * own 4-level tables, then runs a seeded random sequence of operations:
 * switch CR3, map and unmap pages (the same frames in several places and
 * spaces), flip write permission, drop whole page tables, read and write
 * through the mappings (with the faults a missing or read-only mapping
 * must raise), with INVLPG or a CR3 reload where x86 requires one. Every
 * result is checked against a model, and everything observed goes into a
 * checksum, so runs under nested paging, shadow paging and bare QEMU can
 * be compared line for line.
 *   ops=N       number of operations (default 2000)
 *   seed=N      PRNG seed (default 1)
 *   pte=rmw     update live entries with locked read-modify-write
 *               instructions instead of MOVs (same results expected)
 *   start_ms=N  wait until N ms of guest time before building anything
 *               (to run while another domain is busy)
 */
#include "cpu.h"
#include "ptwork.h"
#include "runtime.h"

const char guest_name[] = "ptwork";

int guest_main(const struct hvm_start_info *si)
{
	uint64_t boot_cr3 = read_cr3();
	int rc;

	(void)si;
	while (guest_time_ns() < guest_option_u64("start_ms=", 0) * 1000000)
		__asm__ __volatile__("pause");
	/* Read-only mappings must fault for the kernel too. */
	write_cr0(read_cr0() | CR0_WP);
	rc = ptwork_run(guest_option_u64("ops=", 2000), guest_option_u64("seed=", 1),
			guest_word_in_list(guest_option("pte="), "rmw"));
	write_cr3(boot_cr3);
	return rc;
}
