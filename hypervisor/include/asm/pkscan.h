/*
 * May a guest code page become executable? The WRPKRU/XRSTOR scanner and
 * its one-to-one rewriter, for the execute-only hypervisor mapping.
 *
 * A PV guest runs with the hypervisor's hypercall page mapped under a
 * protection key reserved for the hypervisor, access- and write-disabled
 * in the guest's PKRU. An instruction that loads PKRU would undo that:
 *   WRPKRU          0F 01 EF
 *   XRSTOR[64]      0F AE /5, memory operand (mod != 3; mod 3 is LFENCE)
 *   XRSTORS[64]     0F C7 /3, memory operand
 * with any prefixes (segment, 67, REX, REX.W). XRSTOR loads PKRU only if
 * XCR0 bit 9 and bit 9 of EDX:EAX are set, and it *zeroes* PKRU (every key
 * open) when the area's XSTATE_BV bit 9 is clear; EDX:EAX is run-time
 * state, so every XRSTOR and XRSTORS counts. FXRSTOR, XSAVE* and RDPKRU
 * (0F 01 EE) do not load PKRU and are left alone.
 *
 * A guest may jump to any byte of an executable page, so what matters is
 * the bytes, not the code the guest meant: before a page becomes
 * executable, pkscan_page() finds every byte offset where one of those
 * byte sequences begins (also one that runs into the next page), and
 *   - where a linear-sweep decode from the given entry points sees the
 *     sequence as the opcode of a real instruction, and no decoded
 *     instruction has those bytes inside it, the instruction is rewritten
 *     in place into a trap of the same length (below);
 *   - anywhere else (inside another instruction's ModRM, displacement or
 *     immediate, in bytes no sweep reached, or with its opcode byte in the
 *     next page) the page is refused: the page is left as it was and the
 *     caller makes the guest's access fault.
 * After a successful call no byte offset of the page starts one of the
 * sequences (checked again before returning). That holds whatever entry
 * points are given, so a guest may declare them: entries only decide
 * which matches are rewritten with their meaning kept and which refuse
 * the page.
 *
 * THE TRAP. The rewrite changes one byte, the second opcode byte, into B9:
 *   WRPKRU  [pfx] 0F 01 EF          ->  [pfx] 0F B9 EF          UD1 %edi,%ebp
 *   XRSTOR  [pfx] 0F AE /5 m ...    ->  [pfx] 0F B9 /5 m ...    UD1 m,%ebp
 *   XRSTORS [pfx] 0F C7 /3 m ...    ->  [pfx] 0F B9 /3 m ...    UD1 m,%ebx
 * UD1 (0F B9 /r) raises #UD on every x86-64 CPU with any prefix and takes
 * a ModRM with SIB and displacement exactly as the original did, so the
 * trap is the same length and every other instruction boundary of the
 * page stays where it was. B9 cannot begin or complete one of the
 * sequences, so a rewrite never makes a new one.
 *
 * EMULATION CONTRACT (the hypervisor's #UD path for a PV guest):
 *   1. Fetch up to INSN_MAX_LEN bytes at the faulting RIP (guest access)
 *      and call pkscan_trap_decode(). 0: not a trap, deliver #UD as usual.
 *   2. Otherwise *orig is the original instruction (length, prefixes,
 *      memory operand); emulate it and advance RIP by orig->len:
 *      - PKSCAN_WRPKRU: pkscan_emulate_wrpkru(): a mandatory-prefix form
 *        (orig->rep set: F3 0F 01 EF is STUI) gets #UD; ECX or EDX nonzero
 *        gets #GP(0), as the CPU does; else PKRU = EAX with the reserved
 *        key's AD and WD bits set (pkscan_pkru_forced()).
 *      - PKSCAN_XRSTOR: the hypervisor performs the XRSTOR from its own
 *        copy of the guest's XSAVE area (read through the guest-access
 *        border: a bad pointer gives the guest the #PF the CPU would),
 *        with the guest's EDX:EAX, then sets PKRU = pkscan_pkru_forced(
 *        PKRU, reserved key). What XRSTOR itself rejects (alignment,
 *        header) becomes #GP(0) for the guest. (Simpler and also safe:
 *        keep XCR0 bit 9 clear while PV guests run, so that no XRSTOR
 *        loads PKRU, and switch PKRU with RDPKRU/WRPKRU instead.)
 *      - PKSCAN_XRSTORS: privileged; a PV guest runs at CPL 3, so #GP(0),
 *        as the CPU would give it.
 * The trap bytes alone name the original instruction, so no table is
 * needed to emulate. A guest can also write such a UD1 itself; emulating
 * it is harmless (it gets what the original would give it with the key
 * forced on, which is all a rewritten instruction gives it). A caller that
 * wants a guest's own UD1 of these forms to keep raising #UD records the
 * rewrite sites of each frame (pkscan_result.site) and emulates only those.
 *
 * CALLER DUTIES. The page must be writable by nobody but the hypervisor
 * while it is scanned and while it stays executable (W^X: remove every
 * writable mapping first, then scan, then map executable). A sequence can
 * straddle into the next *virtual* page: pass that page's first
 * PKSCAN_NEXT_BYTES when it is executable for the guest, NULL when
 * nothing executable follows (a straddling sequence cannot run then); and
 * when a page becomes executable behind an executable page, call
 * pkscan_page() again on the page before it with the new neighbour (the
 * call is idempotent: rewritten sites no longer match).
 *
 * `mode` is the code size the guest runs the page with. The promise that
 * no byte offset starts a sequence holds whatever mode the bytes are later
 * run in; only which instructions are real is decided for that mode.
 *
 * Freestanding: no allocation, no global state; about 1 KiB of stack.
 */
#ifndef UMBRA_ASM_PKSCAN_H
#define UMBRA_ASM_PKSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/insn.h>
#include "mmu/pte.h"

/* The opcode bytes involved (second byte after the 0F escape). */
#define PKSCAN_ESCAPE		0x0f
#define PKSCAN_OP_GRP7		0x01	/* 0F 01 EF: WRPKRU */
#define PKSCAN_MODRM_WRPKRU	0xef
#define PKSCAN_OP_GRP15		0xae	/* 0F AE /5 memory: XRSTOR */
#define PKSCAN_GRP15_XRSTOR	5
#define PKSCAN_OP_GRP9		0xc7	/* 0F C7 /3 memory: XRSTORS */
#define PKSCAN_GRP9_XRSTORS	3
#define PKSCAN_OP_UD1		0xb9	/* 0F B9 /r: UD1, the trap */

/* Bytes of the next page an instruction starting in this one can reach. */
#define PKSCAN_NEXT_BYTES	(INSN_MAX_LEN - 1)

/* At most this many rewrites per page; more is refused (no real code). */
#define PKSCAN_MAX_SITES	64

enum pkscan_kind {
	PKSCAN_NONE,
	PKSCAN_WRPKRU,
	PKSCAN_XRSTOR,
	PKSCAN_XRSTORS,
};

/* What the decoder says about a match. Only PKSCAN_REAL is rewritten. */
enum pkscan_class {
	PKSCAN_UNCLASSIFIED,
	PKSCAN_REAL,		/* the opcode of a decoded instruction */
	PKSCAN_HIDDEN,		/* inside some decoded instruction's other bytes */
	PKSCAN_UNREACHED,	/* in bytes no sweep decoded */
	PKSCAN_STRADDLE,	/* its opcode byte is in the next page */
	PKSCAN_TOO_MANY,	/* more than PKSCAN_MAX_SITES matches */
};

struct pkscan_match {
	uint16_t offset;	/* the 0F byte */
	uint8_t kind;		/* enum pkscan_kind */
	uint8_t class;		/* enum pkscan_class */
	uint16_t insn_start;	/* PKSCAN_REAL: first byte of the instruction */
	uint8_t insn_len;	/* PKSCAN_REAL: its length */
};

/* No instruction of the first entry's sweep runs into the next page. */
#define PKSCAN_NO_NEXT_ENTRY	(-1)

struct pkscan_result {
	unsigned int nr_sites;	/* rewritten, in offset order */
	struct pkscan_match site[PKSCAN_MAX_SITES];
	struct pkscan_match refused;	/* -EACCES: the first match refused */
	/* Where the first entry's sweep ended in the next page (the next
	 * page's first instruction boundary, an entry for it), or
	 * PKSCAN_NO_NEXT_ENTRY: the sweep stopped before the page end, or
	 * the page had no match at all and was not swept. */
	int next_entry;
};

/*
 * Scan `page` (PAGE_SIZE bytes; `next`: NULL or the next page's first
 * PKSCAN_NEXT_BYTES) and rewrite every match that is a real instruction.
 * `entries`: offsets (< PAGE_SIZE) known to be instruction boundaries;
 * none means offset 0. `mode`: code size, 64 (or 32, 16).
 * Returns 0 (page executable; res->nr_sites rewrites made), -EACCES
 * (refused; page unchanged; res->refused says which match and why) or
 * -EINVAL (bad arguments; page unchanged).
 */
int pkscan_page(uint8_t *page, const uint8_t *next, const uint16_t *entries,
		unsigned int nr_entries, int mode, struct pkscan_result *res);

/*
 * The byte-offset scanner alone: every offset of `page` where a sequence
 * begins, in order (`next` as above). Fills up to `max` matches (kind and
 * offset), returns how many there are in all.
 */
unsigned int pkscan_find(const uint8_t *page, const uint8_t *next,
			 struct pkscan_match *out, unsigned int max);

/* The sequence, if any, that begins with bytes b0 b1 b2. */
enum pkscan_kind pkscan_kind_of(uint8_t b0, uint8_t b1, uint8_t b2);

/*
 * The emulator's half: is the instruction at `bytes` a trap this library
 * wrote? Returns its enum pkscan_kind and decodes the original instruction
 * into *orig, or 0 (not a trap: deliver #UD), or a negative errno from
 * the decoder (-EFAULT: fetch more bytes).
 */
int pkscan_trap_decode(const uint8_t *bytes, size_t avail, int mode, struct insn *orig);

/*
 * For a caller that does not know which page follows (or precedes) this
 * one: could the page's last two bytes begin a sequence that the next
 * page completes (PKSCAN_EDGE_TAIL), or its first two bytes complete one
 * that the previous page began (PKSCAN_EDGE_HEAD)? Refusing execution of
 * every page that is not PKSCAN_EDGE_NONE leaves no sequence straddling
 * two executable pages (edge.c says why).
 */
enum pkscan_edge {
	PKSCAN_EDGE_NONE,
	PKSCAN_EDGE_TAIL,
	PKSCAN_EDGE_HEAD,
};
enum pkscan_edge pkscan_edges(const uint8_t *page);

/* The guest's new PKRU with the reserved key's access and write disabled. */
uint32_t pkscan_pkru_forced(uint32_t pkru, unsigned int reserved_key);

/* What the emulator must do with a trap (see EMULATION CONTRACT). */
enum pkscan_emul {
	PKSCAN_EMUL_DONE,	/* emulated: advance RIP by orig->len */
	PKSCAN_EMUL_UD,		/* inject #UD */
	PKSCAN_EMUL_GP,		/* inject #GP(0) */
};

/*
 * WRPKRU from a trap of kind PKSCAN_WRPKRU, as the CPU runs it, with the
 * reserved key forced on: the new PKRU in *pkru when PKSCAN_EMUL_DONE.
 * Only the low halves of RAX, RCX and RDX count, as for the instruction.
 */
enum pkscan_emul pkscan_emulate_wrpkru(const struct insn *orig, uint64_t rax, uint64_t rcx,
				       uint64_t rdx, unsigned int reserved_key, uint32_t *pkru);

#endif
