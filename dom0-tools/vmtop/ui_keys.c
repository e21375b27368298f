/*
 * What each key does (the help screen in ui_draw.c lists them): sort
 * keys are upper case (xentop's N S C M V and one per column, see
 * format.c), commands lower case, D destroys (after a y).
 */
#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "term.h"
#include "ui.h"

#define KEY_CTRL(c)	((c) & 0x1f)
#define KEY_ESC		0x1b

static void set_delay(struct vmtop_ui *ui, const char *answer)
{
	char *end;
	double s = strtod(answer, &end);

	if (end == answer || *end || s < 0.1 || s > 3600) {
		vmtop_ui_status(ui, "delay: give seconds from 0.1 to 3600 (not '%s')", answer);
		return;
	}
	ui->delay_ms = (unsigned int)(s * 1000 + 0.5);
	ui->next_refresh_ns = 0;
	vmtop_ui_status(ui, "delay %.1f s", ui->delay_ms / 1000.0);
}

static void set_filter(struct vmtop_ui *ui, const char *answer)
{
	snprintf(ui->filter, sizeof(ui->filter), "%s", answer);
	vmtop_ui_arrange(ui);
	vmtop_ui_status(ui, "%s", ui->filter[0] ? "filtering (/ and Enter: all)" : "");
}

static void confirm_destroy(struct vmtop_ui *ui, const char *answer)
{
	int rc;

	if (strcmp(answer, "y") && strcmp(answer, "Y")) {
		vmtop_ui_status(ui, "not destroyed");
		return;
	}
	rc = vmctl_domain_destroy(ui->h, ui->prompt_domid);
	if (rc < 0)
		vmtop_ui_status(ui, "destroy %u: %s", ui->prompt_domid, vmctl_last_error());
	else
		vmtop_ui_status(ui, "domain %u destroyed", ui->prompt_domid);
	ui->next_refresh_ns = 0;
}

static const struct vmtop_row *selected_domu(struct vmtop_ui *ui, const char *what)
{
	const struct vmtop_row *r = vmtop_ui_selected(ui);

	if (!r)
		vmtop_ui_status(ui, "no domain selected");
	else if (r->flags & UMBRA_DOMFLAG_DOM0) {
		vmtop_ui_status(ui, "dom0 (where vmtop runs) cannot be %s here", what);
		r = NULL;
	}
	return r;
}

static void toggle_pause(struct vmtop_ui *ui)
{
	const struct vmtop_row *r = selected_domu(ui, "paused");
	bool paused;
	int rc;

	if (!r)
		return;
	paused = r->state == UMBRA_DOMSTATE_PAUSED;
	rc = paused ? vmctl_domain_unpause(ui->h, r->domid) :
		vmctl_domain_pause(ui->h, r->domid);
	if (rc < 0)
		vmtop_ui_status(ui, "%s %s: %s", paused ? "unpause" : "pause", r->name,
				vmctl_last_error());
	else
		vmtop_ui_status(ui, "%s %s", paused ? "unpaused" : "paused", r->name);
	ui->next_refresh_ns = 0;
}

static void ask_destroy(struct vmtop_ui *ui)
{
	static char question[96];
	const struct vmtop_row *r = selected_domu(ui, "destroyed");

	if (!r)
		return;
	snprintf(question, sizeof(question), "Destroy %s (id %u)? y/N", r->name, r->domid);
	vmtop_ui_ask(ui, question, confirm_destroy);
	ui->prompt_onekey = true;
	ui->prompt_domid = r->domid;
}

static void move_selection(struct vmtop_ui *ui, int by)
{
	int i, n = (int)ui->nr_rows;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		if (ui->have_sel && ui->rows[i].domid == ui->sel_domid)
			break;
	if (i == n)
		i = 0;
	i += by;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	ui->sel_domid = ui->rows[i].domid;
	ui->have_sel = true;
}

static void sort_by(struct vmtop_ui *ui, enum vmtop_col col)
{
	if (ui->sort_col == col)
		ui->sort_reverse = !ui->sort_reverse;
	else {
		ui->sort_col = col;
		ui->sort_reverse = false;
	}
	vmtop_ui_arrange(ui);
}

static void prompt_key(struct vmtop_ui *ui, int ch)
{
	vmtop_prompt_done done = ui->prompt_done;

	if (ui->prompt_onekey) {
		char a[2] = { (char)(ch < 256 ? ch : 0), 0 };

		ui->prompt = NULL;
		done(ui, a);
		return;
	}
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		ui->prompt = NULL;
		done(ui, ui->answer);
	} else if (ch == KEY_ESC) {
		ui->prompt = NULL;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == '\b') {
		if (ui->answer_len)
			ui->answer[--ui->answer_len] = '\0';
	} else if (ch < 256 && isprint(ch) && ui->answer_len + 1 < sizeof(ui->answer)) {
		ui->answer[ui->answer_len++] = (char)ch;
		ui->answer[ui->answer_len] = '\0';
	}
}

static void redraw_all(void)
{
	/* On a serial line the size only changes if we ask; a change
	 * raises SIGWINCH and comes back as KEY_RESIZE. */
	def_prog_mode();
	endwin();
	vmtop_term_query_size(false);
	reset_prog_mode();
	clearok(curscr, TRUE);
}

/* Keys of every view that shows the domain list. */
static bool common_key(struct vmtop_ui *ui, int ch)
{
	switch (ch) {
	case KEY_UP:
		move_selection(ui, -1);
		return true;
	case KEY_DOWN:
		move_selection(ui, 1);
		return true;
	case KEY_PPAGE:
		move_selection(ui, -(LINES / 2));
		return true;
	case KEY_NPAGE:
		move_selection(ui, LINES / 2);
		return true;
	case KEY_HOME:
		move_selection(ui, -(int)ui->nr_rows);
		return true;
	case KEY_END:
		move_selection(ui, (int)ui->nr_rows);
		return true;
	case KEY_CTRL('l'):
		redraw_all();
		return true;
	case KEY_RESIZE:
		return true;
	case 'q':
	case 'Q':
	case KEY_ESC:
		ui->quit = true;
		return true;
	}
	return false;
}

static void domains_key(struct vmtop_ui *ui, int ch)
{
	int col = vmtop_col_by_key(ch);

	if (common_key(ui, ch))
		return;
	if (col >= 0) {
		sort_by(ui, (enum vmtop_col)col);
		return;
	}
	switch (ch) {
	case 'd':
		vmtop_ui_ask(ui, "Delay (seconds):", set_delay);
		break;
	case '/':
		vmtop_ui_ask(ui, "Filter (part of a name, empty for all):", set_filter);
		break;
	case 'p':
		toggle_pause(ui);
		break;
	case 'D':
		ask_destroy(ui);
		break;
	case 'c':
		vmtop_ui_console(ui);
		break;
	case 'v':
		ui->view = VMTOP_VIEW_VCPUS;
		break;
	case 'f':
		ui->view = VMTOP_VIEW_FIELDS;
		break;
	case 'h':
	case '?':
		ui->view = VMTOP_VIEW_HELP;
		break;
	}
}

static void fields_key(struct vmtop_ui *ui, int ch)
{
	int col = vmtop_col_by_key(toupper(ch < 256 ? ch : 0));

	if (ch == 'f' || ch == KEY_ESC || ch == '\r' || ch == '\n' || ch == KEY_ENTER)
		ui->view = VMTOP_VIEW_DOMAINS;
	else if (col >= 0)
		ui->cols ^= 1u << col;
}

void vmtop_ui_key(struct vmtop_ui *ui, int ch)
{
	if (ch != KEY_RESIZE)
		ui->status[0] = '\0';
	if (ui->prompt) {
		prompt_key(ui, ch);
		return;
	}
	switch (ui->view) {
	case VMTOP_VIEW_HELP:
		if (ch != KEY_RESIZE)
			ui->view = VMTOP_VIEW_DOMAINS;
		break;
	case VMTOP_VIEW_FIELDS:
		fields_key(ui, ch);
		break;
	case VMTOP_VIEW_VCPUS:
		if (ch == 'v' || ch == KEY_ESC)
			ui->view = VMTOP_VIEW_DOMAINS;
		else
			common_key(ui, ch);
		break;
	default:
		domains_key(ui, ch);
	}
}
