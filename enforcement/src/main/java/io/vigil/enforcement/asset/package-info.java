/**
 * Model-theft guard, the pure-Java half: encoding of the allow list into the asset_allow4 /
 * asset_allow6 LPM tries, parsing of the DNS answers the cgroup_skb program copies (msg_dns), and
 * the asset_learned entries those answers add for allowed names. No kernel access here; layouts
 * are those of kprobe-bpf/src/main/bpf/lib/asset_abi.h.
 */
package io.vigil.enforcement.asset;
