/*
 * vmtop's columns and how a row's values are written into them: xentop's
 * columns first, in xentop's order and widths (so that scripts written
 * for `xentop -b` parse `vmtop -b`), then Umbra's own. Numbers too wide
 * for their column are scaled with k/M/G/T suffixes. Pure logic.
 */
#ifndef VMTOP_FORMAT_H
#define VMTOP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "rates.h"

enum vmtop_col {
	VMTOP_COL_ID,		/* not in xentop; hidden by default */
	VMTOP_COL_NAME,
	VMTOP_COL_STATE,
	VMTOP_COL_CPU_SEC,
	VMTOP_COL_CPU_PCT,
	VMTOP_COL_MEM,
	VMTOP_COL_MEM_PCT,
	VMTOP_COL_MAXMEM,
	VMTOP_COL_MAXMEM_PCT,
	VMTOP_COL_VCPUS,
	VMTOP_COL_EXITS,
	VMTOP_COL_HCALLS,
	VMTOP_COL_PTTRAPS,
	VMTOP_COL_SHADOW,
	VMTOP_COL_PAGING,
	VMTOP_COL_NR
};

struct vmtop_col_desc {
	const char *header;	/* as xentop writes it, for its columns */
	const char *json;	/* the key in --json output */
	unsigned int width;
	char key;		/* the sort key in the interactive screen */
	const char *what;	/* one line for the help screen */
};

extern const struct vmtop_col_desc vmtop_cols[VMTOP_COL_NR];

/* Which columns show, one bit per enum vmtop_col. */
typedef uint32_t vmtop_colmask;
#define VMTOP_COLS_DEFAULT	(((1u << VMTOP_COL_NR) - 1) & ~(1u << VMTOP_COL_ID))

/* The column whose sort key is `key`, or -1. */
int vmtop_col_by_key(int key);

/*
 * Write v into buf (size bytes) in at most `width` characters: as is if
 * it fits, else divided by `base` (1000 or 1024) until it does, with one
 * decimal when that fits, and the suffix k, M, G, T, P, E. Returns the
 * length written.
 */
int vmtop_scale(char *buf, size_t size, unsigned int width, uint64_t v,
		unsigned int base);

/* The same for a size in KiB (the (k) columns): as is if it fits, else
 * in MiB, GiB, ... with the suffix M, G, T, P, E. */
int vmtop_scale_kib(char *buf, size_t size, unsigned int width, uint64_t kib);

/* xentop's six state letters, d s b c p r, each '-' when not so. */
void vmtop_state_letters(const struct vmtop_row *r, char out[7]);

/* "nested", "shadow", "shared" or "?". */
const char *vmtop_paging_str(uint32_t paging);

/*
 * What a row's line shows, as the integers written: two rows with the
 * same vmtop_shown (compared whole: it is zeroed first) have the same
 * line. A monitor keeps its lines and formats again only the rows
 * whose vmtop_shown changed (lines.h).
 */
struct vmtop_shown {
	uint32_t domid;
	uint32_t state;
	uint32_t crashed;		/* SHUTDOWN for a crash too */
	uint32_t paging;
	uint32_t nr_vcpus;
	char name[UMBRA_DOMAIN_NAME_MAX];	/* zero-filled */
	uint32_t zero;			/* no padding anywhere: memcmp()ed */
	uint64_t cpu_sec;
	uint64_t cpu_pct_tenths;
	uint64_t mem_kib;
	uint64_t mem_pct_tenths;
	uint64_t exits_ps;
	uint64_t hcalls_ps;
	uint64_t pttraps_ps;
	uint64_t shadow_kib;
};

void vmtop_shown(const struct vmtop_row *r, struct vmtop_shown *s);

/* vmtop_line() of what vmtop_shown() made (the header when s is NULL). */
int vmtop_line_shown(const struct vmtop_shown *s, vmtop_colmask cols, char *buf,
		     size_t size);

/* One cell, unpadded, at most the column's width (the name is cut). */
void vmtop_cell(const struct vmtop_row *r, enum vmtop_col col, char *buf,
		size_t size);

/* A whole line, columns right-aligned to their widths, one space
 * between them, no newline; the header line when r is NULL. Returns the
 * length (the line is cut at size - 1). */
int vmtop_line(const struct vmtop_row *r, vmtop_colmask cols, char *buf,
	       size_t size);

/* "1d 02:03:04" or "02:03:04". */
void vmtop_uptime_str(uint64_t ns, char *buf, size_t size);

/* "running", "blocked", "paused", "shutdown", "crashed", "dying", "?":
 * the names `vmctl list --json` uses. */
const char *vmtop_state_name(uint32_t state);

/* A CPU bitmap as a list: "0-1,3" ("-" when empty). */
void vmtop_cpulist(uint64_t mask, char *buf, size_t size);

#endif

