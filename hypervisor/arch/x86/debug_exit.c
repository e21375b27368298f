#include <asm/x86.h>
#include <umbra/debug_exit.h>

/* The test build dumps the log here (test_dump_log). */
void __attribute__((weak)) debug_exit_hook(void)
{
}

void debug_exit(unsigned int value)
{
	debug_exit_hook();
	outl(DEBUG_EXIT_PORT, value);
	/* Not under QEMU (or no such device): nothing happened; carry on. */
}
