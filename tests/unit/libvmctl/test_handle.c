/*
 * libvmctl against a fake Umbra (fake_umbra.c answers the library's
 * ioctls): the version check, listing with a growing buffer, finding by
 * name or id, creating and loading the real hello guest through
 * memory_write, a refused image or a refused creation leaving nothing
 * behind with the right sentence, console positions, and waiting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <elf.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "public/hvm/start_info.h"
#include "fake_umbra.h"

#define MiB (1ull << 20)

static unsigned int nr_domains(struct vmctl *h)
{
	struct umbra_domain_info *list;
	unsigned int nr;

	assert_int_equal(vmctl_domain_list(h, &list, &nr), 0);
	free(list);
	return nr;
}

static void test_version_mismatch(void **state)
{
	struct vmctl *h = NULL;

	(void)state;
	fake.interface_version = 0x00020000;
	assert_int_equal(vmctl_open_path("/dev/null", &h), -EACCES);
	assert_null(h);
	assert_string_equal(vmctl_last_error(),
			    "Umbra's management interface is version 0x20000, this tool was built for 0x10001");
}

static void test_list_grows(void **state)
{
	struct vmctl *h = *state;
	struct umbra_domain_info *list;
	unsigned int nr, i;

	/* As many domains as Umbra holds today: one call. */
	fake_add_domains(0, 40);
	fake.calls[UMBRA_MGMT_domain_list] = 0;
	assert_int_equal(vmctl_domain_list(h, &list, &nr), 0);
	assert_int_equal(nr, 41);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_list], 1);
	free(list);
	/* More: too small a first guess, then one that fits. */
	fake_add_domains(40, 80);
	fake.calls[UMBRA_MGMT_domain_list] = 0;
	assert_int_equal(vmctl_domain_list(h, &list, &nr), 0);
	assert_int_equal(nr, 81);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_list], 2);
	for (i = 0; i < nr; i++)
		assert_int_equal(list[i].domid, i);
	assert_string_equal(list[80].name, "d79");
	free(list);
}

static void test_find(void **state)
{
	struct vmctl *h = *state;
	struct umbra_domain_info info;
	uint32_t web = fake_add_domain("web", 64 * MiB);

	fake_add_domain("7", 2 * MiB);
	assert_int_equal(vmctl_domain_find(h, "web", &info), web);
	assert_int_equal(info.mem_bytes, 64 * MiB);
	assert_int_equal(vmctl_domain_find(h, "0", &info), 0);
	assert_string_equal(info.name, "Domain-0");
	/* A number is an id, as xl reads it. */
	assert_int_equal(vmctl_domain_find(h, "7", NULL), -ESRCH);
	assert_string_equal(vmctl_last_error(), "no domain with id 7");
	assert_int_equal(vmctl_domain_find(h, "nope", NULL), -ESRCH);
	assert_string_equal(vmctl_last_error(), "no domain called 'nope'");
	assert_int_equal(vmctl_domain_info(h, 33, &info), -ESRCH);
	assert_int_equal(vmctl_domain_pause(h, 33), -ESRCH);
	assert_string_equal(vmctl_last_error(), "pausing the domain: no domain with id 33");
}

/*
 * The hello guest's PT_LOAD segments against domain memory: file bytes
 * byte for byte, the rest of each (.bss) zeros. Returns the bytes of
 * .bss, which a load into fresh memory need not write.
 */
static uint64_t check_segments(const uint8_t *mem)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	uint64_t bss = 0;
	size_t size;
	void *file;

	assert_int_equal(vmctl_read_file(VMCTL_HELLO_ELF, 1 << 24, "kernel", &file, &size), 0);
	eh = file;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		ph = (const Elf64_Phdr *)((const uint8_t *)file + eh->e_phoff) + i;
		if (ph->p_type != PT_LOAD)
			continue;
		assert_memory_equal(mem + ph->p_paddr, (const uint8_t *)file + ph->p_offset,
				    ph->p_filesz);
		for (uint64_t j = ph->p_filesz; j < ph->p_memsz; j++)
			assert_int_equal(mem[ph->p_paddr + j], 0);
		bss += ph->p_memsz - ph->p_filesz;
	}
	free(file);
	return bss;
}

static void test_create_and_load_hello(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_domain_config cfg = {
		.name = "g1", .mem_bytes = 32 * MiB, .kernel = VMCTL_HELLO_ELF,
		.cmdline = "status=0",
	};
	const struct hvm_start_info *si;
	struct fake_domain *d;
	uint64_t bss;
	uint32_t domid;

	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), 0);
	d = &fake.dom[domid];
	assert_true(d->exists);
	assert_true(d->info.flags & UMBRA_DOMFLAG_STARTED);
	assert_int_equal(d->start_info, 32 * MiB - VMCTL_START_INFO_SIZE);
	assert_true(d->entry >= 0x100000 && d->entry < d->start_info);
	si = (const void *)(d->mem + d->start_info);
	assert_int_equal(si->magic, XEN_HVM_START_MAGIC_VALUE);
	assert_string_equal((const char *)d->mem + si->cmdline_paddr, "status=0");
	assert_true(fake.largest_write <= UMBRA_MGMT_BUF_MAX);
	/* Its RAM was zeros: .bss (and any page of zeros) was not written
	 * and reads back as zeros; the segments came byte for byte. Less was
	 * written than the segments' memory size (hello has 84 KiB of .bss). */
	bss = check_segments(d->mem);
	assert_true(bss > 0);
	assert_true(fake.bytes_written + bss <= 32 * MiB);
	assert_true(fake.bytes_written < bss);
	assert_int_equal(fake.free_bytes, 168 * MiB);
	/* Loading again into a started domain is refused here. */
	assert_int_equal(vmctl_domain_load(h, domid, VMCTL_HELLO_ELF, NULL, NULL), -EBUSY);
	assert_string_equal(vmctl_last_error(), "domain 1 (g1) has already been started");
	assert_int_equal(vmctl_domain_load(h, 0, VMCTL_HELLO_ELF, NULL, NULL), -EPERM);
}

static void test_bad_image_leaves_nothing(void **state)
{
	struct vmctl *h = *state;
	char path[] = "/tmp/vmctl-bad-XXXXXX", want[128];
	struct vmctl_domain_config cfg = { .name = "bad", .mem_bytes = 32 * MiB, .kernel = path };
	uint32_t domid = 99;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	/* The first 64 bytes of an ELF64 x86 header, and nothing after. */
	assert_int_equal(write(fd, "\x7f" "ELF\x02\x01\x01", 7), 7);
	assert_int_equal(ftruncate(fd, 64), 0);
	close(fd);
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -EINVAL);
	unlink(path);
	snprintf(want, sizeof(want), "'%s': kernel image refused: not an executable (ET_EXEC) image",
		 path);
	assert_string_equal(vmctl_last_error(), want);
	assert_int_equal(domid, 99);
	assert_int_equal(nr_domains(h), 1);
	/* Checked before anything was created. */
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_create], 0);
	assert_int_equal(fake.calls[UMBRA_MGMT_memory_write], 0);
	assert_int_equal(fake.free_bytes, 200 * MiB);
	/* A missing kernel file, likewise. */
	cfg.kernel = "/nonexistent/vmlinux";
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -ENOENT);
	assert_string_equal(vmctl_last_error(),
			    "kernel '/nonexistent/vmlinux': No such file or directory");
	assert_int_equal(nr_domains(h), 1);
}

/* A write Umbra refuses after creation: the domain is destroyed again. */
static void test_failed_write_undone(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_domain_config cfg = {
		.name = "g1", .mem_bytes = 32 * MiB, .kernel = VMCTL_HELLO_ELF,
	};
	uint32_t domid;

	fake.fail_write = EFAULT;
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -EFAULT);
	assert_non_null(strstr(vmctl_last_error(), "into domain 1: Bad address"));
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_create], 1);
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_destroy], 1);
	assert_int_equal(nr_domains(h), 1);
	assert_int_equal(fake.free_bytes, 200 * MiB);
}

static void test_refused_creation(void **state)
{
	struct vmctl *h = *state;
	struct vmctl_domain_config cfg = { .name = "web", .mem_bytes = 64 * MiB };
	uint32_t domid;

	fake_add_domain("web", 2 * MiB);
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -EEXIST);
	assert_string_equal(vmctl_last_error(), "a domain called 'web' already exists");
	cfg.name = "big";
	fake.fail_create = ENOMEM;
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -ENOMEM);
	assert_string_equal(vmctl_last_error(),
			    "not enough free memory: asked 64 MiB and its paging pool, 200 MiB free");
	/* Refused before asking Umbra: more than it reports free. */
	fake.fail_create = 0;
	fake.calls[UMBRA_MGMT_domain_create] = 0;
	cfg.mem_bytes = 512 * MiB;
	assert_int_equal(vmctl_domain_create(h, &cfg, &domid), -ENOMEM);
	assert_string_equal(vmctl_last_error(), "not enough free memory: asked 512 MiB, 200 MiB free");
	assert_int_equal(fake.calls[UMBRA_MGMT_domain_create], 0);
}

static void test_console_positions(void **state)
{
	struct vmctl *h = *state;
	struct umbra_mgmt_ring ring = { 0 };
	uint32_t id = fake_add_domain("g1", 32 * MiB);
	char buf[8];

	fake.console = "0123456789abcdefghij";
	fake.console_held = 12;		/* "89abcdefghij" is still held */
	assert_int_equal(vmctl_console_read(h, id, &ring, buf, 5), 5);
	assert_memory_equal(buf, "89abc", 5);
	assert_int_equal(ring.dropped, 8);
	assert_int_equal(ring.pos, 13);
	assert_int_equal(ring.head, 20);
	assert_int_equal(vmctl_console_read(h, id, &ring, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "defghij", 7);
	assert_int_equal(ring.dropped, 0);
	assert_int_equal(vmctl_console_read(h, id, &ring, buf, sizeof(buf)), 0);
	assert_int_equal(ring.pos, 20);
}

static void test_wait(void **state)
{
	struct vmctl *h = *state;
	uint64_t gen;

	assert_int_equal(vmctl_events(h, &gen), 0);
	assert_int_equal(vmctl_wait(h, &gen, 50), 0);
	fake.generation = gen + 3;
	assert_int_equal(vmctl_wait(h, &gen, 1000), 1);
	assert_int_equal(gen, fake.generation);
	assert_int_equal(vmctl_wait(h, &gen, 0), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_open, fake_close)
	const struct CMUnitTest tests[] = {
		T(test_version_mismatch),
		T(test_list_grows),
		T(test_find),
		T(test_create_and_load_hello),
		T(test_bad_image_leaves_nothing),
		T(test_failed_write_undone),
		T(test_refused_creation),
		T(test_console_positions),
		T(test_wait),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
