/*
 * HVM parameters (Xen's numbering). HVM_PARAM_CALLBACK_IRQ tells the
 * hypervisor how to signal events: the type is in bits 63:56; Umbra
 * offers type 2, a vector in bits 7:0 raised as a virtual interrupt.
 */
#ifndef UMBRA_PUBLIC_HVM_PARAMS_H
#define UMBRA_PUBLIC_HVM_PARAMS_H

#define HVM_PARAM_CALLBACK_IRQ			0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT	56
#define HVM_PARAM_CALLBACK_TYPE_GSI		0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX	1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR		2

/* The xenstore ring and PV console of a domain: frame and event channel
 * (Xen's numbers). A domain dom0 created has both (public/mgmt.h,
 * struct umbra_mgmt_rings); one built from a boot module has neither, and
 * reading them gives -ENOENT. The guest may not set them (-EPERM). */
#define HVM_PARAM_STORE_PFN			1
#define HVM_PARAM_STORE_EVTCHN			2
#define HVM_PARAM_CONSOLE_PFN			17
#define HVM_PARAM_CONSOLE_EVTCHN		18

#endif
