/* Between proc_space.c and proc.c (proc.h): the process table, and a
 * user buffer within one page of a process's own at the kernel's
 * address of that page (NULL when it is not). */
#ifndef MINIOS_PROC_SPACE_H
#define MINIOS_PROC_SPACE_H

#include <stdint.h>
#include "proc.h"

extern struct proc proc_table[PROC_MAX];
const char *proc_user_buf(const struct proc *p, uint64_t buf, uint64_t len);

#endif
