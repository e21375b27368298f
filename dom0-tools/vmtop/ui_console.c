/*
 * The selected domain's console, inside vmtop: curses is left, the
 * terminal put in raw mode, and the domain's console ring copied to it
 * (from the oldest byte still held, as `vmctl console` does) until
 * Ctrl-] is typed, the domain goes away or a stop signal comes. Then the
 * terminal is put back and the screen redrawn. Umbra's consoles are
 * output only: other keys are ignored.
 */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"
#include "ui.h"

#define CONSOLE_ESCAPE	0x1d	/* Ctrl-] */
#define CONSOLE_POLL_MS	100

/* Copy what the ring holds past ring->pos. Returns <0 when it failed. */
static long console_copy(struct vmtop_ui *ui, uint32_t domid, struct umbra_mgmt_ring *ring)
{
	char buf[4096];
	long n;

	do {
		n = vmctl_console_read(ui->h, domid, ring, buf, sizeof(buf));
		if (n < 0)
			return n;
		if (ring->dropped)
			printf("\r\n[vmtop: %llu bytes of console output were lost]\r\n",
			       (unsigned long long)ring->dropped);
		if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -EIO;
	} while (n > 0 && ring->pos < ring->head);
	fflush(stdout);
	return 0;
}

/* Until Ctrl-]: returns the reason it stopped, for the status line. */
static const char *console_loop(struct vmtop_ui *ui, uint32_t domid)
{
	struct umbra_mgmt_ring ring = { 0 };
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	while (!vmtop_stop_signal) {
		unsigned char c;

		if (console_copy(ui, domid, &ring) < 0)
			return vmctl_last_error();
		if (poll(&in, 1, CONSOLE_POLL_MS) <= 0)
			continue;
		if (read(STDIN_FILENO, &c, 1) != 1)
			return "end of input";
		if (c == CONSOLE_ESCAPE)
			return NULL;
	}
	return "stopped by a signal";
}

void vmtop_ui_console(struct vmtop_ui *ui)
{
	const struct vmtop_row *r = vmtop_ui_selected(ui);
	struct termios saved, raw;
	const char *why;
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint32_t domid;

	if (!r) {
		vmtop_ui_status(ui, "no domain selected");
		return;
	}
	domid = r->domid;
	snprintf(name, sizeof(name), "%s", r->name);
	def_prog_mode();
	endwin();
	tcgetattr(STDIN_FILENO, &saved);
	raw = saved;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST | ONLCR;	/* our own \n messages */
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	printf("\r\n[vmtop: console of %s (id %u); Ctrl-] returns to vmtop]\r\n", name, domid);
	fflush(stdout);
	why = console_loop(ui, domid);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	reset_prog_mode();
	clearok(curscr, TRUE);
	if (why)
		vmtop_ui_status(ui, "console of %s ended: %s", name, why);
	else
		vmtop_ui_status(ui, "back from the console of %s", name);
	ui->next_refresh_ns = 0;
}
