/*
 * Writable page tables (VMASST_TYPE_writable_pagetables, or the kernel's
 * FEATURES note asking for it): the guest's page tables are mapped
 * read-only, so its stores to them fault; the store is decoded, computed
 * in software (hvm/emulate_store.c, shared with shadow paging) and handed
 * to shared-pt, which validates the new entry as mmu_update would. A
 * store shared-pt refuses, or one that is not a plain store of a whole or
 * half entry, is the guest's #PF after all.
 */
#include <asm/emulate_store.h>
#include <asm/guest_access.h>
#include <asm/insn.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/test_hooks.h>
#include "mmu/walk.h"
#include "pv_mm.h"
#include "pv_traps.h"

/* The error code of a guest store to a present, read-only page. */
#define PF_PRESENT_WRITE_USER	(MMU_PF_P | MMU_PF_W | MMU_PF_U)

/* Where va lands, if in a live page table of the vCPU's domain. */
static bool pt_target(struct vcpu *v, uint64_t va, uint64_t *gpa, uint64_t *maddr)
{
	const struct spt_frame *f;

	if (pv_translate(v, va, false, gpa))
		return false;
	*maddr = domain_gpa_to_maddr(v->domain, *gpa);
	if (!*maddr || (*maddr >> PAGE_SHIFT) >= pv_mm_machine()->nr_frames)
		return false;
	f = &pv_mm_machine()->frames[*maddr >> PAGE_SHIFT];
	return f->type_count && f->type >= SPT_TYPE_L1 && f->type <= SPT_TYPE_L4;
}

static int fetch_insn(struct vcpu *v, struct insn *insn)
{
	uint8_t bytes[INSN_MAX_LEN];
	uint64_t rip = v->pv.regs.rip;
	uint64_t n = PAGE_SIZE - (rip & (PAGE_SIZE - 1));

	/* All 15 bytes if they are mapped, else up to the end of the page
	 * (the decoder says if the instruction needed more). */
	if (!fetch_guest_insn(v, bytes, rip, sizeof(bytes), true))
		n = sizeof(bytes);
	else if (n >= sizeof(bytes) || fetch_guest_insn(v, bytes, rip, n, true))
		return -EFAULT;
	return insn_decode(bytes, n, 64, insn);
}

static void regs_out(const struct cpu_regs *r, struct insn_regs *ir, const struct vcpu *v)
{
	*ir = (struct insn_regs){
		.gpr = { r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
			 r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15 },
		.rip = r->rip,
	};
	ir->seg_base[INSN_SEG_FS] = v->pv.fs_base;
	ir->seg_base[INSN_SEG_GS] = v->pv.gs_base_kernel;
}

static void regs_in(struct cpu_regs *r, const struct insn_regs *ir)
{
	r->rax = ir->gpr[INSN_RAX];
	r->rcx = ir->gpr[INSN_RCX];
	r->rdx = ir->gpr[INSN_RDX];
	r->rbx = ir->gpr[INSN_RBX];
	r->rbp = ir->gpr[INSN_RBP];
	r->rsi = ir->gpr[INSN_RSI];
	r->rdi = ir->gpr[INSN_RDI];
	r->r8 = ir->gpr[INSN_R8];
	r->r9 = ir->gpr[INSN_R9];
	r->r10 = ir->gpr[INSN_R10];
	r->r11 = ir->gpr[INSN_R11];
	r->r12 = ir->gpr[INSN_R12];
	r->r13 = ir->gpr[INSN_R13];
	r->r14 = ir->gpr[INSN_R14];
	r->r15 = ir->gpr[INSN_R15];
}

/* Test builds provide a strong definition (hypervisor/test/). */
void __attribute__((weak)) test_hooks_pv_ptwr(struct vcpu *v, uint64_t gpa, uint64_t seen)
{
	(void)v;
	(void)gpa;
	(void)seen;
}

bool pv_emulate_pt_store(struct vcpu *v, uint64_t gpa, pv_store_commit_fn commit)
{
	struct cpu_regs *r = &v->pv.regs;
	struct emulated_store st;
	struct insn_regs ir;
	struct insn insn;
	uint64_t old, seen, rflags = r->rflags;
	int len, rc;

	len = fetch_insn(v, &insn);
	if (len < 0 || !insn.has_mem)
		return false;
	regs_out(r, &ir, v);
	if (copy_from_gpa(v->domain, &seen, gpa & ~7ULL, sizeof(seen)))
		return false;
	old = seen >> (gpa & 7) * 8;
	test_hooks_pv_ptwr(v, gpa, seen);
	if (emulate_store(&insn, &ir, &rflags, old, &st) || (gpa & 7) + st.len > 8)
		return false;
	rc = st.write ? commit(v, gpa, st.value, st.len, seen) : 0;
	if (rc == -EAGAIN)
		return true;	/* changed under it: run it again, RIP unmoved */
	if (rc)
		return false;
	regs_in(r, &ir);
	r->rflags = rflags;
	r->rip += (unsigned int)len;
	return true;
}

/* Shared page tables: whole or half entries, validated by shared-pt.
 * The new 8 bytes replace `seen` by compare-and-exchange: the value was
 * computed (a LOCK CMPXCHG's compare, an RMW, the other half of a 4-byte
 * store) from what the entry held before the lock, and another vCPU's
 * store or the MMU's A/D update since must not be lost. */
static int commit_spt(struct vcpu *v, uint64_t gpa, uint64_t val, unsigned int len,
		      uint64_t seen)
{
	struct spt_flush flush = { 0 };
	uint64_t maddr = domain_gpa_to_maddr(v->domain, gpa & ~7ULL);
	unsigned int shift = (unsigned int)(gpa & 4) * 8;
	uint64_t now = seen, new;
	int rc;

	if ((len != 4 && len != 8) || (gpa & (len - 1)))
		return -EINVAL;
	new = len == 8 ? val : (seen & ~(0xffffffffULL << shift)) | (val & 0xffffffffULL) << shift;
	write_cr3(paging_root());
	pv_mm_lock(v->domain);
	rc = spt_pt_cmpxchg(&v->domain->pv->spt, maddr, seen, new, &now, &flush);
	pv_mm_unlock();
	return rc ? rc : now != seen ? -EAGAIN : 0;
}

bool pv_ptwr_fault(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	uint64_t gpa, maddr;

	if (!v->domain->pv->writable_pt || r->error_code != PF_PRESENT_WRITE_USER ||
	    !pt_target(v, v->pv.cr2, &gpa, &maddr))
		return false;
	return pv_emulate_pt_store(v, gpa, commit_spt);
}
