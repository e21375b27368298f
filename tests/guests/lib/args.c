/* The guest command line from the start info, and its "key=value" words. */
#include "runtime.h"

static const char *cmdline = "";

void guest_set_cmdline(const char *s)
{
	cmdline = s ? s : "";
}

const char *guest_cmdline(void)
{
	return cmdline;
}

const char *guest_option(const char *key)
{
	const char *p;
	unsigned int i;

	for (p = cmdline; *p; p++) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		for (i = 0; key[i] && p[i] == key[i]; i++)
			;
		if (!key[i])
			return p + i;
	}
	return NULL;
}

uint64_t guest_option_u64(const char *key, uint64_t def)
{
	const char *p = guest_option(key);
	uint64_t v = 0;

	if (!p || *p < '0' || *p > '9')
		return def;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

bool guest_word_in_list(const char *list, const char *word)
{
	size_t n = guest_strlen(word);

	while (list && *list && *list != ' ') {
		const char *end = list;

		while (*end && *end != ',' && *end != ' ')
			end++;
		if ((size_t)(end - list) == n && !memcmp(list, word, n))
			return true;
		list = *end == ',' ? end + 1 : end;
	}
	return false;
}
