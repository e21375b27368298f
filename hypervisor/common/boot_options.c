/* The hypervisor command line: run the parser over every option the
 * image registers, report what it rejects, and own the console options. */
#include <umbra/boot_options.h>
#include <umbra/cmdline.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>

static char opt_console[16] = "com1";
param_string("console", opt_console);

static int parse_loglvl(const char *value)
{
	enum log_level level, ratelimited;

	if (log_level_parse(value, &level, &ratelimited))
		return -EINVAL;
	console_set_threshold(level);
	return 0;
}
param_custom("loglvl", parse_loglvl);

static void report_problem(void *ctx, enum cmdline_problem problem,
			   const char *token, size_t len)
{
	(void)ctx;
	pr_warn("command line: %s '%.*s', ignored\n", cmdline_problem_str(problem),
		(int)len, token);
}

void cmdline_apply(const char *cmdline)
{
	cmdline_parse(cmdline, __start_umbra_params, __stop_umbra_params,
		      report_problem, NULL);
	if (strcmp(opt_console, "com1"))
		pr_warn("console: only com1 is supported; using com1\n");
}
