/*
 * Terminal set-up and restoration (term.h).
 */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

volatile sig_atomic_t vmtop_stop_signal;

static bool in_curses;
static bool colour;

static void on_stop_signal(int sig)
{
	vmtop_stop_signal = sig;
}

void vmtop_term_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read returns and the loop looks. */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void colours(void)
{
	start_color();
	use_default_colors();
	init_pair(1, COLOR_BLACK, COLOR_CYAN);		/* column header */
	init_pair(2, COLOR_GREEN, -1);			/* running */
	init_pair(3, COLOR_YELLOW, -1);			/* paused */
	init_pair(4, COLOR_RED, -1);			/* crashed, dying */
	init_pair(5, COLOR_CYAN, -1);			/* summary figures */
	colour = true;
}

bool vmtop_term_start(bool want_colour)
{
	static bool registered;

	if (!newterm(NULL, stdout, stdin))
		return false;
	in_curses = true;
	if (!registered) {
		atexit(vmtop_term_stop);
		registered = true;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(150);
	if (want_colour && has_colors())
		colours();
	return true;
}

bool vmtop_term_colour(void)
{
	return colour;
}

void vmtop_term_stop(void)
{
	if (!in_curses)
		return;
	in_curses = false;
	if (!isendwin()) {
		curs_set(1);
		endwin();
	}
	fflush(stdout);
}

/* Read "ESC [ rows ; cols R" within timeout_ms. */
static bool read_cpr(int fd, int timeout_ms, unsigned int *rows, unsigned int *cols)
{
	char buf[32];
	size_t len = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char *esc;

	while (len < sizeof(buf) - 1 && poll(&p, 1, timeout_ms) > 0) {
		ssize_t n = read(fd, buf + len, 1);

		if (n <= 0)
			break;
		len++;
		buf[len] = '\0';
		if (buf[len - 1] == 'R')
			break;
	}
	esc = strstr(buf, "\033[");
	return esc && sscanf(esc, "\033[%u;%uR", rows, cols) == 2;
}

bool vmtop_term_query_size(bool only_if_unknown)
{
	struct winsize ws;
	struct termios saved, raw;
	unsigned int rows = 0, cols = 0;
	bool ok;
	int fd = STDIN_FILENO;

	if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return false;
	if (only_if_unknown && ws.ws_row && ws.ws_col)
		return false;
	if (tcgetattr(fd, &saved) < 0)
		return false;
	raw = saved;
	cfmakeraw(&raw);
	tcsetattr(fd, TCSANOW, &raw);
	/* Save the cursor, go to the far corner, ask where it is, restore. */
	fputs("\0337\033[999;999H\033[6n\0338", stdout);
	fflush(stdout);
	ok = read_cpr(fd, 700, &rows, &cols);
	tcsetattr(fd, TCSANOW, &saved);
	if (!ok || rows < 2 || cols < 10 || rows > 1000 || cols > 1000)
		return false;
	if (ws.ws_row == rows && ws.ws_col == cols)
		return false;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	return ioctl(fd, TIOCSWINSZ, &ws) == 0;
}
