// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/** {@code spec.usdts[]}: a USDT probe {@code provider:name} of a binary (the agent attaches it with libbpf's USDT support). */
public record UsdtSpec(
        String path,
        String provider,
        String name,
        Optional<String> btfPath,
        Optional<String> message,
        List<ArgSpec> args,
        List<Selector> selectors,
        List<String> tags) implements HookSpec {

    public UsdtSpec {
        args = List.copyOf(args);
        selectors = List.copyOf(selectors);
        tags = List.copyOf(tags);
    }

    @Override
    public HookKind kind() {
        return HookKind.USDT;
    }

    @Override
    public String target() {
        return path + ":" + provider + ":" + name;
    }
}
