/* role=pvmapper: an HVM mapper of a PV granter (pvpingpong's server with
 * hold, tests/e2e/gntdestroy.sh). Its grant ref 8 names a page that
 * starts with the ping and pong words and "granted by the server"; it is
 * mapped above RAM writable when the granter is translated
 * (granter=shadow), and only read-only when the granter is on shared
 * page tables (granter=shared: the writable map is refused, shared-pt
 * would not see the writes). Then it stores (when writable) and reads in
 * a loop until the granter's destruction takes the mapping away: every
 * read is all-ones from then on, the handle is gone, and it goes on
 * storing and reading there until destroyed, saying now and then how
 * many accesses reached a frame (none may). */
#include "grant.h"
#include "hypercall.h"
#include "runtime.h"

#define PV_REF		8
#define PV_MSG_OFF	8
#define ALL_ONES	0xffffffffu
#define STORE_MAGIC	0x57a7e5u

static const char pv_msg[] = "granted by the server";

static bool granter_shared(void)
{
	const char *p = guest_option("granter=");

	return p && guest_word_in_list(p, "shared");
}

static long map_pv(uint16_t peer, bool shared, grant_handle_t *h)
{
	long rc;

	if (!shared) {
		rc = gnt_map(peer, PV_REF, MAP_BASE, GNTMAP_host_map, h);
		expect(rc == GNTST_okay, "pvmapper: a translated PV granter's page mapped writable", rc);
		return rc;
	}
	rc = gnt_map(peer, PV_REF, MAP_BASE, GNTMAP_host_map, h);
	expect(rc == GNTST_general_error,
	       "pvmapper: a writable map of a shared-page-table PV granter's page is refused", rc);
	rc = gnt_map(peer, PV_REF, MAP_BASE, GNTMAP_host_map | GNTMAP_readonly, h);
	expect(rc == GNTST_okay, "pvmapper: read-only it maps", rc);
	return rc;
}

int pvmapper(uint16_t peer)
{
	volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)MAP_BASE;
	volatile uint32_t *msg = (volatile uint32_t *)(uintptr_t)(MAP_BASE + PV_MSG_OFF);
	bool shared = granter_shared();
	uint64_t end = guest_time_ns() + HOLD_NS, before = 0;
	grant_handle_t h;

	if (map_pv(peer, shared, &h) != GNTST_okay)
		return 0;
	expect(!memcmp((const void *)(uintptr_t)msg, pv_msg, sizeof(pv_msg)),
	       "pvmapper: the mapping shows the granter's bytes", (long)*msg);
	if (!shared) {
		*word = STORE_MAGIC;
		expect(*word == STORE_MAGIC, "pvmapper: a store through it reads back", (long)*word);
	}
	con_puts("grant: pvmapper: holding the mapping\n");
	while (*msg != ALL_ONES && guest_time_ns() < end) {
		if (!shared)
			*word = STORE_MAGIC;
		before++;
		nap(20);
	}
	con_printf("grant: pvmapper: %lu rounds of accesses while the granter lived\n",
		   (unsigned long)before);
	expect(*msg == ALL_ONES && *word == ALL_ONES,
	       "pvmapper: the mapping went with the granter: reads are all-ones", (long)*msg);
	expect(gnt_unmap(MAP_BASE, h) == GNTST_bad_handle,
	       "pvmapper: its handle went too: GNTST_bad_handle", 0);
	return 0;
}

/* After the checks, until destroyed: stores and reads where the granter's
 * page was (a hole above its RAM now). */
void pvmapper_store_on(void)
{
	volatile uint32_t *word = (volatile uint32_t *)(uintptr_t)MAP_BASE;
	uint64_t reached = 0;

	for (uint64_t i = 1;; i++) {
		*word = STORE_MAGIC;
		reached += *word != ALL_ONES;
		if (!(i & (i - 1)) && i >= 16)
			con_printf("grant: pvmapper: %lu stores and reads after the granter went, "
				   "%lu reached a frame\n", (unsigned long)i, (unsigned long)reached);
		nap(5);
	}
}
