/*
 * Batch output (vmtop -b): xentop's batch layout, a header line of
 * column names and one line per domain each interval, or with --json
 * one JSON object per interval on one line. Pure: writes to a FILE.
 */
#ifndef VMTOP_BATCH_H
#define VMTOP_BATCH_H

#include <stdio.h>

#include "format.h"

/* The header line and the rows, as `xentop -b` prints them. */
void vmtop_batch_text(FILE *f, const struct vmtop_row *rows, unsigned int nr,
		      vmtop_colmask cols);

/* One JSON object, one line: the summary and every row. */
void vmtop_batch_json(FILE *f, const struct vmtop_summary *sum,
		      const struct vmtop_row *rows, unsigned int nr);

/* s as a JSON string, quotes included. */
void vmtop_json_string(FILE *f, const char *s);

#endif
