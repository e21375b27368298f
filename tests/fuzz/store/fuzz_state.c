/*
 * libFuzzer target: the state-file parser. Any input must either load
 * into a tree whose invariants hold (and that saves back to the same
 * bytes) or be refused with a message — never crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dom0-tools/vmstored/log.h"
#include "dom0-tools/vmstored/persist.h"
#include "dom0-tools/vmstored/store.h"
#include "dom0-tools/vmstored/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store s;
	char err[256] = "";

	log_set_level(LOG_LVL_ERROR);
	if (store_init(&s))
		return 0;
	if (persist_parse(&s, data, size, err, sizeof(err)) == 0) {
		if (tree_check(&s.tree))
			abort();
	} else if (!err[0]) {
		abort();	/* refusals must say why */
	}
	store_destroy(&s);
	return 0;
}
