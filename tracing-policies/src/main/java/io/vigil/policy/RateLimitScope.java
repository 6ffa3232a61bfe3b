// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code rateLimitScope} of a Post action; codes are Tetragon's ActionRateLimitScope* values. */
public enum RateLimitScope implements Spelled {
    THREAD("thread", 0),
    PROCESS("process", 1),
    GLOBAL("global", 2);

    private final String spelling;
    private final int tetragonCode;

    RateLimitScope(String spelling, int tetragonCode) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public int tetragonCode() {
        return tetragonCode;
    }
}
