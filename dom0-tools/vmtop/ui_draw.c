/*
 * Drawing the screen: the summary, the column header, the rows, the
 * bottom line, and the help, vCPU and column views. Columns that do not
 * fit the terminal's width are left out from the right.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lines.h"
#include "rates.h"
#include "term.h"
#include "ui.h"

#define SUMMARY_LINES	5	/* above the column header */

static int pair(int n)
{
	return vmtop_term_colour() ? COLOR_PAIR(n) : 0;
}

/* The columns that fit in the terminal's width. */
static vmtop_colmask fitting_cols(vmtop_colmask cols)
{
	vmtop_colmask fit = 0;
	int i, used = 0;

	for (i = 0; i < VMTOP_COL_NR; i++) {
		int w = (int)vmtop_cols[i].width + (used ? 1 : 0);

		if (!(cols & (1u << i)))
			continue;
		if (used + w > COLS)
			break;
		used += w;
		fit |= 1u << i;
	}
	return fit;
}

/* A line of text at row y, cut at the screen's width (never wrapped). */
static void put_line(int y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_line(int y, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mvaddnstr(y, 0, line, COLS);
}

static void cpu_line(const struct vmtop_summary *s)
{
	char line[512];
	size_t len;
	unsigned int i;

	len = (size_t)snprintf(line, sizeof(line), "CPUs: %u   load %.1f%%  ", s->nr_cpus,
			       s->load_total);
	for (i = 0; i < VMTOP_MAX_CPUS && len < sizeof(line); i++)
		if (s->cpus_online & (1ull << i))
			len += (size_t)snprintf(line + len, sizeof(line) - len, " cpu%u %.1f%%",
						i, s->cpu_load[i]);
	mvaddnstr(1, 0, line, COLS);
}

static void draw_summary(const struct vmtop_ui *ui)
{
	const struct vmtop_summary *s = &ui->sum;
	char up[32];

	vmtop_uptime_str(s->uptime_ns, up, sizeof(up));
	put_line(0, "vmtop - Umbra %u.%u   up %s   delay %.1fs   sort %s%s",
		 s->umbra_version >> 16, s->umbra_version & 0xffff, up,
		 ui->delay_ms / 1000.0, vmtop_cols[ui->sort_col].header,
		 ui->sort_reverse ? " (reversed)" : "");
	cpu_line(s);
	put_line(2, "Mem: %lluk total, %lluk free, %lluk reserved",
		 (unsigned long long)(s->total_bytes / 1024),
		 (unsigned long long)(s->free_bytes / 1024),
		 (unsigned long long)(s->reserved_bytes / 1024));
	put_line(3, "%u domains: %u running, %u blocked, %u paused, %u crashed, "
		 "%u dying, %u shutdown", s->nr_doms, s->by_state[UMBRA_DOMSTATE_RUNNING],
		 s->by_state[UMBRA_DOMSTATE_BLOCKED], s->by_state[UMBRA_DOMSTATE_PAUSED],
		 s->by_state[UMBRA_DOMSTATE_CRASHED], s->by_state[UMBRA_DOMSTATE_DYING],
		 s->by_state[UMBRA_DOMSTATE_SHUTDOWN]);
	if (ui->filter[0])
		put_line(4, "filter: %s (%u of %u shown)", ui->filter, ui->nr_rows,
			 ui->nr_all);
}

static void draw_col_header(const struct vmtop_ui *ui, vmtop_colmask cols)
{
	int i, x = 0;

	move(SUMMARY_LINES, 0);
	attron(A_REVERSE | pair(1));
	for (i = 0; i < VMTOP_COL_NR; i++) {
		if (!(cols & (1u << i)))
			continue;
		if (x)
			addch(' ');
		if (i == (int)ui->sort_col)
			attron(A_BOLD);
		printw("%*s", (int)vmtop_cols[i].width, vmtop_cols[i].header);
		if (i == (int)ui->sort_col)
			attroff(A_BOLD);
		x = 1;
	}
	hline(' ', COLS);
	attroff(A_REVERSE | pair(1));
}

static int row_attr(const struct vmtop_row *r)
{
	switch (r->state) {
	case UMBRA_DOMSTATE_RUNNING:
		return pair(2);
	case UMBRA_DOMSTATE_PAUSED:
		return pair(3);
	case UMBRA_DOMSTATE_CRASHED:
	case UMBRA_DOMSTATE_DYING:
		return pair(4);
	}
	return 0;
}

/* Keep the selected row on screen. */
static void scroll_to_selection(struct vmtop_ui *ui, unsigned int room)
{
	unsigned int i;

	for (i = 0; i < ui->nr_rows; i++)
		if (ui->have_sel && ui->rows[i].domid == ui->sel_domid)
			break;
	if (i == ui->nr_rows)
		i = 0;
	if (i < ui->top)
		ui->top = i;
	if (room && i >= ui->top + room)
		ui->top = i - room + 1;
	if (ui->top >= ui->nr_rows)
		ui->top = 0;
}

static void draw_rows(struct vmtop_ui *ui, vmtop_colmask cols)
{
	int first = SUMMARY_LINES + 1, room = LINES - 1 - first;
	unsigned int i;

	if (room <= 0)
		return;
	scroll_to_selection(ui, (unsigned int)room);
	for (i = ui->top; i < ui->nr_rows && (int)(i - ui->top) < room; i++) {
		const struct vmtop_row *r = &ui->rows[i];
		bool sel = ui->have_sel && r->domid == ui->sel_domid;
		int a = row_attr(r) | (sel ? A_REVERSE : 0);

		size_t len;
		/* Only the rows on screen, and those kept unless they changed. */
		const char *line = vmtop_lines_get(&ui->lines, r, cols, &len);

		move(first + (int)(i - ui->top), 0);
		attron(a);
		addnstr(line, (int)len < COLS ? (int)len : COLS);
		if (sel)
			hline(' ', COLS);
		attroff(a);
	}
}

static void draw_bottom(const struct vmtop_ui *ui)
{
	move(LINES - 1, 0);
	clrtoeol();
	if (ui->prompt) {
		printw("%s %s", ui->prompt, ui->answer);
		return;
	}
	if (ui->status[0]) {
		addnstr(ui->status, COLS - 1);
		return;
	}
	addnstr("h help  q quit  arrows select  p pause  D destroy  c console  "
		"v vCPUs  f fields  / filter  d delay  N S C M V ... sort", COLS - 1);
}

static void draw_vcpus(const struct vmtop_ui *ui)
{
	const struct vmtop_row *r = vmtop_ui_selected(ui);
	const struct umbra_domain_snapshot *old = NULL;
	char aff[64];
	unsigned int i;

	if (!r) {
		mvprintw(SUMMARY_LINES + 1, 0, "no domain selected (v returns)");
		return;
	}
	for (i = 0; i < ui->prev.snap.nr; i++)
		if (ui->prev.snap.dom[i]->domid == r->domid)
			old = ui->prev.snap.dom[i];
	mvprintw(SUMMARY_LINES - 1, 0, "vCPUs of %s (id %u), v returns", r->name, r->domid);
	move(SUMMARY_LINES, 0);
	attron(A_REVERSE | pair(1));
	printw("%5s %-9s %5s %-16s %10s %6s", "VCPU", "STATE", "PCPU", "AFFINITY",
	       "TIME(s)", "CPU(%)");
	hline(' ', COLS);
	attroff(A_REVERSE | pair(1));
	for (i = 0; r->vcpu && i < r->nr_vcpus && (int)i < LINES - SUMMARY_LINES - 2; i++) {
		const struct umbra_vcpu_info *v = &r->vcpu[i];
		double pct = 0.0;

		if (old && r->has_rates && i < old->nr_vcpus)
			pct = vmtop_rate(old->vcpu[i].cpu_time_ns, v->cpu_time_ns,
					 ui->cur.t_ns - ui->prev.t_ns) / 1e7;
		if (pct > 100.0)
			pct = 100.0;
		vmtop_cpulist(v->affinity, aff, sizeof(aff));
		mvprintw(SUMMARY_LINES + 1 + (int)i, 0, "%5u %-9s %5s %-16s %10.1f %6.1f", i,
			 v->state == UMBRA_VCPUSTATE_RUNNABLE ? "runnable" :
			 v->state == UMBRA_VCPUSTATE_RUNNING ? "running" :
			 v->state == UMBRA_VCPUSTATE_BLOCKED ? "blocked" :
			 v->state == UMBRA_VCPUSTATE_DOWN ? "down" : "?",
			 "", aff, (double)v->cpu_time_ns / 1e9, pct);
		if (v->pcpu >= 0)
			mvprintw(SUMMARY_LINES + 1 + (int)i, 16, "%5d", v->pcpu);
		else
			mvprintw(SUMMARY_LINES + 1 + (int)i, 16, "%5s", "-");
	}
}

static void draw_help(void)
{
	static const char *const keys[] = {
		"Keys",
		"  Up/Down, PgUp/PgDn, Home/End   select a domain",
		"  p       pause or unpause the selected domain",
		"  D       destroy the selected domain (asks first: y)",
		"  c       the selected domain's console (Ctrl-] comes back)",
		"  v       the selected domain's vCPUs (pCPU, affinity, state, time)",
		"  f       choose the columns shown",
		"  /       show only domains whose name contains a text (empty: all)",
		"  d       delay between refreshes, seconds",
		"  Ctrl-L  redraw (and ask a serial terminal its size again)",
		"  h, ?    this help (any key returns)",
		"  q, Esc  quit",
		"Sort keys (the same key again reverses the order)",
	};
	unsigned int i;
	int y = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && y < LINES - 1; i++)
		mvaddnstr(y++, 0, keys[i], COLS);
	for (i = 0; i < VMTOP_COL_NR && y < LINES - 1; i++)
		put_line(y++, "  %c       %-10s %s", vmtop_cols[i].key,
			 vmtop_cols[i].header, vmtop_cols[i].what);
}

static void draw_fields(const struct vmtop_ui *ui)
{
	int i;

	mvaddnstr(0, 0, "Columns: press a column's key to show or hide it; "
		  "Enter, Esc or f returns", COLS);
	for (i = 0; i < VMTOP_COL_NR && i + 2 < LINES; i++)
		put_line(i + 2, "  [%c] %c  %-10s %s", (ui->cols & (1u << i)) ? 'x' : ' ',
			 vmtop_cols[i].key, vmtop_cols[i].header, vmtop_cols[i].what);
}

void vmtop_ui_draw(struct vmtop_ui *ui)
{
	vmtop_colmask cols = fitting_cols(ui->cols);

	erase();
	switch (ui->view) {
	case VMTOP_VIEW_HELP:
		draw_help();
		break;
	case VMTOP_VIEW_FIELDS:
		draw_fields(ui);
		break;
	case VMTOP_VIEW_VCPUS:
		draw_summary(ui);
		draw_vcpus(ui);
		break;
	default:
		draw_summary(ui);
		draw_col_header(ui, cols);
		draw_rows(ui, cols);
	}
	draw_bottom(ui);
	refresh();
}
