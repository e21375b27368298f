/*
 * Xen-compatible CPUID leaves, so that guests written for Xen find a
 * hypervisor they know. Values follow Xen's public arch-x86/cpuid.h.
 *
 * Xen places its leaves at the first 0x100-aligned base from 0x40000000
 * that no other interface occupies; guests scan 0x40000000, 0x40000100,
 * ... for the signature. Umbra's own leaves (umbra.h) hold 0x40000000, so
 * the Xen leaves are at XEN_CPUID_BASE = 0x40000100.
 */
#ifndef UMBRA_PUBLIC_ARCH_X86_CPUID_H
#define UMBRA_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF	0x40000000
#define XEN_CPUID_LEAF(i)	(XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_BASE_STRIDE	0x100
#define XEN_CPUID_BASE		(XEN_CPUID_FIRST_LEAF + XEN_CPUID_BASE_STRIDE)

/*
 * base + 0: EAX the highest Xen leaf; EBX:ECX:EDX "XenVMMXenVMM".
 */
#define XEN_CPUID_SIGNATURE_EBX	0x566e6558	/* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX	0x65584d4d	/* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX	0x4d4d566e	/* "nVMM" */

/* base + 1: EAX (major << 16) | minor of the Xen version offered. */
#define XEN_CPUID_LEAF_VERSION		1

/*
 * base + 2: EAX the number of hypercall pages (always 1); EBX the MSR
 * that fills one: the guest writes the guest-physical address of a page
 * (page aligned; the low 12 bits give the page index, 0 here) and the
 * hypervisor writes the hypercall stubs there (xen.h). ECX, EDX feature
 * bits below.
 */
#define XEN_CPUID_LEAF_HYPERCALL	2
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD	(1 << 0)

/* base + 3: time (TSC mode and frequency); reserved here. */
#define XEN_CPUID_LEAF_TIME		3

/*
 * base + 4: HVM features in EAX; EBX the vCPU id and ECX the domain id
 * when the matching flag is set.
 */
#define XEN_CPUID_LEAF_HVM		4
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT	(1 << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT	(1 << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS	(1 << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT	(1 << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT	(1 << 4)

#define XEN_CPUID_MAX_NUM_LEAVES	4

/*
 * The hypercall-page MSR. Xen uses 0x40000000 unless Hyper-V's MSRs sit
 * there; Umbra has none there, so it is the plain Xen value.
 */
#define XEN_HYPERCALL_MSR		0x40000000

#endif
