/*
 * hostile: does what a malicious guest would, one attack or several per
 * run, and checks that each fails the way the guest ABI promises.
 *   attack=a,b,...   attacks to run, in order; "safe" is every non-fatal
 *                    one. Non-fatal attacks print one line per check and
 *                    "hostile: PASS <attack>" or "hostile: FAIL <attack>
 *                    ..."; a fatal attack must get the domain crashed by
 *                    the hypervisor, so surviving it is a FAIL.
 * At the end the guest prints the counter values the hypervisor's stats
 * line must show for it (guest_faults, hypercalls_bad, ...).
 */
#include <public/sched.h>
#include <public/umbra.h>

#include "hostile.h"
#include "hypercall.h"
#include "runtime.h"

const char guest_name[] = "hostile";

struct attack {
	const char *name;
	void (*run)(void);
	bool fatal;
	bool named_only;	/* not part of "safe": needs its own domain or mode */
};

static const struct attack attacks[] = {
	{ "badptr", attack_badptr, false, false },
	{ "badnr", attack_badnr, false, false },
	{ "user", attack_user, false, false },
	{ "svm", attack_svm, false, false },
	{ "msr", attack_msr, false, false },
	{ "io", attack_io, false, false },
	{ "mgmt", attack_mgmt, false, false },
	{ "read-oob", attack_read_oob, false, true },
	{ "write-oob", attack_write_oob, false, true },
	{ "exec-oob", attack_exec_oob, true, false },
	{ "write-lapic", attack_write_lapic, false, true },
	{ "write-high", attack_write_high, false, true },
	{ "cr3-oob", attack_cr3_oob, true, false },
	{ "triple-fault", attack_triple_fault, true, false },
	{ "xsave", attack_xsave, false, true },
	{ "pcid", attack_pcid, false, true },
	{ "cr3-reserved", attack_cr3_reserved, false, true },
	{ "hcpage-wrap", attack_hcpage_wrap, false, true },
	{ "iopl-ins", attack_iopl_ins, false, true },
	{ "int-twice", attack_int_twice, false, true },
	{ "upcall-spin", attack_upcall_spin, false, true },
	{ "stain", attack_stain, false, true },
	{ "sniff", attack_sniff, false, true },
	{ "cr4-reserved", attack_cr4_reserved, false, true },
	{ "xpage", attack_xpage, false, true },
	{ "strio-np", attack_strio_np, false, true },
	{ "pte-ones", attack_pte_ones, false, true },
	{ "halt-cli", attack_halt_cli, true, true },
	{ "pt-flood", attack_pt_flood, false, true },
	{ "log-flood", attack_log_flood, false, true },
	{ "db-step", attack_db_step, false, true },
	{ "ac-user", attack_ac_user, false, true },
	{ "db-watch", attack_db_watch, false, true },
	{ "evtchn", attack_evtchn, false, true },
};
#define NR_ATTACKS	(sizeof(attacks) / sizeof(attacks[0]))

struct expected_counters expected;

static const char *attack_name;
static unsigned int checks, check_failures, attacks_failed;

void check_that(const char *what, bool ok, uint64_t got)
{
	checks++;
	if (ok) {
		con_printf("hostile: %s: ok: %s\n", attack_name, what);
		return;
	}
	check_failures++;
	con_printf("hostile: FAIL %s %s got %#lx\n", attack_name, what, (unsigned long)got);
}

void check_rc(const char *what, long got, long want)
{
	checks++;
	if (got == want) {
		con_printf("hostile: %s: ok: %s -> %ld\n", attack_name, what, got);
		return;
	}
	check_failures++;
	con_printf("hostile: FAIL %s %s got %ld, expected %ld\n", attack_name, what, got, want);
}

void check_trap(const char *what, bool caught, const struct trap_record *rec, int want)
{
	checks++;
	if (!caught && want == NO_TRAP) {
		con_printf("hostile: %s: ok: %s -> no exception\n", attack_name, what);
		return;
	}
	if (caught && want != NO_TRAP && rec->vector == (uint64_t)want) {
		con_printf("hostile: %s: ok: %s -> %s\n", attack_name, what, trap_name(rec->vector));
		return;
	}
	check_failures++;
	if (!caught)
		con_printf("hostile: FAIL %s %s got no exception, expected %s\n", attack_name,
			   what, trap_name((uint64_t)want));
	else
		con_printf("hostile: FAIL %s %s got %s error %#lx at %#lx, expected %s\n",
			   attack_name, what, trap_name(rec->vector), (unsigned long)rec->error,
			   (unsigned long)rec->rip, want == NO_TRAP ? "none" :
			   trap_name((uint64_t)want));
}

void expect_trap(const char *what, void (*fn)(void *), void *arg, int want)
{
	struct trap_record rec;
	bool caught = trap_catch(fn, arg, &rec);

	check_trap(what, caught, &rec, want);
}

void expect_user_trap(const char *what, long (*fn)(void *), void *arg, int want)
{
	struct trap_record rec;
	long ret;
	bool returned = user_call(fn, arg, &ret, &rec);

	check_trap(what, !returned, &rec, want);
}

uint64_t domain_mem_end(void)
{
	struct umbra_identity id = { .mem_bytes = 0 };

	if (guest_hypervisor() == GUEST_HV_UMBRA &&
	    hv_umbra_op(UMBRAOP_identity, &id) == 0 && id.mem_bytes)
		return id.mem_bytes;
	return guest_mem_end();
}

static void run_attack(const struct attack *a)
{
	attack_name = a->name;
	checks = check_failures = 0;
	con_printf("hostile: attacking: %s\n", a->name);
	a->run();
	if (a->fatal) {
		con_printf("hostile: FAIL %s survived\n", a->name);
		attacks_failed++;
	} else if (check_failures) {
		con_printf("hostile: FAIL %s (%u of %u checks failed)\n", a->name,
			   check_failures, checks);
		attacks_failed++;
	} else {
		con_printf("hostile: PASS %s (%u checks)\n", a->name, checks);
	}
}

int guest_main(const struct hvm_start_info *si)
{
	const char *list = guest_option("attack=");
	bool safe = guest_word_in_list(list, "safe");
	unsigned int i, ran = 0;

	(void)si;
	for (i = 0; i < NR_ATTACKS; i++) {
		bool in_safe = safe && !attacks[i].fatal && !attacks[i].named_only;

		if (guest_word_in_list(list, attacks[i].name) || in_safe) {
			run_attack(&attacks[i]);
			ran++;
		}
	}
	if (!ran) {
		con_puts("hostile: no known attack in attack=\n");
		return SHUTDOWN_crash;
	}
	con_printf("hostile: expected counters: guest_faults=%lu hypercalls_bad=%lu "
		   "msr_unhandled=%lu io_unhandled=%lu\n",
		   (unsigned long)expected.guest_faults, (unsigned long)expected.hypercalls_bad,
		   (unsigned long)expected.msr_unhandled, (unsigned long)expected.io_unhandled);
	con_printf("hostile: %u of %u attacks failed\n", attacks_failed, ran);
	return attacks_failed ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
