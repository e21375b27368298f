/*
 * Unit tests of the instruction decoder for the instructions the
 * hypervisor steps over or emulates, with their operands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/insn.h>
#include <umbra/errno.h>

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

static struct insn in;

static int dec(int mode, const uint8_t *b, size_t n)
{
	return insn_decode(b, n, mode, &in);
}

/* Decode and expect a given length that uses every byte supplied. */
static void expect_len(int mode, const uint8_t *b, size_t n)
{
	assert_int_equal(dec(mode, b, n), (int)n);
	assert_int_equal(in.len, n);
}

static void test_exit_instruction_lengths(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x0f, 0xa2));		/* cpuid */
	expect_len(64, BYTES(0x0f, 0x32));		/* rdmsr */
	expect_len(64, BYTES(0x0f, 0x30));		/* wrmsr */
	expect_len(64, BYTES(0x0f, 0x31));		/* rdtsc */
	expect_len(64, BYTES(0x0f, 0x01, 0xf9));	/* rdtscp */
	expect_len(64, BYTES(0xf4));			/* hlt */
	expect_len(64, BYTES(0x0f, 0x01, 0xd9));	/* vmmcall */
	expect_len(64, BYTES(0x0f, 0x01, 0xd1));	/* xsetbv */
	expect_len(64, BYTES(0x0f, 0x01, 0xee));	/* rdpkru */
	expect_len(64, BYTES(0x0f, 0x01, 0xef));	/* wrpkru */
	expect_len(64, BYTES(0x0f, 0x09));		/* wbinvd */
	expect_len(64, BYTES(0x0f, 0x01, 0xc8));	/* monitor */
	expect_len(64, BYTES(0x0f, 0x01, 0xc9));	/* mwait */
	expect_len(32, BYTES(0x0f, 0xa2));
	expect_len(32, BYTES(0x0f, 0x01, 0xd9));
	expect_len(16, BYTES(0xf4));
	/* The decoder stops at the instruction's end, whatever follows. */
	assert_int_equal(dec(64, BYTES(0x0f, 0xa2, 0x0f, 0x0b, 0xcc)), 2);
}

static void test_pause_is_rep_nop(void **state)
{
	(void)state;
	expect_len(64, BYTES(0xf3, 0x90));
	assert_int_equal(in.rep, INSN_PFX_REP);
	assert_int_equal(in.opcode, 0x90);
	assert_int_equal(in.map, INSN_MAP_1BYTE);
	assert_int_equal(in.nr_prefixes, 1);
}

static void test_xrstor_memory_operand(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x0f, 0xae, 0x2f));		/* xrstor [rdi] */
	assert_int_equal(in.map, INSN_MAP_0F);
	assert_int_equal(in.opcode, 0xae);
	assert_int_equal(in.reg, 5);
	assert_true(in.has_mem);
	assert_int_equal(in.base, INSN_RDI);
	expect_len(64, BYTES(0x48, 0x0f, 0xae, 0x6e, 0x10));	/* xrstor64 [rsi+16] */
	assert_int_equal(in.reg & 7, 5);
	assert_int_equal(in.base, INSN_RSI);
	assert_int_equal(in.disp, 16);
	/* Register form of /5 is LFENCE, not XRSTOR. */
	expect_len(64, BYTES(0x0f, 0xae, 0xe8));
	assert_false(in.has_mem);
}

static void test_pushf_popf_operand_size(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x9c));
	assert_int_equal(in.op_bytes, 8);
	expect_len(64, BYTES(0x66, 0x9d));
	assert_int_equal(in.op_bytes, 2);
	expect_len(32, BYTES(0x9c));
	assert_int_equal(in.op_bytes, 4);
	expect_len(16, BYTES(0x9d));
	assert_int_equal(in.op_bytes, 2);
	expect_len(16, BYTES(0x66, 0x9d));
	assert_int_equal(in.op_bytes, 4);
}

static void test_mov_cr(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x0f, 0x22, 0xd8));		/* mov cr3, rax */
	assert_int_equal(in.reg, 3);
	assert_int_equal(in.rm, INSN_RAX);
	assert_int_equal(in.op_bytes, 8);
	assert_false(in.has_mem);
	expect_len(64, BYTES(0x41, 0x0f, 0x20, 0xe5));		/* mov r13, cr4 */
	assert_int_equal(in.reg, 4);
	assert_int_equal(in.rm, INSN_R13);
	expect_len(64, BYTES(0x44, 0x0f, 0x22, 0xc1));		/* mov cr8, rcx */
	assert_int_equal(in.reg, 8);
	assert_int_equal(in.rm, INSN_RCX);
	expect_len(32, BYTES(0x0f, 0x20, 0xc3));		/* mov ebx, cr0 */
	assert_int_equal(in.reg, 0);
	assert_int_equal(in.rm, INSN_RBX);
	assert_int_equal(in.op_bytes, 4);
	/* The mod field is ignored: no displacement follows even for 00/101. */
	expect_len(64, BYTES(0x0f, 0x22, 0x1d));
	assert_int_equal(in.reg, 3);
	assert_int_equal(in.rm, INSN_RBP);
	assert_false(in.has_mem);
	/* AMD's LOCK MOV CR0 names CR8. */
	expect_len(32, BYTES(0xf0, 0x0f, 0x22, 0xc0));
	assert_int_equal(in.reg, 8);
	/* CR1, CR5-7 and CR9-15 do not exist. */
	assert_int_equal(dec(64, BYTES(0x0f, 0x20, 0xc8)), -EINVAL);
	assert_int_equal(dec(64, BYTES(0x0f, 0x22, 0xe8)), -EINVAL);
	assert_int_equal(dec(64, BYTES(0x44, 0x0f, 0x22, 0xc8)), -EINVAL);
}

static void test_mov_dr(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x0f, 0x21, 0xf8));		/* mov rax, dr7 */
	assert_int_equal(in.reg, 7);
	assert_int_equal(in.rm, INSN_RAX);
	expect_len(64, BYTES(0x0f, 0x23, 0xc6));		/* mov dr0, rsi */
	assert_int_equal(in.reg, 0);
	assert_int_equal(in.rm, INSN_RSI);
	assert_int_equal(dec(64, BYTES(0x44, 0x0f, 0x21, 0xc0)), -EINVAL);
}

static void test_invlpg(void **state)
{
	struct insn_regs regs = { .gpr[INSN_RBP] = 0x1000, .gpr[INSN_RAX] = 0xdead000 };

	(void)state;
	expect_len(64, BYTES(0x0f, 0x01, 0x38));		/* invlpg [rax] */
	assert_int_equal(in.reg, 7);
	assert_true(in.has_mem);
	assert_int_equal(insn_effective_addr(&in, &regs), 0xdead000);
	expect_len(64, BYTES(0x0f, 0x01, 0x7d, 0xf8));		/* invlpg [rbp-8] */
	assert_int_equal(in.disp, -8);
	assert_int_equal(insn_effective_addr(&in, &regs), 0xff8);
	assert_int_equal(insn_mem_segment(&in), INSN_SEG_SS);
	/* INVLPGA is the register form 0F 01 DF */
	expect_len(64, BYTES(0x0f, 0x01, 0xdf));
	assert_false(in.has_mem);
}

static void test_port_io(void **state)
{
	(void)state;
	expect_len(64, BYTES(0xe4, 0x60));			/* in al, 0x60 */
	assert_int_equal(in.op_bytes, 1);
	assert_int_equal(in.imm & 0xff, 0x60);
	expect_len(64, BYTES(0xe7, 0xf8));			/* out 0xf8, eax */
	assert_int_equal(in.op_bytes, 4);
	assert_int_equal(in.imm & 0xff, 0xf8);
	expect_len(64, BYTES(0xec));				/* in al, dx */
	assert_int_equal(in.op_bytes, 1);
	expect_len(64, BYTES(0x66, 0xef));			/* out dx, ax */
	assert_int_equal(in.op_bytes, 2);
	expect_len(64, BYTES(0xf3, 0x6c));			/* rep insb */
	assert_int_equal(in.rep, INSN_PFX_REP);
	assert_int_equal(in.op_bytes, 1);
	expect_len(64, BYTES(0xf3, 0x67, 0x6f));		/* rep outsd, esi */
	assert_int_equal(in.addr_bytes, 4);
	assert_int_equal(in.op_bytes, 4);
	expect_len(16, BYTES(0x66, 0xf3, 0x6d));		/* rep insd in 16-bit */
	assert_int_equal(in.op_bytes, 4);
	assert_int_equal(in.addr_bytes, 2);
}

static void test_mov_rm_register_operands(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x89, 0x07));			/* mov [rdi], eax */
	assert_int_equal(in.op_bytes, 4);
	assert_int_equal(in.reg, INSN_RAX);
	assert_int_equal(in.base, INSN_RDI);
	assert_int_equal(in.index, INSN_NO_REG);
	expect_len(64, BYTES(0x4c, 0x89, 0x3f));		/* mov [rdi], r15 */
	assert_int_equal(in.op_bytes, 8);
	assert_int_equal(in.reg, INSN_R15);
	expect_len(64, BYTES(0x88, 0x27));			/* mov [rdi], ah */
	assert_int_equal(in.op_bytes, 1);
	assert_int_equal(in.reg, 4);
	assert_false(insn_has_rex(&in));
	expect_len(64, BYTES(0x40, 0x88, 0x27));		/* mov [rdi], spl */
	assert_true(insn_has_rex(&in));
	expect_len(64, BYTES(0x66, 0x8b, 0x0e));		/* mov cx, [rsi] */
	assert_int_equal(in.op_bytes, 2);
	assert_int_equal(in.reg, INSN_RCX);
	expect_len(64, BYTES(0x48, 0x63, 0xc1));		/* movsxd rax, ecx */
	assert_int_equal(in.rm, INSN_RCX);
}

static void test_mov_immediates(void **state)
{
	(void)state;
	expect_len(64, BYTES(0xc6, 0x07, 0xab));		/* mov byte [rdi], 0xab */
	assert_int_equal(in.imm_bytes, 1);
	assert_int_equal(in.imm & 0xff, 0xab);
	expect_len(64, BYTES(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff));
	assert_int_equal(in.imm_bytes, 4);
	assert_true(in.imm == UINT64_MAX);			/* sign-extended */
	expect_len(64, BYTES(0x66, 0xc7, 0x07, 0x34, 0x12));	/* mov word [rdi], 0x1234 */
	assert_int_equal(in.imm_bytes, 2);
	assert_int_equal(in.imm, 0x1234);
	assert_int_equal(in.imm_offset, 3);
	expect_len(64, BYTES(0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8));	/* movabs rax, imm64 */
	assert_true(in.imm == 0x0807060504030201ULL);
	expect_len(64, BYTES(0xa1, 1, 2, 3, 4, 5, 6, 7, 0));	/* mov eax, [moffs64] */
	assert_int_equal(in.imm_bytes, 8);
	assert_true(in.has_mem);				/* moffs is memory */
	assert_int_equal(in.base, INSN_NO_REG);
	assert_true(insn_effective_addr(&in, &(struct insn_regs){ .rip = 1 }) ==
		    0x0007060504030201ULL);
	expect_len(64, BYTES(0x67, 0xa3, 1, 2, 3, 0x84));	/* mov [moffs32], eax */
	assert_int_equal(in.imm_bytes, 4);
	assert_true(insn_effective_addr(&in, &(struct insn_regs){ 0 }) == 0x84030201ULL);
	expect_len(32, BYTES(0xa0, 0x00, 0x10, 0x00, 0x00));	/* mov al, [0x1000] */
	assert_int_equal(in.imm, 0x1000);
	expect_len(64, BYTES(0xc8, 0x10, 0x00, 0x01));		/* enter 16, 1 */
	assert_int_equal(in.imm, 16);
	assert_int_equal(in.imm2, 1);
	expect_len(32, BYTES(0xea, 0x78, 0x56, 0x34, 0x12, 0x10, 0x00)); /* jmp 0x10:0x12345678 */
	assert_true(in.imm == 0x001012345678ULL);
}

static void test_effective_addresses(void **state)
{
	struct insn_regs regs = { .rip = 0x400000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < INSN_NR_GPRS; i++)
		regs.gpr[i] = 0x100 * (i + 1);

	expect_len(64, BYTES(0x8b, 0x05, 0x10, 0x00, 0x00, 0x00));	/* [rip+0x10] */
	assert_true(in.rip_relative);
	assert_int_equal(insn_effective_addr(&in, &regs), 0x400000 + 6 + 0x10);
	expect_len(64, BYTES(0x8a, 0x44, 0x24, 0x08));		/* mov al, [rsp+8] */
	assert_true(in.has_sib);
	assert_int_equal(in.base, INSN_RSP);
	assert_int_equal(insn_mem_segment(&in), INSN_SEG_SS);
	assert_int_equal(insn_effective_addr(&in, &regs), 0x500 + 8);
	expect_len(64, BYTES(0x8b, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00)); /* [rcx*4+0x1000] */
	assert_int_equal(in.base, INSN_NO_REG);
	assert_int_equal(in.index, INSN_RCX);
	assert_int_equal(in.scale, 4);
	assert_int_equal(insn_effective_addr(&in, &regs), 0x200 * 4 + 0x1000);
	expect_len(64, BYTES(0x42, 0x8b, 0x04, 0xa5, 0, 0, 0, 0));	/* [r12*4] */
	assert_int_equal(in.index, INSN_R12);
	expect_len(64, BYTES(0x41, 0x8b, 0x04, 0x24));		/* [r12] */
	assert_int_equal(in.base, INSN_R12);
	assert_int_equal(in.index, INSN_NO_REG);
	assert_int_equal(insn_mem_segment(&in), INSN_SEG_DS);
	expect_len(64, BYTES(0x41, 0x8b, 0x45, 0xf0));		/* [r13-16] */
	assert_int_equal(in.base, INSN_R13);
	assert_int_equal(insn_effective_addr(&in, &regs), 0xe00 - 16);
	/* Address-size override truncates to 32 bits. */
	regs.gpr[INSN_RAX] = 0x1fffffff0ULL;
	expect_len(64, BYTES(0x67, 0x8b, 0x40, 0x20));		/* [eax+0x20] */
	assert_int_equal(insn_effective_addr(&in, &regs), 0x10);
}

static void test_16bit_addressing(void **state)
{
	struct insn_regs regs = { 0 };

	(void)state;
	regs.gpr[INSN_RBX] = 0x1000;
	regs.gpr[INSN_RSI] = 0x20;
	regs.gpr[INSN_RBP] = 0xfff0;
	expect_len(16, BYTES(0x8b, 0x00));			/* mov ax, [bx+si] */
	assert_int_equal(insn_effective_addr(&in, &regs), 0x1020);
	expect_len(16, BYTES(0x8b, 0x46, 0x20));		/* mov ax, [bp+0x20] */
	assert_int_equal(insn_mem_segment(&in), INSN_SEG_SS);
	assert_int_equal(insn_effective_addr(&in, &regs), 0x0010);	/* wraps */
	expect_len(16, BYTES(0x8b, 0x06, 0x34, 0x12));		/* mov ax, [0x1234] */
	assert_int_equal(insn_effective_addr(&in, &regs), 0x1234);
	expect_len(32, BYTES(0x67, 0x8b, 0x47, 0x02));		/* mov eax, [bx+2] */
	assert_int_equal(in.addr_bytes, 2);
	assert_int_equal(insn_effective_addr(&in, &regs), 0x1002);
}

static void test_linear_addresses(void **state)
{
	struct insn_regs regs = { 0 };

	(void)state;
	regs.gpr[INSN_RDI] = 0x10;
	regs.seg_base[INSN_SEG_FS] = 0x7000000000ULL;
	regs.seg_base[INSN_SEG_DS] = 0x5000;
	expect_len(64, BYTES(0x64, 0x89, 0x07));		/* mov fs:[rdi], eax */
	assert_int_equal(insn_mem_segment(&in), INSN_SEG_FS);
	assert_true(insn_linear_addr(&in, &regs) == 0x7000000010ULL);
	expect_len(64, BYTES(0x3e, 0x89, 0x07));		/* ds: ignored in 64-bit */
	assert_int_equal(insn_linear_addr(&in, &regs), 0x10);
	expect_len(32, BYTES(0x89, 0x07));			/* ds base applies */
	assert_int_equal(insn_linear_addr(&in, &regs), 0x5010);
	regs.seg_base[INSN_SEG_DS] = 0xfffffff8;
	assert_int_equal(insn_linear_addr(&in, &regs), 0x8);	/* wraps at 4 GiB */
}

static void test_page_table_write_forms(void **state)
{
	(void)state;
	expect_len(64, BYTES(0x48, 0x89, 0x0f));		/* mov [rdi], rcx */
	expect_len(64, BYTES(0x48, 0x87, 0x0f));		/* xchg [rdi], rcx */
	expect_len(64, BYTES(0xf0, 0x48, 0x0f, 0xb1, 0x0f));	/* lock cmpxchg [rdi], rcx */
	assert_true(in.lock);
	assert_int_equal(in.op_bytes, 8);
	expect_len(64, BYTES(0xf0, 0x48, 0x0f, 0xc7, 0x0f));	/* lock cmpxchg16b [rdi] */
	assert_int_equal(in.reg & 7, 1);
	expect_len(64, BYTES(0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x01)); /* lock bts qword [rdi], 1 */
	assert_int_equal(in.imm, 1);
	expect_len(64, BYTES(0x48, 0xab));			/* stosq */
	assert_int_equal(in.op_bytes, 8);
}

static void test_branches_follow_amd(void **state)
{
	(void)state;
	expect_len(64, BYTES(0xe8, 0, 0, 0, 0));		/* call rel32 */
	expect_len(64, BYTES(0x66, 0xe8, 0, 0));		/* call rel16 (AMD) */
	assert_int_equal(in.op_bytes, 2);
	expect_len(64, BYTES(0x0f, 0x84, 0, 0, 0, 0));		/* je rel32 */
	expect_len(64, BYTES(0x66, 0x0f, 0x84, 0, 0));		/* je rel16 */
	expect_len(64, BYTES(0x48, 0xe9, 0, 0, 0, 0));		/* REX.W: still rel32 */
	expect_len(64, BYTES(0xff, 0xd0));			/* call rax */
	assert_int_equal(in.op_bytes, 8);
	expect_len(16, BYTES(0xe8, 0, 0));			/* call rel16 */
	expect_len(16, BYTES(0x66, 0xe8, 0, 0, 0, 0));		/* call rel32 */
}

static void test_vex_evex_xop_3dnow(void **state)
{
	(void)state;
	expect_len(64, BYTES(0xc5, 0xf8, 0x77));		/* vzeroupper */
	assert_int_equal(in.encoding, INSN_ENC_VEX2);
	assert_false(in.has_modrm);
	expect_len(64, BYTES(0xc4, 0xe2, 0x79, 0x18, 0x07));	/* vbroadcastss xmm0, [rdi] */
	assert_int_equal(in.map, INSN_MAP_0F38);
	expect_len(64, BYTES(0xc4, 0xe3, 0x79, 0x0f, 0xc1, 0x08)); /* vpalignr */
	assert_int_equal(in.imm, 8);
	expect_len(64, BYTES(0xc5, 0xfd, 0x70, 0xc1, 0x1b));	/* vpshufd ymm0, ymm1, 0x1b */
	assert_int_equal(in.vex_l, 1);
	assert_int_equal(in.vex_pp, 1);
	expect_len(64, BYTES(0x62, 0xf1, 0x7c, 0x48, 0x10, 0x47, 0x01)); /* vmovups zmm0, [rdi+64] */
	assert_int_equal(in.encoding, INSN_ENC_EVEX);
	assert_int_equal(in.vex_l, 2);
	assert_int_equal(in.disp_bytes, 1);
	expect_len(64, BYTES(0x8f, 0xe8, 0x78, 0xc0, 0xc1, 0x03)); /* vprotb xmm0, xmm1, 3 */
	assert_int_equal(in.encoding, INSN_ENC_XOP);
	assert_int_equal(in.map, INSN_MAP_XOP8);
	expect_len(64, BYTES(0x0f, 0x0f, 0xc1, 0x9e));		/* pfadd mm0, mm1 */
	assert_int_equal(in.map, INSN_MAP_3DNOW);
	assert_int_equal(in.opcode, 0x9e);
	assert_int_equal(dec(64, BYTES(0x0f, 0x0f, 0xc1, 0x00)), -EINVAL);
	expect_len(64, BYTES(0x66, 0x0f, 0x78, 0xc0, 0x04, 0x08)); /* extrq xmm0, 4, 8 */
	assert_int_equal(in.imm, 4);
	assert_int_equal(in.imm2, 8);
	/* In 32-bit code C5 is LDS unless the next byte looks like mod 3. */
	expect_len(32, BYTES(0xc5, 0x06));			/* lds eax, [esi] */
	assert_int_equal(in.encoding, INSN_ENC_LEGACY);
	assert_int_equal(dec(64, BYTES(0xc5, 0x06)), -EFAULT);	/* VEX, needs more */
	expect_len(32, BYTES(0x8f, 0xc0));			/* pop eax */
}

static void test_invalid_encodings(void **state)
{
	(void)state;
	assert_int_equal(dec(64, BYTES(0x0f, 0x04)), -EINVAL);	/* hole */
	assert_int_equal(dec(64, BYTES(0x06)), -EINVAL);	/* push es in 64-bit */
	expect_len(32, BYTES(0x06));
	assert_int_equal(dec(64, BYTES(0xf0, 0x90)), -EINVAL);	/* lock nop */
	assert_int_equal(dec(64, BYTES(0xf0, 0x01, 0xc0)), -EINVAL); /* lock add eax, eax */
	expect_len(64, BYTES(0xf0, 0x01, 0x00));		/* lock add [rax], eax */
	assert_int_equal(dec(64, BYTES(0xf0, 0x39, 0x00)), -EINVAL); /* lock cmp */
	assert_int_equal(dec(64, BYTES(0xf0, 0x80, 0x38, 0x01)), -EINVAL); /* lock cmp imm */
	assert_int_equal(dec(64, BYTES(0x8d, 0xc0)), -EINVAL);	/* lea eax, eax */
	assert_int_equal(dec(64, BYTES(0xff, 0xf8)), -EINVAL);	/* FF /7 */
	assert_int_equal(dec(64, BYTES(0xff, 0xd8)), -EINVAL);	/* call far reg */
	assert_int_equal(dec(64, BYTES(0x8e, 0xc8)), -EINVAL);	/* mov cs, eax */
	assert_int_equal(dec(64, BYTES(0x66, 0xc5, 0xf8, 0x77)), -EINVAL); /* 66 + VEX */
	assert_int_equal(dec(64, BYTES(0x40, 0xc5, 0xf8, 0x77)), -EINVAL); /* REX + VEX */
	assert_int_equal(dec(64, BYTES(0xc4, 0xe0, 0x79, 0x18, 0x07)), -EINVAL); /* map 0 */
	assert_int_equal(dec(64, BYTES(0x0f, 0x01, 0xf8)), 3);	/* swapgs */
	assert_int_equal(dec(32, BYTES(0x0f, 0x01, 0xf8)), -EINVAL);
	expect_len(64, BYTES(0x0f, 0x0b));			/* ud2 is an instruction */
	assert_int_equal(dec(64, BYTES(0x0f, 0xa2)), 2);
	assert_int_equal(dec(8, BYTES(0x0f, 0xa2)), -EINVAL);	/* bad mode */
}

static void test_truncated_and_overlong(void **state)
{
	uint8_t b[16];

	(void)state;
	assert_int_equal(dec(64, BYTES(0x0f)), -EFAULT);
	assert_int_equal(insn_decode(b, 0, 64, &in), -EFAULT);
	assert_int_equal(dec(64, BYTES(0x48, 0xc7, 0x07, 0xff, 0xff, 0xff)), -EFAULT);
	assert_int_equal(dec(64, BYTES(0x66, 0x66, 0x66)), -EFAULT);
	/* 14 prefixes and a 1-byte opcode fit; 15 prefixes do not. */
	memset(b, 0x66, sizeof(b));
	b[14] = 0x90;
	assert_int_equal(insn_decode(b, sizeof(b), 64, &in), 15);
	assert_int_equal(in.nr_prefixes, 14);
	b[14] = 0x66;
	b[15] = 0x90;
	assert_int_equal(insn_decode(b, sizeof(b), 64, &in), -E2BIG);
	/* 4 prefixes + REX + 0F BA ModRM SIB disp32 imm8 = 15: fine. */
	expect_len(64, BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x0f, 0xba, 0xa4, 0x24,
			     0, 0, 0, 0, 0x01));
	assert_int_equal(dec(64, BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x0f, 0xba, 0xa4,
				       0x24, 0, 0, 0, 0, 0x01)), 15);
	assert_int_equal(dec(64, BYTES(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x0f, 0xba,
				       0xa4, 0x24, 0, 0, 0, 0, 0x01)), -E2BIG);
}

static void test_rex_placement(void **state)
{
	(void)state;
	/* A REX not directly before the opcode is ignored. */
	expect_len(64, BYTES(0x48, 0x66, 0x89, 0x07));
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.op_bytes, 2);
	/* 40-4F are INC/DEC outside 64-bit mode. */
	expect_len(32, BYTES(0x48));
	assert_int_equal(in.opcode, 0x48);
}

static void test_gpr_access(void **state)
{
	struct insn_regs regs = { 0 };

	(void)state;
	regs.gpr[INSN_RAX] = 0x1122334455667788ULL;
	assert_int_equal(insn_gpr_read(&regs, 4, 1, false), 0x77);	/* ah */
	assert_int_equal(insn_gpr_read(&regs, 0, 1, false), 0x88);	/* al */
	assert_int_equal(insn_gpr_read(&regs, 0, 2, false), 0x7788);
	assert_int_equal(insn_gpr_read(&regs, 0, 4, false), 0x55667788);
	assert_true(insn_gpr_read(&regs, 0, 8, true) == 0x1122334455667788ULL);
	insn_gpr_write(&regs, 4, 1, false, 0xab);			/* ah */
	assert_true(regs.gpr[INSN_RAX] == 0x112233445566ab88ULL);
	insn_gpr_write(&regs, 0, 2, false, 0xcdef);
	assert_true(regs.gpr[INSN_RAX] == 0x112233445566cdefULL);
	insn_gpr_write(&regs, 0, 4, false, 0xffffffff12345678ULL);	/* zero-extends */
	assert_true(regs.gpr[INSN_RAX] == 0x12345678ULL);
	regs.gpr[INSN_RSP] = 0xffff;
	insn_gpr_write(&regs, 4, 1, true, 0x11);			/* spl */
	assert_int_equal(regs.gpr[INSN_RSP], 0xff11);
	insn_gpr_write(&regs, INSN_R9, 8, true, 0x99);
	assert_int_equal(regs.gpr[INSN_R9], 0x99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_instruction_lengths),
		cmocka_unit_test(test_pause_is_rep_nop),
		cmocka_unit_test(test_xrstor_memory_operand),
		cmocka_unit_test(test_pushf_popf_operand_size),
		cmocka_unit_test(test_mov_cr),
		cmocka_unit_test(test_mov_dr),
		cmocka_unit_test(test_invlpg),
		cmocka_unit_test(test_port_io),
		cmocka_unit_test(test_mov_rm_register_operands),
		cmocka_unit_test(test_mov_immediates),
		cmocka_unit_test(test_effective_addresses),
		cmocka_unit_test(test_16bit_addressing),
		cmocka_unit_test(test_linear_addresses),
		cmocka_unit_test(test_page_table_write_forms),
		cmocka_unit_test(test_branches_follow_amd),
		cmocka_unit_test(test_vex_evex_xop_3dnow),
		cmocka_unit_test(test_invalid_encodings),
		cmocka_unit_test(test_truncated_and_overlong),
		cmocka_unit_test(test_rex_placement),
		cmocka_unit_test(test_gpr_access),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
