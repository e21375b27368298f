/*
 * vmstored: Umbra's domain store daemon (XenStore-compatible).
 * Option parsing, start-up (state restore, daemonising) and shut-down.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "persist.h"
#include "ring_host.h"
#include "ring_umbra.h"
#include "server.h"

struct options {
	const char *socket_path;
	const char *state_path;
	const char *log_file;
	const char *pid_file;
	const char *ring_dir;
	bool umbra;
	bool foreground;
	bool fresh;
	int log_level;
	unsigned int save_delay_ms;
	const char *quotas[16];
	unsigned int nquotas;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: vmstored [options]\n"
"  -s, --socket PATH     listen on PATH (default " VMS_DEFAULT_SOCKET ")\n"
"  -F, --foreground      stay in the foreground (default: run as a daemon)\n"
"  -l, --log-level L     error, warn, info (default) or debug\n"
"  -L, --log-file FILE   log to FILE (default: stderr in the foreground,\n"
"                        syslog as a daemon)\n"
"  -S, --state FILE      keep the tree in FILE across restarts\n"
"      --fresh           start empty even if FILE exists or is damaged\n"
"      --save-delay MS   save at most MS ms after a change (default 200)\n"
"  -p, --pid-file FILE   write the daemon's pid to FILE\n"
"  -R, --ring-dir DIR    serve introduced guests' rings from files in DIR\n"
"  -U, --umbra           serve introduced guests' rings under Umbra\n"
"                        (their pages and event channels, via /dev/umbra)\n"
"  -q, --quota NAME=N    nodes, node-size, perms, watches, transactions,\n"
"                        outstanding (per unprivileged domain)\n"
"  -h, --help            this text\n");
}

/* Returns 0, or the exit status to stop with. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "log-file", required_argument, NULL, 'L' },
		{ "state", required_argument, NULL, 'S' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "save-delay", required_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "ring-dir", required_argument, NULL, 'R' },
		{ "umbra", no_argument, NULL, 'U' },
		{ "quota", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "s:Fl:L:S:p:R:Uq:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 's': o->socket_path = optarg; break;
		case 'F': o->foreground = true; break;
		case 'L': o->log_file = optarg; break;
		case 'S': o->state_path = optarg; break;
		case 'f': o->fresh = true; break;
		case 'p': o->pid_file = optarg; break;
		case 'R': o->ring_dir = optarg; break;
		case 'U': o->umbra = true; break;
		case 'l':
			o->log_level = log_level_parse(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "vmstored: unknown log level "
					"'%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			o->save_delay_ms = (unsigned int)atoi(optarg);
			break;
		case 'q':
			if (o->nquotas == sizeof(o->quotas) / sizeof(o->quotas[0]))
				return 2;
			o->quotas[o->nquotas++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vmstored: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	return 0;
}

static int apply_quotas(struct store *s, const struct options *o)
{
	unsigned int i;

	for (i = 0; i < o->nquotas; i++) {
		if (store_set_quota(s, o->quotas[i])) {
			fprintf(stderr, "vmstored: bad quota '%s'\n",
				o->quotas[i]);
			return -1;
		}
	}
	return 0;
}

static int restore_state(struct server *srv, const struct options *o)
{
	char err[256];
	int rc;

	if (!o->state_path)
		return 0;
	if (o->fresh) {
		log_info("--fresh: not reading %s", o->state_path);
		srv->store.dirty = true;	/* replace it soon */
		return 0;
	}
	rc = persist_load(&srv->store, o->state_path, err, sizeof(err));
	if (rc < 0) {
		log_err("state file %s is unusable: %s", o->state_path, err);
		log_err("refusing to start; use --fresh to start with an "
			"empty store (the file will be overwritten)");
		return -1;
	}
	if (rc == 1)
		log_info("no state file %s yet: starting empty", o->state_path);
	else
		log_info("restored %zu nodes from %s", srv->store.tree.nnodes,
			 o->state_path);
	return 0;
}

/* Daemons chdir("/"), so relative paths are resolved first. */
static int absolute(const char **path)
{
	char cwd[4096], *abs;

	if (!*path || (*path)[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)) ||
	    asprintf(&abs, "%s/%s", cwd, *path) < 0) {
		fprintf(stderr, "vmstored: cannot resolve %s\n", *path);
		return -1;
	}
	*path = abs;	/* lives as long as the process */
	return 0;
}

static int write_pid_file(const char *path, pid_t pid)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f)) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fork into the background; returns in the daemon only. */
static int daemonise(const struct options *o)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		/* Written before the parent exits, so scripts can rely on it. */
		_exit(o->pid_file && write_pid_file(o->pid_file, pid) ? 1 : 0);
	}
	setsid();
	if (chdir("/"))
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/*
 * Start-up problems go to the log file if there is one, else to stderr
 * where whoever started us sees them; a daemon without a log file
 * switches to syslog once it is in the background.
 */
static int open_log_file(const struct options *o)
{
	int err;

	log_set_level((enum log_level)o->log_level);
	if (!o->log_file)
		return 0;
	err = log_open_file(o->log_file);
	if (err)
		fprintf(stderr, "vmstored: %s: %s\n", o->log_file,
			strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	struct options o = {
		.socket_path = VMS_DEFAULT_SOCKET,
		.log_level = LOG_LVL_INFO,
		.save_delay_ms = 200,
	};
	struct server srv;
	int rc = parse_options(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (absolute(&o.state_path) || absolute(&o.log_file) ||
	    absolute(&o.pid_file) || absolute(&o.ring_dir))
		return 1;
	if (open_log_file(&o) || server_open(&srv, o.socket_path))
		return 1;
	srv.state_path = o.state_path;
	srv.save_delay_ms = o.save_delay_ms;
	if (apply_quotas(&srv.store, &o) || restore_state(&srv, &o))
		goto fail;
	if (o.ring_dir && o.umbra) {
		fprintf(stderr, "vmstored: -R and -U exclude each other\n");
		goto fail;
	}
	if (o.ring_dir)
		ring_host_enable(&srv.loop, o.ring_dir);
	if (o.umbra && ring_umbra_enable(&srv.loop, NULL))
		goto fail;
	if (!o.foreground && daemonise(&o))
		goto fail;
	if (!o.foreground && !o.log_file)
		log_use_syslog();
	if (o.foreground && o.pid_file && write_pid_file(o.pid_file, getpid()))
		goto fail;
	rc = server_run(&srv);
	log_info("stopped%s", rc ? " with errors" : "");
	server_close(&srv);
	if (o.pid_file)
		unlink(o.pid_file);
	log_close();
	return rc ? 1 : 0;
fail:
	server_close(&srv);
	return 1;
}
