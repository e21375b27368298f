/* The two paging back ends the benchmark drives with one workload. Each
 * owns a host machine laid out identically (same frames, same 2 MiB
 * extents), so the machine addresses the guest's accesses reach must
 * agree between them. */
#ifndef SPT_BENCH_BACKENDS_H
#define SPT_BENCH_BACKENDS_H

#include "shared-pt/shared-pt.h"
#include "tests/bench/shared-pt/workload.h"

#define BENCH_FRAMES		(8192 + 48 * 512)	/* pool + guest */
#define BENCH_POOL		8192
#define BENCH_EXTENTS		48
#define BENCH_BATCH		32	/* Linux PV's multicall batch */

/* NULL on failure (message on stderr). */
struct backend *shared_backend_create(enum spt_dir_mode mode);
void shared_backend_destroy(struct backend *be);
struct backend *shadow_backend_create(unsigned int roots);
void shadow_backend_destroy(struct backend *be);

#endif
