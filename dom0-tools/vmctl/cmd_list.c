/*
 * vmctl list and vcpu-list: the domains as xl list prints them (the same
 * columns and state letters, so scripts written for xl read them), a
 * long form, and JSON for programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "domain.h"
#include "json.h"

static bool opt_long, opt_json;

static bool list_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt == 'l')
		opt_long = true;
	else if (opt == 'J')
		opt_json = true;
	else
		return false;
	return true;
}

/* xl's six letters: running, blocked, paused, shutdown, crashed, dying. */
static void state_letters(const struct umbra_domain_info *d, char out[7])
{
	bool crashed = d->state == UMBRA_DOMSTATE_CRASHED ||
		       (d->state == UMBRA_DOMSTATE_SHUTDOWN &&
			d->shutdown_reason == SHUTDOWN_crash);

	memcpy(out, "------", 7);
	if (d->state == UMBRA_DOMSTATE_RUNNING)
		out[0] = 'r';
	if (d->state == UMBRA_DOMSTATE_BLOCKED)
		out[1] = 'b';
	if (d->state == UMBRA_DOMSTATE_PAUSED)
		out[2] = 'p';
	if (d->state == UMBRA_DOMSTATE_SHUTDOWN || crashed)
		out[3] = 's';
	if (crashed)
		out[4] = 'c';
	if (d->state == UMBRA_DOMSTATE_DYING)
		out[5] = 'd';
}

static void name_of(const struct umbra_domain_info *d,
		    char out[UMBRA_DOMAIN_NAME_MAX])
{
	memcpy(out, d->name, UMBRA_DOMAIN_NAME_MAX);
	out[UMBRA_DOMAIN_NAME_MAX - 1] = '\0';
}

static void print_row(const struct umbra_domain_info *d)
{
	char name[UMBRA_DOMAIN_NAME_MAX], st[7], why[128];

	name_of(d, name);
	state_letters(d, st);
	printf("%-40s %5u %5llu %5u     %s  %8.1f", name, d->domid,
	       (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus, st,
	       (double)d->cpu_time_ns / 1e9);
	if (opt_long)
		printf("\t%s\t%s\t%llu\t%s", vmctl_type_name(d->type),
		       vmctl_paging_name(d->paging),
		       (unsigned long long)(d->pool_bytes >> 20),
		       domain_stopped(d) ? domain_stop_text(d, why, sizeof(why)) : "-");
	putchar('\n');
}

static void json_vcpus(const struct umbra_domain_info *d)
{
	char cpus[200];
	unsigned int i;

	printf("[");
	for (i = 0; i < d->nr_vcpus && i < UMBRA_MAX_VCPUS; i++) {
		const struct umbra_vcpu_info *v = &d->vcpu[i];

		vmcfg_format_cpus(v->affinity, 0, cpus, sizeof(cpus));
		printf("%s{\"vcpu\": %u, \"state\": ", i ? ", " : "", i);
		json_string(stdout, vmctl_vcpustate_name(v->state), 64);
		printf(", \"cpu\": %d, \"affinity\": \"%s\", \"time_s\": %.3f}",
		       v->pcpu, cpus, (double)v->cpu_time_ns / 1e9);
	}
	printf("]");
}

static void print_json(const struct umbra_domain_info *d, bool first)
{
	char st[7];

	state_letters(d, st);
	printf("%s\n  {\"name\": ", first ? "" : ",");
	json_string(stdout, d->name, UMBRA_DOMAIN_NAME_MAX);
	printf(", \"domid\": %u, \"mem_mib\": %llu, \"vcpus\": %u, "
	       "\"state\": \"%s\", \"state_letters\": \"%s\", "
	       "\"time_s\": %.3f, \"type\": \"%s\", \"paging\": \"%s\", "
	       "\"pool_mib\": %llu, \"dom0\": %s, \"shutdown_reason\": ",
	       d->domid, (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus,
	       vmctl_domstate_name(d->state), st, (double)d->cpu_time_ns / 1e9,
	       vmctl_type_name(d->type), vmctl_paging_name(d->paging),
	       (unsigned long long)(d->pool_bytes >> 20),
	       d->flags & UMBRA_DOMFLAG_DOM0 ? "true" : "false");
	if (d->state == UMBRA_DOMSTATE_SHUTDOWN)
		printf("\"%s\"", vmctl_shutdown_name(d->shutdown_reason));
	else
		printf("null");
	printf(", \"crash_reason\": ");
	if (d->state == UMBRA_DOMSTATE_CRASHED)
		json_string(stdout, d->reason, UMBRA_REASON_MAX);
	else
		printf("null");
	printf(", \"vcpu\": ");
	json_vcpus(d);
	printf("}");
}

/* Is domain d one of the nr named (all if none are)? */
static bool wanted(const struct umbra_domain_info *d, int nr, const long *ids)
{
	int i;

	if (!nr)
		return true;
	for (i = 0; i < nr; i++)
		if (ids[i] == (long)d->domid)
			return true;
	return false;
}

/* The ids of the domains named on the command line (each must exist). */
static long *named_ids(int nr, char **names)
{
	long *ids = calloc(nr ? nr : 1, sizeof(*ids));
	int i;

	if (!ids)
		cli_fail_errno("list");
	for (i = 0; i < nr; i++)
		ids[i] = cli_domain(names[i], NULL);
	return ids;
}

int cmd_list(int argc, char **argv)
{
	struct umbra_domain_info *list;
	unsigned int nr, i;
	bool first = true;
	int start, rc;
	long *ids;

	start = cli_options(argc, argv, "l", list_opt);
	ids = named_ids(argc - start, argv + start);
	rc = vmctl_domain_list(cli_handle(), &list, &nr);
	if (rc < 0)
		cli_fail_lib(rc, "domain list");
	if (opt_json)
		printf("[");
	else
		printf("Name                                        ID   Mem VCPUs\t"
		       "State\tTime(s)%s\n", opt_long ? "\tType\tPaging\tPool(MiB)\tStopped" : "");
	for (i = 0; i < nr; i++) {
		if (!wanted(&list[i], argc - start, ids))
			continue;
		if (opt_json)
			print_json(&list[i], first);
		else
			print_row(&list[i]);
		first = false;
	}
	if (opt_json)
		printf("\n]\n");
	free(list);
	free(ids);
	return 0;
}

static void vcpu_rows(const struct umbra_domain_info *d, uint64_t all)
{
	char name[UMBRA_DOMAIN_NAME_MAX], cpus[200], cpu[16];
	unsigned int i;

	name_of(d, name);
	for (i = 0; i < d->nr_vcpus && i < UMBRA_MAX_VCPUS; i++) {
		const struct umbra_vcpu_info *v = &d->vcpu[i];
		const char *st = "-";

		if (d->state == UMBRA_DOMSTATE_PAUSED)
			st = "p";
		else if (v->state == UMBRA_VCPUSTATE_RUNNING)
			st = "r";
		else if (v->state == UMBRA_VCPUSTATE_BLOCKED)
			st = "b";
		else if (v->state == UMBRA_VCPUSTATE_DOWN)
			st = "d";
		if (v->pcpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", v->pcpu);
		else
			snprintf(cpu, sizeof(cpu), "-");
		vmcfg_format_cpus(v->affinity, all, cpus, sizeof(cpus));
		printf("%-32s %5u %5u %5s   %-3s  %9.1f  %s\n", name, d->domid, i,
		       cpu, st, (double)v->cpu_time_ns / 1e9, cpus);
	}
}

int cmd_vcpu_list(int argc, char **argv)
{
	struct umbra_mgmt_physinfo pi;
	struct umbra_domain_info *list;
	unsigned int nr, i;
	int start, rc;
	long *ids;

	start = cli_options(argc, argv, "", NULL);
	ids = named_ids(argc - start, argv + start);
	rc = vmctl_physinfo(cli_handle(), &pi);
	if (rc < 0)
		cli_fail_lib(rc, "physinfo");
	rc = vmctl_domain_list(cli_handle(), &list, &nr);
	if (rc < 0)
		cli_fail_lib(rc, "domain list");
	printf("%-32s %5s %5s %5s   %-5s %9s  %s\n", "Name", "ID", "VCPU", "CPU",
	       "State", "Time(s)", "Affinity");
	for (i = 0; i < nr; i++)
		if (wanted(&list[i], argc - start, ids))
			vcpu_rows(&list[i], pi.cpus_online);
	free(list);
	free(ids);
	return 0;
}
