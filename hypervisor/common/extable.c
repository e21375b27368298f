/* Lookup in the exception fix-up table and the primitive that uses it. */
#include <stddef.h>
#include <asm/traps.h>
#include <umbra/errno.h>
#include <umbra/extable.h>

bool extable_fixup(struct cpu_regs *regs)
{
	for (const struct extable_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

int probe_read_u64(const void *addr, uint64_t *out)
{
	uint64_t val;
	int err = 0;

	__asm__ volatile("1: movq (%2), %0\n"
			 "2:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "3: movl %3, %1\n"
			 "   xorl %k0, %k0\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection ex_table, \"a\"\n"
			 ".balign 8\n"
			 ".quad 1b, 3b\n"
			 ".popsection\n"
			 : "=&r"(val), "+r"(err)
			 : "r"(addr), "i"(-EFAULT));
	*out = val;
	return err;
}
