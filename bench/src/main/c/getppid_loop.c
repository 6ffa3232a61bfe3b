// SPDX-License-Identifier: Apache-2.0
/* High-rate source for bench/PipelineBench: waits for a line on stdin (the bench has armed the
 * BPF filter with this pid by then), calls getppid() N times, prints the elapsed ns.
 * Usage: getppid_loop N */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	char line[16];
	struct timespec a, b;

	printf("%d\n", getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld\n", (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
	fflush(stdout);
	return 0;
}
