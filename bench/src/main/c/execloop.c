// SPDX-License-Identifier: Apache-2.0
/* Exec-loop workload for bench/ExecLoopBench: ROUNDS rounds of N fork+exec of /bin/true, prints
 * each round's wall time in ns, one per line, followed by the CPU time (user + system, of
 * execloop and its waited-for children) the round used, in ns. Usage: execloop N ROUNDS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* user + system time of this process and of its children that were waited for */
static long long cpu_ns(void)
{
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	return tv_ns(self.ru_utime) + tv_ns(self.ru_stime) + tv_ns(children.ru_utime) + tv_ns(children.ru_stime);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;

	for (int r = 0; r < rounds; r++) {
		long long t0 = now_ns();
		long long c0 = cpu_ns();

		for (int i = 0; i < n; i++) {
			pid_t pid = fork();
			int st;

			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, &st, 0) < 0) {
				perror("execloop");
				return 1;
			}
		}
		long long wall = now_ns() - t0;

		printf("%lld %lld\n", wall, cpu_ns() - c0);
		fflush(stdout);
	}
	return 0;
}
