// SPDX-License-Identifier: Apache-2.0
package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.ActionType;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.UsdtSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `usdts:` hooks: the generic_usdt program (bpf_generic_usdt.c) attached by libbpf's USDT support
 * on provider:name of a binary, in every process. Arguments are read with the probe's own argument
 * specs (bpf_usdt_arg), so args[].index is the probe argument, not a register. Every backend: USDTs
 * are uprobes underneath, and kernels without kprobes still have the uprobe PMU.
 */
final class UsdtPlanner {
    /** The object and program of bpf_generic_usdt.c (its SEC("usdt") function). */
    static final String OBJECT = "bpf_generic_usdt";
    static final String PROGRAM = "generic_usdt";
    /** BPF_USDT_MAX_ARG_CNT of libbpf's usdt.bpf.h: the most arguments a probe site records. */
    static final int MAX_PROBE_ARGS = 12;

    private final HostFacts host;

    UsdtPlanner(HostFacts host) {
        this.host = host;
    }

    /** The plan of one USDT, or empty after a problem (refused, or not served on this machine). */
    Optional<HookPlan> plan(UsdtSpec u, String where, HookPlanner.Problems p) {
        if (u.selectors().stream().anyMatch(s -> s.matchActions().stream().anyMatch(a -> a.action() == ActionType.SET))) {
            p.add(where + ".selectors", "the Set action (write a USDT argument) is not supported: Vigil's BPF programs"
                    + " only read user memory, they never write it");
            return Optional.empty();
        }
        if (u.args().size() > GenericAbi.MAX_ARGS) {
            p.add(where + ".args", "at most " + GenericAbi.MAX_ARGS + " arguments per hook, got " + u.args().size());
            return Optional.empty();
        }
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : u.args()) {
            if (a.index() < 0 || a.index() >= MAX_PROBE_ARGS) {
                p.add(where + ".args", "argument index " + a.index() + " of USDT " + u.provider() + ":" + u.name()
                        + ": a probe has arguments 0.." + (MAX_PROBE_ARGS - 1));
                return Optional.empty();
            }
            if (a.sizeArgIndex() < 0 || a.sizeArgIndex() > MAX_PROBE_ARGS) {
                p.add(where + ".args", "sizeArgIndex " + a.sizeArgIndex() + " (1-based) of USDT " + u.provider() + ":"
                        + u.name() + ": arguments 1.." + MAX_PROBE_ARGS);
                return Optional.empty();
            }
            args.add(new ArgPlan(a, a.type(), 0, a.index(), a.sizeArgIndex(), 0, 0, 0, 0));
        }
        if (!host.fileExists(u.path())) {
            p.kernel(where + ".path", "no file " + u.path() + " on this machine");
            return Optional.empty();
        }
        // the path may hold ':' itself; GenericHookLoader splits provider and name off the end
        String target = u.path() + ":" + u.provider() + ":" + u.name();
        return Optional.of(new HookPlan(u, where, OBJECT, List.of(new Attachment(PROGRAM, AttachKind.USDT, target)), 0,
                true, false, args, 0, HookDescriptor.Kind.USDT, u.name(), u.path(), u.provider(), List.of(),
                Optional.empty()));
    }
}
