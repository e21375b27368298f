/* The guest console through console_io, and a small printf. */
#include "hypercall.h"
#include "minios.h"

void con_write(const char *s, size_t len)
{
	if (len)
		hv_console_write(s, len);
}

void con_puts(const char *s)
{
	con_write(s, strlen(s));
}

struct outbuf {
	char buf[256];
	size_t len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->buf)) {
		con_write(o->buf, o->len);
		o->len = 0;
	}
	o->buf[o->len++] = c;
}

static void out_str(struct outbuf *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

static void out_num(struct outbuf *o, uint64_t v, unsigned int base, int neg)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		out_char(o, '-');
	while (n)
		out_char(o, digits[--n]);
}

static void out_arg(struct outbuf *o, char conv, int longs, int alt, va_list *ap)
{
	uint64_t u;
	int64_t s;

	switch (conv) {
	case 'd':
	case 'i':
		s = longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
		out_num(o, s < 0 ? (uint64_t)-s : (uint64_t)s, 10, s < 0);
		return;
	case 'u':
	case 'x':
		u = longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
		if (alt && conv == 'x')
			out_str(o, "0x");
		out_num(o, u, conv == 'x' ? 16 : 10, 0);
		return;
	case 'p':
		out_str(o, "0x");
		out_num(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), 16, 0);
		return;
	case 's': {
		const char *str = va_arg(*ap, const char *);

		out_str(o, str ? str : "(null)");
		return;
	}
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		return;
	default:
		out_char(o, '%');
		out_char(o, conv);
	}
}

void con_vprintf(const char *fmt, va_list args)
{
	struct outbuf o = { .len = 0 };
	va_list ap;

	va_copy(ap, args);

	for (; *fmt; fmt++) {
		int longs = 0, alt = 0;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		if (*++fmt == '#') {
			alt = 1;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			fmt++;
		while (*fmt == 'l') {
			longs = 1;
			fmt++;
		}
		if (*fmt == '%')
			out_char(&o, '%');
		else if (*fmt)
			out_arg(&o, *fmt, longs, alt, &ap);
		else
			break;
	}
	va_end(ap);
	con_write(o.buf, o.len);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}
