/*
 * One domain's PV console, served from dom0 (vmconsoled): its ring page
 * (struct xencons_interface, mapped through /dev/umbra), a dom0 port bound
 * to its console port, a pseudo-terminal whose other end `vmctl console`
 * opens (its path in the store, console/tty, as xenconsoled writes it),
 * and a log of everything it wrote.
 */
#ifndef VMCONSOLED_CONS_H
#define VMCONSOLED_CONS_H

#include <stdbool.h>
#include <stdint.h>

#include "dom0-tools/lib/libvmctl/vmctl.h"
#include "public/io/console.h"

struct cons {
	uint32_t domid;
	struct xencons_interface *intf;
	uint32_t port;			/* dom0's end of the console channel */
	int master, slave;		/* the pseudo-terminal; slave kept open */
	int log;
	char tty[64];
	bool seen;			/* still listed (scan) */
	bool published;			/* console/tty written */
};

/* Serve domid's console; 0, or -1 with the reason logged (nothing held). */
int cons_open(struct cons *c, struct vmctl *h, uint32_t domid, const char *name,
	      const char *logdir);
void cons_close(struct cons *c, struct vmctl *h);
/* The guest's output: to the log and the terminal. */
void cons_output(struct cons *c, struct vmctl *h);
/* Room in the guest's input ring (poll the terminal only then). */
bool cons_input_room(const struct cons *c);
/* What was typed: into the guest's input ring. */
void cons_input(struct cons *c, struct vmctl *h);

#endif
