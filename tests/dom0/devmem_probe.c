/*
 * devmem_probe ADDR: dom0 user space reaching for machine address ADDR
 * through /dev/mem, every way the CPU can: read() (the kernel's own loads,
 * copy_from_kernel_nofault over an ioremap of the page), then a mapping of
 * the page (mmap of /dev/mem) touched by this program's loads, stores and
 * a REP MOVSB. Each result is printed as "devmem_probe: WHAT: VALUE"; the
 * last line, "devmem_probe: done", says the process lived through it all.
 *
 * Pointed at Umbra's memory (reserved in dom0's e820; Debian's
 * STRICT_DEVMEM lets /dev/mem reach reserved ranges above 1 MiB), every
 * value must read all-ones and the store must not stick: Umbra refuses
 * each access and completes it as an absent device would.
 * Built static, for dom0's initramfs (/usr/libexec/umbra-tests/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL

static void report(const char *what, uint64_t v)
{
	printf("devmem_probe: %s: %016" PRIx64 "\n", what, v);
	fflush(stdout);
}

static void by_read(int fd, uint64_t addr)
{
	uint64_t v = 0;
	ssize_t n = pread(fd, &v, sizeof(v), (off_t)addr);

	if (n != (ssize_t)sizeof(v)) {
		printf("devmem_probe: read: failed (%s)\n", n < 0 ? strerror(errno) : "short");
		return;
	}
	report("read", v);
}

static void rep_movsb(void *dst, const volatile void *src, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void by_mmap(int fd, uint64_t addr)
{
	volatile uint64_t *p;
	uint64_t copy[4] = { 0 };
	void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)(addr & ~(PAGE - 1)));

	if (m == MAP_FAILED) {
		printf("devmem_probe: mmap: failed (%s)\n", strerror(errno));
		return;
	}
	p = (volatile uint64_t *)((char *)m + (addr & (PAGE - 1) & ~7UL));
	report("mmap load", *p);
	*p = 0x5a5a5a5a5a5a5a5aULL;
	report("mmap load after store", *p);
	rep_movsb(copy, p, sizeof(copy));
	report("mmap rep movsb", copy[0] & copy[1] & copy[2] & copy[3]);
	munmap(m, PAGE);
}

int main(int argc, char **argv)
{
	uint64_t addr;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: devmem_probe MACHINE-ADDRESS\n");
		return 2;
	}
	addr = strtoull(argv[1], NULL, 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("devmem_probe: open /dev/mem: failed (%s)\n", strerror(errno));
		return 1;
	}
	by_read(fd, addr);
	by_mmap(fd, addr);
	close(fd);
	printf("devmem_probe: done\n");
	return 0;
}
