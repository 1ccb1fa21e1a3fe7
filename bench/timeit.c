/* SPDX-License-Identifier: ISC
 * timeit: wall time of whole commands, interleaved so that drift in the
 * host's speed hits every command alike.  bench/run's stopwatch.
 *
 *   timeit RUNS CMD [ARG...] [::: CMD [ARG...]]...
 *
 * Runs every command RUNS times, in rounds (A B, then B A, ...), each with
 * stdout on /dev/null; prints one line per command, in order:
 * "median_ns=N min_ns=N max_ns=N".  Fails at once if a run fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#define MAX_CMDS 8

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Runs argv once with stdout on /dev/null; returns its wall time, or 0 on failure. */
static uint64_t run_once(char **argv, const posix_spawn_file_actions_t *fa)
{
	uint64_t t0, t1;
	pid_t pid;
	int r, status;

	t0 = now_ns();
	r = posix_spawnp(&pid, argv[0], fa, NULL, argv, environ);
	if (r) {
		fprintf(stderr, "timeit: cannot run '%s': %s\n", argv[0], strerror(r));
		return 0;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "timeit: waitpid: %s\n", strerror(errno));
			return 0;
		}
	t1 = now_ns();
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "timeit: '%s' was killed by signal %d\n", argv[0],
			WTERMSIG(status));
		return 0;
	}
	if (WEXITSTATUS(status)) {
		fprintf(stderr, "timeit: '%s' failed with status %d\n", argv[0],
			WEXITSTATUS(status));
		return 0;
	}
	return t1 > t0 ? t1 - t0 : 1;
}

int main(int argc, char **argv)
{
	char **cmd[MAX_CMDS];
	uint64_t *t[MAX_CMDS];
	posix_spawn_file_actions_t fa;
	int ncmd = 0;
	long runs;
	char *end;

	if (argc < 3) {
		fprintf(stderr, "usage: timeit RUNS CMD [ARG...] [::: CMD [ARG...]]...\n");
		return 2;
	}
	errno = 0;
	runs = strtol(argv[1], &end, 10);
	if (errno || *end || runs < 1 || runs > 100000) {
		fprintf(stderr, "timeit: bad run count '%s'\n", argv[1]);
		return 2;
	}
	/* Split argv at ":::" in place: each command is NULL-terminated. */
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], ":::")) {
			argv[i] = NULL;
			continue;
		}
		if (i == 2 || argv[i - 1] == NULL) {
			if (ncmd == MAX_CMDS) {
				fprintf(stderr, "timeit: at most %d commands\n", MAX_CMDS);
				return 2;
			}
			cmd[ncmd++] = &argv[i];
		}
	}
	if (!ncmd) {
		fprintf(stderr, "timeit: no command\n");
		return 2;
	}
	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) {
		fprintf(stderr, "timeit: posix_spawn_file_actions: out of memory\n");
		return 1;
	}
	for (int c = 0; c < ncmd; c++) {
		t[c] = calloc((size_t)runs, sizeof(uint64_t));
		if (!t[c]) {
			fprintf(stderr, "timeit: out of memory\n");
			return 1;
		}
	}
	for (long r = 0; r < runs; r++)
		for (int k = 0; k < ncmd; k++) {
			/* every other round in reverse order */
			int c = r % 2 ? ncmd - 1 - k : k;

			t[c][r] = run_once(cmd[c], &fa);
			if (!t[c][r])
				return 1;
		}
	for (int c = 0; c < ncmd; c++) {
		uint64_t med;

		qsort(t[c], (size_t)runs, sizeof(uint64_t), cmp_u64);
		med = runs % 2 ? t[c][runs / 2]
			       : (t[c][runs / 2 - 1] + t[c][runs / 2]) / 2;
		printf("median_ns=%llu min_ns=%llu max_ns=%llu\n",
		       (unsigned long long)med, (unsigned long long)t[c][0],
		       (unsigned long long)t[c][runs - 1]);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "timeit: cannot write the results\n");
		return 1;
	}
	return 0;
}
