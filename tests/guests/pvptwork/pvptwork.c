/*
 * pvptwork: ptwork's paging workload (tests/guests/ptwork: the same
 * model, operation mix and checksum) as a PV kernel in ring 3, on shared
 * page tables (paging=shared: machine frames in its entries, stores into
 * live tables emulated through writable page tables) or translated
 * (paging=shadow: pseudo-physical frames, run on mmu/'s shadows). The
 * checksum must equal the HVM guest's and the bare run's for the same
 * ops and seed. On shared page tables entry changes are batched by
 * default (batch.c: queued mmu_update requests and mmuext ops, one
 * multicall, as Linux's lazy MMU mode); pte=trap stores each entry and
 * takes the writable-page-table trap per store instead.
 *   ops=N  seed=N  pte=rmw   as for ptwork (rmw implies pte=trap)
 *   pte=trap                 a trapped store per entry, a hypercall per
 *                            INVLPG and CR3 write
 */
#include <public/sched.h>
#include "cpu.h"
#include "hypercall.h"
#include "minios.h"
#include "../ptwork/ptwork.h"
#include "trap.h"

const char guest_name[] = "pvptwork";

typedef uint64_t guest_jmp_buf[8];
int guest_setjmp(guest_jmp_buf buf) __attribute__((returns_twice));
void guest_longjmp(guest_jmp_buf buf, int val) __attribute__((noreturn));
void pt_set_boot_root(uint64_t root);

struct catch_point {
	guest_jmp_buf jb;
	struct trap_record *rec;
};

static struct catch_point *catching;
static struct shared_info *shared;

/* An exception inside trap_catch: recorded, and the catch resumes (the
 * bounce frame below is abandoned: events were not masked for it). */
static int on_exception(struct minios_regs *r)
{
	struct catch_point *c = catching;

	if (!c)
		return 0;
	*c->rec = (struct trap_record){ .vector = r->vector, .error = r->error_code,
					.rip = r->rip, .cs = r->cs,
					.cr2 = shared->vcpu_info[0].arch.cr2 };
	guest_longjmp(c->jb, 1);
}

bool trap_catch(void (*fn)(void *), void *arg, struct trap_record *rec)
{
	struct catch_point c = { .rec = rec }, *prev = catching;

	catching = &c;
	if (guest_setjmp(c.jb)) {
		catching = prev;
		return true;
	}
	fn(arg);
	catching = prev;
	return false;
}

const char *trap_name(uint64_t vector)
{
	return vector == 14 ? "#PF" : vector == 13 ? "#GP" : vector == 6 ? "#UD" : "exception";
}

int guest_main(const struct start_info *si)
{
	long rc;
	int reason;

	shared = shared_info_map(si);
	rc = shared ? trap_init() : -1;
	if (!rc)
		rc = pt_init(si);
	if (rc) {
		con_printf("pvptwork: start of day failed (%ld)\n", rc);
		return SHUTDOWN_crash;
	}
	trap_set_handler(14, on_exception);
	trap_set_handler(13, on_exception);
	pt_set_boot_root(si->pt_base);
	con_printf("pvptwork: paging %s\n", pt_translated() ? "translated (auto_translated_physmap)"
							   : "shared (machine frames)");
	pt_batch_enable(!guest_option("pte=trap") && !guest_option("pte=rmw"));
	con_printf("pvptwork: page-table updates %s\n",
		   pt_batching() ? "batched (mmu_update + mmuext_op, one multicall)"
				 : "stored in place (trapped on shared page tables)");
	reason = ptwork_run(guest_option_u64("ops=", 2000), guest_option_u64("seed=", 1),
			   guest_option("pte=rmw"));
	write_cr3(si->pt_base);
	pt_sync(true);
	if (pt_batching())
		con_printf("pvptwork: %lu batches\n", (unsigned long)pt_batches());
	return reason;
}
