/* NMIs Umbra sends on purpose (arch/x86/nmi.c). */
#ifndef ASM_NMI_H
#define ASM_NMI_H

#include <stdbool.h>
#include <stdint.h>

/* In the NMI handler: true if the NMI was sent on purpose and is dealt
 * with; a CPU asked to stop never returns. */
bool nmi_claim(void);

/* Take every other CPU back by NMI and stop it there (dom0's pCPUs too:
 * their NMIs exit): for a panic, a fatal trap or power-off. The CPUs that
 * stopped within 100 ms, as a mask; 0 if another CPU is already doing it. */
uint64_t nmi_stop_other_cpus(void);

/* Make dom0's vCPU on pCPU cpu exit now: an NMI that Umbra claims and
 * that injects nothing (every interrupt on that pCPU is dom0's). */
void nmi_kick_cpu(unsigned int cpu);

#endif
