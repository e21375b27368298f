/* Domains described by boot modules: parse the spec, load the PVH image,
 * lay out the start info, start vCPU 0. */
#include <asm/hvm.h>
#include <asm/layout.h>
#include <public/hvm/start_info.h>
#include <public/umbra.h>
#include <umbra/boot_modules.h>
#include <umbra/cmdline.h>
#include <umbra/domain.h>
#include <umbra/domain_build.h>
#include <umbra/elf_loader.h>
#include <umbra/printk.h>
#include <umbra/pvh.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

#define SPEC_MAX	256
#define START_INFO_SIZE	0x10000		/* last 64 KiB of guest RAM */
#define MEMMAP_MAX	4

struct spec_problems {
	unsigned int index;
	unsigned int count;
};

static void report_spec(void *ctx, enum cmdline_problem problem,
			const char *token, size_t len)
{
	struct spec_problems *p = ctx;

	p->count++;
	pr_err("module %u: %s '%.*s' in the domain spec\n", p->index,
	       cmdline_problem_str(problem), (int)len, token);
}

/* The "--" token that ends the spec, or NULL. */
static const char *find_separator(const char *line)
{
	for (const char *p = line; *p; p++)
		if (p[0] == '-' && p[1] == '-' && (p == line || p[-1] == ' ') &&
		    (p[2] == ' ' || p[2] == '\0'))
			return p;
	return NULL;
}

/* Split "spec -- guest args" and parse the spec into cfg. */
static int parse_spec(unsigned int index, const char *line, struct domain_config *cfg,
		      char *guest_args, size_t args_size)
{
	char spec[SPEC_MAX], paging[16] = "nested";
	uint64_t mem = 32ULL << 20, vcpus = 1, cpus = 0;
	struct spec_problems problems = { index, 0 };
	const char *sep = find_separator(line);
	size_t spec_len = sep ? (size_t)(sep - line) : strlen(line);
	const struct param params[] = {
		{ .name = "name", .var = cfg->name, .size = sizeof(cfg->name), .type = PARAM_STRING },
		{ .name = "mem", .var = &mem, .size = sizeof(mem), .type = PARAM_SIZE },
		{ .name = "vcpus", .var = &vcpus, .size = sizeof(vcpus), .type = PARAM_UINT },
		{ .name = "paging", .var = paging, .size = sizeof(paging), .type = PARAM_STRING },
		{ .name = "cpus", .var = &cpus, .size = sizeof(cpus), .type = PARAM_UINT },
	};

	guest_args[0] = '\0';
	if (spec_len >= sizeof(spec)) {
		pr_err("module %u: domain spec longer than %zu bytes\n", index, sizeof(spec));
		return -1;
	}
	memcpy(spec, line, spec_len);
	spec[spec_len] = '\0';
	if (sep) {
		sep += 2;
		while (*sep == ' ')
			sep++;
		if (strlen(sep) >= args_size) {
			pr_err("module %u: guest arguments too long\n", index);
			return -1;
		}
		memcpy(guest_args, sep, strlen(sep) + 1);
	}
	cmdline_parse(spec, params, params + sizeof(params) / sizeof(params[0]),
		      report_spec, &problems);
	if (!strcmp(paging, "nested"))
		cfg->paging = UMBRA_PAGING_NESTED;
	else if (!strcmp(paging, "shadow"))
		cfg->paging = UMBRA_PAGING_SHADOW;
	else
		report_spec(&problems, CMDLINE_BAD_VALUE, paging, strlen(paging));
	if (!cfg->name[0])
		snprintf(cfg->name, sizeof(cfg->name), "guest%u", index);
	cfg->mem_bytes = mem;
	cfg->nr_vcpus = vcpus > MAX_VCPUS_PER_DOMAIN ? 0 : (unsigned int)vcpus;
	cfg->affinity = cpus;
	return problems.count ? -1 : 0;
}

static int write_guest(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return domain_copy_to_gpa(ctx, gpa, src, len);
}

static int zero_guest(void *ctx, uint64_t gpa, uint64_t len)
{
	return domain_zero_gpa(ctx, gpa, len);
}

/* The start info, its command line and memory map go in the last 64 KiB
 * of guest RAM, which the memory map reports as reserved. */
static int build_start_info(struct domain *d, const struct elf_image *img,
			    const char *args, uint64_t *info_gpa)
{
	const struct guest_writer gw = { write_guest, zero_guest, d };
	struct hvm_memmap_table_entry memmap[MEMMAP_MAX];
	uint64_t area = d->mem_bytes - START_INFO_SIZE;
	struct pvh_start_params p = {
		.info_paddr = area, .area_size = START_INFO_SIZE,
		.mem_size = d->mem_bytes, .cmdline = args[0] ? args : NULL,
		.memmap = memmap,
	};
	const char *why = NULL;
	int n;

	if (img->load_end > area) {
		pr_err("domain %u (%s): image ends at %#llx, inside the start info area\n",
		       d->id, d->name, (unsigned long long)img->load_end);
		return -1;
	}
	n = pvh_ram_memmap(d->mem_bytes, area, START_INFO_SIZE, memmap, MEMMAP_MAX);
	if (n < 0)
		return -1;
	p.nr_memmap = (unsigned int)n;
	if (pvh_build_start_info(&p, &gw, &why) < 0) {
		pr_err("domain %u (%s): start info: %s\n", d->id, d->name, why);
		return -1;
	}
	*info_gpa = area;
	return 0;
}

static bool build_one(unsigned int index, const struct mb2_module *m)
{
	struct domain_config cfg;
	char args[SPEC_MAX];
	struct elf_image img;
	struct domain *d;
	const char *why = NULL;
	uint64_t info;
	struct guest_writer dgw = { write_guest, zero_guest, NULL };

	memset(&cfg, 0, sizeof(cfg));
	if (parse_spec(index, m->cmdline, &cfg, args, sizeof(args))) {
		pr_err("module %u: domain not created\n", index);
		return false;
	}
	d = domain_create(&cfg, &why);
	if (!d) {
		pr_err("module %u: domain '%s' not created: %s\n", index, cfg.name, why);
		return false;
	}
	dgw.ctx = d;
	if (elf_load(phys_to_virt(m->start), m->end - m->start, d->mem_bytes, &dgw, &img)) {
		pr_err("domain %u (%s): image refused: %s\n", d->id, d->name,
		       img.error ? img.error : "unknown error");
		goto fail;
	}
	if (build_start_info(d, &img, args, &info))
		goto fail;
	hvm_vcpu_set_pvh_entry(d->vcpus[0], img.pvh_entry, (uint32_t)info);
	d->vcpus[0]->initialised = true;
	d->state = DOMAIN_RUNNING;
	pr_info("domain %u (%s): %llu MiB, %u vCPU%s, paging=%s, entry %#x\n",
		d->id, d->name, (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus,
		d->nr_vcpus > 1 ? "s" : "",
		d->paging == UMBRA_PAGING_NESTED ? "nested" : "shadow", img.pvh_entry);
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
