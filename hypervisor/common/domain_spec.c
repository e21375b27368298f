/* The domain spec of a boot module: parse, then check every value against
 * the limits (see umbra/domain_spec.h). */
#include <stddef.h>
#include <umbra/cmdline.h>
#include <umbra/errno.h>
#include <umbra/domain_spec.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

struct spec_ctx {
	domain_spec_report_fn report;
	void *ctx;
	unsigned int problems;
};

static void report_token(void *ctx, enum cmdline_problem problem,
			 const char *token, size_t len)
{
	struct spec_ctx *c = ctx;

	c->problems++;
	c->report(c->ctx, "%s '%.*s' in the domain spec",
		  cmdline_problem_str(problem), (int)len, token);
}

bool domain_name_valid(const char *name)
{
	size_t len = strnlen(name, UMBRA_DOMAIN_NAME_MAX);

	if (!len || len == UMBRA_DOMAIN_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

/* The "--" token that ends the spec, or NULL. */
static const char *find_separator(const char *line)
{
	for (const char *p = line; *p; p++)
		if (p[0] == '-' && p[1] == '-' && (p == line || p[-1] == ' ') &&
		    (p[2] == ' ' || p[2] == '\0'))
			return p;
	return NULL;
}

/* Split "spec -- guest args": the spec into buf, the arguments into
 * spec->args. */
static int split(const char *line, char *buf, size_t size, struct domain_spec *spec,
		 struct spec_ctx *c)
{
	const char *sep = find_separator(line);
	size_t len = sep ? (size_t)(sep - line) : strlen(line);

	if (len >= size) {
		c->problems++;
		c->report(c->ctx, "domain spec longer than %zu bytes", size);
		return -E2BIG;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	spec->args[0] = '\0';
	if (!sep)
		return 0;
	for (sep += 2; *sep == ' '; sep++)
		;
	if (strlen(sep) >= sizeof(spec->args)) {
		c->problems++;
		c->report(c->ctx, "guest arguments too long");
		return -E2BIG;
	}
	memcpy(spec->args, sep, strlen(sep) + 1);
	return 0;
}

static void check_name(struct domain_spec *spec, unsigned int index, struct spec_ctx *c)
{
	if (!spec->name[0]) {
		snprintf(spec->name, sizeof(spec->name), "guest%u", index);
		return;
	}
	if (domain_name_valid(spec->name))
		return;
	c->problems++;
	c->report(c->ctx, "name: '%s' has a byte that is not printable ASCII "
		  "(or a space)", spec->name);
}

static void check_type(struct domain_spec *spec, const char *type, struct spec_ctx *c)
{
	if (!strcmp(type, "pvh"))
		spec->type = UMBRA_DOMAIN_TYPE_PVH;
	else if (!strcmp(type, "pv"))
		spec->type = UMBRA_DOMAIN_TYPE_PV;
	else
		report_token(c, CMDLINE_BAD_VALUE, type, strlen(type));
}

/* PVH domains: nested (default) or shadow; PV domains: shared (default)
 * or shadow (translated, docs/pv.md). An empty value is the default. */
static void check_paging(struct domain_spec *spec, const char *paging, struct spec_ctx *c)
{
	bool pv = spec->type == UMBRA_DOMAIN_TYPE_PV;

	if (!paging[0])
		spec->paging = pv ? UMBRA_PAGING_SHARED : UMBRA_PAGING_NESTED;
	else if (!strcmp(paging, "nested") && !pv)
		spec->paging = UMBRA_PAGING_NESTED;
	else if (!strcmp(paging, "shadow"))
		spec->paging = UMBRA_PAGING_SHADOW;
	else if (!strcmp(paging, "shared") && pv)
		spec->paging = UMBRA_PAGING_SHARED;
	else if (!strcmp(paging, "nested") || !strcmp(paging, "shadow") ||
		 !strcmp(paging, "shared")) {
		c->problems++;
		c->report(c->ctx, "paging=%s is not offered to %s domains%s", paging,
			  pv ? "PV" : "PVH", pv ? " (shared or shadow are)" : " (PV only)");
	} else
		report_token(c, CMDLINE_BAD_VALUE, paging, strlen(paging));
}

static void check_sizes(struct domain_spec *spec, uint64_t mem, uint64_t vcpus,
			uint64_t cpus, uint64_t online, struct spec_ctx *c)
{
	if (!mem) {
		c->problems++;
		c->report(c->ctx, "mem: must not be zero");
	} else if (mem > DOMAIN_MAX_MEM) {
		c->problems++;
		c->report(c->ctx, "mem: %llu bytes is more than the limit of %llu MiB",
			  (unsigned long long)mem, DOMAIN_MAX_MEM >> 20);
	}
	if (!vcpus || vcpus > MAX_VCPUS_PER_DOMAIN) {
		c->problems++;
		c->report(c->ctx, "vcpus: %llu is not 1 to %u",
			  (unsigned long long)vcpus, MAX_VCPUS_PER_DOMAIN);
	}
	if (!(cpus & online)) {
		c->problems++;
		c->report(c->ctx, "cpus: %#llx has no online CPU (online: %#llx)",
			  (unsigned long long)cpus, (unsigned long long)online);
	}
	spec->mem_bytes = mem;
	spec->nr_vcpus = (unsigned int)(vcpus <= MAX_VCPUS_PER_DOMAIN ? vcpus : 0);
	spec->affinity = cpus & online;
}

static void check_shadow(struct domain_spec *spec, uint64_t bytes, bool given,
			 struct spec_ctx *c)
{
	if (given && (bytes < DOMAIN_SPEC_SHADOW_MIN || bytes > DOMAIN_SPEC_SHADOW_MAX)) {
		c->problems++;
		c->report(c->ctx, "shadow_memory: %llu bytes is not 1 MiB to 1024 MiB",
			  (unsigned long long)bytes);
	} else if (given && spec->paging != UMBRA_PAGING_SHADOW) {
		c->problems++;
		c->report(c->ctx, "shadow_memory: only with paging=shadow");
	}
	spec->shadow_bytes = given ? bytes : 0;
}

unsigned int domain_spec_parse(const char *line, unsigned int index,
			       uint64_t cpus_online, struct domain_spec *spec,
			       domain_spec_report_fn report, void *ctx)
{
	char buf[DOMAIN_SPEC_MAX], paging[16] = "", type[8] = "pvh";
	uint64_t mem = DOMAIN_SPEC_MEM_DEFAULT, vcpus = 1, cpus = ~0ULL, shadow = ~0ULL;
	struct spec_ctx c = { report, ctx, 0 };
	const struct param params[] = {
		{ .name = "name", .var = spec->name, .size = sizeof(spec->name), .type = PARAM_STRING },
		{ .name = "mem", .var = &mem, .size = sizeof(mem), .type = PARAM_SIZE },
		{ .name = "vcpus", .var = &vcpus, .size = sizeof(vcpus), .type = PARAM_UINT },
		{ .name = "paging", .var = paging, .size = sizeof(paging), .type = PARAM_STRING },
		{ .name = "type", .var = type, .size = sizeof(type), .type = PARAM_STRING },
		{ .name = "cpus", .var = &cpus, .size = sizeof(cpus), .type = PARAM_UINT },
		{ .name = "shadow_memory", .var = &shadow, .size = sizeof(shadow),
		  .type = PARAM_SIZE },
		{ .name = "initdomain", .var = &spec->initdomain,
		  .size = sizeof(spec->initdomain), .type = PARAM_BOOL },
	};

	memset(spec, 0, sizeof(*spec));
	if (split(line ? line : "", buf, sizeof(buf), spec, &c))
		return c.problems;
	cmdline_parse(buf, params, params + sizeof(params) / sizeof(params[0]),
		      report_token, &c);
	check_name(spec, index, &c);
	check_type(spec, type, &c);
	check_paging(spec, paging, &c);
	check_sizes(spec, mem, vcpus, cpus, cpus_online, &c);
	check_shadow(spec, shadow, shadow != ~0ULL, &c);
	return c.problems;
}
