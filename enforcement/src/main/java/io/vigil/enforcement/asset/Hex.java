package io.vigil.enforcement.asset;

import java.util.HexFormat;

/** Hex text of bytes for toString and messages. */
final class Hex {
    private Hex() {}

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
