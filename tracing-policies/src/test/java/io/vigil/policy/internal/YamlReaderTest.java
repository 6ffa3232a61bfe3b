// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.policy.internal.yaml.Position;
import io.vigil.policy.internal.yaml.YamlNode;
import io.vigil.policy.internal.yaml.YamlReader;
import io.vigil.policy.internal.yaml.YamlSyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The position-keeping YAML reader over Jackson's token stream. */
class YamlReaderTest {

    @Test
    void keysAndValuesKeepTheirOneBasedPositions() throws Exception {
        YamlReader.Result r = YamlReader.read("a: 1\nb:\n  - x: \"y\"\n    z: 0x10\n");
        YamlNode.Mapping root = (YamlNode.Mapping) r.documents().get(0).root();

        YamlNode.Entry b = root.entry("b").orElseThrow();
        assertEquals(new Position(2, 1), b.keyPosition());
        YamlNode.Mapping item = (YamlNode.Mapping) ((YamlNode.Sequence) b.value()).items().get(0);
        assertEquals(new Position(3, 5), item.position());
        YamlNode.Scalar z = (YamlNode.Scalar) item.entry("z").orElseThrow().value();
        assertEquals(new Position(4, 8), z.position());
        assertEquals("0x10", z.text(), "numbers keep their spelling");
        assertEquals(YamlNode.ScalarKind.INTEGER, z.kind());
    }

    @Test
    void documentsAreSeparatedAndEmptyOnesKept() throws Exception {
        YamlReader.Result r = YamlReader.read("a: 1\n---\n---\nb: 2\n");
        assertEquals(3, r.documents().size());
        assertNull(r.documents().get(1).root());
        assertEquals(4, r.documents().get(2).start().line());
    }

    @Test
    void duplicateKeysAreProblemsWithBothPlaces() throws Exception {
        YamlReader.Result r = YamlReader.read("a: 1\nb: 2\na: 3\n");
        assertEquals(List.of(new YamlReader.Problem(new Position(3, 1), "duplicate field 'a' (first at line 1)")),
                r.problems());
    }

    @Test
    void syntaxErrorsCarrySnakeYamlsProblemAndPlace() {
        YamlSyntaxException e = assertThrows(YamlSyntaxException.class, () -> YamlReader.read("a: [1, 2\nb: 3\n"));
        assertEquals(2, e.position().line());
        YamlSyntaxException alias = assertThrows(YamlSyntaxException.class, () -> YamlReader.read("a: *nowhere\n"));
        assertEquals("alias '*nowhere' refers to no anchor defined before it", alias.getMessage());
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "a: " + "[".repeat(100) + "]".repeat(100) + "\n";
        YamlSyntaxException e = assertThrows(YamlSyntaxException.class, () -> YamlReader.read(deep));
        assertEquals("nesting deeper than 64 levels", e.getMessage());
    }
}
