/*
 * ELF notes a guest kernel carries to tell the domain builder how to load
 * and start it. Type numbers follow Xen's public elfnote.h; every note
 * lives in a PT_NOTE segment with the owner name "Xen". Numeric notes
 * hold a 4- or 8-byte little-endian value, string notes a NUL-terminated
 * string.
 */
#ifndef UMBRA_PUBLIC_ELFNOTE_H
#define UMBRA_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_OWNER		"Xen"

#define XEN_ELFNOTE_INFO		0	/* string: NAME=VALUE */
#define XEN_ELFNOTE_ENTRY		1	/* virtual entry point (PV) */
#define XEN_ELFNOTE_HYPERCALL_PAGE	2	/* virtual address of the page */
#define XEN_ELFNOTE_VIRT_BASE		3	/* where the image is mapped */
#define XEN_ELFNOTE_PADDR_OFFSET	4	/* p_paddr minus real address */
#define XEN_ELFNOTE_XEN_VERSION		5	/* string */
#define XEN_ELFNOTE_GUEST_OS		6	/* string */
#define XEN_ELFNOTE_GUEST_VERSION	7	/* string */
#define XEN_ELFNOTE_LOADER		8	/* string, e.g. "generic" */
#define XEN_ELFNOTE_PAE_MODE		9	/* string, 32-bit PV only */
#define XEN_ELFNOTE_FEATURES		10	/* string: features, '|' separated */
#define XEN_ELFNOTE_BSD_SYMTAB		11	/* string "yes"/"no" */
#define XEN_ELFNOTE_HV_START_LOW	12	/* lowest start of the hole */
#define XEN_ELFNOTE_L1_MFN_VALID	13	/* mask/value pairs */
#define XEN_ELFNOTE_SUSPEND_CANCEL	14	/* numeric */
#define XEN_ELFNOTE_INIT_P2M		15	/* where to put the p2m */
#define XEN_ELFNOTE_MOD_START_PFN	16	/* initrd may be unmapped */
#define XEN_ELFNOTE_SUPPORTED_FEATURES	17	/* numeric feature bitmap */
/*
 * 32-bit physical entry point: the kernel supports the PVH boot ABI and
 * is entered there in 32-bit protected mode, paging off, EBX pointing at
 * a struct hvm_start_info (hvm/start_info.h).
 */
#define XEN_ELFNOTE_PHYS32_ENTRY	18
/* Up to three 32-bit values: alignment, lowest and highest load address
 * of a relocatable PVH kernel. */
#define XEN_ELFNOTE_PHYS32_RELOC	19
#define XEN_ELFNOTE_MAX			XEN_ELFNOTE_PHYS32_RELOC

#endif
