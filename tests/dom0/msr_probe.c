/*
 * msr_probe: dom0 user space tries to switch its CPU 0's local APIC to
 * x2APIC mode (EXTD, bit 10 of IA32_APIC_BASE) through /dev/cpu/0/msr
 * (the msr module, which dom0's /init loads). In x2APIC mode the ICR is
 * an MSR, out of reach of Umbra's filter on the APIC page, so Umbra
 * refuses the write with #GP, as a CPU without x2APIC does; the msr
 * driver turns that into EIO. Prints
 *   msr_probe: APIC_BASE VALUE
 *   msr_probe: set EXTD: refused (ERROR) | accepted
 *   msr_probe: APIC_BASE after: VALUE
 *   msr_probe: x2APIC ICR read: refused (ERROR) | VALUE
 *   msr_probe: done
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MSR_APIC_BASE	0x1b
#define MSR_X2APIC_ICR	0x830
#define APIC_BASE_EXTD	(1ULL << 10)

int main(void)
{
	uint64_t base, after, icr;
	int fd = open("/dev/cpu/0/msr", O_RDWR);

	if (fd < 0) {
		printf("msr_probe: open /dev/cpu/0/msr: failed (%s)\n", strerror(errno));
		return 1;
	}
	if (pread(fd, &base, sizeof(base), MSR_APIC_BASE) != sizeof(base)) {
		printf("msr_probe: read APIC_BASE: failed (%s)\n", strerror(errno));
		return 1;
	}
	printf("msr_probe: APIC_BASE %#" PRIx64 "\n", base);
	after = base | APIC_BASE_EXTD;
	if (pwrite(fd, &after, sizeof(after), MSR_APIC_BASE) != sizeof(after))
		printf("msr_probe: set EXTD: refused (%s)\n", strerror(errno));
	else
		printf("msr_probe: set EXTD: accepted\n");
	if (pread(fd, &after, sizeof(after), MSR_APIC_BASE) != sizeof(after)) {
		printf("msr_probe: read APIC_BASE: failed (%s)\n", strerror(errno));
		return 1;
	}
	printf("msr_probe: APIC_BASE after: %#" PRIx64 "\n", after);
	if (pread(fd, &icr, sizeof(icr), MSR_X2APIC_ICR) != sizeof(icr))
		printf("msr_probe: x2APIC ICR read: refused (%s)\n", strerror(errno));
	else
		printf("msr_probe: x2APIC ICR read: %#" PRIx64 "\n", icr);
	printf("msr_probe: done\n");
	return 0;
}
