/*
 * xen_version(cmd, arg): what the hypervisor says about itself. Numbers
 * and buffer sizes follow Xen's public version.h.
 */
#ifndef UMBRA_PUBLIC_VERSION_H
#define UMBRA_PUBLIC_VERSION_H

#include "xen.h"

#define XENVER_version			0	/* returns (major << 16) | minor */
#define XENVER_extraversion		1	/* arg: xen_extraversion_t */
#define XENVER_compile_info		2	/* arg: struct xen_compile_info */
#define XENVER_capabilities		3	/* arg: xen_capabilities_info_t */
#define XENVER_changeset		4	/* arg: xen_changeset_info_t */
#define XENVER_platform_parameters	5	/* arg: struct xen_platform_parameters */
#define XENVER_get_features		6	/* arg: struct xen_feature_info */
#define XENVER_pagesize			7	/* returns the page size */
#define XENVER_guest_handle		8	/* arg: xen_domain_handle_t */
#define XENVER_commandline		9	/* arg: xen_commandline_t */
#define XENVER_build_id			10	/* arg: struct xen_build_id */

#define XEN_EXTRAVERSION_LEN		16
#define XEN_CAPABILITIES_INFO_LEN	1024
#define XEN_CHANGESET_INFO_LEN		64
#define XEN_COMMANDLINE_LEN		1024
#define XEN_DOMAIN_HANDLE_LEN		16	/* XENVER_guest_handle: a UUID */

/* XENVER_platform_parameters.virt_start as Xen reports it to 64-bit
 * guests: the start of its PV hole. */
#define XEN_HYPERVISOR_VIRT_START	0xffff800000000000ULL

#ifndef __ASSEMBLY__

typedef char xen_extraversion_t[XEN_EXTRAVERSION_LEN];
typedef char xen_capabilities_info_t[XEN_CAPABILITIES_INFO_LEN];
typedef char xen_changeset_info_t[XEN_CHANGESET_INFO_LEN];
typedef char xen_commandline_t[XEN_COMMANDLINE_LEN];

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
UMBRA_ABI_SIZE(struct xen_compile_info, 144);

struct xen_platform_parameters {
	xen_ulong_t virt_start;	/* start of the hypervisor's virtual hole */
};

/* A 32-bit caller's (Xen's compat layout); Xen gives an HVM vCPU 0. */
struct compat_platform_parameters {
	uint32_t virt_start;
};
UMBRA_ABI_SIZE(struct compat_platform_parameters, 4);

/* Feature bits (Xen's features.h numbering), reported 32 at a time:
 * submap_idx selects the word. */
#define XENFEAT_writable_page_tables	0	/* page tables need no hypercall */
#define XENFEAT_auto_translated_physmap	2	/* guest frames are translated */
#define XENFEAT_pae_pgdir_above_4gb	4	/* PAE directories anywhere (vm_assist) */
#define XENFEAT_mmu_pt_update_preserve_ad 5	/* mmu_update's MMU_PT_UPDATE_PRESERVE_AD */
#define XENFEAT_hvm_callback_vector	8	/* HVM_PARAM_CALLBACK_IRQ takes a vector */
#define XENFEAT_hvm_safe_pvclock	9	/* vcpu_time_info is right for an HVM guest */
#define XENFEAT_dom0			11	/* the initial domain */

struct xen_feature_info {
	uint32_t submap_idx;	/* in */
	uint32_t submap;	/* out */
};
UMBRA_ABI_SIZE(struct xen_feature_info, 8);

/* Returns the number of bytes written, or the size needed if arg is 0. */
struct xen_build_id {
	uint32_t len;		/* in: size of buf */
	unsigned char buf[];	/* out */
};

#endif /* !__ASSEMBLY__ */

#endif
