/*
 * The public ABI headers: all of them together in one translation unit,
 * and the constants that are spelled as numbers but mean strings.
 * (Structure sizes and offsets are checked at compile time by the
 * headers themselves.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/elfnote.h>
#include <public/hvm/start_info.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>

/* The 12 signature bytes CPUID returns in EBX, ECX, EDX. */
static void signature(uint32_t ebx, uint32_t ecx, uint32_t edx, char out[13])
{
	memcpy(out, &ebx, 4);
	memcpy(out + 4, &ecx, 4);
	memcpy(out + 8, &edx, 4);
	out[12] = '\0';
}

static void test_cpuid_signatures(void **state)
{
	char sig[13];

	(void)state;
	signature(XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
		  XEN_CPUID_SIGNATURE_EDX, sig);
	assert_string_equal(sig, "XenVMMXenVMM");
	signature(UMBRA_CPUID_SIGNATURE_EBX, UMBRA_CPUID_SIGNATURE_ECX,
		  UMBRA_CPUID_SIGNATURE_EDX, sig);
	assert_string_equal(sig, UMBRA_CPUID_SIGNATURE);
	assert_int_equal(strlen(UMBRA_CPUID_SIGNATURE), sizeof(((struct umbra_identity *)0)->signature));
	/* Xen's leaves sit above Umbra's, at the next 0x100 boundary. */
	assert_true(UMBRA_CPUID_MAX_LEAF < XEN_CPUID_BASE);
	assert_int_equal(XEN_CPUID_BASE, 0x40000100);
}

static void test_pvh_magic_spells_xEn3(void **state)
{
	uint32_t magic = XEN_HVM_START_MAGIC_VALUE;
	uint8_t b[4];

	(void)state;
	memcpy(b, &magic, 4);
	assert_int_equal(b[0], 'x');
	assert_int_equal(b[1], 'E' | 0x80);
	assert_int_equal(b[2], 'n');
	assert_int_equal(b[3], '3');
	assert_int_equal(XEN_HVM_START_INFO_V0_SIZE,
			 offsetof(struct hvm_start_info, memmap_paddr));
}

static void test_hypercall_numbers(void **state)
{
	(void)state;
	assert_int_equal(__HYPERVISOR_xen_version, 17);
	assert_int_equal(__HYPERVISOR_console_io, 18);
	assert_int_equal(__HYPERVISOR_sched_op, 29);
	assert_int_equal(__HYPERVISOR_event_channel_op, 32);
	assert_int_equal(__HYPERVISOR_hvm_op, 34);
	/* Umbra's own call has a stub in the one-page hypercall table. */
	assert_true(__HYPERVISOR_umbra_op < XEN_NR_HYPERCALLS);
	assert_true((__HYPERVISOR_umbra_op + 1) * XEN_HYPERCALL_STUB_SIZE <= 4096);
	assert_true(__HYPERVISOR_umbra_op > __HYPERVISOR_arch_7);
	assert_int_equal(XEN_ELFNOTE_PHYS32_ENTRY, 18);
	assert_int_equal(SCHEDOP_shutdown, 2);
	assert_int_equal(SHUTDOWN_crash, 3);
	assert_int_equal(EVTCHNOP_alloc_unbound, 6);
	assert_int_equal(DOMID_SELF, 0x7ff0);
}

static void test_shared_info_fits_a_page(void **state)
{
	(void)state;
	assert_true(sizeof(struct shared_info) <= 4096);
	assert_true(sizeof(struct start_info) <= 4096);
	/* 64 words of 64 pending bits: the 2-level ABI's 4096 ports. */
	assert_int_equal(sizeof(((struct shared_info *)0)->evtchn_pending) * 8,
			 EVTCHN_2L_NR_CHANNELS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_signatures),
		cmocka_unit_test(test_pvh_magic_spells_xEn3),
		cmocka_unit_test(test_hypercall_numbers),
		cmocka_unit_test(test_shared_info_fits_a_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
