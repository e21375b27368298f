/*
 * libFuzzer target: insn_decode() in 16-, 32- and 64-bit mode. A decode
 * never reads past `avail`, never exceeds 15 bytes, and gives the same
 * answer when given exactly the bytes it consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <asm/insn.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[] = { 16, 32, 64 };
	struct insn a, b;
	unsigned int i;
	int n;

	for (i = 0; i < 3; i++) {
		n = insn_decode(data, size, modes[i], &a);
		if (n <= 0)
			continue;
		if (n > INSN_MAX_LEN || (size_t)n > size || a.len != n)
			abort();
		if (insn_decode(data, (size_t)n, modes[i], &b) != n ||
		    b.opcode != a.opcode || b.map != a.map || b.imm != a.imm)
			abort();
	}
	return 0;
}
