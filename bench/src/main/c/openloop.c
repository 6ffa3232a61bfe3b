// SPDX-License-Identifier: Apache-2.0
/* Open-loop workload for bench/OpenLoopBench: ROUNDS rounds of N open(PATH)+close, prints each
 * round's wall time in ns, one per line, followed by its CPU time (user + system) in ns.
 * Usage: openloop PATH N ROUNDS */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long cpu_ns(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000000LL + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000LL;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	int n = argc > 2 ? atoi(argv[2]) : 200000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;

	for (int r = 0; r < rounds; r++) {
		long long t0 = now_ns();
		long long c0 = cpu_ns();

		for (int i = 0; i < n; i++) {
			int fd = open(path, O_RDONLY);

			if (fd < 0) {
				perror(path);
				return 1;
			}
			close(fd);
		}
		printf("%lld %lld\n", now_ns() - t0, cpu_ns() - c0);
		fflush(stdout);
	}
	return 0;
}
