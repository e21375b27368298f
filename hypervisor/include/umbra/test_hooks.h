/* Hooks that only the test build (hypervisor/test/) gives a body; the
 * release build links weak empty ones. */
#ifndef UMBRA_TEST_HOOKS_H
#define UMBRA_TEST_HOOKS_H

/* Called once boot is done, just before "ready". */
void test_hooks_before_ready(void);

#endif
