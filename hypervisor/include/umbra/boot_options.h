#ifndef UMBRA_BOOT_OPTIONS_H
#define UMBRA_BOOT_OPTIONS_H

/* Apply the hypervisor command line to every registered option; problems
 * are reported on the console and skipped. */
void cmdline_apply(const char *cmdline);

#endif
