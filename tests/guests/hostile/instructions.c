/*
 * Instruction attacks: SVM and other privileged instructions a guest
 * might use to escape (#UD, as on a CPU without SVM), everything
 * privileged from CPL 3 (#GP, and hypercalls -EPERM), MSRs the guest must
 * not reach (#GP), and ports that would reset or power off the machine
 * (ignored; reads return all-ones).
 */
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>
#include <public/umbra.h>
#include <public/version.h>

#include "cpu.h"
#include "hostile.h"
#include "hypercall.h"
#include "io.h"
#include "runtime.h"

#define MSR_TSC			0x10
#define MSR_APIC_BASE		0x1b
#define MSR_SYSENTER_ESP	0x175
#define MSR_VM_CR		0xc0010114
#define MSR_VM_HSAVE_PA		0xc0010117
#define EFER_LME		(1ULL << 8)
#define EFER_LMA		(1ULL << 10)
#define EFER_SVME		(1ULL << 12)

/* Each runs one instruction; the caller checks the exception. */
#define INSN_FN(name, text, ...) \
	static void name(void *arg) \
	{ \
		(void)arg; \
		__asm__ __volatile__(text ::__VA_ARGS__); \
	}

static uint8_t scratch_page[4096] __attribute__((aligned(4096)));

INSN_FN(do_vmrun, "vmrun", "a"(scratch_page) : "memory")
INSN_FN(do_vmload, "vmload", "a"(scratch_page) : "memory")
INSN_FN(do_vmsave, "vmsave", "a"(scratch_page) : "memory")
INSN_FN(do_stgi, "stgi")
INSN_FN(do_clgi, "clgi")
INSN_FN(do_skinit, "skinit", "a"(scratch_page))
INSN_FN(do_invlpga, "invlpga", "a"(scratch_page), "c"(0))
INSN_FN(do_monitor, "monitor", "a"(scratch_page), "c"(0), "d"(0))
INSN_FN(do_mwait, "mwait", "a"(0), "c"(0))
INSN_FN(do_rsm, "rsm")
INSN_FN(do_xsetbv, "xsetbv", "a"(1), "c"(0), "d"(0))
INSN_FN(do_invd, "invd")
INSN_FN(do_wbinvd, "wbinvd")

void attack_svm(void)
{
	static const struct {
		const char *what;
		void (*fn)(void *);
		int want;
	} insns[] = {
		{ "vmrun", do_vmrun, TRAP_UD },
		{ "vmload", do_vmload, TRAP_UD },
		{ "vmsave", do_vmsave, TRAP_UD },
		{ "stgi", do_stgi, TRAP_UD },
		{ "clgi", do_clgi, TRAP_UD },
		{ "skinit", do_skinit, TRAP_UD },
		{ "invlpga", do_invlpga, TRAP_UD },
		{ "monitor", do_monitor, TRAP_UD },
		{ "mwait", do_mwait, TRAP_UD },
		{ "rsm", do_rsm, TRAP_UD },
		{ "xsetbv (no XSAVE offered)", do_xsetbv, TRAP_UD },
		{ "invd (harmless)", do_invd, NO_TRAP },
		{ "wbinvd (harmless)", do_wbinvd, NO_TRAP },
	};
	unsigned int i;

	for (i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
		expect_trap(insns[i].what, insns[i].fn, NULL, insns[i].want);
	check_that("EFER.SVME is set underneath but SVM is not offered in CPUID",
		   !(cpuid(0x80000001, 0).ecx & (1u << 2)), cpuid(0x80000001, 0).ecx);
}

/* User mode: hypercalls are refused, privileged instructions fault. */
static long user_console_write(void *arg)
{
	(void)arg;
	return hv_console_write("hostile: THIS LINE MUST NOT APPEAR\n", 35);
}

static long user_shutdown(void *arg)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };

	(void)arg;
	return hv_sched_op(SCHEDOP_shutdown, &s);
}

static long user_xen_version(void *arg)
{
	(void)arg;
	return hv_xen_version(XENVER_version, NULL);
}

static long user_identity(void *arg)
{
	return hv_umbra_op(UMBRAOP_identity, arg);
}

#define USER_INSN_FN(name, text, ...) \
	static long name(void *arg) \
	{ \
		(void)arg; \
		__asm__ __volatile__(text ::__VA_ARGS__); \
		return 0; \
	}

USER_INSN_FN(user_hlt, "hlt")
USER_INSN_FN(user_cli, "cli")
USER_INSN_FN(user_rdmsr, "rdmsr", "c"(MSR_EFER) : "rax", "rdx")
USER_INSN_FN(user_wrmsr, "wrmsr", "c"(MSR_EFER), "a"(0), "d"(0))
USER_INSN_FN(user_inb, "inb %%dx, %%al", "d"(0x3f8) : "rax")
USER_INSN_FN(user_outb, "outb %%al, %%dx", "d"(0xf4), "a"(0))
USER_INSN_FN(user_write_cr3, "mov %0, %%cr3", "r"(0ULL) : "memory")
USER_INSN_FN(user_invlpg, "invlpg (%0)", "r"(scratch_page) : "memory")
USER_INSN_FN(user_wbinvd, "wbinvd")
USER_INSN_FN(user_lidt, "lidt (%0)", "r"(scratch_page))

void attack_user(void)
{
	static const struct {
		const char *what;
		long (*fn)(void *);
	} hypercalls[] = {
		{ "console_io(write) from CPL 3", user_console_write },
		{ "sched_op(shutdown) from CPL 3", user_shutdown },
		{ "xen_version from CPL 3", user_xen_version },
		{ "umbra_op(identity) from CPL 3", user_identity },
	}, privileged[] = {
		{ "hlt at CPL 3", user_hlt },
		{ "cli at CPL 3", user_cli },
		{ "rdmsr at CPL 3", user_rdmsr },
		{ "wrmsr at CPL 3", user_wrmsr },
		{ "in from COM1 at CPL 3", user_inb },
		{ "out to the debug-exit port at CPL 3", user_outb },
		{ "mov to cr3 at CPL 3", user_write_cr3 },
		{ "invlpg at CPL 3", user_invlpg },
		{ "wbinvd at CPL 3", user_wbinvd },
		{ "lidt at CPL 3", user_lidt },
	};
	struct umbra_identity id;
	struct trap_record rec;
	unsigned int i;
	long ret;

	for (i = 0; i < sizeof(hypercalls) / sizeof(hypercalls[0]); i++) {
		memset(&id, 0, sizeof(id));
		if (user_call(hypercalls[i].fn, &id, &ret, &rec))
			check_rc(hypercalls[i].what, ret, -XEN_EPERM);
		else
			check_trap(hypercalls[i].what, true, &rec, NO_TRAP);
	}
	check_that("identity from CPL 3 wrote nothing", id.signature[0] == 0,
		   (uint8_t)id.signature[0]);
	for (i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++)
		expect_user_trap(privileged[i].what, privileged[i].fn, NULL, TRAP_GP);
	/* Still a CPL-0 kernel afterwards. */
	check_rc("xen_version from CPL 0 after the user tests",
		 hv_xen_version(XENVER_version, NULL), UMBRA_XEN_COMPAT_VERSION);
}

struct msr_access {
	uint32_t msr;
	bool write;
	uint64_t value;
};

static void access_msr(void *p)
{
	struct msr_access *m = p;
	uint32_t lo, hi;

	if (m->write) {
		__asm__ __volatile__("wrmsr" : : "c"(m->msr), "a"((uint32_t)m->value),
				     "d"((uint32_t)(m->value >> 32)) : "memory");
		return;
	}
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(m->msr));
	m->value = ((uint64_t)hi << 32) | lo;
}

static void msr_gp(const char *what, uint32_t msr, bool write, uint64_t value)
{
	struct msr_access m = { msr, write, value };

	expect_trap(what, access_msr, &m, TRAP_GP);
	expected.msr_unhandled++;
}

static uint64_t msr_read_ok(const char *what, uint32_t msr)
{
	struct msr_access m = { msr, false, 0 };

	expect_trap(what, access_msr, &m, NO_TRAP);
	return m.value;
}

void attack_msr(void)
{
	uint64_t efer, apic;
	struct msr_access m;

	msr_gp("rdmsr 0xdeadbeef (no such MSR)", 0xdeadbeef, false, 0);
	msr_gp("wrmsr 0xdeadbeef (no such MSR)", 0xdeadbeef, true, 1);
	msr_gp("rdmsr VM_CR", MSR_VM_CR, false, 0);
	msr_gp("rdmsr VM_HSAVE_PA", MSR_VM_HSAVE_PA, false, 0);
	msr_gp("wrmsr VM_HSAVE_PA", MSR_VM_HSAVE_PA, true, 0x1000);
	efer = msr_read_ok("rdmsr EFER", MSR_EFER);
	check_that("EFER reads with LME and LMA set, SVME clear",
		   (efer & (EFER_LME | EFER_LMA | EFER_SVME)) == (EFER_LME | EFER_LMA), efer);
	msr_gp("wrmsr EFER with SVME", MSR_EFER, true, efer | EFER_SVME);
	check_that("EFER unchanged", msr_read_ok("rdmsr EFER again", MSR_EFER) == efer, efer);
	msr_gp("wrmsr hypercall page MSR past RAM", XEN_HYPERCALL_MSR, true, domain_mem_end());
	msr_gp("wrmsr hypercall page MSR, not page aligned", XEN_HYPERCALL_MSR, true, 0x1001);
	msr_gp("wrmsr APIC_BASE over RAM", MSR_APIC_BASE, true, 0x800);
	msr_gp("wrmsr APIC_BASE with reserved bits", MSR_APIC_BASE, true, 0xfee00801);
	m = (struct msr_access){ MSR_APIC_BASE, true, 0 };
	expect_trap("wrmsr APIC_BASE = 0 (the vLAPIC globally disabled)", access_msr, &m,
		    NO_TRAP);
	apic = msr_read_ok("rdmsr APIC_BASE", MSR_APIC_BASE);
	check_that("APIC_BASE disabled, BSP kept", apic == 0x100, apic);
	m = (struct msr_access){ MSR_APIC_BASE, true, 0xfee00800 };
	expect_trap("wrmsr APIC_BASE back at 0xfee00000, enabled", access_msr, &m, NO_TRAP);
	apic = msr_read_ok("rdmsr APIC_BASE", MSR_APIC_BASE);
	check_that("APIC_BASE 0xfee00000, enabled", (apic & ~0x1ffULL) == 0xfee00800ULL, apic);
}

static void outs_from(void *p)
{
	__asm__ __volatile__("rep outsb" : "+S"(p) : "c"(4), "d"(0x80) : "memory");
}

static void pci_config_probe(void)
{
	uint32_t l;
	uint16_t w;

	__asm__ __volatile__("outl %0, %w1" : : "a"(0x80000000u), "Nd"(0xcf8));
	__asm__ __volatile__("inl %w1, %0" : "=a"(l) : "Nd"(0xcfc));
	__asm__ __volatile__("inw %w1, %0" : "=a"(w) : "Nd"(0xcfc));
	check_that("PCI config data reads all-ones (32 bit)", l == 0xffffffffu, l);
	check_that("PCI config data reads all-ones (16 bit)", w == 0xffff, w);
	expected.io_unhandled += 3;
}

void attack_io(void)
{
	uint8_t buf[4] = { 0 }, v;
	void *dst = buf;
	uint32_t n = 4;

	v = inb(0x80);
	check_that("inb 0x80 reads 0xff", v == 0xff, v);
	outb(0x70, 0x00);
	v = inb(0x71);
	check_that("CMOS index written, data port reads 0xff", v == 0xff, v);
	expected.io_unhandled += 3;
	pci_config_probe();
	/* Each of these would end the whole machine if it reached QEMU. */
	outb(0xf4, 0x00);
	outb(0xcf9, 0x06);
	outb(0x64, 0xfe);
	expected.io_unhandled += 3;
	check_that("debug-exit, reset-control and keyboard-reset writes ignored", true, 0);
	__asm__ __volatile__("rep insb" : "+D"(dst), "+c"(n) : "d"(0x80) : "memory");
	check_that("rep insb from 0x80 fills all-ones",
		   buf[0] == 0xff && buf[1] == 0xff && buf[2] == 0xff && buf[3] == 0xff, buf[3]);
	expected.io_unhandled += 4;
	expect_trap("rep outsb from a buffer past RAM", outs_from,
		    (void *)(uintptr_t)domain_mem_end(), TRAP_GP);
	expected.guest_faults++;
	/* Above the 4 GiB the boot tables map: a kernel read of a
	 * not-present page, error code 0. */
	expect_trap("rep outsb at CPL 0 from an unmapped page", outs_from,
		    (void *)(uintptr_t)(8ULL << 30), TRAP_PF);
	expected.guest_faults++;
}
