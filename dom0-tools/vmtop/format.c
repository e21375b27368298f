/*
 * Formatting vmtop's cells and lines (format.h).
 */
#include <stdio.h>
#include <string.h>

#include "format.h"

/*
 * The sort keys: xentop's N (name), S (state), C (CPU%), M (memory) and
 * V (vCPUs), and one upper-case letter for every other column. Lower
 * case keys are commands (d, p, c, v, f, h, q, ...).
 */
const struct vmtop_col_desc vmtop_cols[VMTOP_COL_NR] = {
	[VMTOP_COL_ID] = { "ID", "domid", 5, 'I', "domain id" },
	[VMTOP_COL_NAME] = { "NAME", "name", 10, 'N', "domain name" },
	[VMTOP_COL_STATE] = { "STATE", "state", 6, 'S',
		"d dying, s shutdown, b blocked, c crashed, p paused, r running" },
	[VMTOP_COL_CPU_SEC] = { "CPU(sec)", "cpu_sec", 10, 'T', "CPU time used, seconds" },
	[VMTOP_COL_CPU_PCT] = { "CPU(%)", "cpu_pct", 6, 'C',
		"CPU use over the last interval (100 per busy vCPU)" },
	[VMTOP_COL_MEM] = { "MEM(k)", "mem_k", 10, 'M', "RAM, KiB" },
	[VMTOP_COL_MEM_PCT] = { "MEM(%)", "mem_pct", 6, 'E', "RAM, % of the machine's" },
	[VMTOP_COL_MAXMEM] = { "MAXMEM(k)", "maxmem_k", 10, 'A',
		"RAM limit, KiB (Umbra does not balloon: MEM)" },
	[VMTOP_COL_MAXMEM_PCT] = { "MAXMEM(%)", "maxmem_pct", 9, 'B',
		"RAM limit, % of the machine's" },
	[VMTOP_COL_VCPUS] = { "VCPUS", "vcpus", 5, 'V', "virtual CPUs" },
	[VMTOP_COL_EXITS] = { "EXITS/s", "exits_ps", 8, 'X', "VM exits per second" },
	[VMTOP_COL_HCALLS] = { "HCALLS/s", "hcalls_ps", 8, 'H', "hypercalls per second" },
	[VMTOP_COL_PTTRAPS] = { "PTTRAPS/s", "pttraps_ps", 9, 'W',
		"guest page-table writes trapped per second" },
	[VMTOP_COL_SHADOW] = { "SHADOW(k)", "shadow_k", 9, 'K',
		"page-table memory Umbra holds for it, KiB" },
	[VMTOP_COL_PAGING] = { "PAGING", "paging", 6, 'G', "nested, shadow or shared" },
};

int vmtop_col_by_key(int key)
{
	int i;

	for (i = 0; i < VMTOP_COL_NR; i++)
		if (vmtop_cols[i].key == key)
			return i;
	return -1;
}

/* v in decimal, without printf: a screen of 100 domains formats some
 * 1,500 numbers per refresh, and this is the refresh's main cost. */
static int put_u64(char *buf, size_t size, uint64_t v)
{
	char tmp[24];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if ((size_t)n >= size)
	{
		if (size)
			buf[0] = '\0';
		return n;
	}
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

static int scale(char *buf, size_t size, unsigned int width, uint64_t v,
		 unsigned int base, const char *sfx)
{
	double x = (double)v;
	int n;

	n = put_u64(buf, size, v);
	if ((unsigned int)n <= width)
		return n;
	for (; *sfx; sfx++) {
		x /= base;
		n = snprintf(buf, size, "%.1f%c", x, *sfx);
		if ((unsigned int)n <= width)
			return n;
		n = snprintf(buf, size, "%.0f%c", x, *sfx);
		if ((unsigned int)n <= width)
			return n;
	}
	return n;
}

int vmtop_scale(char *buf, size_t size, unsigned int width, uint64_t v,
		unsigned int base)
{
	return scale(buf, size, width, v, base, "kMGTPE");
}

int vmtop_scale_kib(char *buf, size_t size, unsigned int width, uint64_t kib)
{
	return scale(buf, size, width, kib, 1024, "MGTPE");
}

void vmtop_state_letters(const struct vmtop_row *r, char out[7])
{
	bool crashed = r->state == UMBRA_DOMSTATE_CRASHED ||
		(r->state == UMBRA_DOMSTATE_SHUTDOWN && r->shutdown_reason == SHUTDOWN_crash);

	memcpy(out, "------", 7);
	if (r->state == UMBRA_DOMSTATE_DYING)
		out[0] = 'd';
	if (r->state == UMBRA_DOMSTATE_SHUTDOWN && !crashed)
		out[1] = 's';
	if (r->state == UMBRA_DOMSTATE_BLOCKED)
		out[2] = 'b';
	if (crashed)
		out[3] = 'c';
	if (r->state == UMBRA_DOMSTATE_PAUSED)
		out[4] = 'p';
	if (r->state == UMBRA_DOMSTATE_RUNNING)
		out[5] = 'r';
}

const char *vmtop_paging_str(uint32_t paging)
{
	switch (paging) {
	case UMBRA_PAGING_NESTED:
		return "nested";
	case UMBRA_PAGING_SHADOW:
		return "shadow";
	case UMBRA_PAGING_SHARED:
		return "shared";
	}
	return "?";
}

/* A rate as shown: a whole number per second. */
static uint64_t rate_shown(double v)
{
	return v > 0 ? (uint64_t)(v + 0.5) : 0;
}

/* A percentage as shown: tenths, rounded half up. */
static uint64_t pct_shown(double v)
{
	return v > 0 ? (uint64_t)(v * 10 + 0.5) : 0;
}

void vmtop_shown(const struct vmtop_row *r, struct vmtop_shown *s)
{
	size_t n = strnlen(r->name, sizeof(r->name) - 1);

	memset(s, 0, sizeof(*s));
	s->domid = r->domid;
	s->state = r->state;
	s->crashed = r->state == UMBRA_DOMSTATE_CRASHED ||
		(r->state == UMBRA_DOMSTATE_SHUTDOWN && r->shutdown_reason == SHUTDOWN_crash);
	s->paging = r->paging;
	s->nr_vcpus = r->nr_vcpus;
	memcpy(s->name, r->name, n);
	s->cpu_sec = r->cpu_time_ns / 1000000000ull;
	s->cpu_pct_tenths = pct_shown(r->cpu_pct);
	s->mem_kib = r->mem_bytes / 1024;
	s->mem_pct_tenths = pct_shown(r->mem_pct);
	s->exits_ps = rate_shown(r->exits_ps);
	s->hcalls_ps = rate_shown(r->hcalls_ps);
	s->pttraps_ps = rate_shown(r->pttraps_ps);
	s->shadow_kib = r->paging_bytes / 1024;
}

/* A percentage with one decimal, or whole when that is too wide. */
static void pct_cell(uint64_t tenths, unsigned int width, char *buf, size_t size)
{
	int n = put_u64(buf, size, tenths / 10);

	if ((size_t)n + 3 <= size) {
		buf[n] = '.';
		buf[n + 1] = (char)('0' + tenths % 10);
		buf[n + 2] = '\0';
		n += 2;
	}
	if ((unsigned int)n > width)
		vmtop_scale(buf, size, width, (tenths + 5) / 10, 1000);
}

/* A string, cut to the width and the buffer. */
static void str_cell(const char *str, unsigned int width, char *buf, size_t size)
{
	size_t n = strnlen(str, width);

	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, str, n);
	buf[n] = '\0';
}

static void state_cell(const struct vmtop_shown *s, char *buf, size_t size)
{
	struct vmtop_row r = { .state = s->state };

	if (size < 7)
		return;
	/* The letters depend on the state and on crashed alone. */
	if (s->crashed && s->state == UMBRA_DOMSTATE_SHUTDOWN)
		r.shutdown_reason = SHUTDOWN_crash;
	vmtop_state_letters(&r, buf);
}

static void shown_cell(const struct vmtop_shown *s, enum vmtop_col col, char *buf,
		       size_t size)
{
	unsigned int w = vmtop_cols[col].width;

	switch (col) {
	case VMTOP_COL_ID:
		vmtop_scale(buf, size, w, s->domid, 1000);
		break;
	case VMTOP_COL_NAME:
		str_cell(s->name, w, buf, size);
		break;
	case VMTOP_COL_STATE:
		state_cell(s, buf, size);
		break;
	case VMTOP_COL_CPU_SEC:
		vmtop_scale(buf, size, w, s->cpu_sec, 1000);
		break;
	case VMTOP_COL_CPU_PCT:
		pct_cell(s->cpu_pct_tenths, w, buf, size);
		break;
	case VMTOP_COL_MEM:
	case VMTOP_COL_MAXMEM:
		vmtop_scale_kib(buf, size, w, s->mem_kib);
		break;
	case VMTOP_COL_MEM_PCT:
	case VMTOP_COL_MAXMEM_PCT:
		pct_cell(s->mem_pct_tenths, w, buf, size);
		break;
	case VMTOP_COL_VCPUS:
		vmtop_scale(buf, size, w, s->nr_vcpus, 1000);
		break;
	case VMTOP_COL_EXITS:
		vmtop_scale(buf, size, w, s->exits_ps, 1000);
		break;
	case VMTOP_COL_HCALLS:
		vmtop_scale(buf, size, w, s->hcalls_ps, 1000);
		break;
	case VMTOP_COL_PTTRAPS:
		vmtop_scale(buf, size, w, s->pttraps_ps, 1000);
		break;
	case VMTOP_COL_SHADOW:
		vmtop_scale_kib(buf, size, w, s->shadow_kib);
		break;
	case VMTOP_COL_PAGING:
		str_cell(vmtop_paging_str(s->paging), w, buf, size);
		break;
	default:
		str_cell("?", w, buf, size);
	}
}

void vmtop_cell(const struct vmtop_row *r, enum vmtop_col col, char *buf,
		size_t size)
{
	struct vmtop_shown s;

	vmtop_shown(r, &s);
	shown_cell(&s, col, buf, size);
}

int vmtop_line_shown(const struct vmtop_shown *s, vmtop_colmask cols, char *buf,
		     size_t size)
{
	char cell[64];
	size_t len = 0;
	int i;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < VMTOP_COL_NR; i++) {
		size_t w = vmtop_cols[i].width, clen, pad;

		if (!(cols & (1u << i)))
			continue;
		if (s)
			shown_cell(s, i, cell, sizeof(cell));
		else
			str_cell(vmtop_cols[i].header, sizeof(cell) - 1, cell, sizeof(cell));
		clen = strlen(cell);
		pad = (len ? 1 : 0) + (clen < w ? w - clen : 0);
		if (len + pad + clen >= size) {
			/* Cut at the buffer's end, as snprintf would. */
			size_t room = size - 1 - len;

			memset(buf + len, ' ', pad < room ? pad : room);
			if (pad < room)
				memcpy(buf + len + pad, cell, room - pad);
			buf[size - 1] = '\0';
			return (int)size - 1;
		}
		memset(buf + len, ' ', pad);
		memcpy(buf + len + pad, cell, clen + 1);
		len += pad + clen;
	}
	return (int)len;
}

int vmtop_line(const struct vmtop_row *r, vmtop_colmask cols, char *buf,
	       size_t size)
{
	struct vmtop_shown s;

	if (!r)
		return vmtop_line_shown(NULL, cols, buf, size);
	vmtop_shown(r, &s);
	return vmtop_line_shown(&s, cols, buf, size);
}

void vmtop_uptime_str(uint64_t ns, char *buf, size_t size)
{
	uint64_t s = ns / 1000000000ull;
	unsigned long long days = s / 86400;

	if (days)
		snprintf(buf, size, "%llud %02u:%02u:%02u", days,
			 (unsigned int)(s / 3600 % 24), (unsigned int)(s / 60 % 60),
			 (unsigned int)(s % 60));
	else
		snprintf(buf, size, "%02u:%02u:%02u", (unsigned int)(s / 3600),
			 (unsigned int)(s / 60 % 60), (unsigned int)(s % 60));
}

const char *vmtop_state_name(uint32_t state)
{
	static const char *const names[] = {
		[UMBRA_DOMSTATE_RUNNING] = "running",
		[UMBRA_DOMSTATE_BLOCKED] = "blocked",
		[UMBRA_DOMSTATE_PAUSED] = "paused",
		[UMBRA_DOMSTATE_SHUTDOWN] = "shutdown",
		[UMBRA_DOMSTATE_CRASHED] = "crashed",
		[UMBRA_DOMSTATE_DYING] = "dying",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

void vmtop_cpulist(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;
	int i = 0;

	if (size)
		buf[0] = '\0';
	if (!mask) {
		snprintf(buf, size, "-");
		return;
	}
	while (i < 64) {
		int j = i;

		if (!(mask & (1ull << i))) {
			i++;
			continue;
		}
		while (j + 1 < 64 && (mask & (1ull << (j + 1))))
			j++;
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, j > i ? "%s%d-%d" : "%s%d",
						len ? "," : "", i, j);
		i = j + 1;
	}
}
