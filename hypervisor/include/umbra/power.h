/*
 * Powering the machine off and resetting it, on dom0's behalf: dom0 asks
 * the firmware's way (ACPI PM1 control with SLP_EN and S5's SLP_TYP, the
 * FADT's reset register, port 0xcf9, the keyboard controller's pulse);
 * Umbra intercepts those writes, stops every other domain, says so, then
 * does it itself (hypervisor/common/dom0_power.c; the hardware side in
 * hypervisor/arch/x86/power.c).
 */
#ifndef UMBRA_POWER_H
#define UMBRA_POWER_H

#include <stdbool.h>
#include <stdint.h>

struct boot_info;

/* Find the power registers (ACPI) and have dom0's writes to them
 * intercepted. Once at boot, before dom0 is built. */
void power_init(const struct boot_info *bi);

/* dom0 wrote val (size bytes) to port: true when Umbra took the write
 * (a power-off or reset it carried out, or a sleep it refused), false
 * when it goes to the hardware as it is. */
bool power_dom0_port_write(uint16_t port, unsigned int size, uint32_t val);

/* The hardware side: never returns if the machine does as asked. */
void machine_power_off(void);
void machine_reset(void);

/* dom0 asked for it: stop the other domains, report, then do it. */
void dom0_power_request(bool reset);

#endif
