/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* <bpf/usdt.bpf.h> includes <linux/errno.h>, which wants the arch's <asm/errno.h>: BPF builds
 * have no multiarch include dir, and x86 and arm64 both use the generic numbers. */
#include <asm-generic/errno.h>
