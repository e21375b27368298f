/*
 * Guest rings on a Linux host, until the hypervisor connection exists.
 * INTRODUCE <domid> <mfn> <port> maps DIR/page-<mfn> (the 4 KiB ring page,
 * a shared file) and uses two FIFOs as the event channel:
 * DIR/evtchn-<port>.up (guest -> store) and DIR/evtchn-<port>.down
 * (store -> guest). One byte written to a FIFO is one notification.
 */
#ifndef VMSTORED_RING_HOST_H
#define VMSTORED_RING_HOST_H

struct ep_loop;

/* Serve INTRODUCEd domains' rings from files in dir, in loop. */
void ring_host_enable(struct ep_loop *loop, const char *dir);

#endif
