/* dom0_mem= (see umbra/dom0_mem.h). */
#include <umbra/cmdline.h>
#include <umbra/dom0_mem.h>
#include <umbra/errno.h>
#include <umbra/string.h>

#define MIB		(1ULL << 20)
#define EXTENT		(2 * MIB)
#define DEFAULT_MIN	(256 * MIB)

static int parse_percent(const char *s, size_t len, struct dom0_mem_spec *out)
{
	uint64_t n = 0;

	if (!len || len > 3)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (!n || n > 100)
		return -EINVAL;
	out->kind = DOM0_MEM_PERCENT;
	out->amount = n;
	return 0;
}

/* One amount: "<size>", "-<size>" or "<n>%". */
static int parse_amount(const char *s, size_t len, struct dom0_mem_spec *out)
{
	if (len && s[len - 1] == '%')
		return parse_percent(s, len - 1, out);
	out->kind = DOM0_MEM_BYTES;
	if (len && s[0] == '-') {
		out->kind = DOM0_MEM_ALL_BUT;
		s++;
		len--;
	}
	return cmdline_parse_size(s, len, &out->amount) ? -EINVAL : 0;
}

static int parse_item(const char *s, size_t len, struct dom0_mem_spec *spec)
{
	if (len > 4 && !memcmp(s, "min:", 4))
		return cmdline_parse_size(s + 4, len - 4, &spec->min) ? -EINVAL : 0;
	if (len > 4 && !memcmp(s, "max:", 4))
		return cmdline_parse_size(s + 4, len - 4, &spec->max) ? -EINVAL : 0;
	if (spec->has_amount)
		return -EINVAL;
	spec->has_amount = true;
	return parse_amount(s, len, spec);
}

int dom0_mem_parse(const char *s, struct dom0_mem_spec *spec)
{
	struct dom0_mem_spec new = { 0 };

	if (!*s)
		return -EINVAL;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (!len || parse_item(s, len, &new))
			return -EINVAL;
		s += len + (comma ? 1 : 0);
		if (comma && !*s)
			return -EINVAL;
	}
	if (new.max && new.min > new.max)
		return -EINVAL;
	*spec = new;
	return 0;
}

static uint64_t requested(const struct dom0_mem_spec *spec, uint64_t avail)
{
	uint64_t q;

	if (!spec->has_amount) {
		q = avail / 4;
		return q > DEFAULT_MIN ? q : DEFAULT_MIN;
	}
	switch (spec->kind) {
	case DOM0_MEM_ALL_BUT:
		return spec->amount < avail ? avail - spec->amount : 0;
	case DOM0_MEM_PERCENT:
		return avail > UINT64_MAX / 100 ? avail / 100 * spec->amount
						: avail * spec->amount / 100;
	default:
		return spec->amount;
	}
}

uint64_t dom0_mem_size(const struct dom0_mem_spec *spec, uint64_t avail)
{
	uint64_t n = requested(spec, avail);

	if (!n)
		return 0;
	if (n < spec->min)
		n = spec->min;
	if (spec->max && n > spec->max)
		n = spec->max;
	return n & ~(EXTENT - 1);
}
