/*
 * The decoder's instruction boundaries and the rewriter's output, checked
 * against GNU objdump: vectors assembled with GNU as, a page of this very
 * test binary's compiled code, and every page after rewriting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/arch/x86/pkscan/pkscan_internal.h"
#include "binutils.h"

#define PAGE		PKSCAN_PAGE
#define MAX_INSNS	PAGE

static uint8_t page[PAGE];
static struct objdump_insn od[MAX_INSNS], od2[MAX_INSNS];

/* Instructions the scanner must know apart, and ordinary code around them. */
static const char vectors[] =
	"wrpkru\n rdpkru\n rex.W wrpkru\n fs wrpkru\n .byte 0x2e, 0x3e; wrpkru\n"
	"addr32 wrpkru\n .byte 0xf3; wrpkru\n"
	"xrstor (%rax)\n xrstor64 (%rax)\n xrstor 0x12(%rsp)\n xrstor 0x12345678(%rip)\n"
	"xrstor64 -0x80(%r12,%r13,8)\n xrstor %fs:(%rbx)\n addr32 xrstor (%eax)\n"
	"xrstor 0x7fffffff(,%rcx,4)\n xrstors (%rdi)\n xrstors64 0x10(%rdi,%rsi,2)\n"
	"xrstors %gs:0x1000(%r15)\n"
	"xsave (%rax)\n xsave64 8(%rsp)\n xsaveopt (%rdx)\n xsavec (%rax)\n xsaves (%rax)\n"
	"fxrstor (%rax)\n fxrstor64 (%r9)\n lfence\n mfence\n sfence\n clflush (%rax)\n"
	"cmpxchg16b (%rax)\n cmpxchg8b (%rbx)\n rdrand %eax\n rdseed %rcx\n rdpid %rax\n"
	"ud2\n ud1 %edi,%ebp\n ud1 0x10(%rax),%ebp\n xgetbv\n xsetbv\n"
	"mov $0xef010f, %eax\n mov 0xef010f(%rax), %ecx\n movabs $0xef010f00ef010f, %rax\n"
	"lea 0x28ae0f(%rip), %rdx\n add (%rdi), %ecx\n add %ebp, %edi\n"
	"push %rbp\n mov %rsp, %rbp\n sub $0x1000, %rsp\n call .+5\n jmp .+0x100\n"
	"jne .-0x80\n ret\n ret $8\n enter $0x10, $1\n leave\n int3\n int $0x80\n syscall\n"
	"movzbl (%rsi,%rdi,1), %eax\n imul $0x12345, %r11, %r12\n test $0x80, %bl\n"
	"lock cmpxchg %rcx, (%rdx)\n rep movsb\n repnz scasb\n cs nopw 0x0(%rax,%rax,1)\n"
	"nopl 0x0(%rax)\n pause\n cpuid\n rdtsc\n rdtscp\n"
	"movaps %xmm1, 0x10(%rsp)\n pxor %xmm0, %xmm0\n pshufd $0x1b, (%rax), %xmm2\n"
	"vmovdqu (%rsi), %ymm1\n vpxor %ymm0, %ymm1, %ymm2\n vzeroupper\n"
	"vpshufb 0x20(%rax), %zmm1, %zmm2\n andn %eax, %ebx, %ecx\n"
	"movq %fs:0x28, %rax\n mov %eax, %gs:(%rbx)\n xchg %ax, %ax\n"
	"movw $0x0fae, (%rax)\n .byte 0x66; mov $0x01ef, %ax\n";

static void pad_page(size_t len)
{
	memset(page + len, 0xcc, PAGE - len);	/* int3 */
}

/* The starts a sweep from offset 0 finds, as a map. */
static void sweep_from_zero(const uint8_t *bytes, const uint8_t *next, int mode,
			    struct pkscan_map *m)
{
	const struct pkscan_bytes b = { .page = bytes, .next = next };
	const uint16_t zero = 0;

	pkscan_sweep(m, &b, &zero, 1, mode);
}

/* objdump's instructions starting inside the page, as a map. */
static void objdump_map(const struct objdump_insn *insns, size_t nr, struct pkscan_map *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < nr; i++) {
		assert_null(strstr(insns[i].text, "(bad)"));
		if (insns[i].offset < PAGE)
			pkscan_set_start(m, insns[i].offset);
	}
}

static void expect_same_starts(const struct pkscan_map *ours, const struct pkscan_map *theirs)
{
	unsigned int off;

	for (off = 0; off < PAGE; off++) {
		if (pkscan_is_start(ours, off) != pkscan_is_start(theirs, off))
			fail_msg("offset %#x: decoder says %s, objdump says %s", off,
				 pkscan_is_start(ours, off) ? "start" : "inside",
				 pkscan_is_start(theirs, off) ? "start" : "inside");
	}
}

static void test_vector_boundaries(void **state)
{
	struct pkscan_map ours, theirs;
	size_t len, nr;

	(void)state;
	len = assemble(vectors, 64, page, PAGE);
	assert_true(len > 200 && len < PAGE);
	pad_page(len);
	nr = objdump_sweep(page, PAGE, 64, od, MAX_INSNS);
	assert_true(nr > 100);
	sweep_from_zero(page, NULL, 64, &ours);
	objdump_map(od, nr, &theirs);
	expect_same_starts(&ours, &theirs);
}

/* The same vectors in 32-bit code (no REX; 40-4F are INC/DEC). */
static void test_vector_boundaries_32(void **state)
{
	static const char v32[] =
		"wrpkru\n rdpkru\n fs wrpkru\n xrstor (%eax)\n xrstor 0x12(%esp,%ebx,2)\n"
		"xrstors 0x1000(%edi)\n xsave (%eax)\n lfence\n inc %eax\n .byte 0x40; wrpkru\n"
		"mov $0xef010f, %eax\n mov 0xef010f(%eax), %ecx\n push %ebp\n ret\n"
		"addr16 xrstor (%bx,%si)\n call .+5\n lcall $0x10, $0x1234\n";
	struct pkscan_map ours, theirs;
	size_t len, nr;

	(void)state;
	len = assemble(v32, 32, page, PAGE);
	pad_page(len);
	nr = objdump_sweep(page, PAGE, 32, od, MAX_INSNS);
	sweep_from_zero(page, NULL, 32, &ours);
	objdump_map(od, nr, &theirs);
	expect_same_starts(&ours, &theirs);
}

/* objdump's instruction covering byte `off`. */
static const struct objdump_insn *covering(const struct objdump_insn *insns, size_t nr,
					   unsigned int off)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (insns[i].offset <= off && off < insns[i].offset + insns[i].len)
			return &insns[i];
	}
	fail_msg("objdump has no instruction at %#x", off);
	return NULL;
}

static bool is_dangerous_text(const char *text)
{
	return strstr(text, "wrpkru") || strstr(text, "xrstor") || strstr(text, "stui");
}

/*
 * Every match in the vectors, classified by the library and by objdump:
 * real exactly when objdump's instruction over the opcode byte is the
 * WRPKRU/XRSTOR/XRSTORS (or STUI) itself, with its 0F at the match.
 */
static void test_classes_match_objdump(void **state)
{
	const struct pkscan_bytes b = { .page = page, .next = NULL };
	static struct pkscan_match m[64];
	const struct objdump_insn *in;
	struct pkscan_map map;
	const uint16_t zero = 0;
	size_t len, nr, n, i, real = 0, hidden = 0;
	bool objdump_real;

	(void)state;
	len = assemble(vectors, 64, page, PAGE);
	pad_page(len);
	nr = objdump_sweep(page, PAGE, 64, od, MAX_INSNS);
	n = pkscan_find(page, NULL, m, 64);
	assert_true(n > 10 && n < 64);
	pkscan_sweep(&map, &b, &zero, 1, 64);
	for (i = 0; i < n; i++) {
		pkscan_classify(&map, &b, 64, &m[i]);
		in = covering(od, nr, m[i].offset + 1u);
		objdump_real = is_dangerous_text(in->text) &&
			       in->offset + in->len >= m[i].offset + 3u &&
			       covering(od, nr, m[i].offset) == in;
		if (objdump_real != (m[i].class == PKSCAN_REAL))
			fail_msg("match at %#x: class %u, objdump: %s at %#x", m[i].offset,
				 m[i].class, in->text, in->offset);
		if (objdump_real) {
			assert_int_equal(m[i].insn_start, in->offset);
			assert_int_equal(m[i].insn_len, in->len);
		}
		real += objdump_real;
		hidden += !objdump_real;
	}
	/* The vectors hold both kinds. */
	assert_true(real >= 10);
	assert_true(hidden >= 3);
}

static const char *expected_original(enum pkscan_kind kind)
{
	switch (kind) {
	case PKSCAN_WRPKRU:
		return "wrpkru";
	case PKSCAN_XRSTOR:
		return "xrstor";
	default:
		return "xrstors";
	}
}

/*
 * A page of ordinary code with every real form of the three instructions:
 * the rewrite keeps every instruction where objdump saw it, and objdump
 * reads UD1 of the same length at each site and the same text elsewhere.
 */
static void test_rewrite_matches_objdump(void **state)
{
	static const char code[] =
		"push %rbp\n mov %rsp, %rbp\n xor %ecx, %ecx\n xor %edx, %edx\n wrpkru\n"
		"rdpkru\n rex.W wrpkru\n fs wrpkru\n .byte 0x2e, 0x3e; wrpkru\n"
		"mov $-1, %eax\n mov $-1, %edx\n xrstor (%rsp)\n xrstor64 -0x80(%r12,%r13,8)\n"
		"xrstor %fs:(%rbx)\n addr32 xrstor (%eax)\n xrstor 0x12345678(%rip)\n"
		"xrstors (%rdi)\n xrstors64 0x10(%rdi,%rsi,2)\n .byte 0xf3; wrpkru\n"
		"xsave (%rsp)\n lfence\n cmpxchg16b (%rax)\n leave\n ret\n";
	struct pkscan_result res;
	size_t len, nr, nr2, i, s;

	(void)state;
	len = assemble(code, 64, page, PAGE);
	pad_page(len);
	nr = objdump_sweep(page, PAGE, 64, od, MAX_INSNS);
	assert_int_equal(pkscan_page(page, NULL, NULL, 0, 64, &res), 0);
	assert_int_equal(res.nr_sites, 12);
	nr2 = objdump_sweep(page, PAGE, 64, od2, MAX_INSNS);
	assert_int_equal(nr2, nr);
	for (i = 0, s = 0; i < nr; i++) {
		assert_int_equal(od2[i].offset, od[i].offset);
		assert_int_equal(od2[i].len, od[i].len);
		if (s < res.nr_sites && res.site[s].insn_start == od[i].offset) {
			assert_int_equal(res.site[s].insn_len, od[i].len);
			if (res.site[s].kind == PKSCAN_WRPKRU && strstr(od[i].text, "stui"))
				;	/* F3 0F 01 EF: STUI in 64-bit code */
			else
				assert_non_null(strstr(od[i].text,
						       expected_original(res.site[s].kind)));
			assert_non_null(strstr(od2[i].text, "ud1"));
			s++;
		} else {
			assert_string_equal(od2[i].text, od[i].text);
		}
	}
	assert_int_equal(s, res.nr_sites);
}

/*
 * Real compiled code: every page of an executable's .text, each page's
 * sweep starting where the previous page's ended (next_entry), against
 * objdump's linear sweep over the whole section; and each page passes
 * the scanner unchanged (compiled code holds no sequence).
 */
static void check_text_of(const char *path)
{
	static struct objdump_insn all[1 << 20];
	uint8_t *text;
	struct pkscan_map ours, theirs;
	size_t len, nr, i = 0, pages = 0, base, real;
	unsigned int entry = 0, off;
	struct pkscan_result res;
	uint16_t e;

	len = text_section(path, &text);
	assert_true(len > 2 * PAGE);
	nr = objdump_sweep(text, len, 64, all, sizeof(all) / sizeof(all[0]));
	assert_true(nr < sizeof(all) / sizeof(all[0]));
	for (base = 0; base + 2 * PAGE <= len; base += PAGE, pages++) {
		const struct pkscan_bytes b = { .page = text + base, .next = text + base + PAGE };

		e = (uint16_t)entry;
		memset(&theirs, 0, sizeof(theirs));
		real = 0;
		for (; i < nr && all[i].offset < base + PAGE; i++) {
			if (strstr(all[i].text, "(bad)"))
				fail_msg("%s: objdump: (bad) at %#x", path, all[i].offset);
			pkscan_set_start(&theirs, (unsigned int)(all[i].offset - base));
			/* The hypervisor loads a PV guest's PKRU itself. */
			real += !strncmp(all[i].text, "wrpkru", 6) || !strncmp(all[i].text, "xrstor", 6);
		}
		/* Before the entry (the previous page's last instruction) both
		 * agree by construction. */
		for (off = 0; off < entry; off++)
			assert_false(pkscan_is_start(&theirs, off));
		entry = (unsigned int)pkscan_sweep(&ours, &b, &e, 1, 64);
		expect_same_starts(&ours, &theirs);
		memcpy(page, text + base, PAGE);
		assert_int_equal(pkscan_page(page, text + base + PAGE, &e, 1, 64, &res), 0);
		/* Exactly objdump's WRPKRU/XRSTOR instructions, nothing hidden. */
		assert_int_equal(res.nr_sites, real);
		if (!real)
			assert_int_equal(res.next_entry, PKSCAN_NO_NEXT_ENTRY);	/* not swept */
	}
	assert_true(pages >= 2);
	print_message("%s: %zu pages, %zu instructions agree with objdump\n", path, pages, i);
	free(text);
}

/* This test binary: gcc's output with sanitizer instrumentation. */
static void test_compiled_code_boundaries(void **state)
{
	(void)state;
	check_text_of("/proc/self/exe");
}

/* The hypervisor itself: freestanding gcc output and hand-written asm. */
static void test_hypervisor_text_boundaries(void **state)
{
	(void)state;
	check_text_of(PKSCAN_HYPERVISOR_ELF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_boundaries),
		cmocka_unit_test(test_vector_boundaries_32),
		cmocka_unit_test(test_classes_match_objdump),
		cmocka_unit_test(test_rewrite_matches_objdump),
		cmocka_unit_test(test_compiled_code_boundaries),
		cmocka_unit_test(test_hypervisor_text_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
