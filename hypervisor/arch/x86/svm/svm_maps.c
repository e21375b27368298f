/* The I/O and MSR permission maps, shared by every vCPU: every port is
 * intercepted; MSRs are intercepted except those VMLOAD/VMSAVE switch. */
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/svm/svm.h>
#include <asm/x86.h>
#include <umbra/errno.h>
#include <umbra/string.h>

#define IOPM_PAGES	3
#define MSRPM_PAGES	2

uint64_t svm_iopm_pa;
uint64_t svm_msrpm_pa;

/* The image is loaded physically contiguous, so its own pages serve where
 * the CPU wants several contiguous frames. */
static uint8_t iopm[IOPM_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t msrpm[MSRPM_PAGES * 4096] __attribute__((aligned(4096)));

/* Two bits per MSR (read, write) in three 2 KiB ranges. */
static void msr_passthrough(uint8_t *map, uint32_t msr)
{
	uint32_t base;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000 && msr < 0xc0002000)
		base = 0x800, msr -= 0xc0000000;
	else if (msr >= 0xc0010000 && msr < 0xc0012000)
		base = 0x1000, msr -= 0xc0010000;
	else
		return;
	map[base + msr / 4] &= (uint8_t)~(3u << (2 * (msr % 4)));
}

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
		msr_passthrough(msrpm, passthrough_msrs[i]);
	return 0;
}
