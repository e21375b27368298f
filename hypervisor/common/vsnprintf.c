/* vsnprintf/snprintf for the hypervisor (see umbra/vsnprintf.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "umbra/errno.h"
#include "umbra/string.h"
#include "umbra/vsnprintf.h"

#define INT_LIMIT 0x7fffffff

enum {
	FLAG_LEFT = 1 << 0,
	FLAG_ZERO = 1 << 1,
	FLAG_PLUS = 1 << 2,
	FLAG_SPACE = 1 << 3,
	FLAG_ALT = 1 << 4,
};

enum length {
	LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG,
	LEN_SIZE, LEN_PTRDIFF, LEN_INTMAX,
};

struct spec {
	unsigned int flags;
	int width;		/* 0 when absent */
	int precision;		/* -1 when absent */
	enum length length;
	char conv;
};

/* Output cursor: len counts every character, stored or not. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_repeat(struct out *o, char c, size_t n)
{
	for (; n && o->len + 1 < o->size; n--)
		o->buf[o->len++] = c;
	o->len += n;
}

static void out_chars(struct out *o, const char *s, size_t n)
{
	for (; n && o->len + 1 < o->size; n--)
		o->buf[o->len++] = *s++;
	o->len += n;
}

static size_t pad_for(const struct spec *s, size_t used)
{
	return (size_t)s->width > used ? (size_t)s->width - used : 0;
}

/* Reads decimal digits, saturating at INT_LIMIT. */
static const char *parse_decimal(const char *p, int *value)
{
	int v = 0;

	for (; *p >= '0' && *p <= '9'; p++)
		v = v > (INT_LIMIT - 9) / 10 ? INT_LIMIT : v * 10 + (*p - '0');
	*value = v;
	return p;
}

static const char *parse_flags(const char *p, struct spec *s)
{
	for (;; p++) {
		switch (*p) {
		case '-': s->flags |= FLAG_LEFT; break;
		case '0': s->flags |= FLAG_ZERO; break;
		case '+': s->flags |= FLAG_PLUS; break;
		case ' ': s->flags |= FLAG_SPACE; break;
		case '#': s->flags |= FLAG_ALT; break;
		default: return p;
		}
	}
}

static const char *parse_width(const char *p, struct spec *s, va_list *ap)
{
	if (*p != '*')
		return parse_decimal(p, &s->width);
	s->width = va_arg(*ap, int);
	if (s->width < 0) {
		/* A negative * width means left-justified. */
		s->flags |= FLAG_LEFT;
		s->width = s->width == -INT_LIMIT - 1 ? INT_LIMIT : -s->width;
	}
	return p + 1;
}

static const char *parse_precision(const char *p, struct spec *s, va_list *ap)
{
	if (*p != '.')
		return p;
	p++;
	if (*p != '*')
		return parse_decimal(p, &s->precision);
	s->precision = va_arg(*ap, int);
	if (s->precision < 0)
		s->precision = -1;	/* as if omitted */
	return p + 1;
}

static const char *parse_length(const char *p, struct spec *s)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			s->length = LEN_CHAR;
			return p + 2;
		}
		s->length = LEN_SHORT;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			s->length = LEN_LLONG;
			return p + 2;
		}
		s->length = LEN_LONG;
		return p + 1;
	case 'z': s->length = LEN_SIZE; return p + 1;
	case 't': s->length = LEN_PTRDIFF; return p + 1;
	case 'j': s->length = LEN_INTMAX; return p + 1;
	default: return p;
	}
}

/* p points just past '%'; returns the position after the conversion. */
static const char *parse_spec(const char *p, struct spec *s, va_list *ap)
{
	s->flags = 0;
	s->width = 0;
	s->precision = -1;
	s->length = LEN_INT;
	p = parse_flags(p, s);
	p = parse_width(p, s, ap);
	p = parse_precision(p, s, ap);
	p = parse_length(p, s);
	s->conv = *p;
	return *p ? p + 1 : p;
}

static int64_t fetch_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	case LEN_INTMAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Digits of v, most significant first, into buf (22 chars suffice for
 * octal 2^64); none at all for zero, the caller adds them by precision. */
static size_t to_digits(char *buf, uint64_t v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0, i;

	for (; v; v /= base)
		tmp[n++] = digits[v % base];
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void format_number(struct out *o, const struct spec *s, uint64_t mag,
			  const char *prefix)
{
	char digits[24];
	unsigned int base = s->conv == 'o' ? 8 : (s->conv == 'x' || s->conv == 'X' ||
						  s->conv == 'p') ? 16 : 10;
	size_t ndigits = to_digits(digits, mag, base, s->conv == 'X');
	size_t prec = s->precision < 0 ? 1 : (size_t)s->precision;
	size_t zeros = prec > ndigits ? prec - ndigits : 0;
	size_t plen = strlen(prefix);
	size_t pad;

	/* %#o: the first digit printed must be a zero. */
	if (s->conv == 'o' && (s->flags & FLAG_ALT) && zeros == 0 &&
	    (ndigits == 0 || digits[0] != '0'))
		zeros = 1;
	pad = pad_for(s, plen + zeros + ndigits);
	if (!(s->flags & FLAG_LEFT) && (s->flags & FLAG_ZERO) && s->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(s->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	out_chars(o, prefix, plen);
	out_repeat(o, '0', zeros);
	out_chars(o, digits, ndigits);
	if (s->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

static void format_signed(struct out *o, const struct spec *s, int64_t v)
{
	const char *sign = "";
	uint64_t mag = (uint64_t)v;

	if (v < 0) {
		sign = "-";
		mag = 0 - mag;
	} else if (s->flags & FLAG_PLUS) {
		sign = "+";
	} else if (s->flags & FLAG_SPACE) {
		sign = " ";
	}
	format_number(o, s, mag, sign);
}

static void format_unsigned(struct out *o, const struct spec *s, uint64_t v)
{
	const char *prefix = "";

	if ((s->flags & FLAG_ALT) && v != 0) {
		if (s->conv == 'x')
			prefix = "0x";
		else if (s->conv == 'X')
			prefix = "0X";
	}
	format_number(o, s, v, prefix);
}

static void format_text(struct out *o, const struct spec *s, const char *text,
			size_t len)
{
	size_t pad = pad_for(s, len);

	if (!(s->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	out_chars(o, text, len);
	if (s->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

static void format_string(struct out *o, const struct spec *s, const char *str)
{
	size_t max = s->precision < 0 ? SIZE_MAX : (size_t)s->precision;

	if (!str)
		str = "(null)";
	format_text(o, s, str, strnlen(str, max));
}

static void format_pointer(struct out *o, const struct spec *s, const void *p)
{
	struct spec hex = *s;

	if (!p) {
		format_text(o, s, "(nil)", 5);
		return;
	}
	hex.flags &= ~(FLAG_PLUS | FLAG_SPACE);
	format_number(o, &hex, (uintptr_t)p, "0x");
}

/* One conversion; [start, end) is its text, copied if it is not known. */
static void format_one(struct out *o, const struct spec *s, va_list *ap,
		       const char *start, const char *end)
{
	char c;

	switch (s->conv) {
	case 'd':
	case 'i':
		format_signed(o, s, fetch_signed(s->length, ap));
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_unsigned(o, s, fetch_unsigned(s->length, ap));
		break;
	case 'p':
		format_pointer(o, s, va_arg(*ap, void *));
		break;
	case 's':
		format_string(o, s, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(o, s, &c, 1);
		break;
	case '%':
		out_chars(o, "%", 1);
		break;
	default:
		out_chars(o, start, (size_t)(end - start));
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec s;
	va_list args;
	const char *p = fmt, *start;

	va_copy(args, ap);
	while (*p) {
		if (*p != '%') {
			start = p;
			while (*p && *p != '%')
				p++;
			out_chars(&o, start, (size_t)(p - start));
			continue;
		}
		start = p;
		p = parse_spec(p + 1, &s, &args);
		format_one(&o, &s, &args, start, p);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_LIMIT ? -EOVERFLOW : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
