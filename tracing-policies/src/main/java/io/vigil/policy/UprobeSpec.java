// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.List;
import java.util.Optional;

/** {@code spec.uprobes[]}: user-space functions of a binary, by symbol, offset or address. */
public record UprobeSpec(
        String path,
        List<String> symbols,
        List<Long> offsets,
        List<Long> addrs,
        List<Long> refCtrOffsets,
        Optional<String> btfPath,
        Optional<String> message,
        List<ArgSpec> args,
        List<ArgSpec> data,
        boolean returns,
        Optional<ArgSpec> returnArg,
        List<Selector> selectors,
        List<String> tags) implements HookSpec {

    public UprobeSpec {
        symbols = List.copyOf(symbols);
        offsets = List.copyOf(offsets);
        addrs = List.copyOf(addrs);
        refCtrOffsets = List.copyOf(refCtrOffsets);
        args = List.copyOf(args);
        data = List.copyOf(data);
        selectors = List.copyOf(selectors);
        tags = List.copyOf(tags);
    }

    @Override
    public HookKind kind() {
        return HookKind.UPROBE;
    }

    @Override
    public String target() {
        return symbols.isEmpty() ? path : path + ":" + String.join(",", symbols);
    }
}
