/* pvpingpong's parts: the page the two domains share and the checks. */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/grant_table.h>

/* The granted page: the client writes ping, the server answers in pong. */
struct pp_page {
	volatile uint32_t ping, pong;
	char msg[64];
	uint64_t table_mfn;	/* a grant frame of the server's, by machine frame */
	uint64_t page_mfn;	/* this page's machine frame (hold.c) */
	volatile uint32_t ptgrant_state;	/* 1: the server's checks done (ptgrant.c) */
};

#define PP_ANSWER(ping)	((ping) * 2 + 1)

/* Told XENFEAT_auto_translated_physmap (paging=shadow). */
extern bool pp_translated;

/* grant.c */
struct pp_page *grant_server_setup(const struct start_info *si, domid_t peer);
void grant_server_check_in_use(void);
void grant_server_check_released(void);
struct pp_page *grant_client_map(domid_t peer);
void grant_client_unmap(void);
grant_handle_t grant_client_handle(void);
long pp_uva(void *va, uint64_t pte);
void pp_grant(uint32_t ref, uint16_t domid, uint64_t frame);
int16_t pp_map(domid_t dom, uint32_t ref, void *at, uint32_t flags, grant_handle_t *h);
int16_t pp_unmap(void *at, grant_handle_t h);
/* Another domain's ports and table used by the client (grant.c). */
void pp_foreign_ports(domid_t peer, uint32_t server_port, uint32_t local_port);
bool pp_page_unused(uint64_t pfn);	/* in the image, for server and client only */

/* hold.c: the pair when the server is destroyed while the client maps
 * its page (vmctl, tests/e2e/gntdestroy.sh); victim.c: a domain created
 * after it, checking that none of its pages changes. */
domid_t pp_peer(void);
void __attribute__((noreturn)) hold_server(void);
void __attribute__((noreturn)) hold_client(struct pp_page *pg);
int victim(const struct start_info *si);

/* ptgrant.c (option ptgrant, a translated pair): a page table of the
 * server's and a page that becomes one, granted writable. */
void ptgrant_server_setup(const struct start_info *si, domid_t peer, struct pp_page *pg);
void ptgrant_server_mapped(struct pp_page *pg);
void ptgrant_server_after(struct pp_page *pg);
void ptgrant_client_map(domid_t peer);
void ptgrant_client_unmap(struct pp_page *pg);

#endif
