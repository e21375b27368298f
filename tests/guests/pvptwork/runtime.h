/* What tests/guests/ptwork needs of a runtime, from minios. */
#ifndef PVPTWORK_RUNTIME_H
#define PVPTWORK_RUNTIME_H

#include <stdbool.h>
#include "minios.h"

/* A zeroed page of the image's pool (start-of-day mapping), or NULL. */
void *page_alloc(void);

#endif
