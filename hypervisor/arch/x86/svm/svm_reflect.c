/* #DB and #AC are intercepted only to be given back to the guest, as Xen
 * does. Unseen, either can chain inside the CPU without end: a #DB whose
 * delivery hits a data breakpoint on the stack it pushes to
 * (CVE-2015-8104), an #AC whose delivery pushes to a misaligned stack with
 * alignment checks on (CVE-2015-5307). The CPU then takes no interrupt and
 * never exits, and the physical CPU is lost to every other domain. With
 * the intercepts each link of such a chain is an exit: the guest only
 * hangs itself, and the scheduler runs the others between its exits. */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>

/* An event whose delivery the exception interrupted is not re-injected:
 * the CPU, too, delivers the second of two benign exceptions and the
 * instruction that raised the first runs again. */
void svm_exit_reflect(struct vcpu *v, unsigned int vector)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	if (vector == TRAP_DB) {
		/* DR6 already says why (AMD updates it before the intercept,
		 * and so does QEMU); delivering #DB clears DR7.GD, which an
		 * injected event does not do by itself. */
		vmcb->dr7 &= ~DR7_GD;
		hvm_inject_exception(v, TRAP_DB, HVM_NO_ERROR_CODE);
	} else {
		hvm_inject_exception(v, TRAP_AC, 0);	/* #AC's error code is 0 */
	}
}
