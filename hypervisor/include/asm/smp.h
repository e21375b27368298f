#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <asm/acpi.h>

/* Start every CPU in cpus except the caller; returns how many came up. */
unsigned int smp_boot_secondaries(const struct acpi_cpus *cpus);
/* Per-CPU bring-up shared by the boot CPU and the APs. */
/* Let the APs, parked since boot, enter the scheduler. */
void smp_release_secondaries(void);
void cpu_early_init_this_cpu(unsigned int cpu);
void cpu_init_this_cpu(unsigned int cpu);
void cpu_reload_ist_this_cpu(void);

#endif
