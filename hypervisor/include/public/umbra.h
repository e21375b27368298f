/*
 * Umbra's own identity, beside the Xen-compatible interface: CPUID leaves
 * at 0x40000000 and one hypercall, umbra_op, for a guest (or a test) that
 * wants to know precisely where it runs.
 */
#ifndef UMBRA_PUBLIC_UMBRA_H
#define UMBRA_PUBLIC_UMBRA_H

#include "xen.h"

#define UMBRA_VERSION_MAJOR	0
#define UMBRA_VERSION_MINOR	1
#define UMBRA_VERSION		((UMBRA_VERSION_MAJOR << 16) | UMBRA_VERSION_MINOR)

/* The Xen version Umbra's Xen-compatible interface claims to be. */
#define UMBRA_XEN_COMPAT_MAJOR	4
#define UMBRA_XEN_COMPAT_MINOR	17
#define UMBRA_XEN_COMPAT_VERSION \
	((UMBRA_XEN_COMPAT_MAJOR << 16) | UMBRA_XEN_COMPAT_MINOR)

/*
 * CPUID 0x40000000: EAX the highest Umbra leaf, EBX:ECX:EDX the
 * signature "UmbraUmbraUm".
 */
#define UMBRA_CPUID_BASE		0x40000000
#define UMBRA_CPUID_SIGNATURE_EBX	0x72626d55	/* "Umbr" */
#define UMBRA_CPUID_SIGNATURE_ECX	0x626d5561	/* "aUmb" */
#define UMBRA_CPUID_SIGNATURE_EDX	0x6d556172	/* "raUm" */
#define UMBRA_CPUID_SIGNATURE		"UmbraUmbraUm"

/*
 * CPUID 0x40000001: EAX UMBRA_VERSION, EBX UMBRA_CPUID_F_* flags,
 * ECX the domain id, EDX the vCPU id.
 */
#define UMBRA_CPUID_LEAF_IDENTITY	(UMBRA_CPUID_BASE + 1)
#define UMBRA_CPUID_MAX_LEAF		UMBRA_CPUID_LEAF_IDENTITY

#define UMBRA_CPUID_F_XEN_LEAVES	(1 << 0)	/* Xen leaves at 0x40000100 */
#define UMBRA_CPUID_F_NESTED_PAGING	(1 << 1)	/* this domain runs on NPT */
#define UMBRA_CPUID_F_SHADOW_PAGING	(1 << 2)	/* ... on shadow tables */

/*
 * umbra_op(cmd, arg). The number is the last slot of Xen's hypercall
 * table, which Xen leaves unused, so the hypercall page has a stub for it.
 */
#define __HYPERVISOR_umbra_op		63

#define UMBRAOP_version		0	/* arg unused; returns UMBRA_VERSION */
#define UMBRAOP_identity	1	/* arg: struct umbra_identity, filled in */

/* How a domain's memory is virtualised (umbra_identity.paging). */
#define UMBRA_PAGING_NESTED	1	/* HVM, AMD nested page tables */
#define UMBRA_PAGING_SHADOW	2	/* HVM or PV, classic shadow tables */
#define UMBRA_PAGING_SHARED	3	/* PV, shared leaf tables */

#define UMBRA_DOMAIN_NAME_MAX	32

#ifndef __ASSEMBLY__

struct umbra_identity {
	char signature[12];		/* UMBRA_CPUID_SIGNATURE, no NUL */
	uint32_t version;		/* UMBRA_VERSION */
	domid_t domid;
	uint16_t vcpu_id;		/* the calling vCPU */
	uint32_t nr_vcpus;
	uint32_t paging;		/* UMBRA_PAGING_* */
	uint32_t reserved;		/* zero */
	uint64_t mem_bytes;		/* guest memory size */
	char name[UMBRA_DOMAIN_NAME_MAX]; /* NUL-terminated domain name */
};
UMBRA_ABI_OFFSET(struct umbra_identity, version, 12);
UMBRA_ABI_OFFSET(struct umbra_identity, domid, 16);
UMBRA_ABI_OFFSET(struct umbra_identity, vcpu_id, 18);
UMBRA_ABI_OFFSET(struct umbra_identity, nr_vcpus, 20);
UMBRA_ABI_OFFSET(struct umbra_identity, paging, 24);
UMBRA_ABI_OFFSET(struct umbra_identity, mem_bytes, 32);
UMBRA_ABI_OFFSET(struct umbra_identity, name, 40);
UMBRA_ABI_SIZE(struct umbra_identity, 72);

#endif /* !__ASSEMBLY__ */

#endif
