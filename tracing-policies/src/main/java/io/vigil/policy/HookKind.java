// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** The sections of {@code spec} that attach programs, with the name each has in messages. */
public enum HookKind implements Spelled {
    KPROBE("kprobes", "kprobe", VigilSupport.PLANNED),
    TRACEPOINT("tracepoints", "tracepoint", VigilSupport.PLANNED),
    LSM_HOOK("lsmhooks", "LSM hook", VigilSupport.PLANNED),
    UPROBE("uprobes", "uprobe", VigilSupport.PLANNED),
    USDT("usdts", "USDT probe", VigilSupport.PLANNED);

    private final String spelling;
    private final String displayName;
    private final VigilSupport support;

    HookKind(String spelling, String displayName, VigilSupport support) {
        this.spelling = spelling;
        this.displayName = displayName;
        this.support = support;
    }

    /** The {@code spec} field holding hooks of this kind. */
    @Override
    public String spelling() {
        return spelling;
    }

    public String displayName() {
        return displayName;
    }

    public VigilSupport support() {
        return support;
    }
}
