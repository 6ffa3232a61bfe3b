// SPDX-License-Identifier: Apache-2.0
/* Offender for bench/KillLatencyBench: writes one byte to the file it is given (a Sigkill policy
 * covers its directory), then, if still alive, prints "alive": a line that must never appear.
 * Usage: victim FILE */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return 3;
	if (write(fd, "x", 1) != 1)
		return 4;
	if (write(1, "alive\n", 6) != 6)
		return 5;
	return 0;
}
