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

/* A rate as a whole number per second, scaled to the width. */
static void rate_cell(const struct vmtop_row *r, double v, unsigned int width,
		      char *buf, size_t size)
{
	if (!r->has_counters)
		snprintf(buf, size, "-");
	else
		vmtop_scale(buf, size, width, (uint64_t)(v + 0.5), 1000);
}

/* A percentage with one decimal (rounded half up), or whole when that
 * is too wide. */
static void pct_cell(double v, unsigned int width, char *buf, size_t size)
{
	uint64_t tenths = v > 0 ? (uint64_t)(v * 10 + 0.5) : 0;
	int n = put_u64(buf, size, tenths / 10);

	if ((size_t)n + 3 <= size) {
		buf[n] = '.';
		buf[n + 1] = (char)('0' + tenths % 10);
		buf[n + 2] = '\0';
		n += 2;
	}
	if ((unsigned int)n > width)
		vmtop_scale(buf, size, width, (uint64_t)(v + 0.5), 1000);
}

void vmtop_cell(const struct vmtop_row *r, enum vmtop_col col, char *buf,
		size_t size)
{
	unsigned int w = vmtop_cols[col].width;

	switch (col) {
	case VMTOP_COL_ID:
		vmtop_scale(buf, size, w, r->domid, 1000);
		break;
	case VMTOP_COL_NAME:
		snprintf(buf, size, "%.*s", (int)w, r->name);
		break;
	case VMTOP_COL_STATE:
		if (size >= 7)
			vmtop_state_letters(r, buf);
		break;
	case VMTOP_COL_CPU_SEC:
		vmtop_scale(buf, size, w, r->cpu_time_ns / 1000000000ull, 1000);
		break;
	case VMTOP_COL_CPU_PCT:
		pct_cell(r->cpu_pct, w, buf, size);
		break;
	case VMTOP_COL_MEM:
	case VMTOP_COL_MAXMEM:
		vmtop_scale_kib(buf, size, w, r->mem_bytes / 1024);
		break;
	case VMTOP_COL_MEM_PCT:
	case VMTOP_COL_MAXMEM_PCT:
		pct_cell(r->mem_pct, w, buf, size);
		break;
	case VMTOP_COL_VCPUS:
		vmtop_scale(buf, size, w, r->nr_vcpus, 1000);
		break;
	case VMTOP_COL_EXITS:
		rate_cell(r, r->exits_ps, w, buf, size);
		break;
	case VMTOP_COL_HCALLS:
		rate_cell(r, r->hcalls_ps, w, buf, size);
		break;
	case VMTOP_COL_PTTRAPS:
		rate_cell(r, r->pttraps_ps, w, buf, size);
		break;
	case VMTOP_COL_SHADOW:
		if (!r->has_counters)
			snprintf(buf, size, "-");
		else
			vmtop_scale_kib(buf, size, w, r->paging_bytes / 1024);
		break;
	case VMTOP_COL_PAGING:
		snprintf(buf, size, "%s", vmtop_paging_str(r->paging));
		break;
	default:
		snprintf(buf, size, "?");
	}
}

int vmtop_line(const struct vmtop_row *r, vmtop_colmask cols, char *buf,
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
		if (r)
			vmtop_cell(r, i, cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%s", vmtop_cols[i].header);
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
