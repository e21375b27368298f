/* Escape control and non-ASCII bytes for the console (umbra/log_escape.h). */
#include <stdbool.h>
#include <umbra/log_escape.h>

static const char hex[] = "0123456789abcdef";

static bool printable(unsigned char c)
{
	return (c >= ' ' && c <= '~') || c == '\t';
}

size_t log_escape(char *out, size_t size, const char *in, size_t n)
{
	bool newline = n && in[n - 1] == '\n';
	size_t room = size, len = 0;

	if (newline) {
		n--;
		if (!room)
			return 0;
		room--;		/* kept for the newline */
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (printable(c)) {
			if (len + 1 > room)
				break;
			out[len++] = (char)c;
			continue;
		}
		if (len + 4 > room)
			break;
		out[len++] = '\\';
		out[len++] = 'x';
		out[len++] = hex[c >> 4];
		out[len++] = hex[c & 15];
	}
	if (newline)
		out[len++] = '\n';
	return len;
}
