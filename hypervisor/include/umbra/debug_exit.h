/* QEMU's isa-debug-exit device (iobase 0xf4): writing v makes QEMU exit
 * with status (v << 1) | 1. Tests treat status 33 as success. */
#ifndef UMBRA_DEBUG_EXIT_H
#define UMBRA_DEBUG_EXIT_H

#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_SUCCESS	0x10	/* QEMU exit status 33 */
#define DEBUG_EXIT_FAILURE	0x11	/* QEMU exit status 35 */

void debug_exit(unsigned int value);
/* Called by debug_exit() first; does nothing unless a build overrides it. */
void debug_exit_hook(void);

#endif
