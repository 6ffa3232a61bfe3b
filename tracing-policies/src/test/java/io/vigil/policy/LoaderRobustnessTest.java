// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input is reported, never thrown: Tetragon's examples cut short, with a line removed, or with a
 * value replaced by a value of another shape, all load or fail with errors, without an exception.
 */
class LoaderRobustnessTest {

    private static final String[] REPLACEMENTS = {"[]", "{}", "~", "-1", "99999999999999999999", "[a, b]", "list:nope", "*x"};

    @Test
    void mutatedPoliciesNeverThrow() throws Exception {
        int runs = 0;
        for (Path file : TetragonExamplesTest.examples()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                for (String variant : variants(lines, i)) {
                    LoadResult r = PolicyLoader.loadText(variant, file);
                    assertTrue(r.ok() || r.policies().isEmpty(), "a file with errors loads nothing");
                    runs++;
                }
            }
        }
        assertTrue(runs > 1000, "mutations tried: " + runs);
    }

    private static List<String> variants(List<String> lines, int i) {
        List<String> out = new ArrayList<>();
        List<String> removed = new ArrayList<>(lines);
        removed.remove(i);
        out.add(String.join("\n", removed));
        out.add(String.join("\n", lines.subList(0, i)));
        String line = lines.get(i);
        int colon = line.indexOf(": ");
        if (colon > 0) {
            for (String r : REPLACEMENTS) {
                List<String> changed = new ArrayList<>(lines);
                changed.set(i, line.substring(0, colon + 2) + r);
                out.add(String.join("\n", changed));
            }
        }
        return out;
    }
}
