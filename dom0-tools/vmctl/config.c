/*
 * What each key of a domain's config file means (vmctl.cfg(5)), on top of
 * the grammar of config_syntax.c. A key's value is checked when it is
 * read, so the message can name the file, the line and the key; what
 * needs the whole file (a name, a kernel) is checked by vmcfg_finish().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_syntax.h"

struct ctx {
	struct vmcfg *cfg;
	struct vmcfg_diag *d;
	const char *file;
	const char *key;
	unsigned int line;
	bool bare_strings;	/* the command line: a word is a string */
};

static int key_fail(struct ctx *x, const char *fmt, ...)
{
	char where[300];
	va_list ap;
	int n;

	n = snprintf(x->d->error, sizeof(x->d->error), "%s%s: ",
		     cfg_where(where, sizeof(where), x->file, x->line), x->key);
	if (n < 0 || (size_t)n >= sizeof(x->d->error))
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->d->error + n, sizeof(x->d->error) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value as a message quotes it: at most 40 bytes, nothing unprintable. */
static const char *shown(const struct cfgval *v, char buf[48])
{
	size_t i;

	for (i = 0; v->text && v->text[i] && i < 40; i++)
		buf[i] = isprint((unsigned char)v->text[i]) ? v->text[i] : '?';
	buf[i] = '\0';
	if (v->text && v->text[i])
		strcpy(buf + i, "...");
	return buf;
}

static int get_string(struct ctx *x, const struct cfgval *v, const char **out)
{
	char b[48];

	if (v->kind == CFGVAL_LIST)
		return key_fail(x, "expected a string, not a list");
	if (v->kind != CFGVAL_STRING && !x->bare_strings)
		return key_fail(x, "strings are quoted: \"%s\"", shown(v, b));
	*out = v->text;
	return 0;
}

static int get_number(struct ctx *x, const struct cfgval *v, uint64_t *out)
{
	struct cfgval copy = *v;
	char b[48];

	if (v->kind == CFGVAL_LIST)
		return key_fail(x, "expected a number, not a list");
	/* xl takes "512" as well as 512. */
	if (v->kind == CFGVAL_STRING) {
		copy.kind = CFGVAL_WORD;
		if (*v->text && strspn(v->text, "0123456789") == strlen(v->text)) {
			copy.kind = CFGVAL_NUMBER;
			copy.num = strtoull(v->text, NULL, 10);
			copy.overflow = strlen(v->text) > 19 &&
					copy.num == UINT64_MAX;
		}
	}
	if (copy.kind != CFGVAL_NUMBER)
		return key_fail(x, "not a number: '%s'", shown(v, b));
	if (copy.overflow)
		return key_fail(x, "number too large: '%s'", shown(v, b));
	*out = copy.num;
	return 0;
}

static int get_ranged(struct ctx *x, const struct cfgval *v, uint64_t lo,
		      uint64_t hi, const char *unit, uint64_t *out)
{
	if (get_number(x, v, out))
		return -1;
	if (*out < lo || *out > hi)
		return key_fail(x, "%llu%s is out of range (%llu to %llu%s)",
				(unsigned long long)*out, unit,
				(unsigned long long)lo, (unsigned long long)hi,
				unit);
	return 0;
}

static int set_path(struct ctx *x, const struct cfgval *v, char **field)
{
	const char *s;
	char *copy;

	if (get_string(x, v, &s))
		return -1;
	copy = strdup(s);
	if (!copy)
		return key_fail(x, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

static int key_name(struct ctx *x, const struct cfgval *v)
{
	const char *s, *p;

	if (get_string(x, v, &s))
		return -1;
	if (!*s)
		return key_fail(x, "empty");
	if (strlen(s) >= UMBRA_DOMAIN_NAME_MAX)
		return key_fail(x, "longer than %u characters",
				UMBRA_DOMAIN_NAME_MAX - 1);
	for (p = s; *p; p++)
		if (!isgraph((unsigned char)*p))
			return key_fail(x, "only printable characters, no "
					"spaces: '%s'", s);
	if (strspn(s, "0123456789") == strlen(s))
		return key_fail(x, "'%s' would be read as a domain id", s);
	snprintf(x->cfg->name, sizeof(x->cfg->name), "%s", s);
	return 0;
}

static int key_type(struct ctx *x, const struct cfgval *v)
{
	const char *s;

	if (get_string(x, v, &s))
		return -1;
	if (!strcmp(s, "pvh") || !strcmp(s, "pv")) {
		x->cfg->type = s[2] ? UMBRA_DOMAIN_TYPE_PVH : UMBRA_DOMAIN_TYPE_PV;
		/* Each type's own paging unless the file names one. */
		if (!x->cfg->paging_given)
			x->cfg->paging = s[2] ? UMBRA_PAGING_NESTED : UMBRA_PAGING_SHARED;
		return 0;
	}
	if (!strcmp(s, "hvm"))
		return key_fail(x, "\"%s\" domains are not supported yet "
				"(pvh or pv)", s);
	return key_fail(x, "unknown type '%s' (pvh, hvm or pv)", s);
}

static int key_memory(struct ctx *x, const struct cfgval *v)
{
	uint64_t mib;

	if (get_ranged(x, v, 2, VMCFG_MEMORY_MAX_MIB, " MiB", &mib))
		return -1;
	if (mib % 2)
		return key_fail(x, "%llu MiB is not a multiple of 2 MiB "
				"(Umbra gives memory in 2 MiB extents)",
				(unsigned long long)mib);
	x->cfg->memory_mib = mib;
	return 0;
}

static int key_vcpus(struct ctx *x, const struct cfgval *v)
{
	uint64_t n;

	if (get_ranged(x, v, 1, UMBRA_MAX_VCPUS, "", &n))
		return -1;
	x->cfg->vcpus = (unsigned int)n;
	return 0;
}

/* One CPU list: a number or a string. */
static int cpus_atom(struct ctx *x, const struct cfgval *v, uint64_t *mask)
{
	char why[160];
	uint64_t n;

	if (v->kind == CFGVAL_NUMBER) {
		if (get_ranged(x, v, 0, VMCFG_NR_CPUS - 1, "", &n))
			return -1;
		*mask = 1ULL << n;
		return 0;
	}
	if (v->kind != CFGVAL_STRING && !x->bare_strings)
		return get_string(x, v, &(const char *){ NULL });
	if (vmcfg_parse_cpus(v->text, mask, why, sizeof(why)))
		return key_fail(x, "%s", why);
	return 0;
}

/* cpus = "0-3" for every vCPU, or ["0", "1-2"]: one entry per vCPU. */
static int key_cpus(struct ctx *x, const struct cfgval *v)
{
	struct vmcfg *cfg = x->cfg;
	unsigned int i;
	uint64_t m;

	cfg->nr_vcpu_cpus = 0;
	if (v->kind != CFGVAL_LIST)
		return cpus_atom(x, v, &cfg->cpus);
	if (v->nr_items == 0)
		return key_fail(x, "empty list");
	if (v->nr_items > UMBRA_MAX_VCPUS)
		return key_fail(x, "%u entries, but a domain has at most %u "
				"vCPUs", v->nr_items, UMBRA_MAX_VCPUS);
	cfg->cpus = 0;
	for (i = 0; i < v->nr_items; i++) {
		if (cpus_atom(x, &v->items[i], &m))
			return -1;
		cfg->vcpu_cpus[i] = m;
		cfg->cpus |= m;
	}
	cfg->nr_vcpu_cpus = v->nr_items;
	return 0;
}

static int key_action(struct ctx *x, const struct cfgval *v,
		      enum vmcfg_action *out)
{
	static const char *const names[] = {
		[VMCFG_DESTROY] = "destroy",
		[VMCFG_PRESERVE] = "preserve",
		[VMCFG_RESTART] = "restart",
	};
	const char *s;
	unsigned int i;

	if (get_string(x, v, &s))
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum vmcfg_action)i;
			return 0;
		}
	}
	if (!strcmp(s, "rename-restart") || !strncmp(s, "coredump-", 9) ||
	    !strcmp(s, "soft-reset"))
		return key_fail(x, "'%s' is not supported (destroy, preserve "
				"or restart)", s);
	return key_fail(x, "unknown action '%s' (destroy, preserve or "
			"restart)", s);
}

static int key_on_poweroff(struct ctx *x, const struct cfgval *v)
{
	return key_action(x, v, &x->cfg->on_poweroff);
}

static int key_on_reboot(struct ctx *x, const struct cfgval *v)
{
	return key_action(x, v, &x->cfg->on_reboot);
}

static int key_on_crash(struct ctx *x, const struct cfgval *v)
{
	return key_action(x, v, &x->cfg->on_crash);
}

static int key_paging(struct ctx *x, const struct cfgval *v)
{
	const char *s;

	if (get_string(x, v, &s))
		return -1;
	if (!strcmp(s, "nested"))
		x->cfg->paging = UMBRA_PAGING_NESTED;
	else if (!strcmp(s, "shadow"))
		x->cfg->paging = UMBRA_PAGING_SHADOW;
	else if (!strcmp(s, "shared"))
		x->cfg->paging = UMBRA_PAGING_SHARED;
	else
		return key_fail(x, "unknown paging '%s' (nested, shadow or shared)", s);
	x->cfg->paging_given = true;
	return 0;
}

static int key_kernel(struct ctx *x, const struct cfgval *v)
{
	return set_path(x, v, &x->cfg->kernel);
}

static int key_ramdisk(struct ctx *x, const struct cfgval *v)
{
	return set_path(x, v, &x->cfg->ramdisk);
}

static int key_cmdline(struct ctx *x, const struct cfgval *v)
{
	return set_path(x, v, &x->cfg->cmdline);
}

static int key_extra(struct ctx *x, const struct cfgval *v)
{
	return set_path(x, v, &x->cfg->extra);
}

static const struct {
	const char *name;
	int (*apply)(struct ctx *x, const struct cfgval *v);
} keys[] = {
	{ "name", key_name },
	{ "type", key_type },
	{ "memory", key_memory },
	{ "vcpus", key_vcpus },
	{ "cpus", key_cpus },
	{ "kernel", key_kernel },
	{ "ramdisk", key_ramdisk },
	{ "cmdline", key_cmdline },
	{ "extra", key_extra },
	{ "on_poweroff", key_on_poweroff },
	{ "on_reboot", key_on_reboot },
	{ "on_crash", key_on_crash },
	{ "paging", key_paging },
};

static void warn(struct ctx *x, const char *fmt, ...)
{
	char msg[400], where[300];
	va_list ap;
	int n;

	if (!x->d->warn)
		return;
	n = snprintf(msg, sizeof(msg), "%s",
		     cfg_where(where, sizeof(where), x->file, x->line));
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	x->d->warn(x->d->warn_arg, msg);
}

static int statement(void *arg, const char *key, const struct cfgval *v,
		     unsigned int line)
{
	struct ctx *x = arg;
	unsigned int i;

	x->key = key;
	x->line = line;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i].name))
			return keys[i].apply(x, v);
	warn(x, "unknown key '%s' ignored", key);
	return 0;
}

void vmcfg_init(struct vmcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->type = UMBRA_DOMAIN_TYPE_PVH;
	cfg->memory_mib = 128;
	cfg->vcpus = 1;
	cfg->paging = UMBRA_PAGING_NESTED;
	cfg->on_poweroff = VMCFG_DESTROY;
	cfg->on_reboot = VMCFG_RESTART;
	cfg->on_crash = VMCFG_DESTROY;
}

void vmcfg_free(struct vmcfg *cfg)
{
	free(cfg->kernel);
	free(cfg->ramdisk);
	free(cfg->cmdline);
	free(cfg->extra);
	vmcfg_init(cfg);
}

int vmcfg_parse(struct vmcfg *cfg, const char *file, const char *text,
		size_t len, struct vmcfg_diag *d)
{
	struct ctx x = { .cfg = cfg, .d = d, .file = file };

	d->error[0] = '\0';
	return cfg_syntax_parse(file, text, len, statement, &x, d->error,
				sizeof(d->error));
}

static int override_fail(struct vmcfg_diag *d, const char *a, const char *why)
{
	snprintf(d->error, sizeof(d->error), "command line: '%.60s': %s", a,
		 why);
	return -1;
}

/*
 * KEY=VALUE: a quoted or [list] value goes through the file grammar;
 * anything else is the rest of the argument taken whole, so that
 * extra=status=1 or cmdline=console=hvc0 need no quotes.
 */
int vmcfg_override(struct vmcfg *cfg, const char *assignment,
		   struct vmcfg_diag *d)
{
	struct ctx x = { .cfg = cfg, .d = d, .file = "command line",
			 .bare_strings = true };
	const char *eq = strchr(assignment, '='), *val;
	struct cfgval v = { .kind = CFGVAL_WORD };
	char key[64];
	size_t klen;
	int rc;

	d->error[0] = '\0';
	if (!eq)
		return override_fail(d, assignment, "expected KEY=VALUE");
	val = eq + 1;
	while (*val == ' ' || *val == '\t')
		val++;
	if (*val == '"' || *val == '\'' || *val == '[')
		return cfg_syntax_parse(NULL, assignment, strlen(assignment),
					statement, &x, d->error,
					sizeof(d->error));
	klen = eq - assignment;
	while (klen && (assignment[klen - 1] == ' ' || assignment[klen - 1] == '\t'))
		klen--;
	if (!klen || klen >= sizeof(key))
		return override_fail(d, assignment, "expected KEY=VALUE");
	memcpy(key, assignment, klen);
	key[klen] = '\0';
	if (strlen(val) > VMCFG_STRING_MAX)
		return override_fail(d, assignment, "value too long");
	v.text = strdup(val);
	if (!v.text)
		return override_fail(d, assignment, "out of memory");
	/* As a number if it reads as one (memory=64), else a word. */
	if (*val && strspn(val, "0123456789") == strlen(val)) {
		v.kind = CFGVAL_NUMBER;
		v.num = strtoull(val, NULL, 10);
		v.overflow = strlen(val) > 19 && v.num == UINT64_MAX;
	}
	rc = statement(&x, key, &v, 0);
	free(v.text);
	return rc;
}

static int join_path(char **field, const char *dir)
{
	char *joined;

	if (!*field || !dir || (*field)[0] == '/')
		return 0;
	if (asprintf(&joined, "%s/%s", dir, *field) < 0)
		return -1;
	free(*field);
	*field = joined;
	return 0;
}

/* xl's extra is appended to the command line. */
static int join_cmdline(struct vmcfg *cfg)
{
	char *joined;

	if (!cfg->extra)
		return 0;
	if (!cfg->cmdline) {
		cfg->cmdline = cfg->extra;
		cfg->extra = NULL;
		return 0;
	}
	if (asprintf(&joined, "%s %s", cfg->cmdline, cfg->extra) < 0)
		return -1;
	free(cfg->cmdline);
	free(cfg->extra);
	cfg->cmdline = joined;
	cfg->extra = NULL;
	return 0;
}

int vmcfg_finish(struct vmcfg *cfg, const char *file, const char *dir,
		 struct vmcfg_diag *d)
{
	const char *f = file ? file : "command line";

	d->error[0] = '\0';
	if (!cfg->name[0])
		snprintf(d->error, sizeof(d->error), "%s: name: missing (every "
			 "domain needs one)", f);
	else if (!cfg->kernel || !cfg->kernel[0])
		snprintf(d->error, sizeof(d->error), "%s: kernel: missing", f);
	else if (cfg->type == UMBRA_DOMAIN_TYPE_PV && cfg->paging == UMBRA_PAGING_NESTED)
		snprintf(d->error, sizeof(d->error), "%s: paging: PV domains run with "
			 "\"shared\" or \"shadow\" (type = \"pv\")", f);
	else if (cfg->type != UMBRA_DOMAIN_TYPE_PV && cfg->paging == UMBRA_PAGING_SHARED)
		snprintf(d->error, sizeof(d->error), "%s: paging: \"shared\" is for PV "
			 "domains (type = \"pv\"; nested or shadow)", f);
	else if (cfg->nr_vcpu_cpus > cfg->vcpus)
		snprintf(d->error, sizeof(d->error), "%s: cpus: %u entries for "
			 "%u vCPUs", f, cfg->nr_vcpu_cpus, cfg->vcpus);
	else if (join_path(&cfg->kernel, dir) ||
		 join_path(&cfg->ramdisk, dir) || join_cmdline(cfg))
		snprintf(d->error, sizeof(d->error), "%s: out of memory", f);
	return d->error[0] ? -1 : 0;
}

const char *vmcfg_action_name(enum vmcfg_action a)
{
	switch (a) {
	case VMCFG_DESTROY:
		return "destroy";
	case VMCFG_PRESERVE:
		return "preserve";
	case VMCFG_RESTART:
		return "restart";
	}
	return "?";
}
