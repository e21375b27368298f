/* pvpingpong's parts: the page the two domains share and the checks. */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>

/* The granted page: the client writes ping, the server answers in pong. */
struct pp_page {
	volatile uint32_t ping, pong;
	char msg[64];
	uint64_t table_mfn;	/* a grant frame of the server's, by machine frame */
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

#endif
