/*
 * apic_write_loop N [reg|imm]: N writes of the task priority register (0,
 * what Linux keeps there) through an mmap of /dev/mem at the local APIC
 * page (needs iomem=relaxed), by `mov r32, m32` as Linux makes its own
 * APIC writes (reg, the default), or by `movl $imm32, m32` (imm). Under
 * Umbra each one exits (dom0's APIC page is read-only in its NPT): reg
 * takes the exit fast path, imm the decoder; make bench-dom0 times both
 * on the host for the cost of the exit that Linux's timer tick takes
 * twice. Prints "apic_write_loop: N writes (FORM) in MS ms" (the
 * guest's clock).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define APIC_BASE	0xfee00000UL
#define APIC_TPR	0x80

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000, t0;
	const char *form = argc > 2 ? argv[2] : "reg";
	volatile uint32_t *apic;
	int fd;

	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("apic_write_loop: open /dev/mem: failed (%s)\n", strerror(errno));
		return 1;
	}
	apic = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, APIC_BASE);
	if (apic == MAP_FAILED) {
		printf("apic_write_loop: mmap of the APIC: failed (%s)\n", strerror(errno));
		return 1;
	}
	if (strcmp(form, "reg") && strcmp(form, "imm")) {
		fprintf(stderr, "usage: apic_write_loop [N [reg|imm]]\n");
		return 2;
	}
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		if (form[0] == 'r')
			__asm__ volatile("movl %1, %0" : "=m"(apic[APIC_TPR / 4]) : "r"(0u));
		else
			__asm__ volatile("movl $0, %0" : "=m"(apic[APIC_TPR / 4]));
	}
	printf("apic_write_loop: %" PRIu64 " writes (%s) in %" PRIu64 " ms\n", n, form,
	       (now_ns() - t0) / 1000000u);
	return 0;
}
