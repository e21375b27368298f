/* SVM exit codes by management exit reason (svm_exit_category.c): each
 * code the SVM back end intercepts lands in its reason, everything else
 * in OTHER, and no code reaches past the reasons the ABI counts. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "asm/svm/exit_category.h"
#include "asm/svm/vmcb.h"
#include "public/mgmt.h"

static void test_named_codes(void **state)
{
	(void)state;
	assert_int_equal(svm_exit_category(VMEXIT_CPUID), UMBRA_EXIT_CPUID);
	assert_int_equal(svm_exit_category(VMEXIT_MSR), UMBRA_EXIT_MSR);
	assert_int_equal(svm_exit_category(VMEXIT_IOIO), UMBRA_EXIT_IO);
	assert_int_equal(svm_exit_category(VMEXIT_NPF), UMBRA_EXIT_NPF);
	assert_int_equal(svm_exit_category(VMEXIT_VMMCALL), UMBRA_EXIT_HYPERCALL);
	assert_int_equal(svm_exit_category(VMEXIT_HLT), UMBRA_EXIT_HLT);
	assert_int_equal(svm_exit_category(VMEXIT_INTR), UMBRA_EXIT_INTR);
	assert_int_equal(svm_exit_category(VMEXIT_NMI), UMBRA_EXIT_INTR);
	assert_int_equal(svm_exit_category(VMEXIT_CR0_READ), UMBRA_EXIT_CR);
	assert_int_equal(svm_exit_category(VMEXIT_CR3_WRITE), UMBRA_EXIT_CR);
	assert_int_equal(svm_exit_category(VMEXIT_CR4_WRITE), UMBRA_EXIT_CR);
	assert_int_equal(svm_exit_category(VMEXIT_EXCP_PF), UMBRA_EXIT_EXCEPTION);
	assert_int_equal(svm_exit_category(VMEXIT_EXCP_UD), UMBRA_EXIT_EXCEPTION);
	assert_int_equal(svm_exit_category(VMEXIT_EXCP_BASE + 31), UMBRA_EXIT_EXCEPTION);
}

static void test_others(void **state)
{
	const uint32_t others[] = {
		0x20 /* DR0 read */, 0x3f, VMEXIT_VINTR, VMEXIT_RDTSC, VMEXIT_PAUSE,
		VMEXIT_INVLPG, VMEXIT_SHUTDOWN, VMEXIT_VMRUN, VMEXIT_WBINVD,
		VMEXIT_XSETBV, VMEXIT_INVALID, 0x401, 0x7fffffff,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(svm_exit_category(others[i]), UMBRA_EXIT_OTHER);
}

static void test_every_code_in_range(void **state)
{
	unsigned int seen[UMBRA_EXIT_NR] = { 0 };

	(void)state;
	for (uint32_t code = 0; code < 0x1000; code++) {
		unsigned int cat = svm_exit_category(code);

		assert_true(cat <= UMBRA_EXIT_OTHER);
		seen[cat]++;
	}
	/* Every reason the ABI names is reachable. */
	for (unsigned int cat = 0; cat <= UMBRA_EXIT_OTHER; cat++)
		assert_true(seen[cat] > 0);
	assert_int_equal(seen[UMBRA_EXIT_CR], 32);
	assert_int_equal(seen[UMBRA_EXIT_EXCEPTION], 32);
	assert_int_equal(seen[UMBRA_EXIT_INTR], 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_codes),
		cmocka_unit_test(test_others),
		cmocka_unit_test(test_every_code_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
