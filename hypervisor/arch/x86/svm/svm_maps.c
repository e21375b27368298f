/* The I/O and MSR permission maps, shared by every vCPU: every port is
 * intercepted; MSRs are intercepted except those VMLOAD/VMSAVE switch. */
#include <asm/layout.h>
#include <asm/svm/svm.h>
#include <asm/x86.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/string.h>

#define IOPM_PAGES	3
#define MSRPM_PAGES	2

uint64_t svm_iopm_pa;
uint64_t svm_msrpm_pa;

static uint64_t alloc_contiguous(unsigned int pages)
{
	/* A 2 MiB extent is the allocator's only contiguous unit. */
	uint64_t pa = alloc_extent_2m_phys();

	if (pa)
		memset(phys_to_virt(pa), 0xff, pages * 4096);
	return pa;
}

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
	0xc0000100, 0xc0000101, 0xc0000102,	/* FS, GS, KERNEL_GS base */
	0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR..SFMASK */
	0x174, 0x175, 0x176,			/* SYSENTER */
};

int svm_global_init(void)
{
	uint8_t *msrpm;

	svm_iopm_pa = alloc_contiguous(IOPM_PAGES);
	svm_msrpm_pa = alloc_contiguous(MSRPM_PAGES);
	if (!svm_iopm_pa || !svm_msrpm_pa)
		return -ENOMEM;
	msrpm = phys_to_virt(svm_msrpm_pa);
	for (unsigned int i = 0; i < sizeof(passthrough_msrs) / sizeof(passthrough_msrs[0]); i++)
		msr_passthrough(msrpm, passthrough_msrs[i]);
	return 0;
}
