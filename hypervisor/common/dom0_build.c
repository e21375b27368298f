/* dom0 from its boot modules: options, its RAM set aside before anything
 * is allocated, then Debian's bzImage started through the Linux boot
 * protocol in an HVM domain whose guest-physical addresses are machine
 * addresses (see umbra/dom0.h). */
#include <asm/acpi.h>
#include <asm/acpi_dom0.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <public/umbra.h>
#include <umbra/cmdline.h>
#include <umbra/dom0.h>
#include <umbra/dom0_layout.h>
#include <umbra/dom0_mem.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/errno.h>
#include <umbra/heap.h>
#include <umbra/linux_boot.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define MIB		(1ULL << 20)
#define ACPI_AREA	(64 * 1024)	/* dom0's RSDP, XSDT and MADT */
#define ACPI_TABLES_MAX	64

static struct dom0_mem_spec mem_spec;
static uint64_t opt_dom0_max_vcpus = 1;

static int parse_dom0_mem(const char *value)
{
	return dom0_mem_parse(value, &mem_spec);
}
param_custom("dom0_mem", parse_dom0_mem);
param_uint("dom0_max_vcpus", opt_dom0_max_vcpus);

static struct dom0_layout layout;
static struct e820_map machine;
static struct identity_map identity;
static int kernel_mod = -1, initrd_mod = -1;
static bool memory_set_aside;

static void find_modules(const struct boot_info *bi)
{
	struct dom0_module_view views[MB2_MAX_MODULES];

	for (size_t i = 0; i < bi->module_count; i++)
		views[i] = (struct dom0_module_view){
			bi->modules[i].cmdline, module_identify(&bi->modules[i]),
		};
	dom0_pick_modules(views, (unsigned int)bi->module_count, &kernel_mod, &initrd_mod);
}

static void machine_map(const struct boot_info *bi, struct e820_map *m)
{
	e820_init(m);
	for (size_t i = 0; i < bi->mmap_count; i++) {
		uint32_t type = bi->mmap[i].type;

		if (type < E820_RAM || type > E820_UNUSABLE)
			type = E820_RESERVED;
		if (bi->mmap[i].len)
			e820_set(m, bi->mmap[i].base, bi->mmap[i].len, type);
	}
}

int dom0_set_aside_memory(const struct boot_info *bi, const struct mem_range *busy,
			  unsigned int nr_busy, uint64_t free_bytes)
{
	uint64_t size;

	find_modules(bi);
	if (kernel_mod < 0)
		return 0;
	size = dom0_mem_size(&mem_spec, free_bytes);
	if (!size || size > free_bytes) {
		pr_err("dom0: dom0_mem asks for %llu MiB; %llu MiB are free: no dom0\n",
		       (unsigned long long)(size >> 20), (unsigned long long)(free_bytes >> 20));
		kernel_mod = -1;
		return -ENOMEM;
	}
	machine_map(bi, &machine);
	if (dom0_layout_build(&machine, busy, nr_busy, size, &layout)) {
		pr_err("dom0: %s: no dom0\n", layout.error);
		kernel_mod = -1;
		return -ENOMEM;
	}
	identity = (struct identity_map){ layout.ram, layout.nr, &machine };
	memory_set_aside = true;
	return 0;
}

const struct dom0_layout *dom0_memory(void)
{
	return memory_set_aside ? &layout : NULL;
}

/* dom0's ACPI tables at the top of its RAM below 4 GiB, reported to it as
 * ACPI memory; 0 if the firmware gave none (dom0 boots without ACPI). */
static uint64_t place_acpi(struct domain *d, const struct boot_info *bi,
			   const uint32_t *apic_ids, unsigned int nr_ids)
{
	uint64_t tables[ACPI_TABLES_MAX], madt_pa, at, rsdp = 0;
	unsigned int nr;
	struct acpi_dom0_input in;
	long used;

	if (acpi_firmware_tables(bi->rsdp, bi->rsdp_len, tables, ACPI_TABLES_MAX, &nr, &madt_pa))
		return 0;
	at = e820_find_ram(&layout.e820, MIB, 1ULL << 32, ACPI_AREA, PAGE_SIZE, 1);
	/* Built in place: dom0 has not run yet, and the area is its RAM. */
	if (!at || !domain_owns_gpa_range(d, at, ACPI_AREA))
		return 0;
	in = (struct acpi_dom0_input){
		.tables = tables, .nr_tables = nr, .madt = phys_to_virt(madt_pa),
		.madt_pa = madt_pa, .oem_id = "UMBRA ", .keep_apic_ids = apic_ids,
		.nr_keep = nr_ids,
	};
	used = acpi_dom0_build(&in, phys_to_virt(at), ACPI_AREA, at, &rsdp);
	if (used < 0 || e820_set(&layout.e820, at, ACPI_AREA, E820_ACPI)) {
		pr_warn("dom0: its ACPI tables could not be built (%ld); none given\n", used);
		return 0;
	}
	return rsdp;
}

static const struct mb2_module *module(const struct boot_info *bi, int i)
{
	return i < 0 ? NULL : &bi->modules[i];
}

static int parse_kernel(const struct boot_info *bi, struct bzimage *bz)
{
	const struct mb2_module *k = module(bi, kernel_mod);

	if (bzimage_parse(phys_to_virt(k->start), k->end - k->start, bz)) {
		pr_err("dom0: module %d: %s: no dom0\n", kernel_mod, bz->error);
		return -EINVAL;
	}
	if (initrd_mod < 0)
		pr_warn("dom0: no initrd module; the kernel must find its root itself\n");
	return 0;
}

/* Kernel, initrd and boot tables into dom0's RAM, through the guest-access
 * border like any domain's image. */
static int load_linux(struct domain *d, const struct boot_info *bi,
		      const struct bzimage *bz, struct linux_boot_plan *plan, uint64_t rsdp)
{
	const struct mb2_module *k = module(bi, kernel_mod), *rd = module(bi, initrd_mod);
	uint64_t rd_size = rd ? rd->end - rd->start : 0;
	const struct guest_writer gw = domain_guest_writer(d);

	if (linux_boot_plan(bz, &layout.e820, strlen(k->cmdline), rd_size, plan) ||
	    linux_boot_write(bz, plan, &layout.e820, k->cmdline,
			     rd ? phys_to_virt(rd->start) : NULL, rsdp, &gw)) {
		pr_err("dom0: %s: no dom0\n", plan->error);
		return -ENOMEM;
	}
	pr_info("dom0: Linux boot protocol %u.%02u, kernel at %#llx, initrd %llu KiB at %#llx\n",
		bz->version >> 8, bz->version & 0xff, (unsigned long long)plan->kernel_addr,
		(unsigned long long)(rd_size >> 10), (unsigned long long)plan->initrd_addr);
	return 0;
}

/* vCPU i pinned on pCPU i: dom0 drives those pCPUs' local APICs. */
static struct domain *create_dom0(unsigned int nr)
{
	uint64_t pcpus = (1ULL << nr) - 1;
	struct domain_config cfg = {
		.name = "dom0", .mem_bytes = layout.bytes, .nr_vcpus = nr,
		.paging = UMBRA_PAGING_NESTED, .affinity = pcpus,
		.identity = &identity,
	};
	const char *why = NULL;
	struct domain *d = domain_create(&cfg, &why);

	if (!d) {
		pr_err("dom0: not created: %s\n", why);
		return NULL;
	}
	for (unsigned int i = 0; i < nr; i++)
		d->vcpus[i]->affinity = 1ULL << i;
	return d;
}

/* dom0_max_vcpus: dom0 takes pCPUs 0 to N-1, so at least one pCPU must
 * remain for Umbra and the other domains. */
static unsigned int dom0_vcpus(void)
{
	if (nr_cpus_online < 2) {
		pr_err("dom0: needs a CPU of its own and one for Umbra; %u online: no dom0\n",
		       nr_cpus_online);
		return 0;
	}
	if (!opt_dom0_max_vcpus || opt_dom0_max_vcpus >= nr_cpus_online ||
	    opt_dom0_max_vcpus > MAX_VCPUS_PER_DOMAIN) {
		pr_err("dom0: dom0_max_vcpus=%llu: must be 1 to %u, leaving at least one of the "
		       "%u CPUs for the other domains: no dom0\n",
		       (unsigned long long)opt_dom0_max_vcpus,
		       nr_cpus_online - 1 < MAX_VCPUS_PER_DOMAIN ? nr_cpus_online - 1
								 : MAX_VCPUS_PER_DOMAIN,
		       nr_cpus_online);
		return 0;
	}
	return (unsigned int)opt_dom0_max_vcpus;
}

bool dom0_build(const struct boot_info *bi)
{
	struct linux_boot_plan *plan;
	uint32_t apic_ids[MAX_VCPUS_PER_DOMAIN];
	unsigned int nr = memory_set_aside ? dom0_vcpus() : 0;
	struct bzimage bz;
	struct domain *d;

	if (!nr)
		return false;
	for (unsigned int i = 0; i < nr; i++)
		apic_ids[i] = percpu_area[i].apic_id;
	plan = kzalloc(sizeof(*plan));
	if (!plan || parse_kernel(bi, &bz))
		goto fail;
	d = create_dom0(nr);
	if (!d)
		goto fail;
	if (load_linux(d, bi, &bz, plan, place_acpi(d, bi, apic_ids, nr))) {
		domain_destroy(d);
		goto fail;
	}
	hvm_vcpu_set_entry64(d->vcpus[0], &(struct hvm_entry64){
		.rip = plan->entry, .rsi = plan->rsi, .cr3 = plan->cr3,
		.gdt_base = plan->gdt_base, .gdt_limit = plan->gdt_limit,
		.cs = LB_BOOT_CS, .ds = LB_BOOT_DS,
	});
	d->vcpus[0]->initialised = true;
	d->started = true;
	d->state = DOMAIN_RUNNING;
	pr_info("dom0: %llu MiB in %u ranges, vCPU 0 on pCPU %u, entry %#llx\n",
		(unsigned long long)(layout.bytes >> 20), layout.nr, DOM0_PCPU,
		(unsigned long long)plan->entry);
	if (nr > 1)
		pr_info("dom0: %u vCPUs on pCPUs 0-%u (dom0 starts vCPUs 1-%u with INIT/SIPI); "
			"Umbra keeps the other %u\n", nr, nr - 1, nr - 1, nr_cpus_online - nr);
	kfree(plan);
	/* Before the APs leave their wait: dom0's keep no Umbra timer. */
	for (unsigned int i = 0; i < nr; i++)
		sched_give_pcpu_to_dom0(i);
	sched_vcpu_start(d->vcpus[0]);
	return true;
fail:
	kfree(plan);
	return false;
}
