/* The test's independent witness: GNU as assembles instruction vectors and
 * objdump disassembles bytes, so the decoder's instruction boundaries (and
 * the rewriter's output) are checked against another x86 decoder. */
#ifndef PKSCAN_TEST_BINUTILS_H
#define PKSCAN_TEST_BINUTILS_H

#include <stddef.h>
#include <stdint.h>

#define OBJDUMP_TEXT	64

struct objdump_insn {
	unsigned int offset;
	unsigned int len;
	char text[OBJDUMP_TEXT];	/* mnemonic and operands */
};

/* Assemble AT&T source (64-bit, or `mode` 32) into `out`; returns its
 * length, or aborts the test with as's messages. */
size_t assemble(const char *src, int mode, uint8_t *out, size_t max);

/* objdump's linear sweep over `bytes` from offset 0; returns the number of
 * instructions (fills at most `max`). */
size_t objdump_sweep(const uint8_t *bytes, size_t len, int mode,
		     struct objdump_insn *out, size_t max);

/* The .text of an object or executable as raw bytes; 0 if it has none. */
size_t text_section(const char *path, uint8_t **out);

#endif
