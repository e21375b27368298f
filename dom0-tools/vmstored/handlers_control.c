/* CONTROL: daemon commands for dom0 (xenstore-control speaks these). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "dispatch.h"
#include "log.h"
#include "tree.h"

#define MAX_ARGS 4

struct control_cmd {
	const char *name;
	const char *usage;
	int (*fn)(struct client *c, struct request *r, const char **argv,
		  unsigned int argc);
};

static int cmd_help(struct client *c, struct request *r, const char **argv,
		    unsigned int argc);

static int cmd_print(struct client *c, struct request *r, const char **argv,
		     unsigned int argc)
{
	(void)c;
	if (argc != 1)
		return EINVAL;
	log_info("control: %s", argv[0]);
	return reply_ok(r);
}

static int cmd_check(struct client *c, struct request *r, const char **argv,
		     unsigned int argc)
{
	const char *err = tree_check(&c->store->tree);

	(void)argv;
	if (argc)
		return EINVAL;
	if (err) {
		log_err("check: %s", err);
		return EIO;
	}
	return reply_ok(r);
}

static int cmd_loglevel(struct client *c, struct request *r, const char **argv,
			unsigned int argc)
{
	int level;

	(void)c;
	if (argc != 1)
		return EINVAL;
	level = log_level_parse(argv[0]);
	if (level < 0)
		return EINVAL;
	log_set_level((enum log_level)level);
	return reply_ok(r);
}

static int quota_domain(struct client *c, struct request *r, const char *arg)
{
	unsigned long domid;
	const struct domain *d;
	char out[256];

	if (!parse_uint(arg, VMS_DOMID_MAX, &domid))
		return EINVAL;
	d = domain_find(c->store, (uint32_t)domid);
	if (!d)
		return ENOENT;
	snprintf(out, sizeof(out), "nodes: %u\nwatches: %u\n", d->nodes,
		 d->watches);
	return reply_string(r, out);
}

static int cmd_quota(struct client *c, struct request *r, const char **argv,
		     unsigned int argc)
{
	struct quota *q = &c->store->quota;
	unsigned long val;
	uint32_t *field;
	char out[512];

	if (argc == 0) {
		snprintf(out, sizeof(out),
			 "nodes: %u\nnode-size: %u\nperms: %u\nwatches: %u\n"
			 "transactions: %u\noutstanding: %u\n", q->nodes,
			 q->node_size, q->perms, q->watches, q->transactions,
			 q->outstanding);
		return reply_string(r, out);
	}
	if (argc == 1)
		return quota_domain(c, r, argv[0]);
	if (argc != 3 || strcmp(argv[0], "set"))
		return EINVAL;
	field = quota_field(q, argv[1]);
	if (!field || !parse_uint(argv[2], UINT32_MAX, &val))
		return EINVAL;
	*field = (uint32_t)val;
	log_info("quota %s set to %lu", argv[1], val);
	return reply_ok(r);
}

/* vmstored extension: this connection accepts replies up to n bytes. */
static int cmd_reply_max(struct client *c, struct request *r, const char **argv,
			 unsigned int argc)
{
	unsigned long n;

	if (argc != 1 || !parse_uint(argv[0], CLIENT_REPLY_MAX_LIMIT, &n) ||
	    n < XENSTORE_PAYLOAD_MAX)
		return EINVAL;
	c->reply_max = (uint32_t)n;
	return reply_ok(r);
}

static int cmd_memreport(struct client *c, struct request *r, const char **argv,
			 unsigned int argc)
{
	const struct store *s = c->store;
	char out[256];

	(void)argv;
	if (argc)
		return EINVAL;
	snprintf(out, sizeof(out), "nodes: %zu\nwatches: %zu\ndomains: %zu\n",
		 s->tree.nnodes, s->watch_index.count, s->domains.count);
	return reply_string(r, out);
}

static const struct control_cmd commands[] = {
	{ "check", "", cmd_check },
	{ "help", "", cmd_help },
	{ "loglevel", "error|warn|info|debug", cmd_loglevel },
	{ "memreport", "", cmd_memreport },
	{ "print", "<string>", cmd_print },
	{ "quota", "[set <name> <value>|<domid>]", cmd_quota },
	{ "reply-max", "<bytes> (4096..65536, this connection)",
	  cmd_reply_max },
};

static int cmd_help(struct client *c, struct request *r, const char **argv,
		    unsigned int argc)
{
	char out[1024];
	size_t i, used = 0;

	(void)c;
	(void)argv;
	(void)argc;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used,
					 "%s\t%s\n", commands[i].name,
					 commands[i].usage);
	return reply_string(r, out);
}

int do_control(struct client *c, struct request *r)
{
	const char *argv[MAX_ARGS + 1];
	unsigned int argc;
	size_t i;

	if (!c->privileged)
		return EACCES;
	for (argc = 1; argc <= MAX_ARGS + 1; argc++)
		if (req_args(r, argv, argc))
			break;
	if (argc > MAX_ARGS + 1)
		return EINVAL;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].fn(c, r, argv + 1, argc - 1);
	return EINVAL;
}
