// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal.yaml;

/** The file is not well-formed YAML; nothing of it can be read past this point. */
public final class YamlSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Position position;

    public YamlSyntaxException(String message, Position position) {
        super(message);
        this.position = position;
    }

    public Position position() {
        return position;
    }
}
