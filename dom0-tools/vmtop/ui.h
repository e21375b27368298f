/*
 * The interactive screen: its state, the drawing (ui_draw.c), the keys
 * (ui_keys.c), the console and vCPU views (ui_console.c, ui_draw.c).
 */
#ifndef VMTOP_UI_H
#define VMTOP_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"
#include "lines.h"
#include "sample.h"

enum vmtop_view {
	VMTOP_VIEW_DOMAINS,
	VMTOP_VIEW_VCPUS,	/* the selected domain's vCPUs */
	VMTOP_VIEW_HELP,
	VMTOP_VIEW_FIELDS,	/* choosing columns */
};

struct vmtop_ui;
typedef void (*vmtop_prompt_done)(struct vmtop_ui *ui, const char *answer);

struct vmtop_ui {
	struct vmctl *h;
	unsigned int delay_ms;
	vmtop_colmask cols;
	enum vmtop_col sort_col;
	bool sort_reverse;
	char filter[UMBRA_DOMAIN_NAME_MAX];
	enum vmtop_view view;

	struct vmtop_sample prev, cur;
	struct vmtop_sample next;	/* a spare, read into before it becomes cur */
	struct vmtop_row *all;		/* every domain of cur */
	unsigned int nr_all;
	struct vmtop_row *rows;		/* filtered and sorted: what shows */
	unsigned int nr_rows;
	struct vmtop_summary sum;
	struct vmtop_lines lines;	/* the rows' lines, kept */

	uint32_t sel_domid;		/* the selected domain */
	bool have_sel;
	unsigned int top;		/* first row on screen (scrolling) */

	const char *prompt;		/* a question on the bottom line */
	char answer[64];
	unsigned int answer_len;
	vmtop_prompt_done prompt_done;
	bool prompt_onekey;		/* the first key is the answer (y/n) */
	uint32_t prompt_domid;		/* the domain a question is about */

	char status[160];		/* the last command's outcome */
	bool quit;
	uint64_t next_refresh_ns;
	unsigned long refreshes;
};

/* Run the screen until q or a stop signal. Returns the exit status. */
int vmtop_ui_run(struct vmctl *h, unsigned int delay_ms);

/* Read a new sample and rebuild the rows; on failure the old rows stay
 * and the status line says why. */
void vmtop_ui_sample(struct vmtop_ui *ui);

/* Re-filter and re-sort what the last sample gave (no management call). */
void vmtop_ui_arrange(struct vmtop_ui *ui);

/* The selected row (NULL if none shows). */
const struct vmtop_row *vmtop_ui_selected(const struct vmtop_ui *ui);

void vmtop_ui_draw(struct vmtop_ui *ui);

/* Handle one key (or KEY_RESIZE). */
void vmtop_ui_key(struct vmtop_ui *ui, int ch);

/* Ask a question on the bottom line; done() gets the answer on Enter. */
void vmtop_ui_ask(struct vmtop_ui *ui, const char *prompt, vmtop_prompt_done done);

/* The selected domain's console until Ctrl-]; curses is left and
 * re-entered around it. */
void vmtop_ui_console(struct vmtop_ui *ui);

void vmtop_ui_status(struct vmtop_ui *ui, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
