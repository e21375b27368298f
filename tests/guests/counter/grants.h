/* counter's grant table (grants.c): set up once, checked on each count. */
#ifndef COUNTER_GRANTS_H
#define COUNTER_GRANTS_H

/* NULL, or what failed. */
const char *grants_setup(void);
const char *grants_check(void);

#endif
