/* The I/O APICs' redirection entries. They are dom0's: it programs
 * them, but its writes exit (the pages are read-only in its NPT) and
 * Umbra makes each one unless the entry would then aim at a CPU that is
 * not dom0's (ioapic_guarded_write). Umbra itself only reads one, when
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

unsigned int ioapics_nr(void)
{
	return nr_ioapics;
}

uint64_t ioapic_addr(unsigned int i)
{
	return i < nr_ioapics ? ioapics[i].addr : 0;
}

int ioapic_at(uint64_t page)
{
	for (unsigned int i = 0; i < nr_ioapics; i++)
		if ((ioapics[i].addr & ~0xfffULL) == page)
			return (int)i;
	return -1;
}

uint32_t ioapic_mmio_read(unsigned int i, uint32_t off)
{
	return ((volatile uint32_t *)phys_to_virt(ioapics[i].addr))[off / 4];
}

/* A write to the window of a redirection register (select 0x10 and up;
 * those beyond the last entry the hardware ignores) is checked as the
 * whole entry it leaves: the other half is read with the select moved
 * to it and put back. dom0's Linux serialises its own accesses. */
int ioapic_guarded_write(unsigned int i, uint32_t off, uint32_t val,
			 bool (*ok)(uint64_t rte, void *arg), void *arg, uint64_t *rte)
{
	volatile uint32_t *base = phys_to_virt(ioapics[i].addr);
	uint32_t sel, other;

	if (off != IOWIN) {
		base[off / 4] = val;
		return 0;
	}
	sel = base[IOREGSEL / 4] & 0xff;
	if (sel < IOAPIC_REDTBL(0)) {
		base[IOWIN / 4] = val;
		return 0;
	}
	base[IOREGSEL / 4] = sel ^ 1;
	other = base[IOWIN / 4];
	base[IOREGSEL / 4] = sel;
	*rte = sel & 1 ? (uint64_t)val << 32 | other : (uint64_t)other << 32 | val;
	if (!ok(*rte, arg))
		return -EPERM;
	base[IOWIN / 4] = val;
	return 0;
}
