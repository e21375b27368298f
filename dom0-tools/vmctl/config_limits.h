/* Limits on what a config file may hold, so hostile input stays small;
 * shared by the grammar (config_syntax.c) and the keys (config.c). */
#ifndef VMCTL_CONFIG_LIMITS_H
#define VMCTL_CONFIG_LIMITS_H

#define VMCFG_TEXT_MAX		(1u << 20)	/* bytes of a config file */
#define VMCFG_STRING_MAX	4096		/* bytes of one string value */
#define VMCFG_LIST_MAX		64		/* items of one list */

#endif
