/* Reading the I/O APICs' redirection entries. They are dom0's: it
 * programs them through its 1:1 mapping, and Umbra only reads one, when
 * dom0's driver names its event interrupt (common/mgmt_events.c). The
 * registers are indirect (select, then window), so Umbra puts dom0's
 * select back after its read: a dom0 CPU between its own select and
 * window access at that very moment could still be misled, which is why
 * Umbra reads only on dom0's request, once. */
#include <asm/acpi.h>
#include <asm/ioapic.h>
#include <asm/layout.h>
#include <umbra/errno.h>

#define IOREGSEL		0x00	/* byte offsets in the register page */
#define IOWIN			0x10
#define IOAPIC_VER		0x01
#define IOAPIC_VER_MAX_SHIFT	16	/* highest redirection entry, 8 bits */
#define IOAPIC_REDTBL(n)	(0x10 + 2 * (n))

static struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

void ioapics_record(const struct acpi_cpus *cpus)
{
	nr_ioapics = cpus->nr_ioapics;
	for (unsigned int i = 0; i < nr_ioapics; i++)
		ioapics[i] = cpus->ioapic[i];
}

static uint32_t ioapic_read(const struct acpi_ioapic *io, uint32_t reg)
{
	volatile uint32_t *base = phys_to_virt(io->addr);
	uint32_t sel = base[IOREGSEL / 4], val;

	base[IOREGSEL / 4] = reg;
	val = base[IOWIN / 4];
	base[IOREGSEL / 4] = sel;
	return val;
}

int ioapic_read_rte(uint32_t gsi, uint64_t *rte)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		const struct acpi_ioapic *io = &ioapics[i];
		uint32_t pin, max;

		if (gsi < io->gsi_base)
			continue;
		pin = gsi - io->gsi_base;
		max = (ioapic_read(io, IOAPIC_VER) >> IOAPIC_VER_MAX_SHIFT) & 0xff;
		if (pin > max)
			continue;
		*rte = ioapic_read(io, IOAPIC_REDTBL(pin)) |
		       (uint64_t)ioapic_read(io, IOAPIC_REDTBL(pin) + 1) << 32;
		return 0;
	}
	return -ENOENT;
}
