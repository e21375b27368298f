/* The boot CPU's path from long mode to "ready". */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/pic.h>
#include <asm/sections.h>
#include <asm/smp.h>
#include <asm/svm.h>
#include <asm/time.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <umbra/boot_modules.h>
#include <umbra/boot_options.h>
#include <umbra/cmdline.h>
#include <umbra/debug_exit.h>
#include <umbra/dom0.h>
#include <umbra/domain_build.h>
#include <asm/hvm.h>
#include <umbra/sched.h>
#include <umbra/mm.h>
#include <umbra/multiboot2.h>
#include <umbra/panic.h>
#include <umbra/power.h>
#include <umbra/printk.h>
#include <umbra/serial.h>
#include <umbra/test_hooks.h>

#define UMBRA_VERSION "0.1"

static bool opt_exit_on_ready;
param_bool("exit_on_ready", opt_exit_on_ready);

static struct boot_info boot_info;

/* Test builds provide a strong definition (hypervisor/test/). */
void __attribute__((weak)) test_hooks_before_ready(void)
{
}

void __attribute__((weak)) test_hooks_after_release(const struct boot_info *bi)
{
	(void)bi;
}

static void parse_boot_info(uint64_t mbi_phys)
{
	uint64_t readable = ((uint64_t)BOOT_MAP_GIB << 30) - mbi_phys;
	const char *why = "boot information above the boot mapping";

	if (mbi_phys >= (uint64_t)BOOT_MAP_GIB << 30 ||
	    mb2_parse(phys_to_virt(mbi_phys), readable, &boot_info, &why))
		panic("malformed multiboot2 boot information at %#llx: %s",
		      (unsigned long long)mbi_phys, why);
}

static void print_memory_map(const struct boot_info *bi)
{
	pr_info("memory map (%zu entries):\n", bi->mmap_count);
	for (size_t i = 0; i < bi->mmap_count; i++)
		pr_info("  %016llx-%016llx %s\n", (unsigned long long)bi->mmap[i].base,
			(unsigned long long)(bi->mmap[i].base + bi->mmap[i].len),
			mb2_memory_type_name(bi->mmap[i].type));
	if (bi->warnings & MB2_WARN_MMAP_TRUNCATED)
		pr_warn("memory map: only the first %zu of %zu entries are used\n",
			bi->mmap_count, bi->mmap_total);
}

static void check_svm(struct svm_caps *caps)
{
	svm_detect(caps);
	if (!caps->svm)
		panic("this CPU has no AMD SVM (AMD-V); Umbra needs an AMD CPU "
		      "with SVM and nested paging");
	if (caps->disabled_by_bios)
		panic("SVM is disabled by the firmware (VM_CR.SVMDIS); enable "
		      "virtualization (SVM mode) in the BIOS setup");
	if (!caps->npt)
		pr_warn("svm: no nested paging; HVM guests need paging=shadow\n");
}

/* Cross-check the calibration: a 100 Hz APIC timer must tick about 5
 * times while the TSC measures 50 ms. */
static void timer_selftest(void)
{
	uint64_t before = this_cpu()->timer_ticks, ticks;

	apic_timer_start_periodic(10000);
	local_irq_enable();
	udelay(50000);
	local_irq_disable();
	ticks = this_cpu()->timer_ticks - before;
	log_printf(ticks >= 4 && ticks <= 6 ? LOG_INFO : LOG_WARNING,
		   "time: %llu APIC timer ticks at 100 Hz in 50 ms of TSC time\n",
		   (unsigned long long)ticks);
}

static void cpus_bring_up(const struct boot_info *bi)
{
	struct acpi_cpus cpus;
	unsigned int started;

	if (acpi_find_cpus(bi->rsdp, bi->rsdp_len, &cpus)) {
		pr_warn("smp: no CPU list from ACPI; running on the boot CPU only\n");
		return;
	}
	ioapics_record(&cpus);
	started = smp_boot_secondaries(&cpus);
	pr_info("smp: %u of %u CPUs online\n", started + 1, cpus.count);
}

static void __attribute__((noreturn)) run_on_stack(uint64_t top, void (*fn)(void))
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t"	/* ends backtraces */
			 "call *%1\n\t"
			 "ud2"
			 : : "r"(top), "r"(fn) : "memory");
	__builtin_unreachable();
}

static void start_umbra(void);

/* From head.S, on the boot tables and the boot stack. */
void start_umbra_early(uint32_t magic, uint64_t mbi_phys)
{
	(void)magic;	/* checked by head.S */
	percpu_init(0, 0);
	serial_init(COM1_PORT, 115200);
	idt_init();
	cpu_early_init_this_cpu(0);
	pic_disable();
	pr_info("umbra %s: booting\n", UMBRA_VERSION);

	parse_boot_info(mbi_phys);
	cmdline_apply(boot_info.cmdline);
	if (boot_info.loader_name)
		pr_info("loader: %s\n", boot_info.loader_name);
	pr_info("command line: %s\n", boot_info.cmdline ? boot_info.cmdline : "");
	print_memory_map(&boot_info);
	mm_init(&boot_info, mbi_phys, boot_info.total_size);
	paging_init();
	paging_map_stacks(0);
	cpu_reload_ist_this_cpu();
	run_on_stack(this_cpu()->stack_top, start_umbra);
}

/* On the hypervisor's own tables and this CPU's guarded stack. */
static void start_umbra(void)
{
	struct svm_caps caps;
	bool dom0_started;

	check_svm(&caps);
	cpu_init_this_cpu(0);
	time_calibrate();
	rtc_init();
	pr_info("time: TSC %llu kHz, APIC timer %llu kHz\n",
		(unsigned long long)tsc_khz, (unsigned long long)apic_timer_khz);
	timer_selftest();
	cpus_bring_up(&boot_info);
	modules_report(&boot_info);
	sched_init();
	if (svm_global_init())
		panic("svm: no memory for the I/O and MSR permission maps");
	power_init(&boot_info);
	dom0_started = dom0_build(&boot_info);
	domains_build_from_modules(&boot_info);
	test_hooks_before_ready();

	log_printf(LOG_NONE, "umbra: ready: cpus=%u mem_free_mib=%llu svm=%s npt=%s\n",
		   nr_cpus_online, (unsigned long long)(mm_free_bytes() >> 20),
		   this_cpu()->svm_enabled ? "yes" : "no", caps.npt ? "yes" : "no");
	console_end_boot();
	if (opt_exit_on_ready)
		debug_exit(DEBUG_EXIT_SUCCESS);
	smp_release_secondaries();
	test_hooks_after_release(&boot_info);
	if (dom0_started)
		dom0_take_this_cpu();
	else
		sched_timer_start_this_cpu();
	sched_run_this_cpu();
}
