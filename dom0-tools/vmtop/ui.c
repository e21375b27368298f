/*
 * The interactive screen's life: sampling on the delay, arranging the
 * rows, waiting for keys, and leaving with the terminal restored.
 */
#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rates.h"
#include "sort.h"
#include "term.h"
#include "ui.h"

void vmtop_ui_status(struct vmtop_ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
}

static bool grow_rows(struct vmtop_ui *ui, unsigned int nr)
{
	struct vmtop_row *all, *rows;

	all = realloc(ui->all, (nr ? nr : 1) * sizeof(*all));
	if (!all)
		return false;
	ui->all = all;
	rows = realloc(ui->rows, (nr ? nr : 1) * sizeof(*rows));
	if (!rows)
		return false;
	ui->rows = rows;
	return true;
}

void vmtop_ui_sample(struct vmtop_ui *ui)
{
	struct vmtop_sample s;
	int rc;

	/* Into the spare sample: on failure the rows (which point into cur)
	 * and prev stay as they were. */
	rc = vmtop_sample_take(ui->h, &ui->next, vmtop_now_ns());
	if (rc < 0) {
		vmtop_ui_status(ui, "reading the domains failed: %s", vmctl_last_error());
		return;
	}
	if (!grow_rows(ui, ui->next.snap.nr)) {
		vmtop_ui_status(ui, "out of memory");
		return;
	}
	/* prev <- cur <- next; next keeps the oldest buffers for reuse. */
	s = ui->prev;
	ui->prev = ui->cur;
	ui->cur = ui->next;
	ui->next = s;
	/* ui->all holds what the last call made of prev: kept rows. */
	ui->nr_all = vmtop_rates_kept(&ui->prev, &ui->cur, ui->all, ui->nr_all);
	vmtop_summarize(&ui->prev, &ui->cur, ui->all, ui->nr_all, &ui->sum);
	ui->refreshes++;
	vmtop_ui_arrange(ui);
}

void vmtop_ui_arrange(struct vmtop_ui *ui)
{
	unsigned int i;

	if (ui->nr_all)
		memcpy(ui->rows, ui->all, ui->nr_all * sizeof(*ui->rows));
	ui->nr_rows = vmtop_filter(ui->rows, ui->nr_all, ui->filter);
	vmtop_sort(ui->rows, ui->nr_rows, ui->sort_col, ui->sort_reverse);
	/* Keep the selection on its domain; if it went, on the first row. */
	for (i = 0; ui->have_sel && i < ui->nr_rows; i++)
		if (ui->rows[i].domid == ui->sel_domid)
			return;
	ui->have_sel = ui->nr_rows > 0;
	if (ui->have_sel)
		ui->sel_domid = ui->rows[0].domid;
}

const struct vmtop_row *vmtop_ui_selected(const struct vmtop_ui *ui)
{
	unsigned int i;

	for (i = 0; ui->have_sel && i < ui->nr_rows; i++)
		if (ui->rows[i].domid == ui->sel_domid)
			return &ui->rows[i];
	return NULL;
}

void vmtop_ui_ask(struct vmtop_ui *ui, const char *prompt, vmtop_prompt_done done)
{
	ui->prompt = prompt;
	ui->answer[0] = '\0';
	ui->answer_len = 0;
	ui->prompt_done = done;
	ui->prompt_onekey = false;
}

/*
 * An escape sequence curses does not know (a key the terminal's terminfo
 * entry does not describe) arrives as ESC and the rest: drop it all,
 * rather than take its ESC for "quit". A lone Esc has nothing after it.
 */
static int drop_unknown_sequence(int ch)
{
	int more = 0;

	if (ch != 0x1b)
		return ch;
	nodelay(stdscr, TRUE);
	while (getch() != ERR)
		more++;
	nodelay(stdscr, FALSE);
	return more ? ERR : ch;
}

/* Wait for a key at most until the next refresh (and at most 250 ms, so
 * that a stop signal is seen soon). */
static int next_key(struct vmtop_ui *ui)
{
	uint64_t now = vmtop_now_ns();
	uint64_t left = ui->next_refresh_ns > now ? ui->next_refresh_ns - now : 0;
	int ms = (int)(left / 1000000);

	timeout(ms > 250 ? 250 : ms);
	return drop_unknown_sequence(getch());
}

static void loop(struct vmtop_ui *ui)
{
	while (!ui->quit && !vmtop_stop_signal) {
		int ch;

		if (vmtop_now_ns() >= ui->next_refresh_ns) {
			if (!ui->prompt)	/* keep the answer's domain still */
				vmtop_ui_sample(ui);
			ui->next_refresh_ns = vmtop_now_ns() + ui->delay_ms * 1000000ull;
			vmtop_ui_draw(ui);
		}
		ch = next_key(ui);
		if (ch == ERR)
			continue;
		vmtop_ui_key(ui, ch);
		if (!ui->quit)
			vmtop_ui_draw(ui);
	}
}

/*
 * Like top, prime the pump before the screen shows: two samples, then a
 * short wait, so that the first screen has rates (over that wait) and
 * finds its sample buffers sized and faulted in (batch_run.c does the
 * same before its first interval).
 */
#define PRIME_MS	500

static void prime(struct vmtop_ui *ui)
{
	struct timespec ts;
	unsigned int ms = ui->delay_ms < PRIME_MS ? ui->delay_ms : PRIME_MS;

	vmtop_ui_sample(ui);
	vmtop_ui_sample(ui);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);	/* a stop signal cuts it short */
	ui->status[0] = '\0';	/* a failure shows again at the next sample */
}

static void ui_free(struct vmtop_ui *ui)
{
	vmtop_sample_free(&ui->prev);
	vmtop_sample_free(&ui->cur);
	vmtop_sample_free(&ui->next);
	vmtop_lines_free(&ui->lines);
	free(ui->all);
	free(ui->rows);
}

int vmtop_ui_run(struct vmctl *h, unsigned int delay_ms)
{
	struct vmtop_ui ui;

	memset(&ui, 0, sizeof(ui));
	ui.h = h;
	ui.delay_ms = delay_ms;
	ui.cols = VMTOP_COLS_DEFAULT;
	ui.sort_col = VMTOP_COL_NAME;
	vmtop_term_signals();
	prime(&ui);
	vmtop_term_query_size(true);
	if (!vmtop_term_start(getenv("NO_COLOR") == NULL)) {
		fprintf(stderr, "vmtop: cannot use the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	loop(&ui);
	vmtop_term_stop();
	ui_free(&ui);
	if (vmtop_stop_signal)
		fprintf(stderr, "vmtop: stopped by signal %d\n", (int)vmtop_stop_signal);
	return 0;
}
