/*
 * libFuzzer target: elf_load() and elf_load_pv() on arbitrary bytes, into
 * a 16 MiB domain. The writer checks every write against the domain's
 * size, and an accepted image must keep the loader's promises (a PV
 * image's W^X plan: split, or off with a reason, never both).
 */
#include <stdint.h>
#include <stdlib.h>

#include <umbra/elf_loader.h>

#define MEM_SIZE (16ULL << 20)

static int check(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa > MEM_SIZE || len > MEM_SIZE - gpa)
		abort();
	return 0;
}

static int copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	const volatile uint8_t *s = src;

	/* Touch the source so ASan sees any read beyond the input. */
	if (len)
		(void)s[0], (void)s[len - 1];
	return check(ctx, gpa, len);
}

static int zero(void *ctx, uint64_t gpa, uint64_t len)
{
	return check(ctx, gpa, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct guest_writer gw = { copy, zero, NULL };
	struct elf_image img;

	if (elf_load(data, size, MEM_SIZE, &gw, &img) == 0) {
		if (img.load_end > MEM_SIZE || img.pvh_entry < img.load_start ||
		    img.pvh_entry >= img.load_end)
			abort();
	} else if (!img.error) {
		abort();
	}
	if (elf_load_pv(data, size, MEM_SIZE, &gw, &img) == 0) {
		if (img.load_end > MEM_SIZE || img.nr_exec > ELF_MAX_EXEC ||
		    (img.wx_split && (img.wx_load || !img.nr_wx)) || (img.wx_load && !img.wx_why))
			abort();
	} else if (!img.error) {
		abort();
	}
	return 0;
}
