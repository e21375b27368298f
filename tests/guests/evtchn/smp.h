/* role=smp of the evtchn guest (smp.c). */
#ifndef EV_SMP_H
#define EV_SMP_H

void smp_role(void);

#endif
