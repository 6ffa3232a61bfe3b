/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Tetragon's socket tracking: socktrack remembers which process made a struct sock *, so that a
 * hook on that sock that runs in softirq or in another task's context (tcp_set_state, tcp_close,
 * __cgroup_bpf_run_filter_skb ...) reports the owner, not whoever runs.
 *
 *   returnArgAction TrackSock (VIGIL_GEN_HOOK_TRACK_SOCK): at return, socktrack[ret] = current
 *   returnArgAction UntrackSock (VIGIL_GEN_HOOK_UNTRACK_SOCK): at return, delete socktrack[ret]
 *   action TrackSock/UntrackSock (VIGIL_GEN_ACT_*TRACKSOCK): the sock of argument arg_sock, the same
 *   reading any sock or socket argument: a tracked sock makes the event name its owner
 *
 * One map for every policy hook: the exec sensor (bpf_exec.c) declares it so that it is among the
 * base sensors' shared maps (Java: io.vigil.agent.sensors.BaseSensors.SHARED_MAPS). LRU, so a sock
 * that is never untracked (a policy without UntrackSock) ages out instead of filling the map. */
#ifndef VIGIL_SOCKTRACK_H
#define VIGIL_SOCKTRACK_H

#include "common.h"

#define VIGIL_SOCKTRACK_ENTRIES 32768   /* Tetragon's socktrack_map holds 32000 */

struct socktrack_owner {
	struct msg_execve_key key;   /* 0: the owner's exec key (execve_map) */
	__u32 tid;                   /* 16: the thread that made the sock */
	__u32 pad;                   /* 20 */
};                               /* 24 */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VIGIL_SOCKTRACK_ENTRIES);
	__type(key, __u64);                    /* struct sock * */
	__type(value, struct socktrack_owner);
} socktrack SEC(".maps");

#endif
