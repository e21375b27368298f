/*
 * W^X for a PV image whose PT_LOAD segment is both writable and
 * executable (every XTF pv64 kernel has one): the segment is split by
 * the image's section headers, the pages of its code sections
 * (SHF_EXECINSTR) executable and read-only, every other page of it
 * writable and no-execute. Xen maps such a segment writable and
 * executable as a whole; the split keeps what a guest may do with its
 * data (write it, wherever a section puts it) and takes away only
 * writing its code and running its data.
 *
 * The split is refused, and W^X is off for the image as before, when it
 * would leave a page writable and executable (a section that is both, a
 * page that a code section shares with a writable one), when the section
 * headers cannot be trusted, or when the entry point would not be
 * executable. The hypercall page is executable and read-only wherever
 * it is: its bytes are Xen's stubs, not the image's. Section headers come from the image and
 * are untrusted like everything in it: offsets and counts are checked
 * against the image, sums against wrapping, before anything is used.
 */
#include <umbra/elf_loader.h>
#include "elf_file.h"

#define SHDR64_SIZE	64
#define SHT_NULL	0
#define SHT_NOBITS	8
#define SHF_WRITE	0x1u
#define SHF_ALLOC	0x2u
#define SHF_EXECINSTR	0x4u
#define SHF_TLS		0x400u
#define WX_PAGE		0x1000ULL

/* More than a linked kernel has (Linux about 40, XTF about 10); the
 * checks below compare every pair of sections. */
#define ELF_MAX_SHDRS	256

struct shdr {
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t size;
};

struct shtab {
	uint64_t off;
	unsigned int num;
};

static uint64_t page_down(uint64_t v)
{
	return v & ~(WX_PAGE - 1);
}

/* Callers keep v below the top of the address space (pv_range_ok). */
static uint64_t page_up(uint64_t v)
{
	return (v + WX_PAGE - 1) & ~(WX_PAGE - 1);
}

bool elf_add_exec(struct elf_image *img, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < img->nr_exec; i++) {
		if (start <= img->exec_end[i] && img->exec_start[i] <= end) {
			if (start < img->exec_start[i])
				img->exec_start[i] = start;
			if (end > img->exec_end[i])
				img->exec_end[i] = end;
			return true;
		}
	}
	if (img->nr_exec == ELF_MAX_EXEC)
		return false;
	img->exec_start[img->nr_exec] = start;
	img->exec_end[img->nr_exec++] = end;
	return true;
}

static bool in_exec(const struct elf_image *img, uint64_t va)
{
	for (unsigned int i = 0; i < img->nr_exec; i++)
		if (va >= img->exec_start[i] && va < img->exec_end[i])
			return true;
	return false;
}

/* The section header table of a 64-bit image (the only kind a PV
 * kernel may be). NULL, or why it cannot be used. */
static const char *open_shtab(const struct elf_file *f, struct shtab *t)
{
	uint16_t entsize = elf_rd16(f->base + 58);

	t->off = elf_rd64(f->base + 40);
	t->num = elf_rd16(f->base + 60);
	if (t->num == 0)
		return "no section headers to split it by";
	if (entsize != SHDR64_SIZE)
		return "its section headers have an unexpected size";
	if (t->num > ELF_MAX_SHDRS)
		return "it has more section headers than the builder reads";
	if (!elf_range_in(t->off, (uint64_t)t->num * SHDR64_SIZE, f->size))
		return "its section headers lie outside the image";
	return NULL;
}

static void read_shdr(const struct elf_file *f, const struct shtab *t, unsigned int i,
		      struct shdr *sh)
{
	const uint8_t *p = f->base + t->off + (uint64_t)i * SHDR64_SIZE;

	sh->type = elf_rd32(p + 4);
	sh->flags = elf_rd64(p + 8);
	sh->addr = elf_rd64(p + 16);
	sh->size = elf_rd64(p + 32);
}

/* A section that occupies memory of the image. Thread-local bss has an
 * address in the template's range but no memory there of its own. */
static bool occupies(const struct shdr *sh)
{
	return sh->type != SHT_NULL && (sh->flags & SHF_ALLOC) && sh->size &&
	       !(sh->type == SHT_NOBITS && (sh->flags & SHF_TLS));
}

/* The part of section sh inside segment ph, rounded out to pages:
 * false if they do not meet. */
static bool clip_pages(const struct shdr *sh, const struct phdr *ph,
		       uint64_t *start, uint64_t *end)
{
	uint64_t s = sh->addr, e = sh->addr + sh->size;
	uint64_t ps = ph->vaddr, pe = ph->vaddr + ph->memsz;

	if (e <= ps || s >= pe)
		return false;
	*start = page_down(s > ps ? s : ps);
	*end = page_up(e < pe ? e : pe);
	return true;
}

static bool is_wx_load(const struct phdr *ph)
{
	return ph->type == PT_LOAD && ph->memsz &&
	       (ph->flags & (PF_W | PF_X)) == (PF_W | PF_X);
}

/* Every section first, whatever segment it is in: none may wrap. */
static const char *check_sections(const struct elf_file *f, const struct shtab *t)
{
	struct shdr sh;

	for (unsigned int i = 0; i < t->num; i++) {
		read_shdr(f, t, i, &sh);
		if (occupies(&sh) && sh.addr + sh.size < sh.addr)
			return "a section's address range wraps around";
	}
	return NULL;
}

/* The code pages of one writable and executable segment. */
static const char *add_code(const struct elf_file *f, const struct shtab *t,
			    const struct phdr *ph, struct elf_image *img)
{
	uint64_t s, e;
	struct shdr sh;

	for (unsigned int i = 0; i < t->num; i++) {
		read_shdr(f, t, i, &sh);
		if (!occupies(&sh) || !clip_pages(&sh, ph, &s, &e))
			continue;
		if ((sh.flags & (SHF_WRITE | SHF_EXECINSTR)) == (SHF_WRITE | SHF_EXECINSTR))
			return "a section is both writable and executable";
		if ((sh.flags & SHF_EXECINSTR) && !elf_add_exec(img, s, e))
			return "it has more code ranges than the builder tracks";
	}
	return NULL;
}

/* No page of a writable section in the segment may be executable. */
static const char *check_data(const struct elf_file *f, const struct shtab *t,
			      const struct phdr *ph, const struct elf_image *img)
{
	uint64_t s, e;
	struct shdr sh;

	for (unsigned int i = 0; i < t->num; i++) {
		read_shdr(f, t, i, &sh);
		if (!occupies(&sh) || !(sh.flags & SHF_WRITE) || !clip_pages(&sh, ph, &s, &e))
			continue;
		for (unsigned int k = 0; k < img->nr_exec; k++)
			if (s < img->exec_end[k] && img->exec_start[k] < e)
				return "a page holds both code and writable data";
	}
	return NULL;
}

static const char *split(const struct elf_file *f, struct elf_image *img)
{
	const char *why;
	struct shtab t;
	struct phdr ph;

	why = open_shtab(f, &t);
	if (!why)
		why = check_sections(f, &t);
	for (unsigned int i = 0; !why && i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (is_wx_load(&ph))
			why = add_code(f, &t, &ph, img);
	}
	for (unsigned int i = 0; !why && i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (is_wx_load(&ph))
			why = check_data(f, &t, &ph, img);
	}
	/* Code outside every code section would not run: Xen runs it, so
	 * such an image keeps Xen's mapping rather than break. */
	if (!why && !in_exec(img, img->pv_entry))
		why = "its entry point is in no code section";
	/* The hypercall page is code whatever section holds it (XTF's is
	 * in .data): a whole page, every byte of it replaced by Xen's
	 * stubs, so no data of the image shares it. Read-only from now on,
	 * as nothing but the builder has a reason to write it. */
	if (!why && img->hypercall_page &&
	    !elf_add_exec(img, img->hypercall_page, img->hypercall_page + WX_PAGE))
		why = "it has more code ranges than the builder tracks";
	return why;
}

void elf_wx_plan(const struct elf_file *f, struct elf_image *img)
{
	uint64_t start[ELF_MAX_EXEC], end[ELF_MAX_EXEC];
	unsigned int nr_exec = img->nr_exec;
	const char *why;

	if (!img->nr_wx || img->wx_load)
		return;
	memcpy(start, img->exec_start, sizeof(start));
	memcpy(end, img->exec_end, sizeof(end));
	why = split(f, img);
	if (why) {
		/* What the segments alone gave, as if never split. */
		memcpy(img->exec_start, start, sizeof(start));
		memcpy(img->exec_end, end, sizeof(end));
		img->nr_exec = nr_exec;
		img->wx_load = true;
		img->wx_why = why;
	} else {
		img->wx_split = true;
	}
}
