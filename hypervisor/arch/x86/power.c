/* The machine's power-off and reset registers (umbra/power.h): found in
 * the FADT, watched in dom0's I/O permission map, written by Umbra. */
#include <asm/acpi.h>
#include <asm/hvm.h>
#include <asm/x86.h>
#include <umbra/multiboot2.h>
#include <umbra/power.h>
#include <umbra/printk.h>

#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1u << 13)
#define RST_CNT_PORT		0xcf9	/* chipset reset control */
#define RST_CNT_SYS_RST		0x02	/* full reset, not only the CPU */
#define RST_CNT_RST_CPU		0x04	/* 0 -> 1 starts the reset */
#define KBC_CMD_PORT		0x64
#define KBC_PULSE_RESET		0xfe	/* pulse output line 0: CPU reset */

static struct acpi_power acpi;

static void trap(uint16_t port, unsigned int n)
{
	for (unsigned int i = 0; port && i < n; i++)
		hvm_dom0_trap_port((uint16_t)(port + i));
}

void power_init(const struct boot_info *bi)
{
	if (acpi_find_power(bi->rsdp, bi->rsdp_len, &acpi))
		pr_warn("power: no FADT: dom0 can power off only by the chipset's own ways\n");
	else
		pr_info("power: PM1a control %#x, PM1b %#x, S5 SLP_TYP %s%u, reset register %#x\n",
			acpi.pm1a_cnt, acpi.pm1b_cnt, acpi.s5_known ? "" : "unknown, any: ",
			acpi.s5_typ_a, acpi.reset_port);
	trap(acpi.pm1a_cnt, 2);
	trap(acpi.pm1b_cnt, 2);
	trap(acpi.reset_port, 1);
	trap(RST_CNT_PORT, 1);
	trap(KBC_CMD_PORT, 1);
}

/* SLP_EN with S5's type is power-off. Any other sleep state would stop
 * the whole machine under Umbra's domains: refused. */
static bool pm1_write(uint16_t port, unsigned int size, uint32_t val)
{
	unsigned int typ = (val & PM1_SLP_TYP_MASK) >> PM1_SLP_TYP_SHIFT;
	uint8_t s5 = port == acpi.pm1b_cnt && port != acpi.pm1a_cnt ? acpi.s5_typ_b
								 : acpi.s5_typ_a;

	if (size < 2 || !(val & PM1_SLP_EN))
		return false;
	if (acpi.s5_known && typ != s5) {
		pr_warn("power: dom0 asked for sleep type %u; only power-off (S5) is done\n", typ);
		return true;
	}
	dom0_power_request(false);
	return true;
}

bool power_dom0_port_write(uint16_t port, unsigned int size, uint32_t val)
{
	if (port && (port == acpi.pm1a_cnt || port == acpi.pm1b_cnt))
		return pm1_write(port, size, val);
	if (size == 1 && ((port == RST_CNT_PORT && (val & RST_CNT_RST_CPU)) ||
			  (port == KBC_CMD_PORT && val == KBC_PULSE_RESET) ||
			  (acpi.reset_port && port == acpi.reset_port &&
			   val == acpi.reset_value))) {
		dom0_power_request(true);
		return true;
	}
	return false;
}

void machine_power_off(void)
{
	uint16_t a = (uint16_t)(PM1_SLP_EN | (acpi.s5_typ_a << PM1_SLP_TYP_SHIFT));
	uint16_t b = (uint16_t)(PM1_SLP_EN | (acpi.s5_typ_b << PM1_SLP_TYP_SHIFT));

	/* As ACPI asks: the type first, then the type with SLP_EN. */
	if (acpi.pm1a_cnt) {
		outw(acpi.pm1a_cnt, (uint16_t)((inw(acpi.pm1a_cnt) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN)) |
					       (a & PM1_SLP_TYP_MASK)));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, (uint16_t)(b & PM1_SLP_TYP_MASK));
		outw(acpi.pm1a_cnt, (uint16_t)((inw(acpi.pm1a_cnt) & ~PM1_SLP_TYP_MASK) | a));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, b);
	}
}

void machine_reset(void)
{
	if (acpi.reset_port)
		outb(acpi.reset_port, acpi.reset_value);
	outb(RST_CNT_PORT, RST_CNT_SYS_RST);
	outb(RST_CNT_PORT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
	outb(KBC_CMD_PORT, KBC_PULSE_RESET);
}
