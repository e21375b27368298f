/* Inside arch/x86/pv/: the builder's helpers. */
#ifndef PV_BUILD_H
#define PV_BUILD_H

#include <stdint.h>

struct domain;

/* Xen's hypercall stubs into the guest page at gpa: the single place a
 * page of hypervisor-written code becomes the guest's to execute (the
 * hook for the execute-only page, docs/pv.md). 0, -EINVAL, -EFAULT. */
int pv_hypercall_page_install(struct domain *d, uint64_t gpa);

#endif
