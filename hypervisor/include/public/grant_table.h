/*
 * grant_table_op(cmd, uop, count): sharing page frames between domains
 * by grant reference (Xen's numbering and x86-64 layouts,
 * xen/include/public/grant_table.h; the words are Umbra's). Umbra offers
 * version 1 tables, and version 2 to PV domains on shared page tables.
 *
 * A domain grants by filling an entry of its own grant table (frames it
 * places with XENMEM_add_to_physmap, XENMAPSPACE_grant_table): domid,
 * frame, then flags with GTF_permit_access last. The hypervisor sets
 * GTF_reading / GTF_writing while the grant is in use; the granter
 * revokes with a compare-and-swap of flags to 0 that checks both are
 * clear.
 */
#ifndef UMBRA_PUBLIC_GRANT_TABLE_H
#define UMBRA_PUBLIC_GRANT_TABLE_H

#include "abi.h"

#define GNTTABOP_map_grant_ref		0
#define GNTTABOP_unmap_grant_ref	1
#define GNTTABOP_setup_table		2
#define GNTTABOP_dump_table		3
#define GNTTABOP_transfer		4
#define GNTTABOP_copy			5
#define GNTTABOP_query_size		6
#define GNTTABOP_unmap_and_replace	7
#define GNTTABOP_set_version		8
#define GNTTABOP_get_status_frames	9
#define GNTTABOP_get_version		10
#define GNTTABOP_swap_grant_ref		11
#define GNTTABOP_cache_flush		12

/* grant_entry_v1.flags: the type in the low two bits ... */
#define GTF_invalid		0x0000u
#define GTF_permit_access	0x0001u
#define GTF_accept_transfer	0x0002u
#define GTF_transitive		0x0003u
#define GTF_type_mask		0x0003u
/* ... then what the granter allows [guest] and what is in use [hypervisor]. */
#define GTF_readonly		0x0004u	/* guest: the grantee may only read */
#define GTF_reading		0x0008u	/* hypervisor: in use for reading */
#define GTF_writing		0x0010u	/* hypervisor: in use for writing */
#define GTF_PWT			0x0020u
#define GTF_PCD			0x0040u
#define GTF_PAT			0x0080u
#define GTF_sub_page		0x0100u	/* copy only, part of the page (v2) */

/* gnttab_map_grant_ref.flags */
#define GNTMAP_device_map	0x01u
#define GNTMAP_host_map		0x02u
#define GNTMAP_readonly		0x04u
#define GNTMAP_application_map	0x08u
#define GNTMAP_contains_pte	0x10u
#define GNTMAP_can_fail		0x20u

/* gnttab_copy.flags */
#define GNTCOPY_source_gref	0x1u
#define GNTCOPY_dest_gref	0x2u
#define GNTCOPY_can_fail	0x4u

/* gnttab_cache_flush.op */
#define GNTTAB_CACHE_CLEAN		0x1u
#define GNTTAB_CACHE_INVAL		0x2u
#define GNTTAB_CACHE_SOURCE_GREF	0x80000000u

/* Per-operation status (the structures' status field): all errors < 0. */
#define GNTST_okay		0
#define GNTST_general_error	(-1)
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)
#define GNTST_bad_handle	(-4)
#define GNTST_bad_virt_addr	(-5)
#define GNTST_bad_dev_addr	(-6)
#define GNTST_no_device_space	(-7)	/* also: no maptrack handle left */
#define GNTST_permission_denied	(-8)
#define GNTST_bad_page		(-9)
#define GNTST_bad_copy_arg	(-10)
#define GNTST_address_too_big	(-11)
#define GNTST_eagain		(-12)

#define GRANT_ENTRIES_PER_FRAME_V1	512	/* 4 KiB / 8 bytes */
#define GRANT_ENTRIES_PER_FRAME_V2	256	/* 4 KiB / 16 bytes */
#define GRANT_STATUS_PER_FRAME		2048	/* 4 KiB / 2 bytes */
/* The first entries, which a version change keeps (Xen: the toolstack's
 * store and console grants). */
#define GNTTAB_NR_RESERVED_ENTRIES	8

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry_v1 {
	uint16_t flags;		/* GTF_* */
	uint16_t domid;		/* who may use it */
	uint32_t frame;		/* the granter's frame (its guest frame number) */
};

/* Version 2: the granter's part of an entry is 16 bytes (the frame
 * 64-bit), the hypervisor's GTF_reading / GTF_writing live apart, in
 * status frames (one grant_status_t per entry). */
struct grant_entry_header {
	uint16_t flags;		/* GTF_*, without GTF_reading / GTF_writing */
	uint16_t domid;
};

union grant_entry_v2 {
	struct grant_entry_header hdr;
	struct {
		struct grant_entry_header hdr;
		uint32_t pad0;
		uint64_t frame;
	} full_page;
	struct {
		struct grant_entry_header hdr;
		uint16_t page_off;
		uint16_t length;
		uint64_t frame;
	} sub_page;
	struct {
		struct grant_entry_header hdr;
		uint16_t trans_domid;
		uint16_t pad0;
		uint32_t gref;
	} transitive;
	uint32_t spacer[4];
};
UMBRA_ABI_SIZE(union grant_entry_v2, 16);

typedef uint16_t grant_status_t;

struct gnttab_map_grant_ref {
	uint64_t host_addr;	/* HVM: the guest-physical address to map at */
	uint32_t flags;		/* GNTMAP_* */
	grant_ref_t ref;
	uint16_t dom;		/* the granting domain */
	int16_t status;		/* out: GNTST_* */
	grant_handle_t handle;	/* out: for unmap */
	uint64_t dev_bus_addr;	/* out */
};

struct gnttab_unmap_grant_ref {
	uint64_t host_addr;	/* 0: leave the host mapping */
	uint64_t dev_bus_addr;
	grant_handle_t handle;
	int16_t status;		/* out */
};

/* Take the grant mapping at host_addr down and move the PTE that maps
 * new_addr there (new_addr's entry is cleared): a PV mapper's way to
 * leave something mapped where the grant was. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;
	uint64_t new_addr;
	grant_handle_t handle;
	int16_t status;		/* out */
};

/* Version 2: the machine frames of one's status frames. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;
	uint16_t dom;
	int16_t status;		/* out */
	uint64_t frame_list;	/* guest pointer to nr_frames uint64_t */
};
UMBRA_ABI_OFFSET(struct gnttab_get_status_frames, status, 6);
UMBRA_ABI_OFFSET(struct gnttab_get_status_frames, frame_list, 8);

struct gnttab_setup_table {
	uint16_t dom;
	uint32_t nr_frames;
	int16_t status;		/* out */
	uint64_t frame_list;	/* guest pointer to nr_frames xen_ulong_t */
};

/* What a 32-bit caller passes (Xen's compat layout): the frame list is
 * a 4-byte handle to 4-byte frame numbers. */
struct compat_gnttab_setup_table {
	uint16_t dom;
	uint32_t nr_frames;
	int16_t status;		/* out */
	uint32_t frame_list;	/* guest pointer to nr_frames uint32_t */
};
UMBRA_ABI_OFFSET(struct compat_gnttab_setup_table, nr_frames, 4);
UMBRA_ABI_OFFSET(struct compat_gnttab_setup_table, status, 8);
UMBRA_ABI_OFFSET(struct compat_gnttab_setup_table, frame_list, 12);
UMBRA_ABI_SIZE(struct compat_gnttab_setup_table, 16);

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;	/* with GNTCOPY_*_gref */
		uint64_t gmfn;		/* else: the caller's own frame */
	} u;
	uint16_t domid;
	uint16_t offset;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;		/* GNTCOPY_* */
	int16_t status;		/* out */
};

/* A 32-bit caller's copy: the frame number (xen_pfn_t) is 4 bytes, so
 * each side is 8 bytes and the whole 24. */
struct compat_gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		uint32_t gmfn;
	} u;
	uint16_t domid;
	uint16_t offset;
};

struct compat_gnttab_copy {
	struct compat_gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;		/* out */
};
UMBRA_ABI_OFFSET(struct compat_gnttab_copy, dest, 8);
UMBRA_ABI_OFFSET(struct compat_gnttab_copy, len, 16);
UMBRA_ABI_OFFSET(struct compat_gnttab_copy, flags, 18);
UMBRA_ABI_OFFSET(struct compat_gnttab_copy, status, 20);
UMBRA_ABI_SIZE(struct compat_gnttab_copy, 24);

struct gnttab_query_size {
	uint16_t dom;
	uint32_t nr_frames;	/* out */
	uint32_t max_nr_frames;	/* out */
	int16_t status;		/* out */
};

struct gnttab_set_version {
	uint32_t version;	/* in: wanted; out: in effect */
};

struct gnttab_get_version {
	uint16_t dom;
	uint16_t pad;
	uint32_t version;	/* out */
};

struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		grant_ref_t ref;
	} a;
	uint16_t offset;
	uint16_t length;
	uint32_t op;		/* GNTTAB_CACHE_* */
};

#endif /* __ASSEMBLY__ */
#endif
