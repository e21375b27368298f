/*
 * The fault probe the hostile test guests share: an exception they cause
 * on purpose is noted and the guest goes on where it said (minios.h).
 */
#include "minios.h"

volatile uint64_t seen_vector, seen_error, resume_at;

int probe_record(struct minios_regs *r)
{
	seen_vector = r->vector;
	seen_error = r->error_code;
	if (resume_at)
		r->rip = resume_at;
	resume_at = 0;
	return 1;
}

void probe_all_vectors(void)
{
	for (unsigned int v = 0; v < 256; v++)
		trap_set_handler(v, probe_record);
}
