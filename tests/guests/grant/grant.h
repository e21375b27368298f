/* The grant-table test guest's parts (grant.c): granter, mapper and
 * attacker, and what they share. */
#ifndef GRANT_GUEST_H
#define GRANT_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>
#include <public/xen.h>

/* Where the mapper and the attacker map grants: guest-physical space
 * above their RAM, inside the boot identity map of the low 4 GiB. */
#define MAP_BASE	0xc0000000ULL
/* In the granted page: the mapper's bytes through its mapping, its bytes
 * through GNTTABOP_copy, and the word that says it is done. */
#define OFF_MAPPED	1024
#define OFF_COPIED	1536
#define OFF_DONE	2048
#define DONE_MAGIC	0x600dcafeu
#define REF_RW		1	/* the granter's page, writable, to the mapper */
#define REF_RO		2	/* another page, read-only, to the mapper */
#define PATTERN_RW(i)	((uint8_t)((i) * 7 + 1))
#define PATTERN_RO	0xa5
#define WAIT_NS		(30ULL * 1000 * 1000 * 1000)
#define HOLD_NS		(300ULL * 1000 * 1000 * 1000)

long gnttab_op(unsigned int cmd, void *uop, uint64_t count);
/* One map or unmap of a grant (mapper.c): the hypercall's error, else
 * the operation's status. */
long gnt_map(uint16_t peer, grant_ref_t ref, uint64_t at, uint32_t flags,
	     grant_handle_t *handle);
long gnt_unmap(uint64_t at, grant_handle_t handle);
/* Place one grant table frame (index idx) at the page at va; 0 or -errno. */
long place_grant_frame(unsigned int idx, void *va);
uint16_t own_domid(void);

/* A counted check: prints PASS/FAIL-style lines the e2e suite reads. */
void expect(bool ok, const char *what, long got);

/* Sleep about ms on the domain's timer (SCHEDOP_block). */
void nap(uint64_t ms);

/* hold: 0 the whole exchange; 1 the granter waits to be destroyed and
 * the mapper checks its mapping goes with it; 2 the mapper holds its
 * mapping until destroyed and the granter checks its entry is released. */
int granter(uint16_t peer, unsigned int hold);
int mapper(uint16_t peer, unsigned int hold);
int attacker(uint16_t peer);
/* role=stress: two vCPUs map and unmap at once (stress.c). */
int stress(void);
/* role=pvmapper granter=shared|shadow: a PV granter's page (pvmapper.c);
 * then, after the summary line, accesses there until destroyed. */
int pvmapper(uint16_t peer);
void __attribute__((noreturn)) pvmapper_store_on(void);

#endif
