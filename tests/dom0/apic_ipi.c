/*
 * apic_ipi MODE DEST: dom0 user space sends an interprocessor interrupt
 * through its local APIC (an mmap of /dev/mem at the xAPIC page, which
 * Debian's kernel allows): MODE is init, nmi or fixed (vector 0xf0), DEST
 * the physical APIC ID. Prints "apic_ipi: MODE to DEST: sent, ICR now X"
 * and then "apic_ipi: done". Under Umbra, an IPI to a CPU that is not
 * dom0's must not arrive: Umbra refuses it (its CPUs and domains go on).
 * MODE msi-init writes an INIT message to DEST where devices write their
 * message-signalled interrupts (0xfee00000 + DEST << 12), and reg0-init
 * the same message to the APIC page's reserved offset 0: QEMU delivers
 * CPU writes to either as a device's interrupt. They print
 * "apic_ipi: MODE to DEST: written".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define APIC_BASE	0xfee00000UL
#define ICR_LO		0x300
#define ICR_HI		0x310
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_INIT	(5u << 8)
#define ICR_NMI		(4u << 8)
#define ICR_FIXED	0u
#define MSI_WINDOW_SIZE	0x100000UL

/* The message's data has the ICR's low-word layout. */
static int write_msi(int fd, const char *mode, uint32_t dest, uint32_t data)
{
	volatile uint32_t *win;
	size_t off = strcmp(mode, "msi-init") == 0 ? (size_t)(dest & 0xff) << 12 : 0;

	win = mmap(NULL, MSI_WINDOW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, APIC_BASE);
	if (win == MAP_FAILED) {
		printf("apic_ipi: mmap of the MSI window: failed (%s)\n", strerror(errno));
		return 1;
	}
	win[off / 4] = data;
	printf("apic_ipi: %s to %u: written\n", mode, dest);
	printf("apic_ipi: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	volatile uint32_t *apic;
	uint32_t icr, dest;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: apic_ipi init|nmi|fixed|msi-init|reg0-init APIC-ID\n");
		return 2;
	}
	if (!strcmp(argv[1], "init"))
		icr = ICR_INIT | ICR_LEVEL_ASSERT;
	else if (!strcmp(argv[1], "nmi"))
		icr = ICR_NMI | ICR_LEVEL_ASSERT;
	else if (!strcmp(argv[1], "fixed"))
		icr = ICR_FIXED | ICR_LEVEL_ASSERT | 0xf0;
	else if (!strcmp(argv[1], "msi-init") || !strcmp(argv[1], "reg0-init"))
		icr = ICR_INIT | ICR_LEVEL_ASSERT;
	else
		return 2;
	dest = (uint32_t)strtoul(argv[2], NULL, 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("apic_ipi: open /dev/mem: failed (%s)\n", strerror(errno));
		return 1;
	}
	apic = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, APIC_BASE);
	if (apic == MAP_FAILED) {
		printf("apic_ipi: mmap of the APIC: failed (%s)\n", strerror(errno));
		return 1;
	}
	if (strcmp(argv[1], "msi-init") == 0 || strcmp(argv[1], "reg0-init") == 0)
		return write_msi(fd, argv[1], dest, icr);
	apic[ICR_HI / 4] = dest << 24;
	apic[ICR_LO / 4] = icr;
	printf("apic_ipi: %s to %u: sent, ICR now %08x\n", argv[1], dest, apic[ICR_LO / 4]);
	printf("apic_ipi: done\n");
	return 0;
}
