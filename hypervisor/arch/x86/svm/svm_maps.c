/* The I/O and MSR permission maps. Every domain but dom0 shares one pair:
 * every port is intercepted; MSRs are, except those VMLOAD/VMSAVE switch.
 * dom0 owns the machine's devices and has its own pair: everything passes
 * through but what Umbra keeps. */
#include <stdbool.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/svm/svm.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <umbra/errno.h>
#include <umbra/string.h>

#define IOPM_PAGES	3
#define MSRPM_PAGES	2

uint64_t svm_iopm_pa;
uint64_t svm_msrpm_pa;
uint64_t svm_dom0_iopm_pa;
uint64_t svm_dom0_msrpm_pa;

/* The image is loaded physically contiguous, so its own pages serve where
 * the CPU wants several contiguous frames. */
static uint8_t iopm[IOPM_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm[MSRPM_PAGES * 4096] __attribute__((aligned(4096)));
/* dom0 owns the devices: its ports and MSRs pass through, but for these. */
static uint8_t dom0_iopm[IOPM_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t dom0_msrpm[MSRPM_PAGES * 4096] __attribute__((aligned(4096)));

/* Two bits per MSR (read, write) in three 2 KiB ranges; an MSR outside
 * them always exits. */
static void msr_set_intercept(uint8_t *map, uint32_t msr, bool intercept)
{
	uint32_t base;
	uint8_t bits;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000 && msr < 0xc0002000)
		base = 0x800, msr -= 0xc0000000;
	else if (msr >= 0xc0010000 && msr < 0xc0012000)
		base = 0x1000, msr -= 0xc0010000;
	else
		return;
	bits = (uint8_t)(3u << (2 * (msr % 4)));
	if (intercept)
		map[base + msr / 4] |= bits;
	else
		map[base + msr / 4] &= (uint8_t)~bits;
}

/* What dom0 must not touch on its pCPU: EFER (SVME stays on and hidden),
 * the SVM MSRs, the TSC (Umbra's clock), the APIC base and the x2APIC
 * ICR (an unfiltered IPI). */
static const uint32_t dom0_intercepted_msrs[] = {
	MSR_EFER, MSR_VM_CR, MSR_VM_HSAVE_PA, MSR_TSC,
	MSR_APIC_BASE,	/* moving its APIC would escape the write-protected page */
	MSR_X2APIC_ICR,	/* #GP: x2APIC stays off (svm_msr.c), but never an IPI */
};

static const uint32_t passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
};

int svm_global_init(void)
{
	memset(iopm, 0xff, sizeof(iopm));
	memset(msrpm, 0xff, sizeof(msrpm));
	svm_iopm_pa = virt_to_phys(iopm);
	svm_msrpm_pa = virt_to_phys(msrpm);
	for (unsigned int i = 0; i < sizeof(passthrough_msrs) / sizeof(passthrough_msrs[0]); i++)
		msr_set_intercept(msrpm, passthrough_msrs[i], false);
	memset(dom0_iopm, 0, sizeof(dom0_iopm));
	memset(dom0_msrpm, 0, sizeof(dom0_msrpm));
	for (unsigned int i = 0; i < sizeof(dom0_intercepted_msrs) / sizeof(uint32_t); i++)
		msr_set_intercept(dom0_msrpm, dom0_intercepted_msrs[i], true);
	/* COM2 is Umbra's console once dom0 has COM1. */
	for (unsigned int port = COM2_PORT; port < COM2_PORT + UART_NR_PORTS; port++)
		dom0_iopm[port / 8] |= (uint8_t)(1u << (port % 8));
	svm_dom0_iopm_pa = virt_to_phys(dom0_iopm);
	svm_dom0_msrpm_pa = virt_to_phys(dom0_msrpm);
	svm_cpuid_init();
	return 0;
}

void hvm_dom0_trap_port(uint16_t port)
{
	dom0_iopm[port / 8] |= (uint8_t)(1u << (port % 8));
}
