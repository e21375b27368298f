/*
 * Batch output (vmtop -b): xentop's batch layout, a header line of
 * column names and one line per domain each interval, or with --json
 * one JSON object per interval on one line. Pure: writes to a FILE.
 */
#ifndef VMTOP_BATCH_H
#define VMTOP_BATCH_H

#include <stdio.h>

#include "format.h"
#include "lines.h"

/* The header line and the rows, as `xentop -b` prints them. */
void vmtop_batch_text(FILE *f, const struct vmtop_row *rows, unsigned int nr,
		      vmtop_colmask cols);

/* The row whose line the last interval printed at a position. */
struct vmtop_batch_pos {
	uint64_t seq;			/* rates.h's seq (0: none) */
	uint32_t domid;
	uint32_t len;			/* its line's bytes, '\n' not counted */
};

/* What batch output keeps from one interval to the next. */
struct vmtop_batch {
	struct vmtop_lines lines;	/* each domain's last line */
	char *out;			/* the interval's text */
	size_t size;
	size_t header_len;		/* out begins with the header of these */
	vmtop_colmask header_cols;	/* columns (0 bytes: none yet) */
	/* Each line of the last interval's text in out, by position: a
	 * position whose row is the same (same seq) is left as it is. */
	struct vmtop_batch_pos *pos;
	unsigned int nr_pos, pos_room;
};

/*
 * The same as vmtop_batch_text(), of rows given in order by pointer,
 * with the lines b kept: only domains whose line changed are formatted,
 * the last interval's text is left in place where the same rows are
 * at the same positions (a changed line of the same length is copied
 * over its old one), and the whole interval goes out in one write (none when f is NULL:
 * the lines are only kept). Returns 0, or -1 when out of memory
 * (nothing written).
 */
int vmtop_batch_lines(struct vmtop_batch *b, FILE *f, const struct vmtop_row *const *rows,
		      unsigned int nr, vmtop_colmask cols);

void vmtop_batch_free(struct vmtop_batch *b);

/* One JSON object, one line: the summary and every row. */
void vmtop_batch_json(FILE *f, const struct vmtop_summary *sum,
		      const struct vmtop_row *rows, unsigned int nr);

/* s as a JSON string, quotes included. */
void vmtop_json_string(FILE *f, const char *s);

#endif
