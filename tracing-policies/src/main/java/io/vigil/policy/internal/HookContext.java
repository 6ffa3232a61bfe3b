// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ArgSpec;
import io.vigil.policy.HookKind;
import io.vigil.policy.HookSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.PolicySpec;
import io.vigil.policy.TracepointSpec;
import io.vigil.policy.UprobeSpec;
import java.util.List;
import java.util.Optional;

/** A hook with what its selectors may refer to: its arguments, data, return value and the policy's lists. */
record HookContext(HookSpec hook, List<ArgSpec> data, Optional<ArgSpec> returnArg, boolean returns, PolicySpec spec) {

    static HookContext of(HookSpec hook, PolicySpec spec) {
        if (hook instanceof KprobeSpec k) {
            return new HookContext(k, k.data(), k.returnArg(), k.returns(), spec);
        }
        if (hook instanceof UprobeSpec u) {
            return new HookContext(u, u.data(), u.returnArg(), u.returns(), spec);
        }
        return new HookContext(hook, List.of(), Optional.empty(), false, spec);
    }

    List<ArgSpec> args() {
        return hook.args();
    }

    HookKind kind() {
        return hook.kind();
    }

    /** "kprobe 'sys_write'", "tracepoint 'raw_syscalls/sys_enter'", ... */
    String name() {
        return hook.kind().displayName() + " '" + hook.target() + "'";
    }

    /** Tracepoints number matchArgs by position in {@code args}; the other hooks by the argument's index. */
    boolean matchByPosition() {
        return hook instanceof TracepointSpec;
    }

    /** Hooks whose arguments are function arguments read from registers (index 0 to 4). */
    boolean functionArgs() {
        return !(hook instanceof TracepointSpec);
    }

    /** Hooks that can have a return value: kprobes and uprobes with {@code return: true}. */
    boolean canReturn() {
        return hook instanceof KprobeSpec || hook instanceof UprobeSpec;
    }
}
