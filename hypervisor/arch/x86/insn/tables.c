/*
 * Opcode attribute tables of the legacy (non-VEX) maps, from the opcode
 * maps of the AMD64 and Intel SDM manuals. Only what decides length and
 * validity is recorded; the meaning of an opcode is the caller's.
 */
#include "insn_internal.h"

#define M	OP_M
#define I8	OP_I8
#define IZ	OP_IZ
#define B	OP_BYTE
#define L	OP_LOCK
#define X	OP_BAD
#define P	OP_PREFIX
#define G	OP_GROUP
#define D64	OP_D64
#define I64	OP_INV64
#define MO	OP_MEMONLY
#define RO	OP_REGONLY

/* Arithmetic rows 00-3F: r/m,r (byte, full), r,r/m (byte, full), AL/rAX,imm. */
#define ALU_ROW(lock)	M | B | (lock), M | (lock), M | B, M, B | I8, IZ

const uint32_t insn_map1[256] = {
	/* 00 */ ALU_ROW(L), I64, I64,
	/* 08 */ ALU_ROW(L), I64, OP_ESCAPE,
	/* 10 */ ALU_ROW(L), I64, I64,
	/* 18 */ ALU_ROW(L), I64, I64,
	/* 20 */ ALU_ROW(L), P, I64,
	/* 28 */ ALU_ROW(L), P, I64,
	/* 30 */ ALU_ROW(L), P, I64,
	/* 38 */ ALU_ROW(0), P, I64,
	/* 40 INC/DEC r (REX prefixes in 64-bit mode) */
	[0x40 ... 0x4f] = 0,
	/* 50 PUSH/POP r */
	[0x50 ... 0x5f] = D64,
	/* 60 PUSHA, POPA, BOUND (EVEX in 64-bit), ARPL/MOVSXD */
	[0x60] = I64, [0x61] = I64, [0x62] = M | MO | I64 | G, [0x63] = M | G,
	[0x64 ... 0x67] = P,
	/* 68 PUSH Iz, IMUL Iz, PUSH Ib, IMUL Ib, INS, OUTS */
	[0x68] = D64 | IZ, [0x69] = M | IZ, [0x6a] = D64 | I8, [0x6b] = M | I8,
	[0x6c] = B, [0x6d] = 0, [0x6e] = B, [0x6f] = 0,
	/* 70 Jcc rel8 */
	[0x70 ... 0x7f] = D64 | I8,
	/* 80 group 1 */
	[0x80] = M | B | I8 | L | G, [0x81] = M | IZ | L | G,
	[0x82] = M | B | I8 | L | G | I64, [0x83] = M | I8 | L | G,
	/* 84 TEST, XCHG */
	[0x84] = M | B, [0x85] = M, [0x86] = M | B | L, [0x87] = M | L,
	/* 88 MOV, MOV Sreg, LEA, POP r/m */
	[0x88] = M | B, [0x89] = M, [0x8a] = M | B, [0x8b] = M,
	[0x8c] = M | G, [0x8d] = M | MO, [0x8e] = M | G, [0x8f] = M | D64 | G,
	/* 90 NOP/PAUSE, XCHG rAX */
	[0x90 ... 0x97] = 0,
	/* 98 CBW, CWD, CALLF, FWAIT, PUSHF, POPF, SAHF, LAHF */
	[0x98] = 0, [0x99] = 0, [0x9a] = OP_IP | I64, [0x9b] = 0,
	[0x9c] = D64, [0x9d] = D64, [0x9e] = 0, [0x9f] = 0,
	/* A0 MOV moffs, MOVS, CMPS */
	[0xa0] = B | OP_IA, [0xa1] = OP_IA, [0xa2] = B | OP_IA, [0xa3] = OP_IA,
	[0xa4] = B, [0xa5] = 0, [0xa6] = B, [0xa7] = 0,
	/* A8 TEST imm, STOS, LODS, SCAS */
	[0xa8] = B | I8, [0xa9] = IZ, [0xaa] = B, [0xab] = 0,
	[0xac] = B, [0xad] = 0, [0xae] = B, [0xaf] = 0,
	/* B0 MOV r8, imm8; B8 MOV r, imm */
	[0xb0 ... 0xb7] = B | I8,
	[0xb8 ... 0xbf] = OP_IV,
	/* C0 shifts Ib, RET Iw, RET, LES/LDS (VEX), MOV Ib/Iz (XABORT/XBEGIN) */
	[0xc0] = M | B | I8 | G, [0xc1] = M | I8 | G,
	[0xc2] = D64 | OP_I16, [0xc3] = D64,
	[0xc4] = M | MO | I64 | G, [0xc5] = M | MO | I64 | G,
	[0xc6] = M | B | I8 | G, [0xc7] = M | IZ | G,
	/* C8 ENTER, LEAVE, RETF Iw, RETF, INT3, INT Ib, INTO, IRET */
	[0xc8] = D64 | OP_I16 | I8, [0xc9] = D64, [0xca] = OP_I16, [0xcb] = 0,
	[0xcc] = 0, [0xcd] = I8, [0xce] = I64, [0xcf] = 0,
	/* D0 shifts by 1 / CL, AAM, AAD, SALC, XLAT */
	[0xd0] = M | B | G, [0xd1] = M | G, [0xd2] = M | B | G, [0xd3] = M | G,
	[0xd4] = I8 | I64, [0xd5] = I8 | I64, [0xd6] = I64, [0xd7] = 0,
	/* D8 x87 */
	[0xd8 ... 0xdf] = M | G,
	/* E0 LOOPcc, JrCXZ, IN/OUT imm8 */
	[0xe0 ... 0xe3] = D64 | I8,
	[0xe4] = B | I8, [0xe5] = I8, [0xe6] = B | I8, [0xe7] = I8,
	/* E8 CALL, JMP, JMPF, JMP short, IN/OUT DX */
	[0xe8] = D64 | IZ, [0xe9] = D64 | IZ, [0xea] = OP_IP | I64, [0xeb] = D64 | I8,
	[0xec] = B, [0xed] = 0, [0xee] = B, [0xef] = 0,
	/* F0 LOCK, INT1, REPNE, REP, HLT, CMC, group 3 */
	[0xf0] = P, [0xf1] = 0, [0xf2] = P, [0xf3] = P,
	[0xf4] = 0, [0xf5] = 0, [0xf6] = M | B | L | G, [0xf7] = M | L | G,
	/* F8 CLC, STC, CLI, STI, CLD, STD, group 4, group 5 */
	[0xf8 ... 0xfd] = 0,
	[0xfe] = M | B | L | G, [0xff] = M | L | G,
};

const uint32_t insn_map0f[256] = {
	/* 00 groups 6/7, LAR, LSL, -, SYSCALL, CLTS, SYSRET */
	[0x00] = M | G, [0x01] = M | G, [0x02] = M, [0x03] = M,
	[0x04] = X, [0x05] = 0, [0x06] = 0, [0x07] = 0,
	/* 08 INVD, WBINVD, -, UD2, -, prefetch group, FEMMS, 3DNow! */
	[0x08] = 0, [0x09] = 0, [0x0a] = X, [0x0b] = 0,
	[0x0c] = X, [0x0d] = M | G, [0x0e] = 0, [0x0f] = M | I8 | G,
	/* 10 SSE moves */
	[0x10 ... 0x17] = M | G,
	/* 18 prefetch hints, hint NOPs (MPX, CET, ...) */
	[0x18 ... 0x1f] = M,
	/* 20 MOV CR/DR: ModRM always names registers */
	[0x20 ... 0x23] = M | G,
	[0x24 ... 0x27] = X,
	/* 28 SSE */
	[0x28 ... 0x2f] = M | G,
	/* 30 WRMSR, RDTSC, RDMSR, RDPMC, SYSENTER, SYSEXIT, -, GETSEC */
	[0x30 ... 0x35] = 0, [0x36] = X, [0x37] = G,
	[0x38] = OP_ESCAPE, [0x39] = X, [0x3a] = OP_ESCAPE, [0x3b ... 0x3f] = X,
	/* 40 CMOVcc */
	[0x40 ... 0x4f] = M,
	/* 50 SSE/SSE2 arithmetic */
	[0x50 ... 0x5f] = M | G,
	/* 60 MMX/SSE2 integer */
	[0x60 ... 0x6f] = M | G,
	/* 70 PSHUF, shift groups, compares, EMMS, VMREAD/EXTRQ, ... */
	[0x70] = M | I8 | G, [0x71 ... 0x73] = M | I8 | G,
	[0x74 ... 0x76] = M | G, [0x77] = G,
	[0x78] = M | G, [0x79] = M | G, [0x7a] = X, [0x7b] = X,
	[0x7c ... 0x7f] = M | G,
	/* 80 Jcc rel16/32 */
	[0x80 ... 0x8f] = D64 | IZ,
	/* 90 SETcc */
	[0x90 ... 0x9f] = M | B,
	/* A0 PUSH/POP FS, CPUID, BT, SHLD, -, - */
	[0xa0] = D64, [0xa1] = D64, [0xa2] = 0, [0xa3] = M,
	[0xa4] = M | I8, [0xa5] = M, [0xa6] = M | G, [0xa7] = M | G,
	/* A8 PUSH/POP GS, RSM, BTS, SHRD, group 15, IMUL */
	[0xa8] = D64, [0xa9] = D64, [0xaa] = 0, [0xab] = M | L,
	[0xac] = M | I8, [0xad] = M, [0xae] = M | G, [0xaf] = M,
	/* B0 CMPXCHG, LSS, BTR, LFS, LGS, MOVZX */
	[0xb0] = M | B | L, [0xb1] = M | L, [0xb2] = M | MO, [0xb3] = M | L,
	[0xb4] = M | MO, [0xb5] = M | MO, [0xb6] = M, [0xb7] = M,
	/* B8 POPCNT, UD1, group 8, BTC, BSF/TZCNT, BSR/LZCNT, MOVSX */
	[0xb8] = M | G, [0xb9] = M, [0xba] = M | I8 | L | G, [0xbb] = M | L,
	[0xbc] = M, [0xbd] = M, [0xbe] = M, [0xbf] = M,
	/* C0 XADD, CMPPS, MOVNTI, PINSRW, PEXTRW, SHUFPS, group 9 */
	[0xc0] = M | B | L, [0xc1] = M | L, [0xc2] = M | I8 | G, [0xc3] = M | MO | G,
	[0xc4] = M | I8 | G, [0xc5] = M | I8 | RO | G, [0xc6] = M | I8 | G,
	[0xc7] = M | L | G,
	/* C8 BSWAP */
	[0xc8 ... 0xcf] = 0,
	/* D0 .. FE MMX/SSE2; FF UD0 */
	[0xd0 ... 0xfe] = M | G,
	[0xff] = M,
};

#define N	PFX_NONE
#define O	PFX_66
#define S	PFX_F3
#define D	PFX_F2
#define A	PFX_ANY

/* Mandatory-prefix columns of the SSE part of the 0F map (0: not SSE). */
const uint8_t insn_map0f_pfx[256] = {
	/* 10 MOVUPS.., MOVLPS.., UNPCK, MOVHPS.. */
	[0x10] = A, [0x11] = A, [0x12] = A, [0x13] = N | O,
	[0x14] = N | O, [0x15] = N | O, [0x16] = N | O | S, [0x17] = N | O,
	/* 28 MOVAPS, CVTxx2xx, MOVNT, UCOMIS, COMIS */
	[0x28] = N | O, [0x29] = N | O, [0x2a] = A, [0x2b] = A,
	[0x2c] = A, [0x2d] = A, [0x2e] = N | O, [0x2f] = N | O,
	/* 37 GETSEC: no prefixes */
	[0x37] = N,
	/* 50 MOVMSK, SQRT, RSQRT, RCP, AND, ANDN, OR, XOR */
	[0x50] = N | O, [0x51] = A, [0x52] = N | S, [0x53] = N | S,
	[0x54 ... 0x57] = N | O,
	/* 58 ADD, MUL, CVT, CVTDQ, SUB, MIN, DIV, MAX */
	[0x58] = A, [0x59] = A, [0x5a] = A, [0x5b] = N | O | S,
	[0x5c ... 0x5f] = A,
	/* 60 unpack/pack/compare (MMX and SSE2) */
	[0x60 ... 0x6b] = N | O,
	[0x6c] = O, [0x6d] = O, [0x6e] = N | O, [0x6f] = N | O | S,
	/* 70 PSHUFW/D/HW/LW, shift groups, PCMPEQ, EMMS */
	[0x70] = A, [0x71 ... 0x73] = N | O, [0x74 ... 0x76] = N | O, [0x77] = N,
	/* 78 VMREAD/EXTRQ/INSERTQ, VMWRITE/.., HADD, HSUB, MOVD/Q, MOVQ/DQ */
	[0x78] = N | O | D, [0x79] = N | O | D,
	[0x7c] = O | D, [0x7d] = O | D, [0x7e] = N | O | S, [0x7f] = N | O | S,
	/* B8 POPCNT (F3 only; JMPE without) */
	[0xb8] = S,
	/* C2 CMPPS.., MOVNTI, PINSRW, PEXTRW, SHUFPS */
	[0xc2] = A, [0xc3] = N, [0xc4] = N | O, [0xc5] = N | O, [0xc6] = N | O,
	/* D0 ADDSUB, shifts, PADDQ, PMULLW, MOVQ.., PMOVMSKB, ... */
	[0xd0] = O | D, [0xd1 ... 0xd5] = N | O, [0xd6] = O | S | D, [0xd7] = N | O,
	[0xd8 ... 0xdf] = N | O,
	/* E0 PAVG, shifts, PMULH, CVT, MOVNTQ/DQ, ... */
	[0xe0 ... 0xe5] = N | O, [0xe6] = O | S | D, [0xe7] = N | O,
	[0xe8 ... 0xef] = N | O,
	/* F0 LDDQU, shifts, PMULUDQ, PMADDWD, PSADBW, MASKMOV, PSUB/PADD */
	[0xf0] = D, [0xf1 ... 0xfe] = N | O,
};

/* 0F 38: every opcode has ModRM; 0 marks an undefined opcode. */
const uint8_t insn_map0f38_pfx[256] = {
	/* SSSE3: PSHUFB .. PMULHRSW */
	[0x00 ... 0x0b] = N | O,
	/* SSE4.1 */
	[0x10] = O, [0x14] = O, [0x15] = O, [0x17] = O,
	[0x1c ... 0x1e] = N | O,
	[0x20 ... 0x25] = O, [0x28 ... 0x2b] = O,
	[0x30 ... 0x35] = O, [0x37 ... 0x41] = O,
	/* INVEPT, INVVPID, INVPCID */
	[0x80 ... 0x82] = O,
	/* SHA, GFNI */
	[0xc8 ... 0xcd] = N, [0xcf] = O,
	/* AES; Key Locker (F3) */
	[0xd8] = S, [0xdb] = O, [0xdc ... 0xdf] = O | S,
	/* MOVBE / CRC32 */
	[0xf0] = N | O | D, [0xf1] = N | O | D,
	/* WRUSS, WRSS/ADCX/ADOX, MOVDIR64B/ENQCMD(S), MOVDIRI, ENCODEKEY */
	[0xf5] = O, [0xf6] = N | O | S, [0xf8] = O | S | D, [0xf9] = N,
	[0xfa] = S, [0xfb] = S,
};

/* 0F 3A: every opcode has ModRM and imm8; 0 marks an undefined opcode. */
const uint8_t insn_map0f3a_pfx[256] = {
	[0x08 ... 0x0e] = O, [0x0f] = N | O,
	[0x14 ... 0x17] = O, [0x20 ... 0x22] = O,
	[0x40 ... 0x42] = O, [0x44] = O,
	[0x60 ... 0x63] = O,
	[0xcc] = N, [0xce] = O, [0xcf] = O, [0xdf] = O,
	[0xf0] = S,
};
