/**
 * Deny in the kernel where BPF LSM and fmod_ret are refused: connect/sendmsg through cgroup
 * sock_addr programs (the kernel returns EPERM), open and exec through fanotify permission events
 * answered by the agent. Kill (bpf_send_signal) lives in the hook programs themselves.
 */
package io.vigil.enforcement;
