#ifndef UMBRA_PANIC_H
#define UMBRA_PANIC_H

#include <stdint.h>

void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);

/* Print "  [<addr>] name+off" lines for the frame-pointer chain from rbp. */
void print_backtrace(uint64_t rip, uint64_t rbp);

/* Before a fatal report: take every other CPU back by NMI and stop it
 * (dom0's too, so that dom0 stops and the report is not interleaved),
 * and say which stopped. */
void stop_other_cpus(void);

/* Stop this CPU for good after a fatal error. Test builds override
 * fatal_exit_hook() to power QEMU off with a failure status. */
void __attribute__((noreturn)) fatal_stop(void);
void fatal_exit_hook(void);

#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif
