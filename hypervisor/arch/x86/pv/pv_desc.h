/* Inside arch/x86/pv/: the guest's descriptor table (pv_desc.c) and its
 * kernel/user mode (pv_user.c). */
#ifndef PV_DESC_H
#define PV_DESC_H

#include <stdbool.h>
#include <stdint.h>

struct percpu;
struct vcpu;

/* Xen's check_descriptor for a 64-bit PV guest: true and *desc fixed up
 * (DPL raised to 3, call gates to DPL 0), or false: refused. */
bool pv_check_descriptor(uint64_t *desc);

/* Before entering v on this CPU: its descriptors in the CPU's GDT and
 * LDT copy. */
void pv_gdt_load(struct vcpu *v, struct percpu *p);
/* CPU cpu's copy of the running guest's LDT, and its size (pv_view.c). */
const void *pv_ldt_table(unsigned int cpu, uint64_t *bytes);

/* Are v's descriptors in this CPU's GDT still what its frames hold (no
 * update_descriptor since pv_gdt_load)? */
bool pv_gdt_current(const struct vcpu *v, const struct percpu *p);

/* A code selector the guest may run on (RPL aside): the flat ring-3
 * ones or a present DPL-3 code segment among its own GDT entries (never
 * the LDT, null, or the hypervisor's reserved page). */
bool pv_guest_cs_ok(const struct vcpu *v, uint16_t sel);

/* The same for a frame's CS (RPL 3) against the descriptors this CPU's
 * GDT holds now (after pv_gdt_load): what IRETQ will load. */
bool pv_cpu_cs_ok(const struct percpu *p, uint16_t sel);

/* LDTR loaded with v's LDT (or null): after pv_gdt_load, whenever the
 * CPU's registers were not v's. */
void pv_ldt_activate(const struct vcpu *v, struct percpu *p);

/* set_segment_base(SEGBASE_GS_USER_SEL, sel): always 0. */
long pv_gs_user_sel(struct vcpu *v, uint16_t sel);

/* set_gdt with its frame list already read (VCPUOP_initialise): 0,
 * -EINVAL (too many entries, a frame not its own or not descriptors). */
long pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, uint64_t ents);

/* MMUEXT_SET_LDT(base, ents), under pv_mm_lock: 0, or -EINVAL (base not
 * page-aligned, more than 8192 entries, the range not the guest's, a
 * page not mapped, not its own, mapped writable or holding a refused
 * descriptor); nothing changes on error. */
long pv_set_ldt(struct vcpu *v, uint64_t base, uint64_t ents);

/* The vCPU's descriptor frames (GDT and LDT) given back (teardown). */
void pv_desc_release(struct vcpu *v);

/* set_gdt, update_descriptor: true and *rc when nr is one of them. */
bool pv_desc_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc);

/* Guest kernel <-> user mode (pv_user.c): page tables and GS base follow
 * v->pv.kernel_mode. */
void pv_toggle_guest_mode(struct vcpu *v);

/* stack_switch, fpu_taskswitch, multicall: true and *rc when nr is one
 * of them (args may be updated for a continuation). */
bool pv_user_hypercall(struct vcpu *v, uint64_t nr, uint64_t *args, long *rc);

/* multicall (pv_multicall.c). */
long pv_multicall(struct vcpu *v, uint64_t *args);

/* A SYSCALL from guest user mode: to the guest kernel's syscall
 * callback (or its #UD handler when it has none); false: the domain was
 * crashed. */
bool pv_user_syscall(struct vcpu *v);

/* A #NM: the guest's virtual CR0.TS is cleared (it gets the #NM). */
void pv_fpu_nm(struct vcpu *v);

/* A #GP(0) in guest kernel mode at a privileged instruction Umbra
 * emulates (pv_emul.c): done, RIP past it, true. */
bool pv_emulate_priv(struct vcpu *v);

#endif
