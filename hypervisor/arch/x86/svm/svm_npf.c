/* Nested page faults. For dom0 they are its accesses to memory that is
 * not its own (Umbra's, other domains', or no RAM at all): refused, and
 * dom0 goes on as if nothing answered there, like an absent device (reads
 * give all-ones, writes are dropped; asm/emulate_absent.h). What cannot be
 * completed that way gets #GP. Another domain is treated the same way
 * where it touches a guest-physical address outside its RAM (no device
 * there: an HPET or I/O APIC probe), whether its paging is nested or
 * shadow, except that what cannot be completed stops it; its local APIC
 * page is completed the same way against its virtual APIC (asm/vlapic.h); any other nested page fault of a
 * domain is a bug of its own and stops it. */
#include <asm/emulate_absent.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/hot.h>
#include <umbra/string.h>
#include "mmu/mode.h"
#include "mmu/pte.h"

/* Elements of a REP string instruction done per exit: the rest runs
 * when the instruction does again, so a huge count cannot hold a pCPU. */
#define ABSENT_STRING_BATCH	1024

struct string_ctx {
	struct vcpu *v;
	bool user;
	struct guest_fault fault;
};

/* A string element in guest memory, with the instruction's privilege: a
 * failed walk is the guest's #PF; an address outside dom0's RAM is
 * absent. */
static int string_read(void *p, uint64_t lin, void *buf, unsigned int len)
{
	struct string_ctx *c = p;

	if (!copy_guest_insn(c->v, lin, buf, len, false, c->user, &c->fault))
		return 0;
	if (c->fault.page_fault)
		return -EFAULT;
	memset(buf, 0xff, len);
	return 0;
}

static int string_write(void *p, uint64_t lin, const void *buf, unsigned int len)
{
	struct string_ctx *c = p;
	uint8_t copy[8];

	memcpy(copy, buf, len);
	if (!copy_guest_insn(c->v, lin, copy, len, true, c->user, &c->fault))
		return 0;
	return c->fault.page_fault ? -EFAULT : 0;
}

/* The vCPU's local APIC answers at the faulting address. */
struct apic_ctx {
	struct vcpu *v;
	uint64_t gpa;
};

static uint64_t apic_read(void *p, unsigned int len)
{
	struct apic_ctx *c = p;

	return vlapic_mmio_read(c->v, c->gpa, len);
}

static void apic_write(void *p, unsigned int len, uint64_t val)
{
	struct apic_ctx *c = p;

	vlapic_mmio_write(c->v, c->gpa, len, val);
}

/* 0: done or to be repeated; -EINVAL: not an instruction this can finish.
 * ops: the device at the address, NULL for none (all-ones, dropped);
 * string instructions always see none. */
static int complete_absent(struct vcpu *v, const struct insn *insn, const struct mmio_ops *ops)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct string_ctx c = { .v = v, .user = svm_guest_cpl(vmcb) == 3 };
	const struct absent_mem mem = { string_read, string_write, &c };
	struct absent_access acc;
	struct insn_regs r;
	uint64_t rflags = vmcb->rflags;
	int done;

	svm_regs_get(v, &r);
	if (insn_is_absent_string(insn)) {
		done = emulate_absent_string(insn, &r, rflags, &mem, ABSENT_STRING_BATCH);
		svm_regs_put(v, &r);
		if (done < 0) {
			vmcb->cr2 = c.fault.addr;
			hvm_inject_exception(v, TRAP_PF, (int)c.fault.error_code);
			return 0;
		}
		if (done)
			vmcb->rip += insn->len;
		return 0;
	}
	if (ops ? emulate_mmio(insn, &r, &rflags, ops, &acc) : emulate_absent(insn, &r, &rflags, &acc))
		return -EINVAL;
	svm_regs_put(v, &r);
	vmcb->rflags = rflags;
	vmcb->rip += insn->len;
	return 0;
}

/* Once per page in a row, and within the domain's message budget. */
static void log_refused(struct vcpu *v, uint64_t gpa, bool write, const char *outcome)
{
	uint64_t page = gpa & ~(PAGE_SIZE - 1);

	v->stats.mem_refused++;
	if (v->hvm.refused_logged && v->hvm.refused_page == page)
		return;
	v->hvm.refused_logged = true;
	v->hvm.refused_page = page;
	gprintk(v->domain, LOG_WARNING,
		"domain %u (%s): refused %s of %#llx (not its memory) at rip %#llx: %s\n",
		v->domain->id, v->domain->name, write ? "a write" : "a read",
		(unsigned long long)gpa, (unsigned long long)v->hvm.vmcb->rip, outcome);
}

/* What cannot be completed: dom0 gets #GP (it must survive its drivers'
 * probes); another domain is stopped, as Xen stops an HVM guest whose
 * access to a hole it cannot emulate. */
static void refuse(struct vcpu *v, uint64_t gpa, bool write, const char *why)
{
	if (domain_is_dom0(v->domain)) {
		log_refused(v, gpa, write, why);
		hvm_inject_exception(v, TRAP_GP, 0);
		return;
	}
	domain_crash(v->domain, "%s of %#llx outside its RAM at rip %#llx: %s",
		     write ? "write" : "read", (unsigned long long)gpa,
		     (unsigned long long)v->hvm.vmcb->rip, why);
}

void svm_absent_access(struct vcpu *v, uint64_t gpa, bool write, bool completable)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct apic_ctx apic = { v, gpa };
	const struct mmio_ops apic_ops = { apic_read, apic_write, &apic };
	bool is_apic = vlapic_covers(v, gpa);
	struct insn insn;

	/* Its own page tables, IDT or stack outside its memory, or code run
	 * from there: nothing to complete in its place. */
	if (!completable || (vmcb->exit_int_info & EVENT_VALID)) {
		refuse(v, gpa, write, domain_is_dom0(v->domain) ? "#GP" :
		       "page table, code or event there");
		return;
	}
	if (svm_decode_at_rip(v, &insn) < 0 ||
	    complete_absent(v, &insn, is_apic ? &apic_ops : NULL)) {
		refuse(v, gpa, write, domain_is_dom0(v->domain) ?
		       "instruction not emulated, #GP" : "instruction not emulated");
		return;
	}
	if (!is_apic)
		log_refused(v, gpa, write, write ? "dropped" : "reads all-ones");
}

__exit_handler void svm_exit_npf(struct vcpu *v)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t info = vmcb->exit_info1, gpa = vmcb->exit_info2;

	v->stats.npt_faults++;
	/* dom0's local and I/O APIC pages are mapped read-only: a write is
	 * for the APIC. */
	if (domain_is_dom0(v->domain) && (info & MMU_PF_P) && (info & NPF_INFO_FINAL_GPA) &&
	    (info & MMU_PF_W) && (svm_dom0_apic_write(v, gpa) || svm_dom0_ioapic_write(v, gpa)))
		return;
	/* A read-only grant mapping written: #GP, as Xen gives it. */
	if ((info & MMU_PF_P) && (info & MMU_PF_W) && svm_grant_ro_write(v, gpa))
		return;
	if (domain_is_dom0(v->domain) ||
	    (!(info & MMU_PF_P) && !domain_owns_gpa_range(v->domain, gpa, 1))) {
		svm_absent_access(v, gpa, info & MMU_PF_W,
				  (info & NPF_INFO_FINAL_GPA) && !(info & MMU_PF_ID));
		return;
	}
	domain_crash(v->domain, "nested page fault: guest-physical %#llx (%s%s) at rip %#llx",
		     (unsigned long long)vmcb->exit_info2,
		     (vmcb->exit_info1 & MMU_PF_W) ? "write" : "read",
		     (vmcb->exit_info1 & MMU_PF_P) ? ", protection" : ", not backed",
		     (unsigned long long)vmcb->rip);
}
