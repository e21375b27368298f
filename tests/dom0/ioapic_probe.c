/*
 * ioapic_probe: dom0 user space programs a redirection entry of the I/O
 * APIC (an mmap of /dev/mem at 0xfec00000, which Debian's kernel allows
 * with iomem=relaxed) on an idle, masked pin from 16 to 22: an ordinary
 * entry (fixed, vector 0xee, to APIC ID 0: dom0's CPU 0) and entries
 * aimed elsewhere: fixed to APIC ID UMBRA (a CPU that is not dom0's), a
 * logical destination with a bit of no dom0 CPU (0x80), NMI to APIC ID
 * 0, and INIT to UMBRA. Under Umbra the ordinary one sticks and the
 * others are refused: read back, the entry is as it was (masked). The
 * pin's entry is put back at the end. Prints, per case,
 *   ioapic_probe: CASE: wrote HI:LO, reads HI:LO: taken|kept
 * then "ioapic_probe: done".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define IOAPIC_BASE	0xfec00000UL
#define IOREGSEL	0
#define IOWIN		4		/* in 32-bit words */
#define REDTBL(pin)	(0x10 + 2 * (pin))
#define RTE_MASKED	(1u << 16)
#define RTE_LOGICAL	(1u << 11)
#define DM_NMI		(4u << 8)
#define DM_INIT		(5u << 8)

static volatile uint32_t *io;

static uint32_t rd(uint32_t reg)
{
	io[IOREGSEL] = reg;
	return io[IOWIN];
}

static void wr(uint32_t reg, uint32_t val)
{
	io[IOREGSEL] = reg;
	io[IOWIN] = val;
}

/* As Linux does: the destination (high half), then the rest. */
static void try_entry(const char *what, unsigned int pin, uint32_t hi, uint32_t lo,
		      uint32_t orig_hi, uint32_t orig_lo)
{
	uint32_t rhi, rlo;

	wr(REDTBL(pin), orig_lo | RTE_MASKED);
	wr(REDTBL(pin) + 1, orig_hi);
	wr(REDTBL(pin) + 1, hi);
	wr(REDTBL(pin), lo);
	rhi = rd(REDTBL(pin) + 1);
	rlo = rd(REDTBL(pin));
	printf("ioapic_probe: %s: wrote %08x:%08x, reads %08x:%08x: %s\n", what, hi, lo, rhi,
	       rlo, rhi == hi && rlo == lo ? "taken" : "kept");
	wr(REDTBL(pin), orig_lo | RTE_MASKED);
	wr(REDTBL(pin) + 1, orig_hi);
}

int main(int argc, char **argv)
{
	uint32_t umbra, hi, lo;
	unsigned int pin, max;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: ioapic_probe UMBRA-APIC-ID\n");
		return 2;
	}
	umbra = (uint32_t)strtoul(argv[1], NULL, 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("ioapic_probe: open /dev/mem: failed (%s)\n", strerror(errno));
		return 1;
	}
	io = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, IOAPIC_BASE);
	if (io == MAP_FAILED) {
		printf("ioapic_probe: mmap of the I/O APIC: failed (%s)\n", strerror(errno));
		return 1;
	}
	max = (rd(1) >> 16) & 0xff;
	for (pin = 16; pin <= 22 && pin <= max; pin++)
		if (rd(REDTBL(pin)) & RTE_MASKED)
			break;
	if (pin > 22 || pin > max) {
		printf("ioapic_probe: no idle pin from 16 to 22\n");
		return 1;
	}
	lo = rd(REDTBL(pin));
	hi = rd(REDTBL(pin) + 1);
	printf("ioapic_probe: pin %u of %u: %08x:%08x\n", pin, max + 1, hi, lo);
	try_entry("fixed to 0", pin, 0u << 24, 0xee, hi, lo);
	try_entry("fixed to umbra", pin, umbra << 24, 0xee, hi, lo);
	try_entry("logical 0x80", pin, 0x80u << 24, RTE_LOGICAL | 0xee, hi, lo);
	try_entry("NMI to 0", pin, 0u << 24, DM_NMI, hi, lo);
	try_entry("INIT to umbra", pin, umbra << 24, DM_INIT, hi, lo);
	wr(REDTBL(pin), lo);
	wr(REDTBL(pin) + 1, hi);
	printf("ioapic_probe: restored %08x:%08x\n", rd(REDTBL(pin) + 1), rd(REDTBL(pin)));
	printf("ioapic_probe: done\n");
	return 0;
}
