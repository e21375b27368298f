/* Sizes every domain is held to: shared by domain creation and the parser
 * of boot-module domain specs (which is also built for host tests). */
#ifndef UMBRA_DOMAIN_LIMITS_H
#define UMBRA_DOMAIN_LIMITS_H

#define MAX_VCPUS_PER_DOMAIN	8
#define DOMAIN_MAX_EXTENTS	512	/* 1 GiB of 2 MiB extents */
#define EXTENT_SIZE		(2ULL << 20)
#define DOMAIN_INLINE_EXTENTS	64	/* in struct domain: up to 128 MiB */
#define DOMAIN_MAX_MEM		(DOMAIN_MAX_EXTENTS * EXTENT_SIZE)

#endif
