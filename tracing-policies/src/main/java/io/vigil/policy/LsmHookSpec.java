// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/** {@code spec.lsmhooks[]}: a BPF LSM hook, named without prefix ({@code file_open}, {@code bprm_check_security}). */
public record LsmHookSpec(
        String hook,
        Optional<String> message,
        List<ArgSpec> args,
        List<Selector> selectors,
        List<String> tags) implements HookSpec {

    public LsmHookSpec {
        args = List.copyOf(args);
        selectors = List.copyOf(selectors);
        tags = List.copyOf(tags);
    }

    @Override
    public HookKind kind() {
        return HookKind.LSM_HOOK;
    }

    @Override
    public String target() {
        return hook;
    }
}
