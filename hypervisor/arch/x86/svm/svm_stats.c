/* A vCPU's exit counters on the console, by SVM exit code: the line the
 * benchmarks and tests read when a domain stops. */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <asm/svm/exit_category.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <public/mgmt.h>
#include <umbra/printk.h>

void hvm_print_vcpu_stats(const struct vcpu *v, bool lifecycle)
{
	/* A stopping domain's counters are kept with the lifecycle lines; a
	 * periodic report (stats_every=) is not, lest it push those out. */
	void (*out)(enum log_level, const char *, ...) = lifecycle ? log_lifecycle : log_printf;
	const struct domain *d = v->domain;
	const struct vcpu_stats *s = &v->stats;
	const uint64_t *by_code = s->exits_by_code;

	out(LOG_INFO, "domain %u (%s) vcpu %u: cpu_time_ms=%llu runs=%llu exits=%llu "
		"cpuid=%llu io=%llu msr=%llu hlt=%llu vmmcall=%llu npf=%llu intr=%llu "
		"hypercalls_bad=%llu guest_faults=%llu io_unhandled=%llu msr_unhandled=%llu "
		"cr=%llu pf=%llu invlpg=%llu db=%llu ac=%llu mem_refused=%llu ipi_refused=%llu "
		"ioapic_refused=%llu slow_decodes=%llu\n",
		d->id, d->name, v->id,
		(unsigned long long)(s->cpu_time_ns / 1000000),
		(unsigned long long)s->runs, (unsigned long long)s->exits,
		(unsigned long long)by_code[VMEXIT_CPUID],
		(unsigned long long)by_code[VMEXIT_IOIO],
		(unsigned long long)by_code[VMEXIT_MSR],
		(unsigned long long)by_code[VMEXIT_HLT],
		(unsigned long long)s->exits_vmmcall, (unsigned long long)s->exits_npf,
		(unsigned long long)by_code[VMEXIT_INTR],
		(unsigned long long)s->hypercalls_bad,
		(unsigned long long)s->guest_faults,
		(unsigned long long)s->io_unhandled,
		(unsigned long long)s->msr_unhandled,
		(unsigned long long)(by_code[VMEXIT_CR3_READ] + by_code[VMEXIT_CR4_READ] +
				     by_code[VMEXIT_CR0_WRITE] + by_code[VMEXIT_CR3_WRITE] +
				     by_code[VMEXIT_CR4_WRITE]),
		(unsigned long long)by_code[VMEXIT_EXCP_PF],
		(unsigned long long)by_code[VMEXIT_INVLPG],
		(unsigned long long)by_code[VMEXIT_EXCP_BASE + TRAP_DB],
		(unsigned long long)by_code[VMEXIT_EXCP_BASE + TRAP_AC],
		(unsigned long long)s->mem_refused,
		(unsigned long long)s->ipi_refused,
		(unsigned long long)s->ioapic_refused,
		(unsigned long long)s->insn_slow_decodes);
}

void hvm_vcpu_exit_counts(const struct vcpu *v, uint64_t *exits)
{
	const struct vcpu_stats *s = &v->stats;

	for (uint32_t code = 0; code < 128; code++)
		exits[svm_exit_category(code)] += s->exits_by_code[code];
	exits[svm_exit_category(VMEXIT_NPF)] += s->exits_npf;
	exits[svm_exit_category(VMEXIT_VMMCALL)] += s->exits_vmmcall;
	exits[UMBRA_EXIT_OTHER] += s->exits_other;
}
