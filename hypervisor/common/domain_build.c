/* Domains described by boot modules: parse the spec, load the PVH image,
 * lay out the start info, start vCPU 0. */
#include <stdarg.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/pv.h>
#include <asm/layout.h>
#include <public/hvm/start_info.h>
#include <public/umbra.h>
#include <public/xen.h>
#include <umbra/boot_modules.h>
#include <umbra/errno.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/domain_spec.h>
#include <umbra/elf_loader.h>
#include <umbra/printk.h>
#include <umbra/pvh.h>
#include <umbra/pvh_acpi.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

#define START_INFO_SIZE	0x10000		/* last 64 KiB of guest RAM */

static void report_spec(void *ctx, const char *fmt, ...)
{
	unsigned int index = *(const unsigned int *)ctx;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("module %u: %s\n", index, msg);
}

static int write_guest(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return copy_to_gpa(ctx, gpa, src, len);
}

static int zero_guest(void *ctx, uint64_t gpa, uint64_t len)
{
	return zero_gpa(ctx, gpa, len);
}

struct guest_writer domain_guest_writer(struct domain *d)
{
	return (struct guest_writer){ write_guest, zero_guest, d };
}

int domain_memory_map(const struct domain *d, struct hvm_memmap_table_entry *out,
		      unsigned int max)
{
	/* A PV domain's start of day lies in its RAM and nothing is kept
	 * at its top: one RAM entry for all its frames, the map Xen's
	 * toolstack gives a PV guest (xc_domain_set_memmap_limit). */
	if (domain_is_pv(d)) {
		if (!max)
			return -EINVAL;
		out[0] = (struct hvm_memmap_table_entry){ .addr = 0, .size = d->mem_bytes,
							   .type = XEN_HVM_MEMMAP_TYPE_RAM };
		return 1;
	}
	return pvh_ram_memmap(d->mem_bytes, d->mem_bytes - START_INFO_SIZE, START_INFO_SIZE,
			      out, max);
}

/* The start info, its command line and memory map go in the last 64 KiB
 * of guest RAM, which the memory map reports as reserved, with the ACPI
 * tables (a MADT of its vCPUs) at the top of it. */
int domain_build_start_info(struct domain *d, const struct elf_image *img,
			    const struct domain_spec *spec, uint64_t *info_gpa)
{
	const struct guest_writer gw = domain_guest_writer(d);
	struct hvm_memmap_table_entry memmap[DOMAIN_MEMMAP_MAX];
	uint64_t area = d->mem_bytes - START_INFO_SIZE;
	struct pvh_start_params p = {
		.info_paddr = area, .area_size = PVH_ACPI_AREA_OFFSET,
		.rsdp_paddr = area + PVH_ACPI_AREA_OFFSET,
		.mem_size = d->mem_bytes, .cmdline = spec->args[0] ? spec->args : NULL,
		.memmap = memmap, .flags = spec->initdomain ? SIF_INITDOMAIN : 0,
	};
	const char *why = NULL;
	int n;

	if (img->load_end > area) {
		pr_err("domain %u (%s): image ends at %#llx, inside the start info area\n",
		       d->id, d->name, (unsigned long long)img->load_end);
		return -EINVAL;
	}
	n = domain_memory_map(d, memmap, DOMAIN_MEMMAP_MAX);
	if (n < 0)
		return -EINVAL;
	p.nr_memmap = (unsigned int)n;
	if (pvh_build_start_info(&p, &gw, &why) < 0 ||
	    pvh_acpi_build(p.rsdp_paddr, START_INFO_SIZE - PVH_ACPI_AREA_OFFSET,
			   d->nr_vcpus, &gw, &why)) {
		pr_err("domain %u (%s): start info: %s\n", d->id, d->name, why);
		return -EINVAL;
	}
	*info_gpa = area;
	return 0;
}

static void start_domain(struct domain *d)
{
	d->vcpus[0]->initialised = true;
	d->started = true;
	d->state = DOMAIN_RUNNING;
	/* Secondary vCPUs wait for the guest's VCPUOP_initialise and _up. */
	sched_vcpu_start(d->vcpus[0]);
}

/* A PV kernel (type=pv): arch/x86/pv builds it as Xen's domain builder
 * would; a refused image names why and the domain goes away. */
static bool build_pv(struct domain *d, const struct mb2_module *m,
		     const struct domain_spec *spec)
{
	const struct pv_build_params p = {
		.image = phys_to_virt(m->start), .size = m->end - m->start,
		.cmdline = spec->args[0] ? spec->args : NULL,
		.si_flags = spec->initdomain ? SIF_INITDOMAIN : 0,
	};
	const char *why = NULL;

	if (pv_domain_build(d, &p, &why)) {
		pr_err("domain %u (%s): PV image refused: %s\n", d->id, d->name,
		       why ? why : "unknown error");
		domain_destroy(d);
		return false;
	}
	log_lifecycle(LOG_INFO, "domain %u (%s): %llu MiB, %u vCPU%s, PV, paging=%s, pool %llu KiB\n",
		      d->id, d->name, (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus,
		      d->nr_vcpus > 1 ? "s" : "",
		      d->paging == UMBRA_PAGING_SHADOW ? "shadow" : "shared",
		      (unsigned long long)d->pool.reserved * 4);
	start_domain(d);
	return true;
}

static bool build_one(unsigned int index, const struct mb2_module *m)
{
	struct domain_config cfg;
	struct domain_spec spec;
	struct elf_image img;
	struct domain *d;
	const char *why = NULL;
	uint64_t info;
	struct guest_writer dgw;

	if (domain_spec_parse(m->cmdline, index, sched_cpus_online(), &spec,
			      report_spec, &index)) {
		pr_err("module %u: domain not created\n", index);
		return false;
	}
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.name, spec.name, sizeof(cfg.name));
	cfg.mem_bytes = spec.mem_bytes;
	cfg.nr_vcpus = spec.nr_vcpus;
	cfg.paging = spec.paging;
	cfg.type = spec.type == UMBRA_DOMAIN_TYPE_PV ? UMBRA_DOMAIN_TYPE_PV : 0;
	cfg.affinity = spec.affinity;
	cfg.shadow_bytes = spec.shadow_bytes;
	d = domain_create(&cfg, &why);
	if (!d) {
		pr_err("module %u: domain '%s' not created: %s\n", index, cfg.name, why);
		return false;
	}
	if (domain_is_pv(d))
		return build_pv(d, m, &spec);
	dgw = domain_guest_writer(d);
	if (elf_load(phys_to_virt(m->start), m->end - m->start, d->mem_bytes, &dgw, &img)) {
		pr_err("domain %u (%s): image refused: %s\n", d->id, d->name,
		       img.error ? img.error : "unknown error");
		goto fail;
	}
	if (domain_build_start_info(d, &img, &spec, &info))
		goto fail;
	hvm_vcpu_set_pvh_entry(d->vcpus[0], img.pvh_entry, (uint32_t)info);
	d->vcpus[0]->initialised = true;
	d->started = true;
	d->state = DOMAIN_RUNNING;
	log_lifecycle(LOG_INFO, "domain %u (%s): %llu MiB, %u vCPU%s, paging=%s, entry %#x, pool %llu KiB\n",
		d->id, d->name, (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus,
		d->nr_vcpus > 1 ? "s" : "",
		d->paging == UMBRA_PAGING_NESTED ? "nested" : "shadow", img.pvh_entry,
		(unsigned long long)d->pool.reserved * 4);
	/* Secondary vCPUs wait for the guest's VCPUOP_initialise and _up. */
	sched_vcpu_start(d->vcpus[0]);
	return true;
fail:
	domain_destroy(d);
	return false;
}

unsigned int domains_build_from_modules(const struct boot_info *bi)
{
	unsigned int started = 0;

	for (size_t i = 0; i < bi->module_count; i++)
		if (module_identify(&bi->modules[i]) == MODULE_ELF)
			started += build_one((unsigned int)i, &bi->modules[i]);
	return started;
}
