/*
 * timeit [-m TEXT] CMD [ARG...]: run CMD with its output through a pipe
 * (passed on to ours), and say on stderr how long until the first output
 * containing TEXT and until CMD ended, in milliseconds of CLOCK_MONOTONIC:
 *   timeit: match_ms=N total_ms=N status=N
 * (match_ms=- when TEXT never came). busybox's date and time have no
 * milliseconds; the benchmarks in dom0 use this instead. Static, for
 * dom0's initramfs (/usr/libexec/umbra-tests/).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *text = NULL;
	char buf[4096], tail[8192] = "";
	double t0, match = -1;
	int p[2], st, first = 1;
	ssize_t n;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-m")) {
		text = argv[2];
		first = 3;
	}
	if (first >= argc || pipe(p)) {
		fprintf(stderr, "usage: timeit [-m TEXT] CMD [ARG...]\n");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execvp(argv[first], argv + first);
		perror(argv[first]);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf) - 1)) > 0) {
		fwrite(buf, 1, n, stdout);
		if (!text || match >= 0)
			continue;
		buf[n] = '\0';
		/* Keep a window so a match split between reads is found. */
		if (strlen(tail) + n >= sizeof(tail))
			memmove(tail, tail + strlen(tail) / 2, strlen(tail) / 2 + 1);
		strcat(tail, buf);
		if (strstr(tail, text))
			match = now_ms() - t0;
	}
	waitpid(pid, &st, 0);
	fflush(stdout);
	if (match >= 0)
		fprintf(stderr, "timeit: match_ms=%.1f", match);
	else
		fprintf(stderr, "timeit: match_ms=-");
	fprintf(stderr, " total_ms=%.1f status=%d\n", now_ms() - t0,
		WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
