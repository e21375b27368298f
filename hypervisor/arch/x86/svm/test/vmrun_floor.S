/*
 * Test build only: svm_vmrun with the exit floor (public/exit_floor.h).
 * Right after #VMEXIT, before anything else, the four floor exits are
 * answered here and the guest entered again; every other exit leaves as
 * in the release build. The guest's GPRs are live at that point: only
 * RBX is borrowed (saved on the stack) and RAX holds the VMCB's physical
 * address, as VMRUN left it. What the guest times between two of these
 * is the emulator's own VMRUN/#VMEXIT cost: Umbra's floor.
 */
#include <asm/svm/vmcb.h>
#include <public/exit_floor.h>

#define SVM_VMRUN_FLOOR

	/* Stack on entry: 0 the VMCB (virtual), 8 the VMCB (physical). */
	.macro exit_floor
.Lfloor_exit:
	push	%rbx
	mov	8(%rsp), %rbx
	mov	VMCB_OFF_EXIT_CODE(%rbx), %rax
	cmp	$VMEXIT_CPUID, %rax
	je	.Lfloor_cpuid
	cmp	$VMEXIT_VMMCALL, %rax
	je	.Lfloor_vmmcall
	cmp	$VMEXIT_MSR, %rax
	je	.Lfloor_msr
	cmp	$VMEXIT_IOIO, %rax
	je	.Lfloor_io
.Lfloor_leave:
	pop	%rbx
	jmp	.Lfloor_done

.Lfloor_cpuid:
	cmpl	$EXIT_FLOOR_CPUID_LEAF, VMCB_OFF_RAX(%rbx)
	jne	.Lfloor_leave
	movq	$EXIT_FLOOR_SIGNATURE, VMCB_OFF_RAX(%rbx)
	addq	$2, VMCB_OFF_RIP(%rbx)
	pop	%rbx
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	jmp	.Lfloor_enter

.Lfloor_vmmcall:
	cmpl	$EXIT_FLOOR_HYPERCALL, VMCB_OFF_RAX(%rbx)
	jne	.Lfloor_leave
	movq	$EXIT_FLOOR_HYPERCALL_RET, VMCB_OFF_RAX(%rbx)
	addq	$3, VMCB_OFF_RIP(%rbx)
	pop	%rbx
	jmp	.Lfloor_enter

.Lfloor_msr:
	cmpq	$EXITINFO1_MSR_RDMSR, VMCB_OFF_EXIT_INFO1(%rbx)
	jne	.Lfloor_leave
	cmp	$EXIT_FLOOR_MSR, %ecx
	jne	.Lfloor_leave
	movq	$0, VMCB_OFF_RAX(%rbx)
	addq	$2, VMCB_OFF_RIP(%rbx)
	pop	%rbx
	xor	%edx, %edx
	jmp	.Lfloor_enter

	/* IN AL only: the port, no string or REP, size 1 (address-size
	 * and segment bits, which TCG leaves empty, are not looked at). */
.Lfloor_io:
	mov	VMCB_OFF_EXIT_INFO1(%rbx), %rax
	and	$(0xffff0000 | (IOIO_SZ_MASK << IOIO_SZ_SHIFT) | IOIO_REP | IOIO_STR | IOIO_TYPE_IN), %eax
	cmp	$((EXIT_FLOOR_PORT << IOIO_PORT_SHIFT) | (1 << IOIO_SZ_SHIFT) | IOIO_TYPE_IN), %eax
	jne	.Lfloor_leave
	movb	$0xff, VMCB_OFF_RAX(%rbx)
	mov	VMCB_OFF_EXIT_INFO2(%rbx), %rax
	mov	%rax, VMCB_OFF_RIP(%rbx)
	pop	%rbx

.Lfloor_enter:
	mov	8(%rsp), %rax
	vmrun	%rax
	jmp	.Lfloor_exit
.Lfloor_done:
	.endm

#include "../vmrun.S"
