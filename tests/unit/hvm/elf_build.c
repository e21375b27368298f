/* ELF images for tests; see elf_build.h. */
#include <string.h>

#include "elf_build.h"

void eb_put16(uint8_t *buf, size_t off, uint16_t v)
{
	memcpy(buf + off, &v, 2);
}

void eb_put32(uint8_t *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, 4);
}

void eb_put64(uint8_t *buf, size_t off, uint64_t v)
{
	memcpy(buf + off, &v, 8);
}

static size_t align4(size_t v)
{
	return (v + 3) & ~(size_t)3;
}

static void put_ehdr(uint8_t *b, const struct eb_spec *s, size_t phnum)
{
	int is64 = s->elf_class == 64;

	memcpy(b, "\x7f" "ELF", 4);
	b[4] = is64 ? 2 : 1;
	b[5] = 1;	/* little-endian */
	b[6] = 1;	/* version */
	eb_put16(b, 16, 2);			/* ET_EXEC */
	eb_put16(b, 18, is64 ? 62 : 3);		/* EM_X86_64 / EM_386 */
	eb_put32(b, 20, 1);
	if (is64) {
		eb_put64(b, 24, s->entry);
		eb_put64(b, 32, 64);		/* phoff */
		eb_put16(b, 52, 64);		/* ehsize */
		eb_put16(b, 54, 56);
		eb_put16(b, 56, (uint16_t)phnum);
	} else {
		eb_put32(b, 24, (uint32_t)s->entry);
		eb_put32(b, 28, 52);
		eb_put16(b, 40, 52);
		eb_put16(b, 42, 32);
		eb_put16(b, 44, (uint16_t)phnum);
	}
}

static const size_t field64[] = { 0, 8, 24, 32, 40, 48, 4 };
static const size_t field32[] = { 0, 4, 12, 16, 20, 28, 24 };

size_t eb_phdr_field(int elf_class, const struct eb_layout *lay, unsigned int i, int f)
{
	const size_t *fo = elf_class == 64 ? field64 : field32;

	return lay->phoff + i * lay->phentsize + fo[f];
}

void eb_set_phdr(uint8_t *buf, int elf_class, const struct eb_layout *lay,
		 unsigned int i, int f, uint64_t v)
{
	size_t off = eb_phdr_field(elf_class, lay, i, f);

	if (elf_class == 64 && f != EB_P_TYPE && f != EB_P_FLAGS)
		eb_put64(buf, off, v);
	else
		eb_put32(buf, off, (uint32_t)v);
}

static void put_phdr(uint8_t *b, const struct eb_spec *s, const struct eb_layout *lay,
		     unsigned int i, uint32_t type, uint64_t off, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_TYPE, type);
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_OFFSET, off);
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_PADDR, paddr);
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_FILESZ, filesz);
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_MEMSZ, memsz);
	eb_set_phdr(b, s->elf_class, lay, i, EB_P_ALIGN, type == 4 ? 4 : 0x1000);
	if (s->elf_class == 64)		/* vaddr: somewhere else entirely */
		eb_put64(b, lay->phoff + i * lay->phentsize + 16, paddr + 0xffffffff80000000ULL);
}

static size_t notes_size(const struct eb_spec *s)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < s->nr_notes; i++)
		n += 12 + align4(strlen(s->notes[i].owner) + 1) + align4(s->notes[i].descsz);
	return n;
}

static void put_notes(uint8_t *b, const struct eb_spec *s, size_t at)
{
	const struct eb_note *n;
	unsigned int i;
	size_t namesz;

	for (i = 0; i < s->nr_notes; i++) {
		n = &s->notes[i];
		namesz = strlen(n->owner) + 1;
		eb_put32(b, at, (uint32_t)namesz);
		eb_put32(b, at + 4, n->descsz);
		eb_put32(b, at + 8, n->type);
		memcpy(b + at + 12, n->owner, namesz);
		at += 12 + align4(namesz);
		memcpy(b + at, n->desc, n->descsz);
		at += align4(n->descsz);
	}
}

size_t eb_build(const struct eb_spec *s, uint8_t *buf, size_t cap,
		struct eb_layout *lay)
{
	size_t ehsize = s->elf_class == 64 ? 64 : 52;
	size_t phnum = 1 + s->nr_segs, at;
	unsigned int i;
	uint64_t k;

	memset(lay, 0, sizeof(*lay));
	lay->phoff = ehsize;
	lay->phentsize = s->elf_class == 64 ? 56 : 32;
	lay->note_off = lay->phoff + phnum * lay->phentsize;
	lay->note_size = notes_size(s);
	at = lay->note_off + lay->note_size;
	for (i = 0; i < s->nr_segs; i++) {
		lay->seg_off[i] = at;
		at += s->segs[i].filesz;
	}
	lay->size = at;
	if (at > cap)
		return 0;
	memset(buf, 0, at);
	put_ehdr(buf, s, phnum);
	put_phdr(buf, s, lay, 0, 4, lay->note_off, 0, lay->note_size, lay->note_size);
	put_notes(buf, s, lay->note_off);
	for (i = 0; i < s->nr_segs; i++) {
		put_phdr(buf, s, lay, i + 1, 1, lay->seg_off[i], s->segs[i].paddr,
			 s->segs[i].filesz, s->segs[i].memsz);
		for (k = 0; k < s->segs[i].filesz; k++)
			buf[lay->seg_off[i] + k] = eb_seg_byte(i, k);
	}
	return at;
}

void eb_pvh_spec(struct eb_spec *s, int elf_class, const uint32_t *entry)
{
	static const char gnu_desc[16] = "umbra-test-id";

	memset(s, 0, sizeof(*s));
	s->elf_class = elf_class;
	s->entry = 0xffffffff80100000ULL;
	s->nr_segs = 2;
	s->segs[0] = (struct eb_seg){ .paddr = 0x100000, .filesz = 0x1234, .memsz = 0x1234 };
	s->segs[1] = (struct eb_seg){ .paddr = 0x102000, .filesz = 0x100, .memsz = 0x3000 };
	s->nr_notes = 3;
	/* Unrelated notes around the one the loader looks for. */
	s->notes[0] = (struct eb_note){ "GNU", 3, gnu_desc, sizeof(gnu_desc) };
	s->notes[1] = (struct eb_note){ "Xen", 18, entry, 4 };
	s->notes[2] = (struct eb_note){ "Xen", 6, "linux", 6 };
}

size_t eb_add_sections(uint8_t *buf, size_t cap, size_t size, const struct eb_sect *s,
		       unsigned int n)
{
	size_t at = (size + 7) & ~(size_t)7, end = at + (n + 1) * 64ULL;

	if (end > cap)
		return 0;
	memset(buf + size, 0, end - size);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *p = buf + at + (i + 1) * 64ULL;

		eb_put32(p, 4, s[i].type);
		eb_put64(p, 8, s[i].flags);
		eb_put64(p, 16, s[i].addr);
		eb_put64(p, 24, s[i].type == EB_SHT_NOBITS ? 0 : 0x100);	/* not read */
		eb_put64(p, 32, s[i].size);
	}
	eb_put64(buf, EB_E_SHOFF, at);
	eb_put16(buf, EB_E_SHENTSIZE, 64);
	eb_put16(buf, EB_E_SHNUM, (uint16_t)(n + 1));
	return end;
}
