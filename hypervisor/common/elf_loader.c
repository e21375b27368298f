/*
 * PVH kernel loader: checks an ELF32/ELF64 x86 image completely, then
 * copies its PT_LOAD segments into guest-physical memory.
 *
 * An ELF32 image may say EM_X86_64: PVH starts every kernel in 32-bit
 * protected mode, and kernels that switch to long mode themselves (XTF's
 * hvm64 tests) are linked that way. Xen's loader takes both.
 *
 * All arithmetic on image-supplied numbers is done in 64 bits and
 * compared against what is left, never added blindly, so a hostile
 * header cannot wrap a bound. Fields are read with memcpy: a boot module
 * need not be aligned.
 */
#include <umbra/elf_loader.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include <public/elfnote.h>
#include "elf_file.h"

#define EI_NIDENT	16
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define EM_386		3
#define EM_X86_64	62
#define PN_XNUM		0xffff

#define EHDR32_SIZE	52
#define EHDR64_SIZE	64
#define PHDR32_SIZE	32
#define PHDR64_SIZE	56
#define NOTE_HDR_SIZE	12

static int fail(struct elf_image *img, const char *why, int phdr)
{
	img->error = why;
	img->error_phdr = phdr;
	return -EINVAL;
}

static int check_ident(const struct elf_file *f, struct elf_image *img)
{
	const uint8_t *id = f->base;

	if (f->size < EI_NIDENT || id[0] != 0x7f || id[1] != 'E' ||
	    id[2] != 'L' || id[3] != 'F')
		return fail(img, "not an ELF image", -1);
	if (id[4] != ELFCLASS32 && id[4] != ELFCLASS64)
		return fail(img, "unknown ELF class", -1);
	if (id[5] != ELFDATA2LSB)
		return fail(img, "not a little-endian ELF image", -1);
	if (id[6] != EV_CURRENT)
		return fail(img, "unknown ELF version", -1);
	return 0;
}

static int read_ehdr(struct elf_file *f, struct elf_image *img)
{
	const uint8_t *e = f->base;
	bool is64 = e[4] == ELFCLASS64;
	unsigned int phentsize;
	uint16_t machine;

	f->cls = is64 ? 64 : 32;
	img->elf_class = f->cls;
	if (f->size < (is64 ? EHDR64_SIZE : EHDR32_SIZE))
		return fail(img, "truncated ELF header", -1);
	if (elf_rd16(e + 16) != ET_EXEC)
		return fail(img, "not an executable (ET_EXEC) image", -1);
	machine = elf_rd16(e + 18);
	if (machine != EM_X86_64 && (is64 || machine != EM_386))
		return fail(img, "not an x86 image", -1);
	img->entry = is64 ? elf_rd64(e + 24) : elf_rd32(e + 24);
	f->phoff = is64 ? elf_rd64(e + 32) : elf_rd32(e + 28);
	phentsize = elf_rd16(e + (is64 ? 54 : 42));
	f->phnum = elf_rd16(e + (is64 ? 56 : 44));
	if (f->phnum == 0)
		return fail(img, "no program headers", -1);
	if (f->phnum == PN_XNUM || f->phnum > ELF_MAX_PHDRS)
		return fail(img, "too many program headers", -1);
	if (phentsize != (is64 ? PHDR64_SIZE : PHDR32_SIZE))
		return fail(img, "unexpected program header size", -1);
	if (!elf_range_in(f->phoff, (uint64_t)f->phnum * phentsize, f->size))
		return fail(img, "program headers outside the image", -1);
	return 0;
}

void elf_read_phdr(const struct elf_file *f, unsigned int i, struct phdr *ph)
{
	const uint8_t *p;

	if (f->cls == 64) {
		p = f->base + f->phoff + (uint64_t)i * PHDR64_SIZE;
		ph->type = elf_rd32(p);
		ph->offset = elf_rd64(p + 8);
		ph->vaddr = elf_rd64(p + 16);
		ph->paddr = elf_rd64(p + 24);
		ph->filesz = elf_rd64(p + 32);
		ph->memsz = elf_rd64(p + 40);
		ph->align = elf_rd64(p + 48);
		ph->flags = elf_rd32(p + 4);
	} else {
		p = f->base + f->phoff + (uint64_t)i * PHDR32_SIZE;
		ph->type = elf_rd32(p);
		ph->offset = elf_rd32(p + 4);
		ph->vaddr = elf_rd32(p + 8);
		ph->paddr = elf_rd32(p + 12);
		ph->filesz = elf_rd32(p + 16);
		ph->memsz = elf_rd32(p + 20);
		ph->align = elf_rd32(p + 28);
		ph->flags = elf_rd32(p + 24);
	}
	/* Below virt_base: an address no guest-physical byte has, refused
	 * by check_load's range test. */
	if (f->pv)
		ph->paddr = ph->vaddr >= f->virt_base ? ph->vaddr - f->virt_base : UINT64_MAX;
}

static int check_load(const struct elf_file *f, const struct phdr *ph, int i,
		      uint64_t mem_size, struct elf_image *img)
{
	if (ph->filesz > ph->memsz)
		return fail(img, "segment file size exceeds its memory size", i);
	if (!elf_range_in(ph->offset, ph->filesz, f->size))
		return fail(img, "segment data outside the image", i);
	/* An empty segment places nothing, wherever it claims to be. */
	if (ph->memsz && !elf_range_in(ph->paddr, ph->memsz, mem_size))
		return fail(img, "segment outside the domain's memory", i);
	return 0;
}

static bool overlaps(const struct phdr *a, const struct phdr *b)
{
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

/* Called once every PT_LOAD is known to lie inside guest memory. */
static int check_overlaps(const struct elf_file *f, struct elf_image *img)
{
	struct phdr a, b;
	unsigned int i, j;

	for (i = 0; i < f->phnum; i++) {
		elf_read_phdr(f, i, &a);
		if (a.type != PT_LOAD || a.memsz == 0)
			continue;
		for (j = i + 1; j < f->phnum; j++) {
			elf_read_phdr(f, j, &b);
			if (b.type == PT_LOAD && b.memsz && overlaps(&a, &b))
				return fail(img, "loadable segments overlap", (int)j);
		}
	}
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool is_xen_owner(const uint8_t *name, uint32_t namesz)
{
	return namesz == sizeof(XEN_ELFNOTE_OWNER) &&
	       memcmp(name, XEN_ELFNOTE_OWNER, sizeof(XEN_ELFNOTE_OWNER)) == 0;
}

static int take_phys32_entry(const uint8_t *desc, uint32_t descsz, int i,
			     struct elf_image *img, bool *found)
{
	uint64_t entry;

	if (descsz == 4)
		entry = elf_rd32(desc);
	else if (descsz == 8)
		entry = elf_rd64(desc);
	else
		return fail(img, "PHYS32_ENTRY note has a bad size", i);
	if (entry > UINT32_MAX)
		return fail(img, "PHYS32_ENTRY note above 4 GiB", i);
	if (*found && img->pvh_entry != entry)
		return fail(img, "conflicting PHYS32_ENTRY notes", i);
	img->pvh_entry = (uint32_t)entry;
	*found = true;
	return 0;
}

static int take_pv_note(uint32_t type, const uint8_t *desc, uint32_t descsz, int i,
			struct elf_image *img, bool *found);

/* Walk the notes of one PT_NOTE segment looking for the PVH entry, or
 * for a PV kernel's notes. */
static int scan_notes(const struct elf_file *f, const struct phdr *ph, int i,
		      struct elf_image *img, bool *found)
{
	uint64_t align = ph->align == 8 ? 8 : 4;
	uint64_t pos = ph->offset, end, name, desc;
	uint32_t namesz, descsz, type;
	int rc;

	if (!elf_range_in(ph->offset, ph->filesz, f->size))
		return fail(img, "note segment outside the image", i);
	end = ph->offset + ph->filesz;
	while (pos < end) {
		if (end - pos < NOTE_HDR_SIZE)
			return fail(img, "truncated note header", i);
		namesz = elf_rd32(f->base + pos);
		descsz = elf_rd32(f->base + pos + 4);
		type = elf_rd32(f->base + pos + 8);
		name = pos + NOTE_HDR_SIZE;
		if (align_up(namesz, align) > end - name)
			return fail(img, "note name runs past its segment", i);
		desc = name + align_up(namesz, align);
		if (descsz > end - desc)
			return fail(img, "note contents run past their segment", i);
		if (f->pv && is_xen_owner(f->base + name, namesz)) {
			rc = take_pv_note(type, f->base + desc, descsz, i, img, found);
			if (rc)
				return rc;
		} else if (type == XEN_ELFNOTE_PHYS32_ENTRY &&
			   is_xen_owner(f->base + name, namesz)) {
			rc = take_phys32_entry(f->base + desc, descsz, i, img, found);
			if (rc)
				return rc;
		}
		/* The last note's padding may be cut off by the segment end. */
		pos = align_up(descsz, align) > end - desc ? end :
		      desc + align_up(descsz, align);
	}
	return 0;
}

static void note_extent(const struct phdr *ph, struct elf_image *img)
{
	if (ph->memsz == 0)
		return;
	if (img->nr_load == 0 || ph->paddr < img->load_start)
		img->load_start = ph->paddr;
	if (img->nr_load == 0 || ph->paddr + ph->memsz > img->load_end)
		img->load_end = ph->paddr + ph->memsz;
	img->nr_load++;
	if (!(ph->flags & PF_X))
		return;
	if (ph->flags & PF_W)
		img->nr_wx++;		/* split by sections, or W^X off */
	else if (!elf_add_exec(img, ph->vaddr, ph->vaddr + ph->memsz)) {
		img->wx_load = true;
		img->wx_why = "it has more executable segments than the builder tracks";
	}
}

static int check_phdrs(const struct elf_file *f, uint64_t mem_size,
		       struct elf_image *img, bool *found)
{
	struct phdr ph;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < f->phnum && rc == 0; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type == PT_LOAD) {
			rc = check_load(f, &ph, (int)i, mem_size, img);
			if (rc == 0)
				note_extent(&ph, img);
		} else if (ph.type == PT_NOTE && !f->pv) {
			rc = scan_notes(f, &ph, (int)i, img, found);
		}
	}
	return rc;
}

/* The entry must be code the loader actually places in memory. */
static bool entry_is_loaded(const struct elf_file *f, uint32_t entry)
{
	struct phdr ph;
	unsigned int i;

	for (i = 0; i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type == PT_LOAD && entry >= ph.paddr &&
		    entry - ph.paddr < ph.memsz)
			return true;
	}
	return false;
}

/* The checks every kernel image starts with: identity and ELF header. */
static int open_image(struct elf_file *f, const void *image, size_t size,
		      struct elf_image *img)
{
	int rc;

	memset(img, 0, sizeof(*img));
	img->error_phdr = -1;
	memset(f, 0, sizeof(*f));
	f->base = image;
	f->size = size;
	if (!image)
		return fail(img, "no image", -1);
	rc = check_ident(f, img);
	return rc ? rc : read_ehdr(f, img);
}

static int parse(struct elf_file *f, const void *image, size_t size,
		 uint64_t mem_size, struct elf_image *img)
{
	bool found = false;
	int rc;

	rc = open_image(f, image, size, img);
	if (!rc)
		rc = check_phdrs(f, mem_size, img, &found);
	if (!rc)
		rc = check_overlaps(f, img);
	if (rc)
		return rc;
	if (img->nr_load == 0)
		return fail(img, "no loadable segments", -1);
	if (!found)
		return fail(img, "no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)", -1);
	if (!entry_is_loaded(f, img->pvh_entry))
		return fail(img, "PVH entry point is not inside a loaded segment", -1);
	return 0;
}

int elf_parse(const void *image, size_t size, uint64_t mem_size,
	      struct elf_image *img)
{
	struct elf_file f;

	return parse(&f, image, size, mem_size, img);
}

static int load_segment(const struct elf_file *f, const struct phdr *ph, int i,
			const struct guest_writer *gw, struct elf_image *img)
{
	int rc = 0;

	if (ph->filesz)
		rc = gw->copy(gw->ctx, ph->paddr, f->base + ph->offset, ph->filesz);
	if (rc == 0 && ph->memsz > ph->filesz)
		rc = gw->zero(gw->ctx, ph->paddr + ph->filesz, ph->memsz - ph->filesz);
	if (rc) {
		img->error = "writing a segment to guest memory failed";
		img->error_phdr = i;
	}
	return rc;
}

/* Every non-empty PT_LOAD segment of a parsed image, where parsing placed it. */
static int load_segments(const struct elf_file *f, const struct guest_writer *gw,
			 struct elf_image *img)
{
	struct phdr ph;
	int rc = 0;

	for (unsigned int i = 0; !rc && i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type == PT_LOAD && ph.memsz)
			rc = load_segment(f, &ph, (int)i, gw, img);
	}
	return rc;
}

int elf_load(const void *image, size_t size, uint64_t mem_size,
	     const struct guest_writer *gw, struct elf_image *img)
{
	struct elf_file f;
	int rc = parse(&f, image, size, mem_size, img);

	return rc ? rc : load_segments(&f, gw, img);
}

/* ---- PV kernels ------------------------------------------------------ */

/* A numeric note: 4 or 8 bytes. */
static int note_number(const uint8_t *desc, uint32_t descsz, int i, struct elf_image *img,
		       uint64_t *out)
{
	if (descsz == 4)
		*out = elf_rd32(desc);
	else if (descsz == 8)
		*out = elf_rd64(desc);
	else
		return fail(img, "numeric Xen note of a bad size", i);
	return 0;
}

/* A string note: NUL-terminated within its size. */
static bool note_string_is(const uint8_t *desc, uint32_t descsz, const char *want)
{
	size_t n = strlen(want);

	return descsz > n && !memcmp(desc, want, n) && desc[n] == '\0';
}

static bool note_string_ok(const uint8_t *desc, uint32_t descsz)
{
	return descsz && memchr(desc, '\0', descsz);
}

/* FEATURES: names separated by '|'; a leading '!' marks one the kernel
 * cannot run without. Of the optional ones Umbra offers
 * writable_page_tables (then on from the start, as Xen's builder does);
 * any other required one refuses the image. */
static int check_features(const uint8_t *desc, uint32_t descsz, int i, struct elf_image *img)
{
	static const char wpt[] = "writable_page_tables";
	uint32_t k = 0;

	while (k < descsz && desc[k]) {
		bool required = desc[k] == '!';
		uint32_t start = k + required, end;

		for (end = start; end < descsz && desc[end] && desc[end] != '|'; end++)
			;
		if (end - start == sizeof(wpt) - 1 && !memcmp(desc + start, wpt, end - start))
			img->writable_pt = true;
		else if (required)
			return fail(img, "FEATURES note requires a feature Umbra does not offer", i);
		k = end + (end < descsz && desc[end] == '|');
	}
	return 0;
}

static int take_pv_note(uint32_t type, const uint8_t *desc, uint32_t descsz, int i,
			struct elf_image *img, bool *found)
{
	uint64_t v = 0;
	int rc = 0;

	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		rc = note_number(desc, descsz, i, img, &v);
		img->pv_entry = v;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		rc = note_number(desc, descsz, i, img, &v);
		img->hypercall_page = v;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		rc = note_number(desc, descsz, i, img, &v);
		img->virt_base = v;
		break;
	case XEN_ELFNOTE_GUEST_OS:
	case XEN_ELFNOTE_LOADER:
	case XEN_ELFNOTE_XEN_VERSION:
	case XEN_ELFNOTE_FEATURES:
		if (!note_string_ok(desc, descsz))
			return fail(img, "string Xen note without its NUL", i);
		if (type == XEN_ELFNOTE_LOADER && !note_string_is(desc, descsz, "generic"))
			return fail(img, "LOADER note is not \"generic\"", i);
		if (type == XEN_ELFNOTE_XEN_VERSION && !note_string_is(desc, descsz, "xen-3.0"))
			return fail(img, "XEN_VERSION note is not \"xen-3.0\"", i);
		if (type == XEN_ELFNOTE_FEATURES)
			rc = check_features(desc, descsz, i, img);
		if (type == XEN_ELFNOTE_GUEST_OS)
			memcpy(img->guest_os, desc, descsz < sizeof(img->guest_os) ?
			       descsz : sizeof(img->guest_os) - 1);
		break;
	case XEN_ELFNOTE_PHYS32_ENTRY:
	case XEN_ELFNOTE_PHYS32_RELOC:
		return 0;	/* a PVH kernel's: they do not make it a PV one */
	default:
		break;		/* other notes are no business of a PV build */
	}
	*found = true;
	return rc;
}

/* The Xen notes of every PT_NOTE segment, before anything is placed:
 * VIRT_BASE decides where the segments go. */
static int scan_pv_notes(struct elf_file *f, struct elf_image *img, bool *found)
{
	struct phdr ph;
	int rc = 0;

	f->pv = true;
	for (unsigned int i = 0; i < f->phnum && !rc; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type == PT_NOTE)
			rc = scan_notes(f, &ph, (int)i, img, found);
	}
	f->virt_base = img->virt_base;
	return rc;
}

static void pv_virt_extent(const struct elf_file *f, struct elf_image *img)
{
	struct phdr ph;
	bool first = true;

	for (unsigned int i = 0; i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		if (first || ph.vaddr < img->virt_start)
			img->virt_start = ph.vaddr;
		if (first || ph.vaddr + ph.memsz > img->virt_end)
			img->virt_end = ph.vaddr + ph.memsz;
		first = false;
	}
}

/* The lower half, or the upper half above the hypervisor's slots 256-271
 * and below its image's slot 511 (shared-pt/layout.h). */
static bool pv_range_ok(uint64_t start, uint64_t end)
{
	return end <= 0x0000800000000000ULL ||
	       (start >= 0xffff880000000000ULL && end <= 0xffffff8000000000ULL);
}

static bool virt_loaded(const struct elf_image *img, uint64_t va)
{
	return va >= img->virt_start && va < img->virt_end;
}

static int parse_pv(struct elf_file *f, const void *image, size_t size, uint64_t mem_size,
		    struct elf_image *img)
{
	bool found = false;
	int rc;

	rc = open_image(f, image, size, img);
	if (!rc && f->cls != 64)
		rc = fail(img, "a PV kernel must be a 64-bit ELF image", -1);
	if (!rc)
		rc = scan_pv_notes(f, img, &found);
	if (!rc && !found)
		rc = fail(img, "no Xen PV ELF notes: not a PV kernel", -1);
	if (!rc)
		rc = check_phdrs(f, mem_size, img, &found);
	if (!rc)
		rc = check_overlaps(f, img);
	if (rc)
		return rc;
	if (img->nr_load == 0)
		return fail(img, "no loadable segments", -1);
	pv_virt_extent(f, img);
	if (!img->pv_entry)
		img->pv_entry = img->entry;
	if (!pv_range_ok(img->virt_start, img->virt_end))
		return fail(img, "image overlaps the hypervisor's part of the address space", -1);
	if (!virt_loaded(img, img->pv_entry))
		return fail(img, "PV entry point is not inside a loaded segment", -1);
	if (img->hypercall_page && ((img->hypercall_page & 0xfff) ||
				    !virt_loaded(img, img->hypercall_page)))
		return fail(img, "HYPERCALL_PAGE note is not a page of the image", -1);
	elf_wx_plan(f, img);
	return 0;
}

int elf_parse_pv(const void *image, size_t size, uint64_t mem_size,
		 struct elf_image *img)
{
	struct elf_file f;

	return parse_pv(&f, image, size, mem_size, img);
}

int elf_load_pv(const void *image, size_t size, uint64_t mem_size,
		const struct guest_writer *gw, struct elf_image *img)
{
	struct elf_file f;
	int rc = parse_pv(&f, image, size, mem_size, img);

	return rc ? rc : load_segments(&f, gw, img);
}
