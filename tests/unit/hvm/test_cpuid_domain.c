/* A domain's copy of the host CPUID leaves (svm_cpuid.c, asm/cpuid_leaves.h):
 * what the exit path answers from it is what the CPU and the policy
 * (cpuid_policy.c) give when asked live, for a domU's vCPUs (leaf 1 with
 * the vCPU's own APIC ID) and for dom0 (whose leaf 1 is read live), and
 * a leaf outside the copy is not answered from it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "asm/cpuid_policy.h"
#include "asm/svm/svm.h"
#include "asm/x86.h"
#include "umbra/domain.h"

uint64_t tsc_khz = 1000000;

void svm_skip_insn(struct vcpu *v, uint32_t usual)
{
	(void)v;
	(void)usual;
}

static const uint32_t copied[] = {
	0x0, 0x1, 0x2, 0x3, 0x5, 0x6, 0xa, 0x16,
	0x80000000, 0x80000001, 0x80000002, 0x80000003, 0x80000004,
	0x80000005, 0x80000006, 0x80000007, 0x80000008, 0x8000000a,
	0x80000019, 0x8000001a, 0x8000001f,
};

static struct domain dom;
static struct vcpu vcpus[4];
static const struct identity_map dom0_map;

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	dom.nr_vcpus = 4;
	for (unsigned int i = 0; i < 4; i++) {
		vcpus[i].domain = &dom;
		vcpus[i].id = i;
		dom.vcpus[i] = &vcpus[i];
	}
	svm_cpuid_init();
	return 0;
}

static void expect_live(struct vcpu *v, uint32_t leaf)
{
	struct cpuid_regs want = cpuid_count(leaf, 0), got;

	cpuid_filter_host_leaf(v, leaf, &want);
	assert_true(cpuid_domain_leaf(v, leaf, &got));
	assert_int_equal(got.eax, want.eax);
	assert_int_equal(got.ebx, want.ebx);
	assert_int_equal(got.ecx, want.ecx);
	assert_int_equal(got.edx, want.edx);
}

static void test_domu_copy_is_the_policy(void **state)
{
	(void)state;
	svm_cpuid_domain_init(&dom);
	for (unsigned int v = 0; v < 4; v++)
		for (unsigned int i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
			expect_live(&vcpus[v], copied[i]);
}

static void test_domu_leaf1_per_vcpu(void **state)
{
	struct cpuid_regs r;

	(void)state;
	svm_cpuid_domain_init(&dom);
	for (unsigned int v = 0; v < 4; v++) {
		assert_true(cpuid_domain_leaf(&vcpus[v], 1, &r));
		assert_int_equal(r.ebx >> 24, v);		/* initial APIC ID */
		assert_int_equal((r.ebx >> 16) & 0xff, 4);	/* logical processors */
		assert_true(r.ecx & L1_ECX_HYPERVISOR);
		assert_false(r.ecx & L1_ECX_X2APIC);
	}
}

static void test_dom0_leaf1_live(void **state)
{
	struct cpuid_regs r;

	(void)state;
	dom.identity = &dom0_map;
	svm_cpuid_domain_init(&dom);
	assert_false(cpuid_domain_leaf(&vcpus[0], 1, &r));
	for (unsigned int i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		if (copied[i] != 1)
			expect_live(&vcpus[0], copied[i]);
	assert_true(cpuid_domain_leaf(&vcpus[0], 0x80000001, &r));
	assert_false(r.ecx & X1_ECX_SVM);
	dom.identity = NULL;
}

static void test_other_leaves_not_copied(void **state)
{
	const uint32_t others[] = {
		0x4, 0x7, 0xb, 0xd, 0x1f, 0x20, 0x40000000, 0x40000100, 0x4000ffff,
		0x7fffffff, 0x80000009, 0x8000001d, 0x80000020, 0xc0000000, 0xffffffff,
	};
	struct cpuid_regs r;

	(void)state;
	svm_cpuid_domain_init(&dom);
	for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_false(cpuid_domain_leaf(&vcpus[1], others[i], &r));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
		T(test_domu_copy_is_the_policy),
		T(test_domu_leaf1_per_vcpu),
		T(test_dom0_leaf1_live),
		T(test_other_leaves_not_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
