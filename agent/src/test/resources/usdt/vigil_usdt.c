/* UsdtKernelTest's probe site: DTRACE_PROBE2(vigiltest, probe2, int, long) fired once with
 * argv[1] and argv[1] * 1000000007 (beyond 32 bits, so int64 decoding is seen).
 * Built at test time: cc vigil_usdt.c (needs <sys/sdt.h>: apt-get install systemtap-sdt-dev). */
#include <stdlib.h>
#include <sys/sdt.h>

int main(int argc, char **argv)
{
	int v = argc > 1 ? atoi(argv[1]) : 0;
	long w = (long)v * 1000000007L;

	DTRACE_PROBE2(vigiltest, probe2, v, w);
	return 0;
}
