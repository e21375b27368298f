/* The domain spec of a boot module (hypervisor/common/domain_spec.c):
 *
 *   name=NAME mem=SIZE vcpus=N paging=nested|shadow cpus=MASK
 *   shadow_memory=SIZE initdomain [-- GUEST ARGS]
 *
 * initdomain only sets SIF_INITDOMAIN in the guest's PVH start info, as
 * Xen does for its first domain (Xen's CI boots XTF that way, and XTF then
 * skips its xenstore and PV console set-up); it grants no privilege.
 *
 * parsed and checked before anything is built: an unknown key, a
 * malformed or out-of-range value, a name with a byte outside printable
 * ASCII, a memory size that is zero or over the limit, a vCPU count
 * outside 1 to 8, a CPU mask with no online CPU and a shadow_memory (the
 * shadow pool, as in Xen's xl) outside 1 MiB to 1 GiB are each reported as
 * one message, which names the key ("mem: ...") or quotes the token. Pure
 * logic: also built for host tests. */
#ifndef UMBRA_DOMAIN_SPEC_H
#define UMBRA_DOMAIN_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <public/mgmt.h>
#include <public/umbra.h>
#include <umbra/domain_limits.h>

#define DOMAIN_SPEC_MAX		256	/* the spec, and the guest arguments */
#define DOMAIN_SPEC_MEM_DEFAULT	(32ULL << 20)
#define DOMAIN_SPEC_SHADOW_MIN	(1ULL << 20)
#define DOMAIN_SPEC_SHADOW_MAX	(1ULL << 30)

struct domain_spec {
	char name[UMBRA_DOMAIN_NAME_MAX];	/* "guest<index>" if not given */
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	uint32_t paging;			/* UMBRA_PAGING_* */
	uint32_t type;				/* UMBRA_DOMAIN_TYPE_PVH or _PV */
	uint64_t affinity;			/* online CPUs only; never 0 */
	uint64_t shadow_bytes;			/* 0: sized from mem */
	bool initdomain;			/* SIF_INITDOMAIN in the start info */
	char args[DOMAIN_SPEC_MAX];		/* after "--": the guest's */
};

/* Told about each problem, as a message without the module number. */
typedef void (*domain_spec_report_fn)(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses the command line of module index into spec. cpus_online is the
 * bitmap of online CPUs. Returns the number of problems reported; spec
 * is only meaningful when it is 0. */
unsigned int domain_spec_parse(const char *line, unsigned int index,
			       uint64_t cpus_online, struct domain_spec *spec,
			       domain_spec_report_fn report, void *ctx);

/* A domain name is 1 to 31 bytes of printable ASCII other than space, so
 * that it can be printed and matched as written. */
bool domain_name_valid(const char *name);

#endif
