/*
 * vmctl console: a domain's console output, live, from libvmctl's
 * console ring reads (COM1, console_io: output only) and its PV console
 * ring, served by vmconsoled, whose terminal vmctl opens: what is typed
 * goes there, but Ctrl-], which detaches.
 */
#ifndef VMCTL_CONSOLE_H
#define VMCTL_CONSOLE_H

#include <stdint.h>

#include "config.h"

/* The key that detaches (Ctrl-], as xl console and telnet). */
#define CONSOLE_ESCAPE	0x1d

/*
 * Print what the ring still holds, then follow new output until Ctrl-]
 * or the domain stops (then its on_* action: from cfg, or the store's
 * record if cfg is NULL; after a restart, the new domain is followed).
 * The terminal is in raw mode meanwhile and restored on every way out.
 * Returns the exit status.
 */
int console_follow(uint32_t domid, const struct vmcfg *cfg);

#endif
