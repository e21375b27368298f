/* pvsmp's parts (pvsmp.c: the vCPUs and their checks; own.c: what vCPU 1
 * has of its own). */
#ifndef PVSMP_H
#define PVSMP_H

#include <public/arch-x86/vcpu-context.h>
#include <public/xen.h>

#define SPIN		200000000UL	/* polls before a wait gives up */

/* vCPU 1's own page tables (its L4 shares vCPU 0's lower half but for
 * one slot, at OWN_VA, that only it maps), GDT page and LDT page (mapped
 * at OWN_LDT_VA, in that slot); built once, before any context. 0 or
 * the failing call's result. */
#define OWN_VA		(1ULL << 39)
#define OWN_LDT_VA	(OWN_VA + 0x1000)
long own_build(const struct start_info *si);
/* A context's CR3, GDT and LDT := vCPU 1's own. */
void own_context(struct vcpu_guest_context *ctx);
/* Refusals of contexts with a bad LDT (ctx is made good again after
 * each by `good`). */
void own_hostile(struct vcpu_guest_context *ctx, void (*refused)(long want, const char *what));

/* On vCPU 1: once at its start (its LDT), and at each turn of its loop
 * (its GDT entry's limit; a command of vCPU 0's). */
void own_vcpu1_start(void);
void own_vcpu1_poll(void);

/* On vCPU 0, vCPU 1 up: the LDT it started with; a descriptor of its
 * GDT changed under it; grants it maps in its own tables. */
void own_check_ldt(void);
void own_check_descriptors(void);
void own_check_grants(void);

#endif
