/*
 * Guest console: the console_io hypercall on a hypervisor, COM1
 * otherwise (or if the hypercall fails), and a small printf.
 */
#include <stdbool.h>
#include <public/xen.h>

#include "hypercall.h"
#include "io.h"
#include "runtime.h"

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20
#define THRE_SPINS	100000

static bool hypercall_failed;

static void com1_write(const char *s, size_t len)
{
	unsigned int spins;
	size_t i;

	for (i = 0; i < len; i++) {
		/* Bounded: a missing or odd UART must not hang the guest. */
		for (spins = 0; spins < THRE_SPINS; spins++)
			if (inb(COM1_LSR) & LSR_THRE)
				break;
		outb(COM1, (uint8_t)s[i]);
	}
}

/* Say once, on COM1, why the hypercall console was given up: an
 * intermittent failure is otherwise invisible in the test logs. */
static void report_failure(long rc)
{
	static const char msg[] = "guest console: console_io failed, rc=-";
	char digits[20];
	unsigned long v = rc < 0 ? (unsigned long)-rc : (unsigned long)rc;
	int n = 0;

	com1_write(msg, sizeof(msg) - 1);
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	while (n)
		com1_write(&digits[--n], 1);
	com1_write("\n", 1);
}

void con_write(const char *s, size_t len)
{
	long rc;

	if (len == 0)
		return;
	if (guest_hypervisor() != GUEST_HV_NONE && !hypercall_failed) {
		rc = hv_console_write(s, len);
		if (rc >= 0)
			return;
		hypercall_failed = true;
		report_failure(rc);
	}
	com1_write(s, len);
}

void con_puts(const char *s)
{
	con_write(s, guest_strlen(s));
}

/* Output is gathered per call so that a line goes out in one hypercall. */
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

static void out_str(struct outbuf *o, const char *s, int width)
{
	int n = (int)guest_strlen(s);

	for (; width > n; width--)
		out_char(o, ' ');
	while (*s)
		out_char(o, *s++);
}

static void out_num(struct outbuf *o, uint64_t v, unsigned int base, bool neg,
		    int width, char pad)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		digits[n++] = '-';
	for (; width > n; width--)
		out_char(o, pad);
	while (n)
		out_char(o, digits[--n]);
}

/* One conversion after '%': flags, width, length, specifier. */
static const char *convert(struct outbuf *o, const char *f, va_list *ap)
{
	char pad = ' ';
	int width = 0, longs = 0;
	bool alt = false;
	int64_t sv;
	uint64_t uv;

	if (*f == '#')
		alt = *f++;
	if (*f == '0')
		pad = *f++;
	while (*f >= '0' && *f <= '9')
		width = width * 10 + (*f++ - '0');
	while (*f == 'l')
		longs++, f++;
	switch (*f) {
	case 'd':
		sv = longs ? va_arg(*ap, long) : va_arg(*ap, int);
		uv = sv < 0 ? -(uint64_t)sv : (uint64_t)sv;
		out_num(o, uv, 10, sv < 0, width, pad);
		break;
	case 'u':
	case 'x':
		uv = longs ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
		if (alt && *f == 'x')
			out_str(o, "0x", 0);
		out_num(o, uv, *f == 'u' ? 10 : 16, false, width, pad);
		break;
	case 'p':
		out_str(o, "0x", 0);
		out_num(o, (uintptr_t)va_arg(*ap, void *), 16, false, width, pad);
		break;
	case 's':
		out_str(o, va_arg(*ap, const char *), width);
		break;
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		break;
	case '\0':
		return f;
	default:
		out_char(o, *f);
		break;
	}
	return f + 1;
}

void con_vprintf(const char *fmt, va_list ap)
{
	struct outbuf o = { .len = 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = convert(&o, fmt + 1, &args);
		else
			out_char(&o, *fmt++);
	}
	va_end(args);
	con_write(o.buf, o.len);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vprintf(fmt, ap);
	va_end(ap);
}
