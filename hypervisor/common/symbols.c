/* Address-to-name lookup over the table gen-symbols.sh builds at link time. */
#include <stddef.h>
#include <asm/sections.h>
#include <umbra/symbols.h>


const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
	uint64_t lo = 0, hi = umbra_symbols_count;

	if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || !hi)
		return NULL;
	/* Find the last symbol at or below addr. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (umbra_symbols_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (umbra_symbols_addr[lo] > addr)
		return NULL;
	*offset = addr - umbra_symbols_addr[lo];
	return &umbra_symbols_names[umbra_symbols_name_off[lo]];
}
