/* The memop guest's helpers: its checks, and memory_op / vcpu_op by name
 * (mo.c). */
#ifndef MO_H
#define MO_H

#include <stdbool.h>
#include <stdint.h>
#include <public/errno.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/xen.h>

#define PAGE_BYTES	4096ULL
#define NS_PER_MS	1000000ULL

/* One check: prints "memop: ok: what" or a FAIL line; counted. */
void mo_check(bool ok, const char *what, long got);
unsigned int mo_failures(void);
unsigned int mo_checks(void);

long mo_memory_op(unsigned int cmd, const void *arg);
/* A reservation call on nr extents of one list, with the other fields. */
long mo_reservation(unsigned int cmd, const uint64_t *list, uint64_t nr, unsigned int order,
		    uint16_t domid);
long mo_current_reservation(void);
/* memory_op with a full command word (start extent in the high bits). */
long hypercall_memop_raw(uint64_t cmd, const void *arg);
long mo_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg);
uint64_t mo_gfn(const void *p);		/* identity-mapped: address >> 12 */
/* The first 8-byte word of each of n pages from p: all equal to want? */
bool mo_pages_read(const void *p, uint64_t n, uint64_t want);

/* The parts (mo_memory.c, mo_time.c, mo_hostile.c). */
void memory_cases(const struct hvm_start_info *si);
void time_cases(void);
void hostile_cases(void);
void grant_cases(uint16_t self);

#endif
