/*
 * JSON strings for vmctl's --json output. A domain's name or crash
 * reason comes from the hypervisor, so every byte outside printable
 * ASCII is escaped: the output is valid JSON (and ASCII) whatever they
 * hold.
 */
#include "json.h"

void json_string(FILE *f, const char *s, size_t max)
{
	size_t i;
	unsigned char c;

	fputc('"', f);
	for (i = 0; i < max && s[i]; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
