/* Exception and interrupt dispatch. An exception inside the hypervisor is
 * always a bug (guest faults arrive as VM exits, and guest-memory accesses
 * go through the fix-up table), so it is reported in full and stops. */
#include <asm/nmi.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/extable.h>
#include <umbra/panic.h>
#include <umbra/printk.h>
#include <umbra/symbols.h>

static irq_handler_t irq_handlers[256];

static const char *const trap_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	[28] = "#HV", [29] = "#VC VMM communication", [30] = "#SX security",
};

const char *trap_name(unsigned int vector)
{
	if (vector < 32 && trap_names[vector])
		return trap_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
	irq_handlers[vector & 0xff] = fn;
}

static void dump_regs(const struct cpu_regs *r)
{
	const struct {
		const char *name;
		uint64_t val;
	} gprs[] = {
		{ "RAX", r->rax }, { "RBX", r->rbx }, { "RCX", r->rcx },
		{ "RDX", r->rdx }, { "RSI", r->rsi }, { "RDI", r->rdi },
		{ "RBP", r->rbp }, { "R8 ", r->r8 }, { "R9 ", r->r9 },
		{ "R10", r->r10 }, { "R11", r->r11 }, { "R12", r->r12 },
		{ "R13", r->r13 }, { "R14", r->r14 }, { "R15", r->r15 },
	};
	uint64_t off;
	const char *sym = symbol_lookup(r->rip, &off);

	emergency_printf("RIP: %04llx:%016llx %s+%#llx\n", (unsigned long long)r->cs,
			 (unsigned long long)r->rip, sym ? sym : "?",
			 (unsigned long long)(sym ? off : 0));
	emergency_printf("RSP: %04llx:%016llx RFLAGS: %016llx\n",
			 (unsigned long long)r->ss, (unsigned long long)r->rsp,
			 (unsigned long long)r->rflags);
	for (unsigned int i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i += 3)
		emergency_printf("%s: %016llx %s: %016llx %s: %016llx\n",
				 gprs[i].name, (unsigned long long)gprs[i].val,
				 gprs[i + 1].name, (unsigned long long)gprs[i + 1].val,
				 gprs[i + 2].name, (unsigned long long)gprs[i + 2].val);
	emergency_printf("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
			 (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
			 (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

/* A push into a stack's guard page faults, and so does delivering that
 * #PF on the same stack: a #DF, on its own IST stack, with CR2 still
 * naming the guard page. */
static void report_stack_overflow(const struct cpu_regs *r)
{
	uint64_t cr2 = read_cr2();
	int cpu;

	if (r->vector != TRAP_PF && r->vector != TRAP_DF)
		return;
	cpu = paging_stack_guard_cpu(cr2);
	if (cpu >= 0)
		emergency_printf("umbra: hypervisor stack overflow: access to guard page "
				 "%#llx below a stack of cpu %d\n", (unsigned long long)cr2, cpu);
}

void fatal_trap(const struct cpu_regs *r)
{
	local_irq_disable();
	stop_other_cpus();
	emergency_printf("\n");
	emergency_printf("****************************************\n");
	emergency_printf("umbra: FATAL TRAP: vector %llu (%s), error code %#llx, cpu %u\n",
			 (unsigned long long)r->vector, trap_name((unsigned int)r->vector),
			 (unsigned long long)r->error_code, smp_processor_id());
	report_stack_overflow(r);
	dump_regs(r);
	print_backtrace(r->rip, r->rbp);
	emergency_printf("****************************************\n");
	fatal_stop();
}

/* A #DB in ring 0. Umbra sets no breakpoint and never runs with TF, so
 * it is a PV guest's: a data breakpoint on a MOV SS / POP SS operand is
 * deferred past the next instruction, and when that is SYSCALL or an
 * `int` it arrives at Umbra's entry point, on the #DB IST stack (XSA-260;
 * pv/pv_debug.c). Nothing to restart: reset DR6, note it, go on, as Xen
 * does. DR6's sticky bits are not trusted for anything (XSA-265). */
static void debug_trap_hypervisor(const struct cpu_regs *r)
{
	static unsigned int logged;
	uint64_t dr6;

	__asm__ volatile("mov %%db6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%db6" : : "r"(DR6_DEFAULT));
	if (logged < 8) {
		logged++;
		pr_info("#DB in hypervisor context at %#llx (dr6 %#llx): a PV guest's breakpoint, ignored\n",
			(unsigned long long)r->rip, (unsigned long long)dr6);
	}
}

void do_trap(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;

	if (vec >= 32) {
		this_cpu()->irq_count++;
		if (irq_handlers[vec])
			irq_handlers[vec](regs);
		return;
	}
	if (vec == TRAP_NMI && nmi_claim())
		return;
	if (vec == TRAP_DB) {
		debug_trap_hypervisor(regs);
		return;
	}
	/* A fault at an instruction that is allowed to fault (guest-memory
	 * copies) resumes at its fix-up address instead. */
	if (extable_fixup(regs))
		return;
	fatal_trap(regs);
}
