/*
 * The PVH start info (Xen's x86/HVM direct boot ABI, version 1) laid out
 * in guest-physical memory. Everything is planned and checked first, so
 * a bad configuration writes nothing; then the area is zeroed and the
 * parts are copied in.
 */
#include <umbra/errno.h>
#include <umbra/pvh.h>
#include <umbra/string.h>

/* Offsets from info_paddr of each part, and the total size. */
struct pvh_layout {
	uint64_t modlist;
	uint64_t memmap;
	uint64_t cmdline;
	uint64_t cmdline_len;
	uint64_t mod_cmdline[PVH_MAX_MODULES];
	uint64_t mod_cmdline_len[PVH_MAX_MODULES];
	uint64_t end;
};

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

static bool range_in(uint64_t off, uint64_t len, uint64_t limit)
{
	return off <= limit && len <= limit - off;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Reserve room for an optional string; 0 offset when absent. */
static int plan_string(const char *s, uint64_t *at, uint64_t *len, uint64_t *cursor)
{
	size_t n;

	*at = 0;
	*len = 0;
	if (!s)
		return 0;
	n = strnlen(s, PVH_CMDLINE_MAX + 1);
	if (n > PVH_CMDLINE_MAX)
		return -EINVAL;
	*at = *cursor;
	*len = n;
	*cursor += align8(n + 1);
	return 0;
}

static int check_modules(const struct pvh_start_params *p, uint64_t area_end,
			 const char **why)
{
	const struct pvh_module *m;
	unsigned int i;

	for (i = 0; i < p->nr_modules; i++) {
		m = &p->modules[i];
		if (m->paddr == 0 || !range_in(m->paddr, m->size, p->mem_size)) {
			*why = "module outside the domain's memory";
			return -EINVAL;
		}
		if (ranges_overlap(m->paddr, m->size, p->info_paddr, area_end)) {
			*why = "module overlaps the start info area";
			return -EINVAL;
		}
	}
	return 0;
}

/* Entries must be non-empty, typed, and in ascending disjoint order. */
static int check_memmap(const struct pvh_start_params *p, const char **why)
{
	const struct hvm_memmap_table_entry *e;
	uint64_t next = 0;
	unsigned int i;

	for (i = 0; i < p->nr_memmap; i++) {
		e = &p->memmap[i];
		if (e->size == 0 || e->type == 0 || e->addr + e->size < e->addr) {
			*why = "bad memory map entry";
			return -EINVAL;
		}
		if (i > 0 && e->addr < next) {
			*why = "memory map entries overlap or are out of order";
			return -EINVAL;
		}
		next = e->addr + e->size;
	}
	return 0;
}

static int check_params(const struct pvh_start_params *p, const char **why)
{
	*why = NULL;
	if (p->info_paddr == 0 || (p->info_paddr & 7)) {
		*why = "start info address must be non-zero and 8-byte aligned";
		return -EINVAL;
	}
	if (p->nr_modules > PVH_MAX_MODULES || (p->nr_modules && !p->modules)) {
		*why = "bad module list";
		return -EINVAL;
	}
	if (p->nr_memmap > PVH_MAX_MEMMAP || (p->nr_memmap && !p->memmap)) {
		*why = "bad memory map";
		return -EINVAL;
	}
	return check_memmap(p, why);
}

static int plan(const struct pvh_start_params *p, struct pvh_layout *l,
		const char **why)
{
	uint64_t cursor = align8(sizeof(struct hvm_start_info));
	unsigned int i;
	int rc;

	memset(l, 0, sizeof(*l));
	rc = check_params(p, why);
	if (rc)
		return rc;
	l->modlist = p->nr_modules ? cursor : 0;
	cursor += (uint64_t)p->nr_modules * sizeof(struct hvm_modlist_entry);
	l->memmap = p->nr_memmap ? cursor : 0;
	cursor = align8(cursor + (uint64_t)p->nr_memmap *
			sizeof(struct hvm_memmap_table_entry));
	rc = plan_string(p->cmdline, &l->cmdline, &l->cmdline_len, &cursor);
	for (i = 0; rc == 0 && i < p->nr_modules; i++)
		rc = plan_string(p->modules[i].cmdline, &l->mod_cmdline[i],
				 &l->mod_cmdline_len[i], &cursor);
	if (rc) {
		*why = "command line too long";
		return rc;
	}
	l->end = cursor;
	if (l->end > p->area_size) {
		*why = "start info does not fit in the area given";
		return -EINVAL;
	}
	if (!range_in(p->info_paddr, l->end, p->mem_size)) {
		*why = "start info area outside the domain's memory";
		return -EINVAL;
	}
	return check_modules(p, l->end, why);
}

/* A planned offset as a guest-physical address (0 stays "absent"). */
static uint64_t gpa(const struct pvh_start_params *p, uint64_t off)
{
	return off ? p->info_paddr + off : 0;
}

static int write_header(const struct pvh_start_params *p, const struct pvh_layout *l,
			const struct guest_writer *gw)
{
	struct hvm_start_info si;

	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = XEN_HVM_START_INFO_VERSION;
	si.flags = p->flags;
	si.nr_modules = p->nr_modules;
	si.modlist_paddr = gpa(p, l->modlist);
	si.cmdline_paddr = gpa(p, l->cmdline);
	si.rsdp_paddr = p->rsdp_paddr;
	si.memmap_paddr = gpa(p, l->memmap);
	si.memmap_entries = p->nr_memmap;
	return gw->copy(gw->ctx, p->info_paddr, &si, sizeof(si));
}

static int write_modules(const struct pvh_start_params *p, const struct pvh_layout *l,
			 const struct guest_writer *gw)
{
	struct hvm_modlist_entry e;
	unsigned int i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nr_modules; i++) {
		memset(&e, 0, sizeof(e));
		e.paddr = p->modules[i].paddr;
		e.size = p->modules[i].size;
		e.cmdline_paddr = gpa(p, l->mod_cmdline[i]);
		rc = gw->copy(gw->ctx, gpa(p, l->modlist) + i * sizeof(e), &e, sizeof(e));
		if (rc == 0 && p->modules[i].cmdline)
			rc = gw->copy(gw->ctx, gpa(p, l->mod_cmdline[i]),
				      p->modules[i].cmdline, l->mod_cmdline_len[i]);
	}
	return rc;
}

static int write_memmap(const struct pvh_start_params *p, const struct pvh_layout *l,
			const struct guest_writer *gw)
{
	struct hvm_memmap_table_entry e;
	unsigned int i;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->nr_memmap; i++) {
		e = p->memmap[i];
		e.reserved = 0;
		rc = gw->copy(gw->ctx, gpa(p, l->memmap) + i * sizeof(e), &e, sizeof(e));
	}
	return rc;
}

long pvh_build_start_info(const struct pvh_start_params *p,
			  const struct guest_writer *gw, const char **why)
{
	struct pvh_layout l;
	int rc;

	rc = plan(p, &l, why);
	if (rc)
		return rc;
	/* Zero first: padding and string terminators come out as zeroes. */
	rc = gw->zero(gw->ctx, p->info_paddr, l.end);
	if (rc == 0)
		rc = write_header(p, &l, gw);
	if (rc == 0)
		rc = write_modules(p, &l, gw);
	if (rc == 0)
		rc = write_memmap(p, &l, gw);
	if (rc == 0 && p->cmdline)
		rc = gw->copy(gw->ctx, gpa(p, l.cmdline), p->cmdline, l.cmdline_len);
	if (rc) {
		*why = "writing the start info to guest memory failed";
		return rc;
	}
	return (long)l.end;
}

static void set_entry(struct hvm_memmap_table_entry *e, uint64_t addr,
		      uint64_t size, uint32_t type)
{
	e->addr = addr;
	e->size = size;
	e->type = type;
	e->reserved = 0;
}

int pvh_ram_memmap(uint64_t mem_size, uint64_t reserved_paddr,
		   uint64_t reserved_size, struct hvm_memmap_table_entry *out,
		   unsigned int max)
{
	uint64_t rend = reserved_paddr + reserved_size;
	unsigned int n = 0;

	if (mem_size == 0 || !range_in(reserved_paddr, reserved_size, mem_size))
		return -EINVAL;
	if (max < 3 && !(reserved_size == 0 && max >= 1))
		return -EINVAL;
	if (reserved_size == 0) {
		set_entry(&out[n++], 0, mem_size, XEN_HVM_MEMMAP_TYPE_RAM);
		return (int)n;
	}
	if (reserved_paddr > 0)
		set_entry(&out[n++], 0, reserved_paddr, XEN_HVM_MEMMAP_TYPE_RAM);
	set_entry(&out[n++], reserved_paddr, reserved_size, XEN_HVM_MEMMAP_TYPE_RESERVED);
	if (rend < mem_size)
		set_entry(&out[n++], rend, mem_size - rend, XEN_HVM_MEMMAP_TYPE_RAM);
	return (int)n;
}
