/* The AMD SVM virtual machine control block (AMD64 APM vol. 2, appendix B):
 * a 4 KiB page, control area at 0, state-save area at 0x400. */
#ifndef ASM_SVM_VMCB_H
#define ASM_SVM_VMCB_H

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#endif

/* Intercept word 0 (offset 0x000): CR reads in bits 15:0, writes 31:16 */
#define INTERCEPT_CR_READ(n)	(1u << (n))
#define INTERCEPT_CR_WRITE(n)	(1u << (16 + (n)))

/* Intercept word 3 (offset 0x00c) */
#define INTERCEPT_INTR		(1u << 0)
#define INTERCEPT_NMI		(1u << 1)
#define INTERCEPT_SMI		(1u << 2)
#define INTERCEPT_INIT		(1u << 3)
#define INTERCEPT_VINTR		(1u << 4)
#define INTERCEPT_RDTSC		(1u << 14)
#define INTERCEPT_RDPMC		(1u << 15)
#define INTERCEPT_CPUID		(1u << 18)
#define INTERCEPT_RSM		(1u << 19)
#define INTERCEPT_INVD		(1u << 22)
#define INTERCEPT_PAUSE		(1u << 23)
#define INTERCEPT_HLT		(1u << 24)
#define INTERCEPT_INVLPG	(1u << 25)
#define INTERCEPT_INVLPGA	(1u << 26)
#define INTERCEPT_IOIO_PROT	(1u << 27)
#define INTERCEPT_MSR_PROT	(1u << 28)
#define INTERCEPT_TASK_SWITCH	(1u << 29)
#define INTERCEPT_SHUTDOWN	(1u << 31)
/* Intercept word 4 (offset 0x010) */
#define INTERCEPT_VMRUN		(1u << 0)
#define INTERCEPT_VMMCALL	(1u << 1)
#define INTERCEPT_VMLOAD	(1u << 2)
#define INTERCEPT_VMSAVE	(1u << 3)
#define INTERCEPT_STGI		(1u << 4)
#define INTERCEPT_CLGI		(1u << 5)
#define INTERCEPT_SKINIT	(1u << 6)
#define INTERCEPT_RDTSCP	(1u << 7)
#define INTERCEPT_ICEBP		(1u << 8)
#define INTERCEPT_WBINVD	(1u << 9)
#define INTERCEPT_MONITOR	(1u << 10)
#define INTERCEPT_MWAIT		(1u << 11)
#define INTERCEPT_XSETBV	(1u << 13)

/* Exit codes */
#define VMEXIT_CR0_READ		0x000
#define VMEXIT_CR3_READ		0x003
#define VMEXIT_CR4_READ		0x004
#define VMEXIT_CR0_WRITE	0x010
#define VMEXIT_CR3_WRITE	0x013
#define VMEXIT_CR4_WRITE	0x014
#define VMEXIT_EXCP_BASE	0x040
#define VMEXIT_EXCP_UD		0x046
#define VMEXIT_EXCP_PF		0x04e
#define VMEXIT_INTR		0x060
#define VMEXIT_NMI		0x061
#define VMEXIT_SMI		0x062
#define VMEXIT_INIT		0x063
#define VMEXIT_VINTR		0x064
#define VMEXIT_RDTSC		0x06e
#define VMEXIT_RDPMC		0x06f
#define VMEXIT_CPUID		0x072
#define VMEXIT_RSM		0x073
#define VMEXIT_IRET		0x074
#define VMEXIT_SWINT		0x075
#define VMEXIT_INVD		0x076
#define VMEXIT_PAUSE		0x077
#define VMEXIT_HLT		0x078
#define VMEXIT_INVLPG		0x079
#define VMEXIT_INVLPGA		0x07a
#define VMEXIT_IOIO		0x07b
#define VMEXIT_MSR		0x07c
#define VMEXIT_TASK_SWITCH	0x07d
#define VMEXIT_SHUTDOWN		0x07f
#define VMEXIT_VMRUN		0x080
#define VMEXIT_VMMCALL		0x081
#define VMEXIT_VMLOAD		0x082
#define VMEXIT_VMSAVE		0x083
#define VMEXIT_STGI		0x084
#define VMEXIT_CLGI		0x085
#define VMEXIT_SKINIT		0x086
#define VMEXIT_RDTSCP		0x087
#define VMEXIT_ICEBP		0x088
#define VMEXIT_WBINVD		0x089
#define VMEXIT_MONITOR		0x08a
#define VMEXIT_MWAIT		0x08b
#define VMEXIT_XSETBV		0x08d
#define VMEXIT_NPF		0x400
#define VMEXIT_INVALID		0xffffffffu	/* compare as uint32_t */
#define VMEXIT_CODE_MAX		0x401		/* counters index [0, max) */

/* NPF EXITINFO1, beside the #PF error-code bits */
#define NPF_INFO_FINAL_GPA	(1ULL << 32)	/* the access itself */
#define NPF_INFO_GUEST_WALK	(1ULL << 33)	/* the guest's page-table walk */

/* IOIO EXITINFO1 */
#define IOIO_TYPE_IN		(1 << 0)	/* no 'u': assembly reads these */
#define IOIO_STR		(1 << 2)
#define IOIO_REP		(1 << 3)
#define IOIO_SZ_SHIFT		4		/* bits 6:4: 1, 2 or 4 bytes */
#define IOIO_SZ_MASK		7
#define IOIO_PORT_SHIFT		16

/* EVENTINJ / EXITINTINFO */
#define EVENT_VALID		(1ULL << 31)
#define EVENT_ERR_VALID		(1ULL << 11)
#define EVENT_TYPE_INTR		(0ULL << 8)
#define EVENT_TYPE_NMI		(2ULL << 8)
#define EVENT_TYPE_EXCEPTION	(3ULL << 8)
#define EVENT_TYPE_SOFT_INT	(4ULL << 8)
#define EVENT_TYPE_MASK		(7ULL << 8)
#define EVENT_VECTOR_MASK	0xffULL

/* int_ctl (offset 0x060) */
#define V_TPR_MASK		0xfULL		/* the guest's CR8 under V_INTR_MASKING */
#define V_IRQ			(1ULL << 8)
#define V_INTR_PRIO_SHIFT	16
#define V_IGN_TPR		(1ULL << 20)
#define V_INTR_MASKING		(1ULL << 24)
#define V_INTR_VECTOR_SHIFT	32
#define V_INTR_VECTOR_MASK	0xffULL

#define TLB_CONTROL_FLUSH_ALL	1

/* EXITINFO1 of an MSR exit */
#define EXITINFO1_MSR_RDMSR	0	/* 1: WRMSR */

/* vmcb_seg.attrib: descriptor bits 47:40 in 7:0 and 55:52 in 11:8 */
#define SEG_ATTR_DPL_SHIFT	5
#define SEG_ATTR_DPL_MASK	3u
#define SEG_ATTR_P		(1u << 7)
#define SEG_ATTR_L		(1u << 9)	/* 64-bit code segment */
#define SEG_ATTR_DB		(1u << 10)	/* 32-bit default operand size */
/* Whole attributes of the flat segments Umbra loads */
#define SEG_CODE32		0xc9b	/* G, D/B, P, S, execute/read, accessed */
#define SEG_CODE64		0xa9b	/* G, L, P, S, execute/read, accessed */
#define SEG_DATA		0xc93	/* G, D/B, P, S, read/write, accessed */
#define SEG_TSS_BUSY		0x08b	/* P, busy 32/64-bit TSS */
#define SEG_LDT			0x082	/* P, LDT */
/* Real-mode segments after INIT (64 KiB, 16-bit) */
#define SEG_REAL_CODE		0x09b	/* P, S, execute/read, accessed */
#define SEG_REAL_DATA		0x093	/* P, S, read/write, accessed */

/* Offsets that assembly reads (vmrun.S and the test build's exit floor). */
#define VMCB_OFF_EXIT_CODE	0x070
#define VMCB_OFF_EXIT_INFO1	0x078
#define VMCB_OFF_EXIT_INFO2	0x080
#define VMCB_OFF_RIP		0x578
#define VMCB_OFF_RAX		0x5f8

#ifndef __ASSEMBLER__
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;	/* descriptor bits 8-15 and 20-23, packed */
	uint32_t limit;
	uint64_t base;
};

struct vmcb {
	/* control area */
	uint32_t intercept_cr;		/* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;
	uint32_t intercept_exceptions;
	uint32_t intercept_misc1;
	uint32_t intercept_misc2;	/* 0x010 */
	uint32_t intercept_misc3;
	uint8_t reserved0[0x03c - 0x018];
	uint16_t pause_filter_threshold;
	uint16_t pause_filter_count;
	uint64_t iopm_base_pa;		/* 0x040 */
	uint64_t msrpm_base_pa;
	uint64_t tsc_offset;		/* 0x050 */
	uint32_t asid;
	uint8_t tlb_control;
	uint8_t reserved1[3];
	uint64_t int_ctl;		/* 0x060 */
	uint64_t int_state;		/* bit 0: interrupt shadow */
	uint64_t exit_code;		/* 0x070 */
	uint64_t exit_info1;
	uint64_t exit_info2;		/* 0x080 */
	uint64_t exit_int_info;
	uint64_t np_enable;		/* 0x090 */
	uint64_t avic_apic_bar;
	uint64_t ghcb_pa;		/* 0x0a0 */
	uint64_t event_inj;
	uint64_t n_cr3;			/* 0x0b0 */
	uint64_t lbr_virt_enable;
	uint32_t clean_bits;		/* 0x0c0 */
	uint32_t reserved2;
	uint64_t next_rip;		/* 0x0c8: not written by QEMU's TCG */
	uint8_t insn_len;		/* 0x0d0 */
	uint8_t insn_bytes[15];
	uint8_t reserved3[0x400 - 0x0e0];

	/* state-save area */
	struct vmcb_seg es, cs, ss, ds, fs, gs;	/* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr;	/* 0x460 */
	uint8_t reserved4[0x4cb - 0x4a0];
	uint8_t cpl;				/* 0x4cb */
	uint32_t reserved5;
	uint64_t efer;				/* 0x4d0 */
	uint8_t reserved6[0x548 - 0x4d8];
	uint64_t cr4;				/* 0x548 */
	uint64_t cr3;
	uint64_t cr0;
	uint64_t dr7;
	uint64_t dr6;
	uint64_t rflags;			/* 0x570 */
	uint64_t rip;
	uint8_t reserved7[0x5d8 - 0x580];
	uint64_t rsp;				/* 0x5d8 */
	uint64_t s_cet, ssp, isst_addr;
	uint64_t rax;				/* 0x5f8 */
	uint64_t star, lstar, cstar, sfmask;	/* 0x600 */
	uint64_t kernel_gs_base;		/* 0x620 */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t cr2;				/* 0x640 */
	uint8_t reserved8[0x668 - 0x648];
	uint64_t g_pat;				/* 0x668 */
	uint64_t dbgctl;
	uint64_t br_from, br_to, last_excp_from, last_excp_to;
	uint8_t reserved9[0x1000 - 0x698];
};

#define VMCB_AT(field, off) \
	_Static_assert(offsetof(struct vmcb, field) == (off), "VMCB " #field)
VMCB_AT(iopm_base_pa, 0x040);
VMCB_AT(asid, 0x058);
VMCB_AT(int_ctl, 0x060);
VMCB_AT(exit_code, VMCB_OFF_EXIT_CODE);
VMCB_AT(exit_info1, VMCB_OFF_EXIT_INFO1);
VMCB_AT(exit_info2, VMCB_OFF_EXIT_INFO2);
VMCB_AT(np_enable, 0x090);
VMCB_AT(event_inj, 0x0a8);
VMCB_AT(n_cr3, 0x0b0);
VMCB_AT(next_rip, 0x0c8);
VMCB_AT(es, 0x400);
VMCB_AT(tr, 0x490);
VMCB_AT(cpl, 0x4cb);
VMCB_AT(efer, 0x4d0);
VMCB_AT(cr4, 0x548);
VMCB_AT(rflags, 0x570);
VMCB_AT(rip, VMCB_OFF_RIP);
VMCB_AT(rsp, 0x5d8);
VMCB_AT(rax, VMCB_OFF_RAX);
VMCB_AT(star, 0x600);
VMCB_AT(kernel_gs_base, 0x620);
VMCB_AT(cr2, 0x640);
VMCB_AT(g_pat, 0x668);
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
#endif /* !__ASSEMBLER__ */

#endif
