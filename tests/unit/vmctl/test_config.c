/*
 * vmctl's config parser (dom0-tools/vmctl/config*.c, cpus.c): xl.cfg
 * syntax, each key's meaning and limits, the messages a person sees
 * (file, line, key), warnings for unknown keys, command-line overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dom0-tools/vmctl/config.h"

struct fixture {
	struct vmcfg cfg;
	struct vmcfg_diag d;
	char warnings[2048];
	unsigned int nr_warnings;
};

static struct fixture fx;

static void on_warn(void *arg, const char *msg)
{
	struct fixture *f = arg;
	size_t n = strlen(f->warnings);

	snprintf(f->warnings + n, sizeof(f->warnings) - n, "%s\n", msg);
	f->nr_warnings++;
}

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	vmcfg_init(&fx.cfg);
	fx.d.warn = on_warn;
	fx.d.warn_arg = &fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vmcfg_free(&fx.cfg);
	return 0;
}

static int parse(const char *text)
{
	return vmcfg_parse(&fx.cfg, "hello.cfg", text, strlen(text), &fx.d);
}

static void parse_ok(const char *text)
{
	if (parse(text))
		fail_msg("refused: %s", fx.d.error);
}

static void parse_fails(const char *text, const char *error)
{
	assert_int_equal(parse(text), -1);
	assert_string_equal(fx.d.error, error);
}

static void test_full_file(void **state)
{
	(void)state;
	parse_ok("# a PVH guest\n"
		 "\n"
		 "name = \"hello\"\n"
		 "type = 'pvh'\n"
		 "memory = 64\n"
		 "vcpus = 2\n"
		 "cpus = \"1-3\"\n"
		 "kernel = \"/usr/share/umbra/guests/hello.elf\"   # the image\n"
		 "ramdisk = \"initrd.gz\"\n"
		 "cmdline = \"status=0\"\n"
		 "extra = \"quiet\"\n"
		 "on_poweroff = \"preserve\"\n"
		 "on_crash = \"restart\"\n"
		 "on_reboot = \"destroy\"\n"
		 "paging = \"shadow\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", "/etc/umbra", &fx.d), 0);
	assert_string_equal(fx.cfg.name, "hello");
	assert_int_equal(fx.cfg.type, UMBRA_DOMAIN_TYPE_PVH);
	assert_int_equal(fx.cfg.memory_mib, 64);
	assert_int_equal(fx.cfg.vcpus, 2);
	assert_int_equal(fx.cfg.cpus, 0xe);
	assert_string_equal(fx.cfg.kernel, "/usr/share/umbra/guests/hello.elf");
	assert_string_equal(fx.cfg.ramdisk, "/etc/umbra/initrd.gz");
	assert_string_equal(fx.cfg.cmdline, "status=0 quiet");
	assert_int_equal(fx.cfg.on_poweroff, VMCFG_PRESERVE);
	assert_int_equal(fx.cfg.on_crash, VMCFG_RESTART);
	assert_int_equal(fx.cfg.on_reboot, VMCFG_DESTROY);
	assert_int_equal(fx.cfg.paging, UMBRA_PAGING_SHADOW);
	assert_int_equal(fx.nr_warnings, 0);
}

static void test_defaults(void **state)
{
	(void)state;
	parse_ok("name=\"a\"\nkernel=\"k\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), 0);
	assert_int_equal(fx.cfg.memory_mib, 128);
	assert_int_equal(fx.cfg.vcpus, 1);
	assert_int_equal(fx.cfg.cpus, 0);
	assert_int_equal(fx.cfg.paging, UMBRA_PAGING_NESTED);
	assert_int_equal(fx.cfg.on_poweroff, VMCFG_DESTROY);
	assert_int_equal(fx.cfg.on_reboot, VMCFG_RESTART);
	assert_int_equal(fx.cfg.on_crash, VMCFG_DESTROY);
	assert_string_equal(fx.cfg.kernel, "k");
	assert_null(fx.cfg.cmdline);
}

static void test_syntax_forms(void **state)
{
	(void)state;
	/* ';' separates statements; blanks, CRLF and comments anywhere. */
	parse_ok("name=\"a\";memory=0x20 ;\tvcpus = 1 # c\r\n;;\n  # only a comment\n");
	assert_string_equal(fx.cfg.name, "a");
	assert_int_equal(fx.cfg.memory_mib, 32);
	/* Escapes in both kinds of quotes. */
	parse_ok("cmdline = \"a\\\"b\\\\c\\x41\\101\\n\"\nextra='it\\'s'\n");
	assert_string_equal(fx.cfg.cmdline, "a\"b\\cAA\n");
	assert_string_equal(fx.cfg.extra, "it's");
	/* The last assignment wins, as in xl. */
	parse_ok("memory = 64\nmemory = 256\n");
	assert_int_equal(fx.cfg.memory_mib, 256);
	/* A number may come as a string. */
	parse_ok("memory = \"512\"\n");
	assert_int_equal(fx.cfg.memory_mib, 512);
	/* Empty text is a valid (empty) file. */
	parse_ok("");
	parse_ok("\n\n# nothing\n");
}

static void test_lists(void **state)
{
	(void)state;
	parse_ok("vcpus = 3\ncpus = [ \"0\", \"2-3\",\n  # comment in a list\n  1, ]\n"
		 "memory = 8\n");
	assert_int_equal(fx.cfg.nr_vcpu_cpus, 3);
	assert_int_equal(fx.cfg.vcpu_cpus[0], 0x1);
	assert_int_equal(fx.cfg.vcpu_cpus[1], 0xc);
	assert_int_equal(fx.cfg.vcpu_cpus[2], 0x2);
	assert_int_equal(fx.cfg.cpus, 0xf);
	assert_int_equal(fx.cfg.memory_mib, 8);
	parse_fails("cpus = [\"0\",\n\"1\"\n", "hello.cfg:1: cpus: list not closed with ']'");
	parse_fails("cpus = [[\"0\"]]\n", "hello.cfg:1: cpus: lists cannot be nested");
	parse_fails("cpus = []\n", "hello.cfg:1: cpus: empty list");
	parse_fails("cpus = [\"0\" \"1\"]\n",
		    "hello.cfg:1: cpus: expected ',' or ']' in the list");
	parse_fails("memory = [64]\n", "hello.cfg:1: memory: expected a number, not a list");
	parse_fails("name = [\"a\"]\n", "hello.cfg:1: name: expected a string, not a list");
}

static void test_list_limit(void **state)
{
	char text[1024] = "disk = [";
	unsigned int i;

	(void)state;
	for (i = 0; i < VMCFG_LIST_MAX + 1; i++)
		strcat(text, "\"x\",");
	strcat(text, "]\n");
	parse_fails(text, "hello.cfg:1: disk: more than 64 items in the list");
}

static void test_errors_name_file_line_key(void **state)
{
	(void)state;
	parse_fails("name = \"a\"\n\nmemory = lots\n", "hello.cfg:3: memory: not a number: 'lots'");
	parse_fails("memory = \"lots\"\n", "hello.cfg:1: memory: not a number: 'lots'");
	parse_fails("memory = -1\n", "hello.cfg:1: memory: not a number: '-1'");
	parse_fails("memory = 64M\n", "hello.cfg:1: memory: not a number: '64M'");
	parse_fails("memory = 99999999999999999999999\n",
		    "hello.cfg:1: memory: number too large: '99999999999999999999999'");
	parse_fails("memory = 0\n", "hello.cfg:1: memory: 0 MiB is out of range (2 to 1048576 MiB)");
	parse_fails("memory = 33\n", "hello.cfg:1: memory: 33 MiB is not a multiple of 2 MiB "
		    "(Umbra gives memory in 2 MiB extents)");
	parse_fails("vcpus = 9\n", "hello.cfg:1: vcpus: 9 is out of range (1 to 8)");
	parse_fails("vcpus = 0\n", "hello.cfg:1: vcpus: 0 is out of range (1 to 8)");
	parse_fails("type = pvh\n", "hello.cfg:1: type: strings are quoted: \"pvh\"");
	parse_fails("kernel = 12\n", "hello.cfg:1: kernel: strings are quoted: \"12\"");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	parse_fails("memory 64\n", "hello.cfg:1: memory: expected '=' after the key");
	parse_fails("\nmemory =\n", "hello.cfg:2: memory: missing value");
	parse_fails("memory = ;\n", "hello.cfg:1: memory: missing value");
	parse_fails("memory = 64 64\n", "hello.cfg:1: memory: unexpected '6' after the value");
	parse_fails("name = \"a\" \"b\"\n", "hello.cfg:1: name: unexpected '\"' after the value");
	parse_fails("= 3\n", "hello.cfg:1: syntax error: expected a key, found '='");
	parse_fails("9lives = 3\n", "hello.cfg:1: syntax error: '9lives' is not a key (letters, digits and _)");
	parse_fails("name = \"abc\n", "hello.cfg:1: name: string not closed with \" before the end of the line");
	parse_fails("name = 'abc", "hello.cfg:1: name: string not closed with '");
	parse_fails("name = \"a\\qb\"\n", "hello.cfg:1: name: bad escape in a string");
	parse_fails("name = \"a\\x00b\"\n", "hello.cfg:1: name: a string may not hold a NUL byte");
	parse_fails("memory = \x01\n", "hello.cfg:1: memory: unexpected '\\x01' where a value should be");
	assert_int_equal(vmcfg_parse(&fx.cfg, "hello.cfg", "name=\"a\0\"", 9, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: holds a NUL byte: not a text file");
}

static void test_key_values(void **state)
{
	(void)state;
	parse_fails("type = \"hvm\"\n", "hello.cfg:1: type: \"hvm\" domains are not supported yet (pvh or pv)");
	parse_fails("type = \"xen\"\n", "hello.cfg:1: type: unknown type 'xen' (pvh, hvm or pv)");
	parse_fails("paging = \"npt\"\n", "hello.cfg:1: paging: unknown paging 'npt' (nested, shadow or shared)");
	parse_fails("on_crash = \"coredump-restart\"\n",
		    "hello.cfg:1: on_crash: 'coredump-restart' is not supported (destroy, preserve or restart)");
	parse_fails("on_poweroff = \"explode\"\n",
		    "hello.cfg:1: on_poweroff: unknown action 'explode' (destroy, preserve or restart)");
	parse_fails("name = \"\"\n", "hello.cfg:1: name: empty");
	parse_fails("name = \"a b\"\n", "hello.cfg:1: name: only printable characters, no spaces: 'a b'");
	parse_fails("name = \"123\"\n", "hello.cfg:1: name: '123' would be read as a domain id");
	parse_fails("name = \"0123456789abcdef0123456789abcdef\"\n",
		    "hello.cfg:1: name: longer than 31 characters");
	parse_ok("name = \"0123456789abcdef0123456789abcde\"\n");
	assert_int_equal(strlen(fx.cfg.name), 31);
}

static void test_cpus_key(void **state)
{
	(void)state;
	parse_ok("cpus = \"all\"\n");
	assert_int_equal(fx.cfg.cpus, ~0ULL);
	parse_ok("cpus = 3\n");
	assert_int_equal(fx.cfg.cpus, 0x8);
	parse_ok("cpus = \"1,3\"\n");
	assert_int_equal(fx.cfg.cpus, 0xa);
	assert_int_equal(fx.cfg.nr_vcpu_cpus, 0);
	parse_fails("cpus = \"64\"\n", "hello.cfg:1: cpus: '64': cpu 64 is out of range (0-63)");
	parse_fails("cpus = 64\n", "hello.cfg:1: cpus: 64 is out of range (0 to 63)");
	parse_fails("cpus = \"a\"\n", "hello.cfg:1: cpus: 'a' is not a CPU number or range");
	parse_fails("cpus = \"3-1\"\n", "hello.cfg:1: cpus: '3-1': the range runs backwards");
	parse_fails("cpus = \"1,,2\"\n", "hello.cfg:1: cpus: empty item in the CPU list '1,,2'");
	parse_fails("cpus = \"0,^0\"\n", "hello.cfg:1: cpus: '0,^0' leaves no CPU");
	parse_fails("cpus = \"nodes:0\"\n", "hello.cfg:1: cpus: 'nodes:0' is not a CPU number or range");
	parse_fails("cpus = [\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"0\"]\n",
		    "hello.cfg:1: cpus: 9 entries, but a domain has at most 8 vCPUs");
}

static void test_parse_cpus(void **state)
{
	char why[160];
	uint64_t m;

	(void)state;
	assert_int_equal(vmcfg_parse_cpus("0-3", &m, why, sizeof(why)), 0);
	assert_int_equal(m, 0xf);
	assert_int_equal(vmcfg_parse_cpus(" 0-7 , ^2 ", &m, why, sizeof(why)), 0);
	assert_int_equal(m, 0xfb);
	assert_int_equal(vmcfg_parse_cpus("^1", &m, why, sizeof(why)), 0);
	assert_int_equal(m, ~2ULL);
	assert_int_equal(vmcfg_parse_cpus("63", &m, why, sizeof(why)), 0);
	assert_int_equal(m, 1ULL << 63);
	assert_int_equal(vmcfg_parse_cpus("0-63", &m, why, sizeof(why)), 0);
	assert_int_equal(m, ~0ULL);
	assert_int_equal(vmcfg_parse_cpus("all,^0", &m, why, sizeof(why)), 0);
	assert_int_equal(m, ~1ULL);
	assert_int_equal(vmcfg_parse_cpus("", &m, why, sizeof(why)), -1);
	assert_int_equal(vmcfg_parse_cpus("1-", &m, why, sizeof(why)), -1);
	assert_int_equal(vmcfg_parse_cpus("-1", &m, why, sizeof(why)), -1);
	assert_int_equal(vmcfg_parse_cpus("99999999999999999999", &m, why, sizeof(why)), -1);
	assert_string_equal(why, "'99999999999999999999': cpu 999 is out of range (0-63)");
}

static void test_format_cpus(void **state)
{
	char buf[64];

	(void)state;
	vmcfg_format_cpus(0x2f, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0-3,5");
	vmcfg_format_cpus(0x6, 0x6, buf, sizeof(buf));
	assert_string_equal(buf, "all");
	vmcfg_format_cpus(0, 0x3, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	vmcfg_format_cpus(1ULL << 63 | 1, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0,63");
	vmcfg_format_cpus(0x5555555555555555ULL, 0, buf, 8);
	assert_true(strlen(buf) < 8);
}

static void test_unknown_keys_warn(void **state)
{
	(void)state;
	parse_ok("name = \"a\"\nvif = [ 'bridge=xenbr0' ]\nmaxmem = 512\n");
	assert_int_equal(fx.nr_warnings, 2);
	assert_string_equal(fx.warnings, "hello.cfg:2: unknown key 'vif' ignored\n"
			    "hello.cfg:3: unknown key 'maxmem' ignored\n");
}

static void test_finish(void **state)
{
	(void)state;
	parse_ok("kernel = \"k\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: name: missing (every domain needs one)");
	parse_ok("name = \"a\"\nkernel = \"\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: kernel: missing");
	parse_ok("kernel = \"k\"\ncpus = [\"0\", \"1\"]\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: cpus: 2 entries for 1 vCPUs");
	/* extra alone is the command line. */
	parse_ok("vcpus = 2\nextra = \"x=1\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", "/d", &fx.d), 0);
	assert_string_equal(fx.cfg.cmdline, "x=1");
	assert_null(fx.cfg.extra);
	assert_string_equal(fx.cfg.kernel, "/d/k");
	/* A PV domain's paging is shared unless the file names shadow;
	 * nested is refused; shared is for PV domains only. */
	parse_ok("type = \"pv\"\n");
	assert_int_equal(fx.cfg.type, UMBRA_DOMAIN_TYPE_PV);
	assert_int_equal(fx.cfg.paging, UMBRA_PAGING_SHARED);
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), 0);
	parse_ok("paging = \"nested\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: paging: PV domains run with \"shared\" "
			    "or \"shadow\" (type = \"pv\")");
	parse_ok("type = \"pv\"\n");	/* a named paging stays */
	assert_int_equal(fx.cfg.paging, UMBRA_PAGING_NESTED);
	parse_ok("type = \"pv\"\npaging = \"shadow\"\n");
	assert_int_equal(fx.cfg.type, UMBRA_DOMAIN_TYPE_PV);
	assert_int_equal(fx.cfg.paging, UMBRA_PAGING_SHADOW);
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), 0);
	parse_ok("type = \"pvh\"\npaging = \"shared\"\n");
	assert_int_equal(vmcfg_finish(&fx.cfg, "hello.cfg", NULL, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: paging: \"shared\" is for PV domains "
			    "(type = \"pv\"; nested or shadow)");
}

static void test_overrides(void **state)
{
	(void)state;
	parse_ok("name = \"a\"\nmemory = 64\nkernel = \"k\"\n");
	assert_int_equal(vmcfg_override(&fx.cfg, "memory=256", &fx.d), 0);
	assert_int_equal(fx.cfg.memory_mib, 256);
	assert_int_equal(vmcfg_override(&fx.cfg, "name=web", &fx.d), 0);
	assert_string_equal(fx.cfg.name, "web");
	assert_int_equal(vmcfg_override(&fx.cfg, "name=\"db\"", &fx.d), 0);
	assert_string_equal(fx.cfg.name, "db");
	assert_int_equal(vmcfg_override(&fx.cfg, "extra=status=3 fault=ud", &fx.d), 0);
	assert_string_equal(fx.cfg.extra, "status=3 fault=ud");
	assert_int_equal(vmcfg_override(&fx.cfg, "cpus=[\"1\", \"2\"]", &fx.d), 0);
	assert_int_equal(fx.cfg.nr_vcpu_cpus, 2);
	assert_int_equal(vmcfg_override(&fx.cfg, "cpus=1-2", &fx.d), 0);
	assert_int_equal(fx.cfg.cpus, 0x6);
	assert_int_equal(fx.cfg.nr_vcpu_cpus, 0);
	assert_int_equal(vmcfg_override(&fx.cfg, "type=pvh", &fx.d), 0);

	assert_int_equal(vmcfg_override(&fx.cfg, "memory=lots", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: memory: not a number: 'lots'");
	assert_int_equal(vmcfg_override(&fx.cfg, "memory", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: 'memory': expected KEY=VALUE");
	assert_int_equal(vmcfg_override(&fx.cfg, "=3", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: '=3': expected KEY=VALUE");
	assert_int_equal(vmcfg_override(&fx.cfg, "name=\"x", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: name: string not closed with \"");
	assert_int_equal(vmcfg_override(&fx.cfg, "vcpus=\"9\"", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: vcpus: 9 is out of range (1 to 8)");
	assert_int_equal(vmcfg_override(&fx.cfg, "type=hvm", &fx.d), -1);
	assert_string_equal(fx.d.error, "command line: type: \"hvm\" domains are not supported yet (pvh or pv)");
	/* Unknown keys warn here too. */
	assert_int_equal(vmcfg_override(&fx.cfg, "colour=blue", &fx.d), 0);
	assert_string_equal(fx.warnings, "command line: unknown key 'colour' ignored\n");
	/* The failed overrides changed nothing. */
	assert_int_equal(fx.cfg.memory_mib, 256);
	assert_int_equal(fx.cfg.vcpus, 1);
	assert_string_equal(fx.cfg.name, "db");
}

static void test_limits(void **state)
{
	static char big[VMCFG_STRING_MAX + 64];

	(void)state;
	strcpy(big, "cmdline = \"");
	memset(big + strlen(big), 'a', VMCFG_STRING_MAX + 1);
	strcat(big, "\"\n");
	parse_fails(big, "hello.cfg:1: cmdline: string longer than 4096 bytes");
	assert_int_equal(vmcfg_parse(&fx.cfg, "hello.cfg", big, VMCFG_TEXT_MAX + 1, &fx.d), -1);
	assert_string_equal(fx.d.error, "hello.cfg: larger than 1048576 bytes");
	/* Messages quote at most 40 bytes of a value. */
	memset(big, 0, sizeof(big));
	strcpy(big, "memory = \"");
	memset(big + strlen(big), 'x', 100);
	strcat(big, "\"\n");
	parse_fails(big, "hello.cfg:1: memory: not a number: "
		    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_file_line_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpus_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
	};

	return cmocka_run_group_tests_name("vmctl config", tests, NULL, NULL);
}
