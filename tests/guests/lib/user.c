/*
 * Running a function at CPL 3: iretq onto a user stack, call it, come
 * back through the DPL-3 gate USER_RETURN_VECTOR with its result in RAX.
 * Any exception on the way back lands in trap_catch() as well. The boot
 * page tables map everything user-accessible (head.S), so the function
 * and the stack need no mapping of their own.
 */
#include "cpu.h"
#include "runtime.h"
#include "trap.h"

struct user_entry {
	long (*fn)(void *);
	void *arg;
};

void user_enter(long (*fn)(void *), void *arg, void *stack_top) __attribute__((noreturn));

static uint8_t user_stack[16384] __attribute__((aligned(16)));

static void enter(void *p)
{
	const struct user_entry *e = p;

	user_enter(e->fn, e->arg, user_stack + sizeof(user_stack));
}

bool user_call(long (*fn)(void *), void *arg, long *ret, struct trap_record *rec)
{
	struct user_entry e = { fn, arg };

	trap_catch(enter, &e, rec);
	kernel_segments_reload();
	if (rec->vector == USER_RETURN_VECTOR && (rec->cs & 3) == 3) {
		*ret = (long)rec->rax;
		return true;
	}
	return false;
}
